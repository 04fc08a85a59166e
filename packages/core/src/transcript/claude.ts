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
  'progress',
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

  const user = (r: JsonObject): void => {
    const message = r['message'];
    if (!isObject(message)) return;
    const content = message['content'];
    // Injected context (isMeta) and compaction summaries are not something the person typed.
    const role = r['isMeta'] === true || r['isCompactSummary'] === true ? 'system' : 'user';
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
    const usage = anthropicUsage(r['usage']);
    if (usage) b.reportUsage(usage);
    const cost = num(r['total_cost_usd']);
    if (cost !== undefined) b.reportCost(cost);
    // modelUsage names every model that ran, including background ones a policy must also allow.
    if (isObject(r['modelUsage'])) for (const model of Object.keys(r['modelUsage'])) b.addModel(model);
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
    if (IGNORED_TYPES.has(type)) {
      envelope(value);
      return true;
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
