import { isObject, type JsonObject } from './json.js';
import type { TranscriptFormat } from './types.js';

export const DETECT_HEAD_BYTES = 64 * 1024;
/** A real transcript declares itself in its first records; scanning further only invites false matches. */
const MAX_PROBE_LINES = 50;

const ROLLOUT_TYPES = new Set(['session_meta', 'response_item', 'event_msg', 'turn_context', 'compacted']);
const EXEC_TYPES = new Set(['thread.started', 'turn.started', 'turn.completed', 'turn.failed', 'item.started', 'item.updated', 'item.completed']);
const CLAUDE_STREAM_TYPES = new Set(['system', 'assistant', 'user', 'result', 'stream_event', 'rate_limit_event']);
const CLAUDE_SESSION_FIRST_TYPES = new Set(['summary', 'file-history-snapshot', 'queue-operation', 'progress']);
const GEMINI_RECORDING_METHODS = new Set(['generateContentStream', 'generateContent', 'countTokens']);
const COPILOT_TYPE = /^(?:session|user|assistant|tool|hook|system)\.[a-z_]+$/;

/** One JSONL record: which format writes records like this one, by the tie-breakers of FORMATS.md §0. */
function classifyRecord(r: JsonObject): TranscriptFormat | undefined {
  const type = r['type'];
  // Codex rollouts wrap everything in `payload` with a timestamp; exec --json has dotted types and neither.
  if (typeof type === 'string' && ROLLOUT_TYPES.has(type) && isObject(r['payload']) && 'timestamp' in r) {
    return 'codex-rollout';
  }
  if (typeof type === 'string' && EXEC_TYPES.has(type) && !('payload' in r)) return 'codex-exec-json';

  if (typeof type === 'string' && COPILOT_TYPE.test(type) && isObject(r['data']) && 'parentId' in r) {
    if (type !== 'session.start') return 'copilot-cli';
    const data = r['data'];
    if (data['producer'] === 'copilot-agent' || 'copilotVersion' in data) return 'copilot-cli';
    return undefined;
  }

  if (typeof r['method'] === 'string' && GEMINI_RECORDING_METHODS.has(r['method']) && 'response' in r) {
    return 'gemini-api-recording';
  }
  if (typeof r['sessionId'] === 'string' && typeof r['projectHash'] === 'string' && 'startTime' in r) {
    return 'gemini-session';
  }
  // Gemini stream-json: top-level role / tool_name, no `message` object.
  if (type === 'init' && typeof r['session_id'] === 'string' && 'model' in r) return 'gemini-stream-json';
  if (!('message' in r) && 'timestamp' in r) {
    if (type === 'message' && typeof r['role'] === 'string' && 'content' in r) return 'gemini-stream-json';
    if (type === 'tool_use' && typeof r['tool_name'] === 'string') return 'gemini-stream-json';
  }

  // Claude: stream-json uses snake_case `session_id`, session files camelCase `sessionId`.
  if (typeof type === 'string' && CLAUDE_STREAM_TYPES.has(type) && typeof r['session_id'] === 'string' && !('sessionId' in r)) {
    return 'claude-stream-json';
  }
  if (typeof r['sessionId'] === 'string') {
    const envelope = 'uuid' in r || 'parentUuid' in r;
    const message = r['message'];
    const usageOnly = type === undefined && isObject(message) && message['role'] === 'assistant' && 'requestId' in r;
    if ((envelope && typeof type === 'string') || usageOnly) return 'claude-session';
  }
  if (type === 'summary' && typeof r['leafUuid'] === 'string') return 'claude-session';
  if (typeof type === 'string' && CLAUDE_SESSION_FIRST_TYPES.has(type) && type !== 'summary') {
    if ('sessionId' in r || 'messageId' in r || 'uuid' in r) return 'claude-session';
  }

  if (type === 'message' && r['role'] === 'assistant' && typeof r['id'] === 'string' && r['id'].startsWith('msg_') && 'stop_reason' in r) {
    return 'anthropic-messages';
  }
  if (r['object'] === 'chat.completion') return 'openai-chat';
  if (r['object'] === 'response' && typeof r['id'] === 'string') return 'openai-responses';
  return undefined;
}

const MINI_SWE_MARKERS = /mswea_bash_command|<returncode>|COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT|MINI_SWE_AGENT_FINAL_OUTPUT/;
const OPENHANDS_SOURCES = new Set(['user', 'agent', 'environment']);

/** The JSON-array formats other than the claude-code-action file, each by its own element shape. */
function classifyArray(items: unknown[]): TranscriptFormat | undefined {
  const first: unknown = items[0];
  if (!isObject(first) || !items.every(isObject)) return undefined;
  const objects = items;
  if (objects.every((m) => typeof m['ts'] === 'number' && (m['type'] === 'say' || m['type'] === 'ask'))) return 'cline-ui-messages';
  if (
    objects.every(
      (e) => typeof e['id'] === 'number' && typeof e['source'] === 'string' && OPENHANDS_SOURCES.has(e['source']) && ('action' in e || 'observation' in e),
    )
  ) {
    return 'openhands-trajectory';
  }
  const chat = objects.every((m) => typeof m['role'] === 'string' && 'content' in m);
  if (!chat) return undefined;
  // Cline opens every task with the person's request in <task> tags, as blocks of Anthropic message params.
  const content = first['content'];
  const opening = Array.isArray(content) && isObject(content[0]) ? content[0]['text'] : content;
  if (first['role'] === 'user' && Array.isArray(content) && typeof opening === 'string' && opening.startsWith('<task>')) return 'cline-api-history';
  if (first['role'] === 'system' && objects.some((m) => m['role'] === 'user' && typeof m['content'] === 'string' && MINI_SWE_MARKERS.test(m['content']))) {
    return 'mini-swe-agent-traj';
  }
  return undefined;
}

/**
 * The same formats from the opening of a document too large to parse from its first 64 KiB (these files
 * are often megabytes, one line or pretty-printed): the first keys each tool writes, in its order.
 */
function classifyOpening(text: string, fileName?: string): TranscriptFormat | undefined {
  const opening = text.slice(0, 4096);
  const base = fileName?.replace(/^.*[\\/]/, '') ?? '';
  if (/^\{\s*"sessionId"\s*:\s*"[^"]*"\s*,\s*"projectHash"\s*:/.test(opening) && /"messages"\s*:\s*\[/.test(opening)) return 'gemini-session-json';
  if (/^\[\s*\{\s*"ts"\s*:\s*\d+\s*,\s*"type"\s*:\s*"(?:say|ask)"/.test(opening)) return 'cline-ui-messages';
  if (/^\[\s*\{\s*"role"\s*:\s*"user"\s*,\s*"content"\s*:\s*\[\s*\{\s*"type"\s*:\s*"text"\s*,\s*"text"\s*:\s*"<task>/.test(opening)) return 'cline-api-history';
  if (/^\[\s*\{\s*"id"\s*:\s*\d+\s*,\s*"timestamp"\s*:\s*"[^"]*"\s*,\s*"source"\s*:\s*"(?:user|agent|environment)"/.test(opening))
    return 'openhands-trajectory';
  if (/^\{\s*(?:"environment"\s*:\s*"[^"]*"\s*,\s*)?"trajectory"\s*:\s*\[\s*(?:\]|\{\s*"action"\s*:)/.test(opening)) return 'swe-agent-traj';
  if (/^\[\s*\{\s*"role"\s*:\s*"system"\s*,\s*"content"\s*:/.test(opening) && MINI_SWE_MARKERS.test(text)) return 'mini-swe-agent-traj';
  if (/^\{\s*"info"\s*:\s*\{/.test(opening) && /"mini_version"\s*:|"trajectory_format"\s*:\s*"mini-swe-agent/.test(text)) return 'mini-swe-agent-traj';
  // A canonical name settles a document whose first keys are in another order.
  if (base === 'ui_messages.json' && /^\[\s*\{/.test(opening) && /"ts"\s*:\s*\d+/.test(opening) && /"(?:say|ask)"\s*:/.test(opening))
    return 'cline-ui-messages';
  if (base === 'api_conversation_history.json' && /^\[\s*\{/.test(opening) && /"role"\s*:\s*"user"/.test(opening) && /<task>/.test(opening))
    return 'cline-api-history';
  if (base.endsWith('.traj') && /^\{/.test(opening) && /"trajectory"\s*:\s*\[/.test(text)) return 'swe-agent-traj';
  return undefined;
}

/** A whole JSON document: the single-JSON formats first, then the document as a lone record. */
function classifyDocument(value: unknown): TranscriptFormat | undefined {
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    const other = classifyArray(value);
    if (other) return other;
    if (!isObject(first) || first['type'] !== 'system' || first['subtype'] !== 'init') return undefined;
    // Every element must be an SDK message; an array that merely starts like one is not the action's file.
    const allMessages = value.every((item) => isObject(item) && typeof item['type'] === 'string');
    return allMessages ? 'claude-code-action' : undefined;
  }
  if (!isObject(value)) return undefined;
  if (Array.isArray(value['loglines'])) return 'claude-session-export';
  if (value['type'] === 'result' && ('total_cost_usd' in value || 'subtype' in value) && 'session_id' in value) {
    return 'claude-json-result';
  }
  if (typeof value['sessionId'] === 'string' && typeof value['projectHash'] === 'string' && Array.isArray(value['messages'])) {
    return 'gemini-session-json';
  }
  if (Array.isArray(value['trajectory']) && (Array.isArray(value['history']) || isObject(value['info']))) return 'swe-agent-traj';
  const info = value['info'];
  if (
    Array.isArray(value['messages']) &&
    isObject(info) &&
    ((typeof value['trajectory_format'] === 'string' && value['trajectory_format'].startsWith('mini-swe-agent')) || 'mini_version' in info)
  ) {
    return 'mini-swe-agent-traj';
  }
  return classifyRecord(value);
}

function detectAider(text: string, fileName?: string): TranscriptFormat | undefined {
  const lines = text.split('\n', 40).map((line) => line.replace(/\r$/, ''));
  const nonEmpty = lines.filter((line) => line.trim().length > 0);
  const first = nonEmpty[0] ?? '';
  if (/^# aider chat started at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(first)) return 'aider';
  // Emacs mode line, then Aider's block-quoted startup output.
  if (first.startsWith('-*-') && /mode/.test(first) && nonEmpty[1]?.startsWith('> ')) return 'aider';
  // A rotated or truncated history file may start mid-run; its name still says what it is.
  if (fileName && /(^|[\\/])\.aider\.chat\.history\.md$/.test(fileName) && (first.startsWith('> ') || first.startsWith('#### '))) {
    return 'aider';
  }
  return undefined;
}

function detectSpecStory(text: string): TranscriptFormat | undefined {
  return /^<!--\s*Generated by SpecStory\b/.test(text) ? 'cursor-specstory' : undefined;
}

/**
 * Names the transcript format of a file from its first ≤64 KiB, or undefined when it is none of them.
 * A gate must never read an arbitrary file as a transcript, so every rule needs a format's own markers.
 */
export function detectFormat(head: string, fileName?: string): TranscriptFormat | undefined {
  let text = head.length > DETECT_HEAD_BYTES ? head.slice(0, DETECT_HEAD_BYTES) : head;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const trimmed = text.trimStart();
  if (trimmed.length === 0) return undefined;

  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return detectSpecStory(trimmed) ?? detectAider(trimmed, fileName);

  try {
    return classifyDocument(JSON.parse(trimmed));
  } catch {
    // Not one complete document: JSONL, or a large document cut at the head limit.
  }

  const opened = classifyOpening(trimmed, fileName);
  if (opened) return opened;

  // An API payload larger than the head is one document cut short: JSON.parse cannot read it, so its
  // opening fields decide (the APIs write id/object/type/role first). Only one document (a lone `{`
  // line, or a single line filling the head) qualifies; a file that is itself cut then fails to
  // parse whole, with a message that says so.
  if (trimmed.startsWith('{')) {
    const firstLine = trimmed.slice(0, trimmed.indexOf('\n') < 0 ? trimmed.length : trimmed.indexOf('\n')).trim();
    if (firstLine === '{' || firstLine.length === trimmed.length) {
      const opening = trimmed.slice(0, 4096);
      if (/"object"\s*:\s*"chat\.completion"/.test(opening)) return 'openai-chat';
      if (/"object"\s*:\s*"response"/.test(opening)) return 'openai-responses';
      if (/"type"\s*:\s*"message"/.test(opening) && /"role"\s*:\s*"assistant"/.test(opening) && /"id"\s*:\s*"msg_/.test(opening)) {
        return 'anthropic-messages';
      }
    }
  }

  if (trimmed.startsWith('[')) {
    // The action's array is pretty-printed: its first element opens with type/subtype on their own lines.
    const opening = trimmed.slice(0, 4096);
    if (/^\[\s*\{\s*"type"\s*:\s*"system"\s*,\s*"subtype"\s*:\s*"init"/.test(opening)) return 'claude-code-action';
    return undefined;
  }
  if (/^\{\s*"loglines"\s*:\s*\[/.test(trimmed)) return 'claude-session-export';

  const lines = trimmed.split('\n', MAX_PROBE_LINES + 1).slice(0, MAX_PROBE_LINES);
  // The last line of a cut head is usually partial; it is skipped like any line that is not JSON.
  let parsedAny = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // Pretty-printed JSON that does not parse whole is not JSONL; one bad line in real JSONL is tolerated.
      if (!parsedAny && (line === '{' || line === '[')) return undefined;
      continue;
    }
    parsedAny = true;
    if (!isObject(value)) continue;
    const format = classifyRecord(value);
    if (format !== undefined) {
      // Single-JSON API payloads are only themselves as a whole document, not as one line of many.
      if (format === 'anthropic-messages' || format === 'openai-chat' || format === 'openai-responses') return undefined;
      return format;
    }
  }
  return undefined;
}
