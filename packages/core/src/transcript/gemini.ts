import type { TranscriptSummaryBuilder } from './summary-builder.js';
import { isObject, num, str, type JsonObject } from './json.js';
import type { FormatHandler } from './base-reader.js';
import type { TranscriptUsage } from './types.js';

/** Text of a Gemini `PartListUnion`: a string, a part, or a list of either; thoughts are not conversation. */
export function geminiPartsText(content: unknown): string {
  if (typeof content === 'string') return content;
  const parts = Array.isArray(content) ? content : [content];
  const texts: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') texts.push(part);
    else if (isObject(part) && typeof part['text'] === 'string' && part['thought'] !== true) texts.push(part['text']);
  }
  return texts.join('');
}

export function geminiStreamHandler(b: TranscriptSummaryBuilder): FormatHandler {
  // Streamed assistant text arrives as `delta` chunks; one reply is the run of chunks between other events.
  let reply: string[] = [];
  let inReply = false;
  const flush = (): void => {
    if (inReply) b.say('assistant', reply.join(''));
    reply = [];
    inReply = false;
  };
  // A run ends with `result`; events after the last one mean the stream was cut before it ended.
  let openRun = false;

  return {
    record(value, index) {
      if (!isObject(value) || typeof value['type'] !== 'string') return false;
      b.timestamp(value['timestamp']);
      const type = value['type'];
      if (type === 'result') openRun = false;
      else if (type === 'init' || type === 'message' || type === 'tool_use' || type === 'tool_result') openRun = true;
      if (!(type === 'message' && value['role'] === 'assistant')) flush();
      switch (type) {
        case 'init':
          b.setFirst('sessionId', value['session_id']);
          b.addModel(value['model']);
          return true;
        case 'message':
          if (value['role'] === 'assistant') {
            if (!inReply) b.modelCall();
            inReply = true;
            reply.push(str(value['content']) ?? '');
            // A non-delta message is complete on its own.
            if (value['delta'] !== true) flush();
          } else {
            b.say('user', str(value['content']) ?? '');
          }
          return true;
        case 'tool_use':
          b.toolUse(str(value['tool_name']) ?? 'unknown', value['parameters'], index, str(value['tool_id']));
          return true;
        case 'tool_result':
          b.say('tool', str(value['output']) ?? (isObject(value['error']) ? (str(value['error']['message']) ?? '') : ''));
          return true;
        case 'error':
          b.say('system', str(value['message']) ?? 'error');
          return true;
        case 'result': {
          const stats = isObject(value['stats']) ? value['stats'] : undefined;
          if (stats) {
            const usage: TranscriptUsage = {};
            const input = num(stats['input_tokens']);
            const output = num(stats['output_tokens']);
            if (input !== undefined) usage.inputTokens = input;
            if (output !== undefined) usage.outputTokens = output;
            if (Object.keys(usage).length > 0) b.reportUsage(usage);
            if (isObject(stats['models'])) for (const model of Object.keys(stats['models'])) b.addModel(model);
          }
          return true;
        }
        default:
          return false;
      }
    },
    finish() {
      flush();
      if (openRun) b.truncated = 'no final result record: the run was cut before it ended';
    },
  };
}

function geminiTokens(tokens: unknown): TranscriptUsage {
  const out: TranscriptUsage = {};
  if (!isObject(tokens)) return out;
  const map: Array<[string, keyof TranscriptUsage]> = [
    ['input', 'inputTokens'],
    ['output', 'outputTokens'],
    ['cached', 'cacheReadTokens'],
    ['thoughts', 'reasoningTokens'],
  ];
  for (const [from, to] of map) {
    const value = num(tokens[from]);
    if (value !== undefined) out[to] = value;
  }
  return out;
}

/**
 * Gemini CLI session records, shared by the JSONL file (`~/.gemini/tmp/<hash>/chats/session-*.jsonl`:
 * a metadata line, message records, `$set` / `$rewindTo` updates) and the legacy `.json` file (one
 * ConversationRecord object with `messages[]`). Turns are the person's prompts (`user` messages); each
 * `gemini` message is one model call.
 */
function geminiSessionRecords(b: TranscriptSummaryBuilder) {
  let prompts = 0;
  const message = (r: JsonObject, index: number): boolean => {
    b.timestamp(r['timestamp']);
    switch (r['type']) {
      case 'user': {
        const text = geminiPartsText(r['displayContent'] ?? r['content']);
        if (text.trim().length > 0) prompts += 1;
        b.say('user', text);
        return true;
      }
      case 'gemini': {
        b.addModel(r['model']);
        const id = str(r['id']) ?? `#${index}`;
        b.responseUsage(id, geminiTokens(r['tokens']));
        const tools: string[] = [];
        if (Array.isArray(r['toolCalls'])) {
          for (const call of r['toolCalls']) {
            if (!isObject(call)) continue;
            const name = str(call['name']) ?? 'unknown';
            tools.push(name);
            b.toolUse(name, call['args'], index, str(call['id']));
          }
        }
        b.say('assistant', geminiPartsText(r['content']), tools);
        return true;
      }
      case 'info':
      case 'error':
      case 'warning':
        b.say('system', geminiPartsText(r['content']));
        return true;
      default:
        return false;
    }
  };

  const metadata = (r: JsonObject): void => {
    b.setFirst('sessionId', r['sessionId']);
    b.setFirst('startedAt', r['startTime']);
    b.timestamp(r['lastUpdated']);
  };

  return {
    message,
    metadata,
    finish(): void {
      b.setPrompts(prompts);
    },
  };
}

export function geminiSessionHandler(b: TranscriptSummaryBuilder): FormatHandler {
  const session = geminiSessionRecords(b);
  return {
    record(value, index) {
      if (!isObject(value)) return false;
      if ('$set' in value || '$rewindTo' in value) return true;
      if (typeof value['sessionId'] === 'string' && typeof value['projectHash'] === 'string') {
        session.metadata(value);
        return true;
      }
      return session.message(value, index);
    },
    document(value) {
      // A legacy `.json` handed to the JSONL reader in memory (readTranscript with format gemini-session).
      return readLegacySession(b, session, value);
    },
    finish: () => session.finish(),
  };
}

function readLegacySession(b: TranscriptSummaryBuilder, session: ReturnType<typeof geminiSessionRecords>, value: unknown): boolean {
  if (!isObject(value) || !Array.isArray(value['messages'])) return false;
  session.metadata(value);
  b.records += 1;
  value['messages'].forEach((item, i) => {
    b.records += 1;
    if (!isObject(item) || !session.message(item, i + 1)) b.skippedRecords += 1;
  });
  return true;
}

/**
 * The legacy session `.json`: one pretty-printed ConversationRecord, read whole. A document that is not
 * one (an array, a JSONL line) is not understood and counts as one skipped record.
 */
export function geminiSessionJsonHandler(b: TranscriptSummaryBuilder): FormatHandler {
  const session = geminiSessionRecords(b);
  return {
    record: () => false,
    document(value) {
      if (!readLegacySession(b, session, value)) b.badLines += 1;
      // Handled either way: a document of another shape reads as no record, which fails the capture.
      return true;
    },
    finish: () => session.finish(),
  };
}

/** gemini-cli's fake-responses recording: each line is one API call with its `GenerateContentResponse` chunks. */
export function geminiRecordingHandler(b: TranscriptSummaryBuilder): FormatHandler {
  return {
    record(value, index) {
      if (!isObject(value) || typeof value['method'] !== 'string') return false;
      if (value['method'] === 'countTokens' || value['method'] === 'embedContent') return true;
      const chunks = Array.isArray(value['response']) ? value['response'] : [value['response']];
      b.modelCall();
      const texts: string[] = [];
      const tools: string[] = [];
      let usage: JsonObject | undefined;
      for (const chunk of chunks) {
        if (!isObject(chunk)) continue;
        b.addModel(chunk['modelVersion']);
        // Stream chunks repeat usage cumulatively; the last one is the call's total.
        if (isObject(chunk['usageMetadata'])) usage = chunk['usageMetadata'];
        const candidates: unknown[] = Array.isArray(chunk['candidates']) ? chunk['candidates'] : [];
        const first = candidates[0];
        const parts = isObject(first) && isObject(first['content']) ? first['content']['parts'] : undefined;
        if (!Array.isArray(parts)) continue;
        for (const part of parts) {
          if (!isObject(part)) continue;
          if (isObject(part['functionCall'])) {
            const name = str(part['functionCall']['name']) ?? 'unknown';
            tools.push(name);
            b.toolUse(name, part['functionCall']['args'], index, str(part['functionCall']['id']));
          } else if (typeof part['text'] === 'string' && part['thought'] !== true) {
            texts.push(part['text']);
          }
        }
      }
      if (usage) {
        const out: TranscriptUsage = {};
        const map: Array<[string, keyof TranscriptUsage]> = [
          ['promptTokenCount', 'inputTokens'],
          ['candidatesTokenCount', 'outputTokens'],
          ['cachedContentTokenCount', 'cacheReadTokens'],
          ['thoughtsTokenCount', 'reasoningTokens'],
        ];
        for (const [from, to] of map) {
          const n = num(usage[from]);
          if (n !== undefined) out[to] = n;
        }
        b.addUsage(out);
      }
      b.say('assistant', texts.join(''), tools);
      return true;
    },
  };
}
