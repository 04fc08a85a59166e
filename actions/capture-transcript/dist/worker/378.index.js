export const id = 378;
export const ids = [378];
export const modules = {

/***/ 60:
/***/ ((module) => {

/* jshint esversion: 6 */
/* jslint node: true */


module.exports = function serialize (object) {
  if (typeof object === 'number' && isNaN(object)) {
    throw new Error('NaN is not allowed');
  }

  if (typeof object === 'number' && !isFinite(object)) {
    throw new Error('Infinity is not allowed');
  }

  if (object === null || typeof object !== 'object') {
    return JSON.stringify(object);
  }

  if (object.toJSON instanceof Function) {
    return serialize(object.toJSON());
  }

  if (Array.isArray(object)) {
    const values = object.reduce((t, cv, ci) => {
      const comma = ci === 0 ? '' : ',';
      const value = cv === undefined || typeof cv === 'symbol' ? null : cv;
      return `${t}${comma}${serialize(value)}`;
    }, '');
    return `[${values}]`;
  }

  const values = Object.keys(object).sort().reduce((t, cv) => {
    if (object[cv] === undefined ||
        typeof object[cv] === 'symbol') {
      return t;
    }
    const comma = t.length === 0 ? '' : ',';
    return `${t}${comma}${serialize(cv)}:${serialize(object[cv])}`;
  }, '');
  return `{${values}}`;
};


/***/ }),

/***/ 378:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  captureTranscript: () => (/* binding */ captureTranscript)
});

// UNUSED EXPORTS: WORKER_MIN_BYTES, captureUpload, defaultArtifactName, planCapture, resolveTranscriptPath

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(24);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ../../packages/core/src/errors.ts
var errors = __webpack_require__(179);
// EXTERNAL MODULE: ../../node_modules/.pnpm/canonicalize@2.1.0/node_modules/canonicalize/lib/canonicalize.js
var canonicalize = __webpack_require__(60);
var canonicalize_default = /*#__PURE__*/__webpack_require__.n(canonicalize);
;// CONCATENATED MODULE: ../../packages/core/src/digest/index.ts


// canonicalize is CommonJS with `module.exports = fn`; under NodeNext the default import is that fn.
const canonicalizeJson = (canonicalize_default());
/** RFC 8785 (JCS) canonical JSON text of a value. Throws on values JSON cannot represent. */
function canonicalJson(value) {
    const text = canonicalizeJson(value);
    if (text === undefined)
        throw new TypeError('value has no JSON representation');
    return text;
}
function sha256Hex(data) {
    return (0,external_node_crypto_.createHash)('sha256').update(data).digest('hex');
}
/** `sha256:<hex>` of the canonical JSON of a value: the digest every gate emits for what it judged. */
function jsonDigest(value) {
    return `sha256:${sha256Hex(canonicalJson(value))}`;
}
/** `sha256:<hex>` of raw bytes. */
function digest_bytesDigest(data) {
    return `sha256:${sha256Hex(data)}`;
}

// EXTERNAL MODULE: ../../packages/core/src/secrets/index.ts + 16 modules
var secrets = __webpack_require__(440);
;// CONCATENATED MODULE: ../../packages/core/src/transcript/json.ts
// Narrowing of parsed JSON values, shared by every transcript reader.
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function str(value) {
    return typeof value === 'string' && value.length > 0 ? value : undefined;
}
function num(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/summary-builder.ts

const MAX_CONVERSATION = 200;
const MAX_ENTRY_TEXT = 2000;
const MAX_ARGUMENT_BYTES = 4096;
/** Ids of recent model responses kept to dedupe streamed usage; older ones are settled for good. */
const MAX_PENDING_RESPONSES = 512;
/**
 * Model ids listed in the summary. A hostile file can name any number of them; past this bound they
 * are counted (`modelsOmitted`), so the list, the outputs and the work per record stay bounded.
 */
const MAX_MODELS = 100;
/** Session ids listed in the summary, for the same reason. */
const MAX_SESSION_IDS = 100;
const HEAD_KEEP = 100;
// One slot of the 200 is the "omitted" marker, so head + tail + marker never exceeds the bound.
const TAIL_KEEP = MAX_CONVERSATION - HEAD_KEEP - 1;
/** Cuts on a UTF-8 byte budget without splitting a character, so an argument never exceeds 4 KiB on the wire. */
function truncateBytes(text, maxBytes = MAX_ARGUMENT_BYTES) {
    if (Buffer.byteLength(text, 'utf8') <= maxBytes)
        return text;
    const marker = '…[truncated]';
    const budget = maxBytes - Buffer.byteLength(marker, 'utf8');
    let out = Buffer.from(text, 'utf8').subarray(0, budget).toString('utf8');
    // A cut inside a multi-byte character decodes to U+FFFD; drop it rather than report a character that was not there.
    if (out.endsWith('\uFFFD'))
        out = out.slice(0, -1);
    return out + marker;
}
/**
 * A copy of a string that shares no memory with the string it was cut from. V8 represents a slice of
 * a long string as a view that keeps the whole original alive; the summary keeps a few hundred
 * short excerpts of records that may each be megabytes long, and over a long transcript those views
 * kept hundreds of megabytes of tool output in memory.
 */
function detached(text) {
    return Buffer.from(text, 'utf8').toString('utf8');
}
/** The first `max` characters (UTF-16 units) of a text, one fewer where the cut would split a surrogate pair. */
function truncateText(text, max = MAX_ENTRY_TEXT) {
    if (text.length <= max)
        return text;
    const cut = /[\ud800-\udbff]/.test(text[max - 1]) && /[\udc00-\udfff]/.test(text[max]) ? max - 1 : max;
    return `${text.slice(0, cut)}… [truncated ${text.length - cut} chars]`;
}
function safeJson(value) {
    try {
        return JSON.stringify(value);
    }
    catch {
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
function primaryArgument(name, input) {
    if (typeof input === 'string')
        return truncateBytes(input);
    if (!isObject(input))
        return input === undefined ? undefined : truncateBytes(safeJson(input) ?? '');
    if (!name.startsWith('mcp__')) {
        for (const key of COMMAND_KEYS) {
            const value = input[key];
            if (typeof value === 'string')
                return truncateBytes(value);
            if (Array.isArray(value) && value.every((part) => typeof part === 'string'))
                return truncateBytes(value.join(' '));
        }
        for (const key of [...PATH_KEYS, ...OTHER_KEYS]) {
            const value = input[key];
            if (typeof value === 'string')
                return truncateBytes(value);
        }
    }
    const json = safeJson(input);
    return json === undefined ? undefined : truncateBytes(json);
}
/** Every path a tool input names (read or write), for the caller's path rules. */
function inputPaths(input) {
    if (!isObject(input))
        return [];
    const paths = [];
    for (const key of PATH_KEYS) {
        const value = input[key];
        if (typeof value === 'string' && value.length > 0 && !paths.includes(value))
            paths.push(value);
    }
    return paths;
}
/** Paths named by an apply_patch envelope (`*** Add File:`, `*** Update File:`, `*** Delete File:`, `*** Move to:`). */
function patchPaths(patch) {
    const paths = [];
    const re = /^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+?)\s*$/gm;
    for (const match of patch.matchAll(re)) {
        const path = match[1];
        if (path && !paths.includes(path))
            paths.push(path);
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
function isEditTool(name, input) {
    const lower = name.toLowerCase();
    if (!EDIT_TOOLS.has(lower))
        return false;
    if (isObject(input) && input['command'] === 'view')
        return false;
    return true;
}
/**
 * Accumulates one summary in memory that does not grow with the file: counters, small maps, the
 * bounded conversation (head + tail ring), and a bounded window of response ids for usage dedupe.
 */
class TranscriptSummaryBuilder {
    format;
    agent;
    agentVersion;
    model;
    sessionId;
    cwd;
    startedAt;
    endedAt;
    /** User prompts seen through say('user'). */
    prompts = 0;
    /** User prompts as the reader counted them (setPrompts); wins over `prompts` when set. */
    promptsCounted;
    /** Prompts the format records without their text (a Claude `result`, a Codex `turn.started`). */
    promptRuns = 0;
    /** Model responses; undefined while the format has recorded none. */
    modelCalls;
    /** Model calls the agent reported itself (Σ `num_turns` of Claude results); the larger count wins. */
    reportedModelCalls = 0;
    truncated;
    records = 0;
    skippedRecords = 0;
    badLines = 0;
    toolCallCount = 0;
    tools = new Map();
    models = [];
    modelSet = new Set();
    modelsOmitted = 0;
    sessionIds = [];
    files = new Set();
    head = [];
    tail = [];
    tailStart = 0;
    omitted = 0;
    onToolCall;
    /** Turns a string read from the transcript into text (see TranscriptReaderOptions.byteText). */
    text;
    byteText;
    /** Conversation entries whose text say() decoded already (byteText): finish() must not decode them again. */
    decodedEntries = new WeakSet();
    /** Totals summed from per-response usage. */
    summed = {
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheCreationTokens: 0,
        reasoningTokens: 0,
    };
    usageSeen = new Set();
    /** Authoritative totals written by the agent itself (result.usage, last token_count); win over sums. */
    reported;
    reportedCost;
    pending = new Map();
    constructor(format, agent, options) {
        this.format = format;
        this.agent = agent;
        this.onToolCall = options?.onToolCall;
        this.byteText = options?.byteText === true;
        this.text = options?.byteText ? (value) => (isAsciiText(value) ? value : textOfBytes(value)) : (value) => value;
    }
    /**
     * The person's prompts, for formats where the reader tells a prompt from tool output or a resumed
     * task itself (say('user') alone would count those too): replaces the count say('user') keeps.
     */
    setPrompts(count) {
        this.promptsCounted = count;
    }
    /** Counts model responses (API calls). */
    modelCall(count = 1) {
        this.modelCalls = (this.modelCalls ?? 0) + count;
    }
    /** A prompt the format records without its text, with the model calls it took when the agent says. */
    countPrompt(modelCalls) {
        this.promptRuns += 1;
        if (modelCalls !== undefined && modelCalls > 0)
            this.reportedModelCalls += modelCalls;
    }
    addModel(model) {
        const id = str(model);
        if (!id || id === '<synthetic>')
            return;
        this.model = id;
        if (this.modelSet.has(id))
            return;
        if (this.models.length < MAX_MODELS) {
            this.models.push(id);
            this.modelSet.add(id);
        }
        else {
            // Past the bound distinct ids are not remembered, so a repeated one counts again: the count
            // only says that the list is not whole, which is all a policy needs to refuse to vouch for it.
            this.modelsOmitted += 1;
        }
    }
    setFirst(key, value) {
        const text = str(value);
        if (text === undefined)
            return;
        if (key === 'sessionId')
            this.addSession(text);
        if (this[key] === undefined)
            this[key] = text;
    }
    /** Every session a file holds: runs appended to one file are several sessions, not the first one. */
    addSession(id) {
        if (this.sessionIds.length >= MAX_SESSION_IDS || id === this.sessionIds[this.sessionIds.length - 1])
            return;
        if (!this.sessionIds.includes(id))
            this.sessionIds.push(id);
    }
    timestamp(value) {
        const text = str(value);
        if (text === undefined)
            return;
        if (this.startedAt === undefined)
            this.startedAt = text;
        this.endedAt = text;
    }
    touch(path) {
        if (path.length > 0)
            this.files.add(path);
    }
    toolCall(call) {
        this.toolCallCount += 1;
        this.tools.set(call.name, (this.tools.get(call.name) ?? 0) + 1);
        const filePaths = [...(call.filePaths ?? [])];
        for (const path of call.edited ?? []) {
            if (!filePaths.includes(path))
                filePaths.push(path);
            this.touch(path);
        }
        if (!this.onToolCall)
            return;
        const out = { name: this.text(call.name), filePaths: filePaths.map(this.text), recordIndex: call.recordIndex };
        if (call.id !== undefined)
            out.id = call.id;
        if (call.argument !== undefined)
            out.argument = this.text(call.argument);
        if (call.ambiguous !== undefined)
            out.ambiguous = call.ambiguous;
        this.onToolCall(out);
    }
    /** A tool call named with its input object, the shape most agents use. */
    toolUse(name, input, recordIndex, id) {
        const paths = inputPaths(input);
        const edited = isEditTool(name, input) ? paths : [];
        if (name.toLowerCase() === 'apply_patch') {
            const patch = isObject(input) ? (str(input['input']) ?? str(input['patch'])) : str(input);
            if (patch)
                for (const path of patchPaths(patch))
                    if (!edited.includes(path))
                        edited.push(path);
        }
        this.toolCall({ id, name, argument: primaryArgument(name, input), filePaths: paths, edited, recordIndex });
    }
    say(role, text, tools) {
        const trimmed = text.trim();
        if (trimmed.length === 0 && (!tools || tools.length === 0))
            return;
        // One meaning of a turn in every format: something a person asked.
        if (role === 'user' && trimmed.length > 0)
            this.prompts += 1;
        // Only a cut excerpt can be a view into a longer record; a short text is kept as it is. A text of
        // bytes (byteText) longer than the limit in bytes is decoded here, so the excerpt is cut at
        // characters as in every other path, never inside a character; finish() leaves it as it is.
        let entry;
        if (trimmed.length <= MAX_ENTRY_TEXT)
            entry = { role, text: trimmed };
        else if (!this.byteText)
            entry = { role, text: detached(truncateText(trimmed)) };
        else {
            const decoded = this.text(trimmed);
            entry = { role, text: decoded.length > MAX_ENTRY_TEXT ? detached(truncateText(decoded)) : detached(decoded) };
            this.decodedEntries.add(entry);
        }
        if (tools && tools.length > 0)
            entry.tools = tools.slice(0, 50);
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
    addUsage(usage) {
        for (const key of Object.keys(usage)) {
            const value = usage[key];
            if (value === undefined)
                continue;
            this.usageSeen.add(key);
            if (key === 'costUsd')
                this.summed.costUsd = (this.summed.costUsd ?? 0) + value;
            else
                this.summed[key] += value;
        }
    }
    /**
     * Usage of one model response that may be written several times (one record per content block, each
     * repeating usage): the last copy wins. Responses leave the window in arrival order and are settled.
     */
    responseUsage(key, usage, costUsd) {
        const isNew = !this.pending.has(key);
        this.pending.delete(key);
        const entry = { usage };
        if (costUsd !== undefined)
            entry.costUsd = costUsd;
        this.pending.set(key, entry);
        if (isNew)
            this.modelCall();
        if (this.pending.size > MAX_PENDING_RESPONSES) {
            const oldest = this.pending.keys().next().value;
            this.settle(oldest);
        }
    }
    settle(key) {
        const entry = this.pending.get(key);
        this.pending.delete(key);
        if (!entry)
            return;
        this.addUsage(entry.usage);
        if (entry.costUsd !== undefined)
            this.addUsage({ costUsd: entry.costUsd });
    }
    reportUsage(usage) {
        this.reported = usage;
    }
    reportCost(costUsd) {
        this.reportedCost = costUsd;
    }
    finish() {
        for (const key of [...this.pending.keys()])
            this.settle(key);
        let usage;
        if (this.reported) {
            usage = { ...this.reported };
        }
        else if (this.usageSeen.size > 0) {
            usage = {};
            for (const key of this.usageSeen) {
                const value = key === 'costUsd' ? this.summed.costUsd : this.summed[key];
                if (value !== undefined)
                    usage[key] = key === 'costUsd' ? roundCost(value) : value;
            }
        }
        if (this.reportedCost !== undefined)
            usage = { ...(usage ?? {}), costUsd: this.reportedCost };
        if (usage && Object.keys(usage).length === 0)
            usage = undefined;
        const conversation = [...this.head];
        if (this.omitted > 0) {
            conversation.push({ role: 'system', text: `[${this.omitted} conversation entries omitted]` });
        }
        conversation.push(...this.tail.slice(this.tailStart), ...this.tail.slice(0, this.tailStart));
        const text = this.text;
        const summary = {
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
        if (this.agentVersion !== undefined)
            summary.agentVersion = text(this.agentVersion);
        if (this.model !== undefined)
            summary.model = text(this.model);
        if (this.sessionId !== undefined)
            summary.sessionId = text(this.sessionId);
        if (this.sessionIds.length > 0)
            summary.sessionIds = this.sessionIds.map(text);
        if (this.modelsOmitted > 0)
            summary.modelsOmitted = this.modelsOmitted;
        if (this.modelCalls !== undefined || this.reportedModelCalls > 0)
            summary.modelCalls = Math.max(this.modelCalls ?? 0, this.reportedModelCalls);
        if (this.truncated !== undefined)
            summary.truncated = this.truncated;
        if (this.cwd !== undefined)
            summary.cwd = text(this.cwd);
        if (usage !== undefined)
            summary.usage = usage;
        if (this.startedAt !== undefined)
            summary.startedAt = this.startedAt;
        if (this.endedAt !== undefined)
            summary.endedAt = this.endedAt;
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
function textOfBytes(value) {
    // The common case, raw UTF-8 only, decodes natively.
    // eslint-disable-next-line no-control-regex
    if (!/[^\x00-\xff]/.test(value)) {
        const decoded = Buffer.from(value, 'latin1').toString('utf8');
        if (!decoded.includes('\uFFFD'))
            return decoded;
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
            if (next < 0x80 || next > 0xbf)
                valid = false;
            else
                point = (point << 6) | (next & 0x3f);
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
function isAsciiText(value) {
    // eslint-disable-next-line no-control-regex
    return !/[^\x00-\x7f]/.test(value);
}
/** Floating sums of dollar amounts drift (0.1 + 0.2); six decimals is finer than any agent reports. */
function roundCost(value) {
    return Math.round(value * 1e6) / 1e6;
}
/** Text of an Anthropic / OpenAI content value: a string, or blocks with `text`. */
function contentText(content) {
    if (typeof content === 'string')
        return content;
    if (!Array.isArray(content))
        return '';
    const parts = [];
    for (const block of content) {
        if (typeof block === 'string')
            parts.push(block);
        else if (isObject(block) && typeof block['text'] === 'string')
            parts.push(block['text']);
    }
    return parts.join('\n');
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/aider.ts

const STARTED = /^# aider chat started at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/;
const MODEL = /^> (?:Main model|Models?): (\S+) with .*?(?:weak model (\S+?))?\s*$/;
const VERSION = /^> Aider (v\S+)/;
const APPLIED = /^> Applied edit to (.+?)\s*$/;
const RUNNING = /^> Running (.+?)\s*$/;
// Local and unpriced models print the tokens without `Cost:`; the call happened all the same.
const TOKENS = /^> Tokens: (.+? received)\.(?:\s+Cost: \$([\d.,]+) message, \$([\d.,]+) session)?/;
/** Aider prints `12k` / `1.2M` in newer versions and `4,724` in older ones. */
function aiderNumber(text) {
    const match = /^([\d.,]+)\s*([kKmM]?)$/.exec(text.trim());
    if (!match?.[1])
        return undefined;
    const base = Number(match[1].replace(/,/g, ''));
    if (!Number.isFinite(base))
        return undefined;
    const scale = match[2]?.toLowerCase() === 'k' ? 1e3 : match[2]?.toLowerCase() === 'm' ? 1e6 : 1;
    return Math.round(base * scale);
}
function aiderTokens(text) {
    const out = {};
    for (const part of text.split(/,\s+(?=[\d.,]+[kKmM]?\s+[a-z])/)) {
        const match = /^([\d.,]+[kKmM]?)\s+(.+)$/.exec(part.trim());
        if (!match?.[1] || !match[2])
            continue;
        const value = aiderNumber(match[1]);
        if (value === undefined)
            continue;
        const label = match[2].trim();
        const key = label === 'sent'
            ? 'inputTokens'
            : label === 'received'
                ? 'outputTokens'
                : label === 'cached' || label === 'cache hit'
                    ? 'cacheReadTokens'
                    : label === 'cache write'
                        ? 'cacheCreationTokens'
                        : undefined;
        if (key)
            out[key] = (out[key] ?? 0) + value;
    }
    return out;
}
/**
 * `.aider.chat.history.md`: one run per `# aider chat started at`. Each run's `Cost: … $y session` is
 * cumulative, so the file's cost is the sum of each run's last session figure (message costs are
 * rounded per line and would drift).
 */
function aiderHandler(b) {
    let runCost;
    let totalCost;
    let prompt = [];
    let reply = [];
    // A reply can run for megabytes (whole files in fences); the conversation keeps 2000 chars anyway.
    let replyChars = 0;
    // Text before anything Aider writes (a page's front matter, a file forced to this format) is not
    // part of a chat history: counted as skipped, so a file with no Aider line at all reads nothing.
    let inHistory = false;
    const flushText = () => {
        if (prompt.length > 0)
            b.say('user', prompt.join('\n'));
        if (reply.length > 0)
            b.say('assistant', reply.join('\n'));
        prompt = [];
        reply = [];
        replyChars = 0;
    };
    const endRun = () => {
        if (runCost !== undefined)
            totalCost = (totalCost ?? 0) + runCost;
        runCost = undefined;
    };
    return {
        record(value, index) {
            if (typeof value !== 'string')
                return false;
            const line = value;
            if (!inHistory) {
                if (!(STARTED.test(line) || line.startsWith('#### ') || MODEL.test(line) || VERSION.test(line) || TOKENS.test(line)))
                    return false;
                inHistory = true;
            }
            const started = STARTED.exec(line);
            if (started?.[1]) {
                flushText();
                endRun();
                b.timestamp(started[1]);
                return true;
            }
            if (line.startsWith('#### ')) {
                if (reply.length > 0)
                    flushText();
                if (prompt.length < 100)
                    prompt.push(line.slice(5).trimEnd());
                return true;
            }
            if (line.startsWith('>')) {
                flushText();
                let match = MODEL.exec(line);
                if (match?.[1]) {
                    // The weak model (commit messages, summaries) also ran; the main one is what `model` names.
                    if (match[2])
                        b.addModel(match[2]);
                    b.addModel(match[1].replace(/,$/, ''));
                    return true;
                }
                match = VERSION.exec(line);
                if (match?.[1]) {
                    b.setFirst('agentVersion', match[1]);
                    return true;
                }
                match = APPLIED.exec(line);
                if (match?.[1]) {
                    b.toolCall({ name: 'edit', argument: match[1], edited: [match[1]], recordIndex: index });
                    return true;
                }
                match = RUNNING.exec(line);
                if (match?.[1]) {
                    b.toolCall({ name: 'shell', argument: match[1], recordIndex: index });
                    return true;
                }
                match = TOKENS.exec(line);
                if (match?.[1]) {
                    b.modelCall();
                    b.addUsage(aiderTokens(match[1]));
                    if (match[3])
                        runCost = Number(match[3].replace(/,/g, ''));
                }
                return true;
            }
            if (prompt.length > 0 && line.trim().length === 0)
                return true;
            if (line.trim().length > 0 || reply.length > 0) {
                if (prompt.length > 0)
                    flushText();
                if (replyChars <= MAX_ENTRY_TEXT)
                    reply.push(line);
                replyChars += line.length + 1;
            }
            return true;
        },
        finish() {
            flushText();
            endRun();
            if (totalCost !== undefined)
                b.addUsage({ costUsd: roundCost(totalCost) });
        },
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/claude.ts


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
function anthropicUsage(usage) {
    if (!isObject(usage))
        return undefined;
    const out = {};
    const input = num(usage['input_tokens']);
    const output = num(usage['output_tokens']);
    const cacheRead = num(usage['cache_read_input_tokens']);
    const cacheCreation = num(usage['cache_creation_input_tokens']);
    if (input !== undefined)
        out.inputTokens = input;
    if (output !== undefined)
        out.outputTokens = output;
    if (cacheRead !== undefined)
        out.cacheReadTokens = cacheRead;
    if (cacheCreation !== undefined)
        out.cacheCreationTokens = cacheCreation;
    return Object.keys(out).length > 0 ? out : undefined;
}
/** Reads assistant content blocks into the conversation and the tool-call stream. */
function anthropicContent(b, content, index) {
    if (typeof content === 'string') {
        b.say('assistant', content);
        return;
    }
    if (!Array.isArray(content))
        return;
    const texts = [];
    const tools = [];
    for (const block of content) {
        if (!isObject(block))
            continue;
        if (block['type'] === 'text' && typeof block['text'] === 'string')
            texts.push(block['text']);
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
function claudeHandler(b) {
    // Stream-json and the action's array end each run with a `result`; records after the last one
    // mean the file was cut before it (a killed run, a partial upload): a view that may hide calls.
    const endsWithResult = b.format === 'claude-stream-json' || b.format === 'claude-code-action';
    let openRun = false;
    const envelope = (r) => {
        b.setFirst('sessionId', r['sessionId'] ?? r['session_id']);
        b.setFirst('cwd', r['cwd']);
        b.setFirst('agentVersion', r['version'] ?? r['claude_code_version']);
        b.timestamp(r['timestamp']);
    };
    const assistant = (r, index) => {
        const message = isObject(r['message']) ? r['message'] : undefined;
        if (!message)
            return;
        b.addModel(message['model']);
        const usage = anthropicUsage(message['usage']);
        const messageId = str(message['id']);
        // Same response streamed as several records: (message.id, requestId) names it, last copy wins.
        const key = messageId !== undefined ? `${messageId}|${str(r['requestId']) ?? ''}` : `#${index}`;
        b.responseUsage(key, usage ?? {}, num(r['costUSD']));
        anthropicContent(b, message['content'], index);
    };
    const user = (r, subagent = false) => {
        const message = r['message'];
        if (!isObject(message))
            return;
        const content = message['content'];
        // Injected context (isMeta), compaction summaries and the prompts a main agent gives its
        // subagents are not something the person typed.
        const delegated = subagent || r['isSidechain'] === true || str(r['parent_tool_use_id']) !== undefined;
        const role = r['isMeta'] === true || r['isCompactSummary'] === true || delegated ? 'system' : 'user';
        if (typeof content === 'string') {
            b.say(role, content);
            return;
        }
        if (!Array.isArray(content))
            return;
        const texts = [];
        for (const block of content) {
            if (!isObject(block))
                continue;
            if (block['type'] === 'text' && typeof block['text'] === 'string')
                texts.push(block['text']);
            else if (block['type'] === 'tool_result')
                b.say('tool', contentText(block['content']));
        }
        b.say(role, texts.join('\n'));
    };
    const result = (r) => {
        // One result answers one prompt (a `claude -p` run), however many model calls it took.
        b.countPrompt(num(r['num_turns']));
        const usage = anthropicUsage(r['usage']);
        if (usage)
            b.reportUsage(usage);
        const cost = num(r['total_cost_usd']);
        if (cost !== undefined)
            b.reportCost(cost);
        // modelUsage names every model that ran, including background ones a policy must also allow.
        if (isObject(r['modelUsage']))
            for (const model of Object.keys(r['modelUsage']))
                b.addModel(model);
    };
    /**
     * Session files record what a subagent (`Task`) does inside `progress` records of type
     * `agent_progress`: its model, its tool calls and their results. They are the agent's actions as
     * much as the main agent's, so they are judged the same way.
     */
    const subagentProgress = (r, index) => {
        const data = isObject(r['data']) ? r['data'] : undefined;
        if (!data || data['type'] !== 'agent_progress')
            return;
        const inner = isObject(data['message']) ? data['message'] : undefined;
        if (!inner)
            return;
        if (inner['type'] === 'assistant')
            assistant(inner, index);
        else if (inner['type'] === 'user')
            user(inner, true);
    };
    const record = (value, index) => {
        if (!isObject(value))
            return false;
        const type = value['type'];
        const message = value['message'];
        // ccusage-era lines carry only the assistant message and usage, with no `type`.
        if (type === undefined && isObject(message) && message['role'] === 'assistant') {
            envelope(value);
            assistant(value, index);
            return true;
        }
        if (typeof type !== 'string')
            return false;
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
            if (type === 'result')
                openRun = false;
            else if (type === 'assistant' || type === 'user' || (type === 'system' && value['subtype'] === 'init'))
                openRun = true;
        }
        switch (type) {
            case 'system':
                envelope(value);
                if (value['subtype'] === 'init')
                    b.addModel(value['model']);
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
            if (openRun)
                b.truncated = 'no final result record: the run was cut before it ended';
        },
        document(value) {
            // claude.ai-style web export: `{loglines: [...]}` holding session records.
            if (isObject(value) && Array.isArray(value['loglines'])) {
                value['loglines'].forEach((item, i) => {
                    b.records += 1;
                    if (!record(item, i))
                        b.skippedRecords += 1;
                });
                return true;
            }
            return false;
        },
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/api.ts



function parseArguments(raw) {
    if (typeof raw !== 'string')
        return raw;
    try {
        return JSON.parse(raw);
    }
    catch {
        return raw;
    }
}
function detail(value, key) {
    return isObject(value) ? num(value[key]) : undefined;
}
function setIf(out, key, value) {
    if (value !== undefined)
        out[key] = value;
}
function openaiChatHandler(b) {
    return {
        record(value, index) {
            if (!isObject(value) || (value['object'] !== 'chat.completion' && value['object'] !== 'chat.completion.chunk'))
                return false;
            b.setFirst('sessionId', value['id']);
            b.addModel(value['model']);
            b.modelCall();
            const choices = Array.isArray(value['choices']) ? value['choices'] : [];
            for (const choice of choices) {
                if (!isObject(choice))
                    continue;
                const message = isObject(choice['message']) ? choice['message'] : isObject(choice['delta']) ? choice['delta'] : {};
                const tools = [];
                const calls = Array.isArray(message['tool_calls']) ? message['tool_calls'] : [];
                for (const call of calls) {
                    if (!isObject(call))
                        continue;
                    const fn = isObject(call['function']) ? call['function'] : {};
                    const name = str(fn['name']) ?? 'unknown';
                    tools.push(name);
                    b.toolUse(name, parseArguments(fn['arguments']), index, str(call['id']));
                }
                b.say('assistant', contentText(message['content']), tools);
            }
            const usage = value['usage'];
            if (isObject(usage)) {
                const out = {};
                setIf(out, 'inputTokens', num(usage['prompt_tokens']));
                setIf(out, 'outputTokens', num(usage['completion_tokens']));
                setIf(out, 'cacheReadTokens', detail(usage['prompt_tokens_details'], 'cached_tokens'));
                setIf(out, 'reasoningTokens', detail(usage['completion_tokens_details'], 'reasoning_tokens'));
                b.addUsage(out);
            }
            return true;
        },
    };
}
function openaiResponsesHandler(b) {
    const item = (o, index) => {
        const id = str(o['call_id']) ?? str(o['id']);
        switch (o['type']) {
            case 'message':
                b.say('assistant', contentText(o['content']));
                return;
            case 'function_call':
                b.toolUse(str(o['name']) ?? 'unknown', parseArguments(o['arguments']), index, id);
                return;
            case 'custom_tool_call':
                b.toolUse(str(o['name']) ?? 'unknown', o['input'], index, id);
                return;
            case 'local_shell_call': {
                const action = isObject(o['action']) ? o['action'] : {};
                b.toolUse('local_shell', { command: action['command'] }, index, id);
                return;
            }
            case 'shell_call': {
                const action = isObject(o['action']) ? o['action'] : {};
                const commands = Array.isArray(action['commands']) ? action['commands'].join('\n') : action['command'];
                b.toolUse('shell', { command: commands }, index, id);
                return;
            }
            case 'apply_patch_call': {
                // The hosted apply_patch tool names one file per operation (create_file, update_file, delete_file).
                const operation = isObject(o['operation']) ? o['operation'] : {};
                const path = str(operation['path']);
                b.toolCall({ id, name: 'apply_patch', argument: path, edited: path ? [path] : [], recordIndex: index });
                return;
            }
            case 'web_search_call': {
                const action = isObject(o['action']) ? o['action'] : {};
                b.toolCall({ id, name: 'web_search', argument: primaryArgument('web_search', { query: action['query'] }), recordIndex: index });
                return;
            }
            case 'mcp_call':
                b.toolUse(`mcp__${str(o['server_label']) ?? 'unknown'}__${str(o['name']) ?? 'unknown'}`, parseArguments(o['arguments']), index, id);
                return;
            case 'file_search_call':
            case 'code_interpreter_call':
            case 'computer_call':
            case 'image_generation_call':
                b.toolCall({
                    id,
                    name: String(o['type']).replace(/_call$/, ''),
                    argument: primaryArgument('', o['queries'] ?? o['code'] ?? o['action']),
                    recordIndex: index,
                });
                return;
            default:
                return;
        }
    };
    return {
        record(value, index) {
            if (!isObject(value) || value['object'] !== 'response')
                return false;
            b.setFirst('sessionId', value['id']);
            b.addModel(value['model']);
            b.modelCall();
            const output = Array.isArray(value['output']) ? value['output'] : [];
            for (const o of output)
                if (isObject(o))
                    item(o, index);
            const usage = value['usage'];
            if (isObject(usage)) {
                const out = {};
                setIf(out, 'inputTokens', num(usage['input_tokens']));
                setIf(out, 'outputTokens', num(usage['output_tokens']));
                setIf(out, 'cacheReadTokens', detail(usage['input_tokens_details'], 'cached_tokens'));
                setIf(out, 'reasoningTokens', detail(usage['output_tokens_details'], 'reasoning_tokens'));
                b.addUsage(out);
            }
            return true;
        },
    };
}
function anthropicMessagesHandler(b) {
    return {
        record(value, index) {
            if (!isObject(value) || value['type'] !== 'message')
                return false;
            b.setFirst('sessionId', value['id']);
            b.addModel(value['model']);
            b.modelCall();
            anthropicContent(b, value['content'], index);
            const usage = anthropicUsage(value['usage']) ?? {};
            setIf(usage, 'reasoningTokens', detail(value['usage'] && isObject(value['usage']) ? value['usage']['output_tokens_details'] : undefined, 'thinking_tokens'));
            b.addUsage(usage);
            return true;
        },
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/base-reader.ts


function stripLine(line, first) {
    let out = first && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
    if (out.endsWith('\r'))
        out = out.slice(0, -1);
    return out;
}
/**
 * JSONL reader: each non-blank line is one record. A line that is not JSON (a partial last line of a
 * file still being written, a corrupted line) is counted and skipped; the rest of the file still counts.
 */
class JsonlReader {
    builder;
    handler;
    index = 0;
    first = true;
    constructor(builder, handler) {
        this.builder = builder;
        this.handler = handler;
    }
    pushLine(line) {
        const text = stripLine(line, this.first).trim();
        this.first = false;
        if (text.length === 0)
            return;
        let value;
        try {
            value = JSON.parse(text);
        }
        catch {
            this.builder.badLines += 1;
            this.index += 1;
            return;
        }
        this.feed(value);
    }
    pushDocument(value) {
        if (this.handler.document?.(value))
            return;
        // A pretty-printed array of the same records (what `jq -s .` makes of a JSONL file).
        if (Array.isArray(value))
            for (const item of value)
                this.feed(item);
        else
            this.feed(value);
    }
    feed(value) {
        this.builder.records += 1;
        if (!this.handler.record(value, this.index))
            this.builder.skippedRecords += 1;
        this.index += 1;
    }
    finish() {
        this.handler.finish?.();
        return this.builder.finish();
    }
}
/** Single-JSON documents are small; a caller that only has lines gets them joined and parsed at the end. */
const MAX_DOCUMENT_CHARS = 256 * 1024 * 1024;
class DocumentReader extends JsonlReader {
    buffer = [];
    bufferedChars = 0;
    pushLine(line) {
        this.bufferedChars += line.length + 1;
        if (this.bufferedChars > MAX_DOCUMENT_CHARS) {
            throw new errors/* ConfigError */.xL('E_TOO_LARGE', `transcript (${this.builder.format}) is larger than ${MAX_DOCUMENT_CHARS} characters`);
        }
        this.buffer.push(stripLine(line, this.buffer.length === 0));
    }
    finish() {
        if (this.buffer.length > 0) {
            const text = this.buffer.join('\n');
            this.buffer = [];
            if (text.trim().length > 0) {
                try {
                    super.pushDocument(JSON.parse(text));
                }
                catch {
                    this.builder.badLines += 1;
                }
            }
        }
        return super.finish();
    }
}
/** Plain-text transcripts (Aider Markdown): the handler gets each line as a string. */
class TextReader {
    builder;
    handler;
    index = 0;
    constructor(builder, handler) {
        this.builder = builder;
        this.handler = handler;
    }
    pushLine(line) {
        const text = stripLine(line, this.index === 0);
        this.builder.records += 1;
        if (!this.handler.record(text, this.index))
            this.builder.skippedRecords += 1;
        this.index += 1;
    }
    pushDocument(value) {
        if (typeof value !== 'string') {
            throw new errors/* ConfigError */.xL('E_FORMAT', `a ${this.builder.format} transcript is text, not a JSON document`);
        }
        for (const line of value.split('\n'))
            this.pushLine(line);
    }
    finish() {
        this.handler.finish?.();
        return this.builder.finish();
    }
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/cline.ts


/**
 * Cline (and Roo Code, which forked it and keeps the same two files) export a task as
 * `api_conversation_history.json` (the Anthropic message params sent to the model) and
 * `ui_messages.json` (the log the extension shows). Each is read on its own; the action captures one file.
 */
/** Tools that write the path they name, in both files' spellings (API tool names and UI log kinds). */
const cline_EDIT_TOOLS = new Set([
    'write_to_file',
    'replace_in_file',
    'apply_diff',
    'insert_content',
    'search_and_replace',
    'new_rule',
    'newFileCreated',
    'editedExistingFile',
    'appliedDiff',
    'insertContent',
    'searchAndReplace',
    'fileDeleted',
]);
/** Text a person typed reaches the model wrapped in one of these tags (task, reply to a question, feedback, resumed task). */
const PROMPT_TAGS = /^(?:<task>|<feedback>|<answer>|<user_message>)|The user provided the following feedback:\s*<feedback>|^\[TASK RESUMPTION\][\s\S]*<user_message>/;
const WORKING_DIRECTORY = /# Current Working Directory \(([^)\n]+)\)/;
/**
 * Before native tool calling, Cline and Roo Code had the model write each call as XML in its reply
 * (`<execute_command><command>…</command></execute_command>`), and exports from those versions hold no
 * `tool_use` block at all. Those calls are read from the text, so an older export is judged too.
 */
const XML_TOOLS = [
    'execute_command',
    'read_file',
    'write_to_file',
    'replace_in_file',
    'search_files',
    'list_files',
    'list_code_definition_names',
    'browser_action',
    'use_mcp_tool',
    'access_mcp_resource',
    'ask_followup_question',
    'attempt_completion',
    'plan_mode_respond',
    'new_task',
    'load_mcp_documentation',
    'web_fetch',
    'apply_diff',
    'insert_content',
    'search_and_replace',
    'switch_mode',
    'fetch_instructions',
    'codebase_search',
    'update_todo_list',
    'new_rule',
    'apply_patch',
];
const XML_CALL = new RegExp(`<(${XML_TOOLS.join('|')})>([\\s\\S]*?)</\\1>`, 'g');
const XML_PARAM = /<([a-z_]+)>([\s\S]*?)<\/\1>/g;
function xmlToolCalls(text) {
    const calls = [];
    for (const match of text.matchAll(XML_CALL)) {
        const input = {};
        for (const param of (match[2] ?? '').matchAll(XML_PARAM))
            if (param[1])
                input[param[1]] = (param[2] ?? '').trim();
        calls.push({ name: match[1] ?? 'unknown', input });
    }
    return calls;
}
function clinePath(input) {
    return str(input['absolutePath']) ?? str(input['path']);
}
function clineToolCall(b, name, input, index, id) {
    const fields = isObject(input) ? input : {};
    const path = clinePath(fields);
    const argument = name === 'execute_command' ? (str(fields['command']) ?? primaryArgument(name, input)) : (path ?? str(fields['url']) ?? primaryArgument(name, input));
    b.toolCall({
        id,
        name,
        argument: argument === undefined ? undefined : primaryArgument(name, argument),
        filePaths: path ? [path] : [],
        edited: path && cline_EDIT_TOOLS.has(name) ? [path] : [],
        recordIndex: index,
    });
}
/** `api_conversation_history.json`: a JSON array of `{role, content[], modelInfo?, metrics?}`. */
function clineApiHistoryHandler(b) {
    let prompts = 0;
    return {
        record(value, index) {
            if (!isObject(value) || (value['role'] !== 'user' && value['role'] !== 'assistant'))
                return false;
            const content = value['content'];
            const blocks = typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : [];
            if (value['role'] === 'assistant') {
                if (isObject(value['modelInfo']))
                    b.addModel(value['modelInfo']['modelId']);
                const tokens = isObject(value['metrics']) && isObject(value['metrics']['tokens']) ? value['metrics']['tokens'] : undefined;
                if (tokens) {
                    // `cached` adds cache reads and writes together, so it fits neither field and is left out.
                    const usage = {};
                    const input = num(tokens['prompt']);
                    const output = num(tokens['completion']);
                    if (input !== undefined)
                        usage.inputTokens = input;
                    if (output !== undefined)
                        usage.outputTokens = output;
                    b.addUsage(usage);
                }
                const texts = [];
                const tools = [];
                for (const block of blocks) {
                    if (!isObject(block))
                        continue;
                    if (block['type'] === 'text' && typeof block['text'] === 'string')
                        texts.push(block['text']);
                    else if (block['type'] === 'tool_use') {
                        const name = str(block['name']) ?? 'unknown';
                        tools.push(name);
                        clineToolCall(b, name, block['input'], index, str(block['id']));
                    }
                }
                // A reply with native calls describes them in its text only as prose; one without may hold XML calls.
                if (tools.length === 0) {
                    for (const call of xmlToolCalls(texts.join('\n'))) {
                        tools.push(call.name);
                        clineToolCall(b, call.name, call.input, index);
                    }
                }
                b.say('assistant', texts.join('\n'), tools);
                return true;
            }
            let prompt = false;
            for (const block of blocks) {
                if (!isObject(block))
                    continue;
                const text = block['type'] === 'text' ? str(block['text']) : block['type'] === 'tool_result' ? contentText(block['content']) : undefined;
                if (!text)
                    continue;
                const cwd = WORKING_DIRECTORY.exec(text)?.[1];
                if (cwd)
                    b.setFirst('cwd', cwd.trim());
                // Cline appends the editor state to every message; it is context, not conversation.
                if (text.startsWith('<environment_details>'))
                    continue;
                if (block['type'] === 'text' && PROMPT_TAGS.test(text)) {
                    prompt = true;
                    b.say('user', text);
                }
                else
                    b.say('tool', text);
            }
            if (prompt)
                prompts += 1;
            return true;
        },
        finish() {
            b.setPrompts(prompts);
        },
    };
}
function parseJsonText(text) {
    if (typeof text !== 'string' || !text.startsWith('{'))
        return undefined;
    try {
        const value = JSON.parse(text);
        return isObject(value) ? value : undefined;
    }
    catch {
        return undefined;
    }
}
/** `ui_messages.json`: a JSON array of `{ts, type: say|ask, say|ask: <kind>, text, partial?, modelInfo?}`. */
function clineUiMessagesHandler(b) {
    let prompts = 0;
    let first = true;
    return {
        record(value, index) {
            if (!isObject(value) || (value['type'] !== 'say' && value['type'] !== 'ask'))
                return false;
            const isFirst = first;
            first = false;
            const ts = num(value['ts']);
            if (ts !== undefined && Number.isFinite(new Date(ts).getTime()))
                b.timestamp(new Date(ts).toISOString());
            if (isObject(value['modelInfo']))
                b.addModel(value['modelInfo']['modelId']);
            // A partial entry is a message still streaming; the file keeps its final copy as well.
            if (value['partial'] === true)
                return true;
            const kind = value['type'] === 'say' ? value['say'] : value['ask'];
            const text = typeof value['text'] === 'string' ? value['text'] : '';
            switch (kind) {
                case 'task':
                case 'user_feedback':
                case 'user_feedback_diff':
                    prompts += 1;
                    b.say('user', text);
                    return true;
                case 'text':
                    // The first entry of a task is what the person asked; later ones are the model's replies.
                    if (isFirst) {
                        prompts += 1;
                        b.say('user', text);
                    }
                    else
                        b.say('assistant', text);
                    return true;
                case 'api_req_started': {
                    const request = parseJsonText(text);
                    if (!request)
                        return true;
                    const cwd = typeof request['request'] === 'string' ? WORKING_DIRECTORY.exec(request['request'])?.[1] : undefined;
                    if (cwd)
                        b.setFirst('cwd', cwd.trim());
                    const usage = {};
                    const map = [
                        ['tokensIn', 'inputTokens'],
                        ['tokensOut', 'outputTokens'],
                        ['cacheReads', 'cacheReadTokens'],
                        ['cacheWrites', 'cacheCreationTokens'],
                        ['cost', 'costUsd'],
                    ];
                    for (const [from, to] of map) {
                        const n = num(request[from]);
                        if (n !== undefined)
                            usage[to] = n;
                    }
                    b.addUsage(usage);
                    return true;
                }
                case 'tool': {
                    const tool = parseJsonText(text);
                    const name = str(tool?.['tool']) ?? 'unknown';
                    clineToolCall(b, name, tool ?? text, index);
                    b.say('assistant', '', [name]);
                    return true;
                }
                case 'command':
                    clineToolCall(b, 'execute_command', { command: text }, index);
                    b.say('assistant', '', ['execute_command']);
                    return true;
                case 'use_mcp_server': {
                    const call = parseJsonText(text);
                    const name = call?.['type'] === 'access_mcp_resource' ? 'access_mcp_resource' : 'use_mcp_tool';
                    clineToolCall(b, name, call ?? text, index);
                    return true;
                }
                case 'browser_action_launch':
                    clineToolCall(b, 'browser_action', { url: text }, index);
                    return true;
                case 'browser_action':
                    clineToolCall(b, 'browser_action', parseJsonText(text) ?? text, index);
                    return true;
                case 'command_output':
                case 'browser_action_result':
                case 'mcp_server_response':
                    b.say('tool', text);
                    return true;
                case 'completion_result':
                case 'followup':
                case 'plan_mode_respond': {
                    // A question or plan is written as JSON (`{question, options}` / `{response}`); the reply is its text.
                    const reply = parseJsonText(text);
                    b.say('assistant', str(reply?.['question']) ?? str(reply?.['response']) ?? text);
                    return true;
                }
                case 'error':
                case 'api_req_failed':
                case 'mistake_limit_reached':
                    b.say('system', text);
                    return true;
                default:
                    // Checkpoints, reasoning, progress lists, resume prompts: known kinds that carry no call.
                    return typeof kind === 'string';
            }
        },
        finish() {
            b.setPrompts(prompts);
        },
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/codex.ts


function openaiTokenUsage(usage) {
    if (!isObject(usage))
        return undefined;
    const out = {};
    const input = num(usage['input_tokens']);
    const output = num(usage['output_tokens']);
    const cached = num(usage['cached_input_tokens']);
    const reasoning = num(usage['reasoning_output_tokens']);
    if (input !== undefined)
        out.inputTokens = input;
    if (output !== undefined)
        out.outputTokens = output;
    if (cached !== undefined)
        out.cacheReadTokens = cached;
    if (reasoning !== undefined)
        out.reasoningTokens = reasoning;
    return Object.keys(out).length > 0 ? out : undefined;
}
function codex_parseArguments(raw) {
    if (typeof raw !== 'string')
        return raw;
    try {
        return JSON.parse(raw);
    }
    catch {
        // Sanitized or truncated arguments stay as the text they are.
        return raw;
    }
}
const SHELL_TOOLS = new Set(['exec_command', 'shell', 'local_shell', 'container.exec', 'shell_command']);
/** The argument each shell tool executes: unified exec runs `cmd`, the older shell tools `command`. */
function executedKey(name) {
    return name === 'exec_command' ? 'cmd' : 'command';
}
function commandText(value) {
    if (typeof value === 'string')
        return value;
    if (Array.isArray(value) && value.every((part) => typeof part === 'string'))
        return value.join(' ');
    return undefined;
}
/**
 * A shell call is judged on the field the tool executes. A call that carries both fields with
 * different commands cannot be judged at all: the allow-list could vouch for the one that did not run.
 * A shell call that pipes an apply_patch heredoc edits files just like the apply_patch tool; older
 * Codex builds did exactly that, so the patch paths count as touched.
 */
function shellCall(b, name, args, index, id) {
    let argument = primaryArgument(name, args);
    let ambiguous;
    let text = typeof args === 'string' ? args : '';
    if (isObject(args)) {
        const key = executedKey(name);
        const other = key === 'cmd' ? 'command' : 'cmd';
        const executed = commandText(args[key]);
        const alternative = commandText(args[other]);
        if (executed !== undefined)
            argument = primaryArgument(name, executed);
        if (executed !== undefined && alternative !== undefined && executed.trim() !== alternative.trim()) {
            ambiguous = `carries two different commands (\`${key}\` and \`${other}\`)`;
        }
        text = executed ?? alternative ?? '';
    }
    const edited = text.includes('*** Begin Patch') ? patchPaths(text) : [];
    b.toolCall({ id, name, argument, filePaths: [], edited, recordIndex: index, ...(ambiguous ? { ambiguous } : {}) });
}
/**
 * `write_stdin` types `chars` into a session `exec_command` started. When that session is a shell,
 * the text is a command like any other, so it is judged as one (its argument is the text, and deny
 * rules of every shell tool apply). An empty write only polls the session's output: no command.
 */
function stdinCall(b, args, index, id) {
    const chars = isObject(args) ? args['chars'] : undefined;
    const typed = typeof chars === 'string' ? chars.replace(/[\r\n]+$/, '') : undefined;
    if (typed === undefined || typed.trim() === '') {
        b.toolCall({
            id,
            name: 'write_stdin',
            argument: typeof args === 'string' ? primaryArgument('write_stdin', args) : undefined,
            filePaths: [],
            recordIndex: index,
        });
        return;
    }
    b.toolCall({ id, name: 'write_stdin', argument: primaryArgument('write_stdin', typed), filePaths: [], recordIndex: index });
}
function codexRolloutHandler(b) {
    // token_count is written after each model response, and sometimes again with the same totals
    // (a rate-limit update): a call is counted when the running total moves.
    let lastTotal;
    const responseItem = (p, index) => {
        const id = str(p['call_id']);
        switch (p['type']) {
            case 'function_call': {
                const name = str(p['name']) ?? 'unknown';
                const args = codex_parseArguments(p['arguments']);
                if (SHELL_TOOLS.has(name))
                    shellCall(b, name, args, index, id);
                else if (name === 'write_stdin')
                    stdinCall(b, args, index, id);
                else
                    b.toolUse(name, args, index, id);
                return;
            }
            case 'custom_tool_call':
                b.toolUse(str(p['name']) ?? 'unknown', p['input'], index, id);
                return;
            case 'local_shell_call': {
                const action = isObject(p['action']) ? p['action'] : {};
                shellCall(b, 'local_shell', { command: action['command'] }, index, id);
                return;
            }
            case 'web_search_call': {
                const action = isObject(p['action']) ? p['action'] : {};
                b.toolCall({ id, name: 'web_search', argument: primaryArgument('web_search', { query: action['query'] }), recordIndex: index });
                return;
            }
            case 'function_call_output':
            case 'custom_tool_call_output': {
                const output = p['output'];
                b.say('tool', typeof output === 'string' ? output : contentText(output));
                return;
            }
            default:
                // Messages are read from event_msg (the response_item copies include injected AGENTS.md context).
                return;
        }
    };
    const eventMsg = (p) => {
        switch (p['type']) {
            case 'user_message':
                b.say('user', str(p['message']) ?? '');
                return;
            case 'agent_message':
                b.say('assistant', str(p['message']) ?? '');
                return;
            case 'token_count': {
                const info = isObject(p['info']) ? p['info'] : undefined;
                if (!info)
                    return;
                b.addModel(info['model']);
                // Cumulative: the last snapshot is the session total.
                const total = openaiTokenUsage(info['total_token_usage']);
                if (total)
                    b.reportUsage(total);
                const key = JSON.stringify(info['total_token_usage'] ?? null);
                if (total && key !== lastTotal)
                    b.modelCall();
                lastTotal = key;
                return;
            }
            default:
                return;
        }
    };
    return {
        record(value, index) {
            if (!isObject(value) || typeof value['type'] !== 'string')
                return false;
            const payload = isObject(value['payload']) ? value['payload'] : {};
            b.timestamp(value['timestamp']);
            switch (value['type']) {
                case 'session_meta':
                    b.setFirst('sessionId', payload['id']);
                    b.setFirst('cwd', payload['cwd']);
                    b.setFirst('agentVersion', payload['cli_version']);
                    return true;
                case 'turn_context':
                    b.addModel(payload['model']);
                    b.setFirst('cwd', payload['cwd']);
                    return true;
                case 'response_item':
                    responseItem(payload, index);
                    return true;
                case 'event_msg':
                    eventMsg(payload);
                    return true;
                case 'compacted':
                    return true;
                default:
                    return false;
            }
        },
    };
}
/** Items started but not yet completed; bounded because a stream may never complete some of them. */
const MAX_OPEN_ITEMS = 1024;
function codexExecHandler(b) {
    const open = new Map();
    // A turn that started and never completed or failed: the stream was cut (a killed run).
    let openTurn = false;
    const emit = (item, index) => {
        const id = str(item['id']);
        switch (item['type']) {
            case 'command_execution':
                shellCall(b, 'command_execution', { command: item['command'] }, index, id);
                return;
            case 'file_change': {
                const paths = [];
                if (Array.isArray(item['changes'])) {
                    for (const change of item['changes']) {
                        const path = isObject(change) ? str(change['path']) : undefined;
                        if (path && !paths.includes(path))
                            paths.push(path);
                    }
                }
                b.toolCall({ id, name: 'file_change', argument: primaryArgument('file_change', paths.join('\n')), edited: paths, recordIndex: index });
                return;
            }
            case 'mcp_tool_call': {
                const name = `mcp__${str(item['server']) ?? 'unknown'}__${str(item['tool']) ?? 'unknown'}`;
                b.toolUse(name, item['arguments'], index, id);
                return;
            }
            case 'collab_tool_call':
                b.toolCall({ id, name: str(item['tool']) ?? 'collab_tool_call', argument: primaryArgument('collab', { prompt: item['prompt'] }), recordIndex: index });
                return;
            case 'web_search':
                b.toolCall({ id, name: 'web_search', argument: primaryArgument('web_search', { query: item['query'] }), recordIndex: index });
                return;
            default:
                return;
        }
    };
    const isToolItem = (item) => ['command_execution', 'file_change', 'mcp_tool_call', 'collab_tool_call', 'web_search'].includes(String(item['type']));
    return {
        record(value, index) {
            if (!isObject(value) || typeof value['type'] !== 'string')
                return false;
            const item = isObject(value['item']) ? value['item'] : undefined;
            switch (value['type']) {
                case 'thread.started':
                    b.setFirst('sessionId', value['thread_id']);
                    return true;
                case 'turn.started':
                    // exec does not echo the prompt; each turn answers one.
                    b.countPrompt();
                    openTurn = true;
                    return true;
                case 'item.plan.delta':
                case 'request_user_input':
                    return true;
                case 'turn.completed': {
                    openTurn = false;
                    const usage = openaiTokenUsage(value['usage']);
                    if (usage)
                        b.addUsage(usage);
                    return true;
                }
                case 'turn.failed': {
                    openTurn = false;
                    const error = isObject(value['error']) ? str(value['error']['message']) : undefined;
                    b.say('system', `turn failed: ${error ?? 'unknown error'}`);
                    return true;
                }
                case 'error':
                    b.say('system', str(value['message']) ?? 'error');
                    return true;
                case 'item.started':
                case 'item.updated':
                    if (item && isToolItem(item)) {
                        const id = str(item['id']) ?? `#${index}`;
                        const first = open.get(id);
                        open.delete(id);
                        open.set(id, { item, index: first?.index ?? index });
                        if (open.size > MAX_OPEN_ITEMS) {
                            const [oldId, oldest] = open.entries().next().value;
                            open.delete(oldId);
                            emit(oldest.item, oldest.index);
                        }
                    }
                    return true;
                case 'item.completed': {
                    if (!item)
                        return true;
                    const id = str(item['id']);
                    const started = id !== undefined ? open.get(id) : undefined;
                    if (id !== undefined)
                        open.delete(id);
                    if (isToolItem(item))
                        emit(item, started?.index ?? index);
                    else if (item['type'] === 'agent_message')
                        b.say('assistant', str(item['text']) ?? '');
                    else if (item['type'] === 'error')
                        b.say('system', str(item['message']) ?? 'error');
                    return true;
                }
                default:
                    return false;
            }
        },
        finish() {
            // A call that started and never completed (killed run) still ran: the allow-list must see it.
            for (const { item, index } of open.values())
                emit(item, index);
            open.clear();
            if (openTurn)
                b.truncated = 'a turn started and never completed: the run was cut before it ended';
        },
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/copilot.ts


/** Event types of `~/.copilot/session-state/<id>/events.jsonl` read without needing anything from them. */
const QUIET_TYPES = new Set(['session.info', 'system.message', 'assistant.turn_end', 'hook.start', 'hook.end']);
function copilotHandler(b) {
    return {
        record(value, index) {
            if (!isObject(value) || typeof value['type'] !== 'string')
                return false;
            const type = value['type'];
            const data = isObject(value['data']) ? value['data'] : {};
            b.timestamp(value['timestamp']);
            switch (type) {
                case 'session.start': {
                    b.setFirst('sessionId', data['sessionId']);
                    b.setFirst('agentVersion', data['copilotVersion'] ?? data['version']);
                    b.setFirst('startedAt', data['startTime']);
                    const context = isObject(data['context']) ? data['context'] : {};
                    b.setFirst('cwd', context['cwd']);
                    b.addModel(data['selectedModel']);
                    return true;
                }
                case 'session.model_change':
                    b.addModel(data['newModel']);
                    return true;
                case 'user.message':
                    b.say('user', contentText(data['content']));
                    return true;
                case 'assistant.turn_start':
                    b.modelCall();
                    return true;
                case 'assistant.message':
                    b.say('assistant', contentText(data['content']));
                    return true;
                case 'tool.execution_start': {
                    const name = str(data['toolName']) ?? 'unknown';
                    b.toolUse(name, data['arguments'], index, str(data['toolCallId']));
                    return true;
                }
                case 'tool.execution_complete': {
                    const result = isObject(data['result']) ? data['result']['content'] : data['result'];
                    b.say('tool', typeof result === 'string' ? result : contentText(result));
                    return true;
                }
                default:
                    // Newer CLIs add session.* events (title changes, compaction, …); they are part of the format.
                    return QUIET_TYPES.has(type) || type.startsWith('session.');
            }
        },
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/detect.ts

const detect_DETECT_HEAD_BYTES = 64 * 1024;
/** A real transcript declares itself in its first records; scanning further only invites false matches. */
const MAX_PROBE_LINES = 50;
const ROLLOUT_TYPES = new Set(['session_meta', 'response_item', 'event_msg', 'turn_context', 'compacted']);
const EXEC_TYPES = new Set(['thread.started', 'turn.started', 'turn.completed', 'turn.failed', 'item.started', 'item.updated', 'item.completed']);
const CLAUDE_STREAM_TYPES = new Set(['system', 'assistant', 'user', 'result', 'stream_event', 'rate_limit_event']);
const CLAUDE_SESSION_FIRST_TYPES = new Set(['summary', 'file-history-snapshot', 'queue-operation', 'progress']);
const GEMINI_RECORDING_METHODS = new Set(['generateContentStream', 'generateContent', 'countTokens']);
const COPILOT_TYPE = /^(?:session|user|assistant|tool|hook|system)\.[a-z_]+$/;
/** One JSONL record: which format writes records like this one, by the tie-breakers of FORMATS.md §0. */
function classifyRecord(r) {
    const type = r['type'];
    // Codex rollouts wrap everything in `payload` with a timestamp; exec --json has dotted types and neither.
    if (typeof type === 'string' && ROLLOUT_TYPES.has(type) && isObject(r['payload']) && 'timestamp' in r) {
        return 'codex-rollout';
    }
    if (typeof type === 'string' && EXEC_TYPES.has(type) && !('payload' in r))
        return 'codex-exec-json';
    if (typeof type === 'string' && COPILOT_TYPE.test(type) && isObject(r['data']) && 'parentId' in r) {
        if (type !== 'session.start')
            return 'copilot-cli';
        const data = r['data'];
        if (data['producer'] === 'copilot-agent' || 'copilotVersion' in data)
            return 'copilot-cli';
        return undefined;
    }
    if (typeof r['method'] === 'string' && GEMINI_RECORDING_METHODS.has(r['method']) && 'response' in r) {
        return 'gemini-api-recording';
    }
    if (typeof r['sessionId'] === 'string' && typeof r['projectHash'] === 'string' && 'startTime' in r) {
        return 'gemini-session';
    }
    // Gemini stream-json: top-level role / tool_name, no `message` object.
    if (type === 'init' && typeof r['session_id'] === 'string' && 'model' in r)
        return 'gemini-stream-json';
    if (!('message' in r) && 'timestamp' in r) {
        if (type === 'message' && typeof r['role'] === 'string' && 'content' in r)
            return 'gemini-stream-json';
        if (type === 'tool_use' && typeof r['tool_name'] === 'string')
            return 'gemini-stream-json';
    }
    // Claude: stream-json uses snake_case `session_id`, session files camelCase `sessionId`.
    if (typeof type === 'string' && CLAUDE_STREAM_TYPES.has(type) && typeof r['session_id'] === 'string' && !('sessionId' in r)) {
        return 'claude-stream-json';
    }
    if (typeof r['sessionId'] === 'string') {
        const envelope = 'uuid' in r || 'parentUuid' in r;
        const message = r['message'];
        const usageOnly = type === undefined && isObject(message) && message['role'] === 'assistant' && 'requestId' in r;
        if ((envelope && typeof type === 'string') || usageOnly)
            return 'claude-session';
    }
    if (type === 'summary' && typeof r['leafUuid'] === 'string')
        return 'claude-session';
    if (typeof type === 'string' && CLAUDE_SESSION_FIRST_TYPES.has(type) && type !== 'summary') {
        if ('sessionId' in r || 'messageId' in r || 'uuid' in r)
            return 'claude-session';
    }
    if (type === 'message' && r['role'] === 'assistant' && typeof r['id'] === 'string' && r['id'].startsWith('msg_') && 'stop_reason' in r) {
        return 'anthropic-messages';
    }
    if (r['object'] === 'chat.completion')
        return 'openai-chat';
    if (r['object'] === 'response' && typeof r['id'] === 'string')
        return 'openai-responses';
    return undefined;
}
const MINI_SWE_MARKERS = /mswea_bash_command|<returncode>|COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT|MINI_SWE_AGENT_FINAL_OUTPUT/;
const OPENHANDS_SOURCES = new Set(['user', 'agent', 'environment']);
/** The JSON-array formats other than the claude-code-action file, each by its own element shape. */
function classifyArray(items) {
    const first = items[0];
    if (!isObject(first) || !items.every(isObject))
        return undefined;
    const objects = items;
    if (objects.every((m) => typeof m['ts'] === 'number' && (m['type'] === 'say' || m['type'] === 'ask')))
        return 'cline-ui-messages';
    if (objects.every((e) => typeof e['id'] === 'number' && typeof e['source'] === 'string' && OPENHANDS_SOURCES.has(e['source']) && ('action' in e || 'observation' in e))) {
        return 'openhands-trajectory';
    }
    const chat = objects.every((m) => typeof m['role'] === 'string' && 'content' in m);
    if (!chat)
        return undefined;
    // Cline opens every task with the person's request in <task> tags, as blocks of Anthropic message params.
    const content = first['content'];
    const opening = Array.isArray(content) && isObject(content[0]) ? content[0]['text'] : content;
    if (first['role'] === 'user' && Array.isArray(content) && typeof opening === 'string' && opening.startsWith('<task>'))
        return 'cline-api-history';
    if (first['role'] === 'system' && objects.some((m) => m['role'] === 'user' && typeof m['content'] === 'string' && MINI_SWE_MARKERS.test(m['content']))) {
        return 'mini-swe-agent-traj';
    }
    return undefined;
}
/**
 * The same formats from the opening of a document too large to parse from its first 64 KiB (these files
 * are often megabytes, one line or pretty-printed): the first keys each tool writes, in its order.
 */
function classifyOpening(text, fileName) {
    const opening = text.slice(0, 4096);
    const base = fileName?.replace(/^.*[\\/]/, '') ?? '';
    if (/^\{\s*"sessionId"\s*:\s*"[^"]*"\s*,\s*"projectHash"\s*:/.test(opening) && /"messages"\s*:\s*\[/.test(opening))
        return 'gemini-session-json';
    if (/^\[\s*\{\s*"ts"\s*:\s*\d+\s*,\s*"type"\s*:\s*"(?:say|ask)"/.test(opening))
        return 'cline-ui-messages';
    if (/^\[\s*\{\s*"role"\s*:\s*"user"\s*,\s*"content"\s*:\s*\[\s*\{\s*"type"\s*:\s*"text"\s*,\s*"text"\s*:\s*"<task>/.test(opening))
        return 'cline-api-history';
    if (/^\[\s*\{\s*"id"\s*:\s*\d+\s*,\s*"timestamp"\s*:\s*"[^"]*"\s*,\s*"source"\s*:\s*"(?:user|agent|environment)"/.test(opening))
        return 'openhands-trajectory';
    if (/^\{\s*(?:"environment"\s*:\s*"[^"]*"\s*,\s*)?"trajectory"\s*:\s*\[\s*(?:\]|\{\s*"action"\s*:)/.test(opening))
        return 'swe-agent-traj';
    if (/^\[\s*\{\s*"role"\s*:\s*"system"\s*,\s*"content"\s*:/.test(opening) && MINI_SWE_MARKERS.test(text))
        return 'mini-swe-agent-traj';
    if (/^\{\s*"info"\s*:\s*\{/.test(opening) && /"mini_version"\s*:|"trajectory_format"\s*:\s*"mini-swe-agent/.test(text))
        return 'mini-swe-agent-traj';
    // A canonical name settles a document whose first keys are in another order.
    if (base === 'ui_messages.json' && /^\[\s*\{/.test(opening) && /"ts"\s*:\s*\d+/.test(opening) && /"(?:say|ask)"\s*:/.test(opening))
        return 'cline-ui-messages';
    if (base === 'api_conversation_history.json' && /^\[\s*\{/.test(opening) && /"role"\s*:\s*"user"/.test(opening) && /<task>/.test(opening))
        return 'cline-api-history';
    if (base.endsWith('.traj') && /^\{/.test(opening) && /"trajectory"\s*:\s*\[/.test(text))
        return 'swe-agent-traj';
    return undefined;
}
/** A whole JSON document: the single-JSON formats first, then the document as a lone record. */
function classifyDocument(value) {
    if (Array.isArray(value)) {
        const first = value[0];
        const other = classifyArray(value);
        if (other)
            return other;
        if (!isObject(first) || first['type'] !== 'system' || first['subtype'] !== 'init')
            return undefined;
        // Every element must be an SDK message; an array that merely starts like one is not the action's file.
        const allMessages = value.every((item) => isObject(item) && typeof item['type'] === 'string');
        return allMessages ? 'claude-code-action' : undefined;
    }
    if (!isObject(value))
        return undefined;
    if (Array.isArray(value['loglines']))
        return 'claude-session-export';
    if (value['type'] === 'result' && ('total_cost_usd' in value || 'subtype' in value) && 'session_id' in value) {
        return 'claude-json-result';
    }
    if (typeof value['sessionId'] === 'string' && typeof value['projectHash'] === 'string' && Array.isArray(value['messages'])) {
        return 'gemini-session-json';
    }
    if (Array.isArray(value['trajectory']) && (Array.isArray(value['history']) || isObject(value['info'])))
        return 'swe-agent-traj';
    const info = value['info'];
    if (Array.isArray(value['messages']) &&
        isObject(info) &&
        ((typeof value['trajectory_format'] === 'string' && value['trajectory_format'].startsWith('mini-swe-agent')) || 'mini_version' in info)) {
        return 'mini-swe-agent-traj';
    }
    return classifyRecord(value);
}
function detectAider(text, fileName) {
    const lines = text.split('\n', 40).map((line) => line.replace(/\r$/, ''));
    const nonEmpty = lines.filter((line) => line.trim().length > 0);
    const first = nonEmpty[0] ?? '';
    if (/^# aider chat started at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(first))
        return 'aider';
    // Emacs mode line, then Aider's block-quoted startup output.
    if (first.startsWith('-*-') && /mode/.test(first) && nonEmpty[1]?.startsWith('> '))
        return 'aider';
    // A rotated or truncated history file may start mid-run; its name still says what it is.
    if (fileName && /(^|[\\/])\.aider\.chat\.history\.md$/.test(fileName) && (first.startsWith('> ') || first.startsWith('#### '))) {
        return 'aider';
    }
    return undefined;
}
function detectSpecStory(text) {
    return /^<!--\s*Generated by SpecStory\b/.test(text) ? 'cursor-specstory' : undefined;
}
/**
 * Names the transcript format of a file from its first ≤64 KiB, or undefined when it is none of them.
 * A gate must never read an arbitrary file as a transcript, so every rule needs a format's own markers.
 */
function detect_detectFormat(head, fileName) {
    let text = head.length > detect_DETECT_HEAD_BYTES ? head.slice(0, detect_DETECT_HEAD_BYTES) : head;
    if (text.charCodeAt(0) === 0xfeff)
        text = text.slice(1);
    const trimmed = text.trimStart();
    if (trimmed.length === 0)
        return undefined;
    if (!trimmed.startsWith('{') && !trimmed.startsWith('['))
        return detectSpecStory(trimmed) ?? detectAider(trimmed, fileName);
    try {
        return classifyDocument(JSON.parse(trimmed));
    }
    catch {
        // Not one complete document: JSONL, or a large document cut at the head limit.
    }
    const opened = classifyOpening(trimmed, fileName);
    if (opened)
        return opened;
    // An API payload larger than the head is one document cut short: JSON.parse cannot read it, so its
    // opening fields decide (the APIs write id/object/type/role first). Only one document (a lone `{`
    // line, or a single line filling the head) qualifies; a file that is itself cut then fails to
    // parse whole, with a message that says so.
    if (trimmed.startsWith('{')) {
        const firstLine = trimmed.slice(0, trimmed.indexOf('\n') < 0 ? trimmed.length : trimmed.indexOf('\n')).trim();
        if (firstLine === '{' || firstLine.length === trimmed.length) {
            const opening = trimmed.slice(0, 4096);
            if (/"object"\s*:\s*"chat\.completion"/.test(opening))
                return 'openai-chat';
            if (/"object"\s*:\s*"response"/.test(opening))
                return 'openai-responses';
            if (/"type"\s*:\s*"message"/.test(opening) && /"role"\s*:\s*"assistant"/.test(opening) && /"id"\s*:\s*"msg_/.test(opening)) {
                return 'anthropic-messages';
            }
        }
    }
    if (trimmed.startsWith('[')) {
        // The action's array is pretty-printed: its first element opens with type/subtype on their own lines.
        const opening = trimmed.slice(0, 4096);
        if (/^\[\s*\{\s*"type"\s*:\s*"system"\s*,\s*"subtype"\s*:\s*"init"/.test(opening))
            return 'claude-code-action';
        return undefined;
    }
    if (/^\{\s*"loglines"\s*:\s*\[/.test(trimmed))
        return 'claude-session-export';
    const lines = trimmed.split('\n', MAX_PROBE_LINES + 1).slice(0, MAX_PROBE_LINES);
    // The last line of a cut head is usually partial; it is skipped like any line that is not JSON.
    let parsedAny = false;
    for (const raw of lines) {
        const line = raw.trim();
        if (line.length === 0)
            continue;
        let value;
        try {
            value = JSON.parse(line);
        }
        catch {
            // Pretty-printed JSON that does not parse whole is not JSONL; one bad line in real JSONL is tolerated.
            if (!parsedAny && (line === '{' || line === '['))
                return undefined;
            continue;
        }
        parsedAny = true;
        if (!isObject(value))
            continue;
        const format = classifyRecord(value);
        if (format !== undefined) {
            // Single-JSON API payloads are only themselves as a whole document, not as one line of many.
            if (format === 'anthropic-messages' || format === 'openai-chat' || format === 'openai-responses')
                return undefined;
            return format;
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/gemini.ts

/** Text of a Gemini `PartListUnion`: a string, a part, or a list of either; thoughts are not conversation. */
function geminiPartsText(content) {
    if (typeof content === 'string')
        return content;
    const parts = Array.isArray(content) ? content : [content];
    const texts = [];
    for (const part of parts) {
        if (typeof part === 'string')
            texts.push(part);
        else if (isObject(part) && typeof part['text'] === 'string' && part['thought'] !== true)
            texts.push(part['text']);
    }
    return texts.join('');
}
function geminiStreamHandler(b) {
    // Streamed assistant text arrives as `delta` chunks; one reply is the run of chunks between other events.
    let reply = [];
    let inReply = false;
    const flush = () => {
        if (inReply)
            b.say('assistant', reply.join(''));
        reply = [];
        inReply = false;
    };
    // A run ends with `result`; events after the last one mean the stream was cut before it ended.
    let openRun = false;
    return {
        record(value, index) {
            if (!isObject(value) || typeof value['type'] !== 'string')
                return false;
            b.timestamp(value['timestamp']);
            const type = value['type'];
            if (type === 'result')
                openRun = false;
            else if (type === 'init' || type === 'message' || type === 'tool_use' || type === 'tool_result')
                openRun = true;
            if (!(type === 'message' && value['role'] === 'assistant'))
                flush();
            switch (type) {
                case 'init':
                    b.setFirst('sessionId', value['session_id']);
                    b.addModel(value['model']);
                    return true;
                case 'message':
                    if (value['role'] === 'assistant') {
                        if (!inReply)
                            b.modelCall();
                        inReply = true;
                        reply.push(str(value['content']) ?? '');
                        // A non-delta message is complete on its own.
                        if (value['delta'] !== true)
                            flush();
                    }
                    else {
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
                        const usage = {};
                        const input = num(stats['input_tokens']);
                        const output = num(stats['output_tokens']);
                        if (input !== undefined)
                            usage.inputTokens = input;
                        if (output !== undefined)
                            usage.outputTokens = output;
                        if (Object.keys(usage).length > 0)
                            b.reportUsage(usage);
                        if (isObject(stats['models']))
                            for (const model of Object.keys(stats['models']))
                                b.addModel(model);
                    }
                    return true;
                }
                default:
                    return false;
            }
        },
        finish() {
            flush();
            if (openRun)
                b.truncated = 'no final result record: the run was cut before it ended';
        },
    };
}
function geminiTokens(tokens) {
    const out = {};
    if (!isObject(tokens))
        return out;
    const map = [
        ['input', 'inputTokens'],
        ['output', 'outputTokens'],
        ['cached', 'cacheReadTokens'],
        ['thoughts', 'reasoningTokens'],
    ];
    for (const [from, to] of map) {
        const value = num(tokens[from]);
        if (value !== undefined)
            out[to] = value;
    }
    return out;
}
/**
 * Gemini CLI session records, shared by the JSONL file (`~/.gemini/tmp/<hash>/chats/session-*.jsonl`:
 * a metadata line, message records, `$set` / `$rewindTo` updates) and the legacy `.json` file (one
 * ConversationRecord object with `messages[]`). Turns are the person's prompts (`user` messages); each
 * `gemini` message is one model call.
 */
function geminiSessionRecords(b) {
    let prompts = 0;
    const message = (r, index) => {
        b.timestamp(r['timestamp']);
        switch (r['type']) {
            case 'user': {
                const text = geminiPartsText(r['displayContent'] ?? r['content']);
                if (text.trim().length > 0)
                    prompts += 1;
                b.say('user', text);
                return true;
            }
            case 'gemini': {
                b.addModel(r['model']);
                const id = str(r['id']) ?? `#${index}`;
                b.responseUsage(id, geminiTokens(r['tokens']));
                const tools = [];
                if (Array.isArray(r['toolCalls'])) {
                    for (const call of r['toolCalls']) {
                        if (!isObject(call))
                            continue;
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
    const metadata = (r) => {
        b.setFirst('sessionId', r['sessionId']);
        b.setFirst('startedAt', r['startTime']);
        b.timestamp(r['lastUpdated']);
    };
    return {
        message,
        metadata,
        finish() {
            b.setPrompts(prompts);
        },
    };
}
function geminiSessionHandler(b) {
    const session = geminiSessionRecords(b);
    return {
        record(value, index) {
            if (!isObject(value))
                return false;
            if ('$set' in value || '$rewindTo' in value)
                return true;
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
function readLegacySession(b, session, value) {
    if (!isObject(value) || !Array.isArray(value['messages']))
        return false;
    session.metadata(value);
    b.records += 1;
    value['messages'].forEach((item, i) => {
        b.records += 1;
        if (!isObject(item) || !session.message(item, i + 1))
            b.skippedRecords += 1;
    });
    return true;
}
/**
 * The legacy session `.json`: one pretty-printed ConversationRecord, read whole. A document that is not
 * one (an array, a JSONL line) is not understood and counts as one skipped record.
 */
function geminiSessionJsonHandler(b) {
    const session = geminiSessionRecords(b);
    return {
        record: () => false,
        document(value) {
            if (!readLegacySession(b, session, value))
                b.badLines += 1;
            // Handled either way: a document of another shape reads as no record, which fails the capture.
            return true;
        },
        finish: () => session.finish(),
    };
}
/** gemini-cli's fake-responses recording: each line is one API call with its `GenerateContentResponse` chunks. */
function geminiRecordingHandler(b) {
    return {
        record(value, index) {
            if (!isObject(value) || typeof value['method'] !== 'string')
                return false;
            if (value['method'] === 'countTokens' || value['method'] === 'embedContent')
                return true;
            const chunks = Array.isArray(value['response']) ? value['response'] : [value['response']];
            b.modelCall();
            const texts = [];
            const tools = [];
            let usage;
            for (const chunk of chunks) {
                if (!isObject(chunk))
                    continue;
                b.addModel(chunk['modelVersion']);
                // Stream chunks repeat usage cumulatively; the last one is the call's total.
                if (isObject(chunk['usageMetadata']))
                    usage = chunk['usageMetadata'];
                const candidates = Array.isArray(chunk['candidates']) ? chunk['candidates'] : [];
                const first = candidates[0];
                const parts = isObject(first) && isObject(first['content']) ? first['content']['parts'] : undefined;
                if (!Array.isArray(parts))
                    continue;
                for (const part of parts) {
                    if (!isObject(part))
                        continue;
                    if (isObject(part['functionCall'])) {
                        const name = str(part['functionCall']['name']) ?? 'unknown';
                        tools.push(name);
                        b.toolUse(name, part['functionCall']['args'], index, str(part['functionCall']['id']));
                    }
                    else if (typeof part['text'] === 'string' && part['thought'] !== true) {
                        texts.push(part['text']);
                    }
                }
            }
            if (usage) {
                const out = {};
                const map = [
                    ['promptTokenCount', 'inputTokens'],
                    ['candidatesTokenCount', 'outputTokens'],
                    ['cachedContentTokenCount', 'cacheReadTokens'],
                    ['thoughtsTokenCount', 'reasoningTokens'],
                ];
                for (const [from, to] of map) {
                    const n = num(usage[from]);
                    if (n !== undefined)
                        out[to] = n;
                }
                b.addUsage(out);
            }
            b.say('assistant', texts.join(''), tools);
            return true;
        },
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/openhands.ts


/** Actions that are conversation or bookkeeping; every other action the agent takes runs something. */
const NOT_TOOLS = new Set(['message', 'finish', 'change_agent_state', 'system', 'recall', 'think', 'reject', 'null', 'condensation', 'condensation_request']);
/** Actions that write the path they name; `edit` with `command: view` only reads. */
const WRITES = new Set(['write', 'edit']);
function toolArgument(action, args) {
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
function modelResponseUsage(usage) {
    const out = {};
    const input = num(usage['prompt_tokens']);
    const output = num(usage['completion_tokens']);
    const details = isObject(usage['prompt_tokens_details']) ? usage['prompt_tokens_details'] : {};
    const cacheRead = num(usage['cache_read_input_tokens']) ?? num(details['cached_tokens']);
    const cacheCreation = num(usage['cache_creation_input_tokens']);
    if (input !== undefined)
        out.inputTokens = input;
    if (output !== undefined)
        out.outputTokens = output;
    if (cacheRead !== undefined)
        out.cacheReadTokens = cacheRead;
    if (cacheCreation !== undefined)
        out.cacheCreationTokens = cacheCreation;
    return out;
}
/**
 * An OpenHands trajectory: a JSON array of events `{id, timestamp, source, message, action | observation,
 * args | extras, cause?, tool_call_metadata?}`. An agent action other than talking is a tool call, named
 * by the action (`run`, `edit`, `read`, `browse`, …), which is what OpenHands executes whatever function
 * name the model used. Usage is the LiteLLM response each call carries, once per response id.
 */
function openhandsHandler(b) {
    let prompts = 0;
    const responses = new Set();
    return {
        record(value, index) {
            if (!isObject(value) || typeof value['source'] !== 'string')
                return false;
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
                if (cost !== undefined)
                    b.reportCost(cost);
                const tokens = isObject(metrics['accumulated_token_usage']) ? metrics['accumulated_token_usage'] : undefined;
                if (tokens) {
                    b.addModel(tokens['model']);
                    const usage = {};
                    const map = [
                        ['prompt_tokens', 'inputTokens'],
                        ['completion_tokens', 'outputTokens'],
                        ['cache_read_tokens', 'cacheReadTokens'],
                        ['cache_write_tokens', 'cacheCreationTokens'],
                    ];
                    for (const [from, to] of map) {
                        const n = num(tokens[from]);
                        if (n !== undefined)
                            usage[to] = n;
                    }
                    if (Object.keys(usage).length > 0)
                        b.reportUsage(usage);
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
                    }
                    else
                        b.say('assistant', text);
                    return true;
                }
                if (action === 'finish') {
                    b.say('assistant', str(args['final_thought']) ?? str(args['thought']) ?? str(value['message']) ?? '');
                    return true;
                }
                if (NOT_TOOLS.has(action))
                    return true;
                if (value['source'] !== 'agent')
                    return true;
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
            if (observation === undefined)
                return false;
            const extras = isObject(value['extras']) ? value['extras'] : {};
            const meta = isObject(extras['metadata']) ? extras['metadata'] : undefined;
            if (meta)
                b.setFirst('cwd', meta['working_dir']);
            if (observation !== 'null' && observation !== 'agent_state_changed')
                b.say('tool', str(value['content']) ?? str(value['message']) ?? '');
            return true;
        },
        finish() {
            b.setPrompts(prompts);
        },
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/specstory.ts

const SPEAKER = /^_\*\*(User|Assistant|Agent)(?:\s*\(([^)]*)\))?\*\*_\s*$/;
const FENCE = /^(`{3,}|~{3,})\s*([^`\s]*)/;
const READ_FILE = /^Read file: (.+?)\s*$/;
/**
 * The `<summary>` line of a `<details>` block SpecStory writes for one of Cursor's tools. The separator
 * before the result count is a bullet (U+2022), which capture's byte path sees as three Latin-1
 * characters, so it is matched as any short run of non-space.
 */
const BULLET = String.raw `\s+\S{1,3}\s+\*\*`;
const SUMMARIES = [
    [/^<summary>Tool use: \*\*([^*]+)\*\*/, ''],
    [new RegExp(`^<summary>Listed directory (.+?)${BULLET}`), 'list_dir'],
    [/^<summary>Listed current directory\b/, 'list_dir'],
    [new RegExp(`^<summary>Searched codebase "(.*)"${BULLET}`), 'codebase_search'],
    [new RegExp(`^<summary>Grep search for "(.*)"${BULLET}`), 'grep_search'],
    [new RegExp(`^<summary>Searched files? "(.*)"${BULLET}`), 'file_search'],
    [new RegExp(`^<summary>Searched web "(.*)"${BULLET}`), 'web_search'],
];
const TOOL_USE_TAG = /^<tool-use\b[^>]*\bdata-tool-name="([^"]+)"/;
/**
 * A Cursor chat exported by SpecStory (`.specstory/history/*.md`): `<!-- Generated by SpecStory -->`, a
 * title, then turns opened by `_**User**_` / `_**Assistant**_` (newer: `_**Agent (model …)**_`) and
 * segments separated by `---`. Tool calls are `<details>` blocks (`<summary>Listed directory …`,
 * `Tool use: **name**`, or `<tool-use data-tool-name=…>`), `Read file: path` lines, and segments that open
 * with a ```bash block (a terminal command, then its output) or a ```diff block (an edit). Exports of this
 * age do not name the file an edit changed, so such edits count as calls without a path.
 */
function specstoryHandler(b) {
    let role;
    let prompts = 0;
    let text = [];
    let textChars = 0;
    let fence;
    let segmentStart = true;
    let inToolUse = false;
    const flush = () => {
        if (role && text.length > 0)
            b.say(role, text.join('\n'));
        text = [];
        textChars = 0;
    };
    const keep = (line) => {
        if (textChars > MAX_ENTRY_TEXT)
            return;
        text.push(line);
        textChars += line.length + 1;
    };
    const call = (name, argument, index, path) => {
        b.toolCall({ name, argument: argument === undefined ? undefined : primaryArgument(name, argument), filePaths: path ? [path] : [], recordIndex: index });
    };
    return {
        record(value, index) {
            if (typeof value !== 'string')
                return false;
            const line = value;
            if (fence) {
                const close = FENCE.exec(line.trim());
                if (close && close[1] && close[1][0] === fence.marker[0] && close[1].length >= fence.marker.length && !close[2]) {
                    if (fence.command)
                        call('run_terminal_cmd', fence.command.join('\n'), index);
                    fence = undefined;
                }
                else if (fence.command && fence.commandChars <= MAX_ARGUMENT_BYTES) {
                    // The argument is cut at 4 KiB anyway; a block of megabytes must not be held whole.
                    fence.command.push(line);
                    fence.commandChars += line.length + 1;
                }
                keep(line);
                return true;
            }
            const trimmed = line.trim();
            const speaker = SPEAKER.exec(trimmed);
            if (speaker) {
                flush();
                role = speaker[1] === 'User' ? 'user' : 'assistant';
                if (role === 'user')
                    prompts += 1;
                const model = /\bmodel ([^,]+)/.exec(speaker[2] ?? '')?.[1]?.trim();
                if (model && model !== 'default')
                    b.addModel(model);
                segmentStart = true;
                return true;
            }
            if (trimmed === '---') {
                segmentStart = true;
                return true;
            }
            if (trimmed.length === 0)
                return true;
            const opening = FENCE.exec(trimmed);
            if (opening && opening[1]) {
                const lang = (opening[2] ?? '').toLowerCase();
                // Only a block that opens an assistant segment is a call; the same fence inside prose is an example.
                const isCall = segmentStart && role === 'assistant' && !inToolUse;
                fence = { marker: opening[1], commandChars: 0, ...(isCall && (lang === 'bash' || lang === 'shell' || lang === 'sh') ? { command: [] } : {}) };
                if (isCall && lang === 'diff')
                    call('edit_file', undefined, index);
                segmentStart = false;
                keep(line);
                return true;
            }
            segmentStart = false;
            if (role === 'assistant') {
                const tag = TOOL_USE_TAG.exec(trimmed);
                if (tag?.[1]) {
                    inToolUse = true;
                    call(tag[1], undefined, index);
                    return true;
                }
                if (trimmed.startsWith('</tool-use>')) {
                    inToolUse = false;
                    return true;
                }
                const read = READ_FILE.exec(trimmed);
                if (read?.[1] && !inToolUse) {
                    call('read_file', read[1], index, read[1]);
                    return true;
                }
                if (!inToolUse) {
                    for (const [pattern, name] of SUMMARIES) {
                        const match = pattern.exec(trimmed);
                        if (!match)
                            continue;
                        call(name || (match[1] ?? 'unknown'), name ? match[1] : undefined, index);
                        break;
                    }
                }
            }
            keep(line);
            return true;
        },
        finish() {
            flush();
            b.setPrompts(prompts);
        },
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/swe-agent.ts


/** Paths a unified diff changes (`diff --git a/X b/Y`: Y, or X for a deletion). */
function diffPaths(diff) {
    const paths = [];
    for (const match of diff.matchAll(/^diff --git a\/(.+?) b\/(.+?)\s*$/gm)) {
        const path = match[2] ?? match[1];
        if (path && !paths.includes(path))
            paths.push(path);
    }
    return paths;
}
/**
 * SWE-agent's own commands (tool bundles and the classic interface); anything else an action runs is
 * a line for its bash session. Editing commands act on the named file or on the one open.
 */
const SWE_COMMANDS = new Set([
    'open',
    'goto',
    'scroll_up',
    'scroll_down',
    'create',
    'edit',
    'insert',
    'search_dir',
    'search_file',
    'find_file',
    'submit',
    'str_replace_editor',
    'filemap',
    'exit_forfeit',
    'exit_cost',
    'exit_context',
    'exit_error',
    'exit_format',
    'skip',
]);
/** The open file is recorded absolute, created files relative: both are spelled relative to the repository. */
function inside(cwd, path) {
    const prefix = cwd && (cwd.endsWith('/') ? cwd : `${cwd}/`);
    return prefix && path.startsWith(prefix) ? path.slice(prefix.length) : path;
}
function parseState(state) {
    if (isObject(state))
        return state;
    if (typeof state !== 'string')
        return {};
    try {
        const value = JSON.parse(state);
        return isObject(value) ? value : {};
    }
    catch {
        return {};
    }
}
/** Files a command writes: `create f`, `edit`/`insert` on the open file, `str_replace_editor <cmd> <path>` other than view. */
function sweEdits(words, openFile) {
    const [command, first, second] = words;
    if (command === 'create' && first)
        return [first];
    if ((command === 'edit' || command === 'insert') && openFile)
        return [openFile];
    if (command === 'str_replace_editor' && first && first !== 'view' && second)
        return [second];
    return [];
}
/**
 * A SWE-agent `.traj`: one object `{environment, trajectory[{action, observation, response, state, thought}],
 * history[{role, content, …}], info{exit_status, submission, model_stats}}`. Each trajectory step is one
 * call; SWE-agent's own commands keep their names and shell lines are `bash`. The submission's diff names
 * the files the run changed.
 */
function sweAgentHandler(b) {
    const read = (doc) => {
        b.records += 1;
        let openFile;
        const steps = Array.isArray(doc['trajectory']) ? doc['trajectory'] : [];
        steps.forEach((step, i) => {
            b.records += 1;
            if (!isObject(step) || typeof step['action'] !== 'string') {
                b.skippedRecords += 1;
                return;
            }
            const state = parseState(step['state']);
            b.setFirst('cwd', state['working_dir']);
            const action = step['action'].trim();
            const words = action.split(/\s+/);
            const name = words[0] && SWE_COMMANDS.has(words[0]) ? words[0] : 'bash';
            const cwd = str(state['working_dir']);
            const edited = sweEdits(words, openFile).map((path) => inside(cwd, path));
            const named = name === 'bash' || name === 'submit'
                ? []
                : words
                    .slice(1)
                    .filter((w) => /[./]/.test(w) && !/^\d+:\d+$/.test(w))
                    .slice(0, 1)
                    .map((word) => inside(cwd, word.replace(/^(["'])(.*)\1$/, '$2')));
            b.toolCall({ name, argument: primaryArgument(name, action), filePaths: [...new Set([...named, ...edited])], edited, recordIndex: i });
            b.say('assistant', str(step['thought']) ?? '', [name]);
            b.say('tool', str(step['observation']) ?? '');
            // The state is recorded after the step ran: the file an `edit` acts on is the one open before it.
            const open = str(state['open_file']);
            openFile = open && open !== 'n/a' ? open : undefined;
        });
        const history = Array.isArray(doc['history']) ? doc['history'] : [];
        let prompts = 0;
        let answered = false;
        for (const entry of history) {
            b.records += 1;
            if (!isObject(entry)) {
                b.skippedRecords += 1;
                continue;
            }
            // After the model's first answer, user messages are command output.
            if (entry['role'] === 'assistant')
                answered = true;
            if (answered)
                continue;
            // Demonstrations are past runs shown to the model; the task itself is the first real user message.
            if (entry['role'] === 'user' && entry['is_demo'] !== true && entry['message_type'] !== 'demonstration') {
                prompts += 1;
                b.say('user', contentText(entry['content']));
            }
        }
        b.setPrompts(prompts);
        const info = isObject(doc['info']) ? doc['info'] : {};
        const submission = str(info['submission']);
        if (submission)
            for (const path of diffPaths(submission))
                b.touch(path);
        const stats = isObject(info['model_stats']) ? info['model_stats'] : undefined;
        if (stats) {
            const usage = {};
            const input = num(stats['tokens_sent']);
            const output = num(stats['tokens_received']);
            if (input !== undefined)
                usage.inputTokens = input;
            if (output !== undefined)
                usage.outputTokens = output;
            if (Object.keys(usage).length > 0)
                b.reportUsage(usage);
            const cost = num(stats['instance_cost']) ?? num(stats['total_cost']);
            if (cost !== undefined)
                b.reportCost(cost);
        }
        // SWE-agent 1.x keeps the run's configuration, model included, as a JSON string.
        const config = parseState(doc['replay_config']);
        const agent = isObject(config['agent']) ? config['agent'] : {};
        if (isObject(agent['model']))
            b.addModel(agent['model']['name']);
    };
    return {
        record: () => false,
        document(value) {
            if (isObject(value) && Array.isArray(value['trajectory']))
                read(value);
            else
                b.badLines += 1;
            return true;
        },
    };
}
const FINAL_OUTPUT = /COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT|MINI_SWE_AGENT_FINAL_OUTPUT/;
const BASH_BLOCK = /```(?:mswea_bash_command|bash)[ \t]*\r?\n([\s\S]*?)\r?\n```/g;
/**
 * A mini-swe-agent trajectory: a bare JSON array of chat messages (1.x), or the object `{info, messages,
 * trajectory_format}` it writes since. Each assistant message carries one fenced bash block, the command
 * it runs (or, with a tool-calling model in 2.x, a `bash` tool call whose output is a `tool` message); mini-swe-agent refuses a reply with several, but each is still judged here, since a gate must
 * not rely on the agent's own format check. The output of the final command is the submitted diff.
 */
function miniSweAgentHandler(b) {
    let prompts = 0;
    let answered = false;
    let submitting = false;
    const message = (value, index) => {
        if (!isObject(value) || typeof value['role'] !== 'string')
            return false;
        const text = contentText(value['content']);
        switch (value['role']) {
            case 'system':
                b.say('system', text);
                return true;
            case 'user':
                if (submitting)
                    for (const path of diffPaths(text))
                        b.touch(path);
                submitting = false;
                // Before the model has answered, a user message is the task; after, it is command output.
                if (!answered) {
                    prompts += 1;
                    b.say('user', text);
                }
                else
                    b.say('tool', text);
                return true;
            case 'assistant': {
                answered = true;
                const commands = [...text.matchAll(BASH_BLOCK)].map((match) => match[1] ?? '');
                // mini-swe-agent 2.x with a tool-calling model: OpenAI `tool_calls`, `bash` with `{command}`.
                const calls = Array.isArray(value['tool_calls']) ? value['tool_calls'] : [];
                for (const call of calls) {
                    const fn = isObject(call) && isObject(call['function']) ? call['function'] : undefined;
                    if (!fn)
                        continue;
                    let args = fn['arguments'];
                    if (typeof args === 'string') {
                        try {
                            args = JSON.parse(args);
                        }
                        catch {
                            // Kept as the string the model wrote: it is still what a rule is judged against.
                        }
                    }
                    const command = isObject(args) ? str(args['command']) : str(args);
                    commands.push(command ?? (typeof args === 'string' ? args : JSON.stringify(args ?? null)));
                }
                for (const command of commands) {
                    b.toolCall({ name: 'bash', argument: primaryArgument('bash', command), recordIndex: index });
                    if (FINAL_OUTPUT.test(command))
                        submitting = true;
                }
                b.say('assistant', text, commands.map(() => 'bash'));
                return true;
            }
            case 'tool':
                if (submitting)
                    for (const path of diffPaths(text))
                        b.touch(path);
                submitting = false;
                b.say('tool', text);
                return true;
            default:
                return false;
        }
    };
    return {
        record: message,
        document(value) {
            if (Array.isArray(value))
                return false;
            if (!isObject(value) || !Array.isArray(value['messages'])) {
                b.badLines += 1;
                return true;
            }
            b.records += 1;
            value['messages'].forEach((item, i) => {
                b.records += 1;
                if (!message(item, i))
                    b.skippedRecords += 1;
            });
            const info = isObject(value['info']) ? value['info'] : {};
            const submission = str(info['submission']);
            if (submission)
                for (const path of diffPaths(submission))
                    b.touch(path);
            const stats = isObject(info['model_stats']) ? info['model_stats'] : {};
            const cost = num(stats['instance_cost']);
            if (cost !== undefined)
                b.reportCost(cost);
            const config = isObject(info['config']) ? info['config'] : {};
            if (isObject(config['model']))
                b.addModel(config['model']['model_name']);
            return true;
        },
        finish() {
            b.setPrompts(prompts);
        },
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/types.ts
const types_TRANSCRIPT_FORMATS = Object.freeze([
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
]);

;// CONCATENATED MODULE: ../../packages/core/src/transcript/paths.ts

function toPosix(path) {
    return path.replace(/\\/g, '/');
}
function isAbsolute(path) {
    return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}
function normalise(path) {
    const drive = /^[A-Za-z]:/.exec(path)?.[0] ?? '';
    const rest = external_node_path_.posix.normalize(path.slice(drive.length));
    const out = drive + rest;
    return out.length > 1 && out.endsWith('/') ? out.slice(0, -1) : out;
}
function under(path, root) {
    if (!root)
        return undefined;
    const base = normalise(toPosix(root));
    if (path === base)
        return '.';
    const prefix = base.endsWith('/') ? base : `${base}/`;
    return path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
}
/**
 * A home directory path, `/home/<name>`, `/Users/<name>`, `C:\Users\<name>` (either slash), up to
 * the user name. `/root` names no person but is a home all the same.
 */
const HOME = /(?:\/home|\/Users|\b[A-Za-z]:[\\/]+Users)[\\/]+[^\\/\s"'`<>|:;,()[\]{}]+|\/root(?=[\\/]|$|[\s"'`])/g;
/** Replaces the home directory in paths inside `text` by `~`, so a user name never reaches a report. */
function withoutUserNames(text) {
    return text.includes('/home') || text.includes('Users') || text.includes('/root') ? text.replace(HOME, '~') : text;
}
/**
 * The agent's cwd is where a transcript from another machine was rooted, but only when it is a
 * project folder: with a cwd of `/` or of a home directory itself, every system or dot file would
 * pass for a project file (`/etc/cron.d/x` as `etc/cron.d/x`).
 */
function projectRoot(cwd) {
    if (!cwd)
        return undefined;
    const root = normalise(toPosix(cwd));
    if (!isAbsolute(root))
        return undefined;
    if (root === '/' || /^[A-Za-z]:\/?$/.test(root))
        return undefined;
    if (/^(?:\/home\/[^/]+|\/Users\/[^/]+|\/root|[A-Za-z]:\/Users\/[^/]+|\/home|\/Users)$/.test(root))
        return undefined;
    return root;
}
function cwdOf(cwd) {
    const base = cwd ? normalise(toPosix(cwd)) : undefined;
    return { base: base && isAbsolute(base) ? base : undefined, root: projectRoot(cwd) };
}
function resolve(raw, cwd, workspace) {
    let path = toPosix(raw);
    // `~/…` is the user's home, never the project.
    if (path === '~' || path.startsWith('~/'))
        return { inside: false, path };
    if (!isAbsolute(path)) {
        if (cwd.base)
            path = normalise(external_node_path_.posix.join(cwd.base, path));
        else {
            const relative = normalise(path);
            // A relative path that climbs out keeps its `..`, so the escape stays visible.
            return relative === '..' || relative.startsWith('../') ? { inside: false, path: relative } : { inside: true, path: relative };
        }
    }
    else {
        path = normalise(path);
    }
    const relative = under(path, workspace) ?? under(path, cwd.root);
    return relative !== undefined ? { inside: true, path: relative } : { inside: false, path };
}
/**
 * Turns the paths an agent recorded into paths a diff can be compared with: relative to the workspace
 * (or to the agent's own cwd, which is where a transcript from another machine was rooted). A path
 * outside both stays absolute, and a relative path that climbs out keeps its `..`, so a scope check
 * still sees the escape instead of a silently shortened path.
 */
function filesRelativeToWorkspace(paths, options) {
    const out = [];
    const seen = new Set();
    const cwd = cwdOf(options.cwd);
    for (const raw of paths) {
        if (raw.length === 0)
            continue;
        const result = resolve(raw, cwd, options.workspace).path;
        if (!seen.has(result)) {
            seen.add(result);
            out.push(result);
        }
    }
    return out;
}
/**
 * Splits written paths into the workspace's own files (relative, what `files-touched` reports) and
 * writes that landed anywhere else (`outside-workspace`: a dot file in the home directory, `/etc`, a
 * `..` escape), with the home directory shown as `~` so no user name leaves the runner.
 */
function splitTouchedPaths(paths, options) {
    const inside = [];
    const outside = [];
    const seen = new Set();
    const cwd = cwdOf(options.cwd);
    for (const raw of paths) {
        if (raw.length === 0)
            continue;
        const resolved = resolve(raw, cwd, options.workspace);
        const path = resolved.inside ? resolved.path : withoutUserNames(resolved.path);
        const key = `${resolved.inside ? 'i' : 'o'}${path}`;
        if (seen.has(key))
            continue;
        seen.add(key);
        (resolved.inside ? inside : outside).push(path);
    }
    return { inside, outside };
}
/**
 * The summary as a report may show it: files relative to the workspace, writes elsewhere apart, and
 * no home directory (so no user name) in the cwd, the paths or the conversation excerpts.
 */
function workspaceView(summary, workspace) {
    const { inside, outside } = splitTouchedPaths(summary.filesTouched, { workspace, ...(summary.cwd ? { cwd: summary.cwd } : {}) });
    const view = {
        ...summary,
        filesTouched: inside,
        conversation: summary.conversation.map((entry) => ({ ...entry, text: withoutUserNames(entry.text) })),
    };
    if (summary.cwd !== undefined)
        view.cwd = withoutUserNames(summary.cwd);
    if (outside.length > 0)
        view.outsideWorkspace = outside;
    return view;
}

;// CONCATENATED MODULE: ../../packages/core/src/transcript/index.ts



















const SPECS = {
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
function spec(format) {
    if (!types_TRANSCRIPT_FORMATS.includes(format)) {
        throw new errors/* ConfigError */.xL('E_FORMAT', `unknown transcript format "${String(format)}"; expected one of ${types_TRANSCRIPT_FORMATS.join(', ')}`);
    }
    return SPECS[format];
}
/** JSONL and text formats are streamed line by line; single-JSON formats must be parsed whole. */
function isLineOriented(format) {
    return spec(format).kind !== 'document';
}
/** Text formats (Markdown) are redacted as text; every other format is JSON. */
function isTextFormat(format) {
    return spec(format).kind === 'text';
}
/**
 * A format the user named, settled against the file: Gemini CLI wrote its session as JSONL and, in older
 * versions, as one pretty-printed `.json`; both are "gemini-session" to a user, but only the second must
 * be read whole.
 */
function refineFormat(format, head, fileName) {
    if (format === 'gemini-session' && detect_detectFormat(head, fileName) === 'gemini-session-json')
        return 'gemini-session-json';
    return format;
}
function createTranscriptReader(format, options) {
    const { agent, kind, handler } = spec(format);
    const builder = new TranscriptSummaryBuilder(format, agent, options);
    const h = handler(builder);
    if (kind === 'text')
        return new TextReader(builder, h);
    if (kind === 'document')
        return new DocumentReader(builder, h);
    return new JsonlReader(builder, h);
}
/**
 * Reads a whole transcript held in memory. Without a format it is detected from the head; a file that
 * matches no format is an E_FORMAT error, never an empty summary a gate could mistake for a clean run.
 */
function readTranscript(text, format, options) {
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
        }
        catch (error) {
            if (error instanceof ConfigError)
                throw error;
            // Not one document after all: fall through to line-by-line reading.
        }
    }
    let start = 0;
    while (start <= body.length) {
        let end = body.indexOf('\n', start);
        if (end === -1)
            end = body.length;
        const line = body.slice(start, end);
        if (!(end === body.length && line.length === 0))
            reader.pushLine(line);
        start = end + 1;
    }
    return reader.finish();
}

;// CONCATENATED MODULE: ../../packages/core/src/policy/glob.ts
/**
 * The one glob dialect of the policy file, so diff-scope, secrets allow-lists and tool rules agree on
 * what `src/**` means. Globs are anchored at the repository root: `*` and `?` stay within one path
 * segment, `**` as a whole segment spans any number of them (zero included), `[abc]`/`[!abc]` is one
 * character, `{a,b}` is either alternative. Dot files are not special: `src/**` covers `src/.env`,
 * because a protection that skipped dot files would skip `.claude/`.
 */
const cache = new Map();
const CACHE_LIMIT = 2000;
/** Why `glob` is not a usable path glob, or undefined when it is. */
function globProblem(glob) {
    if (glob.length === 0)
        return 'must not be empty';
    if (glob.includes('\0') || glob.includes('\\'))
        return 'must not contain a backslash or NUL (use / between folders)';
    if (glob.startsWith('/'))
        return 'must be relative to the repository root (no leading /)';
    const segments = stripDotSlash(glob).split('/');
    if (segments.some((s) => s === '..'))
        return 'must not contain a .. segment';
    if (segments.slice(0, -1).some((s) => s === ''))
        return 'must not contain an empty folder name (//)';
    let braces = 0;
    let inClass = false;
    let classBody = '';
    for (const ch of glob) {
        if (inClass) {
            if (ch === ']') {
                if (classBody === '' || classBody === '!' || classBody === '^')
                    return 'has an empty [...]';
                inClass = false;
            }
            else if (ch === '/')
                return 'must not have a / inside [...]';
            else
                classBody += ch;
            continue;
        }
        if (ch === '[') {
            inClass = true;
            classBody = '';
        }
        else if (ch === '{') {
            braces += 1;
            if (braces > 1)
                return 'must not nest {...} inside {...}';
        }
        else if (ch === '}') {
            braces -= 1;
            if (braces < 0)
                return 'has a } without a matching {';
        }
    }
    if (inClass)
        return 'has a [ without a matching ]';
    if (braces !== 0)
        return 'has a { without a matching }';
    return undefined;
}
function stripDotSlash(value) {
    let result = value;
    while (result.startsWith('./'))
        result = result.slice(2);
    return result;
}
function escapeRegExp(ch) {
    return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}
function translate(glob) {
    let out = '';
    let i = 0;
    while (i < glob.length) {
        const ch = glob[i];
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        if (ch === '*' && glob[i + 1] === '*' && atSegmentStart && (i + 2 === glob.length || glob[i + 2] === '/')) {
            if (i + 2 === glob.length) {
                out += '.*';
                i += 2;
            }
            else {
                out += '(?:[^/]*/)*';
                i += 3;
            }
            continue;
        }
        if (ch === '*') {
            while (glob[i + 1] === '*')
                i += 1;
            out += '[^/]*';
        }
        else if (ch === '?') {
            out += '[^/]';
        }
        else if (ch === '[') {
            const end = glob.indexOf(']', i + 1);
            let body = glob.slice(i + 1, end);
            const negate = body.startsWith('!') || body.startsWith('^');
            if (negate)
                body = body.slice(1);
            const escaped = body.replace(/[\\\]^]/g, (c) => `\\${c}`);
            out += negate ? `[^/${escaped}]` : `[${escaped}]`;
            i = end;
        }
        else if (ch === '{') {
            const end = glob.indexOf('}', i);
            const alternatives = glob.slice(i + 1, end).split(',');
            out += `(?:${alternatives.map(translate).join('|')})`;
            i = end;
        }
        else {
            out += escapeRegExp(ch);
        }
        i += 1;
    }
    return out;
}
/** The anchored RegExp for a glob. Throws a TypeError for a glob `globProblem` rejects. */
function glob_globToRegExp(glob) {
    const cached = cache.get(glob);
    if (cached)
        return cached;
    const problem = globProblem(glob);
    if (problem)
        throw new TypeError(`glob "${glob}" ${problem}`);
    let source = stripDotSlash(glob);
    // A trailing slash names a folder: everything inside it.
    if (source.endsWith('/'))
        source += '**';
    const regex = new RegExp(`^${translate(source)}$`, 's');
    if (cache.size >= CACHE_LIMIT)
        cache.clear();
    cache.set(glob, regex);
    return regex;
}
/**
 * Normalises a repository-relative path for matching: `./` and duplicate slashes removed, `a/../b`
 * resolved. Returns undefined for a path that leaves the repository or is absolute, which then
 * matches no glob (so it is never "allowed" by one).
 */
function normaliseRepoPath(file) {
    if (file.length === 0 || file.includes('\0') || file.startsWith('/'))
        return undefined;
    const parts = [];
    for (const segment of file.replace(/\\/g, '/').split('/')) {
        if (segment === '' || segment === '.')
            continue;
        if (segment === '..') {
            if (parts.length === 0)
                return undefined;
            parts.pop();
        }
        else {
            parts.push(segment);
        }
    }
    return parts.length === 0 ? undefined : parts.join('/');
}
/** True when the repository-relative `file` matches `glob`. An invalid glob matches nothing. */
function matchGlob(glob, file) {
    const normalised = normaliseRepoPath(file);
    if (normalised === undefined || globProblem(glob) !== undefined)
        return false;
    return glob_globToRegExp(glob).test(normalised);
}
/** True when `file` matches any of `globs`. */
function matchAnyGlob(globs, file) {
    return globs.some((glob) => matchGlob(glob, file));
}

;// CONCATENATED MODULE: ../../packages/core/src/policy/tools.ts

/** Tools whose specifier is a path glob (gitignore style, as in Claude Code). */
const FILE_TOOLS = new Set(['Read', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'NotebookRead', 'Glob', 'Grep', 'LS']);
const tools_SHELL_TOOLS = new Set(['Bash', 'BashOutput', 'Shell', 'shell', 'local_shell', 'exec_command', 'write_stdin', 'shell_command', 'container.exec']);
const PATTERN = /^([A-Za-z0-9_*][A-Za-z0-9_.*-]*)(?:\(([\s\S]*)\))?$/;
/**
 * Characters and sequences that make one shell command line run more than one command, or run a
 * command substitution, or redirect: a prefix rule cannot vouch for what follows them.
 */
const SHELL_CONTROL = /[;&|`<>\n\r\0]|\$\(|\$\{/;
/** Parses a rule, or returns the reason it is not one. */
function parseToolPattern(pattern) {
    const match = PATTERN.exec(pattern.trim());
    if (!match)
        return { error: 'is not a tool rule: write `Tool`, `Tool(specifier)` or an MCP tool name such as `mcp__github__*`' };
    const tool = match[1];
    const specifier = match[2];
    if (specifier === undefined)
        return { pattern: { tool } };
    if (tool.includes('*'))
        return { error: 'cannot combine a wildcard tool name with a (specifier)' };
    if (specifier.trim() === '')
        return { error: `has an empty specifier: write \`${tool}\` to match every ${tool} call` };
    if (specifier === '*')
        return { pattern: { tool, specifier } };
    if (tools_SHELL_TOOLS.has(tool)) {
        const body = specifier.endsWith(':*') ? specifier.slice(0, -2) : specifier;
        if (body.includes('*')) {
            return { error: 'may only use a wildcard as a trailing `:*` (prefix rule), for example `Bash(npm test:*)`' };
        }
        if (body.trim() === '')
            return { error: 'has an empty command before `:*`' };
    }
    else if (FILE_TOOLS.has(tool)) {
        const problem = pathRuleProblem(specifier);
        if (problem)
            return { error: `has a path glob that ${problem}` };
    }
    else if (tool === 'WebFetch') {
        if (!/^domain:(?:\*\.)?[A-Za-z0-9.-]+$/.test(specifier)) {
            return { error: 'must name a domain, for example `WebFetch(domain:example.com)`' };
        }
    }
    return { pattern: { tool, specifier } };
}
function pathRuleProblem(specifier) {
    if (specifier.startsWith('//') || specifier.startsWith('~/')) {
        return specifier.includes('\0') ? 'contains NUL' : undefined;
    }
    const relative = specifier.startsWith('/') ? specifier.slice(1) : specifier;
    return globProblem(relative);
}
/** True when `name` matches the tool part of a rule. */
function matchToolName(ruleTool, name) {
    if (ruleTool === '*')
        return true;
    if (ruleTool.includes('*')) {
        const source = ruleTool
            .split('*')
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*');
        return new RegExp(`^${source}$`).test(name);
    }
    // Claude Code: `mcp__server` approves every tool of that server.
    if (ruleTool.startsWith('mcp__') && ruleTool.split('__').length === 2) {
        return name === ruleTool || name.startsWith(`${ruleTool}__`);
    }
    return name === ruleTool;
}
/** True when the command line contains a shell control operator, substitution or redirection. */
function hasShellControl(command) {
    return SHELL_CONTROL.test(command);
}
function matchPrefix(prefix, command, strict) {
    if (strict && hasShellControl(command))
        return false;
    const wanted = prefix.trim();
    if (command === wanted)
        return true;
    // Word boundary: `npm test:*` covers `npm test --watch`, not `npm testify`.
    return command.startsWith(wanted) && /\s/.test(command.charAt(wanted.length));
}
function matchCommand(specifier, argument, strict) {
    const command = argument.trim();
    if (specifier.endsWith(':*'))
        return matchPrefix(specifier.slice(0, -2), command, strict);
    return command === specifier.trim();
}
function matchPathRule(specifier, argument) {
    if (argument.includes('\0'))
        return false;
    if (specifier.startsWith('//') || specifier.startsWith('~/')) {
        // Absolute (`//etc/**`) and home (`~/.ssh/**`) rules compare against the path as recorded.
        const literal = specifier.startsWith('//') ? specifier.slice(1) : specifier;
        const prefix = literal.startsWith('/') ? '/' : '~/';
        if (!argument.startsWith(prefix))
            return false;
        const rest = normaliseRepoPath(argument.slice(prefix.length));
        if (rest === undefined)
            return false;
        const glob = literal.slice(prefix.length);
        if (globProblem(glob) !== undefined)
            return false;
        return glob_globToRegExp(glob).test(rest);
    }
    if (argument.startsWith('/') || argument.startsWith('~'))
        return false;
    const file = normaliseRepoPath(argument);
    if (file === undefined)
        return false;
    let glob = specifier.replace(/^(?:\.\/)+/, '');
    // gitignore semantics, as Claude Code documents: `/x` and any glob with an inner slash are anchored
    // at the root, a bare name such as `.env` or `*.pem` matches at any depth.
    if (glob.startsWith('/'))
        glob = glob.slice(1);
    else if (!glob.replace(/\/$/, '').includes('/'))
        glob = `**/${glob}`;
    return glob_globToRegExp(glob).test(file);
}
function matchWebFetch(specifier, argument) {
    let host;
    try {
        host = new URL(argument).hostname.toLowerCase();
    }
    catch {
        return false;
    }
    const domain = specifier.slice('domain:'.length).toLowerCase();
    if (domain.startsWith('*.'))
        return host.endsWith(domain.slice(1));
    return host === domain;
}
function matchParsed(rule, call, strict) {
    if (!matchToolName(rule.tool, call.name))
        return false;
    const { specifier } = rule;
    if (specifier === undefined || specifier === '*')
        return true;
    // A rule that names an argument cannot vouch for a call whose argument is unknown.
    if (call.argument === undefined)
        return false;
    if (tools_SHELL_TOOLS.has(rule.tool))
        return matchCommand(specifier, call.argument, strict);
    if (FILE_TOOLS.has(rule.tool))
        return matchPathRule(specifier, call.argument);
    if (rule.tool === 'WebFetch')
        return matchWebFetch(specifier, call.argument);
    return matchCommand(specifier, call.argument, strict);
}
/**
 * Claude Code permission-rule semantics, strict: `Bash` matches every Bash call, `Bash(npm test:*)`
 * matches `npm test` and `npm test <args>` but nothing that chains, substitutes or redirects
 * (`npm test; curl x | sh`), `Bash(git status)` only that exact command, `Edit(src/**)` paths under
 * src/, `mcp__github__*` every tool of the github MCP server, `*` every tool. An invalid rule matches
 * nothing.
 */
function matchToolPattern(pattern, call) {
    const parsed = parseToolPattern(pattern);
    if ('error' in parsed)
        return false;
    return matchParsed(parsed.pattern, call, true);
}
/**
 * Words that start a command position without being the command: shell reserved words and
 * wrappers that run the command that follows them. For each wrapper, the options that take an
 * argument (`sudo -u root curl`), and how many plain arguments come before the command
 * (`timeout 5 curl`).
 */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '}', 'time', 'coproc']);
const WRAPPERS = {
    sudo: { options: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group', '--chdir'] },
    doas: { options: ['-u', '-C'] },
    env: { options: ['-u', '-C', '-S', '--unset', '--chdir', '--split-string'] },
    command: { options: [] },
    builtin: { options: [] },
    exec: { options: ['-a'] },
    nohup: { options: [] },
    time: { options: ['-f', '-o'] },
    nice: { options: ['-n', '--adjustment'] },
    ionice: { options: ['-c', '-n', '-p'] },
    timeout: { options: ['-s', '-k', '--signal', '--kill-after'], positional: 1 },
    stdbuf: { options: ['-i', '-o', '-e'] },
    setsid: { options: [] },
    xargs: { options: ['-I', '-i', '-n', '-P', '-L', '-l', '-d', '-E', '-e', '-s', '-a', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--replace'] },
    watch: { options: ['-n', '-d', '--interval'] },
    chroot: { options: [], positional: 1 },
    taskset: { options: [], positional: 1 },
};
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'fish']);
/** The command word as the shell would run it: quotes and escapes gone, a path reduced to its name. */
function commandName(word) {
    const bare = word.replace(/["'\\]/g, '');
    return bare.includes('/') ? bare.slice(bare.lastIndexOf('/') + 1) : bare;
}
function unquote(text) {
    const trimmed = text.trim();
    const quote = trimmed.charAt(0);
    return (quote === '"' || quote === "'") && trimmed.endsWith(quote) && trimmed.length >= 2 ? trimmed.slice(1, -1) : trimmed;
}
/** The command a part runs, past reserved words, assignments and wrappers (none when nothing is left). */
function commandOf(part, depth) {
    const words = part.split(/\s+/).filter((w) => w.length > 0);
    let i = 0;
    while (i < words.length) {
        const word = words[i];
        if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || RESERVED.has(word)) {
            i += 1;
            continue;
        }
        const name = commandName(word);
        const wrapper = WRAPPERS[name];
        if (!wrapper)
            break;
        i += 1;
        while (i < words.length && words[i].startsWith('-')) {
            const option = words[i];
            i += 1;
            if (option === '--')
                break;
            if (wrapper.options.includes(option))
                i += 1;
        }
        // env takes assignments before its command, as the shell does.
        while (name === 'env' && i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]))
            i += 1;
        i += wrapper.positional ?? 0;
    }
    if (i >= words.length)
        return [];
    const name = commandName(words[i]);
    const rest = words.slice(i + 1);
    // `bash -c '…'` and `eval '…'` run a command line of their own: split it too.
    if (depth < 3) {
        if (name === 'eval' && rest.length > 0)
            return [`eval ${rest.join(' ')}`, ...splitCommandLine(unquote(rest.join(' ')), depth + 1)];
        const dashC = rest.findIndex((w) => /^-[A-Za-z]*c[A-Za-z]*$/.test(w));
        if (SHELLS.has(name) && dashC >= 0 && dashC + 1 < rest.length) {
            return [[name, ...rest].join(' '), ...splitCommandLine(unquote(rest.slice(dashC + 1).join(' ')), depth + 1)];
        }
    }
    return [[name, ...rest].join(' ')];
}
function splitCommandLine(command, depth) {
    return command
        .split(/\|\||&&|[;&|\n\r`]|\$\(|[()]/)
        .flatMap((part) => commandOf(part.trim(), depth))
        .filter((part) => part.length > 0);
}
/**
 * Each simple command of a shell command line, best effort, for deny rules: split at control
 * operators, substitutions and groups, past reserved words (`then`, `do`, `!`, `{`) and wrappers
 * (`sudo -u root`, `env X=1`, `xargs -I{}`, `timeout 5`), and into `bash -c` / `eval` strings.
 */
function splitShellCommands(command) {
    return splitCommandLine(command, 0);
}
/**
 * True when a deny rule matches the call. Unlike allowing, denying must see through chaining, so a
 * command is denied when any of its parts matches: `Bash(curl:*)` denies `npm test && curl x`.
 */
function matchDeniedTool(pattern, call) {
    const parsed = parseToolPattern(pattern);
    if ('error' in parsed)
        return false;
    if (matchParsed(parsed.pattern, call, false))
        return true;
    if (!tools_SHELL_TOOLS.has(parsed.pattern.tool) || call.argument === undefined)
        return false;
    // A denied command is denied in every shell tool: `Bash(curl:*)` also stops Codex's `exec_command`
    // and a line typed into a running shell through `write_stdin`. Allowing stays per tool.
    if (!tools_SHELL_TOOLS.has(call.name) && !matchToolName(parsed.pattern.tool, call.name))
        return false;
    const rule = { ...parsed.pattern, tool: tools_SHELL_TOOLS.has(call.name) ? call.name : parsed.pattern.tool };
    return splitShellCommands(call.argument).some((part) => matchParsed(rule, { name: call.name, argument: part }, false));
}
/** Judges one call against the transcript section's `allowed-tools` and `denied-tools`. Deny wins. */
function judgeToolCall(rules, call) {
    const denied = rules.deniedTools.find((rule) => matchDeniedTool(rule, call));
    if (denied !== undefined)
        return { allowed: false, reason: 'denied', rule: denied };
    const allowed = rules.allowedTools.find((rule) => matchToolPattern(rule, call));
    if (allowed !== undefined)
        return { allowed: true, rule: allowed };
    return { allowed: false, reason: 'not-allowed' };
}

;// CONCATENATED MODULE: ../../packages/core/src/policy/models.ts
const models_cache = new Map();
function modelGlob(glob) {
    let re = models_cache.get(glob);
    if (!re) {
        re = new RegExp(`^${glob
            .split('*')
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*')}$`, 'is');
        if (models_cache.size < 1000)
            models_cache.set(glob, re);
    }
    return re;
}
/** The id and, for a provider-prefixed id, its last part: `openrouter/openai/gpt-5` is also `gpt-5`. */
function spellings(model) {
    const last = model.slice(model.lastIndexOf('/') + 1);
    return last && last !== model ? [model, last] : [model];
}
function matchModelGlob(glob, model) {
    const re = modelGlob(glob);
    return spellings(model).some((m) => re.test(m));
}
/**
 * A dated snapshot (`claude-sonnet-4-5-20250929`, `gpt-4o-2024-08-06`, Vertex's `…@20240620`, Bedrock's
 * `…-20240620-v1:0`) or a numbered Gemini version (`gemini-1.5-pro-002`); never an id that says `latest`.
 * Aliases such as `claude-sonnet-4-5` or `gpt-5-codex` move to new snapshots without notice.
 */
function isPinnedModel(model) {
    if (/latest/i.test(model))
        return false;
    if (/(?:^|[^0-9])20\d{2}-?(?:0[1-9]|1[0-2])-?(?:0[1-9]|[12]\d|3[01])(?![0-9])/.test(model))
        return true;
    return /-\d{3}$/.test(model);
}
function judgeModel(policy, model) {
    const pinned = isPinnedModel(model);
    const denied = policy.denied.find((glob) => matchModelGlob(glob, model));
    if (denied !== undefined)
        return { model, allowed: false, reason: 'denied', rule: denied, pinned };
    if (!policy.allowed.some((glob) => matchModelGlob(glob, model)))
        return { model, allowed: false, reason: 'not-allowed', pinned };
    return { model, allowed: true, pinned };
}
/** True when the section restricts which models may run (not just `allowed: ["*"]` with nothing denied). */
function restrictsModels(policy) {
    return policy.denied.length > 0 || !policy.allowed.includes('*');
}

// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(474);
;// CONCATENATED MODULE: ../../packages/core/src/capture/stream.ts


/**
 * Writes the stored transcript in batches, waiting when the disk is behind. It does not hash: the
 * chunk redactor takes the stored digest where it makes the bytes (see chunks.ts).
 */
class TranscriptWriter {
    stream;
    pieces = [];
    bytes = 0;
    constructor(file) {
        this.stream = (0,external_node_fs_.createWriteStream)(file);
    }
    write(data) {
        this.pieces.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    }
    /** Call between chunks: writes what is buffered and waits if the disk is behind. */
    async drain() {
        if (this.pieces.length === 0)
            return;
        const pieces = this.pieces;
        this.pieces = [];
        // Written piece by piece: gluing them first would copy every byte once more.
        let full = false;
        for (const piece of pieces) {
            this.bytes += piece.length;
            full = !this.stream.write(piece);
        }
        if (full)
            await (0,external_node_events_.once)(this.stream, 'drain');
    }
    async close() {
        await this.drain();
        this.stream.end();
        await (0,external_node_events_.once)(this.stream, 'finish');
    }
}

// EXTERNAL MODULE: ../../packages/core/src/capture/redact-file.ts + 2 modules
var redact_file = __webpack_require__(479);
;// CONCATENATED MODULE: ../../packages/core/src/gate/report.ts



/** `$id` of packages/core/schemas/gate-report.schema.json; every report names it in `schema`. */
const GATE_REPORT_SCHEMA_ID = 'https://github.com/agent-gates/agent-gates/packages/core/schemas/gate-report.schema.json';
/** What a report records of the loaded policy: `default` or the file and commit, its digest, and any floor. */
function report_reportPolicy(policy) {
    const source = policySource(policy);
    const floored = policy;
    return {
        source,
        digest: policy.digest,
        ...(floored.layers ? { layers: { floor: { ...floored.layers.floor }, local: { ...floored.layers.local } } } : {}),
        ...(floored.provenance ? { provenance: { ...floored.provenance } } : {}),
    };
}
/** Builds the envelope from the run context; the gate supplies what it judged and concluded. */
function gateReport(fields) {
    const c = fields.context;
    return {
        schema: GATE_REPORT_SCHEMA_ID,
        tool: fields.tool,
        repository: c.repository,
        run: { id: c.runId, attempt: c.runAttempt, job: c.job, workflow: c.workflow, workflowRef: c.workflowRef },
        event: c.eventName,
        sha: c.sha,
        actor: c.actor,
        ...(c.pullRequest ? { pullRequest: { number: c.pullRequest.number, baseSha: c.pullRequest.baseSha, headSha: c.pullRequest.headSha } } : {}),
        startedAt: fields.startedAt.toISOString(),
        finishedAt: fields.finishedAt.toISOString(),
        policy: fields.policy,
        verdict: fields.verdict,
        reasons: fields.reasons,
        subjects: fields.subjects,
        details: fields.details,
    };
}
/**
 * Envelope members that say when the run happened, not what it found. `report-digest` leaves them out,
 * so the same inputs give the same digest on every run (a router or an audit record comparing two runs
 * compares what they judged); the file keeps them for people.
 */
const RUN_TIME_FIELDS = ['startedAt', 'finishedAt'];
/** Each top-level member of a report as canonical JSON (RFC 8785), in canonical (UTF-16 code unit) order. */
function canonicalMembers(report) {
    return Object.entries(report)
        .filter(([, value]) => value !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => [key, `${JSON.stringify(key)}:${canonicalJson(value)}`]);
}
const joinMembers = (members) => `{${members.map(([, text]) => text).join(',')}}`;
const withoutRunTimes = (members) => members.filter(([key]) => !RUN_TIME_FIELDS.includes(key));
/**
 * `report-digest`: `sha256:<hex>` of the report's canonical JSON without its run times
 * (RUN_TIME_FIELDS). Anyone can recompute it from the parsed report file.
 */
function reportDigest(report) {
    return bytesDigest(joinMembers(withoutRunTimes(canonicalMembers(report))));
}
/**
 * True when `digest` binds the report file `bytes`: it is the report's digest (above), or the digest
 * of the bytes themselves, as reports written before run times were left out were bound.
 */
function reportDigestMatches(bytes, digest) {
    if (bytesDigest(bytes) === digest)
        return true;
    let value;
    try {
        value = JSON.parse(Buffer.from(bytes).toString('utf8'));
    }
    catch {
        return false;
    }
    return value !== null && typeof value === 'object' && !Array.isArray(value) && reportDigest(value) === digest;
}
/**
 * Writes a report as canonical JSON (RFC 8785) and returns its path and `report-digest` (the canonical
 * JSON without the run times): anyone can recompute the digest from the bytes or the parsed object.
 */
function writeGateReport(file, report) {
    const members = canonicalMembers(report);
    (0,external_node_fs_.mkdirSync)(external_node_path_default().dirname(file), { recursive: true });
    (0,external_node_fs_.writeFileSync)(file, joinMembers(members));
    return { path: file, digest: digest_bytesDigest(joinMembers(withoutRunTimes(members))) };
}
/** `sha256:<hex>` whatever spelling a service returned (`<hex>` or `sha256:<hex>`). */
function normaliseSha256(digest) {
    return `sha256:${digest.replace(/^sha256:/i, '').toLowerCase()}`;
}
/** Where the policy judging a run came from, as every report's `policy.source` names it: `default`, or the file and the commit. */
function policySource(policy) {
    if (policy.source === 'default')
        return policy.ref ? `default@${policy.ref}` : 'default';
    return `${policy.file ?? 'policy'}${policy.ref ? `@${policy.ref}` : ''}`;
}
/** The run fields a report records, copied from a wider context (action-kit's RunContext has more). */
function report_pickRunContext(context) {
    return {
        repository: context.repository,
        runId: context.runId,
        runAttempt: context.runAttempt,
        job: context.job,
        workflow: context.workflow,
        workflowRef: context.workflowRef,
        eventName: context.eventName,
        sha: context.sha,
        actor: context.actor,
        ...(context.pullRequest
            ? { pullRequest: { number: context.pullRequest.number, baseSha: context.pullRequest.baseSha, headSha: context.pullRequest.headSha } }
            : {}),
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/gate/verdict.ts
const VERDICTS = (/* unused pure expression or super */ null && (['pass', 'warn', 'fail']));
const FAIL_ON_VALUES = (/* unused pure expression or super */ null && (['fail', 'warn', 'never']));
const RANK = { pass: 0, warn: 1, fail: 2 };
/** The one aggregation rule: the worst verdict wins, and no verdicts at all is a pass. */
function worstVerdict(verdicts) {
    let worst = 'pass';
    for (const v of verdicts)
        if (RANK[v] > RANK[worst])
            worst = v;
    return worst;
}
/** Whether a gate with this verdict fails its step under the `fail-on` input. */
function failsStep(verdict, failOn) {
    if (failOn === 'never')
        return false;
    return RANK[verdict] >= RANK[failOn];
}

;// CONCATENATED MODULE: ../../packages/core/src/capture/evidence.ts
// What every capture leaves behind, read or opaque: the verdict from its reasons, summary.json,
// capture.json (the gate report), and the result the action turns into outputs. One writer, so a
// transcript we cannot read is recorded exactly as one we can.





/** The reasons secrets give, the same whether the transcript was read or only stored. */
function secretReasons(redactions, redact) {
    if (redactions === 0)
        return [];
    if (!redact)
        return [{ code: 'secret-unredacted', severity: 'fail', message: `${redactions} secret(s) found and redact is off: the transcript was not stored` }];
    return [
        {
            code: 'secret-redacted',
            severity: 'warn',
            message: `${redactions} secret(s) found in the transcript and redacted; rotate them, the agent's model provider has seen them`,
        },
    ];
}
function writeEvidence(e) {
    const { options, summary } = e;
    const verdict = worstVerdict(e.gateReasons.map((r) => r.severity));
    const reasons = e.gateReasons.map((r) => r.message);
    const summaryFile = external_node_path_default().join(options.outputDir, 'summary.json');
    const summaryRecord = {
        schema: 'https://agent-gates.dev/schemas/capture-summary/v1',
        ...summary,
        verdict,
        reasons,
        toolViolations: e.violations,
        toolViolationCount: e.violationCount,
        redactions: e.redactions,
        findings: e.findings,
    };
    const summaryText = `${JSON.stringify(summaryRecord, null, 2)}\n`;
    (0,external_node_fs_.writeFileSync)(summaryFile, summaryText);
    const summaryDigest = digest_bytesDigest(summaryText);
    const uploadable = options.redact || e.redactions === 0;
    // With redact off a transcript holding secrets is stored as it came; it must not stay where the
    // transcript-file output points, for a later step to upload or print.
    if (!uploadable)
        for (const file of [e.transcriptFile, ...e.subagents.map((a) => a.file)])
            (0,external_node_fs_.rmSync)(file, { force: true });
    const { toolName, toolVersion, ...runContext } = options.context;
    const captureRecord = {
        ...gateReport({
            tool: { name: toolName, version: toolVersion },
            context: runContext,
            startedAt: e.startedAt,
            finishedAt: (options.now ?? (() => new Date()))(),
            policy: options.policy,
            verdict,
            reasons: e.gateReasons,
            subjects: [
                { name: 'source', digest: e.sourceDigest },
                { name: `transcript/${e.storedName}`, digest: e.transcriptDigest },
                { name: 'summary.json', digest: summaryDigest },
            ],
            details: {
                format: e.format,
                agent: summary.agent,
                models: summary.models,
                turns: summary.turns,
                toolCalls: summary.toolCalls,
                toolViolations: e.violationCount,
                filesTouched: summary.filesTouched.length,
            },
        }),
        // capture's own members beside the envelope, where capture.json readers have always found them.
        transcript: {
            name: e.sourceName,
            storedAs: `transcript/${e.storedName}`,
            format: e.format,
            agent: summary.agent,
            sourceBytes: e.sourceBytes,
            sourceDigest: e.sourceDigest,
            storedBytes: e.storedBytes,
            transcriptDigest: e.transcriptDigest,
            redacted: options.redact,
            redactions: e.redactions,
            ...(e.subagents.length > 0 ? { subagents: e.subagents.map(({ file: _file, ...rest }) => rest) } : {}),
        },
        summaryDigest: summaryDigest,
    };
    const report = writeGateReport(external_node_path_default().join(options.outputDir, 'capture.json'), captureRecord);
    return {
        verdict,
        reasons,
        gateReasons: e.gateReasons,
        format: e.format,
        summary,
        filesTouched: summary.filesTouched,
        outsideWorkspace: summary.outsideWorkspace ?? [],
        violations: e.violations,
        findings: e.findings,
        redactions: e.redactions,
        sourceDigest: e.sourceDigest,
        transcriptDigest: e.transcriptDigest,
        summaryDigest,
        captureDigest: report.digest,
        transcriptFile: e.transcriptFile,
        subagentFiles: e.subagents.map((a) => a.file),
        summaryFile,
        captureFile: report.path,
        uploadable,
        redactedOnWorker: e.redactedOnWorker,
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/capture/opaque.ts




const MAX_FINDINGS_KEPT = 10_000;
/**
 * A transcript in no format we read, kept anyway (storeUnknown): redacted as text line by line,
 * both digests taken, stored and reported as `format: unknown`. It is never a pass: nothing in it
 * was read, so no tool call, model or file was judged.
 */
async function captureOpaque(run) {
    const { options, transcriptFile, storedName } = run;
    const sourceName = external_node_path_default().basename(options.source);
    const findings = [];
    let redactions = 0;
    let invalidLines = 0;
    const writer = new TranscriptWriter(transcriptFile);
    const digests = await (0,redact_file/* redactFile */.i)({
        file: options.source,
        redaction: { engine: run.engineOptions, kind: 'text', redact: options.redact },
        engine: run.engine,
        onResult: async (result) => {
            writer.write(result.bytes);
            invalidLines += result.invalidLines;
            for (const f of result.found) {
                redactions += 1;
                if (findings.length < MAX_FINDINGS_KEPT)
                    findings.push({ ruleId: f.ruleId, fingerprint: f.fingerprint, line: f.line });
                options.onSecret?.(f.value);
            }
            await writer.drain();
        },
    });
    await writer.close();
    const sourceDigest = `sha256:${digests.sha256}`;
    const transcriptDigest = `sha256:${digests.storedSha256}`;
    const gateReasons = [
        {
            code: 'format-unknown',
            severity: 'warn',
            message: `transcript ${sourceName} matches no supported format: it was stored redacted line by line but not read, so no tool call or model was judged`,
        },
    ];
    gateReasons.push(...secretReasons(redactions, options.redact));
    if (invalidLines > 0)
        gateReasons.push({ code: 'invalid-utf8', severity: 'warn', message: `${invalidLines} line(s) are not valid UTF-8` });
    // Nothing was read: a summary with no counts, which says so by its format.
    const summary = {
        format: 'unknown',
        agent: 'unknown',
        models: [],
        turns: 0,
        toolCalls: 0,
        tools: {},
        filesTouched: [],
        records: 0,
        skippedRecords: 0,
        badLines: 0,
        conversation: [],
    };
    return writeEvidence({
        options,
        startedAt: run.startedAt,
        format: 'unknown',
        summary,
        gateReasons,
        violations: [],
        violationCount: 0,
        redactions,
        findings,
        sourceName,
        storedName,
        transcriptFile,
        sourceBytes: run.size,
        sourceDigest,
        storedBytes: writer.bytes,
        transcriptDigest,
        subagents: [],
        redactedOnWorker: false,
    });
}

// EXTERNAL MODULE: ../../packages/core/src/secrets/json-literals.ts
var json_literals = __webpack_require__(77);
// EXTERNAL MODULE: ../../packages/core/src/secrets/learned-values.ts
var learned_values = __webpack_require__(802);
// EXTERNAL MODULE: ../../packages/core/src/secrets/spans.ts
var spans = __webpack_require__(345);
;// CONCATENATED MODULE: ../../packages/core/src/capture/learned-pass.ts
// The second pass over a stored line-oriented transcript: a value the stream learned was secret is
// redacted in the lines it passed before it learned it (the lines after were redacted as they came).






const NEWLINE = 10;
/** A searcher for every spelling learned, or null when nothing was learned (then no pass runs). */
function learnedSearcher(learned) {
    if (learned.length === 0)
        return null;
    const unique = new Map();
    for (const s of learned)
        if (!unique.has(s.text))
            unique.set(s.text, s);
    return { values: learned_values/* LearnedValues */.k.of([...unique.values()]), fingerprints: new Map([...unique.values()].map((s) => [`${s.ruleId}\0${s.text}`, s.fingerprint])) };
}
const oddBackslashesBefore = (text, at) => {
    let n = 0;
    while (at - n - 1 >= 0 && text.charCodeAt(at - n - 1) === 92)
        n += 1;
    return n % 2 === 1;
};
/**
 * In a JSON line only hits that lie inside one string literal, start outside an escape and do not end
 * inside one are kept: anywhere else a marker could change the line's structure. Learned values are
 * printable ASCII, so a hit never splits a UTF-8 sequence.
 */
function jsonSafe(line, hits) {
    // The engine's lexer, a loop: a regex over a literal of megabytes overflows the stack.
    const literals = (0,json_literals/* lexLiterals */.wm)(line);
    return hits.filter((h) => {
        const inside = literals.some((lit) => h.start > lit.start && h.end < lit.end);
        return inside && !oddBackslashesBefore(line, h.start) && !oddBackslashesBefore(line, h.end);
    });
}
/** Redacts one line (one character per byte, without its ending); the same text when nothing is in it. */
function redactLine(line, values, json) {
    if (!values.holds(line))
        return { text: line, hits: [] };
    let hits = (0,spans/* mergeHits */.vT)(values.hits(line));
    if (json)
        hits = jsonSafe(line, hits);
    if (hits.length === 0)
        return { text: line, hits };
    const text = (0,spans/* applyMarkers */.gw)(line, hits);
    // A line that was JSON stays JSON: if a marker broke it after all, the line is kept as it was.
    if (json && (0,json_literals/* parsesAsJson */.RL)(line) && !(0,json_literals/* parsesAsJson */.RL)(text))
        return { text: line, hits: [] };
    return { text, hits };
}
/**
 * Rewrites `file` with every occurrence of the learned values redacted, streaming it line by line into
 * a temporary file beside it that then replaces it: memory stays bounded by the longest line. Bytes
 * outside the redacted spans are kept exactly, line endings included.
 */
async function redactLearned(file, searcher, kind) {
    // The stream redacted every value in the lines after it was learned; only an earlier occurrence is
    // left, and usually there is none. Looked for first without writing: rewriting and hashing a large
    // transcript again cost a second on the capture thread for nothing. Null: the file stays as stored.
    if (!(await holdsAny(file, searcher, kind)))
        return null;
    const temporary = `${file}.${(0,external_node_crypto_.randomBytes)(6).toString('hex')}.tmp`;
    const writer = new TranscriptWriter(temporary);
    const hash = (0,external_node_crypto_.createHash)('sha256');
    const found = [];
    let lineNumber = 0;
    let carry = [];
    let first = true;
    const emit = (raw) => {
        lineNumber += 1;
        let body = raw;
        let bom = 0;
        // The byte order mark is stored, but it is not part of the first record.
        if (first && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf)
            bom = 3;
        first = false;
        let end = body.length;
        if (end > 0 && body[end - 1] === NEWLINE)
            end -= 1;
        if (end > bom && body[end - 1] === 13)
            end -= 1;
        // Most lines hold none of the values: the automata look at the bytes before a line is decoded.
        if (!searcher.values.mayHoldBytes(body.subarray(bom, end))) {
            hash.update(body);
            writer.write(body);
            return;
        }
        const line = body.toString('latin1', bom, end);
        const out = redactLine(line, searcher.values, kind === 'json');
        if (out.hits.length > 0) {
            body = Buffer.concat([raw.subarray(0, bom), Buffer.from(out.text, 'latin1'), raw.subarray(end)]);
            for (const h of out.hits) {
                const fingerprint = searcher.fingerprints.get(`${h.ruleId}\0${line.slice(h.start, h.end)}`) ?? '';
                found.push({ ruleId: h.ruleId, fingerprint, line: lineNumber });
            }
        }
        hash.update(body);
        writer.write(body);
    };
    try {
        for await (const chunk of (0,external_node_fs_.createReadStream)(file)) {
            let start = 0;
            for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
                const piece = chunk.subarray(start, nl + 1);
                emit(carry.length ? Buffer.concat([...carry, piece]) : piece);
                carry = [];
                start = nl + 1;
            }
            // Copied: a view would keep the whole chunk alive.
            if (start < chunk.length)
                carry.push(Buffer.from(chunk.subarray(start)));
            await writer.drain();
        }
        if (carry.length)
            emit(Buffer.concat(carry));
        await writer.close();
    }
    catch (error) {
        (0,external_node_fs_.rmSync)(temporary, { force: true });
        throw error;
    }
    (0,external_node_fs_.renameSync)(temporary, file);
    return { sha256: hash.digest('hex'), bytes: writer.bytes, found };
}
/** True when some line of `file` holds a learned value that redactLine would redact. */
async function holdsAny(file, searcher, kind) {
    let carry = [];
    let first = true;
    const holds = (raw) => {
        let bom = 0;
        if (first && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf)
            bom = 3;
        first = false;
        let end = raw.length;
        if (end > 0 && raw[end - 1] === NEWLINE)
            end -= 1;
        if (end > bom && raw[end - 1] === 13)
            end -= 1;
        if (!searcher.values.mayHoldBytes(raw.subarray(bom, end)))
            return false;
        return redactLine(raw.toString('latin1', bom, end), searcher.values, kind === 'json').hits.length > 0;
    };
    const stream = (0,external_node_fs_.createReadStream)(file);
    try {
        for await (const chunk of stream) {
            let start = 0;
            for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
                const piece = chunk.subarray(start, nl + 1);
                if (holds(carry.length ? Buffer.concat([...carry, piece]) : piece))
                    return true;
                carry = [];
                start = nl + 1;
            }
            if (start < chunk.length)
                carry.push(Buffer.from(chunk.subarray(start)));
        }
        return carry.length > 0 && holds(Buffer.concat(carry));
    }
    finally {
        stream.destroy();
    }
}
/** `value` with every learned value redacted in each string it holds (the summary's excerpts, paths, arguments). */
function withoutLearned(value, searcher) {
    const scrub = (v) => {
        if (typeof v === 'string')
            return searcher.values.holds(v) ? (0,spans/* applyMarkers */.gw)(v, (0,spans/* mergeHits */.vT)(searcher.values.hits(v))) : v;
        if (Array.isArray(v))
            return v.map(scrub);
        if (v && typeof v === 'object')
            return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
        return v;
    };
    return scrub(value);
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(161);
;// CONCATENATED MODULE: ../../packages/core/src/capture/resolve.ts








const GLOB_CHARS = /[*?[\]{}]/;
/**
 * Resolves the `path` input to exactly one regular file. A glob that matches nothing or several
 * files is the user's mistake: guessing which transcript to judge would judge the wrong one.
 */
function resolveTranscriptPath(input, workspace) {
    const absolute = path.resolve(workspace, input);
    if (!GLOB_CHARS.test(input)) {
        if (!existsSync(absolute))
            throw new ConfigError('E_NOT_FOUND', `input "path": no file at ${input}`);
        if (!statSync(absolute).isFile())
            throw new ConfigError('E_INPUT', `input "path": ${input} is not a regular file`);
        return absolute;
    }
    const posix = absolute.split(path.sep).join('/');
    const firstGlob = posix.search(GLOB_CHARS);
    const baseDir = posix.slice(0, posix.lastIndexOf('/', firstGlob)) || '/';
    let pattern;
    try {
        pattern = globToRegExp(posix.slice(baseDir.length).replace(/^\/+/, ''));
    }
    catch (error) {
        throw new ConfigError('E_INPUT', `input "path": ${error instanceof Error ? error.message : 'invalid glob'}`);
    }
    const matches = [];
    const walk = (dir, depth) => {
        if (depth > 32 || matches.length > 100)
            return;
        let entries;
        try {
            entries = readdirSync(dir, { withFileTypes: true });
        }
        catch {
            return;
        }
        for (const entry of entries) {
            const full = `${dir === '/' ? '' : dir}/${entry.name}`;
            if (entry.isDirectory()) {
                if (entry.name !== '.git' && entry.name !== 'node_modules')
                    walk(full, depth + 1);
            }
            else if (entry.isFile() && pattern.test(full.slice(baseDir.length).replace(/^\/+/, '')))
                matches.push(full);
        }
    };
    walk(baseDir, 0);
    if (matches.length === 0)
        throw new ConfigError('E_NOT_FOUND', `input "path": the glob ${input} matches no file`);
    if (matches.length > 1) {
        throw new ConfigError('E_INPUT', `input "path": the glob ${input} matches ${matches.length > 100 ? 'over 100' : matches.length} files; it must match exactly one`);
    }
    return matches[0];
}
/** `agent-transcript-<job>-<run id>-<attempt>`: unique per attempt, so a re-run never collides with the first. */
function defaultArtifactName(context) {
    return `agent-transcript-${context.job || 'job'}-${context.runId || 'local'}-${context.runAttempt || '1'}`;
}
/**
 * Every decision that joins the action's inputs with the policy's transcript section. Inputs
 * override single values (resolveSetting); the two exceptions are deliberate: either side can turn
 * redaction off (a secret then fails the gate and nothing is uploaded), and redact patterns add up,
 * because an input must not be able to drop a pattern the policy requires.
 */
function planCapture(inputs, run) {
    const transcript = run.policy.policy.transcript;
    const { context } = run;
    const source = resolveTranscriptPath(inputs.path, context.workspace);
    const options = {
        source,
        workspace: context.workspace,
        format: inputs.format,
        // A user who asked never to fail the step wants the record kept even when it cannot be read;
        // anyone else gets E_FORMAT, since a gate that read nothing must not look like one that passed.
        storeUnknown: run.failOn === 'never',
        redact: inputs.redact && transcript.redact,
        maskValues: inputs.maskValues,
        redactPatterns: [...inputs.redactPatterns, ...transcript.redactPatterns],
        allowedTools: resolveSetting(inputs.allowedTools, transcript.allowedTools),
        deniedTools: transcript.deniedTools,
        // The policy's secrets section governs the transcript too, and its models section judges the models it names.
        secrets: run.policy.policy.secrets,
        models: run.policy.policy.models,
        outputDir: path.join(context.runnerTemp || os.tmpdir(), 'agent-gates', 'capture-transcript', randomUUID()),
        maxBytes: transcript.maxBytes,
        allowWritesOutsideWorkspace: transcript.allowOutsideWorkspace,
        ...(run.workerEntry ? { workerEntry: run.workerEntry } : {}),
        ...(run.fingerprintKey ? { fingerprintKey: run.fingerprintKey } : {}),
        policy: reportPolicy(run.policy),
        context: { ...pickRunContext(context), toolName: run.tool.name, toolVersion: run.tool.version },
    };
    const upload = inputs.upload
        ? { name: resolveSetting(inputs.artifactName, defaultArtifactName(context)), retentionDays: resolveSetting(inputs.retentionDays, transcript.retentionDays) }
        : undefined;
    return { options, upload };
}
/**
 * What to upload once the capture is done: the evidence files (the transcript with its subagents' files, summary.json, capture.json), unless upload is off, or a
 * secret was found with redaction off, in which case the file must not leave the runner and
 * `skipped` says why.
 */
function captureUpload(plan, result) {
    if (!plan.upload)
        return undefined;
    if (!result.uploadable)
        return { skipped: 'The transcript holds secrets and redact is false: it was not uploaded.' };
    return {
        ...plan.upload,
        files: [result.transcriptFile, ...result.subagentFiles, result.summaryFile, result.captureFile],
        rootDirectory: plan.options.outputDir,
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/capture/index.ts








// Straight from tools.js: the policy index also reaches the YAML loader, which the worker bundle must not carry.








const HEAD_BYTES = 64 * 1024;
/**
 * From this size a transcript is captured on worker threads (when a worker entry is given); below
 * it a second thread costs more to start than it saves. The one threshold for both decisions.
 */
const WORKER_MIN_BYTES = 8 * 1024 * 1024;
const capture_MAX_FINDINGS_KEPT = 10_000;
const DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;
const MAX_VIOLATIONS_KEPT = 1000;
/** Calls `fn` for each line of `text` (endings `\n` or `\r\n`; the last line may have none). */
function forEachTextLine(text, fn) {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        fn(text.slice(start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl));
        start = nl + 1;
    }
    if (start < text.length)
        fn(text.slice(start));
}
/** The same over stored UTF-8 bytes, each line as one character per byte (see byteText). */
function forEachByteLine(bytes, fn) {
    let start = 0;
    for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
        fn(bytes.toString('latin1', start, nl > start && bytes[nl - 1] === 13 ? nl - 1 : nl));
        start = nl + 1;
    }
    if (start < bytes.length)
        fn(bytes.toString('latin1', start, bytes.length));
}
/** At most this many model ids are named in one reason; a hostile transcript may hold thousands. */
const MODELS_NAMED = 5;
/** Model ids come from the transcript: quoted (newlines escaped) and cut short before they reach a reason. */
const quoteModel = (model) => JSON.stringify(model.length > 100 ? `${model.slice(0, 100)}…` : model);
function listModels(models) {
    const named = models.slice(0, MODELS_NAMED).map(quoteModel).join(', ');
    return models.length > MODELS_NAMED ? `${named} and ${models.length - MODELS_NAMED} more` : named;
}
/**
 * The policy's `models` section against the models the transcript names: a denied model, or one no
 * `allowed` glob matches, fails; an alias under `require-pinned` warns (the record cannot say which
 * snapshot wrote the change). A transcript naming no model passes this check unless the policy restricts
 * models, where it warns: nothing shows the restriction held.
 */
function judgeModels(policy, models, raise) {
    if (models.length === 0) {
        if (restrictsModels(policy))
            raise('warn', "the transcript names no model, so the policy's models.allowed and models.denied could not be checked");
        return;
    }
    const denied = [];
    const notAllowed = [];
    const unpinned = [];
    for (const model of models) {
        const judgement = judgeModel(policy, model);
        if (judgement.reason === 'denied')
            denied.push(model);
        else if (judgement.reason === 'not-allowed')
            notAllowed.push(model);
        if (policy.requirePinned && !isPinnedModel(model))
            unpinned.push(model);
    }
    if (denied.length)
        raise('fail', `model(s) denied by the policy's models.denied: ${listModels(denied)}`);
    if (notAllowed.length)
        raise('fail', `model(s) not in the policy's models.allowed: ${listModels(notAllowed)}`);
    if (unpinned.length)
        raise('warn', `model(s) not pinned to a dated snapshot while models.require-pinned is on: ${listModels(unpinned)}`);
}
/**
 * Claude Code keeps a session's subagents in `<session>/subagents/agent-<id>.jsonl` beside
 * `<session>.jsonl`; a capture of the session is not whole without them.
 */
function subagentFiles(source) {
    if (!source.endsWith('.jsonl'))
        return [];
    const folder = external_node_path_default().join(source.slice(0, -'.jsonl'.length), 'subagents');
    let names;
    try {
        names = (0,external_node_fs_.readdirSync)(folder);
    }
    catch {
        return [];
    }
    return (names
        .filter((name) => /^agent-[^/]+\.jsonl$/.test(name))
        .sort()
        .map((name) => external_node_path_default().join(folder, name))
        // Found, not named by the user: a symbolic link could point anywhere on the runner, and what
        // is read here is uploaded.
        .filter((file) => {
        try {
            return (0,external_node_fs_.lstatSync)(file).isFile();
        }
        catch {
            return false;
        }
    }));
}
/** Reads the start of a file for format detection without loading the rest. */
async function headOf(file) {
    const handle = await (0,promises_.open)(file, 'r');
    try {
        const buffer = Buffer.alloc(HEAD_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
        let text = buffer.subarray(0, bytesRead).toString('utf8');
        if (text.charCodeAt(0) === 0xfeff)
            text = text.slice(1);
        return text;
    }
    finally {
        await handle.close();
    }
}
/**
 * capture-transcript's whole judgement, runtime-free: detect, redact while streaming, summarise
 * what was stored (never the unredacted text), check tool use, and write the three files that
 * make the evidence: the redacted transcript in its own format, summary.json and capture.json.
 */
async function captureTranscript(options) {
    const startedAt = (options.now ?? (() => new Date()))();
    const sourceName = external_node_path_default().basename(options.source);
    // Built first: a bad redact pattern is the user's mistake whatever the transcript holds. One
    // engine serves both paths: byteText only adds byte spellings of the mask values.
    const engineOptions = {
        fingerprintKey: options.fingerprintKey ?? (0,external_node_crypto_.randomBytes)(32).toString('hex'),
        values: [...options.maskValues],
        patterns: [...options.redactPatterns, ...(options.secrets?.patterns ?? []).map((p) => ({ id: p.id, regex: p.regex }))],
        disabledRules: [...(options.secrets?.disabledRules ?? [])],
        allow: (options.secrets?.allow ?? []).map((a) => ({
            ...(a.regex !== undefined ? { regex: a.regex } : {}),
            ...(a.rules ? { rules: [...a.rules] } : {}),
            ...(a.paths ? { paths: [...a.paths] } : {}),
        })),
        byteText: true,
    };
    const engine = (0,secrets/* createSecretEngine */.T0)(engineOptions);
    // An invalid rule matches nothing: silently kept, a typo would turn an allow-list into deny-all or
    // a deny rule into nothing. The policy's rules are checked when it loads; these are the input's.
    for (const [input, list] of [
        ['allowed-tools', options.allowedTools],
        ['denied-tools', options.deniedTools],
    ]) {
        for (const rule of list) {
            const parsed = parseToolPattern(rule);
            if ('error' in parsed)
                throw new errors/* ConfigError */.xL('E_INPUT', `input "${input}": rule ${JSON.stringify(rule.length > 120 ? `${rule.slice(0, 120)}…` : rule)} ${parsed.error}`);
        }
    }
    const size = (0,external_node_fs_.statSync)(options.source).size;
    if (size === 0)
        throw new errors/* ConfigError */.xL('E_FORMAT', `transcript ${sourceName} is empty`);
    if (options.maxBytes !== undefined && size > options.maxBytes) {
        throw new errors/* ConfigError */.xL('E_TOO_LARGE', `transcript ${sourceName} is ${size} bytes, over the policy's transcript.max-bytes (${options.maxBytes})`);
    }
    const head = await headOf(options.source);
    (0,external_node_fs_.mkdirSync)(options.outputDir, { recursive: true });
    // The transcript keeps its own name under transcript/, so it can never collide with summary.json.
    (0,external_node_fs_.mkdirSync)(external_node_path_default().join(options.outputDir, 'transcript'), { recursive: true });
    // Stored without leading dots: the artifact service refuses hidden names such as Aider's
    // `.aider.chat.history.md` (capture.json keeps the original name).
    const storedName = sourceName.replace(/^\.+/, '') || 'transcript';
    const transcriptFile = external_node_path_default().join(options.outputDir, 'transcript', storedName);
    let format;
    if (options.format === 'auto') {
        const detected = detect_detectFormat(head, sourceName);
        // Kept unread when asked: an auditor still has the (redacted) record of a session we cannot parse.
        if (!detected && options.storeUnknown)
            return captureOpaque({ options, engineOptions, engine, size, startedAt, storedName, transcriptFile });
        if (!detected) {
            throw new errors/* ConfigError */.xL('E_FORMAT', `transcript ${sourceName} matches no supported format (${types_TRANSCRIPT_FORMATS.join(', ')})`);
        }
        format = detected;
    }
    else {
        if (!types_TRANSCRIPT_FORMATS.includes(options.format)) {
            throw new errors/* ConfigError */.xL('E_INPUT', `input "format" must be auto or one of ${types_TRANSCRIPT_FORMATS.join(', ')}`);
        }
        format = refineFormat(options.format, head, sourceName);
    }
    const rules = { allowedTools: options.allowedTools, deniedTools: options.deniedTools };
    const violations = [];
    let violationCount = 0;
    const byteText = isLineOriented(format);
    const reader = createTranscriptReader(format, {
        byteText,
        onToolCall(call) {
            // Permission patterns such as Edit(src/**) are written relative to the repository, while
            // agents record absolute paths: judge the path as the pattern's author meant it.
            const argument = call.filePaths.length > 0 && call.argument && external_node_path_default().isAbsolute(call.argument)
                ? filesRelativeToWorkspace([call.argument], { workspace: options.workspace })[0]
                : call.argument;
            const judged = { name: call.name, ...(argument !== undefined ? { argument } : {}) };
            const judgement = judgeToolCall(rules, judged);
            // A call whose record names two different commands is never allowed: either may have run.
            if (judgement.allowed && call.ambiguous === undefined)
                return;
            const rule = judgement.allowed ? `ambiguous: ${call.ambiguous}` : judgement.reason === 'denied' ? `denied by ${judgement.rule}` : 'not in allowed-tools';
            violationCount += 1;
            if (violations.length < MAX_VIOLATIONS_KEPT) {
                violations.push({ tool: call.name, ...(argument ? { argument: withoutUserNames(argument) } : {}), rule, record: call.recordIndex });
            }
        },
    });
    const findings = [];
    let redactions = 0;
    const notes = [];
    const noteFindings = (list, baseLine, original) => {
        for (const f of list) {
            redactions += 1;
            if (findings.length < capture_MAX_FINDINGS_KEPT)
                findings.push({ ruleId: f.ruleId, fingerprint: f.fingerprint, line: baseLine + f.line - 1 });
            if (options.onSecret && f.end <= original.length)
                options.onSecret(original.slice(f.start, f.end));
        }
    };
    let sourceDigest;
    let transcriptDigest;
    let storedBytes;
    let redactedOnWorker = false;
    const subagents = [];
    /** Values the redaction streams decided were secret: redacted again, everywhere, once every file is stored. */
    const learned = [];
    if (isLineOriented(format)) {
        let invalidLines = 0;
        const storeLines = async (file, stored, onWorker) => {
            const writer = new TranscriptWriter(stored);
            const digests = await (0,redact_file/* redactFile */.i)({
                file,
                redaction: { engine: engineOptions, kind: isTextFormat(format) ? 'text' : 'json', redact: options.redact },
                ...(onWorker && options.workerEntry ? { workerEntry: options.workerEntry } : { engine }),
                onResult: async (result) => {
                    writer.write(result.bytes);
                    invalidLines += result.invalidLines;
                    if (result.learned)
                        learned.push(...result.learned);
                    for (const f of result.found) {
                        redactions += 1;
                        if (findings.length < capture_MAX_FINDINGS_KEPT)
                            findings.push({ ruleId: f.ruleId, fingerprint: f.fingerprint, line: f.line });
                        options.onSecret?.(f.value);
                    }
                    // The reader sees redacted text only, so nothing it keeps for the summary can hold a secret.
                    if (result.redactedText !== undefined)
                        forEachTextLine(Buffer.from(result.redactedText, 'utf8').toString('latin1'), (line) => reader.pushLine(line));
                    // Lines go to the reader as bytes (Latin-1): it turns what it keeps back into text.
                    else {
                        const bytes = Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength);
                        // The byte order mark is stored, but it is not part of the first record.
                        forEachByteLine(result.byteOrderMark ? bytes.subarray(3) : bytes, (line) => reader.pushLine(line));
                    }
                    await writer.drain();
                },
            });
            await writer.close();
            // The stored digest is taken where the stored bytes were made (the redaction thread); the writer wrote exactly those.
            return { ...digests, storedBytes: writer.bytes };
        };
        redactedOnWorker = Boolean(options.workerEntry && size >= WORKER_MIN_BYTES);
        const source = await storeLines(options.source, transcriptFile, redactedOnWorker);
        sourceDigest = `sha256:${source.sha256}`;
        transcriptDigest = `sha256:${source.storedSha256}`;
        storedBytes = source.storedBytes;
        // A subagent's own file is as much the agent's record as the session's: judged, redacted and stored beside it.
        if (format === 'claude-session') {
            let total = size;
            for (const agent of subagentFiles(options.source)) {
                total += (0,external_node_fs_.statSync)(agent).size;
                if (options.maxBytes !== undefined && total > options.maxBytes) {
                    throw new errors/* ConfigError */.xL('E_TOO_LARGE', `transcript ${sourceName} with its subagent files is over ${total} bytes, over the policy's transcript.max-bytes (${options.maxBytes})`);
                }
                const storedAs = external_node_path_default().posix.join('transcript', external_node_path_default().basename(external_node_path_default().dirname(external_node_path_default().dirname(agent))), 'subagents', external_node_path_default().basename(agent));
                const stored = external_node_path_default().join(options.outputDir, storedAs);
                (0,external_node_fs_.mkdirSync)(external_node_path_default().dirname(stored), { recursive: true });
                const digests = await storeLines(agent, stored, Boolean(options.workerEntry && (0,external_node_fs_.statSync)(agent).size >= WORKER_MIN_BYTES));
                subagents.push({
                    name: external_node_path_default().basename(agent),
                    storedAs,
                    sourceDigest: `sha256:${digests.sha256}`,
                    transcriptDigest: `sha256:${digests.storedSha256}`,
                    file: stored,
                });
            }
        }
        // A stream redacts a value it learned in the lines after, not in those it had passed: a second pass,
        // only when something was learned, redacts it everywhere in every stored file (with redact off
        // nothing is stored once a secret is found, see `uploadable`).
        const searcher = learnedSearcher(learned);
        if (searcher && options.redact) {
            const kind = isTextFormat(format) ? 'text' : 'json';
            // A file the pass leaves as it was (null) keeps the digest and size taken when it was stored.
            const pass = await redactLearned(transcriptFile, searcher, kind);
            const passes = [];
            if (pass) {
                transcriptDigest = `sha256:${pass.sha256}`;
                storedBytes = pass.bytes;
                passes.push(pass);
            }
            for (const agent of subagents) {
                const again = await redactLearned(agent.file, searcher, kind);
                if (!again)
                    continue;
                agent.transcriptDigest = `sha256:${again.sha256}`;
                passes.push(again);
            }
            for (const f of passes.flatMap((p) => p.found)) {
                redactions += 1;
                if (findings.length < capture_MAX_FINDINGS_KEPT)
                    findings.push(f);
            }
        }
        // A transcript is UTF-8 text; bytes that are not may be corruption or an attempt to hide text.
        if (invalidLines > 0)
            notes.push(`${invalidLines} line(s) are not valid UTF-8`);
    }
    else {
        const limit = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
        if (size > limit) {
            throw new errors/* ConfigError */.xL('E_TOO_LARGE', `transcript ${sourceName} is ${size} bytes; a ${format} file is read whole and the limit is ${limit}`);
        }
        const bytes = (0,external_node_fs_.readFileSync)(options.source);
        sourceDigest = digest_bytesDigest(bytes);
        let text = bytes.toString('utf8');
        if (text.charCodeAt(0) === 0xfeff)
            text = text.slice(1);
        const result = engine.redactJson(text);
        noteFindings(result.findings, 1, text);
        let document;
        try {
            document = JSON.parse(result.text);
        }
        catch {
            throw new errors/* ConfigError */.xL('E_FORMAT', `transcript ${sourceName} is not valid JSON (a ${format} file is one JSON document); it may be truncated`);
        }
        reader.pushDocument(document);
        const stored = options.redact ? result.text : text;
        (0,external_node_fs_.writeFileSync)(transcriptFile, stored);
        storedBytes = Buffer.byteLength(stored);
        transcriptDigest = digest_bytesDigest(stored);
    }
    const read = reader.finish();
    // A forced format that understood none of the records read nothing, exactly like a failed detection.
    if (read.records - read.skippedRecords <= 0) {
        throw new errors/* ConfigError */.xL('E_FORMAT', `transcript ${sourceName} holds no readable ${format} record (${read.badLines} unreadable lines, ${read.skippedRecords} records of another kind)`);
    }
    // The reader saw lines before a value was learned: what it kept of them must not hold the value.
    const searcher = learnedSearcher(learned);
    const summary = searcher ? withoutLearned(workspaceView(read, options.workspace), searcher) : workspaceView(read, options.workspace);
    if (searcher)
        violations.splice(0, violations.length, ...withoutLearned(violations, searcher));
    const outsideWorkspace = summary.outsideWorkspace ?? [];
    const gateReasons = [];
    const raise = (severity, code, message) => gateReasons.push({ code, severity, message });
    if (violationCount > 0)
        raise('fail', 'tool-violation', `${violationCount} tool call(s) outside the allowed tools`);
    if (outsideWorkspace.length > 0) {
        raise(options.allowWritesOutsideWorkspace ? 'warn' : 'fail', 'outside-workspace', `${outsideWorkspace.length} file(s) written outside the workspace`);
    }
    gateReasons.push(...secretReasons(redactions, options.redact));
    // A transcript cut short may hide the calls that matter: never a pass.
    for (const note of notes)
        raise('warn', 'invalid-utf8', note);
    if (summary.badLines > 0)
        raise('warn', 'unreadable-lines', `${summary.badLines} unreadable line(s): the transcript may be truncated or corrupted`);
    if (summary.truncated !== undefined)
        raise('warn', 'truncated', `the transcript is incomplete: ${summary.truncated}`);
    if (summary.modelsOmitted !== undefined)
        raise('warn', 'models-omitted', `${summary.modelsOmitted} more model id(s) than the ${summary.models.length} listed: the model list is not whole`);
    if (summary.turns === 0 && (summary.modelCalls ?? 0) === 0 && summary.toolCalls === 0)
        raise('warn', 'empty-session', 'the transcript records no turn and no tool call');
    if (options.models) {
        judgeModels(options.models, summary.models.length ? summary.models : summary.model ? [summary.model] : [], (severity, message) => raise(severity, 'model-policy', message));
    }
    return writeEvidence({
        options,
        startedAt,
        format,
        summary,
        gateReasons,
        violations,
        violationCount,
        redactions,
        findings,
        sourceName,
        storedName,
        transcriptFile,
        sourceBytes: size,
        sourceDigest,
        storedBytes,
        transcriptDigest,
        subagents,
        redactedOnWorker,
    });
}


/***/ })

};
