import { ConfigError } from '../errors.js';
import { aiderHandler } from './aider.js';
import { anthropicMessagesHandler, openaiChatHandler, openaiResponsesHandler } from './api.js';
import { DocumentReader, JsonlReader, TextReader, type FormatHandler } from './base-reader.js';
import { claudeHandler } from './claude.js';
import { clineApiHistoryHandler, clineUiMessagesHandler } from './cline.js';
import { codexExecHandler, codexRolloutHandler } from './codex.js';
import { copilotHandler } from './copilot.js';
import { detectFormat, DETECT_HEAD_BYTES } from './detect.js';
import { geminiRecordingHandler, geminiSessionHandler, geminiSessionJsonHandler, geminiStreamHandler } from './gemini.js';
import { openhandsHandler } from './openhands.js';
import { specstoryHandler } from './specstory.js';
import { TranscriptSummaryBuilder } from './summary-builder.js';
import { miniSweAgentHandler, sweAgentHandler } from './swe-agent.js';
import { TRANSCRIPT_FORMATS, type TranscriptFormat, type TranscriptReader, type TranscriptReaderOptions, type TranscriptSummary } from './types.js';

export * from './types.js';
export { detectFormat, DETECT_HEAD_BYTES } from './detect.js';
export { filesRelativeToWorkspace, splitTouchedPaths, withoutUserNames, workspaceView } from './paths.js';
export { MAX_CONVERSATION, MAX_ENTRY_TEXT, MAX_ARGUMENT_BYTES } from './summary-builder.js';

interface FormatSpec {
  agent: string;
  kind: 'jsonl' | 'document' | 'text';
  handler: (b: TranscriptSummaryBuilder) => FormatHandler;
}

const SPECS: Record<TranscriptFormat, FormatSpec> = {
  'claude-code-action': { agent: 'claude-code', kind: 'document', handler: claudeHandler },
  'claude-stream-json': { agent: 'claude-code', kind: 'jsonl', handler: claudeHandler },
  'claude-json-result': { agent: 'claude-code', kind: 'document', handler: claudeHandler },
  'claude-session': { agent: 'claude-code', kind: 'jsonl', handler: claudeHandler },
  'claude-session-export': { agent: 'claude-code', kind: 'document', handler: claudeHandler },
  'codex-rollout': { agent: 'codex', kind: 'jsonl', handler: codexRolloutHandler },
  'codex-exec-json': { agent: 'codex', kind: 'jsonl', handler: codexExecHandler },
  'gemini-stream-json': { agent: 'gemini-cli', kind: 'jsonl', handler: geminiStreamHandler },
  'gemini-session': { agent: 'gemini-cli', kind: 'jsonl', handler: geminiSessionHandler },
  'gemini-session-json': { agent: 'gemini-cli', kind: 'document', handler: geminiSessionJsonHandler },
  'gemini-api-recording': { agent: 'gemini-cli', kind: 'jsonl', handler: geminiRecordingHandler },
  'copilot-cli': { agent: 'copilot-cli', kind: 'jsonl', handler: copilotHandler },
  aider: { agent: 'aider', kind: 'text', handler: aiderHandler },
  'openai-chat': { agent: 'openai-api', kind: 'document', handler: openaiChatHandler },
  'openai-responses': { agent: 'openai-api', kind: 'document', handler: openaiResponsesHandler },
  'anthropic-messages': { agent: 'anthropic-api', kind: 'document', handler: anthropicMessagesHandler },
  'cline-api-history': { agent: 'cline', kind: 'document', handler: clineApiHistoryHandler },
  'cline-ui-messages': { agent: 'cline', kind: 'document', handler: clineUiMessagesHandler },
  'openhands-trajectory': { agent: 'openhands', kind: 'document', handler: openhandsHandler },
  'swe-agent-traj': { agent: 'swe-agent', kind: 'document', handler: sweAgentHandler },
  'mini-swe-agent-traj': { agent: 'mini-swe-agent', kind: 'document', handler: miniSweAgentHandler },
  'cursor-specstory': { agent: 'cursor', kind: 'text', handler: specstoryHandler },
};

function spec(format: TranscriptFormat): FormatSpec {
  if (!TRANSCRIPT_FORMATS.includes(format)) {
    throw new ConfigError('E_FORMAT', `unknown transcript format "${String(format)}"; expected one of ${TRANSCRIPT_FORMATS.join(', ')}`);
  }
  return SPECS[format];
}

/** JSONL and text formats are streamed line by line; single-JSON formats must be parsed whole. */
export function isLineOriented(format: TranscriptFormat): boolean {
  return spec(format).kind !== 'document';
}

/** Text formats (Markdown) are redacted as text; every other format is JSON. */
export function isTextFormat(format: TranscriptFormat): boolean {
  return spec(format).kind === 'text';
}

/**
 * A format the user named, settled against the file: Gemini CLI wrote its session as JSONL and, in older
 * versions, as one pretty-printed `.json`; both are "gemini-session" to a user, but only the second must
 * be read whole.
 */
export function refineFormat(format: TranscriptFormat, head: string, fileName?: string): TranscriptFormat {
  if (format === 'gemini-session' && detectFormat(head, fileName) === 'gemini-session-json') return 'gemini-session-json';
  return format;
}

export function createTranscriptReader(format: TranscriptFormat, options?: TranscriptReaderOptions): TranscriptReader {
  const { agent, kind, handler } = spec(format);
  const builder = new TranscriptSummaryBuilder(format, agent, options);
  const h = handler(builder);
  if (kind === 'text') return new TextReader(builder, h);
  if (kind === 'document') return new DocumentReader(builder, h);
  return new JsonlReader(builder, h);
}

/**
 * Reads a whole transcript held in memory. Without a format it is detected from the head; a file that
 * matches no format is an E_FORMAT error, never an empty summary a gate could mistake for a clean run.
 */
export function readTranscript(text: string, format?: TranscriptFormat, options?: TranscriptReaderOptions & { fileName?: string }): TranscriptSummary {
  const head = text.slice(0, DETECT_HEAD_BYTES);
  const chosen = format ? refineFormat(format, head, options?.fileName) : detectFormat(head, options?.fileName);
  if (chosen === undefined) {
    const name = options?.fileName ? ` ${options.fileName}` : '';
    throw new ConfigError('E_FORMAT', `transcript${name} matches no known format (${TRANSCRIPT_FORMATS.join(', ')})`);
  }
  const reader = createTranscriptReader(chosen, options);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!isLineOriented(chosen)) {
    reader.pushLine(body);
    return reader.finish();
  }
  const trimmed = body.trimStart();
  // JSONL formats may also arrive pretty-printed as one document (an array of records, a legacy session .json).
  if ((trimmed.startsWith('[') || (trimmed.startsWith('{') && trimmed.includes('\n') && !/\}\s*\n\s*\{/.test(trimmed))) && !isTextFormat(chosen)) {
    try {
      reader.pushDocument(JSON.parse(trimmed));
      return reader.finish();
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      // Not one document after all: fall through to line-by-line reading.
    }
  }
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    const line = body.slice(start, end);
    if (!(end === body.length && line.length === 0)) reader.pushLine(line);
    start = end + 1;
  }
  return reader.finish();
}
