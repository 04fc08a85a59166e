import type { FormatHandler } from './base-reader.js';
import { isObject, num, str, type JsonObject } from './json.js';
import { primaryArgument, type TranscriptSummaryBuilder } from './summary-builder.js';
import type { TranscriptUsage } from './types.js';

/** Actions that are conversation or bookkeeping; every other action the agent takes runs something. */
const NOT_TOOLS = new Set(['message', 'finish', 'change_agent_state', 'system', 'recall', 'think', 'reject', 'null', 'condensation', 'condensation_request']);
/** Actions that write the path they name; `edit` with `command: view` only reads. */
const WRITES = new Set(['write', 'edit']);

function toolArgument(action: string, args: JsonObject): string | undefined {
  switch (action) {
    case 'run':
      return str(args['command']);
    case 'run_ipython':
      return str(args['code']);
    case 'read':
    case 'write':
    case 'edit':
      return str(args['path']);
    case 'browse':
      return str(args['url']);
    default:
      return undefined;
  }
}

function modelResponseUsage(usage: JsonObject): TranscriptUsage {
  const out: TranscriptUsage = {};
  const input = num(usage['prompt_tokens']);
  const output = num(usage['completion_tokens']);
  const details = isObject(usage['prompt_tokens_details']) ? usage['prompt_tokens_details'] : {};
  const cacheRead = num(usage['cache_read_input_tokens']) ?? num(details['cached_tokens']);
  const cacheCreation = num(usage['cache_creation_input_tokens']);
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  if (cacheRead !== undefined) out.cacheReadTokens = cacheRead;
  if (cacheCreation !== undefined) out.cacheCreationTokens = cacheCreation;
  return out;
}

/**
 * An OpenHands trajectory: a JSON array of events `{id, timestamp, source, message, action | observation,
 * args | extras, cause?, tool_call_metadata?}`. An agent action other than talking is a tool call, named
 * by the action (`run`, `edit`, `read`, `browse`, …), which is what OpenHands executes whatever function
 * name the model used. Usage is the LiteLLM response each call carries, once per response id.
 */
export function openhandsHandler(b: TranscriptSummaryBuilder): FormatHandler {
  let prompts = 0;
  const responses = new Set<string>();
  return {
    record(value, index) {
      if (!isObject(value) || typeof value['source'] !== 'string') return false;
      b.timestamp(value['timestamp']);
      const metadata = isObject(value['tool_call_metadata']) ? value['tool_call_metadata'] : undefined;
      const response = metadata && isObject(metadata['model_response']) ? metadata['model_response'] : undefined;
      if (response) {
        b.addModel(response['model']);
        const id = str(response['id']);
        // The action and its observation both repeat the response that asked for the call.
        if (id !== undefined && !responses.has(id) && isObject(response['usage'])) {
          responses.add(id);
          b.addUsage(modelResponseUsage(response['usage']));
        }
      }
      // Newer versions carry running totals for the whole session on each event; the last one is the total.
      const metrics = isObject(value['llm_metrics']) ? value['llm_metrics'] : undefined;
      if (metrics) {
        const cost = num(metrics['accumulated_cost']);
        if (cost !== undefined) b.reportCost(cost);
        const tokens = isObject(metrics['accumulated_token_usage']) ? metrics['accumulated_token_usage'] : undefined;
        if (tokens) {
          b.addModel(tokens['model']);
          const usage: TranscriptUsage = {};
          const map: Array<[string, keyof TranscriptUsage]> = [
            ['prompt_tokens', 'inputTokens'],
            ['completion_tokens', 'outputTokens'],
            ['cache_read_tokens', 'cacheReadTokens'],
            ['cache_write_tokens', 'cacheCreationTokens'],
          ];
          for (const [from, to] of map) {
            const n = num(tokens[from]);
            if (n !== undefined) usage[to] = n;
          }
          if (Object.keys(usage).length > 0) b.reportUsage(usage);
        }
      }

      const action = str(value['action']);
      const args = isObject(value['args']) ? value['args'] : {};
      if (action !== undefined) {
        if (action === 'message') {
          const text = str(args['content']) ?? str(value['message']) ?? '';
          if (value['source'] === 'user') {
            prompts += 1;
            b.say('user', text);
          } else b.say('assistant', text);
          return true;
        }
        if (action === 'finish') {
          b.say('assistant', str(args['final_thought']) ?? str(args['thought']) ?? str(value['message']) ?? '');
          return true;
        }
        if (NOT_TOOLS.has(action)) return true;
        if (value['source'] !== 'agent') return true;
        const path = str(args['path']);
        const argument = toolArgument(action, args) ?? primaryArgument(action, args);
        const edits = path !== undefined && WRITES.has(action) && args['command'] !== 'view';
        b.toolCall({
          id: metadata ? str(metadata['tool_call_id']) : undefined,
          name: action,
          argument: argument === undefined ? undefined : primaryArgument(action, argument),
          filePaths: path ? [path] : [],
          edited: edits && path ? [path] : [],
          recordIndex: index,
        });
        b.say('assistant', str(args['thought']) ?? '', [action]);
        return true;
      }

      const observation = str(value['observation']);
      if (observation === undefined) return false;
      const extras = isObject(value['extras']) ? value['extras'] : {};
      const meta = isObject(extras['metadata']) ? extras['metadata'] : undefined;
      if (meta) b.setFirst('cwd', meta['working_dir']);
      if (observation !== 'null' && observation !== 'agent_state_changed') b.say('tool', str(value['content']) ?? str(value['message']) ?? '');
      return true;
    },
    finish() {
      b.setPrompts(prompts);
    },
  };
}
