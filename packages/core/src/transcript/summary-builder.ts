import type { ConversationEntry, ConversationRole, ToolCall, TranscriptFormat, TranscriptReaderOptions, TranscriptSummary, TranscriptUsage } from './types.js';
import { isObject, str } from './json.js';

export const MAX_CONVERSATION = 200;
export const MAX_ENTRY_TEXT = 2000;
export const MAX_ARGUMENT_BYTES = 4096;
/** Ids of recent model responses kept to dedupe streamed usage; older ones are settled for good. */
const MAX_PENDING_RESPONSES = 512;
/**
 * Model ids listed in the summary. A hostile file can name any number of them; past this bound they
 * are counted (`modelsOmitted`), so the list, the outputs and the work per record stay bounded.
 */
export const MAX_MODELS = 100;
/** Session ids listed in the summary, for the same reason. */
export const MAX_SESSION_IDS = 100;

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

/** The first `max` characters (UTF-16 units) of a text, one fewer where the cut would split a surrogate pair. */
function truncateText(text: string, max: number = MAX_ENTRY_TEXT): string {
  if (text.length <= max) return text;
  const cut = /[\ud800-\udbff]/.test(text[max - 1]!) && /[\udc00-\udfff]/.test(text[max]!) ? max - 1 : max;
  return `${text.slice(0, cut)}… [truncated ${text.length - cut} chars]`;
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
  /** Why what ran cannot be told from the record (see ToolCall.ambiguous). */
  ambiguous?: string;
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
  /** User prompts seen through say('user'). */
  private prompts = 0;
  /** User prompts as the reader counted them (setPrompts); wins over `prompts` when set. */
  private promptsCounted: number | undefined;
  /** Prompts the format records without their text (a Claude `result`, a Codex `turn.started`). */
  private promptRuns = 0;
  /** Model responses; undefined while the format has recorded none. */
  modelCalls: number | undefined;
  /** Model calls the agent reported itself (Σ `num_turns` of Claude results); the larger count wins. */
  private reportedModelCalls = 0;
  truncated: string | undefined;
  records = 0;
  skippedRecords = 0;
  badLines = 0;
  private toolCallCount = 0;
  private readonly tools = new Map<string, number>();
  private readonly models: string[] = [];
  private readonly modelSet = new Set<string>();
  private modelsOmitted = 0;
  private readonly sessionIds: string[] = [];
  private readonly files = new Set<string>();
  private readonly head: ConversationEntry[] = [];
  private readonly tail: ConversationEntry[] = [];
  private tailStart = 0;
  private omitted = 0;
  private readonly onToolCall: ((call: ToolCall) => void) | undefined;
  /** Turns a string read from the transcript into text (see TranscriptReaderOptions.byteText). */
  private readonly text: (value: string) => string;
  private readonly byteText: boolean;
  /** Conversation entries whose text say() decoded already (byteText): finish() must not decode them again. */
  private readonly decodedEntries = new WeakSet<ConversationEntry>();

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
    this.byteText = options?.byteText === true;
    this.text = options?.byteText ? (value: string) => (isAsciiText(value) ? value : textOfBytes(value)) : (value: string) => value;
  }

  /**
   * The person's prompts, for formats where the reader tells a prompt from tool output or a resumed
   * task itself (say('user') alone would count those too): replaces the count say('user') keeps.
   */
  setPrompts(count: number): void {
    this.promptsCounted = count;
  }

  /** Counts model responses (API calls). */
  modelCall(count = 1): void {
    this.modelCalls = (this.modelCalls ?? 0) + count;
  }

  /** A prompt the format records without its text, with the model calls it took when the agent says. */
  countPrompt(modelCalls?: number): void {
    this.promptRuns += 1;
    if (modelCalls !== undefined && modelCalls > 0) this.reportedModelCalls += modelCalls;
  }

  addModel(model: unknown): void {
    const id = str(model);
    if (!id || id === '<synthetic>') return;
    this.model = id;
    if (this.modelSet.has(id)) return;
    if (this.models.length < MAX_MODELS) {
      this.models.push(id);
      this.modelSet.add(id);
    } else {
      // Past the bound distinct ids are not remembered, so a repeated one counts again: the count
      // only says that the list is not whole, which is all a policy needs to refuse to vouch for it.
      this.modelsOmitted += 1;
    }
  }

  setFirst<K extends 'agentVersion' | 'sessionId' | 'cwd' | 'startedAt'>(key: K, value: unknown): void {
    const text = str(value);
    if (text === undefined) return;
    if (key === 'sessionId') this.addSession(text);
    if (this[key] === undefined) this[key] = text;
  }

  /** Every session a file holds: runs appended to one file are several sessions, not the first one. */
  private addSession(id: string): void {
    if (this.sessionIds.length >= MAX_SESSION_IDS || id === this.sessionIds[this.sessionIds.length - 1]) return;
    if (!this.sessionIds.includes(id)) this.sessionIds.push(id);
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
    if (call.ambiguous !== undefined) out.ambiguous = call.ambiguous;
    this.onToolCall(out);
  }

  /** A tool call named with its input object, the shape most agents use. */
  toolUse(name: string, input: unknown, recordIndex: number, id?: string): void {
    const paths = inputPaths(input);
    const edited = isEditTool(name, input) ? paths : [];
    if (name.toLowerCase() === 'apply_patch') {
      const patch = isObject(input) ? (str(input['input']) ?? str(input['patch'])) : str(input);
      if (patch) for (const path of patchPaths(patch)) if (!edited.includes(path)) edited.push(path);
    }
    this.toolCall({ id, name, argument: primaryArgument(name, input), filePaths: paths, edited, recordIndex });
  }

  say(role: ConversationRole, text: string, tools?: string[]): void {
    const trimmed = text.trim();
    if (trimmed.length === 0 && (!tools || tools.length === 0)) return;
    // One meaning of a turn in every format: something a person asked.
    if (role === 'user' && trimmed.length > 0) this.prompts += 1;
    // Only a cut excerpt can be a view into a longer record; a short text is kept as it is. A text of
    // bytes (byteText) longer than the limit in bytes is decoded here, so the excerpt is cut at
    // characters as in every other path, never inside a character; finish() leaves it as it is.
    let entry: ConversationEntry;
    if (trimmed.length <= MAX_ENTRY_TEXT) entry = { role, text: trimmed };
    else if (!this.byteText) entry = { role, text: detached(truncateText(trimmed)) };
    else {
      const decoded = this.text(trimmed);
      entry = { role, text: decoded.length > MAX_ENTRY_TEXT ? detached(truncateText(decoded)) : detached(decoded) };
      this.decodedEntries.add(entry);
    }
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
    if (isNew) this.modelCall();
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
      turns: this.promptsCounted ?? Math.max(this.prompts, this.promptRuns),
      toolCalls: this.toolCallCount,
      tools: Object.fromEntries([...this.tools].map(([name, count]) => [text(name), count])),
      filesTouched: [...this.files].map(text),
      records: this.records,
      skippedRecords: this.skippedRecords,
      badLines: this.badLines,
      conversation: conversation.map((entry) => ({
        ...entry,
        text: this.decodedEntries.has(entry) ? entry.text : text(entry.text),
        ...(entry.tools ? { tools: entry.tools.map(text) } : {}),
      })),
    };
    if (this.agentVersion !== undefined) summary.agentVersion = text(this.agentVersion);
    if (this.model !== undefined) summary.model = text(this.model);
    if (this.sessionId !== undefined) summary.sessionId = text(this.sessionId);
    if (this.sessionIds.length > 0) summary.sessionIds = this.sessionIds.map(text);
    if (this.modelsOmitted > 0) summary.modelsOmitted = this.modelsOmitted;
    if (this.modelCalls !== undefined || this.reportedModelCalls > 0) summary.modelCalls = Math.max(this.modelCalls ?? 0, this.reportedModelCalls);
    if (this.truncated !== undefined) summary.truncated = this.truncated;
    if (this.cwd !== undefined) summary.cwd = text(this.cwd);
    if (usage !== undefined) summary.usage = usage;
    if (this.startedAt !== undefined) summary.startedAt = this.startedAt;
    if (this.endedAt !== undefined) summary.endedAt = this.endedAt;
    return summary;
  }
}

/**
 * Text of a string parsed from a Latin-1 line. Raw bytes arrive as characters up to U+00FF and are
 * decoded as UTF-8; a JSON escape (`\u65e5`, a surrogate pair, `\u00e9`) arrives already decoded.
 * An escape above U+00FF cannot be a byte and is kept whole (cutting it to its low byte turned
 * `日` into a control character), and a character that does not start a valid UTF-8 sequence can
 * only have come from an escape, so it is kept as the character it is.
 */
export function textOfBytes(value: string): string {
  // The common case, raw UTF-8 only, decodes natively.
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\xff]/.test(value)) {
    const decoded = Buffer.from(value, 'latin1').toString('utf8');
    if (!decoded.includes('\uFFFD')) return decoded;
  }
  let out = '';
  let i = 0;
  const n = value.length;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c < 0x80 || c > 0xff) {
      out += value[i];
      i += 1;
      continue;
    }
    const length = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    let point = length === 2 ? c & 0x1f : length === 3 ? c & 0x0f : c & 0x07;
    let valid = length > 0 && i + length <= n;
    for (let k = 1; valid && k < length; k += 1) {
      const next = value.charCodeAt(i + k);
      if (next < 0x80 || next > 0xbf) valid = false;
      else point = (point << 6) | (next & 0x3f);
    }
    // Overlong forms and surrogates are not UTF-8 either.
    if (valid && ((length === 3 && (point < 0x800 || (point >= 0xd800 && point <= 0xdfff))) || (length === 4 && (point < 0x10000 || point > 0x10ffff))))
      valid = false;
    if (!valid) {
      out += value[i];
      i += 1;
      continue;
    }
    out += String.fromCodePoint(point);
    i += length;
  }
  return out;
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
