import type {
  ConversationEntry,
  ConversationRole,
  ToolCall,
  TranscriptFormat,
  TranscriptReaderOptions,
  TranscriptSummary,
  TranscriptUsage,
} from './types.js';
import { isObject, str } from './json.js';

export const MAX_CONVERSATION = 200;
export const MAX_ENTRY_TEXT = 2000;
export const MAX_ARGUMENT_BYTES = 4096;
/** Ids of recent model responses kept to dedupe streamed usage; older ones are settled for good. */
const MAX_PENDING_RESPONSES = 512;

const HEAD_KEEP = 100;
// One slot of the 200 is the "omitted" marker, so head + tail + marker never exceeds the bound.
const TAIL_KEEP = MAX_CONVERSATION - HEAD_KEEP - 1;

/** Cuts on a UTF-8 byte budget without splitting a character, so an argument never exceeds 4 KiB on the wire. */
function truncateBytes(text: string, maxBytes: number = MAX_ARGUMENT_BYTES): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const marker = '…[truncated]';
  const budget = maxBytes - Buffer.byteLength(marker, 'utf8');
  let out = Buffer.from(text, 'utf8').subarray(0, budget).toString('utf8');
  // A cut inside a multi-byte character decodes to U+FFFD; drop it rather than report a character that was not there.
  if (out.endsWith('\uFFFD')) out = out.slice(0, -1);
  return out + marker;
}

/**
 * A copy of a string that shares no memory with the string it was cut from. V8 represents a slice of
 * a long string as a view that keeps the whole original alive; the summary keeps a few hundred
 * short excerpts of records that may each be megabytes long, and over a long transcript those views
 * kept hundreds of megabytes of tool output in memory.
 */
export function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function truncateText(text: string, max: number = MAX_ENTRY_TEXT): string {
  if (text.length <= max) return text;
  const omitted = text.length - max;
  return `${text.slice(0, max)}… [truncated ${omitted} chars]`;
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

const COMMAND_KEYS = ['command', 'cmd'];
const PATH_KEYS = ['file_path', 'notebook_path', 'filePath', 'absolute_path', 'path', 'filename'];
const OTHER_KEYS = ['url', 'query', 'pattern', 'prompt'];

/**
 * Picks the one argument an allow-list rule is written against: the shell command for shells, the
 * path for file tools, the URL for fetchers. MCP tools and anything unknown get the whole input as
 * JSON, because there is no single field that captures what they may do.
 */
export function primaryArgument(name: string, input: unknown): string | undefined {
  if (typeof input === 'string') return truncateBytes(input);
  if (!isObject(input)) return input === undefined ? undefined : truncateBytes(safeJson(input) ?? '');
  if (!name.startsWith('mcp__')) {
    for (const key of COMMAND_KEYS) {
      const value = input[key];
      if (typeof value === 'string') return truncateBytes(value);
      if (Array.isArray(value) && value.every((part) => typeof part === 'string')) return truncateBytes(value.join(' '));
    }
    for (const key of [...PATH_KEYS, ...OTHER_KEYS]) {
      const value = input[key];
      if (typeof value === 'string') return truncateBytes(value);
    }
  }
  const json = safeJson(input);
  return json === undefined ? undefined : truncateBytes(json);
}

/** Every path a tool input names (read or write), for the caller's path rules. */
function inputPaths(input: unknown): string[] {
  if (!isObject(input)) return [];
  const paths: string[] = [];
  for (const key of PATH_KEYS) {
    const value = input[key];
    if (typeof value === 'string' && value.length > 0 && !paths.includes(value)) paths.push(value);
  }
  return paths;
}

/** Paths named by an apply_patch envelope (`*** Add File:`, `*** Update File:`, `*** Delete File:`, `*** Move to:`). */
export function patchPaths(patch: string): string[] {
  const paths: string[] = [];
  const re = /^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+?)\s*$/gm;
  for (const match of patch.matchAll(re)) {
    const path = match[1];
    if (path && !paths.includes(path)) paths.push(path);
  }
  return paths;
}

const EDIT_TOOLS = new Set([
  'edit',
  'write',
  'multiedit',
  'notebookedit',
  'replace',
  'write_file',
  'edit_file',
  'create',
  'create_file',
  'apply_patch',
  'str_replace_editor',
  'str_replace_based_edit_tool',
]);

/** Tools whose named paths are written, not just read. `str_replace_editor` with `command: view` only reads. */
function isEditTool(name: string, input?: unknown): boolean {
  const lower = name.toLowerCase();
  if (!EDIT_TOOLS.has(lower)) return false;
  if (isObject(input) && input['command'] === 'view') return false;
  return true;
}

export interface CallInput {
  id?: string | undefined;
  name: string;
  argument?: string | undefined;
  filePaths?: string[];
  /** Paths this call wrote; they go to filesTouched. */
  edited?: string[];
  recordIndex: number;
}

interface PendingResponse {
  usage: TranscriptUsage;
  costUsd?: number;
}

/**
 * Accumulates one summary in memory that does not grow with the file: counters, small maps, the
 * bounded conversation (head + tail ring), and a bounded window of response ids for usage dedupe.
 */
export class TranscriptSummaryBuilder {
  readonly format: TranscriptFormat;
  agent: string;
  agentVersion?: string;
  model?: string;
  sessionId?: string;
  cwd?: string;
  startedAt?: string;
  endedAt?: string;
  turns = 0;
  records = 0;
  skippedRecords = 0;
  badLines = 0;
  private toolCallCount = 0;
  private readonly tools = new Map<string, number>();
  private readonly models: string[] = [];
  private readonly files = new Set<string>();
  private readonly head: ConversationEntry[] = [];
  private readonly tail: ConversationEntry[] = [];
  private tailStart = 0;
  private omitted = 0;
  private readonly onToolCall: ((call: ToolCall) => void) | undefined;
  /** Turns a string read from the transcript into text (see TranscriptReaderOptions.byteText). */
  private readonly text: (value: string) => string;

  /** Totals summed from per-response usage. */
  private readonly summed: Required<Omit<TranscriptUsage, 'costUsd'>> & { costUsd?: number } = {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheCreationTokens: 0,
    reasoningTokens: 0,
  };
  private usageSeen = new Set<keyof TranscriptUsage>();
  /** Authoritative totals written by the agent itself (result.usage, last token_count); win over sums. */
  private reported: TranscriptUsage | undefined;
  private reportedCost: number | undefined;
  private readonly pending = new Map<string, PendingResponse>();

  constructor(format: TranscriptFormat, agent: string, options?: TranscriptReaderOptions) {
    this.format = format;
    this.agent = agent;
    this.onToolCall = options?.onToolCall;
    this.text = options?.byteText ? (value: string) => (isAsciiText(value) ? value : Buffer.from(value, 'latin1').toString('utf8')) : (value: string) => value;
  }

  addModel(model: unknown): void {
    const id = str(model);
    if (!id || id === '<synthetic>') return;
    this.model = id;
    if (!this.models.includes(id)) this.models.push(id);
  }

  setFirst<K extends 'agentVersion' | 'sessionId' | 'cwd' | 'startedAt'>(key: K, value: unknown): void {
    const text = str(value);
    if (text !== undefined && this[key] === undefined) this[key] = text;
  }

  timestamp(value: unknown): void {
    const text = str(value);
    if (text === undefined) return;
    if (this.startedAt === undefined) this.startedAt = text;
    this.endedAt = text;
  }

  touch(path: string): void {
    if (path.length > 0) this.files.add(path);
  }

  toolCall(call: CallInput): void {
    this.toolCallCount += 1;
    this.tools.set(call.name, (this.tools.get(call.name) ?? 0) + 1);
    const filePaths = [...(call.filePaths ?? [])];
    for (const path of call.edited ?? []) {
      if (!filePaths.includes(path)) filePaths.push(path);
      this.touch(path);
    }
    if (!this.onToolCall) return;
    const out: ToolCall = { name: this.text(call.name), filePaths: filePaths.map(this.text), recordIndex: call.recordIndex };
    if (call.id !== undefined) out.id = call.id;
    if (call.argument !== undefined) out.argument = this.text(call.argument);
    this.onToolCall(out);
  }

  /** A tool call named with its input object, the shape most agents use. */
  toolUse(name: string, input: unknown, recordIndex: number, id?: string): void {
    const paths = inputPaths(input);
    const edited = isEditTool(name, input) ? paths : [];
    if (name.toLowerCase() === 'apply_patch') {
      const patch = isObject(input) ? str(input['input']) ?? str(input['patch']) : str(input);
      if (patch) for (const path of patchPaths(patch)) if (!edited.includes(path)) edited.push(path);
    }
    this.toolCall({ id, name, argument: primaryArgument(name, input), filePaths: paths, edited, recordIndex });
  }

  say(role: ConversationRole, text: string, tools?: string[]): void {
    const trimmed = text.trim();
    if (trimmed.length === 0 && (!tools || tools.length === 0)) return;
    // Only a cut excerpt can be a view into a longer record; a short text is kept as it is.
    const entry: ConversationEntry = { role, text: trimmed.length > MAX_ENTRY_TEXT ? detached(truncateText(trimmed)) : trimmed };
    if (tools && tools.length > 0) entry.tools = tools.slice(0, 50);
    if (this.head.length < HEAD_KEEP) {
      this.head.push(entry);
      return;
    }
    if (this.tail.length < TAIL_KEEP) {
      this.tail.push(entry);
      return;
    }
    this.tail[this.tailStart] = entry;
    this.tailStart = (this.tailStart + 1) % TAIL_KEEP;
    this.omitted += 1;
  }

  /** Adds usage that belongs to no deduplicated response (Σ turn.completed, Aider lines). */
  addUsage(usage: TranscriptUsage): void {
    for (const key of Object.keys(usage) as Array<keyof TranscriptUsage>) {
      const value = usage[key];
      if (value === undefined) continue;
      this.usageSeen.add(key);
      if (key === 'costUsd') this.summed.costUsd = (this.summed.costUsd ?? 0) + value;
      else this.summed[key] += value;
    }
  }

  /**
   * Usage of one model response that may be written several times (one record per content block, each
   * repeating usage): the last copy wins. Responses leave the window in arrival order and are settled.
   */
  responseUsage(key: string, usage: TranscriptUsage, costUsd?: number): void {
    const isNew = !this.pending.has(key);
    this.pending.delete(key);
    const entry: PendingResponse = { usage };
    if (costUsd !== undefined) entry.costUsd = costUsd;
    this.pending.set(key, entry);
    if (isNew) this.turns += 1;
    if (this.pending.size > MAX_PENDING_RESPONSES) {
      const oldest = this.pending.keys().next().value as string;
      this.settle(oldest);
    }
  }

  private settle(key: string): void {
    const entry = this.pending.get(key);
    this.pending.delete(key);
    if (!entry) return;
    this.addUsage(entry.usage);
    if (entry.costUsd !== undefined) this.addUsage({ costUsd: entry.costUsd });
  }

  reportUsage(usage: TranscriptUsage): void {
    this.reported = usage;
  }

  reportCost(costUsd: number): void {
    this.reportedCost = costUsd;
  }

  finish(): TranscriptSummary {
    for (const key of [...this.pending.keys()]) this.settle(key);
    let usage: TranscriptUsage | undefined;
    if (this.reported) {
      usage = { ...this.reported };
    } else if (this.usageSeen.size > 0) {
      usage = {};
      for (const key of this.usageSeen) {
        const value = key === 'costUsd' ? this.summed.costUsd : this.summed[key];
        if (value !== undefined) usage[key] = key === 'costUsd' ? roundCost(value) : value;
      }
    }
    if (this.reportedCost !== undefined) usage = { ...(usage ?? {}), costUsd: this.reportedCost };
    if (usage && Object.keys(usage).length === 0) usage = undefined;

    const conversation = [...this.head];
    if (this.omitted > 0) {
      conversation.push({ role: 'system', text: `[${this.omitted} conversation entries omitted]` });
    }
    conversation.push(...this.tail.slice(this.tailStart), ...this.tail.slice(0, this.tailStart));

    const text = this.text;
    const summary: TranscriptSummary = {
      format: this.format,
      agent: this.agent,
      models: this.models.map(text),
      turns: this.turns,
      toolCalls: this.toolCallCount,
      tools: Object.fromEntries([...this.tools].map(([name, count]) => [text(name), count])),
      filesTouched: [...this.files].map(text),
      records: this.records,
      skippedRecords: this.skippedRecords,
      badLines: this.badLines,
      conversation: conversation.map((entry) => ({ ...entry, text: text(entry.text), ...(entry.tools ? { tools: entry.tools.map(text) } : {}) })),
    };
    if (this.agentVersion !== undefined) summary.agentVersion = text(this.agentVersion);
    if (this.model !== undefined) summary.model = text(this.model);
    if (this.sessionId !== undefined) summary.sessionId = text(this.sessionId);
    if (this.cwd !== undefined) summary.cwd = text(this.cwd);
    if (usage !== undefined) summary.usage = usage;
    if (this.startedAt !== undefined) summary.startedAt = this.startedAt;
    if (this.endedAt !== undefined) summary.endedAt = this.endedAt;
    return summary;
  }
}

function isAsciiText(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[^\x00-\x7f]/.test(value);
}

/** Floating sums of dollar amounts drift (0.1 + 0.2); six decimals is finer than any agent reports. */
export function roundCost(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Text of an Anthropic / OpenAI content value: a string, or blocks with `text`. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const block of content) {
    if (typeof block === 'string') parts.push(block);
    else if (isObject(block) && typeof block['text'] === 'string') parts.push(block['text']);
  }
  return parts.join('\n');
}
