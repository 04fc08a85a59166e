export const id = 989;
export const ids = [989];
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

/***/ 989:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  captureTranscript: () => (/* binding */ captureTranscript)
});

// UNUSED EXPORTS: resolveTranscriptPath

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
function bytesDigest(data) {
    return `sha256:${sha256Hex(data)}`;
}

// EXTERNAL MODULE: ../../packages/core/src/secrets/index.ts + 8 modules
var secrets = __webpack_require__(753);
;// CONCATENATED MODULE: ../../packages/core/src/transcript/summary-builder.ts
const MAX_CONVERSATION = 200;
const MAX_ENTRY_TEXT = 2000;
const MAX_ARGUMENT_BYTES = 4096;
/** Ids of recent model responses kept to dedupe streamed usage; older ones are settled for good. */
const MAX_PENDING_RESPONSES = 512;
const HEAD_KEEP = 100;
// One slot of the 200 is the "omitted" marker, so head + tail + marker never exceeds the bound.
const TAIL_KEEP = MAX_CONVERSATION - HEAD_KEEP - 1;
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function str(value) {
    return typeof value === 'string' && value.length > 0 ? value : undefined;
}
function num(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
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
function truncateText(text, max = MAX_ENTRY_TEXT) {
    if (text.length <= max)
        return text;
    const omitted = text.length - max;
    return `${text.slice(0, max)}… [truncated ${omitted} chars]`;
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
class SummaryBuilder {
    format;
    agent;
    agentVersion;
    model;
    sessionId;
    cwd;
    startedAt;
    endedAt;
    turns = 0;
    records = 0;
    skippedRecords = 0;
    badLines = 0;
    toolCallCount = 0;
    tools = new Map();
    models = [];
    files = new Set();
    head = [];
    tail = [];
    tailStart = 0;
    omitted = 0;
    onToolCall;
    /** Turns a string read from the transcript into text (see TranscriptReaderOptions.byteText). */
    text;
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
        this.text = options?.byteText ? (value) => (isAsciiText(value) ? value : Buffer.from(value, 'latin1').toString('utf8')) : (value) => value;
    }
    addModel(model) {
        const id = str(model);
        if (!id || id === '<synthetic>')
            return;
        this.model = id;
        if (!this.models.includes(id))
            this.models.push(id);
    }
    setFirst(key, value) {
        const text = str(value);
        if (text !== undefined && this[key] === undefined)
            this[key] = text;
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
        this.onToolCall(out);
    }
    /** A tool call named with its input object, the shape most agents use. */
    toolUse(name, input, recordIndex, id) {
        const paths = inputPaths(input);
        const edited = isEditTool(name, input) ? paths : [];
        if (name.toLowerCase() === 'apply_patch') {
            const patch = isObject(input) ? str(input['input']) ?? str(input['patch']) : str(input);
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
        // Only a cut excerpt can be a view into a longer record; a short text is kept as it is.
        const entry = { role, text: trimmed.length > MAX_ENTRY_TEXT ? detached(truncateText(trimmed)) : trimmed };
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
            this.turns += 1;
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
            turns: this.turns,
            toolCalls: this.toolCallCount,
            tools: Object.fromEntries([...this.tools].map(([name, count]) => [text(name), count])),
            filesTouched: [...this.files].map(text),
            records: this.records,
            skippedRecords: this.skippedRecords,
            badLines: this.badLines,
            conversation: conversation.map((entry) => ({ ...entry, text: text(entry.text), ...(entry.tools ? { tools: entry.tools.map(text) } : {}) })),
        };
        if (this.agentVersion !== undefined)
            summary.agentVersion = text(this.agentVersion);
        if (this.model !== undefined)
            summary.model = text(this.model);
        if (this.sessionId !== undefined)
            summary.sessionId = text(this.sessionId);
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
const TOKENS = /^> Tokens: (.+?)\.\s+Cost: \$([\d.,]+) message, \$([\d.,]+) session/;
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
                if (match?.[1] && match[3]) {
                    b.turns += 1;
                    b.addUsage(aiderTokens(match[1]));
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
    const user = (r) => {
        const message = r['message'];
        if (!isObject(message))
            return;
        const content = message['content'];
        // Injected context (isMeta) and compaction summaries are not something the person typed.
        const role = r['isMeta'] === true || r['isCompactSummary'] === true ? 'system' : 'user';
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
        if (IGNORED_TYPES.has(type)) {
            envelope(value);
            return true;
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
            b.turns += 1;
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
                b.toolCall({ id, name: String(o['type']).replace(/_call$/, ''), argument: primaryArgument('', o['queries'] ?? o['code'] ?? o['action']), recordIndex: index });
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
            b.turns += 1;
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
            b.turns += 1;
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
            throw new errors.ConfigError('E_TOO_LARGE', `transcript (${this.builder.format}) is larger than ${MAX_DOCUMENT_CHARS} characters`);
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
            throw new errors.ConfigError('E_FORMAT', `a ${this.builder.format} transcript is text, not a JSON document`);
        }
        for (const line of value.split('\n'))
            this.pushLine(line);
    }
    finish() {
        this.handler.finish?.();
        return this.builder.finish();
    }
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
/**
 * A shell call that pipes an apply_patch heredoc edits files just like the apply_patch tool; older
 * Codex builds did exactly that, so the patch paths count as touched.
 */
function shellCall(b, name, args, index, id) {
    const argument = primaryArgument(name, args);
    const command = isObject(args) ? args['cmd'] ?? args['command'] : args;
    const text = Array.isArray(command) ? command.join(' ') : typeof command === 'string' ? command : '';
    const edited = text.includes('*** Begin Patch') ? patchPaths(text) : [];
    b.toolCall({ id, name, argument, filePaths: [], edited, recordIndex: index });
}
function codexRolloutHandler(b) {
    const responseItem = (p, index) => {
        const id = str(p['call_id']);
        switch (p['type']) {
            case 'function_call': {
                const name = str(p['name']) ?? 'unknown';
                const args = codex_parseArguments(p['arguments']);
                if (SHELL_TOOLS.has(name))
                    shellCall(b, name, args, index, id);
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
                    b.turns += 1;
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
                case 'item.plan.delta':
                case 'request_user_input':
                    return true;
                case 'turn.completed': {
                    b.turns += 1;
                    const usage = openaiTokenUsage(value['usage']);
                    if (usage)
                        b.addUsage(usage);
                    return true;
                }
                case 'turn.failed': {
                    b.turns += 1;
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
                    b.turns += 1;
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
const EXEC_TYPES = new Set([
    'thread.started',
    'turn.started',
    'turn.completed',
    'turn.failed',
    'item.started',
    'item.updated',
    'item.completed',
]);
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
/** A whole JSON document: the single-JSON formats first, then the document as a lone record. */
function classifyDocument(value) {
    if (Array.isArray(value)) {
        const first = value[0];
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
        return 'gemini-session';
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
        return detectAider(trimmed, fileName);
    try {
        return classifyDocument(JSON.parse(trimmed));
    }
    catch {
        // Not one complete document: JSONL, or a large document cut at the head limit.
    }
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
    return {
        record(value, index) {
            if (!isObject(value) || typeof value['type'] !== 'string')
                return false;
            b.timestamp(value['timestamp']);
            const type = value['type'];
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
                            b.turns += 1;
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
                    b.say('tool', str(value['output']) ?? (isObject(value['error']) ? str(value['error']['message']) ?? '' : ''));
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
        finish: flush,
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
/** `~/.gemini/tmp/<hash>/chats/session-*.jsonl`: a metadata line, message records, `$set` / `$rewindTo` updates. */
function geminiSessionHandler(b) {
    const message = (r, index) => {
        b.timestamp(r['timestamp']);
        switch (r['type']) {
            case 'user':
                b.say('user', geminiPartsText(r['displayContent'] ?? r['content']));
                return true;
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
        record(value, index) {
            if (!isObject(value))
                return false;
            if ('$set' in value || '$rewindTo' in value)
                return true;
            if (typeof value['sessionId'] === 'string' && typeof value['projectHash'] === 'string') {
                metadata(value);
                return true;
            }
            return message(value, index);
        },
        document(value) {
            // Older CLIs wrote one ConversationRecord `.json` with `messages[]`.
            if (!isObject(value) || !Array.isArray(value['messages']))
                return false;
            metadata(value);
            b.records += 1;
            value['messages'].forEach((item, i) => {
                b.records += 1;
                if (!isObject(item) || !message(item, i + 1))
                    b.skippedRecords += 1;
            });
            return true;
        },
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
            b.turns += 1;
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
    'gemini-api-recording',
    'copilot-cli',
    'aider',
    'openai-chat',
    'openai-responses',
    'anthropic-messages',
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
 * Turns the paths an agent recorded into paths a diff can be compared with: relative to the workspace
 * (or to the agent's own cwd, which is where a transcript from another machine was rooted). A path
 * outside both stays absolute, and a relative path that climbs out keeps its `..`, so a scope check
 * still sees the escape instead of a silently shortened path.
 */
function filesRelativeToWorkspace(paths, options) {
    const out = [];
    const seen = new Set();
    const cwd = options.cwd ? normalise(toPosix(options.cwd)) : undefined;
    for (const raw of paths) {
        if (raw.length === 0)
            continue;
        let path = toPosix(raw);
        if (!isAbsolute(path)) {
            path = cwd && isAbsolute(cwd) ? normalise(external_node_path_.posix.join(cwd, path)) : normalise(path);
        }
        else {
            path = normalise(path);
        }
        let result = path;
        if (isAbsolute(path))
            result = under(path, options.workspace) ?? under(path, cwd) ?? path;
        if (!seen.has(result)) {
            seen.add(result);
            out.push(result);
        }
    }
    return out;
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
    'gemini-api-recording': { agent: 'gemini-cli', kind: 'jsonl', handler: geminiRecordingHandler },
    'copilot-cli': { agent: 'copilot-cli', kind: 'jsonl', handler: copilotHandler },
    aider: { agent: 'aider', kind: 'text', handler: aiderHandler },
    'openai-chat': { agent: 'openai-api', kind: 'document', handler: openaiChatHandler },
    'openai-responses': { agent: 'openai-api', kind: 'document', handler: openaiResponsesHandler },
    'anthropic-messages': { agent: 'anthropic-api', kind: 'document', handler: anthropicMessagesHandler },
};
function spec(format) {
    if (!types_TRANSCRIPT_FORMATS.includes(format)) {
        throw new errors.ConfigError('E_FORMAT', `unknown transcript format "${String(format)}"; expected one of ${types_TRANSCRIPT_FORMATS.join(', ')}`);
    }
    return SPECS[format];
}
/** JSONL and text formats are streamed line by line; single-JSON formats must be parsed whole. */
function isLineOriented(format) {
    return spec(format).kind !== 'document';
}
function createTranscriptReader(format, options) {
    const { agent, kind, handler } = spec(format);
    const builder = new SummaryBuilder(format, agent, options);
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
    const chosen = format ?? detectFormat(text.slice(0, DETECT_HEAD_BYTES), options?.fileName);
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
    if ((trimmed.startsWith('[') || (trimmed.startsWith('{') && trimmed.includes('\n') && !/\}\s*\n\s*\{/.test(trimmed))) && chosen !== 'aider') {
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
const tools_SHELL_TOOLS = new Set(['Bash', 'BashOutput', 'Shell', 'shell', 'local_shell', 'exec_command']);
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
        const source = ruleTool.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
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
/** Common wrappers that run the command that follows them. */
const COMMAND_WRAPPERS = /^(?:(?:sudo|env|command|exec|nohup|time|nice|xargs)\s+|[A-Za-z_][A-Za-z0-9_]*=\S*\s+)+/;
/** Each simple command of a shell command line, best effort, for deny rules. */
function splitShellCommands(command) {
    return command
        .split(/\|\||&&|[;&|\n\r`]|\$\(|[()]/)
        .map((part) => part.trim().replace(COMMAND_WRAPPERS, '').trim())
        .filter((part) => part.length > 0);
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
    return splitShellCommands(call.argument).some((part) => matchParsed(parsed.pattern, { name: call.name, argument: part }, false));
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

// EXTERNAL MODULE: ../../packages/core/src/capture/worker.ts + 3 modules
var worker = __webpack_require__(897);
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

;// CONCATENATED MODULE: ../../packages/core/src/capture/index.ts








// Straight from tools.js: the policy index also reaches the YAML loader, which the worker bundle must not carry.




const HEAD_BYTES = 64 * 1024;
/** Below this a second thread costs more to start than it saves. */
const WORKER_MIN_BYTES = 8 * 1024 * 1024;
const MAX_FINDINGS_KEPT = 10_000;
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
        patterns: [...options.redactPatterns],
        byteText: true,
    };
    const engine = (0,secrets/* createSecretEngine */.T0)(engineOptions);
    const size = (0,external_node_fs_.statSync)(options.source).size;
    if (size === 0)
        throw new errors.ConfigError('E_FORMAT', `transcript ${sourceName} is empty`);
    if (options.maxBytes !== undefined && size > options.maxBytes) {
        throw new errors.ConfigError('E_TOO_LARGE', `transcript ${sourceName} is ${size} bytes, over the policy's transcript.max-bytes (${options.maxBytes})`);
    }
    const head = await headOf(options.source);
    let format;
    if (options.format === 'auto') {
        const detected = detect_detectFormat(head, sourceName);
        if (!detected) {
            throw new errors.ConfigError('E_FORMAT', `transcript ${sourceName} matches no supported format (${types_TRANSCRIPT_FORMATS.join(', ')})`);
        }
        format = detected;
    }
    else {
        if (!types_TRANSCRIPT_FORMATS.includes(options.format)) {
            throw new errors.ConfigError('E_INPUT', `input "format" must be auto or one of ${types_TRANSCRIPT_FORMATS.join(', ')}`);
        }
        format = options.format;
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
            if (judgement.allowed)
                return;
            const rule = judgement.reason === 'denied' ? `denied by ${judgement.rule}` : 'not in allowed-tools';
            violationCount += 1;
            if (violations.length < MAX_VIOLATIONS_KEPT) {
                violations.push({ tool: call.name, ...(argument ? { argument } : {}), rule, record: call.recordIndex });
            }
        },
    });
    (0,external_node_fs_.mkdirSync)(options.outputDir, { recursive: true });
    // The transcript keeps its own name under transcript/, so it can never collide with summary.json.
    (0,external_node_fs_.mkdirSync)(external_node_path_default().join(options.outputDir, 'transcript'), { recursive: true });
    // Stored without leading dots: the artifact service refuses hidden names such as Aider's
    // `.aider.chat.history.md` (capture.json keeps the original name).
    const storedName = sourceName.replace(/^\.+/, '') || 'transcript';
    const transcriptFile = external_node_path_default().join(options.outputDir, 'transcript', storedName);
    const findings = [];
    let redactions = 0;
    const notes = [];
    const noteFindings = (list, baseLine, original) => {
        for (const f of list) {
            redactions += 1;
            if (findings.length < MAX_FINDINGS_KEPT)
                findings.push({ ruleId: f.ruleId, fingerprint: f.fingerprint, line: baseLine + f.line - 1 });
            if (options.onSecret && f.end <= original.length)
                options.onSecret(original.slice(f.start, f.end));
        }
    };
    let sourceDigest;
    let transcriptDigest;
    let storedBytes;
    let redactedOnWorker = false;
    if (isLineOriented(format)) {
        const writer = new TranscriptWriter(transcriptFile);
        let invalidLines = 0;
        redactedOnWorker = Boolean(options.workerEntry && size >= WORKER_MIN_BYTES);
        const source = await (0,worker/* redactFile */.it)({
            file: options.source,
            redaction: { engine: engineOptions, kind: format === 'aider' ? 'text' : 'json', redact: options.redact },
            ...(redactedOnWorker && options.workerEntry ? { workerEntry: options.workerEntry } : { engine }),
            onResult: async (result) => {
                writer.write(result.bytes);
                invalidLines += result.invalidLines;
                for (const f of result.found) {
                    redactions += 1;
                    if (findings.length < MAX_FINDINGS_KEPT)
                        findings.push({ ruleId: f.ruleId, fingerprint: f.fingerprint, line: f.line });
                    options.onSecret?.(f.value);
                }
                // The reader sees redacted text only, so nothing it keeps for the summary can hold a secret.
                if (result.redactedText !== undefined)
                    forEachTextLine(Buffer.from(result.redactedText, 'utf8').toString('latin1'), (line) => reader.pushLine(line));
                // Lines go to the reader as bytes (Latin-1): it turns what it keeps back into text.
                else {
                    const stored = Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength);
                    // The byte order mark is stored, but it is not part of the first record.
                    forEachByteLine(result.byteOrderMark ? stored.subarray(3) : stored, (line) => reader.pushLine(line));
                }
                await writer.drain();
            },
        });
        // A transcript is UTF-8 text; bytes that are not may be corruption or an attempt to hide text.
        if (invalidLines > 0)
            notes.push(`${invalidLines} line(s) are not valid UTF-8`);
        sourceDigest = `sha256:${source.sha256}`;
        await writer.close();
        // Taken where the stored bytes were made (the redaction thread); the writer wrote exactly those.
        transcriptDigest = `sha256:${source.storedSha256}`;
        storedBytes = writer.bytes;
    }
    else {
        const limit = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
        if (size > limit) {
            throw new errors.ConfigError('E_TOO_LARGE', `transcript ${sourceName} is ${size} bytes; a ${format} file is read whole and the limit is ${limit}`);
        }
        const bytes = (0,external_node_fs_.readFileSync)(options.source);
        sourceDigest = bytesDigest(bytes);
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
            throw new errors.ConfigError('E_FORMAT', `transcript ${sourceName} is not valid JSON (a ${format} file is one JSON document); it may be truncated`);
        }
        reader.pushDocument(document);
        const stored = options.redact ? result.text : text;
        (0,external_node_fs_.writeFileSync)(transcriptFile, stored);
        storedBytes = Buffer.byteLength(stored);
        transcriptDigest = bytesDigest(stored);
    }
    const summary = reader.finish();
    if (summary.records === 0) {
        throw new errors.ConfigError('E_FORMAT', `transcript ${sourceName} holds no readable ${format} record (${summary.badLines} unreadable lines)`);
    }
    const filesTouched = filesRelativeToWorkspace(summary.filesTouched, {
        workspace: options.workspace,
        ...(summary.cwd ? { cwd: summary.cwd } : {}),
    });
    const reasons = [];
    let verdict = 'pass';
    const raise = (to, reason) => {
        reasons.push(reason);
        if (to === 'fail' || (to === 'warn' && verdict === 'pass'))
            verdict = to;
    };
    if (violationCount > 0)
        raise('fail', `${violationCount} tool call(s) outside the allowed tools`);
    if (redactions > 0 && !options.redact)
        raise('fail', `${redactions} secret(s) found and redact is off: the transcript was not stored`);
    else if (redactions > 0)
        raise('warn', `${redactions} secret(s) found in the transcript and redacted; rotate them, the agent's model provider has seen them`);
    // A transcript cut short may hide the calls that matter: never a pass.
    for (const note of notes)
        raise('warn', note);
    if (summary.badLines > 0)
        raise('warn', `${summary.badLines} unreadable line(s): the transcript may be truncated or corrupted`);
    if (summary.turns === 0 && summary.toolCalls === 0)
        raise('warn', 'the transcript records no turn and no tool call');
    const summaryFile = external_node_path_default().join(options.outputDir, 'summary.json');
    const summaryRecord = {
        schema: 'https://agent-gates.dev/schemas/capture-summary/v1',
        ...summary,
        filesTouched,
        verdict,
        reasons,
        toolViolations: violations,
        toolViolationCount: violationCount,
        redactions,
        findings,
    };
    const summaryText = `${JSON.stringify(summaryRecord, null, 2)}\n`;
    (0,external_node_fs_.writeFileSync)(summaryFile, summaryText);
    const summaryDigest = bytesDigest(summaryText);
    const uploadable = options.redact || redactions === 0;
    const c = options.context;
    const captureRecord = {
        schema: 'https://agent-gates.dev/schemas/capture/v1',
        tool: { name: c.toolName, version: c.toolVersion },
        repository: c.repository,
        run: { id: c.runId, attempt: c.runAttempt, job: c.job, workflow: c.workflow, workflowRef: c.workflowRef },
        event: c.eventName,
        sha: c.sha,
        ...(c.pullRequest ? { pullRequest: c.pullRequest } : {}),
        actor: c.actor,
        startedAt: startedAt.toISOString(),
        finishedAt: (options.now ?? (() => new Date()))().toISOString(),
        transcript: {
            name: sourceName,
            storedAs: `transcript/${storedName}`,
            format,
            agent: summary.agent,
            sourceBytes: size,
            sourceDigest,
            storedBytes,
            transcriptDigest,
            redacted: options.redact,
            redactions,
        },
        summaryDigest,
        policy: options.policy,
        verdict,
    };
    const captureFile = external_node_path_default().join(options.outputDir, 'capture.json');
    const captureText = `${JSON.stringify(captureRecord, null, 2)}\n`;
    (0,external_node_fs_.writeFileSync)(captureFile, captureText);
    return {
        verdict,
        reasons,
        format,
        summary,
        filesTouched,
        violations,
        findings,
        redactions,
        sourceDigest,
        transcriptDigest,
        summaryDigest,
        captureDigest: jsonDigest(captureRecord),
        transcriptFile,
        summaryFile,
        captureFile,
        uploadable,
        redactedOnWorker,
    };
}


/***/ })

};
