import { contentText, type TranscriptSummaryBuilder } from './summary-builder.js';
import { isObject, num, str, type JsonObject } from './json.js';
import type { FormatHandler } from './base-reader.js';
import type { TranscriptUsage } from './types.js';

/** Record types Claude Code writes that carry nothing a summary needs; they are read, not "unknown". */
const IGNORED_TYPES = new Set([
  'stream_event',
  'rate_limit_event',
  'summary',
  'file-history-snapshot',
  'queue-operation',
  'custom-title',
  'agent-name',
  'last-prompt',
  'pr-link',
  'attachment',
  'permission-mode',
  'tool_progress',
  'auth_status',
  'control_request',
  'control_response',
  'keep_alive',
]);

export function anthropicUsage(usage: unknown): TranscriptUsage | undefined {
  if (!isObject(usage)) return undefined;
  const out: TranscriptUsage = {};
  const input = num(usage['input_tokens']);
  const output = num(usage['output_tokens']);
  const cacheRead = num(usage['cache_read_input_tokens']);
  const cacheCreation = num(usage['cache_creation_input_tokens']);
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  if (cacheRead !== undefined) out.cacheReadTokens = cacheRead;
  if (cacheCreation !== undefined) out.cacheCreationTokens = cacheCreation;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Reads assistant content blocks into the conversation and the tool-call stream. */
export function anthropicContent(b: TranscriptSummaryBuilder, content: unknown, index: number): void {
  if (typeof content === 'string') {
    b.say('assistant', content);
    return;
  }
  if (!Array.isArray(content)) return;
  const texts: string[] = [];
  const tools: string[] = [];
  for (const block of content) {
    if (!isObject(block)) continue;
    if (block['type'] === 'text' && typeof block['text'] === 'string') texts.push(block['text']);
    else if (block['type'] === 'tool_use' || block['type'] === 'server_tool_use') {
      const name = str(block['name']) ?? 'unknown';
      tools.push(name);
      b.toolUse(name, block['input'], index, str(block['id']));
    }
  }
  b.say('assistant', texts.join('\n'), tools);
}

/**
 * One handler for every Claude Code shape: stream-json / Agent SDK messages (snake_case `session_id`),
 * the claude-code-action array of the same messages, the `--output-format json` result object, and
 * session files (camelCase `sessionId`, one line per content block).
 */
export function claudeHandler(b: TranscriptSummaryBuilder): FormatHandler {
  // Stream-json and the action's array end each run with a `result`; records after the last one
  // mean the file was cut before it (a killed run, a partial upload): a view that may hide calls.
  const endsWithResult = b.format === 'claude-stream-json' || b.format === 'claude-code-action';
  let openRun = false;

  const envelope = (r: JsonObject): void => {
    b.setFirst('sessionId', r['sessionId'] ?? r['session_id']);
    b.setFirst('cwd', r['cwd']);
    b.setFirst('agentVersion', r['version'] ?? r['claude_code_version']);
    b.timestamp(r['timestamp']);
  };

  const assistant = (r: JsonObject, index: number): void => {
    const message = isObject(r['message']) ? r['message'] : undefined;
    if (!message) return;
    b.addModel(message['model']);
    const usage = anthropicUsage(message['usage']);
    const messageId = str(message['id']);
    // Same response streamed as several records: (message.id, requestId) names it, last copy wins.
    const key = messageId !== undefined ? `${messageId}|${str(r['requestId']) ?? ''}` : `#${index}`;
    b.responseUsage(key, usage ?? {}, num(r['costUSD']));
    anthropicContent(b, message['content'], index);
  };

  const user = (r: JsonObject, subagent = false): void => {
    const message = r['message'];
    if (!isObject(message)) return;
    const content = message['content'];
    // Injected context (isMeta), compaction summaries and the prompts a main agent gives its
    // subagents are not something the person typed.
    const delegated = subagent || r['isSidechain'] === true || str(r['parent_tool_use_id']) !== undefined;
    const role = r['isMeta'] === true || r['isCompactSummary'] === true || delegated ? 'system' : 'user';
    if (typeof content === 'string') {
      b.say(role, content);
      return;
    }
    if (!Array.isArray(content)) return;
    const texts: string[] = [];
    for (const block of content) {
      if (!isObject(block)) continue;
      if (block['type'] === 'text' && typeof block['text'] === 'string') texts.push(block['text']);
      else if (block['type'] === 'tool_result') b.say('tool', contentText(block['content']));
    }
    b.say(role, texts.join('\n'));
  };

  const result = (r: JsonObject): void => {
    // One result answers one prompt (a `claude -p` run), however many model calls it took.
    b.countPrompt(num(r['num_turns']));
    const usage = anthropicUsage(r['usage']);
    if (usage) b.reportUsage(usage);
    const cost = num(r['total_cost_usd']);
    if (cost !== undefined) b.reportCost(cost);
    // modelUsage names every model that ran, including background ones a policy must also allow.
    if (isObject(r['modelUsage'])) for (const model of Object.keys(r['modelUsage'])) b.addModel(model);
  };

  /**
   * Session files record what a subagent (`Task`) does inside `progress` records of type
   * `agent_progress`: its model, its tool calls and their results. They are the agent's actions as
   * much as the main agent's, so they are judged the same way.
   */
  const subagentProgress = (r: JsonObject, index: number): void => {
    const data = isObject(r['data']) ? r['data'] : undefined;
    if (!data || data['type'] !== 'agent_progress') return;
    const inner = isObject(data['message']) ? data['message'] : undefined;
    if (!inner) return;
    if (inner['type'] === 'assistant') assistant(inner, index);
    else if (inner['type'] === 'user') user(inner, true);
  };

  const record = (value: unknown, index: number): boolean => {
    if (!isObject(value)) return false;
    const type = value['type'];
    const message = value['message'];
    // ccusage-era lines carry only the assistant message and usage, with no `type`.
    if (type === undefined && isObject(message) && message['role'] === 'assistant') {
      envelope(value);
      assistant(value, index);
      return true;
    }
    if (typeof type !== 'string') return false;
    if (type === 'progress') {
      envelope(value);
      subagentProgress(value, index);
      return true;
    }
    if (IGNORED_TYPES.has(type)) {
      envelope(value);
      return true;
    }
    if (endsWithResult) {
      if (type === 'result') openRun = false;
      else if (type === 'assistant' || type === 'user' || (type === 'system' && value['subtype'] === 'init')) openRun = true;
    }
    switch (type) {
      case 'system':
        envelope(value);
        if (value['subtype'] === 'init') b.addModel(value['model']);
        return true;
      case 'assistant':
        envelope(value);
        assistant(value, index);
        return true;
      case 'user':
        envelope(value);
        user(value);
        return true;
      case 'result':
        envelope(value);
        result(value);
        return true;
      default:
        return false;
    }
  };

  return {
    record,
    finish() {
      if (openRun) b.truncated = 'no final result record: the run was cut before it ended';
    },
    document(value: unknown): boolean {
      // claude.ai-style web export: `{loglines: [...]}` holding session records.
      if (isObject(value) && Array.isArray(value['loglines'])) {
        value['loglines'].forEach((item, i) => {
          b.records += 1;
          if (!record(item, i)) b.skippedRecords += 1;
        });
        return true;
      }
      return false;
    },
  };
}
