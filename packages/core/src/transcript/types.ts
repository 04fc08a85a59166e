export type TranscriptFormat =
  | 'claude-code-action'
  | 'claude-stream-json'
  | 'claude-json-result'
  | 'claude-session'
  | 'claude-session-export'
  | 'codex-rollout'
  | 'codex-exec-json'
  | 'gemini-stream-json'
  | 'gemini-session'
  | 'gemini-session-json'
  | 'gemini-api-recording'
  | 'copilot-cli'
  | 'aider'
  | 'openai-chat'
  | 'openai-responses'
  | 'anthropic-messages'
  | 'cline-api-history'
  | 'cline-ui-messages'
  | 'openhands-trajectory'
  | 'swe-agent-traj'
  | 'mini-swe-agent-traj'
  | 'cursor-specstory';

export const TRANSCRIPT_FORMATS: readonly TranscriptFormat[] = Object.freeze([
  'claude-code-action',
  'claude-stream-json',
  'claude-json-result',
  'claude-session',
  'claude-session-export',
  'codex-rollout',
  'codex-exec-json',
  'gemini-stream-json',
  'gemini-session',
  'gemini-session-json',
  'gemini-api-recording',
  'copilot-cli',
  'aider',
  'openai-chat',
  'openai-responses',
  'anthropic-messages',
  'cline-api-history',
  'cline-ui-messages',
  'openhands-trajectory',
  'swe-agent-traj',
  'mini-swe-agent-traj',
  'cursor-specstory',
] as const);

export interface ToolCall {
  id?: string;
  name: string;
  /** The argument that matters for permission checks: shell command line, file path, URL, MCP args JSON; at most 4 KiB. */
  argument?: string;
  filePaths: string[];
  /** 0-based index of the record (JSONL line, array element, text line) that holds the call. */
  recordIndex: number;
  /** Set when the record does not say for sure what ran (two different commands in one call): never allowed. */
  ambiguous?: string;
}

export interface TranscriptUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  reasoningTokens?: number;
  costUsd?: number;
}

export type ConversationRole = 'user' | 'assistant' | 'tool' | 'system';

export interface ConversationEntry {
  role: ConversationRole;
  text: string;
  tools?: string[];
}

export interface TranscriptSummary {
  format: TranscriptFormat;
  /** 'claude-code' | 'codex' | 'gemini-cli' | 'copilot-cli' | 'aider' | 'openai-api' | 'anthropic-api' | 'cline' | 'openhands' | 'swe-agent' | 'mini-swe-agent' | 'cursor' */
  agent: string;
  agentVersion?: string;
  model?: string;
  models: string[];
  sessionId?: string;
  cwd?: string;
  /** Every session id seen, in first-seen order: several runs appended to one file are several sessions (at most 100 kept). */
  sessionIds?: string[];
  /** Model ids seen beyond the ones `models` lists (it is bounded); a model policy cannot vouch for a list it did not see whole. */
  modelsOmitted?: number;
  /** User prompts, in every format (see docs/transcript-formats.md); a `claude -p` run answered by a `result` counts one. */
  turns: number;
  /** Model responses (API calls), when the format records them. */
  modelCalls?: number;
  /** Set when the reader knows the view is cut short (a stream that never reached its final record). */
  truncated?: string;
  /** Paths written outside the workspace (filled by capture; a home directory shows as `~`). */
  outsideWorkspace?: string[];
  toolCalls: number;
  tools: Record<string, number>;
  filesTouched: string[];
  usage?: TranscriptUsage;
  records: number;
  skippedRecords: number;
  badLines: number;
  conversation: ConversationEntry[];
  startedAt?: string;
  endedAt?: string;
}

export interface TranscriptReader {
  /** One physical line of a JSONL or text file, without its newline. */
  pushLine(line: string): void;
  /** A whole parsed JSON document (single-JSON formats; an array of records also works for JSONL formats). */
  pushDocument(value: unknown): void;
  finish(): TranscriptSummary;
}

export interface TranscriptReaderOptions {
  onToolCall?: (call: ToolCall) => void;
  /**
   * Lines are Latin-1 decodings of their UTF-8 bytes (one character per byte), which parse faster
   * than UTF-8 decoded text. Every string that leaves the reader (tool calls, the summary) is turned
   * back into the text its bytes spell; strings the reader only compares are ASCII in every format.
   */
  byteText?: boolean;
}
