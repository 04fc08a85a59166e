import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: ../../packages/core/src/secrets/json-literals.ts
/**
 * JSON string literals inside a line of JSON text: finding them, decoding them, and mapping offsets
 * between a literal's raw text and its decoded value.
 */
function decodeLiteral(lit) {
    if (lit.decodedCache !== undefined)
        return lit.decodedCache;
    if (!lit.hasEscape)
        lit.decodedCache = lit.raw.slice(1, -1);
    else {
        try {
            lit.decodedCache = JSON.parse(lit.raw);
        }
        catch {
            lit.decodedCache = null; // not a JSON string (bad escape): the raw fallback scan covers it
        }
    }
    return lit.decodedCache;
}
/** Raw offset (relative to the literal start) of each decoded UTF-16 unit, plus one entry for the end. */
function decodedToRaw(lit) {
    const inner = lit.raw;
    // Typed from the start: a plain array of a multi-megabyte literal's offsets took eight times the room.
    const map = new Int32Array(inner.length);
    let n = 0;
    let i = 1;
    const end = inner.length - 1;
    while (i < end) {
        map[n++] = i;
        if (inner.charCodeAt(i) === 92)
            i += inner[i + 1] === 'u' ? 6 : 2;
        else
            i += 1;
    }
    map[n++] = end;
    return map.subarray(0, n);
}
function rawToDecoded(map, rawOffset, roundUp) {
    // first decoded unit whose raw start is >= rawOffset (roundUp) or the last one <= rawOffset
    let lo = 0;
    let hi = map.length - 1;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (map[mid] < rawOffset)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!roundUp && map[lo] > rawOffset && lo > 0)
        return lo - 1;
    return lo;
}
const SIMPLE_ESCAPES = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
/** The value of a hexadecimal digit's character code, or -1. */
function hexValue(c) {
    if (c >= 48 && c <= 57)
        return c - 48;
    const lower = c | 32;
    return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}
/**
 * A JSON text with every string escape decoded in place: what the text says, for scanning only.
 * The same as one regular-expression replacement (its reference in test/unit/secrets/json-view.test.ts), as a loop: a
 * tool result holds an escape every few dozen characters, and a callback for each cost a twelfth
 * of the redaction thread.
 */
function jsonView(text) {
    let at = text.indexOf('\\');
    if (at < 0)
        return text;
    let out = '';
    let from = 0;
    const n = text.length;
    while (at >= 0 && at + 1 < n) {
        const ch = text.charCodeAt(at + 1);
        let decoded;
        let next = at + 2;
        if (ch === 117 /* u */ && at + 5 < n) {
            const a = hexValue(text.charCodeAt(at + 2));
            const b = hexValue(text.charCodeAt(at + 3));
            const c = hexValue(text.charCodeAt(at + 4));
            const d = hexValue(text.charCodeAt(at + 5));
            if ((a | b | c | d) >= 0) {
                decoded = String.fromCharCode((a << 12) | (b << 8) | (c << 4) | d);
                next = at + 6;
            }
            else
                decoded = 'u';
        }
        else {
            const single = text[at + 1];
            decoded = SIMPLE_ESCAPES[single] ?? single;
        }
        out += text.slice(from, at) + decoded;
        from = next;
        at = text.indexOf('\\', next);
    }
    return from === 0 ? text : out + text.slice(from);
}
/**
 * Finds where each string literal closes. A loop rather than a regular expression: `"(?:[^"\\]|\\.)*"`
 * backtracks once per character, and over a string of a few megabytes (a tool result holding a whole
 * file) V8 throws "Maximum call stack size exceeded". The next quote and backslash are remembered,
 * so a line of many short strings, or of many escapes, is still read once.
 */
function literalCloser(raw) {
    let backslash = -2;
    let quote = -2;
    /** One past the closing quote of the literal opening at `open`, or -1 when it is not closed. */
    return (open) => {
        let at = open + 1;
        for (;;) {
            if (quote !== -1 && quote < at)
                quote = raw.indexOf('"', at);
            if (quote < 0)
                return -1;
            if (backslash !== -1 && backslash < at)
                backslash = raw.indexOf('\\', at);
            if (backslash < 0 || backslash > quote)
                return quote + 1;
            at = backslash + 2;
        }
    };
}
/** True when `text` is one JSON value. */
function parsesAsJson(text) {
    try {
        JSON.parse(text);
        return true;
    }
    catch {
        return false;
    }
}
/** Every string literal of a JSON text, each with the member name it is the value of. */
function lexLiterals(raw) {
    const out = [];
    let lastKey = '';
    const literalEnd = literalCloser(raw);
    for (let start = raw.indexOf('"'); start >= 0;) {
        const end = literalEnd(start);
        // Nothing after an unclosed quote can be lexed reliably (the line is not JSON).
        if (end < 0)
            break;
        const text = raw.slice(start, end);
        const lit = {
            start,
            end,
            raw: text,
            hasEscape: text.includes('\\'),
            decodedCache: undefined,
            streamKey: null,
            spans: [],
        };
        let a = end;
        while (a < raw.length && (raw[a] === ' ' || raw[a] === '\t'))
            a++;
        if (raw[a] === ':')
            lastKey = decodeLiteral(lit) ?? lit.raw;
        else {
            let b = start - 1;
            while (b >= 0 && (raw[b] === ' ' || raw[b] === '\t' || raw[b] === '\n' || raw[b] === '\r'))
                b--;
            lit.streamKey = raw[b] === ':' ? lastKey : '';
        }
        out.push(lit);
        start = raw.indexOf('"', end);
    }
    return out;
}
/** The first or last decoded character of a literal, decoding only when an escape is near that end. */
function edgeChar(lit, last) {
    const inner = lit.raw;
    if (!lit.hasEscape || (last ? inner.lastIndexOf('\\') < inner.length - 8 : inner[1] !== '\\'))
        return last ? (inner[inner.length - 2] ?? '') : (inner[1] ?? '');
    const d = decodeLiteral(lit) ?? '';
    return last ? (d[d.length - 1] ?? '') : (d[0] ?? '');
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ../../packages/core/src/errors.ts
class ConfigError extends Error {
    code;
    constructor(code, message, options) {
        super(message, options);
        this.name = 'ConfigError';
        this.code = code;
    }
}
function isConfigError(value) {
    return value instanceof ConfigError;
}
/** Turns any thrown value (Error, string, object, undefined) into one line of text. */
function errorMessage(value) {
    if (value instanceof Error)
        return value.message || value.name;
    if (typeof value === 'string')
        return value;
    if (value === undefined || value === null)
        return String(value);
    try {
        // JSON has no text for a function or a symbol; their String() can span lines (a function's source).
        return JSON.stringify(value) ?? Object.prototype.toString.call(value);
    }
    catch {
        return Object.prototype.toString.call(value);
    }
}
/** `E_CODE: message` as the run() wrapper prints it. */
function formatError(value) {
    if (isConfigError(value))
        return `${value.code}: ${value.message}`;
    return `E_INTERNAL: ${errorMessage(value)}`;
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/allow.ts
/**
 * The policy's `secrets.allow` as the engine applies it: a finding is accepted when its value matches an
 * entry's regex and the entry names its rule (or names no rule). Entries that give `paths` are left to the
 * callers that scan files; the engine scans text with no path, where a path criterion cannot hold, so such
 * an entry never accepts a finding here (an entry matches only when every criterion it gives matches).
 */

/** Values longer than this are tested on their first part only: an allow regex may backtrack. */
const ALLOW_TARGET_LIMIT = 4096;
function compileAllowEntries(entries) {
    const compiled = (entries ?? []).flatMap((entry, n) => {
        if (entry.paths !== undefined || entry.regex === undefined)
            return [];
        let re;
        try {
            re = new RegExp(entry.regex);
        }
        catch {
            // Never echoed: a user may have pasted the value itself.
            throw new ConfigError('E_INPUT', `secrets allow entry #${n + 1} (index ${n}): regex is not a valid regular expression`);
        }
        return [{ re, rules: entry.rules ? new Set(entry.rules) : undefined }];
    });
    if (!compiled.length)
        return () => false;
    return (ruleId, secret) => {
        const target = secret.length > ALLOW_TARGET_LIMIT ? secret.slice(0, ALLOW_TARGET_LIMIT) : secret;
        return compiled.some((a) => (!a.rules || a.rules.has(ruleId)) && a.re.test(target));
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/entropy.ts
/** Value checks shared by the rule lists; a leaf module, so rule lists can import it without a cycle. */
function shannonEntropy(s) {
    if (!s)
        return 0;
    // The common case, ASCII text, counts in a typed array instead of a Map keyed by one-character
    // strings (the generic rules ask this of every candidate value). The terms are summed in the order
    // each character first appears, as the Map's iteration order did, so the float is the same to the bit.
    const counts = ASCII_COUNTS;
    const order = ASCII_ORDER;
    let distinct = 0;
    let i = 0;
    for (; i < s.length; i++) {
        const code = s.charCodeAt(i);
        if (code >= 128)
            break;
        const seen = counts[code];
        counts[code] = seen + 1;
        if (seen === 0)
            order[distinct++] = code;
    }
    if (i < s.length) {
        for (let k = 0; k < distinct; k++)
            counts[order[k]] = 0;
        return entropyByCodePoint(s);
    }
    let h = 0;
    const n = s.length;
    for (let k = 0; k < distinct; k++) {
        const code = order[k];
        const p = counts[code] / n;
        counts[code] = 0;
        h -= p * Math.log2(p);
    }
    return h;
}
const ASCII_COUNTS = new Int32Array(128);
const ASCII_ORDER = new Uint8Array(128);
/** Entropy over code points (a surrogate pair counts as one character). */
function entropyByCodePoint(s) {
    const counts = new Map();
    for (const ch of s)
        counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let h = 0;
    const n = [...s].length;
    for (const c of counts.values()) {
        const p = c / n;
        h -= p * Math.log2(p);
    }
    return h;
}
const PLACEHOLDER_PASSWORDS = new Set([
    'password',
    'passwd',
    'pass',
    'pwd',
    'secret',
    'mypassword',
    'yourpassword',
    'changeme',
    'example',
    'placeholder',
    'redacted',
    'token',
    'apikey',
    'api_key',
    'test',
    'dummy',
    'none',
    'null',
    'undefined',
    'x-oauth-basic',
    // Database and broker images' default accounts (`postgres:postgres@`, `root:root@`, `guest:guest@` in CI
    // service containers): anyone can guess them, there is nothing to rotate, and masking `postgres` or `root`
    // would blank those words all over the job log.
    'postgres',
    'mysql',
    'root',
    'admin',
    'guest',
    'user',
    'username',
]);
/**
 * `YOUR_PASSWORD`, `REPLACE_WITH_PASSWORD`, `my-secret-token`: a stand-in word plus credential words and
 * nothing else. A digit means someone typed a value (`mySecret789`, `myC0mpl3xPwd`), so it is not one.
 */
const STAND_IN = /^(?:your|my|replace|insert|enter|change|example|sample|dummy|fake)[a-z_-]*$/;
/**
 * Placeholders are not credentials: templates (`${PASS}`, `{{pass}}`, `$(DB_PASS)`, `<password>`), masks
 * (`****`, `xxxx`, one repeated character) and the dictionary words documentation uses (`password`,
 * `pass`, `secret`, `changeme`, `YOUR_PASSWORD`…).
 */
function isPlaceholderPassword(password) {
    const p = password.toLowerCase();
    if (p.length < 4)
        return true;
    // `%` marks a template (`%(pass)s`, `%DB_PASS%`) unless it starts a URL percent-escape (`p%23ss` is `p#ss`).
    if (/[${}<>()]/.test(p) || /%(?![0-9a-f]{2})/.test(p) || p.startsWith(':'))
        return true;
    if (/^(.)\1*$/.test(p))
        return true;
    if (PLACEHOLDER_PASSWORDS.has(p))
        return true;
    if (STAND_IN.test(p) && /pass|pwd|secret|token/.test(p))
        return true;
    return /redacted/.test(p);
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/wasm/keyword-scan.generated.ts
// Generated by scripts/gen-keyword-wasm.ts from packages/core/src/secrets/wasm/keyword-scan.wat. Do not edit: run `pnpm generate`.
const KEYWORD_SCAN_WASM = 'AGFzbQEAAAABLwRgA39/fwF/YAh/f39/f39/fwF/YAp/f39/f39/f39/AX9gCX9/f39/f39/fwF/AwUEAAECAwUDAQABBxECBm1lbW9yeQIABHNjYW4AAwqTBQQZACAAIAFBBnQgAi0AAC0AAHJBAXRqLwEAC1UBAn8gBiAAQf//AXFBAnRqIQkgCSgCACAHRgRAIAUPCyAJIAc2AgAgBSAESQRAIAMgBUEDdGohCCAIIAEgAms2AgAgCCAAQf//AXE2AgQLIAVBAWoLTQEBfwJAA0AgACABTw0BIAQgAiAAEAAhCiAKQYCAAnEEQCAKIAAgAyAFIAYgByAIIAkQASEHCyAKQf//AXEhAiAAQQFqIQAMAAsLIAcL0gMBEn8gAUECdiEJIAkgBUHAAGpJBEAgACAAIAFqQQAgACACIAMgBEEAIAYgCBACDwsgBiAHaiEYIBggB2ohGSAZIAdqIRogACEMIAAgCWogBWshDSAAIAlBAXRqIAVrIQ4gACAJQQNsaiAFayEPAkADQCALIAlPDQEgAiAQIAwQACEUIAIgESANEAAhFSACIBIgDhAAIRYgAiATIA8QACEXIBQgFXIgFiAXcnJBgIACcQRAIBRBgIACcQRAIBQgDCAAIAMgBCAKIAYgCBABIQoLIBVBD3YgCyAFT3EEQCAVIA0gACADIAQgCiAYIAgQASEKCyAWQQ92IAsgBU9xBEAgFiAOIAAgAyAEIAogGSAIEAEhCgsgF0EPdiALIAVPcQRAIBcgDyAAIAMgBCAKIBogCBABIQoLCyAUQf//AXEhECAVQf//AXEhESAWQf//AXEhEiAXQf//AXEhEyAMQQFqIQwgDUEBaiENIA5BAWohDiAPQQFqIQ8gC0EBaiELDAALCyANIA0gBWogESAAIAIgAyAEIAogGCAIEAIhCiAOIA4gBWogEiAAIAIgAyAEIAogGSAIEAIhCiAPIAAgAWogEyAAIAIgAyAEIAogGiAIEAIL';

;// CONCATENATED MODULE: ../../packages/core/src/secrets/keyword-index.ts
/**
 * Aho–Corasick over ASCII with case folded in, so one pass over a line tells which rules have a
 * keyword in it; rules whose keywords are all absent never run their regexes.
 *
 * This pass touches every byte of a transcript, so it is the engine's hottest loop. Two choices keep it
 * near the floor of what a JavaScript loop can do:
 *  - bytes map first to a small alphabet (the ~45 characters keywords use; everything else is one
 *    class), so the transition table is states × 45 16-bit entries and stays in cache;
 *  - a transition's high bit says "this state ends a keyword", so the common case is one load.
 * It runs over UTF-8 bytes when the caller has them (about twice as fast as `charCodeAt`); a
 * non-ASCII byte or character is "other" either way, and keywords are ASCII, so both give the same sets.
 */

const OUTPUT = 0x8000;
/** The wasm scanner addresses the table as `(state << 6) | class`: 64 columns per state. */
const COLUMNS = 64;
/** The walks the wasm scanner steps together, each over a quarter of the input with a `seen` area of its own. */
const SEGMENTS = 4;
/** Inputs shorter than this stay in JavaScript: copying them into wasm memory costs more than it saves. */
const WASM_MIN_INPUT = 256;
/**
 * Strings longer than this stay in JavaScript too: wasm memory is sized for three UTF-8 bytes a
 * character and never shrinks, so one huge string would keep three times its size for the rest of the
 * run (an 8 Mi-character string takes about 0.1 s in the loop).
 */
const WASM_MAX_TEXT = 8 << 20;
const wasmApi = globalThis.WebAssembly;
/** Compiled once per process: the module is a few hundred bytes and compiles in well under 1 ms. */
let wasmModule;
function keywordScanModule() {
    if (wasmModule === undefined) {
        try {
            wasmModule = wasmApi ? new wasmApi.Module(Buffer.from(KEYWORD_SCAN_WASM, 'base64')) : null;
        }
        catch {
            wasmModule = null; // no WebAssembly (a locked-down runtime): the JavaScript loop does the same job
        }
    }
    return wasmModule ?? null;
}
/** Identifies a keyword set: a snapshot built for another set must not be used. */
function keywordSignature(keywordsByRule) {
    return keywordsByRule.map((keywords) => keywords.join('\u0001')).join('\u0002');
}
class KeywordIndex {
    classes = new Uint8Array(256);
    classCount;
    /** The longest keyword less one: how far the wasm scanner's segments overlap. */
    overlap;
    table;
    outputs;
    seen;
    generation = 0;
    constructor(keywordsByRule, snapshot) {
        if (snapshot) {
            this.classes.set(Buffer.from(snapshot.classes, 'base64'));
            this.classCount = COLUMNS;
            this.overlap = snapshot.overlap;
            const bytes = Buffer.from(snapshot.table, 'base64');
            this.table = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
            this.outputs = snapshot.outputs.map((rules) => (rules ? Int32Array.from(rules) : null));
            this.seen = new Int32Array(snapshot.rules);
            return;
        }
        let classCount = 1;
        let longest = 1;
        for (const keywords of keywordsByRule)
            for (const kw of keywords)
                longest = Math.max(longest, kw.length);
        this.overlap = longest - 1;
        for (const keywords of keywordsByRule)
            for (const kw of keywords)
                for (const ch of kw.toLowerCase()) {
                    const c = ch.charCodeAt(0);
                    if (c >= 128)
                        throw new Error(`keyword ${JSON.stringify(kw)} is not ASCII`);
                    if (this.classes[c] === 0)
                        this.classes[c] = classCount++;
                }
        for (let c = 65; c <= 90; c++)
            if (this.classes[c + 32])
                this.classes[c] = this.classes[c + 32];
        if (classCount > COLUMNS)
            throw new Error(`keywords use ${classCount} distinct characters; at most ${COLUMNS} fit`);
        // Padded to 64 columns so the JavaScript loop and the wasm scanner share one table layout.
        this.classCount = COLUMNS;
        // Trie over classes, then breadth-first failure links folded into a full transition table. Flat
        // typed arrays throughout: the learned values (learned-values.ts) build automata of thousands of
        // states again and again while a transcript streams, and an array per state made that a tenth of
        // the redaction thread's time.
        const columns = COLUMNS;
        let bound = 1;
        for (const keywords of keywordsByRule)
            for (const kw of keywords)
                bound += kw.length;
        const children = new Int32Array(bound * classCount).fill(-1);
        const out = [[]];
        let n = 1;
        keywordsByRule.forEach((keywords, rule) => {
            for (const kw of keywords) {
                let s = 0;
                for (const ch of kw.toLowerCase()) {
                    const k = this.classes[ch.charCodeAt(0)];
                    let next = children[s * classCount + k];
                    if (next < 0) {
                        next = n++;
                        out.push([]);
                        children[s * classCount + k] = next;
                    }
                    s = next;
                }
                if (!out[s].includes(rule))
                    out[s].push(rule);
            }
        });
        if (n >= OUTPUT)
            throw new Error(`keyword automaton has ${n} states; at most ${OUTPUT - 1} fit`);
        const table = new Uint16Array(n * columns);
        const fail = new Int32Array(n);
        const queue = new Int32Array(n);
        let tail = 0;
        for (let k = 1; k < classCount; k++) {
            const next = children[k];
            if (next >= 0) {
                table[k] = next;
                queue[tail++] = next;
            }
        }
        for (let qi = 0; qi < tail; qi++) {
            const s = queue[qi];
            const inherited = out[fail[s]];
            if (inherited.length) {
                const own = out[s];
                for (const r of inherited)
                    if (!own.includes(r))
                        own.push(r);
            }
            const row = s * columns;
            const failRow = fail[s] * columns;
            const childRow = s * classCount;
            for (let k = 1; k < classCount; k++) {
                const next = children[childRow + k];
                if (next >= 0) {
                    fail[next] = table[failRow + k];
                    table[row + k] = next;
                    queue[tail++] = next;
                }
                else {
                    table[row + k] = table[failRow + k];
                }
            }
        }
        const ends = new Uint8Array(n);
        for (let st = 0; st < n; st++)
            if (out[st].length)
                ends[st] = 1;
        for (let i = 0; i < table.length; i++)
            if (ends[table[i]])
                table[i] = table[i] | OUTPUT;
        this.table = table;
        this.outputs = out.map((rules) => (rules.length ? Int32Array.from(rules) : null));
        this.seen = new Int32Array(keywordsByRule.length);
    }
    toSnapshot(keywordsByRule) {
        return {
            signature: keywordSignature(keywordsByRule),
            classes: Buffer.from(this.classes).toString('base64'),
            table: Buffer.from(this.table.buffer, this.table.byteOffset, this.table.byteLength).toString('base64'),
            outputs: this.outputs.map((rules) => (rules ? [...rules] : null)),
            overlap: this.overlap,
            rules: this.seen.length,
        };
    }
    collect(state, gen, found) {
        const o = this.outputs[state];
        for (let k = 0; k < o.length; k++) {
            const r = o[k];
            if (this.seen[r] !== gen) {
                this.seen[r] = gen;
                found.push(r);
            }
        }
    }
    /**
     * Indices of the rules with at least one keyword in `text` (any case), in the order of their first
     * keyword in the text. That order decides which rule names a value two rules find at the same place
     * (mergeHits keeps the first). A long text goes through the wasm scanner as UTF-8, which gives the
     * same rules in the same order (see scanInMemory); a short one goes through candidatesJs, where no
     * copy into wasm memory is made.
     */
    candidates(text) {
        // UTF-8 takes at most three bytes for each UTF-16 code unit.
        const wasm = text.length >= WASM_MIN_INPUT && text.length <= WASM_MAX_TEXT ? this.scanner(3 * text.length) : null;
        if (wasm) {
            const write = () => this.memoryBytes(this.wasm).write(text, this.wasmLayout.input, this.wasmLayout.inputCap, 'utf8');
            return this.scanInMemory(write(), write);
        }
        return this.candidatesJs(text);
    }
    /** The JavaScript loop over a string's characters: what the wasm scanner must agree with, in order too. */
    candidatesJs(text) {
        const gen = ++this.generation;
        const { table, classes, classCount } = this;
        const found = [];
        let s = 0;
        for (let i = 0, len = text.length; i < len; i++) {
            const c = text.charCodeAt(i);
            const v = table[s * classCount + (c < 128 ? classes[c] : 0)];
            if (v & OUTPUT) {
                s = v & ~OUTPUT;
                this.collect(s, gen, found);
            }
            else
                s = v;
        }
        return found;
    }
    wasm;
    // Views of the wasm memory, made again only when it grows: a view a call was most of the garbage a
    // line made, and this runs several times a line.
    bytesView = null;
    wordsView = null;
    /** The wasm memory as bytes: a Buffer, so a string is written into it as UTF-8 without a copy first. */
    memoryBytes(wasm) {
        if (!this.bytesView || this.bytesView.buffer !== wasm.memory.buffer)
            this.bytesView = Buffer.from(wasm.memory.buffer);
        return this.bytesView;
    }
    memoryWords(wasm) {
        if (!this.wordsView || this.wordsView.buffer !== wasm.memory.buffer)
            this.wordsView = new Int32Array(wasm.memory.buffer);
        return this.wordsView;
    }
    wasmLayout = { table: 0, input: 0, inputCap: 0, out: 0, outCap: 0, seen: 0 };
    /** scanInMemory's segment of each recorded pair, reused from scan to scan. */
    segments = new Uint8Array(256);
    /** The wasm scan's number (see keyword-scan.wat's `$seen`): never 0, the value of a state no scan recorded. */
    wasmGen = 0;
    scanner(minInput) {
        if (this.wasm === undefined) {
            const module = keywordScanModule();
            this.wasm = module && wasmApi ? new wasmApi.Instance(module, {}).exports : null;
            if (this.wasm) {
                const bytes = new Uint8Array(this.wasm.memory.buffer);
                bytes.set(this.classes, 0);
                this.wasmLayout.table = 256;
            }
        }
        const wasm = this.wasm;
        if (!wasm)
            return null;
        const layout = this.wasmLayout;
        if (layout.inputCap < minInput) {
            layout.inputCap = Math.max(minInput, 1 << 16);
            layout.outCap = Math.max(1024, layout.inputCap >> 4);
            layout.input = (layout.table + this.table.byteLength + 7) & ~7;
            layout.out = (layout.input + layout.inputCap + 7) & ~7;
            layout.seen = layout.out + layout.outCap * 8;
            const states = this.outputs.length;
            const needed = layout.seen + SEGMENTS * states * 4;
            const have = wasm.memory.buffer.byteLength;
            if (needed > have)
                wasm.memory.grow(Math.ceil((needed - have) / 65536));
            new Uint16Array(wasm.memory.buffer, layout.table, this.table.length).set(this.table);
            // The area moved over what was input or output before: no state recorded by any scan yet.
            new Uint32Array(wasm.memory.buffer, layout.seen, SEGMENTS * states).fill(0);
            this.wasmGen = 0;
        }
        return wasm;
    }
    /**
     * The same for UTF-8 bytes `[start, end)` of a buffer. Long inputs go through the wasm scanner
     * (about five times the speed of the JavaScript loop); short ones stay in JavaScript, where the
     * copy into wasm memory would cost more than it saves.
     */
    candidatesInBytes(bytes, start = 0, end = bytes.length) {
        const length = end - start;
        const wasm = length >= WASM_MIN_INPUT ? this.scanner(length) : null;
        if (wasm) {
            const input = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
            const write = () => {
                this.memoryBytes(this.wasm).set(input, this.wasmLayout.input);
                return length;
            };
            return this.scanInMemory(write(), write);
        }
        return this.candidatesInBytesJs(bytes, start, end);
    }
    /**
     * Scans the `length` bytes at the wasm input area and gives the rules in the order a single walk
     * meets them. Each of the scanner's four segments records the states it enters in increasing order
     * of offset, over a range of offsets of its own (segment k of an input cut in quarters of `quarter`
     * bytes records offsets in [k * quarter, (k + 1) * quarter), the last one to the end), so taking the
     * pairs segment by segment, each in the order recorded, takes them by offset. `rewrite` puts the
     * input in memory again when the scanner had to grow for more pairs than it had room for.
     */
    scanInMemory(length, rewrite) {
        const layout = this.wasmLayout;
        const stride = this.outputs.length * 4;
        let wasm = this.wasm;
        let hits = wasm.scan(layout.input, length, layout.table, layout.out, layout.outCap, this.overlap, layout.seen, stride, this.nextScan());
        if (hits > layout.outCap) {
            // More keyword-ending states than room (a keyword set of thousands): make room for all and scan again.
            const room = Math.max(layout.inputCap, hits * 16);
            layout.inputCap = 0;
            wasm = this.scanner(room);
            rewrite();
            hits = wasm.scan(layout.input, length, layout.table, layout.out, layout.outCap, this.overlap, layout.seen, stride, this.nextScan());
        }
        const gen = ++this.generation;
        const found = [];
        const words = this.memoryWords(wasm);
        const base = layout.out >> 2;
        const quarter = length >> 2;
        // One walk (a short input): the pairs are in order already.
        if (quarter < this.overlap + 64 || hits <= 1) {
            for (let h = 0; h < hits; h++)
                this.collect(words[base + h * 2 + 1], gen, found);
            return found;
        }
        // Each pair's segment worked out once, not in each pass: worked out four times, this loop was about
        // 4 % of a scan of the bench's added text.
        if (this.segments.length < hits)
            this.segments = new Uint8Array(Math.max(hits, 2 * this.segments.length));
        const segments = this.segments;
        for (let h = 0; h < hits; h++)
            segments[h] = Math.min(SEGMENTS - 1, Math.floor(words[base + h * 2] / quarter));
        for (let segment = 0; segment < SEGMENTS; segment++) {
            for (let h = 0; h < hits; h++)
                if (segments[h] === segment)
                    this.collect(words[base + h * 2 + 1], gen, found);
        }
        return found;
    }
    /** The next wasm scan's number: after 2^32 - 1 scans, back to 1 with every state's number cleared. */
    nextScan() {
        if (this.wasmGen === 0xffffffff) {
            new Uint32Array(this.wasm.memory.buffer, this.wasmLayout.seen, SEGMENTS * this.outputs.length).fill(0);
            this.wasmGen = 0;
        }
        return ++this.wasmGen;
    }
    candidatesInBytesJs(bytes, start, end) {
        const gen = ++this.generation;
        const { table, classes, classCount } = this;
        const found = [];
        let s = 0;
        for (let i = start; i < end; i++) {
            const v = table[s * classCount + classes[bytes[i]]];
            if (v & OUTPUT) {
                s = v & ~OUTPUT;
                this.collect(s, gen, found);
            }
            else
                s = v;
        }
        return found;
    }
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/keyword-automaton.generated.ts
const KEYWORD_AUTOMATON = { "signature": "a3-\u0002ops_\u0002adafruit\u0002adobe\u0002p8e-\u0002age-secret-key-1\u0002airtable\u0002airtable\u0002algolia\u0002ltai\u0002alibaba\u0002sk-ant-admin01\u0002sk-ant-api03\u0002akcp\u0002cmvmd\u0002asana\u0002asana\u0002atlassian\u0001confluence\u0001jira\u0001atatt3\u0002sc_\u0001ext_\u0001scauth_\u0001authress_\u0002a3t\u0001akia\u0001asia\u0001abia\u0001acca\u0002absk\u0002bedrock-api-key-\u0002q~\u0002beamer\u0002bitbucket\u0002bitbucket\u0002bittrex\u0002bittrex\u0002meraki\u00024b1d\u0002clojars_\u0002cloudflare\u0002cloudflare\u0002cloudflare\u0001v1.0-\u0002codecov\u0002cohere\u0001co_api_key\u0002coinbase\u0002confluent\u0002confluent\u0002contentful\u0002curl\u0002curl\u0002dapi\u0002datadog\u0002dnkey\u0002doo_v1_\u0002dop_v1_\u0002dor_v1_\u0002discord\u0002discord\u0002discord\u0002dp.pt.\u0002droneci\u0002dropbox\u0002dropbox\u0002dropbox\u0002duffel_\u0002dt0c01.\u0002ezak\u0002eztk\u0002etsy\u0002facebook\u0002eaam\u0001eaac\u0002facebook\u0002fastly\u0002finicity\u0002finicity\u0002finnhub\u0002flickr\u0002flwseck_test\u0002flwpubk_test\u0002flwseck_test\u0002fo1_\u0001fm1\u0001fm2_\u0002fio-u-\u0002secret_key\u0002freshbooks\u0002aiza\u0002access\u0001api\u0001auth\u0001key\u0001credential\u0001creds\u0001passwd\u0001password\u0001secret\u0001token\u0002ghu_\u0001ghs_\u0002github_pat_\u0002gho_\u0002ghp_\u0002ghr_\u0002glcbt-\u0002gldt-\u0002glffct-\u0002glft-\u0002glimt-\u0002glagent-\u0002gloas-\u0002glpat-\u0002glpat-\u0002glptt-\u0002gr1348941\u0002glrt-\u0002glrt-\u0002glsoat-\u0002_gitlab_session=\u0002gitter\u0002live_\u0001gocardless\u0002eyjrijoi\u0002glc_\u0002glsa_\u0002pat.\u0001sat.\u0002atlasv1\u0002administrator_login_password\u0001password\u0002heroku\u0002hrku-aa\u0002hubspot\u0002hf_\u0002api_org_\u0002ico-\u0002intercom\u0002intra\u0001s-s4t2ud-\u0001s-s4t2af-\u0002jfrog\u0001artifactory\u0001bintray\u0001xray\u0002jfrog\u0001artifactory\u0001bintray\u0001xray\u0002ey\u0002zxlk\u0002kraken\u0002secret\u0002kucoin\u0002kucoin\u0002launchdarkly\u0002lin_api_\u0002linear\u0002linkedin\u0001linked_in\u0001linked-in\u0002linkedin\u0001linked_in\u0001linked-in\u0002test_\u0001live_\u0002test_pub\u0001live_pub\u0001_pub\u0002looker\u0002looker\u0002mailchimp\u0002mailgun\u0002mailgun\u0002mailgun\u0002mapbox\u0002mattermost\u0002_mmk\u0002messagebird\u0001message-bird\u0001message_bird\u0002messagebird\u0001message-bird\u0001message_bird\u0002webhook.office.com\u0001webhookb2\u0001incomingwebhook\u0002netlify\u0002nrjs-\u0002nrii-\u0002new-relic\u0001newrelic\u0001new_relic\u0002nrak\u0002ntn_\u0002npm_\u0002<add key=\u0002nytimes\u0001new-york-times\u0001newyorktimes\u0002api-\u0002okta\u0002t3blbkfj\u0002sha256~\u0002pplx-\u0002plaid\u0002plaid\u0002plaid\u0002pscale_tkn_\u0002pscale_oauth_\u0002pscale_pw_\u0002pmak-\u0002pnu_\u0002-----begin\u0002privateai\u0001private_ai\u0001private-ai\u0002pul-\u0002pypi-ageichlwas5vcmc\u0002rapidapi\u0002rdme_\u0002rubygems_\u0002tk-us-\u0002sendbird\u0002sendbird\u0002sg.\u0002xkeysib-\u0002sentry\u0002sntrys_eyjpyxqio\u0002sntryu_\u0002sm_aat\u0002sm_pat\u0002sm_sat\u0002shippo_\u0002shpat_\u0002shpca_\u0002shppa_\u0002shpss_\u0002bundle_enterprise__contribsys__com\u0001bundle_gems__contribsys__com\u0002gems.contribsys.com\u0001enterprise.contribsys.com\u0002xapp\u0002xoxb\u0002xoxe.xoxb-\u0001xoxe.xoxp-\u0002xoxe-\u0002xoxb\u0002xoxo\u0001xoxs\u0002xoxa\u0001xoxr\u0002xoxp-\u0001xoxe-\u0002hooks.slack.com\u0002snyk\u0002sonar\u0002sgp_\u0001sourcegraph\u0002sq0atp-\u0001eaaa\u0002squarespace\u0002sk_test\u0001sk_live\u0001sk_prod\u0001rk_test\u0001rk_live\u0001rk_prod\u0002sumo\u0002sumo\u0002telegr\u0002travis\u0002sk\u0002twitch\u0002twitter\u0002twitter\u0002twitter\u0002twitter\u0002twitter\u0002tfp_\u0002hvb.\u0002hvs.\u0001s.\u0002yandex\u0002yandex\u0002yandex\u0002zendesk\u0002-----begin\u0002://\u0002sk-ant-\u0002cfk_\u0001cfut_\u0001cfat_\u0002dapi\u0002dckr_\u0002figd_\u0002ghs_\u0002gsk_\u0002shpat_\u0001shpca_\u0001shppa_\u0001shpss_\u0002tskey-\u0002vcp_\u0001vci_\u0001vca_\u0001vcr_\u0001vck_\u0002_authtoken\u0002!!binary\u0002x-oauth-basic\u0002pgpassword\u0001mysql_pwd\u0001postgres_password\u0001mysql_password\u0001mysql_root_password\u0002sk_live_\u0001sk_test_\u0001sk_prod_\u0001rk_live_\u0001rk_test_\u0001rk_prod_\u0002sg.\u0002\\u\u0001\\/\u0002delta", "classes": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAoLQAAAAAAAAAAAAAAAyEsGRUkAiApKgAQJSsAJyYAAAABDhIIDwkRHQwbExYYFwQFHgoGDQsaIxwUIgAuAAAHAAEOEggPCREdDBsTFhgXBAUeCgYNCxojHBQiAAAAHwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", "table": "AAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAOABAASADsA9AHzADkBvwMAAFgChYCSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAF8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnQEAAJEDVQVvAwYA9AHzADkBmwOpA1gCpQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwAHgPMAOQG/A9gEWAKlAZIAdwEAAN4DeAM8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACQAAAJEDDwAWATsA9AHzADkBGwElARABKwGSAIIFAACqAQ0FkAH1BAAAMgD8ACUCAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAPUAVQD0AQgACgB0An0AJQD3AIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADoBAACRA2wBEgA7APQB8wA5AQsAAABJAaUBkgB0AAAAqgFQAJAB9QQAAFQBFANvAQAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwMMAFgCpQGSAIEBAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAADQClAcwDdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAg6AkgB0AAAAqgFZApAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMBAQYBOwD0AfMAOQELAQAAWAKlARAAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DGASoAKUBkgARgAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAApAAAAJEDBAASADsA9AGUADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwP0AfMAOQGbA6kDWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgAUAAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAABWABAASADsA9AHzADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwsCEgAUBfQB8wA5AeQBAACwAaUBkgAXAAAAqgFQAJAB9QQAAMABFAO0AAAAzABqAIMCqwGiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAABgABAASADsA9AHzADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBE8EAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgMEABIAGQD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAqUBkgAaAAAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AHzADkBvwMAAFgCNgGSAHQAAACqARsAkAEUggAAMgDYA7QAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNhABIAOwD0AfMABAUcAPAAWAKlAZIAdAAAAKoBUACQAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBxwM5Ab8DywNYAqUBkgAdAAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AGVATkBvwMAAFgCHoCSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDHwCmARIANwF8AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQACAA9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAlgCpQGSACEAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQASKAAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAAAjAAQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzAAVAoMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BCSAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5ASYAAABYAqUBkgB0AAAAqgFZApAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIkB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCJwCSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAoAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCfQAlAFkAKQB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASAJAA9AHzADkBvwMYBIsApQGSAJMAAACqAVAAkAH1BAAAKgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACVAgAAkQPBAhIAOwD0AfMAOQG/AwAABwIzAJIAK4AAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7APQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAADIAYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlQIAAJEDwQISADsA9AHzADkBvwMAADYAMwCSAHQAAAAtAFAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMuABIAFAX0AfMAOQHkAQAAsAGlAZIATgQAAKoBUACQAfUEAADAARQDtAAAAMwAagCDAqsBogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgEMAl8D9QQAAC8AFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlQIAAJEDwQISADsA9AHzADkBvwMAADAAMwCSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAxgAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAKACtAAAAAgCagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlQIAAJEDwQISADsA9AHzADkBvwMAAAcCMwCSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA0AGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCfQA1gFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBJgAAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgBcArQAAADMAGoAgwI/AqIAAAC6AAAAiQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlATcAdAAAAKoBWQKQAfUEAAAyAKACtAAAAAgCagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADgAAACRAwQAEgA7APQB8wA5Ab8DGASoAKUBkgCTAAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUAWQA5AHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA6gAAAkQMEABIAkAD0AfMAOQG/AxgEiwClAZIAkwAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAPQAEABIAOwC9BPMAOQGLApACWAKlAZIAkQEAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD4AAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUAWQCKAHQAAAAWAI0ATQD1BAAALAA/ALQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwD0AfMAOQEbAwAAWAJAAJIAFQMAAKoBUACQAUUDAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgNBgKYBEgAXBfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIANwO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQgAAAJIDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAEkAVQD0AUMAOQF0An0AJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAkAAACRAw8AFgE7APQB8wA5ARsBJQEQASsBkgCCBQAAqgENBZAB9QQAADIA/ABEAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAxgIAAJEDBAASADsA9AHzADkBvwMAAEUApQGSALUAAACqAVAAkAFNBQAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAEYAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wA5ARsDAAAoAl0CkgAVAwAAqgEHA5ABRQMAADIAFAO0AEcAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BEiAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwN3A/QB8wA5AZsDqQNKgKUBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAF6DBAASADsAUwLzADkBvwMAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgBcArQASwDMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAEyAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAoYApQGSAJEBAACqAU4AkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNhAE+AOwD0AfMABAWTAfAAWAKlAZIAdAAAAKoBUACQAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwN3A/QB8wA5AZsDqQNYAqUBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDYQASADsA9AHzAAQFkwHwAFgCpQGSAHQAAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAtQAAAKoBUACQAU0FAAAyABQDtAAAAFIAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgEcBZAB9QTNADIAFANTAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAxgIAAJEDBAASADsA9AFUgDkBvwMAAFgCpQGSALUAAACqAVAAkAFNBQAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwD0AfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAFYAAABlAp4EEgA7APQB8wA5Ab8D2ASIAKUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUAIQKKAHQAAAAWAI0ATQD1BAAALABXALQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABYgAAAkQMEADkDOwD0AfMAOQEbAwAAWAI2A5IAFQMAAKoBUACQAUUDAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAbgBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAWgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABbAAAAkQPBAhIAOwD0AfMAOQG/AwAABwIzAJIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFcAPQBCAA5AXQClgIlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAVgAAAGUCngQSAF0A9AHzADkBvwPYBIgApQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAAAjAmoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEXgClAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAF8AAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUAWQCKAHQAAAAWAI0ATQD1BAAALABggLQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwD0AfMAOQEbAwAAWAI2A5IAFQMAAKoBUACQAUUDAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7ANoA0QA5Ab8DAADiAKUBkgB0AAAAqgFQAF8D9QQAADIAYgC0AAAAzABqAIMC1gCiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAA5AzsA9AHzAGMAGwMAAFgC6QCSABUDAACqAVAAkAFFAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA6AQAAkQNsARIAOwD0AfMAOQGAAQAASQGlAZIAdAAAAKoBUACQAfUEAABkABQDbwEAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJUCAACRA8ECEgA7APQB8wA5Ab8DZQBVATMAkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcCWQEAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAGYAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAAAyAGcAtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wA5ARsDAABYAuiAkgAVAwAAqgFoAJABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDYQASADsA9AHzAAQFkwHwAFgCpQGSAGmAAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wBwAr8DAABrAKUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBbAAAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgBcArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABtgAAAkQMEABIAOwD0AccDOQG/A8sDWAKlAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAwQNVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUAbwCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABuAGIDkQOmARIAFwX0AfMA7ATfBAAAWAJwAJIAtAIAAKoBUADTA/UEAABaABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAcYCRA6YBEgAXBfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQFjA3QAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB4AAAAkQNhABIAOwBzgPMABAWTAfAAWAKlAZIAdAAAAKoBUACQAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AHzADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB4BAAAOAV7BBIAOwD0AfMAOQGEAgAAWAJ2AJIAdAAAAKoBUADgA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBXeA8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BVQD0AQgAOQF0AnkAJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAnoAkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwJ7gKIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQOOBBIAOwB8gPMAUQKAAEsCWAKlAZIAQAIAAKoBUACQAfUEAAAyABQDtAAAAO8EagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCfgCSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAn+AogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA44EEgA7APQB8wBRAoAASwJYAqUBkgBAAgAAqgFQAJAB9QQAADIAFAO0AAAA7wRqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAIEAAACqAVAARgL1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAggD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgCDAPQB8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsAhIDzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAh4AAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgBcArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BVQD0AQgAOQF0An0AJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAImAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUAWQCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAkAD0AfMAOQG/AxgEiwClAZIAkwAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIyAAACRAwQAEgA7APQB8wA5Ab8DAABYAqkAkgB0AAAAqgFZApAB9QQAADIAfgK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUAWQCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNhABIAOwD0AfMABAWTAfAAWAKlAZIAdAAAAKoBjgCQAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAI+AAACRA2EAEgA7APQB8wAEBZMB8ABYAqUBkgCLAQAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUAWQCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgCRgPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAA9AAQAEgA7AL0E8wA5AYsCkAJYAqUBkgCRAQAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMYBKgApQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACkAAAAkQMEABIAOwD0AZQAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPQAAACRAwABFgE7APQB8wA5AZUAJQEQASsBkgCCBQAAqgENBZAB9QQAADIA/AC0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDlgASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEACEBOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBlwBfA/UEAAAyAB0BtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA2EAEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJgA9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJkABAASADsA9AHzADkBiwKQAlgCpQGSAJEBAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACaAAAAkgMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAmwBVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnQEAAJEDVQVvA3cD9AHzADkBmwOpA5yApQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAnYAEABIAOwBTAvMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJ4A9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAlgCpQGSAJ8AAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQAaCAAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAAChgAQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzAAVAoMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogCjgLoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQgECAJEDBACOAVUA9AEIADkBdAJ9ACUAWQCKAHQAAAAWAI0ATQD1BAAALAAUA6UAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIApgAAAKoBUACQAU0FAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgDgAvQB8wA5AaeAAABYAjYBkgB0AAAAqgFQAJABFIIAADIAYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAtwAAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKpAJIAdAAAAKoBWQKQAfUEAAAyAH4CtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBN8EAABYArAAqgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwOrAKgApQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBrACQAfUEAAAyABkEtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA2EAEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAK0A9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAlgCpQGSAK4AAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAKvgJIAdAAAAKoBUACQAZKBAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgA3AfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwEsQAAAFgCpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADgBAAAkQMEABIAOwD0AccDOQG/A8sDWAKlAZIAsgAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7APQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAADIAYAS0AAAAzABqALOAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAeAQAADgFewQSADsA9AHzADkBhAIAAFgCdgCSAHQAAACqAVAA4AP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAtQAAAKoBUACQAU0FAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgDgAvQB8wA5AbYAAABYAjYBkgB0AAAAqgFQAJABFIIAADIAYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAtwAAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAMEDVQD0AQgAOQF0An0AJQBZAIoAdAAAABYAjQC4APUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5AYsCkAK5gKUBkgCRAQAAqgFOAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAh4AAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgBcArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAbsAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DGASoAKUBkgCTAAAAqgFQAJAB9QS8ADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AG9gDkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwD0AfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJUCAACRA78AEgA7APQB8wA5Ab8DAAAHAjMAkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDwgIFADsA9AHzADkBvwPFAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAMAAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADBAAAAkQMEABIAOwD0AfMAcAK/AwAAawClAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AcIAfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASAMMA9AHHAzkBvwPLA1gCdQKSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwDEgPMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHGADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwD0AfMAxwAbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADoBAACRA2wBEgA7APQB8wA5AYABAABJAaUBkgB0AAAAqgFQAJAB9QQAAMgAFANvAQAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAyQAAAJEDwQISADsA9AHzADkBvwMAAFUBMwCSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwJZAQAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BVQD0AQgAOQHKAJYCJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBxwM5Ab8DywNYAnUCkgDLgAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AHzADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBHAWQAfUEzQAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugDOAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAzwDMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAA0IAEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9AAAAJEDAAEWATsA9AHzADkBGwElARABKwGSANIAAACqAQ0FkAH1BAAAMgD8ALQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoB0wCQARSCAACDBWAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA9QAEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA2gDRADkBvwMAAOIApQGSAHQAAACqAVAAXwP1BAAAMgBiALQAAADVgGoAgwLWAKIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBHAWQAfUEzQAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA44EEgA7APQB8wBRAkUCSwJYAqUBkgDXAAAAqgFQAJAB9QQAADIAFAO0AAAA7wRqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AHzADkB2AAAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQNCAhIAOwD0AccDOQG/A8sDWAKlAZIA2YAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7APQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAADIAYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA2wAAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEANwAVQD0AQgAOQF0AigFJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwN3A/QB8wA5AZsDqQPdgKUBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAF6DBAASADsA3gDzADkBvwMAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgBcArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQNUAr4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUADfAPUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5AYsCkAJYAqUBkgDgAAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AHzADkBvwMAAFgCNgGSAHQAAACqAVAAkAHhgAAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD2BAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAFQKDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIA4wC0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAA5AzsA9AHzADkBGwMAAFgCXQLkABUDAACqAQcDkAFFAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADlAAAAkQMEABIAOwD0AfMAOQG/AxgEqAClAZIAkwAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgHmAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAVgAAAGUCngQSADsA9AHzADkBvwPYBIgApQGSAOeAAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBeAGQARSCAAAyANgDtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBN8EAABYAqUBkgBiBAAAqgFQANMD9QQAADIANwO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSAOoAAACqAVAA0wP1BAAAMgA3A7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAtQL0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAADbBOsAtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wA5ARsDAABYAuwAkgAVAwAAqgFQAJABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAO0A3wQAAFgCpQGSAGIEAACqAVAA0wP1BAAAMgA3A7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA6AQAAkQNsAe0EOwD0AfMAOQGAAe4ASQGlAZIAdAAAAKoBUACQAfUEAABUARQDbwEAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAAO+AFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlQIAAJEDwQISADsA9AHzADkBvwMAAAcCMwCSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQHxAAAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBxwM5Ab8DywNYAqUBkgB0AAAAqgFQAMoE9QQAAPKAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlQIAAJEDwQISADsA9AHzADkBvwMAAAcCMwCSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwD0AfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQA9QBVAPQBCAA5AXQCfQAlAPcAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnQEAAJEDVQVvA3cD9AHzADkBmwOpA/aApQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAXoMEABIAOwBTAvMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPgAYgORA6YBEgAXBfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAAFoAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AH5ADkBdAJ9ACUAbwCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJAAAAkQP6ABYBOwD0AfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAJQIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwEBBgE7APQB8wA5AQsBAABYAqUBEAB0AAAA+4BQAF8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDCwISABQF9AHzADkB5AEAALABpQGSAE4EAACqAVAAkAH1BAAAwAEUA7QAAADMAGoAgwKrAaIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwD0AfMAOQEbAwAAWAI2A5IAFQMAAKoBUAD9AEUDAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5AYsCkAJYAqUBkgD+AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AHzADkBvwMAAFgCNgGSAHQAAACqAVAAkAH/gAAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD2BAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAFQKDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwEBBgE7APQB8wA5AQsBAABYAqUBkgB0AAAAqgFQAF8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsAAgHzADkBvwMAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAAMBagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgEcBZAB9QQEATIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsABYHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AM4AhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwMGAAcB8wA5AZsDqQNYAqUBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAAAIAWoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBHAWQAfUECQEyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7AAqB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugDOAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwAMAccDOQG/A8sDWAKlAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAADQFqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqARwFkAH1BA4BMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwAPgfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAzgCHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASABEB9AHzADkBvwMAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgBcArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWAKlAZIAdwEAAN4DEgE8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHgAAACRAxMBEgA7AHOA8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA2gDRADkBFAEAAOIApQGSAHQAAACqAVAAXwP1BAAAMgBiALQAAADMAGoAgwLWAKIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0ARWBOQG/A8sDWAKlAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPQAAACRAwABFgE7APQB8wA5ARsBJQEQASsBkgCCBQAAqgENBZAB9QQAADIA/ADIAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnQEAAJEDVQVvA3cD9AHzADkBmwOpA1gCpQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6ABcBhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABgBOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwN3A/QB8wA5AZsDqQNYAhkBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6ABqBhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAxwBEgA7APQBxwM5Ab8DywNYAqUBkgB0AAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAhATsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAdAbQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwD0AfMAOQEbAwAAWAI2A5IAHgEAAKoBUACQAUUDAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7APQB8wA5Ab8DAABYAhYDkgB0AAAAqgEfAZABFIIAADIAYAS0AAAAzABqAHUAPwKiAAAAugAAADEBIgMAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDYQASADsA9AHzAAQFkwHwACCBpQGSAHQAAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwMGAPQB8wA5AZsDqQNYAqUBIgF0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDIwESADsA9AHzADkBvwMYBKgApQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagAkgT8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHgEAAA4BXsEEgA7APQB8wA5AYQCAABYAqUBkgB0AAAAqgFQAOAD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzACYBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA6AQAAkQNsARIAOwD0AfMAJwGAAQAASQGlAZIAdAAAAKoBUACQAfUEAABUARQDbwEAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADoBAACRA2wBEgA7APQB8wA5AYABAABJAaUBkgAoAQAAqgFQAJAB9QQAAFQBFANvAQAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AHzADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAAKQFgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACVAgAAkQPBAhIAOwAqgfMAOQG/AwAABwIzAJIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAMgAUA7QALAHMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBLQGQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA2EAEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAC4BzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BC8BMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAMIGHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMgEAAJEDBAASADsA9AHzADkBvwMAAFgCNAGSAPsEAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAiAI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BVQD0AQgAOQF0An0AJQBZAIoAdAAAABYAjQAzgfUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5AYsCkAKGAKUBkgCRAQAAqgFOAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAANYH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAA1AMEABIAOwD0AfMAOQGLApACWAKlAZIAkQEAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgA3AfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAGIU4gQAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD2BAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADoBAACRA2wBEgA7APQB8wA5AYABAABJAaUBkgB0AAAAqgFQAJAB9QQAAFQBFANvAQAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAUUB9AEIADkBdAJ9ACUAWQCKAHQAAAAWADsBTQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNhABIAOwD0AfMABAWTAfAAWAKlAZIAPAEAAKoBjgCQAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7APQB8wA5Ab8DAABYAjYBPQF0AAAAqgFQAJABFIIAADIAYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDPgESADsA9AHzADkBvwMYBKgApQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQM/AQUAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAECB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAlgCYAOSAJEBAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABCAQIAkQMEAI4BVQD0AQgAOQF0An0AJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAALOEAgCRAwQAjgFVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgBEgU0A9QQAACwAFANDgQAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAxgIAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSALUAAACqAVAAkAFNBQAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNhABIAOwD0AfMABAWTAfAAWAKlAZIAdAAAAKoBjgCQAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAFYAAABlAp4EEgA7APQB8wA5Ab8D2ASIAEYBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAARwEUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACVAgAAkQPBAhIAOwD0AfMAOQG/AwAABwIzAJIAdAAAAKoBUACQAUiBAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDcwESADsA9AHzADkBvwMAAFgCpQGSAHQAAAARBVkCkAH1BAAAMgBKAbQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwD0AfMAOQEbAwAASwFdApIAFQMAAKoBBwOQAUUDAAAyAFABtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFMAZAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDWgISADsA9AHzAAQFkwHwAE0BpQGSAHQAAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAJOAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMDT4EAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9gQAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwD0AfMAOQEbAwAAWAI2A5IAFQMAAKoBUACQAUUDAAAyABQDtAAAAMwAagCDAlEBogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA44EEgA7APQB8wBRAkUCUgFYAqUBkgBAAgAAqgFQAJAB9QQAADIAFAO0AAAA7wRqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQFTgXQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIATQL0AfMAOQG/AxgEqAClAZIAkwAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJUCAACRA8ECEgA7APQB8wA5Ab8DAABVATMAkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcCWQEAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVYBkAH1BAAAMgCgArQAAAAIAmoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNaAhIAOwD0AfMABAWTAfAAWAKlAZIAdAAAAKoBUABXAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5AViBkAJYAqUBkgCRAQAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAjAIAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAGMBWgH0AfMAOQG/AwAAWAKlAZIA9AIAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAqUBkgBbAQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AHzADkBvwMAAFgCNgGSAHQAAACqAVwBkAEUggAAMgDYA7QAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNhABIAOwD0AfMABAV5AfAAWAKlAZIAdAAAAKoBUABdAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7AF4B8wA5AYsCkAJYAqUBkgCRAQAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCXwGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAYAEAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgBhAfQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAANsEYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCYoGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwW3gvMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwN3A/QB8wA5AZsDZAFYAqUBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQFlAXQAAACqAVAAkAH1BAAAqgMUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AxgEqAClAZIAkwAAAKoBUABmAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7AGcB8wA5AYsCkAJYAqUBkgCRAQAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCaAGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAaQEAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgBqAfQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAANsEYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCa4GSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwW3gvMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAF8D9QRtATIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsAboHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMYCAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgC1AAAAqgFQAJABTQVwgTIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wJxAQAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwBygfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAHQBBAAFADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgMEABIAOwD0AfMAOQG/A3UBWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAB2gQQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBeAGQARSCAAAyANgDtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA2EAEgA7APQB8wAEBXkB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHoBAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AZUBOQG/AwAAWAJ7gZIAdAAAAKoBUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgA3AXwB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAfQH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQGLApACWAKlAZIAfgEAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7APQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABf4EAADIAYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9gQAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMABUCgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0AccDOQG/A8sDWAKlAZIAgQEAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgCCAfQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAADIAYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwKDAa0EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABqAwAAkQOOBAsEOwD0AfMAUQJFAksCBgSlAYQBQAIAAKoBUACQAfUEAAAyABQDtAAAAO8EagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA4UBEgA7APQB8wA5Ab8DGASoAKUBkgCTAAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDhgEFADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACHAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgCIgfQB8wA5AYsCkAJYAmADkgCRAQAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACKgQAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIA+wQAAKoBUACQAfUEAAAyABQDtAAAAMwAagCIAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASAIwB9AHzADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAjYH0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnQEAAJEDVQVvA3cD9AHzADkBmwOpA4+BpQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAXoMEABIAOwBTAvMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5AYsCkAJYAqUBkgCRAQAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AHzADkBvwMAAFgCNgGSAHQAAACqAVAAkAGSgQAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD2BAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAFQKDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBxwM5Ab8DywNYAqUBkgCUAQAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AGVATkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBnIH0AfMAOQEbASUBEAErAZIAlgEAAKoBDQWQAfUEAAAyAPwAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7APQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAAIMFlwG0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAA5AzsA9AHzADkBGwMAAFgCmAGSABUDAACqAVAAkAFFAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7ATfBAAAmQGlAZIAYgQAAKoBUADTA/UEAAAyADcDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJoBAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUAWQCKAHQAAAAWAI0ATQD1BAAAm4EUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACVAgAAkQPBAhIAOwD0AfMAOQG/AwAANgAzAJIAdAAAAC0AUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAZ4B9AEIADkBdAJ9ACUAHgKKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABWAAAAZQKeBBIAnwH0AfMAOQG/A9gEiAClAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcCoAEAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDogESADsA9AGhgTkBvwMAAFgCpQGSAPQCAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwD0AfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5AaMBAABYAqUBkgB0AAAAqgFQAF8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AGkgTkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwD0AfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAyAMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAApwH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQGLApACWAJgA5IAqAEAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7APQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABkoEAADIAqYG0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAA5AzsA9AHzADkBGwMAAFgCYQSSABUDAACqAVAAkAFFAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMLAhIAFAX0AfMAOQHkAQAAsAGlAZIATgQAAKoBUACQAfUEAADAARQDtAAAAMwAagCDAqsBogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA7oBvAGuAfQB8wBRAr4BrAFYAqUBkgBAAgAAqgFQAJAB9QQAADIAFAO0AAAA7wRqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsArYHzADkBvwMAAFgCpQFMAnQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7AK+B8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKxAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBN8EAABYAgQCkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCsgGiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDjgQSADsA9AHzAFECRQKzAVgCpQGSAEACAACqAVAAkAH1BAAAMgAUA7QAAADvBGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAbQBdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgBNArUB8wA5Ab8DGASoAKUBkgCTAAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC2ATsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAC3AQAAkQNVBW8DdwP0AfMAOQGbA78CWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgGeAfQBCAA5AXQCfQAlALgBigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAbgBiA5EDpgESABcFuYHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAWgAUA7QAAADMAGoAgwI/AqIAAAC6AB+ChwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA48EBQA7ALuB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAF8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwO9gfMAOQGbA6kDWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsAv4HHAzkBvwPLA1gCpQGSAHQAAACqAVAARgL1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAANMBAACRA9kB3QHvAfQBxQHIAewBAADPATMAkgB0AAAAqgHBAZAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDYQASADsAG4LzAAQFkwHwAFgCpQHCAXQAAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AxgEqADDAZIAkwAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgPEgaYBEgAXBfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwD0AfMAOQEbASUBEAHGAZIAggUAAKoBDQWQAfUEAAAyAPwAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgPHgaYBEgAXBfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0ACwBzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA6AQAAkQNsARIAOwD0AfMAyQGAAQAASQHNAZIAdAAAAKoBUACQAfUEAABUARQDbwEAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADoBAACRA2wBEgA7APQB8wA5AYABAABJAaUBkgB0AAAAqgHKAZAB9QQAAFQBFANvAQAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDYQASADsA9AHzAAQFkwHwAFgCywGSAHQAAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDzIGmARIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA86BpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIAoALQAQAACAJqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAxgIAAJEDBAASADsA9AHzADkBvwMAAFgC0QGSALUAAACqAVAAkAFNBQAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGID0oGmARIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAKWAiUAWQCKAHQAAADUAY0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMLAhIAFAX0AfMAOQHkAQAAsAGlAZIA1QEAAKoBUACQAfUEAADAARQDtAAAAMwAagCDAqsBogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAAAYAAQAEgA7APQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAADIA1gFPBAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAA5AzsA9AHzADkBGwMAAFgC1wGSABUDAACqAVAAkAFFAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGID2IGmARIAFwX0AfMA7ATfBAAAWAKlAZIAYgQAAKoBUADTA/UEAAAyADcDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA2gEAAJEDwgIFADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4B2wH0AQgAOQF0An0AJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAFYAAADcgZ4EEgA7APQB8wA5Ab8D2ASIAKUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASAGYC9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADeAQAAkQNVBW8DdwP0AfMAOQGbA6kDWALhAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgGeAfQBCAA5AXQCfQAlAN8BigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAbgBiA+CBpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAWgAUA7QAAADMAGoAgwI/AqIAAAC6AB+ChwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBN8EAABYAuIBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA+OBpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBxwM5Ab8DywNYAqUBkgB0AAAAqgFQAMoE9QTlATIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQDmAZEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAAOcBAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBuwB0AOgBqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAA6QEAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAAOoBAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBuwB0AAAAqgFQAJAB9QTrgTIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0AccDOQG/A8sDWALtAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgPugaYBEgAXBfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAcAgAAZQLwARIAOwD0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPEBAACRAwQABQA7APQB8wA5Ab8DpARYAqUBkgB0AAAAqgFQAF8D9QQAADIAnwS0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUA8gGKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABuAGID84GmARIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAABaABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMLAhIAFAX0AfMAOQHkAQAA9gGlAZIATgQAAKoBUACQAfUEAADAARQDtAAAAMwAagCDAqsBogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAvcBkgB0AAAAqgFZApAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFgCBAKSALQCAACqAVAA0wP1BAAA+AEUA7QAAADMAGoAgwKyAaIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD5AQAAkQPBAhIAOwD0AfMAOQG/AwAABwIzAJIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQClgIlAFkA+gF0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASAJAA+wHzADkBvwMYBIsApQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4C/AH0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAqUBkgD9AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASAP4B9AHzADkBvwMAAFgCNgGSAHQAAACqAXgBkAEUggAAMgDYA7QAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIA/wH0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2AQAAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDAQISADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgBcArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUABfA/UEAAAyAAICtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wA5ARsDAABYAjYDkgAVAwAAqgFQAJABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAA4I8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIABQIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgC1AvQB8wA5AQaCAABYAjYBkgB0AAAAqgFQAJABFIIAANsEYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAKACtAAAAAgCagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgAJAgAAqgEcBZAB9QTNADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsACoLzADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEALsCOwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgEMAl8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADQIAAJEDYQASADsA9AHzAAQFkwHwAFgCpQGSAHQAAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BVQD0AQgAOQEOAn0AJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBDwI5Ab8DywNYAnUCkgB0AAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9AAAAJEDAAEWATsA9AHzADkBGwElARABKwGSAIIFAACqAQ0FkAH1BAAAEAL8AMgDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACVAgAAkQPBAhIAOwD0AfMAOQG/AwAABwIzAJIAEQIAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgASAvQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAADIAYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSABOC9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzAAVAoMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzAHACFgIAAGsApQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0AccDOQG/A8sDFwKlAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIAXAK0AAAAzAAYAoMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDGQISADsA9AHzAHACvwMAAGsApQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwD0AfMAOQG/AwAAGoKlAZIAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BVQAdgggAOQF0An0AJQAhAooAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAbgBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAWgAUA7QAAADMAGoAgwI/AqIAAAC6AB+ChwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCfQAlACECigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAbgBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAWgAUA7QAAADMAGoAgwI/AqIAAAC6ACKChwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgEcBZAB9QQkgjIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AM4AhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQMEABIAOwD0AfMAOQG/AwAAJgKlAZIAtQAAAKoBUACQAU0FAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIAJwK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAA5AzsA9AHzADkBGwMAACgCXQKSABUDAACqAQcDkAFFAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAKQL0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAioCkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwEKwIAAFgCpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAsAgAAkQMEABIAOwD0AccDOQG/A8sDWAKlAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAwQNVAPQBCAA5AXQCfQAlAC0CigB0AAAAFgCNAE0A9QQAACwAFAO0AAAA4QRqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAbgBiA5EDLgISABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAWgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwD0AfMAOQEvAgAAWAKlAZIAdAAAAKoBUACnAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7ADACxwM5Ab8DywNYAqUBkgB0AAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMQIUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACVAgAAkQMyAhIAOwD0AfMAOQG/AwAABwIzAJIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA8ICBQA7APQB8wA5Ab8DAABYAqUBkgB0AAAAMwJQAF8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDCwISABQF9AHzADkB5AEAADQCpQGSAE4EAACqAVAAkAH1BAAAwAEUA7QAAADMAGoAgwKrAaIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKxAZIAdAAAAKoBWQKQAfUEAAAyADUCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7ADYC8wA5ARsDAABYAl0CkgAVAwAAqgEHA5ABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAA3AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA4AgAAkQNVBW8DdwP0AfMAOQGbA78CWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgE5AvQBCAA5AXQCfQAlAB4CigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAVgAAAGUCngQSADoC9AHzADkBvwPYBIgApQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAjsCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAzwCEgA7APQBoYE5Ab8DAABYAqUBkgD0AgAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA9AHzADkBPQIAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0AT6COQG/A8sDWAKlAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPQAAACRAwABFgE7APQB8wA5ARsBJQEQASsBkgCCBQAAqgENBZAB9QQAADIA/ADIAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDjgQSADsA9AHzAFECRQJLAlgCpQGSAEACAACqAVAAkAH1BAAAMgAUA7QAAADvBGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQFBAgAAWAI2AZIAdAAAAKoBUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRA0ICEgA7APQBxwM5Ab8DywNYAqUBkgB0AAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAQwL1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQGLAkSCWAJgA5IAkQEAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgGRApAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAARgL1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwDLBPMAOQGLAkcCWAKlAZIAkQEAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAABIAgQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgGRApAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAASQIAAJIDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABKggIAkQMEAI4BVQD0AQgAOQF0An0AJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQFMAnQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIATQL0AfMAOQG/AxgEqAClAZIAkwAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4ETgI7APQB8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnQEAAJEDTwJvA3cD9AHzADkBmwOpA1gCpQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAVgX0AfMAOQG/AwAAWAJQgpIAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAOgEAAJEDbAESADsAUoLzADkBgAEAAEkBpQGSAHQAAACqAVAAkAH1BAAAVAEUA28BAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRA1QCvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA9AHzADkBVQIAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0AccDOQG/A8sDWAKlAZIAdAAAAFYCUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwsCEgAUBVeC8wA5AeQBAACwAaUBkgBOBAAAqgFQAJAB9QQAAMABFAO0AAAAzABqAIMCqwGiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA1oCEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAFuCBAAFADsA2gDRADkBvwMAAOIApQGSAHQAAACqAVAAXwP1BAAAMgBiALQAAADMAGoAgwLWAKIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wA5ARsDAABYAl0CkgAVAwAAqgEHA5ABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwEYwIAAFgCpQGSAF4CAACqAVAA0wP1BAAAMgA3A7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAtQL0AfMAOQFfAgAAWAI2AZIAdAAAAKoBUACQARSCAADbBGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBxwM5Ab8DywNYAqUBkgB0AAAAqgFgAsoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDYQISADsA9AHzAAQFkwHwAFgCpQGSAHQAAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwDaANEAOQG/AwAA4gClAZIAdAAAAKoBUABfA/UEAAAyAGIAYoIAAMwAagCDAtYAogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMYCAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgC1AAAAqgFQAJABTQUAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAZIIAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAMEDVQD0AQgAOQF0An0AJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAOEEagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgBmAvQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAABnAvSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAJoArsAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5ARpAgAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAbQIAAJEDBAASADsA9AHzADkBvwNqAlgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AWsCOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPQAAABsggABFgE7APQB8wA5ARsBJQEQASsBkgCCBQAAqgENBZAB9QQAADIA/AC0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BVQD0AQgAbgJ0An0AJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADoBAABvgmwBEgA7APQB8wA5AYABAABJAaUBkgB0AAAAqgFQAJAB9QQAAFQBFANvAQAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA6AQAAkQNsARIAOwD0AfMAOQFxAgAASQGlAZIAdAAAAKoBUACQAfUEAABUARQDbwEAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRA3ICEgA7APQBxwM5Ab8DywNYAqUBkgCBAQAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA9AHzADkBvwMAAFgCpQGSAHQAAABzglAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMLAhIAFAX0AfMAOQHkAQAAsAGlAZIATgQAAKoBUACQAfUEAADAARQDtAAAAMwAagCDAqsBogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBxwM5Ab8DywNYAnUCkgB0AAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAHYCpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAdwK/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHgCAACRA2wBEgA7APQB8wA5AYABAABJAaUBkgB0AAAAqgFQAJAB9QQAAFQBFANvAQAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAUUB9AEIADkBdAJ9ACUAWQCKAHQAAAAWAHkCTQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNhABIAOwD0AfMABAWTAfAAWAJ6ApIAPAEAAKoBjgCQAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA3sCEgAXBfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA9AHzADkBfAIAAFgCpQGSAHQAAACqAVAApwH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0AccDOQG/A8sDWAKlAZIAdAAAAKoBUADKBH2CAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAA5AzsA9AHzADkBGwMAAFgCfwKSABUDAACqAQcDkAFFAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7ASAAgAAWAKlAZIAXgIAAKoBUADTA/UEAAAyADcDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIGCAACRAwQAEgA7APQBxwM5Ab8DywNYAqUBkgB0AAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBADBA1UA9AEIADkBdAJ9ACUAWQCKAHQAAAAWAI0ATQCCggAALAAUA7QAAADhBGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD2BAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHgEAAA4BXsEEgA7APQB8wA5AYQCAABYAqUBkgB0AAAAqgFQAOAD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAhQIAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAMEDVQD0AQgAOQF0An0AJQBZAIoAdAAAABYAjQBNAIaCAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAPsEAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAiAI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB4BAAAOAV7BBIAOwD0AfMAOQGEAgAAWAKlAZIAdAAAAKoBUADgA/UEAACJAhQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJUCAACRA8ECEgA7APQB8wA5Ab8DAAAHAjMAkgB0AAAAqgFQAIqC9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAlgCpQGSAJEBAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACMAgAAkQMEABIAOwD0AccDOQG/A8sDWAKlAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAwQNVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAI0C9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAoYApQGSAI4CAACqAU4AkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQAZKBAAAyAI+CtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wA5ARsDAABYAmEEkgAVAwAAqgFQAJABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAZECkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQOSAhIAOwD0AfMABAWTAfAAWAKlAZIAdAAAAKoBUACQAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7ANoA0QA5Ab8DAACTAqUBkgB0AAAAqgFQAF8D9QQAADIAYgC0AAAAzABqAIMC1gCiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgCUgrQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwD0AfMAOQEbAwAAWAJdAuQAFQMAAKoBBwOQAUUDAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQClgIlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCfgCSAHQAAACqAVAAkAH1BAAAMgCXArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwD0AfMAOQEbAwAAWAI2A5IAFQMAAKoBmAKQAUUDAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA2EAEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCmQKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDjgQSADsA9AGaAlECRQJLAlgCpQGSAEACAACqAVAAkAH1BAAAMgAUA7QAAADvBGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACbAgAAkQMAARYBOwD0AfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQA9QBVAPQBCAA5AZwCfQAlAPcAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCdQKSAHQAAACqAVAAnQL1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwDLBPMAOQGLApACWAKlAZIAkQEAAKoBUACQAfUEAACeAhQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJUCAACRA8ECEgA7APQB8wA5Ab8DAAAHAjMAkgB0AAAAqgFQAJABn4IAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9gQAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwChAvMAOQEbAwAAWAJdApIApgIAAKoBBwOpAkUDAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAKICAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACjAlUA9AEIADkBdAIoBSUAWQCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwP0AfMAOQGbA6kDpIKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAABegwQAEgA7AKWC8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDVAK+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACnAgAAkQMEABIAOwD0AfMAOQG/AwAAWAIWA5IAdAAAAKoBUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxASIDAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEIBAgCRAwQAjgFVAPQBCAA5AaiCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCdQKSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQGLApACWAKlAZIAqgIAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7APQBqwI5Ab8DAABYAjYBkgB0AAAAqgFQAJABkoEAADIAYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9AAAALECAAEWATsArgLzADkBGwElAawCKwGSAIIFAACqAQ0FkAH1BAAAMgD8ALQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAEQH0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAK2CtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wA5ARsDAABYAl0CkgAVAwAAqgEHA5ABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAK8CpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyALCCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wA5ARsDAABYAl0CkgAVAwAAqgEHA5ABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBvwMAALICpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyALOCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wA5ARsDAABYAl0CkgAVAwAAqgEHA5ABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASALUC9AHzADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAA2wRgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWAK2ApIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBbeC8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC4AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwP0AfMAOQGbA7kCWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBuoJ0AAAAqgFQAJAB9QQAAKoDFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMYBKgApQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwP0AfMAOQGbA7wCWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBvYJ0AAAAqgFQAJAB9QQAAKoDFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMYBKgApQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwP0AfMAOQGbA78CWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBwIJ0AAAAqgFQAJAB9QQAAKoDFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMYBKgApQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQPCAgUAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAMMC9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAlgCYAOSAMQCAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQHFggAAWAI2AZIAdAAAAKoBUACQAZKBAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBxwM5Ab8DywNYAqUBkgB0AAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBADRAlUA9AEIADkBdAJ9AMcC1QKKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQEmAAAAWAKlAZIAdAAAAKoBWQKQAfUEAADIAlwCtAAAAMwAagCDAj8CogAAALoAAACJAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJUCAACRA8ECEgA7APQB8wA5Ab8DAAAHAjMAkgB0AAAAzgLJApAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDYQASADsA9AHzAAQFkwHwAFgCpQGSAHQAAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwLKAqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQOOBBIAOwD0AfMAUQJFAksCywKlAZIAQAIAAKoBUACQAfUEAAAyABQDtAAAAO8EagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIAXALMAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAxgIAAJEDBADNgjsA9AHzADkBvwMAAFgCpQGSALUAAACqAVAAkAFNBQAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwP0AfMAOQGbA6kDWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwsCEgAUBfQB8wA5AeQBzwKwAaUBkgBOBAAAqgFQAJAB9QQAAMABFAO0AAAAzABqAIMCqwGiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgDQgrQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwD0AfMAOQEbAwAAWAI2A5IAFQMAAKoBUACQAUUDAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwN3A/QB8wA5AZsDqQOPgaUB0gJ0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJED0wISADsA9AHzADkBvwMYBKgApQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagDUgj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHgEAAA4BXsEEgA7APQB8wA5AYQCAABYAqUBkgB0AAAAqgFQAOAD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAbgBiA5EDpgESABcF9AHzAOwE3wQAAFgC1gKSALQCAACqAVAA0wP1BAAAWgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIA1wIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgC1AvQB8wA5AdgCAABYAjYBkgB0AAAAqgFQAJABFIIAANsEYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA9kCAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQPaAhIAOwD0AfMAOQG/AwAAWAKlAZIAtQAAAKoBUACQAU0FAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQDbAvQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAF8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgC3IKSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMYCAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgC1AAAAqgFQAJABTQUAADIAFAPeAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAxgIAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSALUAAACqAVAA34JNBQAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQGLApACWAKlAZIAkQEAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgDhAvQB8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA4gIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BVQD0AQgAOQF0An0AJQAhAooAdAAAAOMCjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwsCEgAUBfQB8wA5AeQBAACwAaUBkgDkAgAAqgFQAJAB9QQAAMABFAO0AAAAzABqAIMCqwGiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAOkCBAASADsA7gLzADkBvwMAAFgCNgHlAnQAAACqAVAAkAEUggAAMgBgBE8EAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AxgE5gKlAZIAkwAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5AecCAABYAqkAkgB0AAAAqgFZApAB9QQAADIAfgK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHogjkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwD0AfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAyAMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgAZAPQB8wA5Ab8DAABYAqUB6gJ0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMYBOsCpQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQHsAgAAWAKpAJIAdAAAAKoBWQKQAfUEAAAyAH4CtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQB7YI5Ab8DywNYAqUBkgB0AAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9AAAAJEDAAEWATsA9AHzADkBGwElARABKwGSAIIFAACqAQ0FkAH1BAAAMgD8AMgDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAe8CdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DGATwAqUBkgCTAAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkB8QIAAFgCqQCSAHQAAACqAVkCkAH1BAAAMgB+ArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0AfKCOQG/A8sDWAKlAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPQAAACRAwABFgE7APQB8wA5ARsBJQEQASsBkgCCBQAAqgENBZAB9QQAADIA/ADIAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAPQCAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AfUCdAAAAKoBUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DGASoAKUBkgCTAAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMC9gKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJED9wISADsA9AHzAFECRQJLAlgCpQGSAEACAACqAVAAkAH1BAAAMgAUA7QAAADvBGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQP4AgUAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAPkC9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASAJEE9AHzADkBiwKQAlgCYAMFA5EBAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6APoChwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQP7AhIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wD8Ar8DAABYAqUBkgB0AAAAqgFQAF8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAOgEAAJEDbAESADsA9AHzAP0CgAEAAEkBpQGSAHQAAACqAVAAkAH1BAAAVAEUA28BAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA6AQAAkQNsARIAOwD0AfMAOQGAAQAA/gKlAZIAdAAAAKoBUACQAfUEAABUARQDbwEAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA3MBEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAEQX/ApAB9QQAADIASgG0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDWgISADsA9AHzAAQFkwHwAFgCpQGSAAADAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAQMxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgECA5AB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDAwMSADsA9AHzAAQFkwHwAFgCpQGSAHQAAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwDaANEAOQG/AwAA4gClAZIAdAAAAKoBUABfA/UEAAAyAGIABIMAAMwAagCDAtYAogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMYCAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgC1AAAAqgFQAJABTQUAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMYBKgApQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgaDAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwgDEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA2gDRADkBvwMAAOIApQGSAHQAAACqAVAAXwP1BAAAMgBiAAkDAADMAGoAgwLWAKIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQMEABIAOwD0AfMAOQG/AwAACgOlAZIAtQAAAKoBUACQAU0FAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIACwO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAA5AzsA9AHzADkBGwMAAFgCXQKSABUDAAAMAwcDkAFFAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMLAhIAFAX0AfMAOQHkAQAAsAGlAZIATgQAAKoBUACQAfUEAADAARQDtAAAAMwAagCDAqsBogAAALoAAACHAg0DAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgAOAwAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AHzADkBvwMAAFgCNgEPA3QAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AxgEqAClAZIAkwAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAhADogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAxEDEgA7APQB8wBRAkUCSwJYAqUBkgBAAgAAqgFQAJAB9QQAADIAFAO0AAAA7wRqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDEgMFADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUAATg/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgCRBPQB8wA5AYsCkAJYAmADBQORAQAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugD6AocC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAA5AzsA9AHzADkBGwMAAFgCNgOSABUDAACqAVAAkAFFAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAIWA5IAdAAAAKoBUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxASIDAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgA3AfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAABcDFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlQIAAJEDwQISADsA9AHzADkBvwMAABgDMwCSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAGQO/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAKACtAAAAAgCagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADoBAACRA2wBEgA7APQB8wA5AYABAABJAaUBkgB0AAAAqgFQAJABGoMAAFQBFANvAQAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9gQAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA0AwAAkQMEABIAOwD0AccDOQG/A8sDHwOlAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAHAODAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgAdA/QB8wBwAr8DAABrAKUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAB6DngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgMEABIAZgL0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAAAgA6UBkgB0AAAAqgFZApAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAACGDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgBcArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAjAwQAEgA7AC4D8wA5ASkDAABYAqUBkgD0AgAAqgFQAJABVQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBJAMAAFgCpQGSAHQAAACqAVAAkAFLAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0AccDOQG/A8sDWAKlAZIAJQMAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7APQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAACYDYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlQIAAJEDwQISADsA9AHzADkBvwMAACcDMwCSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBKIOQAfUEAAAyAKACtAAAAAgCagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA1oCEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSACoDAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAAArA2AEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJUCAACRA8ECEgA7APQB8wA5Ab8DAAAsAzMAkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAS2DkAH1BAAAMgCgArQAAAAIAmoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNaAhIAOwD0AfMABAWTAfAAWAKlAZIAdAAAAKoBUACQAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5AS8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSADADAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAAAxA2AEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJUCAACRA8ECEgA7APQB8wA5Ab8DAAAyAzMAkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqATODkAH1BAAAMgCgArQAAAAIAmoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNaAhIAOwD0AfMABAWTAfAAWAKlAZIAdAAAAKoBUACQAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAwQNVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNADWD9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAoYApQGSAJEBAACqAU4AkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAAAyADcDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7ADiD8wA5ARsDAABYAjYDkgAVAwAAqgFQAJABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwP0AfMAOQGbA6kDWAKlAZIAdAATAEQFUACQAawDAABzA44DOgMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIsDAACRAwQAEgA7ADuD8wA5Ab8DAABYAqUBkgC1AAAAqgFQAJABTQUAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9AwAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBPgM5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACQAAAJEDDwAWATsA9AE/AzkBGwElARABKwGSAIIFAACqAQ0FkAH1BAAAMgD8ACUCAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwD0AfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPANAAwAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAEED9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAlgCpQGSAEIDAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQAUODAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzAAVAoMCPwKiAAAAugAAAIcC8wIAAAAARIM8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD2BAAAkQMEABIAOwD0AfMAOQG/AwAAWAJGA5IAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBN8EAABHA6UBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgBcAkgDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIASQMAAKoBUACQAU0FAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgBKg/QB8wA5AbYAAABYAjYBkgB0AAAAqgFQAJABFIIAADIAYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSAOEC9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD2BAAAkQNMAxIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5AU0DAABYAqUBkgB0AAAAqgFQAF8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAATgP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAATwMEABIAOwDLBPMAOQGLApACWAKlAZIAkQEAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAlADkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFEDpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCUgMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMYCAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgBTAwAAqgFQAJABTQUAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASAFSD9AHzADkBtgAAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIA4QL0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRA1YDEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA9AHzADkBVwMAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0AccDOQG/A8sDWAKlAZIAdAAAAKoBUABYA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7AMsE8wA5AYsCkAJYAlkDkgCRAQAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFoDpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCWwMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMYCAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgBcAwAAqgFQAJABTQUAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASAF2D9AHzADkBtgAAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIA4QL0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAlgCYAOSAJEBAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABhg2IDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQFjA3QAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AxgEqAClAZIAkwAAAKoBUACQAfUEAABkAxQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJUCAACRA8ECEgA7APQB8wA5Ab8DAAAHAjMAZQN0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMYBKgApQGSAJMAAACqAVAAZgP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAZwOLApACWAKlAZIAkQEAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADoBAACRA2wBEgA7APQB8wA5AYABAABJAaUBkgB0AAAAqgFQAJAB9QQAAFQBFANvAQAAzABog4MCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzAHACvwMAAGsApQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABqAwAAkQOOBAsEOwD0AfMAUQJFAksCBgSlAZIAQAIAAKoBUACQAfUEAAAyABQDtAAAAO8EagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wJrAwAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAABsAwAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAbQMBBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAG6DugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwP0AfMAOQGbA6kDWAKlAZIAdAATAEQFUACQAawDAABwA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHQDAACRA8ECEgA7APQB8wA5Ab8DAAAHAjMAkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAHEDPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAeAQAAHKDewQSADsA9AHzADkBhAIAAFgCpQGSAHQAAACqAVAA4AP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgM5BRIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHQDAACRA8ECEgA7APQB8wA5Ab8DAAAHAjMAkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAKWAnUDWQCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AXaDOQEmAAAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACJAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPQAAACRAwABFgE7APQB8wA5ARsBJQEQASsBkgCCBQAAqgENBZAB9QQAADIA/AC0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3gDPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB5AwAAkQNhABIAOwBzgPMABAWTAfAAWAKlAZIAdAAAAKoBUACQAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCeQAlAFkAigB0AAAAFgCNAE0A9QQAAHoDFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlQIAAJEDwQISADsA9AHzADkBvwMAADYAMwCSAHsDAAAtAFAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwB8A/MAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRA4EDhwM7APQB8wA5Ab8DAABYAn0DkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAAfgP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAA1AMEABIAOwD0AfMAOQGLApACWAKlAZIAkQEAAKoBUACQAfUEAAAyAH8DtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7AICD8wA5ARsDAABYAjYDkgAVAwAAqgFQAJABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACCAwAAkQMEAAUAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCgwMlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgChAOSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAoWDogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA44EEgA7AIaD8wBRAoAASwJYAqUBkgBAAgAAqgFQAJAB9QQAADIAFAO0AAAA7wRqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwP0AfMAOQGbA78CWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAogDAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7AImD8wA5Ab8DAABYAqUBkgD0AgAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACLAwAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAtQAAAKoBUACQAU0FAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQA0QJVAPQBCAA5AXQCfQDHAtUCigB0AAAAFgCNAIwD9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAI2DBAASADsA9AHzADkBiwKQAoYApQGSAJEBAACqAU4AkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wA5ARsDjwNYAjYDkgAVAwAAqgFQAJABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsAkIPzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJMDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAlAMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACVAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJUDBAASADsA9AHzADkBvwMAAFgCpQGWA3QAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AxgEqAClAZIAlwMAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAKQAAACRAwQAEgA7APQBlAA5Ab8DAABYAjYBkgB0AAAAmANQAJABFIIAADIAYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDCwISABQF9AHzADkB5AEAAJkDpQGSAE4EAACqAVAAkAH1BAAAwAEUA7QAAADMAGoAgwKrAaIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKxAZIAdAAAAKoBWQKQAfUEAAAyAJqDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wA5ARsDAABYAl0CkgAVAwAAqgEHA5ABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA5wDpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAJ0DagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ4DAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgEcBZAB9QTNADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUAnwOKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABuAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAoAMAAKoBUADTA/UEAABaABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAKEDAACmAwQAEgC1AqMD8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAANsEYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQgECAJEDBACOAVUA9AEIADkBdAJ9AKKDWQCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQEmAAAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACJAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAKQDAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAIoBaWDWQCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQEmAAAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACJAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAKcDAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9AKiDWQCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQEmAAAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACJAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAAKoDFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlQIAAKuDwQISADsA9AHzADkBvwMAAAcCMwCSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQArQM7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnQEAAJEDVQVvA3cD9AHzADkBmwOpA64DpQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAArwMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAALADAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUAWQCKAHQAAACxA40ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMLAhIAFAX0AfMAOQHkAQAAsAGlAZIAsgMAAKoBUACQAfUEAADAARQDtAAAAMwAagCDAqsBogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAAAYAAQAEgA7APQB8wA5Ab8DAACzAzYBkgB0AAAAqgFQAJABFIIAADIAYARPBAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAbQDkAH1BAAAMgBcArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNaAhIAOwD0AfMABAWTAfAAWAKlAZIAdAAAAKoBUACQAfUEAAC+ABQDUQAAAMwAagCDArUDogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA44EEgA7APQB8wBRAkUCSwJYAqUBkgBAAgAAqgFQAJAB9QQAALYDFAO0AAAA7wRqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlQIAAJEDwQISADsA9AHzADkBvwMAAAcCMwCSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwK3AwAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAC4AwAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIA9AIAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgG5A/QBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAVgAAAGUCngQSADsA9AHzADkBvwPYBIgApQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAC6AwAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAALsDagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgG8A5AB9QTNADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIQUAAJEDYQAdBTsA9AHzAAQFIwXwAB8FpQGSAHQAAACqAVAAJQX1BAAAvgAUA70DAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAtQAAAKoBvoOQAU0FAAAyABQDtAAAAFIAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA2EAEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAMEDVQD0AQgAOQF0An0AJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwN3A/QB8wA5AZsDqQPCg6UBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAF6DBAASADsAUwLDAzkBvwMAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgBcArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADEAwAAkQMAARYBOwD0AfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAxQNVAPQBCAA5AXQCfQAlAPcAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnQEAAJEDVQVvA3cD9AHzADkBmwOpA8aDpQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAXoMEABIAOwBTAvMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPQAAACRAwABFgE7APQB8wA5ARsBJQEQASsBkgCCBQAAqgENBZAB9QQAADIA/ADIAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAxgIAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAMkDAACqAVAAkAFNBQAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIA4ALKg/MAOQG2AAAAWAI2AZIAdAAAAKoBUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQHMA3QAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AxgEqAClAZIAkwAAAKoBUACQAc0DAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAzgNQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDCwISABQF9AHzADkB5AEAALABpQGSAM8DAACqAVAAkAH1BAAAwAEUA7QAAADMAGoAgwKrAaIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAAAyAGAE0AMAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMYCAACRAwQAEgDRA/QB8wA5Ab8DAABYAqUBkgC1AAAAqgFQAJABTQUAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA0oPzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6AFGEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAADUAwQAEgA7APQB8wA5AYsCkAJYAqUBkgCRAQAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBvwPVA1gCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIA1gP0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAADXg54EEgA7APQB8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASAGYC9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwD0AdkDOQEbAwAAWALnA5IAFQMAAKoBUACQAUUDAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPQAAACRAwABFgE7APQB8wA5ARsBJQEQASsB2gOCBQAAqgENBZAB9QQAADIA/AC0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMYBNsDpQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQHcAwAAWAKpAJIAdAAAAKoBWQKQAfUEAAAyAH4CtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQB3YM5Ab8DywNYAqUBkgB0AAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9AAAAJEDAAEWATsA9AHzADkBGwElARABKwGSAIIFAACqAQ0FkAH1BAAAMgD8AMgDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMLAqIEFAX0AfMAOQHkAQAAsAGlAZIATgQAAKoBUACQAfUEAADAARQDtAAAAMwAagCDAqsBogAAALoA34OHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAlgCpQGSAOEDAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQAeKDAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQAEgDjA/QB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzAAVAoMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBOQDpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAeUDdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAADmgwQAEgA7APQB8wA5Ab8DGASoAKUBkgCTAAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7AToAwAAWAKlAZIAYgQAAKoBUADTA/UEAAAyADcDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAOAEAACRAwQAEgA7APQBxwM5Ab8DywNYAqUBkgB0AAAAqgFQAMoE6YMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9gQAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwD0AfMAOQEbAwAAWALrA5IAFQMAAKoBUACQAZwEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBOwDAABYAqUBkgC0AgAAqgFQANMD9QQAADIANwO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA4AQAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygTtAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD2BAAAkQMEABIA7gP0AfMAOQG/A/kDWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7AO8D8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAPADAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQAfGDAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzADyA4MCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBADzAzsA9AHzAHACFgIAAGsApQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwP0AfMAOQGbA6kDWAKlAZIAdAATAEQFUACQAfQDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQArQM7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAPUDPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAeAQAADgFewQSADsA9AHzADkBhAIAAFgCpQGSAHQAAACqAVAA4AP1BAAAMgAUA7QAAADMAGoAgwI/AvYDAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAA9wOlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogCjgLoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA/iDEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD6g/MAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAxgIAAJEDBAASADsA/APzADkBvwMAAFgCpQGSALUAAACqAVAAkAFNBQAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD9AwAAkQMEAAAEAwT0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAP4DAgCRAwQAjgFVAPQBCAA5AXQCKAUlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUA/4OKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABuAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAABaABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEAACRA1UFbwN3A/QB8wA5AZsDvwJYAqUBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAZ4B9AEIADkBdAJ9ACUAAoSKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABuAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAABaABQDtAAAAMwAagCDAj8CogAAALoAH4KHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQEAABlAp4EEgA7APQB8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUABYSKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABuAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAABaABQDtAAAAMwAagCDAj8CogAAALoAIoKHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABwQ7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnQEAAJEDVQUIBHcD9AHzADkBmwOpA1gCpQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQMJBG8DdwP0AfMAOQGbA6kDWAKlAZIAdAATAEQFUACQAawDAABwA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQBWBQqE8wA5Ab8DAABYAqUBkgB0AAAAqgFQAF8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMBAAAkQNVBRIEFQT0AfMAOQGbA6kDWAKlAZIAdAATAEQFDwSQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgGeAfQBCAA5AXQCfQAlAA0EigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAbgBiA5EDpgESABcFDoTzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAWgAUA7QAAADMAGoAgwI/AqIAAAC6AB+ChwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAEAACRA2EAEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUAEYQIADkBdAJ9ACUAWQCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABMEAACRA1UFbwN3A/QB8wA5AZsDqQNYAqUBkgB0ABMARAVQAJABrAMAAHADjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAZ4BFIQIADkBdAJ9ACUAHgKKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgAWBPQB8wA5Ab8D2ARYAqUBkgB3AQAA3gN4AzyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsAF4TzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAGQS0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAA5AzsA9AEaBDkBGwMAAFgCNgOSABUDAACqAVAAkAFFAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwD0AfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAbBPwAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJUCAACRA8ECEgA7APQB8wA5Ab8DAAAHAjMAkgAcBAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsAHQTzADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAHgQAADkEUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7APQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAADIAHwS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAA5AzsA9AHzADkBGwMAAFgCIASSABUDAACqAVAAkAFFAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIAIQQAAKoBUADTA/UEAAAyADcDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgC1AvQB8wA5ASIEAABYAjYBkgB0AAAAqgFQAJABFIIAANsEYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAAjBDsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwP0AfMAOQEkBKkDWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBxwM5Ab8DywMlBKUBkgB0AAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASACYE9AHzADkBvwMAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgBcArQAAACdA2oAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWAKlAZIAJwQAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7ACgE8wA5Ab8DAABYAjYBkgB0AAAAqgF4AZABFIIAADIA2AO0AAAAzABqAHUAPwKiAAAAugBpBDEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsAKQTzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBKgSQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAysEEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA2gDRADkBvwMAAOIApQGSAHQAAACqAVAAXwP1BAAAMgAsBLQAAADMAGoAgwLWAKIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwD0AfMAYwAbAwAAWAItBJIAFQMAAKoBUACQAUUDAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBC4EAABYAqUBkgDqAAAAqgFQANMD9QQAADIANwO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA4AQAAJEDBAASADsA9AHHAzkBvwPLAy8EpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlATAEdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgAxBPQB8wA5Ab8DGASoAKUBkgCTAAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPIAyBAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD2BAAAkQMEABIAMwT0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7ADQE8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsANQTzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBNgSQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAzcEEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA2gDRADkBvwMAAOIApQGSAHQAAACqAVAAXwP1BAAAMgBiADiEAADMAGoAgwLWAKIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAtQAAAKoBUACQAU0FAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwsCEgAUBfQB8wA5AeQBAAD2AaUBkgA6BAAAqgFQAJAB9QQAAMABFAO0AAAAzABqAIMCqwGiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AHzADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBDsEAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQMEABIAPAT0AfMAOQG/AwAAWAKlAZIAtQAAAKoBUACQAU0FAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7AD0E8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugBRhIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsAPgTzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBPwSQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA0AEEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA2gDRADkBvwMAAOIApQGSAHQAAACqAVAAXwP1BAAAMgBBBLQAAADMAGoAgwLWAKIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEADkDOwD0AfMAYwAbAwAAWAJCBJIAFQMAAKoBUACQAUUDAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBEMEAABYAqUBkgDqAAAAqgFQANMD9QQAADIANwO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA4AQAAJEDBAASADsA9AHHAzkBvwPLA0QEpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAUUEdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgBGBPQB8wA5Ab8DGASoAKUBkgCTAAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPIBHBAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD2BAAAkQMEABIASAT0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7AEkE8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsASgTzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBSwSQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA0wEEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA2gDRADkBvwMAAOIApQGSAHQAAACqAVAAXwP1BAAAMgBiAE2EAADMAGoAgwLWAKIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAtQAAAKoBUACQAU0FAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7APQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAADIAYARPBAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAxgIAAJEDBAASAFAE9AHzADkBvwMAAFgCpQGSALUAAACqAVAAkAFNBQAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoAUYSHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFSBJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDUwQSADsA9AHzAAQFkwHwAFgCpQGSAHQAAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwDaANEAOQG/AwAA4gClAZIAdAAAAKoBUABfA/UEAAAyAFQEtAAAAMwAagCDAtYAogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wBjABsDAABYAlUEkgAVAwAAqgFQAJABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwEVgQAAFgCpQGSAOoAAACqAVAA0wP1BAAAMgA3A7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADgBAAAkQMEABIAOwD0AccDOQG/A8sDVwSlAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBWAR0AAAAqgFZApAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASAFkE9AHzADkBvwMYBKgApQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gFoEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQAEgBbBPQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6AFyEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBXQSQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA14EEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA2gDRADkBvwMAAOIApQGSAHQAAACqAVAAXwP1BAAAMgBiAF+EAADMAGoAgwLWAKIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAtQAAAKoBUACQAU0FAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wA5ARsDAABYAmEEkgAVAwAAqgFQAJABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSAGIEAACqAVAA0wP1BAAAMgA3A7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAtQL0AfMAOQFjBAAAWAI2AZIAdAAAAKoBUACQARSCAADbBGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAZAQ7APQBxwM5Ab8DywNYAqUBkgB0AAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnQEAAJEDVQVvA3cD9AHzADkBZQSpA1gCpQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0AccDOQG/A8sDZgSlAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgBnBPQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIAXAK0AAAAnQNqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAGgEAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBeAGQARSCAAAyANgDtAAAAMwAagB1AD8CogAAALoAaQQxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFqBJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDawQSADsA9AHzAAQFkwHwAFgCpQGSAHQAAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwDaANEAOQG/AwAA4gClAZIAdAAAAKoBUABfA/UEAAAyAGwEtAAAAMwAagCDAtYAogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wBjABsDAABYAm0EkgAVAwAAqgFQAJABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwEbgQAAFgCpQGSAOoAAACqAVAA0wP1BAAAMgA3A7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADgBAAAkQMEABIAOwD0AccDOQG/A8sDbwSlAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBcAR0AAAAqgFZApAB9QQAADIAXAK0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASAHEE9AHzADkBvwMYBKgApQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gHIEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQAEgBzBPQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6AHSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBdQSQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA3YEEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA2gDRADkBvwMAAOIApQGSAHQAAACqAVAAXwP1BAAAMgBiAHeEAADMAGoAgwLWAKIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAtQAAAKoBUACQAU0FAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAeQRVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnQEAAJEDVQV6hHcD9AHzADkBmwOpA4+BpQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwP0AfMAOQGbA6kDWAKlAZIAdAATAEQFUACQAawDAABwA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAF8D9QQAADIAFAO0AAAAzABqAHwEPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAioQAADgFiISMBImE9AHzADkBi4QAAFgCpQF9hH4EAACqAVAA4AP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AxgEqAClAZIAkwAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACHhAQAEgA7APQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAADIAYAS0AAAAzABqAHUAPwKiAAAAugB/BDEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgAQ/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB4BAAAOAWBBBIAOwD0AfMAOQGEAgAAWAKlAZIAdAAAAKoBUADgA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAF8D9QQAADIAFAO0AAAAzABqAIIEPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAioQAADgFiISFBImE9AHzADkBi4QAAFgCpQGDhH4EAACqAVAA4AP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAhIQEABIAOwD0AfMAOQG/AxgEqAClAZIAkwAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnQEAAIaEVQVvA3cD9AHzADkBmwOpA1gCpQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkgMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAfAQ/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAeQRVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAhQIAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAjYRVBW8DdwP0AfMAOQGbA6kDWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDjwQFADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgCRBPQB8wA5AYsCkAJYAmADkgCRAQAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6AJKEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAkwT0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAAJQE6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlQQAAJEDwQISADsA9AHzADkBvwMAAAcCMwCSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BVQD0AQgAOQF0ApYCJQBZAIoAdAAAABYAlgRNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA2EAEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgGOAJcE9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAlgCpQGSAJEBAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AJgEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBmQSQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA5oEEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA2gDRADkBvwMAAOIApQGSAHQAAACqAVAAXwP1BAAAMgBiAJuEAADMAGoAgwLWAKIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADGAgAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAtQAAAKoBUACQAU0FAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQAEgA7APQB8wA5Ab8DAABYAkYDkgB0AAAAqgFQAJ2E9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAlgCpQGSAJEBAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwD0AfMAOQG/A6QEWAKlAZIAdAAAAKoBUABfA/UEAAAyAJ8EtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAKAEAACRAwQAOQM7APQB8wA5ARsDAABYAjYDkgAVAwAAqgFQAJABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBoYR9ACUAWQCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0AccDOQG/A8sDWAJ1ApIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwN3A6OE8wA5AZsDqQNYAqUBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQGlBAAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBxwM5Ab8DywNYAqUBkgB0AAAAqgGmBMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDYQASADsA9AHzAAQFkwHwAFgCpQGSAKcEAACqAVAAkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKgEUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwsCEgAUBfQB8wA5AakEAACwAaUBkgBOBAAAqgFQAJAB9QQAAMABFAO0AAAAzABqAIMCqwGiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAqgQAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BOUBMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAKsEVQD0AQgAOQF0An0AJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwN3A/QB8wA5AZsDqQPCg6UBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCrISiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDjgQSADsA9AHzAFECRQJLAlgCpQGSAEACAACqAVAAkAH1BAAAMgAUA7QAAADvBGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/A7QEWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtACuBMwAagCDAj8CogCjgLoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAK8EAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAJ9ACUAsASKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABuAGIDkQOmAbEEFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAABaABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACyhFUFbwN3A/QB8wA5AZsDqQNYAqUBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BVQD0AQgAOQF0An0AJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAALUEAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBtgR9ACUAWQCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0AccDOQG/A8sDWAJ1ApIAtwQAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgC4BPQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAADIAYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngS5BDsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAC6BAAAkQNVBW8DdwP0AfMAOQGbA6kDWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgGeAfQBCAA5AXQCfQAlAB4CigB0AAAAFgC7BE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDYQASADsA9AHzAAQFkwHwAFgCpQGSALyEAACqAY4AkAH1BAAAvgAUA1EAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAxgQ7APQB8wA5Ab8DAABYAr4EkgB0AAAA9QFQAJAB9QQAAMIEFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSAL8EAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAwAT0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAADbBGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAsGEkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcFeoXzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACVAgAAkQPBAhIAOwD0AfMAOQG/AwAAwwQzAJIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFZApAB9QQAADIAoAK0AAAAxARqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAMWEAACqARwFkAH1BM0AMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwB5hfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwN3A/QB8wA5AccEvwJYAqUBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDyAQSADsA9AHHAzkBvwPLA5wDpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwD0AcmEOQG/AwAAWAKlAZIAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPQAAACRAwABFgE7AHuF8wA5ARsBJQEQASsBkgCCBQAAqgENBZAB9QQAADIA/AC0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsAywTzADkBiwKQAlgCpQGSAJEBAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEANQEOwD0AfMAOQG/AwAAWALMBJIAdAAAAPUBUACQAfUEAADQBBQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBN8EAABYAqUBkgDNBAAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASAM4E9AHzADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAA2wRgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWALPhJIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBX2F8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlQIAAJEDwQISADsA9AHzADkBvwMAANEEMwCSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAKACtAAAANIEagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgDThAAAqgEcBZAB9QTNADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsAfIXzADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdAQAAkQNVBW8DdwP0AfMAOQHVBL8CWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRA9YEEgA7APQBxwM5Ab8DywOcA6UBkgB0AAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA9AHXhDkBvwMAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwB+hfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAPZBAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAxgIAAJED2oQSADsA9AHzADkBvwMAAFgCpQGSALUAAACqAVAAkAFNBQAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJUCAACRA8ECEgA7APQB8wA5Ab8DAAAHAjMAkgDcBAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASADsA9AHzADkBvwMAAFgCNgGSAHQAAADdBFAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMLAhIAFAX0AfMAOQHehAAAsAGlAZIATgQAAKoBUACQAfUEAADAARQDtAAAAMwAagCDAqsBogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBxwM5Ab8DywNYAqUBkgB0AAAAqgFQAMoE9QTlATIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA4AQAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAMEDVQD0AQgAOQF0An0AJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAOEEagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAADiBKUBkgB0AAAAqgEcBZAB9QTNADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASAOOE9AHzADkBvwMAAFgCpQGSAHQAAACqAVkCkAH1BAAAMgBcArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAADlBKUBkgD0AgAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgC5gSSAHQAAACqAVkCkAH1BAAAMgBcArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7ATfBAAAWALpBJIAtAIAAKoB5wTTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA2EAEgA7APQB8wAEBZMB8ABYAqUBkgB0AAAAqgFQAJAB9QQAAL4AFANRAAAAzABqAIMC6ISiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDjgQSADsA9AHzAFECRQJLAlgCpQGSAEACAACqAVAAkAH1BAAAMgAUA7QAAADvBGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQOmARIAFwX0AfMA7ATfBAAAWAKlAZIA6gQAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgC1AvQB8wA5AeuEAABYAjYBkgB0AAAAqgFQAJABFIIAANsEYAS0AAAAzABqAHUAPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA6AQAAkQNsAe0EOwD0AfMAOQGAAQAASQGlAZIAdAAAAKoBUACQAfUEAABUARQDbwEAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwN3A+6E8wA5AZsDqQNYAqUBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIA8gT0AfMAOQG/AwAAWAKlAfAEdAAAAKoBHAWQAfUEzQAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DGASoAKUBkgCTAAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugDxhIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA84SHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD2BAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5AXQCfQAlAFkAigB0AAAAFgCNAE0A9QQAACwA9wS0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAA5AzsA9AH4BDkBGwMAAFgCNgOSABUDAACqAVAAkAFFAwAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwD0AfMAOQEbASUBEAErAZIA+QQAAKoBDQWQAfUEAAAyAPwAtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEBAACRAwQAEgA7APQB8wA5Ab8DAABYAjYBkgB0AAAAqgFQAJABFIIAAIMFYAS0AAAAzABqAPqEPwKiAAAAugAAADEB8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAeAQAADgFewQSADsA9AHzADkBhAIAAFgCdgCSAHQAAACqAVAA4AP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAAAyAPwEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB/QQ5ARsDAABYAmEEkgAVAwAAqgFQAJABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9AAAAJEDAAEWATsA9AHzADkBGwElARABKwGSAP4EAACqAQ0FkAH1BAAAMgD8ALQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIA/wT0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAACDBWAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAqUBkgB3AQAA3gNyAACF9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAD0ABAASADsAvQTzADkBiwKQAlgCpQGSAJEBAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQIFMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFA4UwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAKBQAAkQNsARIAOwD0AfMAOQGAAQcFSQGlAZIAdAAAAKoBUAAFBfUEAABUARQDbwEAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7AAaF8wA5AYsCkAJYAqUBkgCRAQAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAIIBZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBQmF8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BRQH0AQgAOQF0An0AJQALBYoAdAAAABYAOwFNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAG4AYgORA6YBEgAXBQyF8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAAFoAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNhABIAOwD0AfMABAWTAfAAWAKlAZIAdAAAAKoBUAAOBfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5AQ8FkAJYAqUBkgCRAQAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAjAIAAJEDBAASADsAEIXHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwsCEgAUBfQBEgU5AeQBAACwAaUBkgBOBAAAqgFQAJAB9QQAAMABFAO0AAAAzABqAIMCqwGiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9AAAAJEDAAEWATsAE4XzADkBGwElARABKwGSAIIFAACqAQ0FkAH1BAAAMgD8ALQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAqUBkgB3AQAA3gNyABWF9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAD0ABAASADsAFoXzADkBiwKQAlgCpQGSAJEBAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAMYEOwD0AfMAOQG/AwAAWAK+BJIAdAAAAPUBUACQAfUEAADCBBQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAqUBkgB3AQAA3gNyABiF9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAD0ABAASADsAvQTzADkBiwKQAlgCpQGSABkFAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARqFAAAyAGAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAAAbhQQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzAAVAoMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJIDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAhBQAAkQNhAB0FOwD0AfMABAUjBfAAHwWlAZIAdAAAAKoBUAAlBfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJ0BAACRA1UFbwN3Ax6F8wA5AZsDqQNYAqUBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwAghfMAOQG/AwAAWAKlAZIAdAAAAKoBWQKQAfUEAAAyAFwCtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUAIoUIADkBdAJ9ACUAWQCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAL4COwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7ACSFxwM5Ab8DywNYAqUBkgCUAQAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwAmhfMAOQGLApACWAKlAZIAkQEAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAvgI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAVUA9AEIADkBdAIoBSUAWQCKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAIpBZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAYgORA6YBEgAXBfQB8wDsBN8EAABYAqUBkgC0AgAAqgFQANMD9QQAADIAFAO0AAAAzABqAIMCKoWiAAAAugAAAIcC5AQAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDjgQSADsA9AHzAFECgABLAlgCKwWSAEACAACqAVAAkAH1BAAAMgAUA7QAAADvBGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAGIDkQMsBRIAFwX0AfMA7ATfBAAAWAKlAZIAtAIAAKoBUADTA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAuQEAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAC0F9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBiwKQAlgCYAOSAC4FAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQAZKBAAAyAC+FtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAOQM7APQB8wA5ARsDAABYAmEEkgAVAwAAqgFQAJABRQMAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADEFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlATIFdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMQV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DGAQzBaUBkgCTAAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCqQCSAHQAAACqAVkCkAH1BAAAMgA0BbQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1BQAAkQMEADkDOwD0AfMAOQEbAwAAWAJ/ApIAFQMAAKoBBwOQAUUDAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFVAPQBCAA5ATYFfQAlAFkAigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AHHAzkBvwPLA1gCdQKSAHQAAACqAVAAygQ3hQAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD2BAAAkQMEABIAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAzkFEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAOgUAAJEDBAAFADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BVQD0AQgAOQF0AjsFJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAjwFkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI9haIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAPgWOBBIAOwD0AfMAUQKAAEsCWAKlAZIAQAIAAKoBUACQAfUEAAAyABQDtAAAAO8EagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACSAwQAEgA7APQB8wA5Ab8DAABYAqUBPwV0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAUAAJEDBAASADsA9AHzADkBvwMYBKgApQGSAJMAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BQQX0AQgAOQF0An0AJQBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAFYAAABlAp4EEgA7APQB8wA5Ab8D2ARCBaUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAiYAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAUOFkAH1BAAAMgBcArQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNaAhIAOwD0AfMABAWTAfAAWAKlAZIAdAAAAKoBUACQAfUEAAC+ABQDUQAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwsCRQUUBfQB8wA5AeQBAACwAaUBkgBOBAAAqgFQAJAB9QQAAMABFAO0AAAAzABqAIMCqwGiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAARgUAAJEDVQVvA3cD9AHzADkBmwOpA1gCpQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BRwX0AQgAOQF0An0AJQAeAooAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAFYAAABlAp4EEgBIBfQB8wA5Ab8D2ASIAKUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwJJBQAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNKBRIAOwD0AaGBOQG/AwAAWAKlAZIA9AIAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5AUsFAABYAqUBkgB0AAAAqgFQAF8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AFMhTkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwD0AfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAyAMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPYEAACRAwQAEgBOBfQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA08FAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/A7QEWAKlAZIAdAAAAKoBUACQAfUEAABQBRQDtACuBMwAagCDAj8CogCjgLoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJUCAACRA8ECEgA7AFEF8wA5Ab8DAAAHAjMAkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBABSBTsA9AHzADkBbAUAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABlBQAAkQNVBW8DdwP0AfMAOQGbA78CWAKlAZIAdAATAEQFUACQAawDAABzA44DigMAAMwAagCDAj8CogAAALoAAACHAlMFAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQBVIU5Ab8DAABYAqUBkgD0AgAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9AAAAJEDAAEWATsA9AHzADkBGwElARABKwGSAIIFAACqAQ0FkAH1BAAAMgD8ALQAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAVgX0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAlcFkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAABYBVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMLAhIAFAX0AfMAOQFZBQAAsAGlAZIATgQAAKoBUACQAfUEAADAARQDtAAAAMwAagCDAqsBogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBxwM5Ab8DywNYAqUBkgBaBQAAqgFQAMoE9QTlATIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQQEAAJEDBAASAFsF9AHzADkBvwMAAFgCNgGSAHQAAACqAVAAkAEUggAAMgBgBLQAAADMAGoAdQA/AqIAAAC6AAAAMQHzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwBcBfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAXQU7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAXgUAAJEDVQVvA3cD9AHzADkBmwO/AlgCpQGSAHQAEwBEBVAAkAGsAwAAcwOOA4oDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BXwX0AQgAOQF0An0AJQAeAooAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAFYAAABlAp4EEgBgBfQB8wA5Ab8D2ASIAKUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAIAAGUCngQSADsA9AHzADkBvwPYBFgCpQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwJhBQAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNiBRIAOwD0AaGBOQG/AwAAWAKlAZIA9AIAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5AWMFAABYAqUBkgB0AAAAqgFQAF8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDBAASADsA9AFkhTkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD0AAAAkQMAARYBOwD0AfMAOQEbASUBEAErAZIAggUAAKoBDQWQAfUEAAAyAPwAyAMAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAgCRAwQAjgFmBfQBCAA5AXQCfQAlAB4CigB0AAAAFgCNAE0A9QQAACwAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAVgAAAGUCngQSAGcF9AHzADkBvwPYBIgApQGSAHcBAADeA3IAPID1BAAAMgDqA/sDAADMAGoAgwJpA60EAAC6APSEhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAgAAZQKeBBIAOwD0AfMAOQG/A9gEWAKlAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAmgFAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRA2kFEgA7APQBoYE5Ab8DAABYAqUBkgD0AgAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAAFADsA9AHzADkBagUAAFgCpQGSAHQAAACqAVAAXwP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAwAAkQMEABIAOwD0AWuFOQG/A8sDWAKlAZIAdAAAAKoBUADKBPUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPQAAACRAwABFgE7APQB8wA5ARsBJQEQASsBkgCCBQAAqgENBZAB9QQAADIA/ADIAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAMAAJEDbQUSADsA9AHHAzkBvwPLA1gCpQGSAHQAAACqAVAAygT1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQNuBQUAOwD0AfMAOQG/AwAAWAKlAZIAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQABQA7APQB8wA5Ab8DAABYAm8FkgB0AAAAqgFQAF8D9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQBiA5EDpgESABcFcAXzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEAHEFOwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHIFAACRA1UFbwN3A/QB8wA5AZsDvwJYAqUBkgB0ABMARAVQAJABrAMAAHMDjgOKAwAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQACAJEDBACOAXMF9AEIADkBdAJ9ACUAHgKKAHQAAAAWAI0ATQD1BAAALAAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABWAAAAZQKeBBIAdAX0AfMAOQG/A9gEiAClAZIAdwEAAN4DcgA8gPUEAAAyAOoD+wMAAMwAagCDAmkDrQQAALoA9ISHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACACAABlAp4EEgA7APQB8wA5Ab8D2ARYAqUBkgB3AQAA3gNyADyA9QQAADIA6gP7AwAAzABqAIMCaQOtBAAAugD0hIcCdQUAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDdgUSADsA9AGhgTkBvwMAAFgCpQGSAPQCAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEAAUAOwD0AfMAOQF3BQAAWAKlAZIAdAAAAKoBUABfA/UEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMADAACRAwQAEgA7APQBeIU5Ab8DywNYAqUBkgB0AAAAqgFQAMoE9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9AAAAJEDAAEWATsA9AHzADkBGwElARABKwGSAIIFAACqAQ0FkAH1BAAAMgD8AMgDAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEALsCOwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAuAI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAnBQAAkQMEALsCOwD0AfMAOQG/AwAAWAKlAZIAdAAAAPUBUACQAfUEAAAyABQD3QIAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcFAACRAwQAuAI7APQB8wA5Ab8DAABYAqUBkgB0AAAA9QFQAJAB9QQAADIAFAPdAgAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJwUAAJEDBAC+AjsA9AHzADkBvwMAAFgCpQGSAHQAAAD1AVAAkAH1BAAAMgAUA90CAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkQMEABIAOwD0AfMAOQG/A4CFWAKlAZIAdAAAAKoBUACQAfUEAAAyABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBYGFMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACRAwQAEgA7APQB8wA5Ab8DAABYAqUBkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJEDBAASADsA9AHzADkBvwMAAFgCpQGSAHQAAACqAVAAkAH1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLzAgAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBAQAAkQMEABIAOwD0AfMAOQG/AwAAWAI2AZIAdAAAAKoBUACQARSCAACDBWAEtAAAAMwAagB1AD8CogAAALoAAAAxAfMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJUCAACRA8ECEgA7APQB8wA5Ab8DAAAHAoQFkgB0AAAAqgFQAJAB9QQAADIAFAO0AAAAzABqAIMCPwKiAAAAugAAAIcC8wIAAAAAAAA8AwAAAAAAAAEFAAAwBX8FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAhYViA5EDpgESABcF9AHzAOwE3wQAAFgCpQGSALQCAACqAVAA0wP1BAAAMgAUA7QAAADMAGoAgwI/AqIAAAC6AAAAhwLkBAAAAAAAADwDAAAAAAAAAQUAADAFfwUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAIAkQMEAI4BVQD0AQgAOQF0An0ANYBZAIoAdAAAABYAjQBNAPUEAAAsABQDtAAAAMwAagCDAj8CogAAALoAAACHAvMCAAAAAAAAPAMAAAAAAAABBQAAMAV/BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "outputs": [null, null, null, [0], null, null, null, [1], null, null, null, null, null, null, [2], null, null, [3], null, null, null, [4], null, null, null, null, null, null, null, null, [77, 119], null, null, null, [77, 116], null, [5], null, null, null, null, null, null, [6, 7], null, null, null, null, null, [8], null, null, null, [9], null, null, null, null, [10], null, [207], null, null, null, null, [223], null, null, null, null, null, null, [11], null, [77], null, [12], null, null, [13], null, null, null, null, [14], null, null, null, [15, 16], null, null, null, null, null, null, null, [17], null, null, null, null, null, null, null, null, [17], null, null, null, [17], null, null, null, [17], null, [18], null, null, null, [18], null, null, null, [77], [18], null, null, [77], null, null, null, null, [18], [19], null, [19], null, [19], null, null, [19], null, null, [19], null, [20, 207], null, null, null, null, null, null, null, null, null, null, [77], [150], null, null, [77, 116], [21], null, [22], null, null, null, [23], null, null, null, null, null, null, null, [24, 25], null, null, null, [26, 27], null, null, null, null, null, [28], null, null, null, [29], null, null, null, null, null, null, [30], null, null, null, null, null, null, [31, 32, 33], null, null, null, null, [33], null, null, null, null, [34], null, null, null, [35], null, null, null, [77], null, null, null, [35, 77, 116], null, null, null, null, null, [36], [37, 38], null, null, null, null, null, null, [39], null, null, [40, 41], null, null, null, [42, 225, 77], null, null, null, null, [43], null, null, null, [44, 77, 116], null, null, null, null, null, [45], null, null, null, null, [46], null, null, null, null, [47], null, null, null, null, null, [48, 49, 50], null, null, null, null, [51], null, null, null, null, null, [52], null, null, null, [53, 54, 55], null, null, null, null, null, [56], null, null, null, null, null, [57], null, null, [58], null, [59], null, null, [60], null, null, null, null, null, null, null, [61, 63], null, null, [62], [62], null, null, null, [64], null, null, null, null, null, null, [65, 66], null, null, null, [67], null, null, null, null, [68], null, null, null, null, null, null, null, null, null, [69, 71], null, null, null, null, null, null, null, null, [70], null, null, [72], null, [72], null, [72], null, null, null, [73], null, null, null, null, [77, 119], null, null, null, [74, 77, 116], null, null, null, null, null, null, null, null, [75], null, [76], null, null, [77], null, [77], null, null, [77, 116], null, null, null, null, null, null, null, null, [77], [77], null, null, null, null, [77], null, null, [77, 105], null, null, null, null, [77], null, null, null, [78], null, [78, 228], null, null, null, null, null, null, null, null, null, [79], null, [80], null, [81], null, [82], null, null, null, null, [83], null, null, [84], null, null, null, null, [85], null, [86], null, null, null, [87], null, null, null, null, null, [88], null, null, null, [89], null, null, null, [90, 91], null, null, [92], null, null, null, null, null, null, null, [93], null, null, [94, 95], null, null, null, null, [96], null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, [97], null, null, [98], null, null, null, [99, 127], null, null, null, null, null, null, null, null, [99], [116], null, null, null, null, null, [100], [101], null, [102], null, [103], null, null, [103], null, [104], null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, [105, 77], null, null, null, null, null, [106], null, null, null, null, null, [107], null, null, null, null, null, [108], null, [109], null, null, null, null, [110], null, null, null, [111], null, null, null, null, null, null, [112], null, [113], null, null, null, null, null, null, null, [113], null, null, [113], null, null, null, [114, 115], null, null, null, null, null, null, null, null, null, [114, 115], null, null, null, [113], [114, 115], null, null, null, [114, 115], null, null, null, [117], null, null, null, null, [118], null, null, null, null, [120, 121], null, null, null, null, null, null, null, null, null, null, [122], null, null, null, null, [77], [123], null, null, [124], null, null, null, null, [125, 126], null, null, [125, 126], null, null, [125, 126], null, null, null, [127], null, null, [128], null, null, [128], null, null, [128], null, null, null, null, [129, 130], null, null, null, null, null, null, null, [131], null, null, [132, 133, 134], null, null, null, [135], null, null, null, null, null, null, null, [136], null, null, [137], null, null, null, null, null, null, null, null, [138, 139], null, null, null, null, [138, 139], null, null, null, null, [138, 139], null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, [140], null, [140], null, null, null, null, null, null, null, null, null, null, null, null, [140], null, null, null, null, null, null, [141], null, null, null, [142], null, null, [143], null, null, null, null, null, null, [144], null, null, null, null, [144], null, null, null, null, null, [144], null, [145], null, null, [146], null, null, [147], null, null, null, null, null, null, null, [77, 116], [148], null, null, null, null, null, [149], null, null, null, null, null, null, null, null, null, [149], null, null, null, null, null, null, null, null, [149], [150], null, null, [151], null, null, null, null, null, null, [152], null, null, null, null, null, [153], null, null, null, [154], null, null, null, [155, 156, 157], null, null, null, null, null, null, null, null, null, [158], null, null, null, null, [77], [159], null, null, [160], null, null, null, [161], null, null, [162], null, null, null, null, null, null, null, null, null, [163, 221], null, null, null, null, null, null, null, [164], null, null, [164], null, null, [164], null, null, [165], null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, [166], null, null, null, [77], null, null, null, [167, 42, 225, 77], null, null, null, [168], null, null, null, null, null, null, null, [169], null, null, null, null, [170], null, null, null, null, null, [171, 172], null, [173, 238], null, null, [77, 116], null, null, null, [174], null, null, [175], null, null, null, null, null, null, null, [116], null, null, null, null, null, null, [176], null, [177], null, null, null, null, [178], null, null, [179], null, null, [180], null, null, null, null, [181], null, null, null, [182, 230], null, null, [183, 230], null, null, [184, 230], null, null, [185, 230], null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, [186], null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, [186], null, null, null, [216], null, null, null, null, null, null, null, null, null, null, [216], null, null, [187], null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, [216], null, null, [187], null, null, [188], null, null, [189, 192], null, null, null, null, null, [189, 192], [190], null, [190, 195], [191, 195], [193], [193], [194], [194], null, [195], null, null, null, null, [216], null, null, null, null, null, null, null, null, [196], null, [197], null, null, null, [198], null, [199], null, null, null, null, null, null, null, null, [199], null, null, null, null, null, [200], [200], null, null, null, null, null, null, null, null, [201], null, null, null, null, [202], null, null, null, [202], null, null, null, [202], null, null, null, null, null, [202], null, null, null, [202], null, null, null, [202], null, null, [203, 204], null, null, null, [205], null, null, null, null, [206], null, null, null, null, [208], null, null, [209, 210, 211, 212, 213], null, null, [214], null, null, [215], null, [216], [216], null, null, null, null, null, [217, 218, 219], null, null, null, null, null, [220, 207], null, null, [222], null, null, [224], null, null, [224], null, null, [224], null, null, null, [226], null, null, [227], null, [207], [229], null, [207], null, [77, 116], [231], null, null, [232], null, [232], null, [232], null, [232], null, [232], null, null, null, [77], null, null, null, null, [233, 77], null, null, null, null, null, null, null, [234], null, null, null, null, null, [77], null, null, null, null, null, [235], null, null, null, null, null, null, null, null, [236, 77, 105], null, null, null, null, null, null, null, [236], null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, [236, 77, 105], null, null, null, null, null, null, [236, 77, 105], null, null, null, null, null, null, null, null, null, null, null, null, [236, 77, 105], [237, 99, 127], [237, 127], [237], [237, 99, 127], [237, 127], [237], null, [239], [239], null, null, null, [240]], "overlap": 33, "rules": 241 };

;// CONCATENATED MODULE: ../../packages/core/src/secrets/learned-values.ts
/**
 * Shorter values would be redacted inside ordinary words; a rule's secret is rarely this short. Only
 * printable ASCII without spaces is remembered: that is what tokens, keys and passwords are made of,
 * and it keeps key-block headers and joined multi-line matches out.
 */
const LEARNABLE = /^[\x21-\x7e]{8,1024}$/;
/** Markers we write and placeholders other sanitisers write are never secrets themselves. */
const SANITISED = /REDACTED/;
/** Bounds the filter's lists and the cost of a line (each spelling adds at most five grams). */
const MAX_SPELLINGS = 2000;
const ANCHOR = /[A-Za-z0-9]{4,}/g;
const ANCHOR_LENGTH = 8;
/**
 * A spelling whose anchor is at least this long is found through the gram filter (see GramFilter):
 * any occurrence of the anchor covers four consecutive start positions of its four-byte grams.
 */
const FILTERED_ANCHOR = 7;
/** The filter's bitmap: 2^18 bits (32 KiB) keeps a few percent of its bits set at MAX_SPELLINGS. */
const BITMAP_BITS = 18;
/** The longest run of letters and digits in `s`, at most ANCHOR_LENGTH long: what the filter looks for. */
function anchorOf(s) {
    let best = '';
    for (const m of s.matchAll(ANCHOR))
        if (m[0].length > best.length)
            best = m[0];
    return best ? best.slice(0, ANCHOR_LENGTH) : null;
}
/** The four bytes of `s` from `at` as one little-endian 32-bit word (what a Uint32Array reads). */
const gramAt = (s, at) => (s.charCodeAt(at) | (s.charCodeAt(at + 1) << 8) | (s.charCodeAt(at + 2) << 16) | (s.charCodeAt(at + 3) << 24)) >>> 0;
const slot = (word) => Math.imul(word, 0x9e3779b1) >>> (32 - BITMAP_BITS);
/**
 * Finds which anchors (ASCII runs of 7 or 8 letters and digits) may occur in bytes by reading only one
 * aligned 32-bit word in four. An anchor of length L occurring at s holds the grams starting at s..s+L-4,
 * at least four consecutive positions, so one of them is a multiple of four: every gram of every anchor
 * is in the filter, and each word read is looked up in it (a bitmap first, then the exact word). A new
 * value is added in place, so nothing is ever rebuilt, and a line costs a quarter of a pass over it in
 * plain loads: the automata this replaces made two wasm passes a line plus rebuilds, most of the
 * redaction thread's time on a transcript that keeps yielding secrets.
 */
class GramFilter {
    bitmap = new Int32Array(1 << (BITMAP_BITS - 5));
    grams = new Map();
    seen = [];
    stamp = 0;
    add(anchor, member) {
        for (let at = 0; at + 4 <= anchor.length; at++) {
            const word = gramAt(anchor, at);
            const h = slot(word);
            this.bitmap[h >>> 5] |= 1 << (h & 31);
            const list = this.grams.get(word);
            if (!list)
                this.grams.set(word, [member]);
            else if (!list.includes(member))
                list.push(member);
        }
    }
    /** The members whose anchor may occur in `bytes` (each once; a superset, checked by the caller). */
    candidates(bytes, out) {
        if (bytes.length < FILTERED_ANCHOR)
            return;
        this.stamp += 1;
        const stamp = this.stamp;
        // Aligned words of the underlying buffer: the first whole word at or after the start, the last
        // that ends at or before the end.
        const base = bytes.byteOffset;
        const first = (base + 3) >>> 2;
        const last = (base + bytes.length) >>> 2;
        const words = new Uint32Array(bytes.buffer, 0, last);
        const bitmap = this.bitmap;
        for (let i = first; i < last; i++) {
            const word = words[i];
            const h = Math.imul(word, 0x9e3779b1) >>> (32 - BITMAP_BITS);
            if ((bitmap[h >>> 5] & (1 << (h & 31))) === 0)
                continue;
            const list = this.grams.get(word);
            if (!list)
                continue;
            for (const m of list) {
                if (this.seen[m] === stamp)
                    continue;
                this.seen[m] = stamp;
                out.push(m);
            }
        }
    }
}
/**
 * Spellings with an anchor of 7 or 8 letters and digits (nearly every token, key and password) are
 * looked for through a gram filter over the line's bytes; the others, one by one.
 */
class LearnedValues {
    spell;
    exclude;
    known = new Set();
    spellings = [];
    filter = new GramFilter();
    filtered = 0;
    /** Spellings without a long enough anchor: always searched one by one. */
    direct = [];
    /**
     * The last text looked at and what it held: one line is asked about two or three times in a row
     * (is it clean, where are the hits, the learned pass), and each ask would be a pass.
     */
    lastText;
    lastFound = [];
    /** Some value learned holds a quote or a backslash, which JSON escapes (see plainInJson). */
    escaped = false;
    /** `exclude`: spellings already searched for (the mask values). */
    constructor(spell, exclude) {
        this.spell = spell;
        this.exclude = exclude;
    }
    get size() {
        return this.spellings.length;
    }
    /** What this stream learned, every spelling of every value. */
    list() {
        return this.spellings.map((s) => ({ ...s }));
    }
    /** A searcher for spellings a stream learned, for a pass over text that stream saw before it learned them. */
    static of(spellings) {
        const values = new LearnedValues((v) => [v], new Set());
        for (const s of spellings)
            values.push({ ruleId: s.ruleId, text: s.text });
        return values;
    }
    /** Remembers a secret; true when it was not known yet. */
    add(ruleId, value) {
        if (!LEARNABLE.test(value) || SANITISED.test(value) || this.known.has(value) || this.exclude.has(value))
            return false;
        if (this.spellings.length >= MAX_SPELLINGS)
            return false;
        this.known.add(value);
        if (/["\\]/.test(value))
            this.escaped = true;
        for (const text of new Set(this.spell(value)))
            if (!this.exclude.has(text))
                this.push({ ruleId, text });
        return true;
    }
    push(spelling) {
        this.lastText = undefined;
        const i = this.spellings.length;
        this.spellings.push(spelling);
        const anchor = anchorOf(spelling.text);
        if (anchor && anchor.length >= FILTERED_ANCHOR) {
            this.filter.add(anchor, i);
            this.filtered += 1;
        }
        else
            this.direct.push(i);
    }
    /** The spellings that occur in `text` (`bytes`: its UTF-8 bytes, when the caller has them). */
    present(text, bytes) {
        if (this.spellings.length === 0)
            return [];
        if (text === this.lastText)
            return this.lastFound;
        const out = this.search(text, bytes);
        this.lastText = text;
        this.lastFound = out;
        return out;
    }
    search(text, bytes) {
        const out = [];
        if (this.filtered > 0) {
            // The filter reads bytes: a text is given to it as Latin-1. A character above U+00FF becomes
            // some byte, which can only add candidates (each is checked in the text below); the anchors are
            // ASCII, and ASCII characters keep their bytes, so none is missed.
            const scanned = bytes ?? Buffer.from(text, 'latin1');
            const found = [];
            this.filter.candidates(scanned, found);
            for (const k of found.sort((a, b) => a - b)) {
                const s = this.spellings[k];
                if (text.includes(s.text))
                    out.push(s);
            }
        }
        for (const i of this.direct)
            if (text.includes(this.spellings[i].text))
                out.push(this.spellings[i]);
        return out;
    }
    /**
     * False when no learned spelling can occur in these bytes (a line read one character per byte): the
     * filter's pass over bytes, before anything is decoded. True means: look with holds().
     */
    mayHoldBytes(bytes) {
        if (this.spellings.length === 0)
            return false;
        if (this.direct.length > 0)
            return true;
        const found = [];
        this.filter.candidates(bytes, found);
        return found.length > 0;
    }
    /**
     * True when no value learned holds a quote or a backslash. Then a JSON text without `\u` or `\/`
     * escapes whose string literals, decoded, hold a learned spelling also holds it itself: JSON encodes
     * character by character, and encodes each of these values' characters as itself.
     */
    plainInJson() {
        return !this.escaped;
    }
    holds(text, bytes) {
        return this.present(text, bytes).length > 0;
    }
    /** The learned spellings that occur in `text`. */
    presentIn(text) {
        return this.present(text);
    }
    /** Every occurrence of every learned value in `text`; `among`: only of these spellings (the caller knows no other occurs). */
    hits(text, among) {
        const hits = [];
        for (const s of among ?? this.present(text))
            for (let i = text.indexOf(s.text); i >= 0; i = text.indexOf(s.text, i + s.text.length))
                hits.push({ ruleId: s.ruleId, start: i, end: i + s.text.length });
        return hits;
    }
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/gitleaks-rules.generated.ts
const gitleaksGlobalAllowlists = [
    {
        "description": "global allow lists",
        "condition": "OR",
        "regexTarget": "secret",
        "regexes": [
            {
                "source": "^true|false|null$",
                "flags": "i"
            },
            {
                "source": "^(?:[aA]+|[bB]+|[cC]+|[dD]+|[eE]+|[fF]+|[gG]+|[hH]+|[iI]+|[jJ]+|[kK]+|[lL]+|[mM]+|[nN]+|[oO]+|[pP]+|[qQ]+|[rR]+|[sS]+|[tT]+|[uU]+|[vV]+|[wW]+|[xX]+|[yY]+|[zZ]+|\\*+|\\.+)$",
                "flags": ""
            },
            {
                "source": "^\\$(?:\\d+|{\\d+})$",
                "flags": ""
            },
            {
                "source": "^\\$(?:[A-Z_]+|[a-z_]+)$",
                "flags": ""
            },
            {
                "source": "^\\${(?:[A-Z_]+|[a-z_]+)}$",
                "flags": ""
            },
            {
                "source": "^\\{\\{[ \\t]*[\\w ().|]+[ \\t]*}}$",
                "flags": ""
            },
            {
                "source": "^\\$\\{\\{[ \\t]*(?:(?:env|github|secrets|vars)(?:\\.[A-Za-z]\\w+)+[\\w \"'&./=|]*)[ \\t]*}}$",
                "flags": ""
            },
            {
                "source": "^%(?:[A-Z_]+|[a-z_]+)%$",
                "flags": ""
            },
            {
                "source": "^%[+\\-# 0]?[bcdeEfFgGoOpqstTUvxX]$",
                "flags": ""
            },
            {
                "source": "^\\{\\d{0,2}}$",
                "flags": ""
            },
            {
                "source": "^@(?:[A-Z_]+|[a-z_]+)@$",
                "flags": ""
            },
            {
                "source": "^/Users/[a-z0-9A-Z]+/[\\w .-/]+$",
                "flags": ""
            },
            {
                "source": "^/(?:bin|etc|home|opt|tmp|usr|var)/[\\w ./-]+$",
                "flags": ""
            }
        ],
        "stopwords": [
            "014df517-39d1-4453-b7b3-9930c563627c",
            "abcdefghijklmnopqrstuvwxyz"
        ],
        "hasPaths": true
    }
];
const gitleaksRules = [
    {
        "id": "1password-secret-key",
        "description": "Uncovered a possible 1Password secret key, potentially compromising access to secrets in vaults.",
        "goRegex": "\\bA3-[A-Z0-9]{6}-(?:(?:[A-Z0-9]{11})|(?:[A-Z0-9]{6}-[A-Z0-9]{5}))-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}\\b",
        "source": "\\bA3-[A-Z0-9]{6}-(?:(?:[A-Z0-9]{11})|(?:[A-Z0-9]{6}-[A-Z0-9]{5}))-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}\\b",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3.8,
        "keywords": [
            "a3-"
        ],
        "allowlists": []
    },
    {
        "id": "1password-service-account-token",
        "description": "Uncovered a possible 1Password service account token, potentially compromising access to secrets in vaults.",
        "goRegex": "ops_eyJ[a-zA-Z0-9+/]{250,}={0,3}",
        "source": "ops_eyJ[a-zA-Z0-9+/]{250,}={0,3}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "ops_"
        ],
        "allowlists": []
    },
    {
        "id": "adafruit-api-key",
        "description": "Identified a potential Adafruit API Key, which could lead to unauthorized access to Adafruit services and sensitive data exposure.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:adafruit)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9_-]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:adafruit)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9_-]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "adafruit"
        ],
        "allowlists": []
    },
    {
        "id": "adobe-client-id",
        "description": "Detected a pattern that resembles an Adobe OAuth Web Client ID, posing a risk of compromised Adobe integrations and data breaches.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:adobe)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:adobe)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "adobe"
        ],
        "allowlists": []
    },
    {
        "id": "adobe-client-secret",
        "description": "Discovered a potential Adobe Client Secret, which, if exposed, could allow unauthorized Adobe service access and data manipulation.",
        "goRegex": "\\b(p8e-(?i)[a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(p8e-[a-z0-9A-Z]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "p8e-"
        ],
        "allowlists": []
    },
    {
        "id": "age-secret-key",
        "description": "Discovered a potential Age encryption tool secret key, risking data decryption and unauthorized access to sensitive information.",
        "goRegex": "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
        "source": "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "age-secret-key-1"
        ],
        "allowlists": []
    },
    {
        "id": "airtable-api-key",
        "description": "Uncovered a possible Airtable API Key, potentially compromising database access and leading to data leakage or alteration.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:airtable)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{17})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:airtable)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{17})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "airtable"
        ],
        "allowlists": []
    },
    {
        "id": "airtable-personnal-access-token",
        "description": "Uncovered a possible Airtable Personal AccessToken, potentially compromising database access and leading to data leakage or alteration.",
        "goRegex": "\\b(pat[[:alnum:]]{14}\\.[a-f0-9]{64})\\b",
        "source": "\\b(pat[a-zA-Z0-9]{14}\\.[a-f0-9]{64})\\b",
        "flags": "",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "airtable"
        ],
        "allowlists": []
    },
    {
        "id": "algolia-api-key",
        "description": "Identified an Algolia API Key, which could result in unauthorized search operations and data exposure on Algolia-managed platforms.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:algolia)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:algolia)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "algolia"
        ],
        "allowlists": []
    },
    {
        "id": "alibaba-access-key-id",
        "description": "Detected an Alibaba Cloud AccessKey ID, posing a risk of unauthorized cloud resource access and potential data compromise.",
        "goRegex": "\\b(LTAI(?i)[a-z0-9]{20})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(LTAI[a-z0-9A-Z]{20})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "ltai"
        ],
        "allowlists": []
    },
    {
        "id": "alibaba-secret-key",
        "description": "Discovered a potential Alibaba Cloud Secret Key, potentially allowing unauthorized operations and data access within Alibaba Cloud.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:alibaba)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{30})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:alibaba)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{30})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "alibaba"
        ],
        "allowlists": []
    },
    {
        "id": "anthropic-admin-api-key",
        "description": "Detected an Anthropic Admin API Key, risking unauthorized access to administrative functions and sensitive AI model configurations.",
        "goRegex": "\\b(sk-ant-admin01-[a-zA-Z0-9_\\-]{93}AA)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(sk-ant-admin01-[a-zA-Z0-9_\\-]{93}AA)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "sk-ant-admin01"
        ],
        "allowlists": []
    },
    {
        "id": "anthropic-api-key",
        "description": "Identified an Anthropic API Key, which may compromise AI assistant integrations and expose sensitive data to unauthorized access.",
        "goRegex": "\\b(sk-ant-api03-[a-zA-Z0-9_\\-]{93}AA)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(sk-ant-api03-[a-zA-Z0-9_\\-]{93}AA)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "sk-ant-api03"
        ],
        "allowlists": []
    },
    {
        "id": "artifactory-api-key",
        "description": "Detected an Artifactory api key, posing a risk unauthorized access to the central repository.",
        "goRegex": "\\bAKCp[A-Za-z0-9]{69}\\b",
        "source": "\\bAKCp[A-Za-z0-9]{69}\\b",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4.5,
        "keywords": [
            "akcp"
        ],
        "allowlists": []
    },
    {
        "id": "artifactory-reference-token",
        "description": "Detected an Artifactory reference token, posing a risk of impersonation and unauthorized access to the central repository.",
        "goRegex": "\\bcmVmd[A-Za-z0-9]{59}\\b",
        "source": "\\bcmVmd[A-Za-z0-9]{59}\\b",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4.5,
        "keywords": [
            "cmvmd"
        ],
        "allowlists": []
    },
    {
        "id": "asana-client-id",
        "description": "Discovered a potential Asana Client ID, risking unauthorized access to Asana projects and sensitive task information.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:asana)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:asana)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "asana"
        ],
        "allowlists": []
    },
    {
        "id": "asana-client-secret",
        "description": "Identified an Asana Client Secret, which could lead to compromised project management integrity and unauthorized access.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:asana)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:asana)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "asana"
        ],
        "allowlists": []
    },
    {
        "id": "atlassian-api-token",
        "description": "Detected an Atlassian API token, posing a threat to project management and collaboration tool security and data confidentiality.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:(?-i:ATLASSIAN|[Aa]tlassian)|(?-i:CONFLUENCE|[Cc]onfluence)|(?-i:JIRA|[Jj]ira))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{20}[a-f0-9]{4})(?:[\\x60'\"\\s;]|\\\\[nr]|$)|\\b(ATATT3[A-Za-z0-9_\\-=]{186})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:(?:ATLASSIAN|[Aa]tlassian)|(?:CONFLUENCE|[Cc]onfluence)|(?:JIRA|[Jj]ira))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9A-Z]{20}[a-f0-9A-F]{4})(?:[\\x60'\"\\s;]|\\\\[nrNR]|$)|\\b([aA][tT][aA][tT][tT]3[A-Za-z0-9_\\-=a-zA-Z]{186})(?:[\\x60'\"\\s;]|\\\\[nrNR]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3.5,
        "keywords": [
            "atlassian",
            "confluence",
            "jira",
            "atatt3"
        ],
        "allowlists": []
    },
    {
        "id": "authress-service-client-access-key",
        "description": "Uncovered a possible Authress Service Client Access Key, which may compromise access control services and sensitive data.",
        "goRegex": "\\b((?:sc|ext|scauth|authress)_(?i)[a-z0-9]{5,30}\\.[a-z0-9]{4,6}\\.(?-i:acc)[_-][a-z0-9-]{10,32}\\.[a-z0-9+/_=-]{30,120})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b((?:sc|ext|scauth|authress)_[a-z0-9A-Z]{5,30}\\.[a-z0-9A-Z]{4,6}\\.(?:acc)[_-][a-z0-9-A-Z]{10,32}\\.[a-z0-9+/_=-A-Z]{30,120})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "sc_",
            "ext_",
            "scauth_",
            "authress_"
        ],
        "allowlists": []
    },
    {
        "id": "aws-access-token",
        "description": "Identified a pattern that may indicate AWS credentials, risking unauthorized cloud resource access and data breaches on AWS platforms.",
        "goRegex": "\\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\\b",
        "source": "\\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\\b",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "a3t",
            "akia",
            "asia",
            "abia",
            "acca"
        ],
        "allowlists": [
            {
                "description": "",
                "condition": "OR",
                "regexTarget": "secret",
                "regexes": [
                    {
                        "source": "[^\\n]{1,256}EXAMPLE$",
                        "flags": ""
                    }
                ],
                "stopwords": [],
                "hasPaths": false
            }
        ]
    },
    {
        "id": "aws-amazon-bedrock-api-key-long-lived",
        "description": "Identified a pattern that may indicate long-lived Amazon Bedrock API keys, risking unauthorized Amazon Bedrock usage",
        "goRegex": "\\b(ABSK[A-Za-z0-9+/]{109,269}={0,2})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(ABSK[A-Za-z0-9+/]{109,269}={0,2})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "absk"
        ],
        "allowlists": []
    },
    {
        "id": "aws-amazon-bedrock-api-key-short-lived",
        "description": "Identified a pattern that may indicate short-lived Amazon Bedrock API keys, risking unauthorized Amazon Bedrock usage",
        "goRegex": "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t",
        "source": "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "bedrock-api-key-"
        ],
        "allowlists": []
    },
    {
        "id": "azure-ad-client-secret",
        "description": "Azure AD Client Secret",
        "goRegex": "(?:^|[\\\\'\"\\x60\\s>=:(,)])([a-zA-Z0-9_~.]{3}\\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\\\'\"\\x60\\s<),])",
        "source": "(?:^|[\\\\'\"\\x60\\s>=:(,)])([a-zA-Z0-9_~.]{3}\\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\\\'\"\\x60\\s<),])",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "q~"
        ],
        "allowlists": []
    },
    {
        "id": "beamer-api-token",
        "description": "Detected a Beamer API token, potentially compromising content management and exposing sensitive notifications and updates.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:beamer)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(b_[a-z0-9=_\\-]{44})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:beamer)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(b_[a-z0-9=_\\-]{44})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "beamer"
        ],
        "allowlists": []
    },
    {
        "id": "bitbucket-client-id",
        "description": "Discovered a potential Bitbucket Client ID, risking unauthorized repository access and potential codebase exposure.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:bitbucket)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:bitbucket)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "bitbucket"
        ],
        "allowlists": []
    },
    {
        "id": "bitbucket-client-secret",
        "description": "Discovered a potential Bitbucket Client Secret, posing a risk of compromised code repositories and unauthorized access.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:bitbucket)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:bitbucket)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "bitbucket"
        ],
        "allowlists": []
    },
    {
        "id": "bittrex-access-key",
        "description": "Identified a Bittrex Access Key, which could lead to unauthorized access to cryptocurrency trading accounts and financial loss.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:bittrex)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:bittrex)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "bittrex"
        ],
        "allowlists": []
    },
    {
        "id": "bittrex-secret-key",
        "description": "Detected a Bittrex Secret Key, potentially compromising cryptocurrency transactions and financial security.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:bittrex)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:bittrex)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "bittrex"
        ],
        "allowlists": []
    },
    {
        "id": "cisco-meraki-api-key",
        "description": "Cisco Meraki is a cloud-managed IT solution that provides networking, security, and device management through an easy-to-use interface.",
        "goRegex": "[\\w.-]{0,50}?(?i:[\\w.-]{0,50}?(?:(?-i:[Mm]eraki|MERAKI))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3})(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:(?:(?:[Mm]eraki|MERAKI))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3})(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "meraki"
        ],
        "allowlists": []
    },
    {
        "id": "clickhouse-cloud-api-secret-key",
        "description": "Identified a pattern that may indicate clickhouse cloud API secret key, risking unauthorized clickhouse cloud api access and data breaches on ClickHouse Cloud platforms.",
        "goRegex": "\\b(4b1d[A-Za-z0-9]{38})\\b",
        "source": "\\b(4b1d[A-Za-z0-9]{38})\\b",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "4b1d"
        ],
        "allowlists": []
    },
    {
        "id": "clojars-api-token",
        "description": "Uncovered a possible Clojars API token, risking unauthorized access to Clojure libraries and potential code manipulation.",
        "goRegex": "(?i)CLOJARS_[a-z0-9]{60}",
        "source": "CLOJARS_[a-z0-9]{60}",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "clojars_"
        ],
        "allowlists": []
    },
    {
        "id": "cloudflare-api-key",
        "description": "Detected a Cloudflare API Key, potentially compromising cloud application deployments and operational security.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:cloudflare)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9_-]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:cloudflare)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9_-]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "cloudflare"
        ],
        "allowlists": []
    },
    {
        "id": "cloudflare-global-api-key",
        "description": "Detected a Cloudflare Global API Key, potentially compromising cloud application deployments and operational security.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:cloudflare)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{37})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:cloudflare)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{37})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "cloudflare"
        ],
        "allowlists": []
    },
    {
        "id": "cloudflare-origin-ca-key",
        "description": "Detected a Cloudflare Origin CA Key, potentially compromising cloud application deployments and operational security.",
        "goRegex": "\\b(v1\\.0-[a-f0-9]{24}-[a-f0-9]{146})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(v1\\.0-[a-f0-9]{24}-[a-f0-9]{146})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "cloudflare",
            "v1.0-"
        ],
        "allowlists": []
    },
    {
        "id": "codecov-access-token",
        "description": "Found a pattern resembling a Codecov Access Token, posing a risk of unauthorized access to code coverage reports and sensitive data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:codecov)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:codecov)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "codecov"
        ],
        "allowlists": []
    },
    {
        "id": "cohere-api-token",
        "description": "Identified a Cohere Token, posing a risk of unauthorized access to AI services and data manipulation.",
        "goRegex": "[\\w.-]{0,50}?(?i:[\\w.-]{0,50}?(?:cohere|CO_API_KEY)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3})(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-zA-Z0-9]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:(?:[cC][oO][hH][eE][rR][eE]|[cC][oO]_[aA][pP][iI]_[kK][eE][yY])(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3})(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-zA-Z0-9]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "cohere",
            "co_api_key"
        ],
        "allowlists": []
    },
    {
        "id": "coinbase-access-token",
        "description": "Detected a Coinbase Access Token, posing a risk of unauthorized access to cryptocurrency accounts and financial transactions.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:coinbase)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9_-]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:coinbase)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9_-]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "coinbase"
        ],
        "allowlists": []
    },
    {
        "id": "confluent-access-token",
        "description": "Identified a Confluent Access Token, which could compromise access to streaming data platforms and sensitive data flow.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:confluent)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:confluent)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "confluent"
        ],
        "allowlists": []
    },
    {
        "id": "confluent-secret-key",
        "description": "Found a Confluent Secret Key, potentially risking unauthorized operations and data access within Confluent services.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:confluent)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:confluent)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "confluent"
        ],
        "allowlists": []
    },
    {
        "id": "contentful-delivery-api-token",
        "description": "Discovered a Contentful delivery API token, posing a risk to content management systems and data integrity.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:contentful)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{43})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:contentful)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{43})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "contentful"
        ],
        "allowlists": []
    },
    {
        "id": "curl-auth-header",
        "description": "Discovered a potential authorization token provided in a curl command header, which could compromise the curl accessed resource.",
        "goRegex": "\\bcurl\\b(?:.*?|.*?(?:[\\r\\n]{1,2}.*?){1,5})[ \\t\\n\\r](?:-H|--header)(?:=|[ \\t]{0,5})(?:\"(?i)(?:Authorization:[ \\t]{0,5}(?:Basic[ \\t]([a-z0-9+/]{8,}={0,3})|(?:Bearer|(?:Api-)?Token)[ \\t]([\\w=~@.+/-]{8,})|([\\w=~@.+/-]{8,}))|(?:(?:X-(?:[a-z]+-)?)?(?:Api-?)?(?:Key|Token)):[ \\t]{0,5}([\\w=~@.+/-]{8,}))\"|'(?i)(?:Authorization:[ \\t]{0,5}(?:Basic[ \\t]([a-z0-9+/]{8,}={0,3})|(?:Bearer|(?:Api-)?Token)[ \\t]([\\w=~@.+/-]{8,})|([\\w=~@.+/-]{8,}))|(?:(?:X-(?:[a-z]+-)?)?(?:Api-?)?(?:Key|Token)):[ \\t]{0,5}([\\w=~@.+/-]{8,}))')(?:\\B|\\s|\\z)",
        "source": "\\bcurl\\b(?:[^\\n]{0,256}?|[^\\n]{0,256}?(?:[\\r\\n]{1,2}[^\\n]{0,256}?){1,5})[ \\t\\n\\r](?:-H|--header)(?:=|[ \\t]{0,5})(?:\"(?:[aA][uU][tT][hH][oO][rR][iI][zZ][aA][tT][iI][oO][nN]:[ \\t]{0,5}(?:[bB][aA][sS][iI][cC][ \\t]([a-z0-9+/A-Z]{8,}={0,3})|(?:[bB][eE][aA][rR][eE][rR]|(?:[aA][pP][iI]-)?[tT][oO][kK][eE][nN])[ \\t]([\\w=~@.+/-]{8,})|([\\w=~@.+/-]{8,}))|(?:(?:[xX]-(?:[a-zA-Z]+-)?)?(?:[aA][pP][iI]-?)?(?:[kK][eE][yY]|[tT][oO][kK][eE][nN])):[ \\t]{0,5}([\\w=~@.+/-]{8,}))\"|'(?:[aA][uU][tT][hH][oO][rR][iI][zZ][aA][tT][iI][oO][nN]:[ \\t]{0,5}(?:[bB][aA][sS][iI][cC][ \\t]([a-z0-9+/A-Z]{8,}={0,3})|(?:[bB][eE][aA][rR][eE][rR]|(?:[aA][pP][iI]-)?[tT][oO][kK][eE][nN])[ \\t]([\\w=~@.+/-]{8,})|([\\w=~@.+/-]{8,}))|(?:(?:[xX]-(?:[a-zA-Z]+-)?)?(?:[aA][pP][iI]-?)?(?:[kK][eE][yY]|[tT][oO][kK][eE][nN])):[ \\t]{0,5}([\\w=~@.+/-]{8,}))')(?:\\B|\\s|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2.75,
        "keywords": [
            "curl"
        ],
        "allowlists": []
    },
    {
        "id": "curl-auth-user",
        "description": "Discovered a potential basic authorization token provided in a curl command, which could compromise the curl accessed resource.",
        "goRegex": "\\bcurl\\b(?:.*|.*(?:[\\r\\n]{1,2}.*){1,5})[ \\t\\n\\r](?:-u|--user)(?:=|[ \\t]{0,5})(\"(:[^\"]{3,}|[^:\"]{3,}:|[^:\"]{3,}:[^\"]{3,})\"|'([^:']{3,}:[^']{3,})'|((?:\"[^\"]{3,}\"|'[^']{3,}'|[\\w$@.-]+):(?:\"[^\"]{3,}\"|'[^']{3,}'|[\\w${}@.-]+)))(?:\\s|\\z)",
        "source": "\\bcurl\\b(?:[^\\n]{0,256}|[^\\n]{0,256}(?:[\\r\\n]{1,2}[^\\n]{0,256}){1,5})[ \\t\\n\\r](?:-u|--user)(?:=|[ \\t]{0,5})(\"(:[^\"]{3,}|[^:\"]{3,}:|[^:\"]{3,}:[^\"]{3,})\"|'([^:']{3,}:[^']{3,})'|((?:\"[^\"]{3,}\"|'[^']{3,}'|[\\w$@.-]+):(?:\"[^\"]{3,}\"|'[^']{3,}'|[\\w${}@.-]+)))(?:\\s|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "curl"
        ],
        "allowlists": [
            {
                "description": "",
                "condition": "OR",
                "regexTarget": "secret",
                "regexes": [
                    {
                        "source": "[^:]+:(?:change(?:it|me)|pass(?:word)?|pwd|test|token|\\*+|x+)",
                        "flags": ""
                    },
                    {
                        "source": "['\"]?<[^>]+>['\"]?:['\"]?<[^>]+>|<[^:]+:[^>]+>['\"]?",
                        "flags": ""
                    },
                    {
                        "source": "[^:]+:\\[[^]]+]",
                        "flags": ""
                    },
                    {
                        "source": "['\"]?[^:]+['\"]?:['\"]?\\$(?:\\d|\\w+|\\{(?:\\d|\\w+)})['\"]?",
                        "flags": ""
                    },
                    {
                        "source": "\\$\\([^)]+\\):\\$\\([^)]+\\)",
                        "flags": ""
                    },
                    {
                        "source": "['\"]?\\$?{{[^}]+}}['\"]?:['\"]?\\$?{{[^}]+}}['\"]?",
                        "flags": ""
                    }
                ],
                "stopwords": [],
                "hasPaths": false
            }
        ]
    },
    {
        "id": "databricks-api-token",
        "description": "Uncovered a Databricks API token, which may compromise big data analytics platforms and sensitive data processing.",
        "goRegex": "\\b(dapi[a-f0-9]{32}(?:-\\d)?)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(dapi[a-f0-9]{32}(?:-\\d)?)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "dapi"
        ],
        "allowlists": []
    },
    {
        "id": "datadog-access-token",
        "description": "Detected a Datadog Access Token, potentially risking monitoring and analytics data exposure and manipulation.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:datadog)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:datadog)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "datadog"
        ],
        "allowlists": []
    },
    {
        "id": "defined-networking-api-token",
        "description": "Identified a Defined Networking API token, which could lead to unauthorized network operations and data breaches.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:dnkey)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(dnkey-[a-z0-9=_\\-]{26}-[a-z0-9=_\\-]{52})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:dnkey)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(dnkey-[a-z0-9=_\\-]{26}-[a-z0-9=_\\-]{52})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "dnkey"
        ],
        "allowlists": []
    },
    {
        "id": "digitalocean-access-token",
        "description": "Found a DigitalOcean OAuth Access Token, risking unauthorized cloud resource access and data compromise.",
        "goRegex": "\\b(doo_v1_[a-f0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(doo_v1_[a-f0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "doo_v1_"
        ],
        "allowlists": []
    },
    {
        "id": "digitalocean-pat",
        "description": "Discovered a DigitalOcean Personal Access Token, posing a threat to cloud infrastructure security and data privacy.",
        "goRegex": "\\b(dop_v1_[a-f0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(dop_v1_[a-f0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "dop_v1_"
        ],
        "allowlists": []
    },
    {
        "id": "digitalocean-refresh-token",
        "description": "Uncovered a DigitalOcean OAuth Refresh Token, which could allow prolonged unauthorized access and resource manipulation.",
        "goRegex": "(?i)\\b(dor_v1_[a-f0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(dor_v1_[a-f0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "dor_v1_"
        ],
        "allowlists": []
    },
    {
        "id": "discord-api-token",
        "description": "Detected a Discord API key, potentially compromising communication channels and user data privacy on Discord.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:discord)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:discord)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "discord"
        ],
        "allowlists": []
    },
    {
        "id": "discord-client-id",
        "description": "Identified a Discord client ID, which may lead to unauthorized integrations and data exposure in Discord applications.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:discord)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9]{18})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:discord)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9]{18})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "discord"
        ],
        "allowlists": []
    },
    {
        "id": "discord-client-secret",
        "description": "Discovered a potential Discord client secret, risking compromised Discord bot integrations and data leaks.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:discord)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:discord)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "discord"
        ],
        "allowlists": []
    },
    {
        "id": "doppler-api-token",
        "description": "Discovered a Doppler API token, posing a risk to environment and secrets management security.",
        "goRegex": "dp\\.pt\\.(?i)[a-z0-9]{43}",
        "source": "dp\\.pt\\.[a-z0-9A-Z]{43}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "dp.pt."
        ],
        "allowlists": []
    },
    {
        "id": "droneci-access-token",
        "description": "Detected a Droneci Access Token, potentially compromising continuous integration and deployment workflows.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:droneci)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:droneci)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "droneci"
        ],
        "allowlists": []
    },
    {
        "id": "dropbox-api-token",
        "description": "Identified a Dropbox API secret, which could lead to unauthorized file access and data breaches in Dropbox storage.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:dropbox)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{15})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:dropbox)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{15})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "dropbox"
        ],
        "allowlists": []
    },
    {
        "id": "dropbox-long-lived-api-token",
        "description": "Found a Dropbox long-lived API token, risking prolonged unauthorized access to cloud storage and sensitive data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:dropbox)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{11}(AAAAAAAAAA)[a-z0-9\\-_=]{43})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:dropbox)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{11}(AAAAAAAAAA)[a-z0-9\\-_=]{43})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "dropbox"
        ],
        "allowlists": []
    },
    {
        "id": "dropbox-short-lived-api-token",
        "description": "Discovered a Dropbox short-lived API token, posing a risk of temporary but potentially harmful data access and manipulation.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:dropbox)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(sl\\.[a-z0-9\\-=_]{135})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:dropbox)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(sl\\.[a-z0-9\\-=_]{135})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "dropbox"
        ],
        "allowlists": []
    },
    {
        "id": "duffel-api-token",
        "description": "Uncovered a Duffel API token, which may compromise travel platform integrations and sensitive customer data.",
        "goRegex": "duffel_(?:test|live)_(?i)[a-z0-9_\\-=]{43}",
        "source": "duffel_(?:test|live)_[a-z0-9_\\-=A-Z]{43}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "duffel_"
        ],
        "allowlists": []
    },
    {
        "id": "dynatrace-api-token",
        "description": "Detected a Dynatrace API token, potentially risking application performance monitoring and data exposure.",
        "goRegex": "dt0c01\\.(?i)[a-z0-9]{24}\\.[a-z0-9]{64}",
        "source": "dt0c01\\.[a-z0-9A-Z]{24}\\.[a-z0-9A-Z]{64}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "dt0c01."
        ],
        "allowlists": []
    },
    {
        "id": "easypost-api-token",
        "description": "Identified an EasyPost API token, which could lead to unauthorized postal and shipment service access and data exposure.",
        "goRegex": "\\bEZAK(?i)[a-z0-9]{54}\\b",
        "source": "\\bEZAK[a-z0-9A-Z]{54}\\b",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "ezak"
        ],
        "allowlists": []
    },
    {
        "id": "easypost-test-api-token",
        "description": "Detected an EasyPost test API token, risking exposure of test environments and potentially sensitive shipment data.",
        "goRegex": "\\bEZTK(?i)[a-z0-9]{54}\\b",
        "source": "\\bEZTK[a-z0-9A-Z]{54}\\b",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "eztk"
        ],
        "allowlists": []
    },
    {
        "id": "etsy-access-token",
        "description": "Found an Etsy Access Token, potentially compromising Etsy shop management and customer data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:(?-i:ETSY|[Ee]tsy))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{24})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:(?:ETSY|[Ee]tsy))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9A-Z]{24})(?:[\\x60'\"\\s;]|\\\\[nrNR]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "etsy"
        ],
        "allowlists": []
    },
    {
        "id": "facebook-access-token",
        "description": "Discovered a Facebook Access Token, posing a risk of unauthorized access to Facebook accounts and personal data exposure.",
        "goRegex": "(?i)\\b(\\d{15,16}(\\||%)[0-9a-z\\-_]{27,40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(\\d{15,16}(\\||%)[0-9a-z\\-_]{27,40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "facebook"
        ],
        "allowlists": []
    },
    {
        "id": "facebook-page-access-token",
        "description": "Discovered a Facebook Page Access Token, posing a risk of unauthorized access to Facebook accounts and personal data exposure.",
        "goRegex": "\\b(EAA[MC](?i)[a-z0-9]{100,})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(EAA[MC][a-z0-9A-Z]{100,})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "eaam",
            "eaac"
        ],
        "allowlists": []
    },
    {
        "id": "facebook-secret",
        "description": "Discovered a Facebook Application secret, posing a risk of unauthorized access to Facebook accounts and personal data exposure.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:facebook)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:facebook)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "facebook"
        ],
        "allowlists": []
    },
    {
        "id": "fastly-api-token",
        "description": "Uncovered a Fastly API key, which may compromise CDN and edge cloud services, leading to content delivery and security issues.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:fastly)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:fastly)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "fastly"
        ],
        "allowlists": []
    },
    {
        "id": "finicity-api-token",
        "description": "Detected a Finicity API token, potentially risking financial data access and unauthorized financial operations.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:finicity)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:finicity)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "finicity"
        ],
        "allowlists": []
    },
    {
        "id": "finicity-client-secret",
        "description": "Identified a Finicity Client Secret, which could lead to compromised financial service integrations and data breaches.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:finicity)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{20})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:finicity)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{20})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "finicity"
        ],
        "allowlists": []
    },
    {
        "id": "finnhub-access-token",
        "description": "Found a Finnhub Access Token, risking unauthorized access to financial market data and analytics.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:finnhub)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{20})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:finnhub)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{20})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "finnhub"
        ],
        "allowlists": []
    },
    {
        "id": "flickr-access-token",
        "description": "Discovered a Flickr Access Token, posing a risk of unauthorized photo management and potential data leakage.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:flickr)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:flickr)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "flickr"
        ],
        "allowlists": []
    },
    {
        "id": "flutterwave-encryption-key",
        "description": "Uncovered a Flutterwave Encryption Key, which may compromise payment processing and sensitive financial information.",
        "goRegex": "FLWSECK_TEST-(?i)[a-h0-9]{12}",
        "source": "FLWSECK_TEST-[a-h0-9A-H]{12}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "flwseck_test"
        ],
        "allowlists": []
    },
    {
        "id": "flutterwave-public-key",
        "description": "Detected a Finicity Public Key, potentially exposing public cryptographic operations and integrations.",
        "goRegex": "FLWPUBK_TEST-(?i)[a-h0-9]{32}-X",
        "source": "FLWPUBK_TEST-[a-h0-9A-H]{32}-[xX]",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "flwpubk_test"
        ],
        "allowlists": []
    },
    {
        "id": "flutterwave-secret-key",
        "description": "Identified a Flutterwave Secret Key, risking unauthorized financial transactions and data breaches.",
        "goRegex": "FLWSECK_TEST-(?i)[a-h0-9]{32}-X",
        "source": "FLWSECK_TEST-[a-h0-9A-H]{32}-[xX]",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "flwseck_test"
        ],
        "allowlists": []
    },
    {
        "id": "flyio-access-token",
        "description": "Uncovered a Fly.io API key",
        "goRegex": "\\b((?:fo1_[\\w-]{43}|fm1[ar]_[a-zA-Z0-9+\\/]{100,}={0,3}|fm2_[a-zA-Z0-9+\\/]{100,}={0,3}))(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b((?:fo1_[\\w-]{43}|fm1[ar]_[a-zA-Z0-9+\\/]{100,}={0,3}|fm2_[a-zA-Z0-9+\\/]{100,}={0,3}))(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "fo1_",
            "fm1",
            "fm2_"
        ],
        "allowlists": []
    },
    {
        "id": "frameio-api-token",
        "description": "Found a Frame.io API token, potentially compromising video collaboration and project management.",
        "goRegex": "fio-u-(?i)[a-z0-9\\-_=]{64}",
        "source": "fio-u-[a-z0-9\\-_=A-Z]{64}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "fio-u-"
        ],
        "allowlists": []
    },
    {
        "id": "freemius-secret-key",
        "description": "Detected a Freemius secret key, potentially exposing sensitive information.",
        "goRegex": "(?i)[\"']secret_key[\"']\\s*=>\\s*[\"'](sk_[\\S]{29})[\"']",
        "source": "[\"']secret_key[\"']\\s*=>\\s*[\"'](sk_[\\S]{29})[\"']",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "secret_key"
        ],
        "allowlists": []
    },
    {
        "id": "freshbooks-access-token",
        "description": "Discovered a Freshbooks Access Token, posing a risk to accounting software access and sensitive financial data exposure.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:freshbooks)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:freshbooks)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "freshbooks"
        ],
        "allowlists": []
    },
    {
        "id": "gcp-api-key",
        "description": "Uncovered a GCP API key, which could lead to unauthorized access to Google Cloud services and data breaches.",
        "goRegex": "\\b(AIza[\\w-]{35})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(AIza[\\w-]{35})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "aiza"
        ],
        "allowlists": [
            {
                "description": "",
                "condition": "OR",
                "regexTarget": "secret",
                "regexes": [
                    {
                        "source": "AIzaSyabcdefghijklmnopqrstuvwxyz1234567",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0",
                        "flags": ""
                    },
                    {
                        "source": "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
                        "flags": ""
                    },
                    {
                        "source": "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
                        "flags": ""
                    }
                ],
                "stopwords": [],
                "hasPaths": false
            }
        ]
    },
    {
        "id": "generic-api-key",
        "description": "Detected a Generic API Key, potentially exposing access to various services and sensitive operations.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([\\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:[aA][cC][cC][eE][sS][sS]|[aA][uU][tT][hH]|(?:[Aa]pi|API)|[cC][rR][eE][dD][eE][nN][tT][iI][aA][lL]|[cC][rR][eE][dD][sS]|[kK][eE][yY]|[pP][aA][sS][sS][wW](?:[oO][rR])?[dD]|[sS][eE][cC][rR][eE][tT]|[tT][oO][kK][eE][nN])(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([\\w.=-]{10,150}|[a-z0-9A-Z][a-z0-9+/A-Z]{11,}={0,3})(?:[\\x60'\"\\s;]|\\\\[nrNR]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3.5,
        "keywords": [
            "access",
            "api",
            "auth",
            "key",
            "credential",
            "creds",
            "passwd",
            "password",
            "secret",
            "token"
        ],
        "allowlists": [
            {
                "description": "",
                "condition": "OR",
                "regexTarget": "secret",
                "regexes": [
                    {
                        "source": "^[a-zA-Z_.-]+$",
                        "flags": ""
                    }
                ],
                "stopwords": [],
                "hasPaths": false
            },
            {
                "description": "Allowlist for Generic API Keys",
                "condition": "OR",
                "regexTarget": "match",
                "regexes": [
                    {
                        "source": "(?:[aA][cC][cC][eE][sS][sS](?:[iI][bB][iI][lL][iI][tT][yY]|[oO][rR])|[aA][cC][cC][eE][sS][sS][_.-]?[iI][dD]|[rR][aA][nN][dD][oO][mM][_.-]?[aA][cC][cC][eE][sS][sS]|[aA][pP][iI][_.-]?(?:[iI][dD]|[nN][aA][mM][eE]|[vV][eE][rR][sS][iI][oO][nN])|[rR][aA][pP][iI][dD]|[cC][aA][pP][iI][tT][aA][lL]|[a-z0-9-A-Z]*?[aA][pP][iI][a-z0-9-A-Z]*?:[jJ][aA][rR]:|[aA][uU][tT][hH][oO][rR]|[xX]-[mM][sS]-[eE][xX][cC][hH][aA][nN][gG][eE]-[oO][rR][gG][aA][nN][iI][zZ][aA][tT][iI][oO][nN]-[aA][uU][tT][hH]|[aA][uU][tT][hH][eE][nN][tT][iI][cC][aA][tT][iI][oO][nN]-[rR][eE][sS][uU][lL][tT][sS]|(?:[cC][rR][eE][dD][eE][nN][tT][iI][aA][lL][sS]?[_.-]?[iI][dD]|[wW][iI][tT][hH][cC][rR][eE][dD][eE][nN][tT][iI][aA][lL][sS])|(?:[bB][uU][cC][kK][eE][tT]|[fF][oO][rR][eE][iI][gG][nN]|[hH][oO][tT]|[iI][dD][xX]|[nN][aA][tT][uU][rR][aA][lL]|[pP][rR][iI][mM][aA][rR][yY]|[pP][uU][bB](?:[lL][iI][cC])?|[sS][cC][hH][eE][mM][aA]|[sS][eE][qQ][uU][eE][nN][cC][eE])[_.-]?[kK][eE][yY]|(?:[tT][uU][rR][kK][eE][yY])|[kK][eE][yY][_.-]?(?:[aA][lL][iI][aA][sS]|[bB][oO][aA][rR][dD]|[cC][oO][dD][eE]|[fF][rR][aA][mM][eE]|[iI][dD]|[lL][eE][nN][gG][tT][hH]|[mM][eE][sS][hH]|[nN][aA][mM][eE]|[pP][aA][iI][rR]|[pP][rR][eE][sS][sS](?:[eE][dD])?|[rR][iI][nN][gG]|[sS][eE][lL][eE][cC][tT][oO][rR]|[sS][iI][gG][nN][aA][tT][uU][rR][eE]|[sS][iI][zZ][eE]|[sS][tT][oO][nN][eE]|[sS][tT][oO][rR][eE][tT][yY][pP][eE]|[wW][oO][rR][dD]|[uU][pP]|[dD][oO][wW][nN]|[lL][eE][fF][tT]|[rR][iI][gG][hH][tT])|[kK][eE][yY][_.-]?[vV][aA][uU][lL][tT][_.-]?(?:[iI][dD]|[nN][aA][mM][eE])|[kK][eE][yY][vV][aA][uU][lL][tT][tT][oO][sS][tT][oO][rR][eE][sS][eE][cC][rR][eE][tT][sS]|[kK][eE][yY](?:[sS][tT][oO][rR][eE]|[tT][aA][bB])[_.-]?(?:[fF][iI][lL][eE]|[pP][aA][tT][hH])|[iI][sS][sS][uU][eE][rR][kK][eE][yY][hH][aA][sS][hH]|(?:[DdMm]onkey|[DM]ONKEY)|[kK][eE][yY][iI][nN][gG]|(?:[sS][eE][cC][rR][eE][tT])[_.-]?(?:[lL][eE][nN][gG][tT][hH]|[nN][aA][mM][eE]|[sS][iI][zZ][eE])|[uU][sS][eE][rR][sS][eE][cC][rR][eE][tT][sS][iI][dD]|(?:[cC][sS][rR][fF])[_.-]?[tT][oO][kK][eE][nN]|(?:[iI][oO]\\.[jJ][sS][oO][nN][wW][eE][bB][tT][oO][kK][eE][nN][ \\t]?:[ \\t]?[\\w-]+)|(?:[aA][pP][iI]|[cC][rR][eE][dD][eE][nN][tT][iI][aA][lL][sS]|[tT][oO][kK][eE][nN])[_.-]?(?:[eE][nN][dD][pP][oO][iI][nN][tT]|[uU][rR][ilIL])|[pP][uU][bB][lL][iI][cC][_.-]?[tT][oO][kK][eE][nN]|(?:[kK][eE][yY]|[tT][oO][kK][eE][nN])[_.-]?[fF][iI][lL][eE]|(?:(?:[A-Z_]+=\\n[A-Z_]+=|[a-z_]+=\\n[a-z_]+=)(?:\\n|$))|(?:(?:[A-Z.]+=\\n[A-Z.]+=|[a-z.]+=\\n[a-z.]+=)(?:\\n|$)))",
                        "flags": ""
                    }
                ],
                "stopwords": [
                    "000000",
                    "6fe4476ee5a1832882e326b506d14126",
                    "_ec2_",
                    "aaaaaa",
                    "about",
                    "abstract",
                    "academy",
                    "acces",
                    "account",
                    "act-",
                    "act.",
                    "act_",
                    "action",
                    "active",
                    "actively",
                    "activity",
                    "adapter",
                    "add-",
                    "add-on",
                    "add.",
                    "add_",
                    "addon",
                    "addres",
                    "admin",
                    "adobe",
                    "advanced",
                    "adventure",
                    "agent",
                    "agile",
                    "air-",
                    "air.",
                    "air_",
                    "ajax",
                    "akka",
                    "alert",
                    "alfred",
                    "algorithm",
                    "all-",
                    "all.",
                    "all_",
                    "alloy",
                    "alpha",
                    "amazon",
                    "amqp",
                    "analysi",
                    "analytic",
                    "analyzer",
                    "android",
                    "angular",
                    "angularj",
                    "animate",
                    "animation",
                    "another",
                    "ansible",
                    "answer",
                    "ant-",
                    "ant.",
                    "ant_",
                    "any-",
                    "any.",
                    "any_",
                    "apache",
                    "app-",
                    "app.",
                    "app_",
                    "apple",
                    "arch",
                    "archive",
                    "archived",
                    "arduino",
                    "array",
                    "art-",
                    "art.",
                    "art_",
                    "article",
                    "asp-",
                    "asp.",
                    "asp_",
                    "asset",
                    "async",
                    "atom",
                    "attention",
                    "audio",
                    "audit",
                    "aura",
                    "auth",
                    "author",
                    "authorize",
                    "auto",
                    "automated",
                    "automatic",
                    "awesome",
                    "aws_",
                    "azure",
                    "back",
                    "backbone",
                    "backend",
                    "backup",
                    "bar-",
                    "bar.",
                    "bar_",
                    "base",
                    "based",
                    "bash",
                    "basic",
                    "batch",
                    "been",
                    "beer",
                    "behavior",
                    "being",
                    "benchmark",
                    "best",
                    "beta",
                    "better",
                    "big-",
                    "big.",
                    "big_",
                    "binary",
                    "binding",
                    "bit-",
                    "bit.",
                    "bit_",
                    "bitcoin",
                    "block",
                    "blog",
                    "board",
                    "book",
                    "bookmark",
                    "boost",
                    "boot",
                    "bootstrap",
                    "bosh",
                    "bot-",
                    "bot.",
                    "bot_",
                    "bower",
                    "box-",
                    "box.",
                    "box_",
                    "boxen",
                    "bracket",
                    "branch",
                    "bridge",
                    "browser",
                    "brunch",
                    "buffer",
                    "bug-",
                    "bug.",
                    "bug_",
                    "build",
                    "builder",
                    "building",
                    "buildout",
                    "buildpack",
                    "built",
                    "bundle",
                    "busines",
                    "but-",
                    "but.",
                    "but_",
                    "button",
                    "cache",
                    "caching",
                    "cakephp",
                    "calendar",
                    "call",
                    "camera",
                    "campfire",
                    "can-",
                    "can.",
                    "can_",
                    "canva",
                    "captcha",
                    "capture",
                    "card",
                    "carousel",
                    "case",
                    "cassandra",
                    "cat-",
                    "cat.",
                    "cat_",
                    "category",
                    "center",
                    "cento",
                    "challenge",
                    "change",
                    "changelog",
                    "channel",
                    "chart",
                    "chat",
                    "cheat",
                    "check",
                    "checker",
                    "chef",
                    "ches",
                    "chinese",
                    "chosen",
                    "chrome",
                    "ckeditor",
                    "clas",
                    "classe",
                    "classic",
                    "clean",
                    "cli-",
                    "cli.",
                    "cli_",
                    "client",
                    "clojure",
                    "clone",
                    "closure",
                    "cloud",
                    "club",
                    "cluster",
                    "cms-",
                    "cms_",
                    "coco",
                    "code",
                    "coding",
                    "coffee",
                    "color",
                    "combination",
                    "combo",
                    "command",
                    "commander",
                    "comment",
                    "commit",
                    "common",
                    "community",
                    "compas",
                    "compiler",
                    "complete",
                    "component",
                    "composer",
                    "computer",
                    "computing",
                    "con-",
                    "con.",
                    "con_",
                    "concept",
                    "conf",
                    "config",
                    "connect",
                    "connector",
                    "console",
                    "contact",
                    "container",
                    "contao",
                    "content",
                    "contest",
                    "context",
                    "control",
                    "convert",
                    "converter",
                    "conway'",
                    "cookbook",
                    "cookie",
                    "cool",
                    "copy",
                    "cordova",
                    "core",
                    "couchbase",
                    "couchdb",
                    "countdown",
                    "counter",
                    "course",
                    "craft",
                    "crawler",
                    "create",
                    "creating",
                    "creator",
                    "credential",
                    "crm-",
                    "crm.",
                    "crm_",
                    "cros",
                    "crud",
                    "csv-",
                    "csv.",
                    "csv_",
                    "cube",
                    "cucumber",
                    "cuda",
                    "current",
                    "currently",
                    "custom",
                    "daemon",
                    "dark",
                    "dart",
                    "dash",
                    "dashboard",
                    "data",
                    "database",
                    "date",
                    "day-",
                    "day.",
                    "day_",
                    "dead",
                    "debian",
                    "debug",
                    "debugger",
                    "deck",
                    "define",
                    "del-",
                    "del.",
                    "del_",
                    "delete",
                    "demo",
                    "deploy",
                    "design",
                    "designer",
                    "desktop",
                    "detection",
                    "detector",
                    "dev-",
                    "dev.",
                    "dev_",
                    "develop",
                    "developer",
                    "device",
                    "devise",
                    "diff",
                    "digital",
                    "directive",
                    "directory",
                    "discovery",
                    "display",
                    "django",
                    "dns-",
                    "dns_",
                    "doc-",
                    "doc.",
                    "doc_",
                    "docker",
                    "docpad",
                    "doctrine",
                    "document",
                    "doe-",
                    "doe.",
                    "doe_",
                    "dojo",
                    "dom-",
                    "dom.",
                    "dom_",
                    "domain",
                    "don't",
                    "done",
                    "dot-",
                    "dot.",
                    "dot_",
                    "dotfile",
                    "download",
                    "draft",
                    "drag",
                    "drill",
                    "drive",
                    "driven",
                    "driver",
                    "drop",
                    "dropbox",
                    "drupal",
                    "dsl-",
                    "dsl.",
                    "dsl_",
                    "dynamic",
                    "easy",
                    "ecdsa",
                    "eclipse",
                    "edit",
                    "editing",
                    "edition",
                    "editor",
                    "element",
                    "emac",
                    "email",
                    "embed",
                    "embedded",
                    "ember",
                    "emitter",
                    "emulator",
                    "encoding",
                    "endpoint",
                    "engine",
                    "english",
                    "enhanced",
                    "entity",
                    "entry",
                    "env_",
                    "episode",
                    "erlang",
                    "error",
                    "espresso",
                    "event",
                    "evented",
                    "example",
                    "exchange",
                    "exercise",
                    "experiment",
                    "expire",
                    "exploit",
                    "explorer",
                    "export",
                    "exporter",
                    "expres",
                    "ext-",
                    "ext.",
                    "ext_",
                    "extended",
                    "extension",
                    "external",
                    "extra",
                    "extractor",
                    "fabric",
                    "facebook",
                    "factory",
                    "fake",
                    "fast",
                    "feature",
                    "feed",
                    "fewfwef",
                    "ffmpeg",
                    "field",
                    "file",
                    "filter",
                    "find",
                    "finder",
                    "firefox",
                    "firmware",
                    "first",
                    "fish",
                    "fix-",
                    "fix_",
                    "flash",
                    "flask",
                    "flat",
                    "flex",
                    "flexible",
                    "flickr",
                    "flow",
                    "fluent",
                    "fluentd",
                    "fluid",
                    "folder",
                    "font",
                    "force",
                    "foreman",
                    "fork",
                    "form",
                    "format",
                    "formatter",
                    "forum",
                    "foundry",
                    "framework",
                    "free",
                    "friend",
                    "friendly",
                    "front-end",
                    "frontend",
                    "ftp-",
                    "ftp.",
                    "ftp_",
                    "fuel",
                    "full",
                    "fun-",
                    "fun.",
                    "fun_",
                    "func",
                    "future",
                    "gaia",
                    "gallery",
                    "game",
                    "gateway",
                    "gem-",
                    "gem.",
                    "gem_",
                    "gen-",
                    "gen.",
                    "gen_",
                    "general",
                    "generator",
                    "generic",
                    "genetic",
                    "get-",
                    "get.",
                    "get_",
                    "getenv",
                    "getting",
                    "ghost",
                    "gist",
                    "git-",
                    "git.",
                    "git_",
                    "github",
                    "gitignore",
                    "gitlab",
                    "glas",
                    "gmail",
                    "gnome",
                    "gnu-",
                    "gnu.",
                    "gnu_",
                    "goal",
                    "golang",
                    "gollum",
                    "good",
                    "google",
                    "gpu-",
                    "gpu.",
                    "gpu_",
                    "gradle",
                    "grail",
                    "graph",
                    "graphic",
                    "great",
                    "grid",
                    "groovy",
                    "group",
                    "grunt",
                    "guard",
                    "gui-",
                    "gui.",
                    "gui_",
                    "guide",
                    "guideline",
                    "gulp",
                    "gwt-",
                    "gwt.",
                    "gwt_",
                    "hack",
                    "hackathon",
                    "hacker",
                    "hacking",
                    "hadoop",
                    "haml",
                    "handler",
                    "hardware",
                    "has-",
                    "has_",
                    "hash",
                    "haskell",
                    "have",
                    "haxe",
                    "hello",
                    "help",
                    "helper",
                    "here",
                    "hero",
                    "heroku",
                    "high",
                    "hipchat",
                    "history",
                    "home",
                    "homebrew",
                    "homepage",
                    "hook",
                    "host",
                    "hosting",
                    "hot-",
                    "hot.",
                    "hot_",
                    "house",
                    "how-",
                    "how.",
                    "how_",
                    "html",
                    "http",
                    "hub-",
                    "hub.",
                    "hub_",
                    "hubot",
                    "human",
                    "icon",
                    "ide-",
                    "ide.",
                    "ide_",
                    "idea",
                    "identity",
                    "idiomatic",
                    "image",
                    "impact",
                    "import",
                    "important",
                    "importer",
                    "impres",
                    "index",
                    "infinite",
                    "info",
                    "injection",
                    "inline",
                    "input",
                    "inside",
                    "inspector",
                    "instagram",
                    "install",
                    "installer",
                    "instant",
                    "intellij",
                    "interface",
                    "internet",
                    "interview",
                    "into",
                    "intro",
                    "ionic",
                    "iphone",
                    "ipython",
                    "irc-",
                    "irc_",
                    "iso-",
                    "iso.",
                    "iso_",
                    "issue",
                    "jade",
                    "jasmine",
                    "java",
                    "jbos",
                    "jekyll",
                    "jenkin",
                    "jetbrains",
                    "job-",
                    "job.",
                    "job_",
                    "joomla",
                    "jpa-",
                    "jpa.",
                    "jpa_",
                    "jquery",
                    "json",
                    "just",
                    "kafka",
                    "karma",
                    "kata",
                    "kernel",
                    "keyboard",
                    "kindle",
                    "kit-",
                    "kit.",
                    "kit_",
                    "kitchen",
                    "knife",
                    "koan",
                    "kohana",
                    "lab-",
                    "lab.",
                    "lab_",
                    "lambda",
                    "lamp",
                    "language",
                    "laravel",
                    "last",
                    "latest",
                    "latex",
                    "launcher",
                    "layer",
                    "layout",
                    "lazy",
                    "ldap",
                    "leaflet",
                    "league",
                    "learn",
                    "learning",
                    "led-",
                    "led.",
                    "led_",
                    "leetcode",
                    "les-",
                    "les.",
                    "les_",
                    "level",
                    "leveldb",
                    "lib-",
                    "lib.",
                    "lib_",
                    "librarie",
                    "library",
                    "license",
                    "life",
                    "liferay",
                    "light",
                    "lightbox",
                    "like",
                    "line",
                    "link",
                    "linked",
                    "linkedin",
                    "linux",
                    "lisp",
                    "list",
                    "lite",
                    "little",
                    "load",
                    "loader",
                    "local",
                    "location",
                    "lock",
                    "log-",
                    "log.",
                    "log_",
                    "logger",
                    "logging",
                    "logic",
                    "login",
                    "logstash",
                    "longer",
                    "look",
                    "love",
                    "lua-",
                    "lua.",
                    "lua_",
                    "mac-",
                    "mac.",
                    "mac_",
                    "machine",
                    "made",
                    "magento",
                    "magic",
                    "mail",
                    "make",
                    "maker",
                    "making",
                    "man-",
                    "man.",
                    "man_",
                    "manage",
                    "manager",
                    "manifest",
                    "manual",
                    "map-",
                    "map.",
                    "map_",
                    "mapper",
                    "mapping",
                    "markdown",
                    "markup",
                    "master",
                    "math",
                    "matrix",
                    "maven",
                    "md5",
                    "mean",
                    "media",
                    "mediawiki",
                    "meetup",
                    "memcached",
                    "memory",
                    "menu",
                    "merchant",
                    "message",
                    "messaging",
                    "meta",
                    "metadata",
                    "meteor",
                    "method",
                    "metric",
                    "micro",
                    "middleman",
                    "migration",
                    "minecraft",
                    "miner",
                    "mini",
                    "minimal",
                    "mirror",
                    "mit-",
                    "mit.",
                    "mit_",
                    "mobile",
                    "mocha",
                    "mock",
                    "mod-",
                    "mod.",
                    "mod_",
                    "mode",
                    "model",
                    "modern",
                    "modular",
                    "module",
                    "modx",
                    "money",
                    "mongo",
                    "mongodb",
                    "mongoid",
                    "mongoose",
                    "monitor",
                    "monkey",
                    "more",
                    "motion",
                    "moved",
                    "movie",
                    "mozilla",
                    "mqtt",
                    "mule",
                    "multi",
                    "multiple",
                    "music",
                    "mustache",
                    "mvc-",
                    "mvc.",
                    "mvc_",
                    "mysql",
                    "nagio",
                    "name",
                    "native",
                    "need",
                    "neo-",
                    "neo.",
                    "neo_",
                    "nest",
                    "nested",
                    "net-",
                    "net.",
                    "net_",
                    "nette",
                    "network",
                    "new-",
                    "new.",
                    "new_",
                    "next",
                    "nginx",
                    "ninja",
                    "nlp-",
                    "nlp.",
                    "nlp_",
                    "node",
                    "nodej",
                    "nosql",
                    "not-",
                    "not.",
                    "not_",
                    "note",
                    "notebook",
                    "notepad",
                    "notice",
                    "notifier",
                    "now-",
                    "now.",
                    "now_",
                    "number",
                    "oauth",
                    "object",
                    "objective",
                    "obsolete",
                    "ocaml",
                    "octopres",
                    "official",
                    "old-",
                    "old.",
                    "old_",
                    "onboard",
                    "online",
                    "only",
                    "open",
                    "opencv",
                    "opengl",
                    "openshift",
                    "openwrt",
                    "option",
                    "oracle",
                    "org-",
                    "org.",
                    "org_",
                    "origin",
                    "original",
                    "orm-",
                    "orm.",
                    "orm_",
                    "osx-",
                    "osx_",
                    "our-",
                    "our.",
                    "our_",
                    "out-",
                    "out.",
                    "out_",
                    "output",
                    "over",
                    "overview",
                    "own-",
                    "own.",
                    "own_",
                    "pack",
                    "package",
                    "packet",
                    "page",
                    "panel",
                    "paper",
                    "paperclip",
                    "para",
                    "parallax",
                    "parallel",
                    "parse",
                    "parser",
                    "parsing",
                    "particle",
                    "party",
                    "password",
                    "patch",
                    "path",
                    "pattern",
                    "payment",
                    "paypal",
                    "pdf-",
                    "pdf.",
                    "pdf_",
                    "pebble",
                    "people",
                    "perl",
                    "personal",
                    "phalcon",
                    "phoenix",
                    "phone",
                    "phonegap",
                    "photo",
                    "php-",
                    "php.",
                    "php_",
                    "physic",
                    "picker",
                    "pipeline",
                    "platform",
                    "play",
                    "player",
                    "please",
                    "plu-",
                    "plu.",
                    "plu_",
                    "plug-in",
                    "plugin",
                    "plupload",
                    "png-",
                    "png.",
                    "png_",
                    "poker",
                    "polyfill",
                    "polymer",
                    "pool",
                    "pop-",
                    "pop.",
                    "pop_",
                    "popcorn",
                    "popup",
                    "port",
                    "portable",
                    "portal",
                    "portfolio",
                    "post",
                    "power",
                    "powered",
                    "powerful",
                    "prelude",
                    "pretty",
                    "preview",
                    "principle",
                    "print",
                    "pro-",
                    "pro.",
                    "pro_",
                    "problem",
                    "proc",
                    "product",
                    "profile",
                    "profiler",
                    "program",
                    "progres",
                    "project",
                    "protocol",
                    "prototype",
                    "provider",
                    "proxy",
                    "public",
                    "pull",
                    "puppet",
                    "pure",
                    "purpose",
                    "push",
                    "pusher",
                    "pyramid",
                    "python",
                    "quality",
                    "query",
                    "queue",
                    "quick",
                    "rabbitmq",
                    "rack",
                    "radio",
                    "rail",
                    "railscast",
                    "random",
                    "range",
                    "raspberry",
                    "rdf-",
                    "rdf.",
                    "rdf_",
                    "react",
                    "reactive",
                    "read",
                    "reader",
                    "readme",
                    "ready",
                    "real",
                    "real-time",
                    "reality",
                    "realtime",
                    "recipe",
                    "recorder",
                    "red-",
                    "red.",
                    "red_",
                    "reddit",
                    "redi",
                    "redmine",
                    "reference",
                    "refinery",
                    "refresh",
                    "registry",
                    "related",
                    "release",
                    "remote",
                    "rendering",
                    "repo",
                    "report",
                    "request",
                    "require",
                    "required",
                    "requirej",
                    "research",
                    "resource",
                    "response",
                    "resque",
                    "rest",
                    "restful",
                    "resume",
                    "reveal",
                    "reverse",
                    "review",
                    "riak",
                    "rich",
                    "right",
                    "ring",
                    "robot",
                    "role",
                    "room",
                    "router",
                    "routing",
                    "rpc-",
                    "rpc.",
                    "rpc_",
                    "rpg-",
                    "rpg.",
                    "rpg_",
                    "rspec",
                    "ruby-",
                    "ruby.",
                    "ruby_",
                    "rule",
                    "run-",
                    "run.",
                    "run_",
                    "runner",
                    "running",
                    "runtime",
                    "rust",
                    "rvm-",
                    "rvm.",
                    "rvm_",
                    "salt",
                    "sample",
                    "sandbox",
                    "sas-",
                    "sas.",
                    "sas_",
                    "sbt-",
                    "sbt.",
                    "sbt_",
                    "scala",
                    "scalable",
                    "scanner",
                    "schema",
                    "scheme",
                    "school",
                    "science",
                    "scraper",
                    "scratch",
                    "screen",
                    "script",
                    "scroll",
                    "scs-",
                    "scs.",
                    "scs_",
                    "sdk-",
                    "sdk.",
                    "sdk_",
                    "sdl-",
                    "sdl.",
                    "sdl_",
                    "search",
                    "secure",
                    "security",
                    "see-",
                    "see.",
                    "see_",
                    "seed",
                    "select",
                    "selector",
                    "selenium",
                    "semantic",
                    "sencha",
                    "send",
                    "sentiment",
                    "serie",
                    "server",
                    "service",
                    "session",
                    "set-",
                    "set.",
                    "set_",
                    "setting",
                    "setup",
                    "sha1",
                    "sha2",
                    "sha256",
                    "share",
                    "shared",
                    "sharing",
                    "sheet",
                    "shell",
                    "shield",
                    "shipping",
                    "shop",
                    "shopify",
                    "shortener",
                    "should",
                    "show",
                    "showcase",
                    "side",
                    "silex",
                    "simple",
                    "simulator",
                    "single",
                    "site",
                    "skeleton",
                    "sketch",
                    "skin",
                    "slack",
                    "slide",
                    "slider",
                    "slim",
                    "small",
                    "smart",
                    "smtp",
                    "snake",
                    "snapshot",
                    "snippet",
                    "soap",
                    "social",
                    "socket",
                    "software",
                    "solarized",
                    "solr",
                    "solution",
                    "solver",
                    "some",
                    "soon",
                    "source",
                    "space",
                    "spark",
                    "spatial",
                    "spec",
                    "sphinx",
                    "spine",
                    "spotify",
                    "spree",
                    "spring",
                    "sprite",
                    "sql-",
                    "sql.",
                    "sql_",
                    "sqlite",
                    "ssh-",
                    "ssh.",
                    "ssh_",
                    "stack",
                    "staging",
                    "standard",
                    "stanford",
                    "start",
                    "started",
                    "starter",
                    "startup",
                    "stat",
                    "statamic",
                    "state",
                    "static",
                    "statistic",
                    "statsd",
                    "statu",
                    "steam",
                    "step",
                    "still",
                    "stm-",
                    "stm.",
                    "stm_",
                    "storage",
                    "store",
                    "storm",
                    "story",
                    "strategy",
                    "stream",
                    "streaming",
                    "string",
                    "stripe",
                    "structure",
                    "studio",
                    "study",
                    "stuff",
                    "style",
                    "sublime",
                    "sugar",
                    "suite",
                    "summary",
                    "super",
                    "support",
                    "supported",
                    "svg-",
                    "svg.",
                    "svg_",
                    "svn-",
                    "svn.",
                    "svn_",
                    "swagger",
                    "swift",
                    "switch",
                    "switcher",
                    "symfony",
                    "symphony",
                    "sync",
                    "synopsi",
                    "syntax",
                    "system",
                    "tab-",
                    "tab.",
                    "tab_",
                    "table",
                    "tag-",
                    "tag.",
                    "tag_",
                    "talk",
                    "target",
                    "task",
                    "tcp-",
                    "tcp.",
                    "tcp_",
                    "tdd-",
                    "tdd.",
                    "tdd_",
                    "team",
                    "tech",
                    "template",
                    "term",
                    "terminal",
                    "testing",
                    "tetri",
                    "text",
                    "textmate",
                    "theme",
                    "theory",
                    "three",
                    "thrift",
                    "time",
                    "timeline",
                    "timer",
                    "tiny",
                    "tinymce",
                    "tip-",
                    "tip.",
                    "tip_",
                    "title",
                    "todo",
                    "todomvc",
                    "token",
                    "tool",
                    "toolbox",
                    "toolkit",
                    "top-",
                    "top.",
                    "top_",
                    "tornado",
                    "touch",
                    "tower",
                    "tracker",
                    "tracking",
                    "traffic",
                    "training",
                    "transfer",
                    "translate",
                    "transport",
                    "tree",
                    "trello",
                    "try-",
                    "try.",
                    "try_",
                    "tumblr",
                    "tut-",
                    "tut.",
                    "tut_",
                    "tutorial",
                    "tweet",
                    "twig",
                    "twitter",
                    "type",
                    "typo",
                    "ubuntu",
                    "uiview",
                    "ultimate",
                    "under",
                    "unit",
                    "unity",
                    "universal",
                    "unix",
                    "update",
                    "updated",
                    "upgrade",
                    "upload",
                    "uploader",
                    "uri-",
                    "uri.",
                    "uri_",
                    "url-",
                    "url.",
                    "url_",
                    "usage",
                    "usb-",
                    "usb.",
                    "usb_",
                    "use-",
                    "use.",
                    "use_",
                    "used",
                    "useful",
                    "user",
                    "using",
                    "util",
                    "utilitie",
                    "utility",
                    "vagrant",
                    "validator",
                    "value",
                    "variou",
                    "varnish",
                    "version",
                    "via-",
                    "via.",
                    "via_",
                    "video",
                    "view",
                    "viewer",
                    "vim-",
                    "vim.",
                    "vim_",
                    "vimrc",
                    "virtual",
                    "vision",
                    "visual",
                    "vpn",
                    "want",
                    "warning",
                    "watch",
                    "watcher",
                    "wave",
                    "way-",
                    "way.",
                    "way_",
                    "weather",
                    "web-",
                    "web_",
                    "webapp",
                    "webgl",
                    "webhook",
                    "webkit",
                    "webrtc",
                    "website",
                    "websocket",
                    "welcome",
                    "what",
                    "what'",
                    "when",
                    "where",
                    "which",
                    "why-",
                    "why.",
                    "why_",
                    "widget",
                    "wifi",
                    "wiki",
                    "win-",
                    "win.",
                    "win_",
                    "window",
                    "wip-",
                    "wip.",
                    "wip_",
                    "within",
                    "without",
                    "wizard",
                    "word",
                    "wordpres",
                    "work",
                    "worker",
                    "workflow",
                    "working",
                    "workshop",
                    "world",
                    "wrapper",
                    "write",
                    "writer",
                    "writing",
                    "written",
                    "www-",
                    "www.",
                    "www_",
                    "xamarin",
                    "xcode",
                    "xml-",
                    "xml.",
                    "xml_",
                    "xmpp",
                    "xxxxxx",
                    "yahoo",
                    "yaml",
                    "yandex",
                    "yeoman",
                    "yet-",
                    "yet.",
                    "yet_",
                    "yii-",
                    "yii.",
                    "yii_",
                    "youtube",
                    "yui-",
                    "yui.",
                    "yui_",
                    "zend",
                    "zero",
                    "zip-",
                    "zip.",
                    "zip_",
                    "zsh-",
                    "zsh.",
                    "zsh_"
                ],
                "hasPaths": false
            },
            {
                "description": "",
                "condition": "OR",
                "regexTarget": "line",
                "regexes": [
                    {
                        "source": "--mount=type=secret,",
                        "flags": ""
                    },
                    {
                        "source": "import[ \\t]+{[ \\t\\w,]+}[ \\t]+from[ \\t]+['\"][^'\"]+['\"]",
                        "flags": ""
                    }
                ],
                "stopwords": [],
                "hasPaths": false
            },
            {
                "description": "",
                "condition": "AND",
                "regexTarget": "line",
                "regexes": [
                    {
                        "source": "LICENSE[^=]*=\\s*\"[^\"]+",
                        "flags": ""
                    },
                    {
                        "source": "LIC_FILES_CHKSUM[^=]*=\\s*\"[^\"]+",
                        "flags": ""
                    },
                    {
                        "source": "SRC[^=]*=\\s*\"[a-zA-Z0-9]+",
                        "flags": ""
                    }
                ],
                "stopwords": [],
                "hasPaths": true
            }
        ]
    },
    {
        "id": "github-app-token",
        "description": "Identified a GitHub App Token, which may compromise GitHub application integrations and source code security.",
        "goRegex": "(?:ghu|ghs)_[0-9a-zA-Z]{36}",
        "source": "(?:ghu|ghs)_[0-9a-zA-Z]{36}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "ghu_",
            "ghs_"
        ],
        "allowlists": [
            {
                "description": "",
                "condition": "OR",
                "regexTarget": "secret",
                "regexes": [],
                "stopwords": [],
                "hasPaths": true
            }
        ]
    },
    {
        "id": "github-fine-grained-pat",
        "description": "Found a GitHub Fine-Grained Personal Access Token, risking unauthorized repository access and code manipulation.",
        "goRegex": "github_pat_\\w{82}",
        "source": "github_pat_\\w{82}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "github_pat_"
        ],
        "allowlists": []
    },
    {
        "id": "github-oauth",
        "description": "Discovered a GitHub OAuth Access Token, posing a risk of compromised GitHub account integrations and data leaks.",
        "goRegex": "gho_[0-9a-zA-Z]{36}",
        "source": "gho_[0-9a-zA-Z]{36}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "gho_"
        ],
        "allowlists": []
    },
    {
        "id": "github-pat",
        "description": "Uncovered a GitHub Personal Access Token, potentially leading to unauthorized repository access and sensitive content exposure.",
        "goRegex": "ghp_[0-9a-zA-Z]{36}",
        "source": "ghp_[0-9a-zA-Z]{36}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "ghp_"
        ],
        "allowlists": [
            {
                "description": "",
                "condition": "OR",
                "regexTarget": "secret",
                "regexes": [],
                "stopwords": [],
                "hasPaths": true
            }
        ]
    },
    {
        "id": "github-refresh-token",
        "description": "Detected a GitHub Refresh Token, which could allow prolonged unauthorized access to GitHub services.",
        "goRegex": "ghr_[0-9a-zA-Z]{36}",
        "source": "ghr_[0-9a-zA-Z]{36}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "ghr_"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-cicd-job-token",
        "description": "Identified a GitLab CI/CD Job Token, potential access to projects and some APIs on behalf of a user while the CI job is running.",
        "goRegex": "glcbt-[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20}",
        "source": "glcbt-[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "glcbt-"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-deploy-token",
        "description": "Identified a GitLab Deploy Token, risking access to repositories, packages and containers with write access.",
        "goRegex": "gldt-[0-9a-zA-Z_\\-]{20}",
        "source": "gldt-[0-9a-zA-Z_\\-]{20}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "gldt-"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-feature-flag-client-token",
        "description": "Identified a GitLab feature flag client token, risks exposing user lists and features flags used by an application.",
        "goRegex": "glffct-[0-9a-zA-Z_\\-]{20}",
        "source": "glffct-[0-9a-zA-Z_\\-]{20}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "glffct-"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-feed-token",
        "description": "Identified a GitLab feed token, risking exposure of user data.",
        "goRegex": "glft-[0-9a-zA-Z_\\-]{20}",
        "source": "glft-[0-9a-zA-Z_\\-]{20}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "glft-"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-incoming-mail-token",
        "description": "Identified a GitLab incoming mail token, risking manipulation of data sent by mail.",
        "goRegex": "glimt-[0-9a-zA-Z_\\-]{25}",
        "source": "glimt-[0-9a-zA-Z_\\-]{25}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "glimt-"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-kubernetes-agent-token",
        "description": "Identified a GitLab Kubernetes Agent token, risking access to repos and registry of projects connected via agent.",
        "goRegex": "glagent-[0-9a-zA-Z_\\-]{50}",
        "source": "glagent-[0-9a-zA-Z_\\-]{50}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "glagent-"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-oauth-app-secret",
        "description": "Identified a GitLab OIDC Application Secret, risking access to apps using GitLab as authentication provider.",
        "goRegex": "gloas-[0-9a-zA-Z_\\-]{64}",
        "source": "gloas-[0-9a-zA-Z_\\-]{64}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "gloas-"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-pat",
        "description": "Identified a GitLab Personal Access Token, risking unauthorized access to GitLab repositories and codebase exposure.",
        "goRegex": "glpat-[\\w-]{20}",
        "source": "glpat-[\\w-]{20}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "glpat-"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-pat-routable",
        "description": "Identified a GitLab Personal Access Token (routable), risking unauthorized access to GitLab repositories and codebase exposure.",
        "goRegex": "\\bglpat-[0-9a-zA-Z_-]{27,300}\\.[0-9a-z]{2}[0-9a-z]{7}\\b",
        "source": "\\bglpat-[0-9a-zA-Z_-]{27,300}\\.[0-9a-z]{2}[0-9a-z]{7}\\b",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "glpat-"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-ptt",
        "description": "Found a GitLab Pipeline Trigger Token, potentially compromising continuous integration workflows and project security.",
        "goRegex": "glptt-[0-9a-f]{40}",
        "source": "glptt-[0-9a-f]{40}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "glptt-"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-rrt",
        "description": "Discovered a GitLab Runner Registration Token, posing a risk to CI/CD pipeline integrity and unauthorized access.",
        "goRegex": "GR1348941[\\w-]{20}",
        "source": "GR1348941[\\w-]{20}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "gr1348941"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-runner-authentication-token",
        "description": "Discovered a GitLab Runner Authentication Token, posing a risk to CI/CD pipeline integrity and unauthorized access.",
        "goRegex": "glrt-[0-9a-zA-Z_\\-]{20}",
        "source": "glrt-[0-9a-zA-Z_\\-]{20}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "glrt-"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-runner-authentication-token-routable",
        "description": "Discovered a GitLab Runner Authentication Token (Routable), posing a risk to CI/CD pipeline integrity and unauthorized access.",
        "goRegex": "\\bglrt-t\\d_[0-9a-zA-Z_\\-]{27,300}\\.[0-9a-z]{2}[0-9a-z]{7}\\b",
        "source": "\\bglrt-t\\d_[0-9a-zA-Z_\\-]{27,300}\\.[0-9a-z]{2}[0-9a-z]{7}\\b",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "glrt-"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-scim-token",
        "description": "Discovered a GitLab SCIM Token, posing a risk to unauthorized access for a organization or instance.",
        "goRegex": "glsoat-[0-9a-zA-Z_\\-]{20}",
        "source": "glsoat-[0-9a-zA-Z_\\-]{20}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "glsoat-"
        ],
        "allowlists": []
    },
    {
        "id": "gitlab-session-cookie",
        "description": "Discovered a GitLab Session Cookie, posing a risk to unauthorized access to a user account.",
        "goRegex": "_gitlab_session=[0-9a-z]{32}",
        "source": "_gitlab_session=[0-9a-z]{32}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "_gitlab_session="
        ],
        "allowlists": []
    },
    {
        "id": "gitter-access-token",
        "description": "Uncovered a Gitter Access Token, which may lead to unauthorized access to chat and communication services.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:gitter)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9_-]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:gitter)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9_-]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "gitter"
        ],
        "allowlists": []
    },
    {
        "id": "gocardless-api-token",
        "description": "Detected a GoCardless API token, potentially risking unauthorized direct debit payment operations and financial data exposure.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:gocardless)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(live_(?i)[a-z0-9\\-_=]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:[gG][oO][cC][aA][rR][dD][lL][eE][sS][sS])(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([lL][iI][vV][eE]_[a-z0-9\\-_=A-Z]{40})(?:[\\x60'\"\\s;]|\\\\[nrNR]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "live_",
            "gocardless"
        ],
        "allowlists": []
    },
    {
        "id": "grafana-api-key",
        "description": "Identified a Grafana API key, which could compromise monitoring dashboards and sensitive data analytics.",
        "goRegex": "(?i)\\b(eyJrIjoi[A-Za-z0-9]{70,400}={0,3})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(eyJrIjoi[A-Za-z0-9]{70,400}={0,3})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "eyjrijoi"
        ],
        "allowlists": []
    },
    {
        "id": "grafana-cloud-api-token",
        "description": "Found a Grafana cloud API token, risking unauthorized access to cloud-based monitoring services and data exposure.",
        "goRegex": "(?i)\\b(glc_[A-Za-z0-9+/]{32,400}={0,3})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(glc_[A-Za-z0-9+/]{32,400}={0,3})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "glc_"
        ],
        "allowlists": []
    },
    {
        "id": "grafana-service-account-token",
        "description": "Discovered a Grafana service account token, posing a risk of compromised monitoring services and data integrity.",
        "goRegex": "(?i)\\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "glsa_"
        ],
        "allowlists": []
    },
    {
        "id": "harness-api-key",
        "description": "Identified a Harness Access Token (PAT or SAT), risking unauthorized access to a Harness account.",
        "goRegex": "(?:pat|sat)\\.[a-zA-Z0-9_-]{22}\\.[a-zA-Z0-9]{24}\\.[a-zA-Z0-9]{20}",
        "source": "(?:pat|sat)\\.[a-zA-Z0-9_-]{22}\\.[a-zA-Z0-9]{24}\\.[a-zA-Z0-9]{20}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "pat.",
            "sat."
        ],
        "allowlists": []
    },
    {
        "id": "hashicorp-tf-api-token",
        "description": "Uncovered a HashiCorp Terraform user/org API token, which may lead to unauthorized infrastructure management and security breaches.",
        "goRegex": "(?i)[a-z0-9]{14}\\.(?-i:atlasv1)\\.[a-z0-9\\-_=]{60,70}",
        "source": "[a-z0-9A-Z]{14}\\.(?:atlasv1)\\.[a-z0-9\\-_=A-Z]{60,70}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3.5,
        "keywords": [
            "atlasv1"
        ],
        "allowlists": []
    },
    {
        "id": "hashicorp-tf-password",
        "description": "Identified a HashiCorp Terraform password field, risking unauthorized infrastructure configuration and security breaches.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:administrator_login_password|password)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(\"[a-z0-9=_\\-]{8,20}\")(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:administrator_login_password|password)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(\"[a-z0-9=_\\-]{8,20}\")(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "administrator_login_password",
            "password"
        ],
        "allowlists": []
    },
    {
        "id": "heroku-api-key",
        "description": "Detected a Heroku API Key, potentially compromising cloud application deployments and operational security.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:heroku)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:heroku)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "heroku"
        ],
        "allowlists": []
    },
    {
        "id": "heroku-api-key-v2",
        "description": "Detected a Heroku API Key, potentially compromising cloud application deployments and operational security.",
        "goRegex": "\\b((HRKU-AA[0-9a-zA-Z_-]{58}))(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b((HRKU-AA[0-9a-zA-Z_-]{58}))(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "hrku-aa"
        ],
        "allowlists": []
    },
    {
        "id": "hubspot-api-key",
        "description": "Found a HubSpot API Token, posing a risk to CRM data integrity and unauthorized marketing operations.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:hubspot)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:hubspot)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "hubspot"
        ],
        "allowlists": []
    },
    {
        "id": "huggingface-access-token",
        "description": "Discovered a Hugging Face Access token, which could lead to unauthorized access to AI models and sensitive data.",
        "goRegex": "\\b(hf_(?i:[a-z]{34}))(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(hf_(?:[a-zA-Z]{34}))(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "hf_"
        ],
        "allowlists": []
    },
    {
        "id": "huggingface-organization-api-token",
        "description": "Uncovered a Hugging Face Organization API token, potentially compromising AI organization accounts and associated data.",
        "goRegex": "\\b(api_org_(?i:[a-z]{34}))(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(api_org_(?:[a-zA-Z]{34}))(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "api_org_"
        ],
        "allowlists": []
    },
    {
        "id": "infracost-api-token",
        "description": "Detected an Infracost API Token, risking unauthorized access to cloud cost estimation tools and financial data.",
        "goRegex": "\\b(ico-[a-zA-Z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(ico-[a-zA-Z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "ico-"
        ],
        "allowlists": []
    },
    {
        "id": "intercom-api-key",
        "description": "Identified an Intercom API Token, which could compromise customer communication channels and data privacy.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:intercom)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{60})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:intercom)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{60})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "intercom"
        ],
        "allowlists": []
    },
    {
        "id": "intra42-client-secret",
        "description": "Found a Intra42 client secret, which could lead to unauthorized access to the 42School API and sensitive data.",
        "goRegex": "\\b(s-s4t2(?:ud|af)-(?i)[abcdef0123456789]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(s-s4t2(?:ud|af)-[abcdef0123456789ABCDEF]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "intra",
            "s-s4t2ud-",
            "s-s4t2af-"
        ],
        "allowlists": []
    },
    {
        "id": "jfrog-api-key",
        "description": "Found a JFrog API Key, posing a risk of unauthorized access to software artifact repositories and build pipelines.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:jfrog|artifactory|bintray|xray)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{73})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:jfrog|artifactory|bintray|xray)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{73})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "jfrog",
            "artifactory",
            "bintray",
            "xray"
        ],
        "allowlists": []
    },
    {
        "id": "jfrog-identity-token",
        "description": "Discovered a JFrog Identity Token, potentially compromising access to JFrog services and sensitive software artifacts.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:jfrog|artifactory|bintray|xray)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:jfrog|artifactory|bintray|xray)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "jfrog",
            "artifactory",
            "bintray",
            "xray"
        ],
        "allowlists": []
    },
    {
        "id": "jwt",
        "description": "Uncovered a JSON Web Token, which may lead to unauthorized access to web applications and sensitive user data.",
        "goRegex": "\\b(ey[a-zA-Z0-9]{17,}\\.ey[a-zA-Z0-9\\/\\\\_-]{17,}\\.(?:[a-zA-Z0-9\\/\\\\_-]{10,}={0,2})?)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(ey[a-zA-Z0-9]{17,}\\.ey[a-zA-Z0-9\\/\\\\_-]{17,}\\.(?:[a-zA-Z0-9\\/\\\\_-]{10,}={0,2})?)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "ey"
        ],
        "allowlists": []
    },
    {
        "id": "jwt-base64",
        "description": "Detected a Base64-encoded JSON Web Token, posing a risk of exposing encoded authentication and data exchange information.",
        "goRegex": "\\bZXlK(?:(?P<alg>aGJHY2lPaU)|(?P<apu>aGNIVWlPaU)|(?P<apv>aGNIWWlPaU)|(?P<aud>aGRXUWlPaU)|(?P<b64>aU5qUWlP)|(?P<crit>amNtbDBJanBi)|(?P<cty>amRIa2lPaU)|(?P<epk>bGNHc2lPbn)|(?P<enc>bGJtTWlPaU)|(?P<jku>cWEzVWlPaU)|(?P<jwk>cWQyc2lPb)|(?P<iss>cGMzTWlPaU)|(?P<iv>cGRpSTZJ)|(?P<kid>cmFXUWlP)|(?P<key_ops>clpYbGZiM0J6SWpwY)|(?P<kty>cmRIa2lPaUp)|(?P<nonce>dWIyNWpaU0k2)|(?P<p2c>d01tTWlP)|(?P<p2s>d01uTWlPaU)|(?P<ppt>d2NIUWlPaU)|(?P<sub>emRXSWlPaU)|(?P<svt>emRuUWlP)|(?P<tag>MFlXY2lPaU)|(?P<typ>MGVYQWlPaUp)|(?P<url>MWNtd2l)|(?P<use>MWMyVWlPaUp)|(?P<ver>MlpYSWlPaU)|(?P<version>MlpYSnphVzl1SWpv)|(?P<x>NElqb2)|(?P<x5c>NE5XTWlP)|(?P<x5t>NE5YUWlPaU)|(?P<x5ts256>NE5YUWpVekkxTmlJNkl)|(?P<x5u>NE5YVWlPaU)|(?P<zip>NmFYQWlPaU))[a-zA-Z0-9\\/\\\\_+\\-\\r\\n]{40,}={0,2}",
        "source": "\\bZXlK(?:(?<alg>aGJHY2lPaU)|(?<apu>aGNIVWlPaU)|(?<apv>aGNIWWlPaU)|(?<aud>aGRXUWlPaU)|(?<b64>aU5qUWlP)|(?<crit>amNtbDBJanBi)|(?<cty>amRIa2lPaU)|(?<epk>bGNHc2lPbn)|(?<enc>bGJtTWlPaU)|(?<jku>cWEzVWlPaU)|(?<jwk>cWQyc2lPb)|(?<iss>cGMzTWlPaU)|(?<iv>cGRpSTZJ)|(?<kid>cmFXUWlP)|(?<key_ops>clpYbGZiM0J6SWpwY)|(?<kty>cmRIa2lPaUp)|(?<nonce>dWIyNWpaU0k2)|(?<p2c>d01tTWlP)|(?<p2s>d01uTWlPaU)|(?<ppt>d2NIUWlPaU)|(?<sub>emRXSWlPaU)|(?<svt>emRuUWlP)|(?<tag>MFlXY2lPaU)|(?<typ>MGVYQWlPaUp)|(?<url>MWNtd2l)|(?<use>MWMyVWlPaUp)|(?<ver>MlpYSWlPaU)|(?<version>MlpYSnphVzl1SWpv)|(?<x>NElqb2)|(?<x5c>NE5XTWlP)|(?<x5t>NE5YUWlPaU)|(?<x5ts256>NE5YUWpVekkxTmlJNkl)|(?<x5u>NE5YVWlPaU)|(?<zip>NmFYQWlPaU))[a-zA-Z0-9\\/\\\\_+\\-\\r\\n]{40,}={0,2}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "zxlk"
        ],
        "allowlists": []
    },
    {
        "id": "kraken-access-token",
        "description": "Identified a Kraken Access Token, potentially compromising cryptocurrency trading accounts and financial security.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:kraken)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9\\/=_\\+\\-]{80,90})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:kraken)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9\\/=_\\+\\-]{80,90})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "kraken"
        ],
        "allowlists": []
    },
    {
        "id": "kubernetes-secret-yaml",
        "description": "Possible Kubernetes Secret detected, posing a risk of leaking credentials/tokens from your deployments",
        "goRegex": "(?i)(?:\\bkind:[ \\t]*[\"']?\\bsecret\\b[\"']?(?s:.){0,200}?\\bdata:(?s:.){0,100}?\\s+([\\w.-]+:(?:[ \\t]*(?:\\||>[-+]?)\\s+)?[ \\t]*(?:[\"']?[a-z0-9+/]{10,}={0,3}[\"']?|\\{\\{[ \\t\\w\"|$:=,.-]+}}|\"\"|''))|\\bdata:(?s:.){0,100}?\\s+([\\w.-]+:(?:[ \\t]*(?:\\||>[-+]?)\\s+)?[ \\t]*(?:[\"']?[a-z0-9+/]{10,}={0,3}[\"']?|\\{\\{[ \\t\\w\"|$:=,.-]+}}|\"\"|''))(?s:.){0,200}?\\bkind:[ \\t]*[\"']?\\bsecret\\b[\"']?)",
        "source": "(?:\\bkind:[ \\t]*[\"']?\\bsecret\\b[\"']?(?:[\\s\\S]){0,200}?\\bdata:(?:[\\s\\S]){0,100}?\\s+([\\w.-]+:(?:[ \\t]*(?:\\||>[-+]?)\\s+)?[ \\t]*(?:[\"']?[a-z0-9+/]{10,}={0,3}[\"']?|\\{\\{[ \\t\\w\"|$:=,.-]+}}|\"\"|''))|\\bdata:(?:[\\s\\S]){0,100}?\\s+([\\w.-]+:(?:[ \\t]*(?:\\||>[-+]?)\\s+)?[ \\t]*(?:[\"']?[a-z0-9+/]{10,}={0,3}[\"']?|\\{\\{[ \\t\\w\"|$:=,.-]+}}|\"\"|''))(?:[\\s\\S]){0,200}?\\bkind:[ \\t]*[\"']?\\bsecret\\b[\"']?)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "secret"
        ],
        "allowlists": [
            {
                "description": "",
                "condition": "OR",
                "regexTarget": "secret",
                "regexes": [
                    {
                        "source": "[\\w.-]+:(?:[ \\t]*(?:\\||>[-+]?)\\s+)?[ \\t]*(?:\\{\\{[ \\t\\w\"|$:=,.-]+}}|\"\"|'')",
                        "flags": ""
                    }
                ],
                "stopwords": [],
                "hasPaths": false
            },
            {
                "description": "",
                "condition": "OR",
                "regexTarget": "match",
                "regexes": [
                    {
                        "source": "(kind:(?:[\\s\\S])+\\n---\\n(?:[\\s\\S])+\\bdata:|data:(?:[\\s\\S])+\\n---\\n(?:[\\s\\S])+\\bkind:)",
                        "flags": ""
                    }
                ],
                "stopwords": [],
                "hasPaths": false
            }
        ]
    },
    {
        "id": "kucoin-access-token",
        "description": "Found a Kucoin Access Token, risking unauthorized access to cryptocurrency exchange services and transactions.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:kucoin)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{24})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:kucoin)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{24})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "kucoin"
        ],
        "allowlists": []
    },
    {
        "id": "kucoin-secret-key",
        "description": "Discovered a Kucoin Secret Key, which could lead to compromised cryptocurrency operations and financial data breaches.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:kucoin)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:kucoin)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "kucoin"
        ],
        "allowlists": []
    },
    {
        "id": "launchdarkly-access-token",
        "description": "Uncovered a Launchdarkly Access Token, potentially compromising feature flag management and application functionality.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:launchdarkly)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:launchdarkly)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "launchdarkly"
        ],
        "allowlists": []
    },
    {
        "id": "linear-api-key",
        "description": "Detected a Linear API Token, posing a risk to project management tools and sensitive task data.",
        "goRegex": "lin_api_(?i)[a-z0-9]{40}",
        "source": "lin_api_[a-z0-9A-Z]{40}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "lin_api_"
        ],
        "allowlists": []
    },
    {
        "id": "linear-client-secret",
        "description": "Identified a Linear Client Secret, which may compromise secure integrations and sensitive project management data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:linear)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:linear)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "linear"
        ],
        "allowlists": []
    },
    {
        "id": "linkedin-client-id",
        "description": "Found a LinkedIn Client ID, risking unauthorized access to LinkedIn integrations and professional data exposure.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:linked[_-]?in)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{14})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:linked[_-]?in)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{14})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "linkedin",
            "linked_in",
            "linked-in"
        ],
        "allowlists": []
    },
    {
        "id": "linkedin-client-secret",
        "description": "Discovered a LinkedIn Client secret, potentially compromising LinkedIn application integrations and user data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:linked[_-]?in)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:linked[_-]?in)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "linkedin",
            "linked_in",
            "linked-in"
        ],
        "allowlists": []
    },
    {
        "id": "lob-api-key",
        "description": "Uncovered a Lob API Key, which could lead to unauthorized access to mailing and address verification services.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:lob)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}((live|test)_[a-f0-9]{35})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:lob)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}((live|test)_[a-f0-9]{35})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "test_",
            "live_"
        ],
        "allowlists": []
    },
    {
        "id": "lob-pub-api-key",
        "description": "Detected a Lob Publishable API Key, posing a risk of exposing mail and print service integrations.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:lob)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}((test|live)_pub_[a-f0-9]{31})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:lob)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}((test|live)_pub_[a-f0-9]{31})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "test_pub",
            "live_pub",
            "_pub"
        ],
        "allowlists": []
    },
    {
        "id": "looker-client-id",
        "description": "Found a Looker Client ID, risking unauthorized access to a Looker account and exposing sensitive data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:looker)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{20})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:looker)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{20})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "looker"
        ],
        "allowlists": []
    },
    {
        "id": "looker-client-secret",
        "description": "Found a Looker Client Secret, risking unauthorized access to a Looker account and exposing sensitive data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:looker)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{24})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:looker)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{24})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "looker"
        ],
        "allowlists": []
    },
    {
        "id": "mailchimp-api-key",
        "description": "Identified a Mailchimp API key, potentially compromising email marketing campaigns and subscriber data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:MailchimpSDK.initialize|mailchimp)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{32}-us\\d\\d)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:MailchimpSDK[^\\n]initialize|mailchimp)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{32}-us\\d\\d)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "mailchimp"
        ],
        "allowlists": []
    },
    {
        "id": "mailgun-private-api-token",
        "description": "Found a Mailgun private API token, risking unauthorized email service operations and data breaches.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:mailgun)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(key-[a-f0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:mailgun)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(key-[a-f0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "mailgun"
        ],
        "allowlists": []
    },
    {
        "id": "mailgun-pub-key",
        "description": "Discovered a Mailgun public validation key, which could expose email verification processes and associated data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:mailgun)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(pubkey-[a-f0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:mailgun)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(pubkey-[a-f0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "mailgun"
        ],
        "allowlists": []
    },
    {
        "id": "mailgun-signing-key",
        "description": "Uncovered a Mailgun webhook signing key, potentially compromising email automation and data integrity.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:mailgun)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:mailgun)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "mailgun"
        ],
        "allowlists": []
    },
    {
        "id": "mapbox-api-token",
        "description": "Detected a MapBox API token, posing a risk to geospatial services and sensitive location data exposure.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:mapbox)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(pk\\.[a-z0-9]{60}\\.[a-z0-9]{22})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:mapbox)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(pk\\.[a-z0-9]{60}\\.[a-z0-9]{22})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "mapbox"
        ],
        "allowlists": []
    },
    {
        "id": "mattermost-access-token",
        "description": "Identified a Mattermost Access Token, which may compromise team communication channels and data privacy.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:mattermost)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{26})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:mattermost)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{26})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "mattermost"
        ],
        "allowlists": []
    },
    {
        "id": "maxmind-license-key",
        "description": "Discovered a potential MaxMind license key.",
        "goRegex": "\\b([A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b([A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "_mmk"
        ],
        "allowlists": []
    },
    {
        "id": "messagebird-api-token",
        "description": "Found a MessageBird API token, risking unauthorized access to communication platforms and message data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:message[_-]?bird)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{25})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:message[_-]?bird)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{25})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "messagebird",
            "message-bird",
            "message_bird"
        ],
        "allowlists": []
    },
    {
        "id": "messagebird-client-id",
        "description": "Discovered a MessageBird client ID, potentially compromising API integrations and sensitive communication data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:message[_-]?bird)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:message[_-]?bird)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "messagebird",
            "message-bird",
            "message_bird"
        ],
        "allowlists": []
    },
    {
        "id": "microsoft-teams-webhook",
        "description": "Uncovered a Microsoft Teams Webhook, which could lead to unauthorized access to team collaboration tools and data leaks.",
        "goRegex": "https://[a-z0-9]+\\.webhook\\.office\\.com/webhookb2/[a-z0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12}@[a-z0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12}/IncomingWebhook/[a-z0-9]{32}/[a-z0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12}",
        "source": "https://[a-z0-9]+\\.webhook\\.office\\.com/webhookb2/[a-z0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12}@[a-z0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12}/IncomingWebhook/[a-z0-9]{32}/[a-z0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "webhook.office.com",
            "webhookb2",
            "incomingwebhook"
        ],
        "allowlists": []
    },
    {
        "id": "netlify-access-token",
        "description": "Detected a Netlify Access Token, potentially compromising web hosting services and site management.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:netlify)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{40,46})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:netlify)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{40,46})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "netlify"
        ],
        "allowlists": []
    },
    {
        "id": "new-relic-browser-api-token",
        "description": "Identified a New Relic ingest browser API token, risking unauthorized access to application performance data and analytics.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:new-relic|newrelic|new_relic)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(NRJS-[a-f0-9]{19})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:new-relic|newrelic|new_relic)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(NRJS-[a-f0-9]{19})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "nrjs-"
        ],
        "allowlists": []
    },
    {
        "id": "new-relic-insert-key",
        "description": "Discovered a New Relic insight insert key, compromising data injection into the platform.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:new-relic|newrelic|new_relic)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(NRII-[a-z0-9-]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:new-relic|newrelic|new_relic)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(NRII-[a-z0-9-]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "nrii-"
        ],
        "allowlists": []
    },
    {
        "id": "new-relic-user-api-id",
        "description": "Found a New Relic user API ID, posing a risk to application monitoring services and data integrity.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:new-relic|newrelic|new_relic)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:new-relic|newrelic|new_relic)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "new-relic",
            "newrelic",
            "new_relic"
        ],
        "allowlists": []
    },
    {
        "id": "new-relic-user-api-key",
        "description": "Discovered a New Relic user API Key, which could lead to compromised application insights and performance monitoring.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:new-relic|newrelic|new_relic)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(NRAK-[a-z0-9]{27})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:new-relic|newrelic|new_relic)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(NRAK-[a-z0-9]{27})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "nrak"
        ],
        "allowlists": []
    },
    {
        "id": "notion-api-token",
        "description": "Notion API token",
        "goRegex": "\\b(ntn_[0-9]{11}[A-Za-z0-9]{32}[A-Za-z0-9]{3})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(ntn_[0-9]{11}[A-Za-z0-9]{32}[A-Za-z0-9]{3})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "ntn_"
        ],
        "allowlists": []
    },
    {
        "id": "npm-access-token",
        "description": "Uncovered an npm access token, potentially compromising package management and code repository access.",
        "goRegex": "(?i)\\b(npm_[a-z0-9]{36})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(npm_[a-z0-9]{36})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "npm_"
        ],
        "allowlists": []
    },
    {
        "id": "nuget-config-password",
        "description": "Identified a password within a Nuget config file, potentially compromising package management access.",
        "goRegex": "(?i)<add key=\\\"(?:(?:ClearText)?Password)\\\"\\s*value=\\\"(.{8,})\\\"\\s*/>",
        "source": "<add key=\\\"(?:(?:ClearText)?Password)\\\"\\s*value=\\\"([^\\n]{8,})\\\"\\s*/>",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 1,
        "keywords": [
            "<add key="
        ],
        "allowlists": [
            {
                "description": "",
                "condition": "OR",
                "regexTarget": "secret",
                "regexes": [
                    {
                        "source": "33f!!lloppa",
                        "flags": ""
                    },
                    {
                        "source": "hal\\+9ooo_da!sY",
                        "flags": ""
                    },
                    {
                        "source": "^\\%\\S[^\\n]{0,256}\\%$",
                        "flags": ""
                    }
                ],
                "stopwords": [],
                "hasPaths": false
            }
        ]
    },
    {
        "id": "nytimes-access-token",
        "description": "Detected a Nytimes Access Token, risking unauthorized access to New York Times APIs and content services.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:nytimes|new-york-times,|newyorktimes)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:nytimes|new-york-times,|newyorktimes)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9=_\\-]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "nytimes",
            "new-york-times",
            "newyorktimes"
        ],
        "allowlists": []
    },
    {
        "id": "octopus-deploy-api-key",
        "description": "Discovered a potential Octopus Deploy API key, risking application deployments and operational security.",
        "goRegex": "\\b(API-[A-Z0-9]{26})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(API-[A-Z0-9]{26})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "api-"
        ],
        "allowlists": []
    },
    {
        "id": "okta-access-token",
        "description": "Identified an Okta Access Token, which may compromise identity management services and user authentication data.",
        "goRegex": "[\\w.-]{0,50}?(?i:[\\w.-]{0,50}?(?:(?-i:[Oo]kta|OKTA))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3})(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(00[\\w=\\-]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:(?:(?:[Oo]kta|OKTA))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3})(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(00[\\w=\\-]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "okta"
        ],
        "allowlists": []
    },
    {
        "id": "openai-api-key",
        "description": "Found an OpenAI API Key, posing a risk of unauthorized access to AI services and data manipulation.",
        "goRegex": "\\b(sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})\\b|sk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})\\b|sk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "t3blbkfj"
        ],
        "allowlists": []
    },
    {
        "id": "openshift-user-token",
        "description": "Found an OpenShift user token, potentially compromising an OpenShift/Kubernetes cluster.",
        "goRegex": "\\b(sha256~[\\w-]{43})(?:[^\\w-]|\\z)",
        "source": "\\b(sha256~[\\w-]{43})(?:[^\\w-]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3.5,
        "keywords": [
            "sha256~"
        ],
        "allowlists": []
    },
    {
        "id": "perplexity-api-key",
        "description": "Detected a Perplexity API key, which could lead to unauthorized access to Perplexity AI services and data exposure.",
        "goRegex": "\\b(pplx-[a-zA-Z0-9]{48})(?:[\\x60'\"\\s;]|\\\\[nr]|$|\\b)",
        "source": "\\b(pplx-[a-zA-Z0-9]{48})(?:[\\x60'\"\\s;]|\\\\[nr]|$|\\b)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "pplx-"
        ],
        "allowlists": []
    },
    {
        "id": "plaid-api-token",
        "description": "Discovered a Plaid API Token, potentially compromising financial data aggregation and banking services.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:plaid)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:plaid)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "plaid"
        ],
        "allowlists": []
    },
    {
        "id": "plaid-client-id",
        "description": "Uncovered a Plaid Client ID, which could lead to unauthorized financial service integrations and data breaches.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:plaid)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{24})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:plaid)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{24})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 3.5,
        "keywords": [
            "plaid"
        ],
        "allowlists": []
    },
    {
        "id": "plaid-secret-key",
        "description": "Detected a Plaid Secret key, risking unauthorized access to financial accounts and sensitive transaction data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:plaid)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{30})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:plaid)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{30})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 3.5,
        "keywords": [
            "plaid"
        ],
        "allowlists": []
    },
    {
        "id": "planetscale-api-token",
        "description": "Identified a PlanetScale API token, potentially compromising database management and operations.",
        "goRegex": "\\b(pscale_tkn_(?i)[\\w=\\.-]{32,64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(pscale_tkn_[\\w=\\.-]{32,64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "pscale_tkn_"
        ],
        "allowlists": []
    },
    {
        "id": "planetscale-oauth-token",
        "description": "Found a PlanetScale OAuth token, posing a risk to database access control and sensitive data integrity.",
        "goRegex": "\\b(pscale_oauth_[\\w=\\.-]{32,64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(pscale_oauth_[\\w=\\.-]{32,64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "pscale_oauth_"
        ],
        "allowlists": []
    },
    {
        "id": "planetscale-password",
        "description": "Discovered a PlanetScale password, which could lead to unauthorized database operations and data breaches.",
        "goRegex": "(?i)\\b(pscale_pw_(?i)[\\w=\\.-]{32,64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b([pP][sS][cC][aA][lL][eE]_[pP][wW]_[\\w=\\.-]{32,64})(?:[\\x60'\"\\s;]|\\\\[nrNR]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "pscale_pw_"
        ],
        "allowlists": []
    },
    {
        "id": "postman-api-token",
        "description": "Uncovered a Postman API token, potentially compromising API testing and development workflows.",
        "goRegex": "\\b(PMAK-(?i)[a-f0-9]{24}\\-[a-f0-9]{34})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(PMAK-[a-f0-9A-F]{24}\\-[a-f0-9A-F]{34})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "pmak-"
        ],
        "allowlists": []
    },
    {
        "id": "prefect-api-token",
        "description": "Detected a Prefect API token, risking unauthorized access to workflow management and automation services.",
        "goRegex": "\\b(pnu_[a-zA-Z0-9]{36})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(pnu_[a-zA-Z0-9]{36})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "pnu_"
        ],
        "allowlists": []
    },
    {
        "id": "private-key",
        "description": "Identified a Private Key, which may compromise cryptographic security and sensitive data encryption.",
        "goRegex": "(?i)-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\\s\\S-]{64,}?KEY(?: BLOCK)?-----",
        "source": "-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\\s\\S-]{64,}?KEY(?: BLOCK)?-----",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "-----begin"
        ],
        "allowlists": []
    },
    {
        "id": "privateai-api-token",
        "description": "Identified a PrivateAI Token, posing a risk of unauthorized access to AI services and data manipulation.",
        "goRegex": "[\\w.-]{0,50}?(?i:[\\w.-]{0,50}?(?:private[_-]?ai)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3})(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:(?:[pP][rR][iI][vV][aA][tT][eE][_-]?[aA][iI])(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3})(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "privateai",
            "private_ai",
            "private-ai"
        ],
        "allowlists": []
    },
    {
        "id": "pulumi-api-token",
        "description": "Found a Pulumi API token, posing a risk to infrastructure as code services and cloud resource management.",
        "goRegex": "\\b(pul-[a-f0-9]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(pul-[a-f0-9]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "pul-"
        ],
        "allowlists": []
    },
    {
        "id": "pypi-upload-token",
        "description": "Discovered a PyPI upload token, potentially compromising Python package distribution and repository integrity.",
        "goRegex": "pypi-AgEIcHlwaS5vcmc[\\w-]{50,1000}",
        "source": "pypi-AgEIcHlwaS5vcmc[\\w-]{50,1000}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "pypi-ageichlwas5vcmc"
        ],
        "allowlists": []
    },
    {
        "id": "rapidapi-access-token",
        "description": "Uncovered a RapidAPI Access Token, which could lead to unauthorized access to various APIs and data services.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:rapidapi)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9_-]{50})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:rapidapi)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9_-]{50})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "rapidapi"
        ],
        "allowlists": []
    },
    {
        "id": "readme-api-token",
        "description": "Detected a Readme API token, risking unauthorized documentation management and content exposure.",
        "goRegex": "\\b(rdme_[a-z0-9]{70})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(rdme_[a-z0-9]{70})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "rdme_"
        ],
        "allowlists": []
    },
    {
        "id": "rubygems-api-token",
        "description": "Identified a Rubygem API token, potentially compromising Ruby library distribution and package management.",
        "goRegex": "\\b(rubygems_[a-f0-9]{48})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(rubygems_[a-f0-9]{48})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "rubygems_"
        ],
        "allowlists": []
    },
    {
        "id": "scalingo-api-token",
        "description": "Found a Scalingo API token, posing a risk to cloud platform services and application deployment security.",
        "goRegex": "\\b(tk-us-[\\w-]{48})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(tk-us-[\\w-]{48})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "tk-us-"
        ],
        "allowlists": []
    },
    {
        "id": "sendbird-access-id",
        "description": "Discovered a Sendbird Access ID, which could compromise chat and messaging platform integrations.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:sendbird)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:sendbird)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "sendbird"
        ],
        "allowlists": []
    },
    {
        "id": "sendbird-access-token",
        "description": "Uncovered a Sendbird Access Token, potentially risking unauthorized access to communication services and user data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:sendbird)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:sendbird)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "sendbird"
        ],
        "allowlists": []
    },
    {
        "id": "sendgrid-api-token",
        "description": "Detected a SendGrid API token, posing a risk of unauthorized email service operations and data exposure.",
        "goRegex": "\\b(SG\\.(?i)[a-z0-9=_\\-\\.]{66})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(SG\\.[a-z0-9=_\\-\\.A-Z]{66})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "sg."
        ],
        "allowlists": []
    },
    {
        "id": "sendinblue-api-token",
        "description": "Identified a Sendinblue API token, which may compromise email marketing services and subscriber data privacy.",
        "goRegex": "\\b(xkeysib-[a-f0-9]{64}\\-(?i)[a-z0-9]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(xkeysib-[a-f0-9]{64}\\-[a-z0-9A-Z]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "xkeysib-"
        ],
        "allowlists": []
    },
    {
        "id": "sentry-access-token",
        "description": "Found a Sentry.io Access Token (old format), risking unauthorized access to error tracking services and sensitive application data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:sentry)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:sentry)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "sentry"
        ],
        "allowlists": []
    },
    {
        "id": "sentry-org-token",
        "description": "Found a Sentry.io Organization Token, risking unauthorized access to error tracking services and sensitive application data.",
        "goRegex": "\\bsntrys_eyJpYXQiO[a-zA-Z0-9+/]{10,200}(?:LCJyZWdpb25fdXJs|InJlZ2lvbl91cmwi|cmVnaW9uX3VybCI6)[a-zA-Z0-9+/]{10,200}={0,2}_[a-zA-Z0-9+/]{43}(?:[^a-zA-Z0-9+/]|\\z)",
        "source": "\\bsntrys_eyJpYXQiO[a-zA-Z0-9+/]{10,200}(?:LCJyZWdpb25fdXJs|InJlZ2lvbl91cmwi|cmVnaW9uX3VybCI6)[a-zA-Z0-9+/]{10,200}={0,2}_[a-zA-Z0-9+/]{43}(?:[^a-zA-Z0-9+/]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4.5,
        "keywords": [
            "sntrys_eyjpyxqio"
        ],
        "allowlists": []
    },
    {
        "id": "sentry-user-token",
        "description": "Found a Sentry.io User Token, risking unauthorized access to error tracking services and sensitive application data.",
        "goRegex": "\\b(sntryu_[a-f0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(sntryu_[a-f0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3.5,
        "keywords": [
            "sntryu_"
        ],
        "allowlists": []
    },
    {
        "id": "settlemint-application-access-token",
        "description": "Found a Settlemint Application Access Token.",
        "goRegex": "\\b(sm_aat_[a-zA-Z0-9]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(sm_aat_[a-zA-Z0-9]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "sm_aat"
        ],
        "allowlists": []
    },
    {
        "id": "settlemint-personal-access-token",
        "description": "Found a Settlemint Personal Access Token.",
        "goRegex": "\\b(sm_pat_[a-zA-Z0-9]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(sm_pat_[a-zA-Z0-9]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "sm_pat"
        ],
        "allowlists": []
    },
    {
        "id": "settlemint-service-access-token",
        "description": "Found a Settlemint Service Access Token.",
        "goRegex": "\\b(sm_sat_[a-zA-Z0-9]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(sm_sat_[a-zA-Z0-9]{16})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "sm_sat"
        ],
        "allowlists": []
    },
    {
        "id": "shippo-api-token",
        "description": "Discovered a Shippo API token, potentially compromising shipping services and customer order data.",
        "goRegex": "\\b(shippo_(?:live|test)_[a-fA-F0-9]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(shippo_(?:live|test)_[a-fA-F0-9]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "shippo_"
        ],
        "allowlists": []
    },
    {
        "id": "shopify-access-token",
        "description": "Uncovered a Shopify access token, which could lead to unauthorized e-commerce platform access and data breaches.",
        "goRegex": "shpat_[a-fA-F0-9]{32}",
        "source": "shpat_[a-fA-F0-9]{32}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "shpat_"
        ],
        "allowlists": []
    },
    {
        "id": "shopify-custom-access-token",
        "description": "Detected a Shopify custom access token, potentially compromising custom app integrations and e-commerce data security.",
        "goRegex": "shpca_[a-fA-F0-9]{32}",
        "source": "shpca_[a-fA-F0-9]{32}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "shpca_"
        ],
        "allowlists": []
    },
    {
        "id": "shopify-private-app-access-token",
        "description": "Identified a Shopify private app access token, risking unauthorized access to private app data and store operations.",
        "goRegex": "shppa_[a-fA-F0-9]{32}",
        "source": "shppa_[a-fA-F0-9]{32}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "shppa_"
        ],
        "allowlists": []
    },
    {
        "id": "shopify-shared-secret",
        "description": "Found a Shopify shared secret, posing a risk to application authentication and e-commerce platform security.",
        "goRegex": "shpss_[a-fA-F0-9]{32}",
        "source": "shpss_[a-fA-F0-9]{32}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "shpss_"
        ],
        "allowlists": []
    },
    {
        "id": "sidekiq-secret",
        "description": "Discovered a Sidekiq Secret, which could lead to compromised background job processing and application data breaches.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:BUNDLE_ENTERPRISE__CONTRIBSYS__COM|BUNDLE_GEMS__CONTRIBSYS__COM)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{8}:[a-f0-9]{8})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:BUNDLE_ENTERPRISE__CONTRIBSYS__COM|BUNDLE_GEMS__CONTRIBSYS__COM)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-f0-9]{8}:[a-f0-9]{8})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "bundle_enterprise__contribsys__com",
            "bundle_gems__contribsys__com"
        ],
        "allowlists": []
    },
    {
        "id": "sidekiq-sensitive-url",
        "description": "Uncovered a Sidekiq Sensitive URL, potentially exposing internal job queues and sensitive operation details.",
        "goRegex": "(?i)\\bhttps?://([a-f0-9]{8}:[a-f0-9]{8})@(?:gems.contribsys.com|enterprise.contribsys.com)(?:[\\/|\\#|\\?|:]|$)",
        "source": "\\bhttps?://([a-f0-9]{8}:[a-f0-9]{8})@(?:gems[^\\n]contribsys[^\\n]com|enterprise[^\\n]contribsys[^\\n]com)(?:[\\/|\\#|\\?|:]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "gems.contribsys.com",
            "enterprise.contribsys.com"
        ],
        "allowlists": []
    },
    {
        "id": "slack-app-token",
        "description": "Detected a Slack App-level token, risking unauthorized access to Slack applications and workspace data.",
        "goRegex": "(?i)xapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]+",
        "source": "xapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]+",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "xapp"
        ],
        "allowlists": []
    },
    {
        "id": "slack-bot-token",
        "description": "Identified a Slack Bot token, which may compromise bot integrations and communication channel security.",
        "goRegex": "xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*",
        "source": "xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "xoxb"
        ],
        "allowlists": []
    },
    {
        "id": "slack-config-access-token",
        "description": "Found a Slack Configuration access token, posing a risk to workspace configuration and sensitive data access.",
        "goRegex": "(?i)xoxe.xox[bp]-\\d-[A-Z0-9]{163,166}",
        "source": "xoxe[^\\n]xox[bp]-\\d-[A-Z0-9]{163,166}",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "xoxe.xoxb-",
            "xoxe.xoxp-"
        ],
        "allowlists": []
    },
    {
        "id": "slack-config-refresh-token",
        "description": "Discovered a Slack Configuration refresh token, potentially allowing prolonged unauthorized access to configuration settings.",
        "goRegex": "(?i)xoxe-\\d-[A-Z0-9]{146}",
        "source": "xoxe-\\d-[A-Z0-9]{146}",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "xoxe-"
        ],
        "allowlists": []
    },
    {
        "id": "slack-legacy-bot-token",
        "description": "Uncovered a Slack Legacy bot token, which could lead to compromised legacy bot operations and data exposure.",
        "goRegex": "xoxb-[0-9]{8,14}-[a-zA-Z0-9]{18,26}",
        "source": "xoxb-[0-9]{8,14}-[a-zA-Z0-9]{18,26}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "xoxb"
        ],
        "allowlists": []
    },
    {
        "id": "slack-legacy-token",
        "description": "Detected a Slack Legacy token, risking unauthorized access to older Slack integrations and user data.",
        "goRegex": "xox[os]-\\d+-\\d+-\\d+-[a-fA-F\\d]+",
        "source": "xox[os]-\\d+-\\d+-\\d+-[a-fA-F\\d]+",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "xoxo",
            "xoxs"
        ],
        "allowlists": []
    },
    {
        "id": "slack-legacy-workspace-token",
        "description": "Identified a Slack Legacy Workspace token, potentially compromising access to workspace data and legacy features.",
        "goRegex": "xox[ar]-(?:\\d-)?[0-9a-zA-Z]{8,48}",
        "source": "xox[ar]-(?:\\d-)?[0-9a-zA-Z]{8,48}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "xoxa",
            "xoxr"
        ],
        "allowlists": []
    },
    {
        "id": "slack-user-token",
        "description": "Found a Slack User token, posing a risk of unauthorized user impersonation and data access within Slack workspaces.",
        "goRegex": "xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}",
        "source": "xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "xoxp-",
            "xoxe-"
        ],
        "allowlists": []
    },
    {
        "id": "slack-webhook-url",
        "description": "Discovered a Slack Webhook, which could lead to unauthorized message posting and data leakage in Slack channels.",
        "goRegex": "(?:https?://)?hooks.slack.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}",
        "source": "(?:https?://)?hooks[^\\n]slack[^\\n]com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "hooks.slack.com"
        ],
        "allowlists": []
    },
    {
        "id": "snyk-api-token",
        "description": "Uncovered a Snyk API token, potentially compromising software vulnerability scanning and code security.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:snyk[_.-]?(?:(?:api|oauth)[_.-]?)?(?:key|token))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:snyk[_.-]?(?:(?:api|oauth)[_.-]?)?(?:key|token))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "snyk"
        ],
        "allowlists": []
    },
    {
        "id": "sonar-api-token",
        "description": "Uncovered a Sonar API token, potentially compromising software vulnerability scanning and code security.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:sonar[_.-]?(login|token))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}((?:squ_|sqp_|sqa_)?[a-z0-9=_\\-]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:sonar[_.-]?(login|token))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}((?:squ_|sqp_|sqa_)?[a-z0-9=_\\-]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 2,
        "entropy": 0,
        "keywords": [
            "sonar"
        ],
        "allowlists": []
    },
    {
        "id": "sourcegraph-access-token",
        "description": "Sourcegraph is a code search and navigation engine.",
        "goRegex": "(?i)\\b(\\b(sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}|sgp_[a-fA-F0-9]{40}|[a-fA-F0-9]{40})\\b)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(\\b(sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}|sgp_[a-fA-F0-9]{40}|[a-fA-F0-9]{40})\\b)(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "sgp_",
            "sourcegraph"
        ],
        "allowlists": []
    },
    {
        "id": "square-access-token",
        "description": "Detected a Square Access Token, risking unauthorized payment processing and financial transaction exposure.",
        "goRegex": "\\b((?:EAAA|sq0atp-)[\\w-]{22,60})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b((?:EAAA|sq0atp-)[\\w-]{22,60})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "sq0atp-",
            "eaaa"
        ],
        "allowlists": []
    },
    {
        "id": "squarespace-access-token",
        "description": "Identified a Squarespace Access Token, which may compromise website management and content control on Squarespace.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:squarespace)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:squarespace)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "squarespace"
        ],
        "allowlists": []
    },
    {
        "id": "stripe-access-token",
        "description": "Found a Stripe Access Token, posing a risk to payment processing services and sensitive financial data.",
        "goRegex": "\\b((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 2,
        "keywords": [
            "sk_test",
            "sk_live",
            "sk_prod",
            "rk_test",
            "rk_live",
            "rk_prod"
        ],
        "allowlists": []
    },
    {
        "id": "sumologic-access-id",
        "description": "Discovered a SumoLogic Access ID, potentially compromising log management services and data analytics integrity.",
        "goRegex": "[\\w.-]{0,50}?(?i:[\\w.-]{0,50}?(?:(?-i:[Ss]umo|SUMO))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3})(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(su[a-zA-Z0-9]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:(?:(?:[Ss]umo|SUMO))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3})(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(su[a-zA-Z0-9]{12})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "sumo"
        ],
        "allowlists": []
    },
    {
        "id": "sumologic-access-token",
        "description": "Uncovered a SumoLogic Access Token, which could lead to unauthorized access to log data and analytics insights.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:(?-i:[Ss]umo|SUMO))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{64})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:(?:[Ss]umo|SUMO))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9A-Z]{64})(?:[\\x60'\"\\s;]|\\\\[nrNR]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "sumo"
        ],
        "allowlists": []
    },
    {
        "id": "telegram-bot-api-token",
        "description": "Detected a Telegram Bot API Token, risking unauthorized bot operations and message interception on Telegram.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:telegr)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9]{5,16}:(?-i:A)[a-z0-9_\\-]{34})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:[tT][eE][lL][eE][gG][rR])(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9]{5,16}:(?:A)[a-z0-9_\\-A-Z]{34})(?:[\\x60'\"\\s;]|\\\\[nrNR]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "telegr"
        ],
        "allowlists": []
    },
    {
        "id": "travisci-access-token",
        "description": "Identified a Travis CI Access Token, potentially compromising continuous integration services and codebase security.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:travis)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{22})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:travis)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{22})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "travis"
        ],
        "allowlists": []
    },
    {
        "id": "twilio-api-key",
        "description": "Found a Twilio API Key, posing a risk to communication services and sensitive customer interaction data.",
        "goRegex": "SK[0-9a-fA-F]{32}",
        "source": "SK[0-9a-fA-F]{32}",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3,
        "keywords": [
            "sk"
        ],
        "allowlists": []
    },
    {
        "id": "twitch-api-token",
        "description": "Discovered a Twitch API token, which could compromise streaming services and account integrations.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:twitch)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{30})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:twitch)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{30})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "twitch"
        ],
        "allowlists": []
    },
    {
        "id": "twitter-access-secret",
        "description": "Uncovered a Twitter Access Secret, potentially risking unauthorized Twitter integrations and data breaches.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:twitter)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{45})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:twitter)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{45})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "twitter"
        ],
        "allowlists": []
    },
    {
        "id": "twitter-access-token",
        "description": "Detected a Twitter Access Token, posing a risk of unauthorized account operations and social media data exposure.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:twitter)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9]{15,25}-[a-zA-Z0-9]{20,40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:twitter)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([0-9]{15,25}-[a-zA-Z0-9]{20,40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "twitter"
        ],
        "allowlists": []
    },
    {
        "id": "twitter-api-key",
        "description": "Identified a Twitter API Key, which may compromise Twitter application integrations and user data security.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:twitter)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{25})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:twitter)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{25})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "twitter"
        ],
        "allowlists": []
    },
    {
        "id": "twitter-api-secret",
        "description": "Found a Twitter API Secret, risking the security of Twitter app integrations and sensitive data access.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:twitter)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{50})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:twitter)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{50})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "twitter"
        ],
        "allowlists": []
    },
    {
        "id": "twitter-bearer-token",
        "description": "Discovered a Twitter Bearer Token, potentially compromising API access and data retrieval from Twitter.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:twitter)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(A{22}[a-zA-Z0-9%]{80,100})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:twitter)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(A{22}[a-zA-Z0-9%]{80,100})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "twitter"
        ],
        "allowlists": []
    },
    {
        "id": "typeform-api-token",
        "description": "Uncovered a Typeform API token, which could lead to unauthorized survey management and data collection.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:typeform)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(tfp_[a-z0-9\\-_\\.=]{59})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:typeform)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(tfp_[a-z0-9\\-_\\.=]{59})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "tfp_"
        ],
        "allowlists": []
    },
    {
        "id": "vault-batch-token",
        "description": "Detected a Vault Batch Token, risking unauthorized access to secret management services and sensitive data.",
        "goRegex": "\\b(hvb\\.[\\w-]{138,300})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b(hvb\\.[\\w-]{138,300})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 4,
        "keywords": [
            "hvb."
        ],
        "allowlists": []
    },
    {
        "id": "vault-service-token",
        "description": "Identified a Vault Service Token, potentially compromising infrastructure security and access to sensitive credentials.",
        "goRegex": "\\b((?:hvs\\.[\\w-]{90,120}|s\\.(?i:[a-z0-9]{24})))(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "\\b((?:hvs\\.[\\w-]{90,120}|s\\.(?:[a-z0-9A-Z]{24})))(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "",
        "secretGroup": 0,
        "entropy": 3.5,
        "keywords": [
            "hvs.",
            "s."
        ],
        "allowlists": [
            {
                "description": "",
                "condition": "OR",
                "regexTarget": "secret",
                "regexes": [
                    {
                        "source": "s\\.[A-Za-z]{24}",
                        "flags": ""
                    }
                ],
                "stopwords": [],
                "hasPaths": false
            }
        ]
    },
    {
        "id": "yandex-access-token",
        "description": "Found a Yandex Access Token, posing a risk to Yandex service integrations and user data privacy.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:yandex)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(t1\\.[A-Z0-9a-z_-]+[=]{0,2}\\.[A-Z0-9a-z_-]{86}[=]{0,2})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:yandex)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(t1\\.[A-Z0-9a-z_-]+[=]{0,2}\\.[A-Z0-9a-z_-]{86}[=]{0,2})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "yandex"
        ],
        "allowlists": []
    },
    {
        "id": "yandex-api-key",
        "description": "Discovered a Yandex API Key, which could lead to unauthorized access to Yandex services and data manipulation.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:yandex)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(AQVN[A-Za-z0-9_\\-]{35,38})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:yandex)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(AQVN[A-Za-z0-9_\\-]{35,38})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "yandex"
        ],
        "allowlists": []
    },
    {
        "id": "yandex-aws-access-token",
        "description": "Uncovered a Yandex AWS Access Token, potentially compromising cloud resource access and data security on Yandex Cloud.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:yandex)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(YC[a-zA-Z0-9_\\-]{38})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:yandex)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(YC[a-zA-Z0-9_\\-]{38})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "yandex"
        ],
        "allowlists": []
    },
    {
        "id": "zendesk-secret-key",
        "description": "Detected a Zendesk Secret Key, risking unauthorized access to customer support services and sensitive ticketing data.",
        "goRegex": "(?i)[\\w.-]{0,50}?(?:zendesk)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "source": "(?:zendesk)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9]{40})(?:[\\x60'\"\\s;]|\\\\[nr]|$)",
        "flags": "i",
        "secretGroup": 0,
        "entropy": 0,
        "keywords": [
            "zendesk"
        ],
        "allowlists": []
    }
];
/** Rules of the config the engine cannot apply to text, with the reason. */
const gitleaksExcludedRules = [
    {
        "id": "pkcs12-file",
        "reason": "path-only rule ((?i)(?:^|\\/)[^\\/]+\\.p(?:12|fx)$): flags whole files by name, the engine scans text"
    }
];

;// CONCATENATED MODULE: ../../packages/core/src/secrets/extra-rules.ts
/**
 * Format rules for credential families gitleaks' default config does not cover (or covers with an older
 * shape). Each one keys on a vendor-documented prefix or a context that only a credential fills, so it can
 * run without an entropy threshold on the whole match; `accept` only drops placeholders.
 *
 * Shared conventions:
 * - `(?<![A-Za-z])` before the prefix: `MY_tskey-…` or `0tskey-…` is a key, `xtskey-…` is part of a word.
 * - A trailing negative lookahead on the body alphabet, so a longer run is not cut into a "token".
 * - Every quantifier is bounded and each rule is anchored on a literal (`tskey-`, `_authToken`, `://`,
 *   `!!binary`), so a failed match costs at most the bounded run after one occurrence of it (no
 *   catastrophic backtracking in JS).
 * - The keyword is a lowercase substring of every match: the engine's keyword pre-filter skips the regex
 *   on text without it.
 * These ids are not in `BUILTIN_RULE_IDS`, so the engine also applies gitleaks' global allowlist to them
 * (template variables, one repeated character, and its `abcdefghijklmnopqrstuvwxyz` stopword).
 */

/**
 * A real token's random part, 20 or more characters of base62 or hex, has a Shannon entropy above 3.3 with
 * overwhelming probability (expected ≈ 4.3 and ≈ 3.8); documentation fakes made of one or two repeated
 * characters (`AAAAAAAAAAAA-BBBB…`, `111111aaaa…`) stay below 1.
 */
const MIN_BODY_ENTROPY = 2.5;
const randomEnough = (body) => shannonEntropy(body) >= MIN_BODY_ENTROPY;
/** An environment-variable name or a `YOUR_TOKEN`-style stand-in where a value should go. */
const looksLikeName = (value) => /^[A-Z][A-Z0-9_]*$/.test(value) || /^(?:your|my|replace|insert|enter|example|sample|dummy|fake)[_-]?/i.test(value);
const afterPrefix = (prefix) => (secret) => secret.replace(prefix, '');
const SPECS = [
    {
        // Anthropic documents `sk-ant-` as its key prefix: `sk-ant-api03-…` API keys, `sk-ant-admin01-…` admin
        // keys, and the OAuth tokens Claude Code stores (`sk-ant-oat01-…`, `sk-ant-ort01-…`). gitleaks only
        // knows api03/admin01 with a fixed 93-character body; secretlint's corpus already shows `api04`.
        id: 'agent-gates-anthropic-key',
        source: '(?<![A-Za-z0-9_-])(sk-ant-[a-z]{2,8}\\d{2}-[A-Za-z0-9_-]{40,200})(?![A-Za-z0-9_-])',
        keywords: ['sk-ant-'],
        body: afterPrefix(/^sk-ant-[a-z]+\d+-/),
    },
    {
        // Cloudflare's scannable credentials (developers.cloudflare.com/fundamentals/api/get-started/token-formats):
        // `cfk_` global API key, `cfut_` user token, `cfat_` account token, each followed by 40 characters and an
        // 8-hex-digit checksum. The exact length plus the checksum-shaped tail keeps ordinary `cfk_…` names out.
        id: 'agent-gates-cloudflare-token',
        source: '(?<![A-Za-z])(cf(?:k|ut|at)_[A-Za-z0-9]{40}[0-9a-fA-F]{8})(?![A-Za-z0-9_-])',
        keywords: ['cfk_', 'cfut_', 'cfat_'],
        body: (s) => s.slice(s.indexOf('_') + 1, -8),
    },
    {
        // Databricks personal access tokens: `dapi` + 32 hex digits, optionally `-<digit>`. gitleaks accepts only
        // lowercase hex; an uppercase copy (as in secretlint's corpus) is just as much a token.
        id: 'agent-gates-databricks-token',
        source: '(?<![A-Za-z0-9])(dapi[0-9a-fA-F]{32}(?:-\\d)?)(?![A-Za-z0-9_])',
        keywords: ['dapi'],
        body: (s) => s.slice(4, 36),
    },
    {
        // Docker Hub personal (`dckr_pat_`) and organisation (`dckr_oat_`) access tokens (docs.docker.com,
        // "Access tokens"): the prefix is Docker's own, the body 27 characters of base64url today.
        id: 'agent-gates-docker-token',
        source: '(?<![A-Za-z])(dckr_(?:pat|oat)_[A-Za-z0-9_-]{24,64})(?![A-Za-z0-9_-])',
        keywords: ['dckr_'],
        body: afterPrefix(/^dckr_[a-z]+_/),
    },
    {
        // Figma personal access tokens start with `figd_` (Figma REST API docs, "Access tokens"); the body is
        // 40+ base64url characters.
        id: 'agent-gates-figma-token',
        source: '(?<![A-Za-z])(figd_[A-Za-z0-9_-]{40,200})(?![A-Za-z0-9_-])',
        keywords: ['figd_'],
        body: afterPrefix(/^figd_/),
    },
    {
        // GitHub's new app installation token format (github.blog changelog 2026-04-24): `ghs_<app id>_<JWT>`.
        // gitleaks' github-app-token rule wants the classic 36-character body and misses it. Three dot-separated
        // base64url segments after a numeric id do not occur by chance.
        id: 'agent-gates-github-app-installation-token',
        source: '(?<![A-Za-z])(ghs_[0-9]{1,20}_[A-Za-z0-9_-]{8,2000}\\.[A-Za-z0-9_-]{8,8000}\\.[A-Za-z0-9_-]{8,2000})(?![A-Za-z0-9_-])',
        keywords: ['ghs_'],
        body: afterPrefix(/^ghs_[0-9]+_/),
    },
    {
        // Groq API keys: `gsk_` + 52 alphanumerics (console.groq.com keys; secretlint's groq rule). Exact length
        // and boundaries on both sides.
        id: 'agent-gates-groq-key',
        source: '(?<![A-Za-z])(gsk_[A-Za-z0-9]{52})(?![A-Za-z0-9])',
        keywords: ['gsk_'],
        body: afterPrefix(/^gsk_/),
    },
    {
        // Shopify app credentials: `shpat_` (admin API access token), `shpca_` (custom app), `shppa_` (private
        // app), `shpss_` (shared secret). gitleaks wants exactly 32 hex digits; Shopify documents only the
        // prefixes, and secretlint's corpus shows base62 bodies, so the body is any 32–64 alphanumerics.
        id: 'agent-gates-shopify-token',
        source: '(?<![A-Za-z])(shp(?:at|ca|pa|ss)_[A-Za-z0-9]{32,64})(?![A-Za-z0-9])',
        keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
        body: afterPrefix(/^shp[a-z]{2}_/),
    },
    {
        // Tailscale keys (tailscale.com/kb/1277/key-prefixes): `tskey-<type>-<key id>-<secret>`, types api,
        // auth, client, scim, webhook — any lowercase type is accepted so a new one is not missed. Both random
        // segments are required, so `tskey-foo` or a bare `tskey-auth-…` mention is not a key.
        id: 'agent-gates-tailscale-key',
        source: '(?<![A-Za-z])(tskey-[a-z]{2,16}-[A-Za-z0-9]{6,40}-[A-Za-z0-9]{16,80})(?![A-Za-z0-9])',
        keywords: ['tskey-'],
        body: afterPrefix(/^tskey-[a-z]+-/),
    },
    {
        // Vercel's prefixed tokens (secretlint's vercel rule): `vcp_` personal access token, `vci_` integration
        // token, `vca_` app access token, `vcr_` app refresh token, `vck_` AI Gateway API key; 20–60
        // alphanumerics follow.
        id: 'agent-gates-vercel-token',
        source: '(?<![A-Za-z])(vc[pikra]_[A-Za-z0-9]{20,60})(?![A-Za-z0-9])',
        keywords: ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'],
        body: afterPrefix(/^vc[a-z]_/),
    },
    {
        // `.npmrc` registry credentials: `//registry/:_authToken=<token>` (docs.npmjs.com, "npmrc"). The key
        // names a credential whatever the token's shape (npm, GitHub, Azure, JFrog…). `${NPM_TOKEN}` and other
        // references are not values: the value may not start with `$`, `<`, `{` or `%`, and bare variable names
        // are dropped.
        id: 'agent-gates-npmrc-auth-token',
        // No trailing check: a failed lookahead would backtrack the whole run at every `_authToken=`, and a
        // greedy run that always succeeds lets the scan resume after it (linear on `_authToken=` repeated).
        source: '_authToken[ \\t]{0,4}=[ \\t]{0,4}["\']?([A-Za-z0-9_.~+/=-]{8,4096})',
        keywords: ['_authtoken'],
        body: (s) => (looksLikeName(s) || isPlaceholderPassword(s) ? null : s),
    },
    {
        // A YAML `!!binary` scalar under a credential-named key (`db_secret: !!binary <base64>`). gitleaks'
        // generic-api-key reads the same key words but allows only quotes and spaces before the value, so the
        // tag hides it; the key words and the 3.5 entropy floor are generic-api-key's own.
        id: 'agent-gates-yaml-binary-secret',
        source: '(?:access|auth|api|credential|creds|key|passw(?:or)?d|secret|token)[\\w.-]{0,40}[ \\t]{0,4}:[ \\t]{0,4}!!binary[ \\t]{1,4}([A-Za-z0-9+/]{16,4096}={0,2})(?![A-Za-z0-9+/=])',
        flags: 'i',
        keywords: ['!!binary'],
        body: (s) => (shannonEntropy(s) > 3.5 ? s : null),
    },
    {
        // GitHub's documented OAuth basic auth: `https://<token>:x-oauth-basic@github.com/…`. The literal
        // password says the user name is the token; `url-credentials` would only see `x-oauth-basic`.
        id: 'agent-gates-url-oauth-user',
        source: '://([A-Za-z0-9_]{20,255}):x-oauth-basic@',
        keywords: ['x-oauth-basic'],
        body: (s) => (looksLikeName(s) ? null : s),
    },
    {
        // The environment variables libpq (`PGPASSWORD`), the mysql client (`MYSQL_PWD`) and the official
        // postgres/mysql images (`POSTGRES_PASSWORD`, `MYSQL_PASSWORD`, `MYSQL_ROOT_PASSWORD`) read a password
        // from. The name says what the value is, so a short typed password counts, which generic-api-key's 3.5
        // entropy floor drops (`PGPASSWORD=strongp@ss psql …`). `=` or `:` (shell, .env, YAML, JSON), the name
        // optionally quoted or subscripted (`os.environ["PGPASSWORD"] = …`); references (`$PG`, `${{ secrets.X }}`)
        // and stand-ins are not values.
        id: 'agent-gates-db-password-env',
        source: '(?<![A-Za-z0-9_])(?:PGPASSWORD|MYSQL_PWD|POSTGRES_PASSWORD|MYSQL_(?:ROOT_)?PASSWORD)[\\\\"\'\\]]{0,4}[ \\t]{0,4}[=:][ \\t]{0,4}[\\\\"\']{0,3}([^\\s"\'`\\\\;&|<>]{4,256})',
        keywords: ['pgpassword', 'mysql_pwd', 'postgres_password', 'mysql_password', 'mysql_root_password'],
        body: (s) => (looksLikeName(s) || isPlaceholderPassword(s) ? null : s),
    },
    {
        // Stripe secret and restricted keys (`sk_live_…`, `rk_test_…`). gitleaks' rule wants a quote, space or `;`
        // after the key, so Stripe's own documented form `curl … -u sk_live_…:` (the key as the basic-auth user,
        // with an empty password) and a key followed by `,` `)` `}` are missed; it also stops at 99 characters,
        // while Stripe says keys may be longer. Here the key ends wherever its alphabet does.
        id: 'agent-gates-stripe-key',
        source: '(?<![A-Za-z0-9])((?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,247})(?![A-Za-z0-9_])',
        keywords: ['sk_live_', 'sk_test_', 'sk_prod_', 'rk_live_', 'rk_test_', 'rk_prod_'],
        body: afterPrefix(/^[a-z]{2}_[a-z]+_/),
    },
    {
        // SendGrid API keys: `SG.` + 22 + `.` + 43 base64url characters (SendGrid's documented shape).
        // gitleaks' rule wants `\b` before and a quote, space or `;` after, so `setApiKey(SG.…)`, `SG.…,` or
        // `key_SG.…` are missed; the two fixed-length parts are a shape no word has.
        id: 'agent-gates-sendgrid-key',
        source: '(?<![A-Za-z0-9])(SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])',
        keywords: ['sg.'],
        body: (s) => s.slice(3),
    },
];
const EXTRA_RULE_IDS = SPECS.map((s) => s.id);
function extraRules() {
    return SPECS.map((spec) => ({
        id: spec.id,
        re: new RegExp(spec.source, (spec.flags ?? '') + 'gd'),
        secretGroup: spec.secretGroup ?? 1,
        entropy: 0,
        keywords: spec.keywords,
        allowlists: [],
        needsDigit: false,
        accept: (secret) => {
            const body = spec.body(secret);
            return body !== null && randomEnough(body);
        },
    }));
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/generic-context.ts
/**
 * Context for gitleaks' generic-api-key rule, which fires on any high-entropy value after a name holding
 * `key`, `token`, `secret`… Design-tool and build data are full of members such as `"key": "<sha1>"`
 * (a Figma component's key), `"file_key": …`, `"cache_key": "<sha256>"`: identifiers that happen to be
 * hashes. Reporting them masks the value all over the job log and tells the user to rotate a secret that
 * does not exist (39 of 41 findings in one real Gemini session).
 *
 * A finding is dropped only when all three hold:
 * - the value is hash-shaped: hex in one letter case (16 to 128 digits) or a UUID; under a `file` name
 *   (`file_key`, `fileKey`) also 16 to 64 letters and digits, the shape of a Figma file key, which is part of
 *   the file's share URL;
 * - it is an object member (`name: value`, JSON or YAML), not an assignment: `key = "2b7e…"` in code is
 *   how a symmetric key is written, and stays reported;
 * - every word of the member name is an identifier word (`key`, `id`, `hash`…) or a noun that names a
 *   non-credential thing (`file`, `cache`, `component`…). One word outside that list, a credential word
 *   (`api`, `secret`, `private`, `signing`…) or any unknown one such as a vendor name (`datadog_key`),
 *   keeps the finding.
 */
const HASH_SHAPED = /^(?:[0-9a-f]{16,128}|[0-9A-F]{16,128}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
/** A Figma file key (`https://www.figma.com/design/<file key>/…`): base62, 22 characters today. */
const FILE_KEY_SHAPED = /^[A-Za-z0-9]{16,64}$/;
const IDENTIFIER_WORDS = new Set([
    'key',
    'keys',
    'id',
    'ids',
    'uuid',
    'hash',
    'sha',
    'md',
    'digest',
    'checksum',
    'etag',
    'fingerprint',
    // Things whose key is an identifier: design tools, caches, stores, builds.
    'file',
    'cache',
    'component',
    'components',
    'style',
    'styles',
    'node',
    'sort',
    'row',
    'partition',
    'object',
    'idempotency',
    'dedup',
    'dedupe',
    'lookup',
    'content',
    'commit',
    'blob',
    'tree',
    'cell',
    'layer',
    'frame',
    'variable',
    'collection',
    'page',
    'asset',
    'document',
    'doc',
    'record',
    'item',
    'entry',
    'index',
    'unique',
    'group',
    'version',
    'revision',
    'state',
    'storage',
    'translation',
    'i18n',
    'message',
    'list',
    'query',
    'route',
    'field',
    'column',
    'event',
    'job',
    'task',
    'build',
    'artifact',
    'image',
    'media',
    'library',
    'team',
    'project',
    'instance',
    'parent',
    'child',
    'cursor',
    'mode',
    'prop',
    'property',
    'element',
    'section',
    'block',
    'template',
    'theme',
    'font',
    'color',
    'icon',
    'container',
    'primary',
    'foreign',
    'composite',
    'sequence',
    'bucket',
    'schema',
    'react',
]);
/** Characters a member name is made of, in text and in JSON (where it may end in `\"`). */
const NAME_CHAR = /[A-Za-z0-9_.-]/;
const NAME_BACK_LIMIT = 64;
/**
 * `file_key` → file, key; `componentKey` → component, key; `STYLE_KEY` → style, key. Numbers and version
 * tags (`key2`, `cache_key_v2`) say nothing about what the value is.
 */
function nameWords(name) {
    const words = name.replace(/(^|[_.-])v[0-9]+(?=$|[_.-])/gi, '$1').match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g) ?? [];
    return words.map((w) => w.toLowerCase());
}
/**
 * True when a generic-api-key match is a hash under a non-credential member name. `match` starts at the
 * credential word the rule found; `text` and `index` give what precedes it (`file_` before `key`).
 */
function isHashUnderIdentifierName(secret, match, text, index) {
    const hashShaped = HASH_SHAPED.test(secret);
    if (!hashShaped && !FILE_KEY_SHAPED.test(secret))
        return false;
    let start = index;
    const stop = Math.max(0, index - NAME_BACK_LIMIT);
    while (start > stop && NAME_CHAR.test(text[start - 1]))
        start--;
    const inMatch = /^[A-Za-z0-9_.-]*/.exec(match)[0];
    // The separator: after the name, optional quotes, backslashes (JSON in JSON) and spaces, a lone `:`.
    const separator = /^[\s'"\\]{0,6}(:{1,3}=?|=>|[=>,]|\|\||\?=)/.exec(match.slice(inMatch.length));
    if (!separator || separator[1] !== ':')
        return false;
    const words = nameWords(text.slice(start, index) + inMatch);
    if (!words.length || !words.every((w) => IDENTIFIER_WORDS.has(w)))
        return false;
    return hashShaped || words.includes('file');
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/rules.ts
/**
 * Compiled rule set: gitleaks' translated defaults plus the rules gitleaks does not have in the form a
 * transcript needs (key blocks inside JSON strings, truncated key blocks, passwords in URLs) and the
 * token formats it does not know yet (`extra-rules.ts`).
 */




function compileAllowlist(a) {
    const target = a.regexTarget === 'match' || a.regexTarget === 'line' ? a.regexTarget : 'secret';
    return {
        and: a.condition === 'AND',
        target,
        regexes: a.regexes.map((r) => new RegExp(r.source, r.flags)),
        stopwords: a.stopwords,
        hasPaths: a.hasPaths,
    };
}
const globalAllowlists = gitleaksGlobalAllowlists.map(compileAllowlist);
/**
 * A line-number gutter a tool puts before each line of a file it shows: Claude Code's Read (`     2→`, the
 * arrow also as a `\u2192` escape or, in byte text, as its three UTF-8 bytes), `cat -n` (`     2<tab>`),
 * `nl` and editors (`2: `, `2 | `). A key read that way with a limit has no footer, and without skipping
 * the gutter its body was not seen at all.
 */
const GUTTER = '\\d{1,9}(?:\u2192|\u00e2\u0086\u0092|\\\\+u2192|\\t|\\\\+t|:[ \\t]|[ \\t]{0,4}\\|)[ \\t]*';
/**
 * Private key blocks: BEGIN header, then base64 lines or RFC 1421 headers (`Proc-Type: …`) separated by
 * real newlines, spaces or `\n` escapes (one or more backslashes: a key inside a JSON string inside a JSON
 * string), then an optional END footer. Without a footer the match stops at the end of the base64 run, so
 * a key cut off by truncation is still covered.
 */
const KEY_BLOCK = '-----BEGIN[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----' +
    // One line break (real or escaped, `\r\n` too) or spaces between tokens: a blank line ends a truncated block.
    `(?:(?:[ \\t]*(?:\\r?\\n|\\\\+r\\\\+n|\\\\+[nrt])[ \\t]*(?:${GUTTER})?|[ \\t]+)(?:[A-Za-z0-9+/=]+|[A-Za-z][A-Za-z-]{0,30}: [^\\r\\n\\\\"]{0,256}))*` +
    `(?:(?:\\s|\\\\+[nrt])*(?:${GUTTER})?-----END[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----)?`;
const GUTTER_TOKEN = new RegExp(`(^|\\s)${GUTTER}`, 'g');
/** Less than this much base64 is a placeholder (`xxx`, `...`, a 36-character example), not a key. */
const MIN_KEY_BODY = 64;
function keyBodyLength(block) {
    const body = block
        .replace(/^-----BEGIN[^-]*-----/, '')
        .replace(/-----END[^-]*-----$/, '')
        .replace(/\\+[nrt]/g, ' ')
        .replace(GUTTER_TOKEN, '$1 ')
        .split(/\s+/)
        .filter((tok) => /^[A-Za-z0-9+/=]+$/.test(tok));
    return body.reduce((n, tok) => n + tok.length, 0);
}
/**
 * Passwords in URLs. Placeholders are not credentials: templates (`${PASS}`, `{{pass}}`, `$(DB_PASS)`,
 * `<password>`), masks (`****`, `xxxx`, one repeated character) and the dictionary words documentation
 * uses (`password`, `pass`, `secret`, `changeme`, `YOUR_PASSWORD`…). That also drops `user:pass@`, which
 * secretlint reports but which no rule can tell from the `username:password@` it calls clean.
 * `x-oauth-basic` is GitHub's fixed literal that marks the *user name* as the token; the
 * `agent-gates-url-oauth-user` rule reports that instead.
 */
// The user may be empty: Redis documents `redis://:<password>@host` (AUTH with a password only).
const URL_CREDENTIALS = '\\b[a-z][a-z0-9+.-]{1,30}://([^\\s:@/"\'`<>\\\\]{0,128}):([^\\s/"\'`<>\\\\]{1,256})@(?=[\\w\\[-])';
/** Characters a URL_CREDENTIALS match can hold between `://` and its `@`: a user (≤ 128), `:`, a password (≤ 256). */
const URL_CREDENTIALS_SPAN = 128 + 1 + 256;
/**
 * True when some `://` in `text` has an `@` at most URL_CREDENTIALS_SPAN characters after it: every
 * URL_CREDENTIALS match is one (the first `@` after its `://` is at or before its own). The regex tries
 * a scheme at every word start of a line; tool results hold whole files with URLs and no credential,
 * which made this rule a tenth of the rules' time on a real session.
 */
function urlCredentialsPossible(text) {
    let p = text.indexOf('://');
    while (p >= 0) {
        const at = text.indexOf('@', p + 3);
        if (at < 0)
            return false;
        if (at - (p + 3) <= URL_CREDENTIALS_SPAN)
            return true;
        // Every `://` before this point has the same first `@` after it, still too far.
        p = text.indexOf('://', Math.max(p + 1, at - 3 - URL_CREDENTIALS_SPAN));
    }
    return false;
}
const BUILTIN_RULE_IDS = (/* unused pure expression or super */ null && (['private-key-block', 'url-credentials']));
function builtinRules() {
    return [
        {
            id: 'private-key-block',
            re: new RegExp(KEY_BLOCK, 'gd'),
            secretGroup: 0,
            entropy: 0,
            keywords: ['-----begin'],
            allowlists: [],
            needsDigit: false,
            accept: (secret) => keyBodyLength(secret) >= MIN_KEY_BODY,
        },
        {
            id: 'url-credentials',
            re: new RegExp(URL_CREDENTIALS, 'gdi'),
            secretGroup: 2,
            entropy: 0,
            keywords: ['://'],
            allowlists: [],
            needsDigit: false,
            accept: (secret) => !isPlaceholderPassword(secret),
            possible: urlCredentialsPossible,
        },
    ];
}
function rules_defaultRules() {
    const rules = gitleaksRules.map((r) => ({
        id: r.id,
        re: new RegExp(r.source, r.flags + 'gd'),
        secretGroup: r.secretGroup,
        entropy: r.entropy,
        keywords: r.keywords,
        allowlists: r.allowlists.map(compileAllowlist),
        needsDigit: r.id.startsWith('generic') && r.entropy > 0,
        ...(r.id === 'generic-api-key'
            ? { accept: (secret, match, text = '', index = 0) => !isHashUnderIdentifierName(secret, match, text, index) }
            : {}),
    }));
    return [...rules, ...builtinRules(), ...extraRules()];
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/spans.ts
/** Redaction spans: merging overlaps, placing markers, and turning offsets into line and column. */
const redactionMarker = (ruleId) => `[REDACTED:${ruleId}]`;
function mergeHits(hits) {
    if (hits.length < 2)
        return hits.slice();
    const sorted = hits.slice().sort((a, b) => a.start - b.start || b.end - a.end);
    const out = [];
    let cur = { ...sorted[0] };
    let widest = cur.end - cur.start;
    for (let i = 1; i < sorted.length; i++) {
        const h = sorted[i];
        if (h.start < cur.end) {
            if (h.end - h.start > widest) {
                widest = h.end - h.start;
                cur.ruleId = h.ruleId;
            }
            if (h.end > cur.end)
                cur.end = h.end;
        }
        else {
            out.push(cur);
            cur = { ...h };
            widest = cur.end - cur.start;
        }
    }
    out.push(cur);
    return out;
}
function lineStarts(text) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1))
        starts.push(i + 1);
    return starts;
}
function locate(starts, offset) {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset)
            lo = mid;
        else
            hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] };
}
function applyMarkers(text, spans) {
    if (!spans.length)
        return text;
    let out = '';
    let pos = 0;
    for (const s of spans) {
        out += text.slice(pos, s.start) + redactionMarker(s.ruleId);
        pos = s.end;
    }
    return out + text.slice(pos);
}
const isHighSurrogate = (c) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c) => c >= 0xdc00 && c <= 0xdfff;
const isContinuationByte = (c) => c >= 0x80 && c <= 0xbf;
/** A UTF-8 character is at most four bytes: a lead byte and three continuation bytes. */
const MAX_CONTINUATION = 3;
/**
 * Widens a span so it never cuts a character in two: a surrogate pair in UTF-16 text, or, when the
 * text holds one character per UTF-8 byte (byteText), a multi-byte sequence. A marker that replaced
 * half a character would leave the other half behind, and the stored line would no longer be UTF-8.
 * `byteAt(i)` is the byte character `i` came from, where `text` is a decoded view of the bytes.
 */
function wholeCharacters(text, span, bytes, byteAt = (i) => text.charCodeAt(i)) {
    let { start, end } = span;
    if (bytes) {
        for (let n = 0; n < MAX_CONTINUATION && start > 0 && isContinuationByte(byteAt(start)); n++)
            start--;
        for (let n = 0; n < MAX_CONTINUATION && end < text.length && isContinuationByte(byteAt(end)); n++)
            end++;
    }
    if (start > 0 && isLowSurrogate(text.charCodeAt(start)) && isHighSurrogate(text.charCodeAt(start - 1)))
        start--;
    if (end < text.length && isLowSurrogate(text.charCodeAt(end)) && isHighSurrogate(text.charCodeAt(end - 1)))
        end++;
    return start === span.start && end === span.end ? span : { ruleId: span.ruleId, start, end };
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/pattern-safety.ts
/**
 * User patterns (`redact-patterns`, the policy's `secrets.patterns`) run over every line an agent
 * wrote, so a hostile agent chooses their input. JavaScript regular expressions backtrack and have no
 * time limit: `(a+)+$` over 40 `a`s and a `b` never ends. The shapes that backtrack exponentially are
 * refused when the patterns are loaded:
 *  - a repeated group whose body repeats too (`(a+)+`, `(\w+\s?)*`), unless the body has a character
 *    that must occur once per repetition and that none of its repeated parts can match, which splits
 *    the input unambiguously (`(?:[a-z0-9]+\.)+`, `(?:\s*,\s*\w+)*`);
 *  - a repeated alternation whose branches can start with the same character (`(a|a)*`, `(a|ab)+`).
 * The check is conservative: it may refuse a pattern that would have been fine, and says how to fix it.
 */
/** A repetition bound above this backtracks as badly as an unbounded one on a line of a few hundred characters. */
const MANY = 10;
const ASCII = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));
function parse(source) {
    let i = 0;
    function quantifier() {
        const c = source[i];
        let q;
        if (c === '*')
            q = { min: 0, max: Infinity };
        else if (c === '+')
            q = { min: 1, max: Infinity };
        else if (c === '?')
            q = { min: 0, max: 1 };
        else if (c === '{') {
            const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
            if (!m)
                return undefined;
            const min = Number(m[1]);
            q = { min, max: m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity };
            i += m[0].length - 1;
        }
        if (!q)
            return undefined;
        i++;
        if (source[i] === '?')
            i++;
        return q;
    }
    function sequence() {
        const alts = [[]];
        while (i < source.length) {
            const c = source[i];
            if (c === ')')
                break;
            if (c === '|') {
                alts.push([]);
                i++;
                continue;
            }
            let node;
            if (c === '(') {
                const prefix = /^\((?:\?(?::|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>))?/.exec(source.slice(i))[0];
                i += prefix.length;
                const inner = sequence();
                i++; // ')'
                node = { kind: 'group', alts: inner, zeroWidth: /^\(\?(?:=|!|<=|<!)/.test(prefix) };
            }
            else if (c === '[') {
                let j = i + 1;
                if (source[j] === '^')
                    j++;
                if (source[j] === ']')
                    j++;
                while (j < source.length && source[j] !== ']')
                    j += source[j] === '\\' ? 2 : 1;
                node = { kind: 'atom', src: source.slice(i, j + 1) };
                i = j + 1;
            }
            else if (c === '\\') {
                const m = /^\\(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|[pP]\{[^}]*\}|k<[^>]*>|\d+|[\s\S])/.exec(source.slice(i));
                node = { kind: 'atom', src: m[0] };
                i += m[0].length;
            }
            else {
                node = { kind: 'atom', src: c };
                i++;
            }
            const q = quantifier();
            if (q)
                node.quant = q;
            alts[alts.length - 1].push(node);
        }
        return alts;
    }
    const alts = sequence();
    return alts;
}
const ZERO_WIDTH = /^(?:\^|\$|\\[bB])$/;
/** The ASCII characters an atom can match (all of them when that cannot be told). */
function matches(src, flags) {
    if (ZERO_WIDTH.test(src))
        return new Set();
    if (/^\\(?:\d|k<)/.test(src))
        return new Set(ASCII);
    try {
        const re = new RegExp(`^(?:${src})$`, flags.replace(/[gyd]/g, ''));
        return new Set(ASCII.filter((ch) => re.test(ch)));
    }
    catch {
        return new Set(ASCII);
    }
}
function leaves(nodes, out = []) {
    for (const n of nodes) {
        if (n.kind === 'atom')
            out.push(n.src);
        else if (!n.zeroWidth)
            for (const alt of n.alts)
                leaves(alt, out);
    }
    return out;
}
/** The atoms under a repetition (max above one) anywhere in `nodes`. */
function repeatedLeaves(nodes, out = []) {
    for (const n of nodes) {
        if (n.kind === 'group' && n.zeroWidth)
            continue;
        if (n.quant && n.quant.max > 1)
            leaves([n], out);
        else if (n.kind === 'group')
            for (const alt of n.alts)
                repeatedLeaves(alt, out);
    }
    return out;
}
function firstLeaf(nodes) {
    for (const n of nodes) {
        if (n.kind === 'atom') {
            if (ZERO_WIDTH.test(n.src))
                continue;
            return n.src;
        }
        if (n.zeroWidth)
            continue;
        return n.alts.length === 1 ? firstLeaf(n.alts[0]) : null;
    }
    return null;
}
function problemIn(alts, flags) {
    for (const alt of alts)
        for (const n of alt) {
            if (n.kind !== 'group' || n.zeroWidth)
                continue;
            if (n.quant && n.quant.max > MANY) {
                if (n.alts.length > 1) {
                    const firsts = n.alts.map((a) => firstLeaf(a));
                    const sets = firsts.map((f) => (f === null ? new Set(ASCII) : matches(f, flags)));
                    for (let a = 0; a < sets.length; a++)
                        for (let b = a + 1; b < sets.length; b++)
                            if ([...sets[a]].some((ch) => sets[b].has(ch)))
                                return 'repeats an alternation whose branches can start with the same character (like (a|a)*)';
                }
                const inner = repeatedLeaves(n.alts.flat());
                if (inner.length) {
                    const innerSets = inner.map((src) => matches(src, flags));
                    const separated = n.alts.length === 1 &&
                        n.alts[0].some((m) => {
                            if (m.kind !== 'atom' || (m.quant && m.quant.min === 0) || (m.quant && m.quant.max > 1))
                                return false;
                            const own = matches(m.src, flags);
                            return own.size > 0 && [...own].every((ch) => innerSets.every((s) => !s.has(ch)));
                        });
                    if (!separated)
                        return 'repeats a group that repeats inside too (like (a+)+), which can take exponential time';
                }
            }
            const nested = problemIn(n.alts, flags);
            if (nested)
                return nested;
        }
    return undefined;
}
/** Why a JavaScript pattern could backtrack without end on a hostile line, or undefined when it cannot. */
function catastrophicShape(source, flags = '') {
    return problemIn(parse(source), flags);
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/translate.ts
/**
 * Go RE2 → JavaScript regex translation for gitleaks' rule set.
 *
 * Node 20 has no scoped inline modifiers, and no engine has RE2's "flag applies from here to the end of
 * the enclosing group" form (`p8e-(?i)[a-z0-9]{32}`). When a pattern mixes case-sensitive and
 * case-insensitive spans we drop the JS `i` flag and spell the insensitive spans out as explicit case
 * classes; when the whole pattern has one sensitivity we keep the cheap `i` flag.
 */
/**
 * JS backtracks where RE2 does not, so an unbounded `.*` after a common keyword (curl rules) can go
 * quadratic on a long line. A dot run longer than this is not part of any real credential context.
 */
const DOT_RUN_LIMIT = 256;
const POSIX_CLASSES = {
    alnum: 'a-zA-Z0-9',
    alpha: 'a-zA-Z',
    digit: '0-9',
    lower: 'a-z',
    upper: 'A-Z',
    space: '\\t\\n\\v\\f\\r ',
    xdigit: '0-9a-fA-F',
    word: '\\w',
    punct: '!-\\/:-@\\[-`{-~',
};
const isLetter = (c) => /^[A-Za-z]$/.test(c);
/** Parses `(?flags)` / `(?flags:` at `i` (pointing at `(`); returns null when it is another group kind. */
function readFlagGroup(src, i) {
    const m = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(src.slice(i, i + 16));
    if (!m || (m[1] === '' && (m[2] ?? '') === ''))
        return null;
    return { on: m[1] ?? '', off: m[2] ?? '', scoped: m[3] === ':', end: i + m[0].length };
}
function hasCaseToggles(src) {
    for (let i = 0; i < src.length; i++) {
        if (src[i] === '\\') {
            i++;
            continue;
        }
        if (src[i] === '(') {
            const g = readFlagGroup(src, i);
            if (g && (g.on.includes('i') || g.off.includes('i')))
                return true;
        }
    }
    return false;
}
/** Adds the other case to every letter and letter range of a class body (already JS syntax). */
function foldClassBody(items) {
    const extra = [];
    for (const item of items) {
        const range = /^([A-Za-z])-([A-Za-z])$/.exec(item);
        if (range) {
            const [, a, b] = range;
            const bothLower = a >= 'a' && b <= 'z' && a <= b;
            const bothUpper = a >= 'A' && b <= 'Z' && a <= b;
            if (bothLower)
                extra.push(`${a.toUpperCase()}-${b.toUpperCase()}`);
            else if (bothUpper)
                extra.push(`${a.toLowerCase()}-${b.toLowerCase()}`);
        }
        else if (item.length === 1 && isLetter(item)) {
            extra.push(item === item.toLowerCase() ? item.toUpperCase() : item.toLowerCase());
        }
    }
    return items.join('') + extra.join('');
}
/** Reads a bracket class starting at `i` (`[`); returns its JS form and the index after `]`. */
function readClass(src, i, ci) {
    let j = i + 1;
    let negate = '';
    if (src[j] === '^') {
        negate = '^';
        j++;
    }
    const items = [];
    let first = true;
    while (j < src.length && (src[j] !== ']' || first)) {
        first = false;
        if (src.startsWith('[:', j)) {
            const close = src.indexOf(':]', j);
            const name = src.slice(j + 2, close);
            const expansion = POSIX_CLASSES[name];
            if (close < 0 || expansion === undefined)
                throw new Error(`unsupported POSIX class at ${j}`);
            items.push(expansion);
            j = close + 2;
            continue;
        }
        let atom;
        if (src[j] === '\\') {
            atom = src.slice(j, j + 2);
            if (atom === '\\x')
                atom = src.slice(j, j + 4);
            j += atom.length;
        }
        else if (src[j] === '[') {
            atom = '\\[';
            j++;
        }
        else {
            atom = src[j];
            j++;
        }
        // A range a-z: keep as one item so folding sees it.
        if (src[j] === '-' && src[j + 1] !== undefined && src[j + 1] !== ']') {
            let hi;
            if (src[j + 1] === '\\') {
                hi = src.slice(j + 1, j + 3);
                if (hi === '\\x')
                    hi = src.slice(j + 1, j + 5);
            }
            else
                hi = src[j + 1];
            items.push(`${atom}-${hi}`);
            j += 1 + hi.length;
            continue;
        }
        items.push(atom);
    }
    if (src[j] !== ']')
        throw new Error(`unterminated class at ${i}`);
    const body = ci ? foldClassBody(items) : items.join('');
    return { out: `[${negate}${body}]`, end: j + 1 };
}
/** Leading `[\w.-]{0,50}?` only widens where a match starts; dropping it keeps the same secrets and
 * removes 50 backtracking steps at every position of every line that holds a keyword. */
function dropLazyPrefix(src) {
    const prefix = '[\\w.-]{0,50}?';
    let s = src;
    const lead = s.startsWith('(?i)') ? '(?i)' : '';
    s = s.slice(lead.length);
    if (s.startsWith(prefix))
        s = s.slice(prefix.length);
    if (s.startsWith('(?i:' + prefix))
        s = '(?i:' + s.slice(4 + prefix.length);
    return lead + s;
}
function translateGoRegex(goSource, options = {}) {
    let src = options.dropLeadingContext ? dropLazyPrefix(goSource) : goSource;
    let leadingCi = false;
    if (src.startsWith('(?i)')) {
        leadingCi = true;
        src = src.slice(4);
    }
    const expand = hasCaseToggles(src);
    const stack = [{ ci: leadingCi, dotAll: false }];
    let out = '';
    const top = () => stack[stack.length - 1];
    let i = 0;
    while (i < src.length) {
        const c = src[i];
        if (c === '\\') {
            const next = src[i + 1];
            if (next === 'z')
                out += '$';
            else if (next === 'A')
                out += '^';
            else if (next === 'Q' || next === 'E' || next === 'C' || next === 'p' || next === 'P')
                throw new Error(`unsupported escape \\${next}`);
            else if (next === 'x') {
                out += src.slice(i, i + 4);
                i += 4;
                continue;
            }
            else if (expand && top().ci && next !== undefined && isLetter(next) && !/[wWdDsSbBnrtfv]/.test(next))
                out += `[${next.toLowerCase()}${next.toUpperCase()}]`;
            else
                out += src.slice(i, i + 2);
            i += 2;
            continue;
        }
        if (c === '[') {
            const cls = readClass(src, i, expand && top().ci);
            out += cls.out;
            i = cls.end;
            continue;
        }
        if (c === '(') {
            const flagGroup = readFlagGroup(src, i);
            if (flagGroup) {
                const f = { ...top() };
                if (flagGroup.on.includes('i'))
                    f.ci = true;
                if (flagGroup.off.includes('i'))
                    f.ci = false;
                if (flagGroup.on.includes('s'))
                    f.dotAll = true;
                if (flagGroup.off.includes('s'))
                    f.dotAll = false;
                for (const flag of flagGroup.on + flagGroup.off)
                    if (flag !== 'i' && flag !== 's')
                        throw new Error(`unsupported flag ${flag}`);
                if (flagGroup.scoped) {
                    stack.push(f);
                    out += '(?:';
                }
                else {
                    stack[stack.length - 1] = f;
                }
                i = flagGroup.end;
                continue;
            }
            if (src.startsWith('(?P<', i)) {
                out += '(?<';
                i += 4;
            }
            else if (src.startsWith('(?:', i)) {
                out += '(?:';
                i += 3;
            }
            else {
                out += '(';
                i += 1;
            }
            stack.push({ ...top() });
            continue;
        }
        if (c === ')') {
            if (stack.length > 1)
                stack.pop();
            out += ')';
            i++;
            continue;
        }
        if (c === '.') {
            out += top().dotAll ? '[\\s\\S]' : '[^\\n]';
            i++;
            const q = src[i];
            if (q === '*' || q === '+') {
                out += q === '*' ? `{0,${DOT_RUN_LIMIT}}` : `{1,${DOT_RUN_LIMIT}}`;
                i++;
            }
            continue;
        }
        if (expand && top().ci && isLetter(c)) {
            out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
            i++;
            continue;
        }
        out += c;
        i++;
    }
    const flags = !expand && leadingCi ? 'i' : '';
    return { source: out, flags };
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/windows.ts
/**
 * Windowed rule matching. A rule whose keyword is a common substring (`s.` for Vault tokens, `ey` for
 * JWTs, `api` for the generic rule) would otherwise run its regex over every long line that holds it:
 * tool results hold whole files. Instead the regex runs over windows around the occurrences of a literal
 * that every one of its matches contains, each window wide enough that no match can reach past it.
 *
 * Why a window cannot miss a match (nor find one the whole text does not have):
 *
 * 1. From the regex alone, `planRule` derives anchors {s, B, T}: every match contains an occurrence of some
 *    anchor's string s (case-insensitively) and has at most B characters outside the set T. Bounded parts of
 *    the regex count toward B; an unbounded repetition adds what it can consume to T instead. So a match
 *    holding the occurrence at q lies inside the span around q that holds at most B characters outside T on
 *    each side: the occurrence's interval I(q). For a rule with a computable maximum length, T is empty and
 *    I(q) is simply q ± that length.
 * 2. Intervals closer than 2C apart are merged into windows, where C is the farthest any assertion or
 *    lookaround reads beyond a match (`\b`, `$`: 1; `(?<=\\[nrtbf])`: 2). Each window W is searched in the
 *    slice that extends it by C on both sides.
 * 3. Every match the regex can find in a slice also holds an anchor occurrence, which lies in the slice, so
 *    the match lies in that occurrence's interval, and that interval is in W (any other window is more than
 *    2C away, the slice reaches only C past W). Any whole-text match starting in W likewise lies in W. A
 *    path of the regex engine that succeeds reads only its match and C characters around it, so inside W
 *    the slice and the whole text see the same characters, the same paths succeed, and the first in
 *    priority order is the same: the match at each start position in W is the same in both, and no whole-text
 *    match starts outside every window.
 * 4. The caller walks the windows in order with one `lastIndex` and one retry count, so the sequence of
 *    matches (and of rejected matches it retries after) is the one a whole-text search produces.
 *
 * A regex the analysis does not understand (backreferences, the `u`/`v` flags, a lookaround of unbounded
 * length, no anchor of two or more characters) runs over the whole text, as do texts where the windows
 * would cover most of the text anyway. `test/unit/secrets/window*.test.ts` compares both ways of matching.
 */
const emptySet = () => ({ low: new Uint8Array(256), high: false });
const fullSet = () => ({ low: new Uint8Array(256).fill(1), high: true });
/** The empty set the analysis shares: sets are never changed once made, so one serves every node. */
const NONE = emptySet();
function union(a, b) {
    if (b === NONE || a === b)
        return a;
    if (a === NONE)
        return b;
    const low = new Uint8Array(256);
    for (let i = 0; i < 256; i++)
        low[i] = a.low[i] | b.low[i];
    return { low, high: a.high || b.high };
}
const EXACT_LIMIT = 16;
class Unsupported extends Error {
}
/** A recursive-descent reader of the regex subset rule sources use, producing `Info` directly. */
class Analyser {
    src;
    ignoreCase;
    dotAll;
    i = 0;
    constructor(src, ignoreCase, dotAll) {
        this.src = src;
        this.ignoreCase = ignoreCase;
        this.dotAll = dotAll;
    }
    run() {
        const info = this.alternation();
        if (this.i !== this.src.length)
            throw new Unsupported(`unexpected ${this.src[this.i]}`);
        return info;
    }
    alternation() {
        const branches = [this.sequence()];
        while (this.src[this.i] === '|') {
            this.i++;
            branches.push(this.sequence());
        }
        return branches.length === 1 ? branches[0] : alternationInfo(branches);
    }
    sequence() {
        const items = [];
        while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')')
            items.push(this.quantified());
        return concatInfo(items);
    }
    quantified() {
        const atom = this.atom();
        const q = this.quantifier();
        if (!q)
            return atom;
        if (atom.maxLen === 0 && atom.ctx > 0)
            throw new Unsupported('quantified assertion');
        return repeatInfo(atom, q.min, q.max);
    }
    quantifier() {
        const c = this.src[this.i];
        let q = null;
        if (c === '*')
            q = { min: 0, max: Infinity };
        else if (c === '+')
            q = { min: 1, max: Infinity };
        else if (c === '?')
            q = { min: 0, max: 1 };
        if (q)
            this.i++;
        else if (c === '{') {
            const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.i, this.i + 24));
            if (!m)
                return null; // a literal brace (not a quantifier, outside the `u` flag)
            q = { min: Number(m[1]), max: m[2] ? (m[3] ? Number(m[3]) : Infinity) : Number(m[1]) };
            this.i += m[0].length;
        }
        else
            return null;
        if (this.src[this.i] === '?')
            this.i++; // lazy: the same strings, in another order
        return q;
    }
    atom() {
        const src = this.src;
        const c = src[this.i];
        if (c === '(') {
            this.i++;
            let look = null;
            if (src.startsWith('?:', this.i))
                this.i += 2;
            else if (src.startsWith('?=', this.i) || src.startsWith('?!', this.i)) {
                look = 'ahead';
                this.i += 2;
            }
            else if (src.startsWith('?<=', this.i) || src.startsWith('?<!', this.i)) {
                look = 'behind';
                this.i += 3;
            }
            else if (src.startsWith('?<', this.i)) {
                const end = src.indexOf('>', this.i);
                if (end < 0)
                    throw new Unsupported('group name');
                this.i = end + 1;
            }
            else if (src[this.i] === '?')
                throw new Unsupported('group kind');
            const inner = this.alternation();
            if (src[this.i] !== ')')
                throw new Unsupported('unclosed group');
            this.i++;
            return look ? lookInfo(inner) : inner;
        }
        if (c === '[')
            return this.charClass();
        this.i++;
        if (c === '.') {
            const set = fullSet();
            if (!this.dotAll)
                for (const n of [10, 13])
                    set.low[n] = 0; // U+2028/9 stay in `high`: a superset
            return charInfo(set, null);
        }
        if (c === '^' || c === '$')
            return assertionInfo(1);
        if (c === '\\')
            return this.escape();
        if (c === ')' || c === '|' || c === '*' || c === '+' || c === '?')
            throw new Unsupported(`bare ${c}`);
        return this.literal(c.charCodeAt(0));
    }
    literal(code) {
        const set = emptySet();
        addCode(set, code, this.ignoreCase);
        return charInfo(set, exactOf(set));
    }
    escape() {
        const c = this.src[this.i++];
        if (c === undefined)
            throw new Unsupported('trailing backslash');
        if (c === 'b' || c === 'B')
            return assertionInfo(1);
        const set = this.classEscape(c);
        if (set)
            return charInfo(set, exactOf(set));
        if (/[1-9k]/.test(c))
            throw new Unsupported('backreference');
        return this.literal(this.charEscape(c));
    }
    /** `\d`, `\w`, `\s` and their negations; null for other escapes. */
    classEscape(c) {
        const set = emptySet();
        const lower = c.toLowerCase();
        if (lower === 'd')
            for (let n = 48; n <= 57; n++)
                set.low[n] = 1;
        else if (lower === 'w') {
            for (let n = 0; n < 128; n++)
                if (/\w/.test(String.fromCharCode(n)))
                    set.low[n] = 1;
        }
        else if (lower === 's') {
            for (let n = 0; n < 256; n++)
                if (/\s/.test(String.fromCharCode(n)))
                    set.low[n] = 1;
            set.high = true;
        }
        else
            return null;
        if (c !== lower) {
            for (let n = 0; n < 256; n++)
                set.low[n] = set.low[n] ? 0 : 1;
            set.high = true;
        }
        return set;
    }
    /** The code of a single-character escape (`\n`, `\x41`, `\u0041`, `\.`). */
    charEscape(c) {
        const simple = { n: 10, r: 13, t: 9, f: 12, v: 11, '0': 0 };
        if (c in simple && !(c === '0' && /\d/.test(this.src[this.i] ?? '')))
            return simple[c];
        if (c === 'x' || c === 'u') {
            const len = c === 'x' ? 2 : 4;
            const hex = this.src.slice(this.i, this.i + len);
            if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex))
                throw new Unsupported(`\\${c} escape`);
            this.i += len;
            return parseInt(hex, 16);
        }
        if (c === 'c' || /[a-zA-Z0-9]/.test(c))
            throw new Unsupported(`\\${c}`);
        return c.charCodeAt(0);
    }
    charClass() {
        const src = this.src;
        this.i++;
        const negated = src[this.i] === '^';
        if (negated)
            this.i++;
        const set = emptySet();
        while (this.i < src.length && src[this.i] !== ']') {
            const from = this.classAtom(set);
            if (from !== null && src[this.i] === '-' && src[this.i + 1] !== ']' && this.i + 1 < src.length) {
                this.i++;
                const to = this.classAtom(set);
                if (to === null)
                    throw new Unsupported('class range with a class escape');
                if (to < from)
                    throw new Unsupported('reversed range');
                for (let n = from; n <= to; n++)
                    addCode(set, n, this.ignoreCase);
            }
            else if (from !== null)
                addCode(set, from, this.ignoreCase);
        }
        if (src[this.i] !== ']')
            throw new Unsupported('unclosed class');
        this.i++;
        if (negated) {
            for (let n = 0; n < 256; n++)
                set.low[n] = set.low[n] ? 0 : 1;
            set.high = true;
        }
        return charInfo(set, negated ? null : exactOf(set));
    }
    /** One class member: its code, or null when it was a class escape (added to `set` already). */
    classAtom(set) {
        const c = this.src[this.i++];
        if (c !== '\\')
            return c.charCodeAt(0);
        const e = this.src[this.i++];
        if (e === undefined)
            throw new Unsupported('trailing backslash');
        if (e === 'b')
            return 8;
        const cls = this.classEscape(e);
        if (cls) {
            for (let n = 0; n < 256; n++)
                if (cls.low[n])
                    set.low[n] = 1;
            if (cls.high)
                set.high = true;
            return null;
        }
        return this.charEscape(e);
    }
}
function addCode(set, code, ignoreCase) {
    if (code > 255) {
        set.high = true;
        return;
    }
    set.low[code] = 1;
    if (!ignoreCase)
        return;
    if (code >= 65 && code <= 90)
        set.low[code + 32] = 1;
    else if (code >= 97 && code <= 122)
        set.low[code - 32] = 1;
    else if (code >= 128) {
        // Outside ASCII, case folding reaches beyond Latin-1 (µ, ÿ): keep every such character in the set.
        for (let n = 128; n < 256; n++)
            set.low[n] = 1;
        set.high = true;
    }
}
/** The strings a one-character set stands for, lowercased, when it holds only a few ASCII characters. */
function exactOf(set) {
    if (set.high)
        return null;
    const out = new Set();
    for (let n = 0; n < 256; n++) {
        if (!set.low[n])
            continue;
        if (n >= 128)
            return null;
        out.add(String.fromCharCode(n).toLowerCase());
        if (out.size > 4)
            return null;
    }
    return out.size ? [...out] : null;
}
function charInfo(set, exact) {
    return {
        maxLen: 1,
        b: 1,
        t: NONE,
        chars: set,
        exact,
        anchors: exact && exact.every((s) => s.length > 0) ? exact.map((s) => ({ s, b: 1, t: NONE })) : null,
        ctx: 0,
    };
}
function assertionInfo(ctx) {
    return { maxLen: 0, b: 0, t: NONE, chars: NONE, exact: [''], anchors: null, ctx };
}
function lookInfo(inner) {
    return assertionInfo(inner.maxLen + inner.ctx);
}
function product(a, b) {
    if (a.length * b.length > EXACT_LIMIT)
        return null;
    const out = [];
    for (const x of a)
        for (const y of b)
            out.push(x + y);
    return [...new Set(out)];
}
/** Fewer, longer anchor strings find fewer places to search. */
function better(a, b) {
    if (!a)
        return b;
    if (!b)
        return a;
    const shortest = (x) => Math.min(...x.map((y) => y.s.length));
    if (shortest(a) !== shortest(b))
        return shortest(a) > shortest(b) ? a : b;
    return a.length <= b.length ? a : b;
}
function concatInfo(items) {
    if (items.length === 1)
        return items[0];
    let maxLen = 0;
    let b = 0;
    let t = NONE;
    let chars = NONE;
    let ctx = 0;
    let exact = [''];
    for (const x of items) {
        maxLen += x.maxLen;
        b += x.b;
        t = union(t, x.t);
        chars = union(chars, x.chars);
        ctx = Math.max(ctx, x.ctx);
        exact = exact && x.exact ? product(exact, x.exact) : null;
    }
    // A match of the sequence holds a match of each item: any item's anchors serve, their bound widened
    // by what the other items can add. The other items' sets are the union of those before and those
    // after it, each built once (a union per pair of items made planning the rules' first use cost more
    // than scanning a large change's text for them).
    let anchors = null;
    const after = new Array(items.length + 1);
    after[items.length] = NONE;
    for (let k = items.length - 1; k >= 0; k--)
        after[k] = union(after[k + 1], items[k].t);
    let before = NONE;
    for (let j = 0; j < items.length; before = union(before, items[j].t), j++) {
        const x = items[j];
        if (!x.anchors)
            continue;
        const others = union(before, after[j + 1]);
        anchors = better(anchors, x.anchors.map((a) => ({ s: a.s, b: a.b + b - x.b, t: union(a.t, others) })));
    }
    // Runs of items that each match one of a few strings spell longer literals (`SG` `\.` → `sg.`), with
    // the bound of the whole sequence.
    for (let start = 0; start < items.length; start++) {
        let run = [''];
        for (let end = start; end < items.length && items[end].exact; end++) {
            run = product(run, items[end].exact);
            if (!run)
                break;
            if (run.every((s) => s.length > 0))
                anchors = better(anchors, run.map((s) => ({ s, b, t })));
        }
    }
    return { maxLen, b, t, chars, exact, anchors, ctx };
}
function alternationInfo(branches) {
    let t = NONE;
    let chars = NONE;
    let exact = [];
    let anchors = [];
    for (const x of branches) {
        t = union(t, x.t);
        chars = union(chars, x.chars);
        exact = exact && x.exact && exact.length + x.exact.length <= EXACT_LIMIT ? [...new Set([...exact, ...x.exact])] : null;
        // A match of the alternation is a match of one branch: that branch's anchors and bound hold for it.
        anchors = anchors && x.anchors ? [...anchors, ...x.anchors] : null;
    }
    return {
        maxLen: Math.max(...branches.map((x) => x.maxLen)),
        b: Math.max(...branches.map((x) => x.b)),
        t,
        chars,
        exact,
        anchors,
        ctx: Math.max(...branches.map((x) => x.ctx)),
    };
}
function repeatInfo(x, min, max) {
    // Unbounded: every character it consumes is one the item can consume, however many there are.
    const bound = max === Infinity ? (x.b === 0 ? { b: 0, t: x.t } : { b: 0, t: x.chars }) : { b: x.b * max, t: x.t };
    let exact = null;
    if (max === 0)
        exact = [''];
    else if (x.exact && min === max && min <= 4) {
        exact = [''];
        for (let k = 0; k < min && exact; k++)
            exact = product(exact, x.exact);
    }
    return {
        maxLen: x.maxLen === 0 ? 0 : x.maxLen * max,
        ...bound,
        chars: x.chars,
        exact,
        anchors: min >= 1 && x.anchors ? x.anchors.map((a) => ({ s: a.s, b: bound.b, t: union(bound.t, a.t) })) : null,
        ctx: x.ctx,
    };
}
/** Anchors and reach for windowed matching of `re`, or null when it must run over the whole text. */
function planWindows(re) {
    if (/[uv]/.test(re.flags))
        return null;
    let info;
    try {
        info = new Analyser(re.source, re.flags.includes('i'), re.flags.includes('s')).run();
    }
    catch (error) {
        if (error instanceof Unsupported)
            return null;
        throw error;
    }
    if (!info.anchors || !Number.isFinite(info.ctx) || info.anchors.some((a) => a.s.length < 2 || !Number.isFinite(a.b)))
        return null;
    // One anchor per string, with the loosest bound among its entries.
    const byString = new Map();
    for (const a of info.anchors) {
        const seen = byString.get(a.s);
        byString.set(a.s, seen ? { s: a.s, b: Math.max(seen.b, a.b), t: union(seen.t, a.t) } : a);
    }
    // Anchors with equal sets share one set object, so a text's positions outside it are found once.
    const sets = new Map();
    const anchors = [...byString.values()].map((a) => {
        const bounded = !a.t.high && a.t.low.every((v) => v === 0);
        const key = `${a.t.high ? 1 : 0}${a.t.low.join('')}`;
        if (!bounded && !sets.has(key))
            sets.set(key, a.t);
        return { s: a.s, b: a.b, re: new RegExp(a.s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'), 'gi'), t: bounded ? null : sets.get(key) };
    });
    return { anchors, context: Math.max(1, info.ctx) };
}
/** Below this length a text is searched whole: windows would not save the cost of finding them. */
const WINDOW_MIN_TEXT = 1024;
/** Past this share of the text covered, searching the windows costs more than searching the whole. */
const MAX_COVERAGE = 0.5;
/** Positions of the characters outside `t`, in order. */
function outside(text, t) {
    const out = [];
    const { low, high } = t;
    for (let i = 0, n = text.length; i < n; i++) {
        const c = text.charCodeAt(i);
        if (!(c < 256 ? low[c] : high))
            out.push(i);
    }
    return Int32Array.from(out);
}
/** The first index of `list` whose value is at least `value`. */
function lowerBound(list, value) {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid] < value)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
/** The slices `[start, end)` of `text` to search, flattened and in order, or null to search the whole text. */
function windowSlices(text, plan) {
    const n = text.length;
    const limit = n * MAX_COVERAGE;
    const spans = [];
    let lists = 0;
    const outsideOf = new Map();
    for (const a of plan.anchors) {
        const re = a.re;
        const k = a.s.length;
        let positions;
        const before = spans.length;
        re.lastIndex = 0;
        // `test` rather than `exec`: no match object for what may be thousands of occurrences.
        while (re.test(text)) {
            const q = re.lastIndex - k;
            re.lastIndex = q + 1; // overlapping occurrences count too
            let left;
            let right;
            // Found on the first occurrence: most texts hold none of a rare anchor.
            if (a.t && !positions) {
                positions = outsideOf.get(a.t);
                if (!positions)
                    outsideOf.set(a.t, (positions = outside(text, a.t)));
            }
            if (!positions) {
                left = Math.max(0, q - a.b);
                right = Math.min(n, q + k + a.b);
            }
            else {
                // At most b characters outside t on each side of the occurrence: the window stops at the next one.
                const j = lowerBound(positions, q);
                left = j - a.b - 1 >= 0 ? positions[j - a.b - 1] + 1 : 0;
                const i = lowerBound(positions, q + k);
                right = i + a.b < positions.length ? positions[i + a.b] : n;
            }
            spans.push(left, right);
        }
        if (spans.length > before)
            lists++;
    }
    if (spans.length === 0)
        return [];
    // Each anchor's spans come in order; only several anchors' need sorting together.
    let order = null;
    if (lists > 1)
        order = Array.from({ length: spans.length / 2 }, (_, x) => x).sort((x, y) => spans[2 * x] - spans[2 * y]);
    const at = (x) => (order ? order[x] : x);
    const c = plan.context;
    const out = [];
    let covered = 0;
    let start = spans[2 * at(0)];
    let end = spans[2 * at(0) + 1];
    for (let x = 1; x <= spans.length / 2; x++) {
        const s = x < spans.length / 2 ? spans[2 * at(x)] : Infinity;
        // Windows nearer than 2C (plus one for good measure) are one window: see step 2 above.
        if (s - end <= 2 * c + 1)
            end = Math.max(end, spans[2 * at(x) + 1]);
        else {
            const from = Math.max(0, start - c);
            const to = Math.min(n, end + c);
            out.push(from, to);
            covered += to - from;
            if (covered > limit)
                return null;
            if (x < spans.length / 2) {
                start = s;
                end = spans[2 * at(x) + 1];
            }
        }
    }
    return out;
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/matching.ts
/**
 * Rule matching: which rules a text can trigger (the keyword pass), running them, and judging each
 * match against entropy, placeholders and allowlists. Everything here reads plain text; where the
 * text came from (a JSON literal, a line, a joined stream) is the callers' business.
 */












/** Values shorter than this would redact ordinary words and digits all over a transcript. */
const MIN_VALUE_LENGTH = 4;
/** How much of each side of a string-literal (or line) boundary is rescanned for split secrets. */
const BOUNDARY_WINDOW = 256;
/** Markers we write and placeholders other sanitisers write are never secrets themselves. */
const matching_SANITISED = /REDACTED/;
const DIGIT = /[0-9]/;
const ALLOWLIST_TARGET_LIMIT = 4096;
/** Texts searched whole after a rule's windows covered too much of one, doubling from the first to the last. */
const MIN_WINDOW_BACKOFF = 16;
const MAX_WINDOW_BACKOFF = 512;
function allowed(list, secret, match, line) {
    if (list.hasPaths && list.and)
        return false; // a path condition can never hold without a path
    const checks = [];
    if (list.regexes.length) {
        // Some allowlist regexes backtrack (`[a-z0-9-]*?api…`), so a megabyte line must not reach them whole.
        const full = list.target === 'match' ? match : list.target === 'line' ? line() : secret;
        const target = full.length > ALLOWLIST_TARGET_LIMIT ? full.slice(0, ALLOWLIST_TARGET_LIMIT) : full;
        checks.push(list.regexes.some((re) => re.test(target)));
    }
    if (list.stopwords.length)
        checks.push(holdsStopword(list.stopwords, secret.toLowerCase()));
    if (!checks.length)
        return false;
    return list.and ? checks.every(Boolean) : checks.some(Boolean);
}
const stopwordIndexes = new WeakMap();
const prefixKey = (text, at) => (text.charCodeAt(at) * 65536 + text.charCodeAt(at + 1)) * 65536 + text.charCodeAt(at + 2);
/** Whether `lower` holds one of `stopwords` (what `stopwords.some((w) => lower.includes(w))` says). */
function holdsStopword(stopwords, lower) {
    let index = stopwordIndexes.get(stopwords);
    if (!index) {
        index = { byPrefix: new Map(), short: [] };
        for (const word of stopwords) {
            if (word.length < 3) {
                index.short.push(word);
                continue;
            }
            const key = prefixKey(word, 0);
            const list = index.byPrefix.get(key);
            if (list)
                list.push(word);
            else
                index.byPrefix.set(key, [word]);
        }
        stopwordIndexes.set(stopwords, index);
    }
    for (const word of index.short)
        if (lower.includes(word))
            return true;
    for (let at = 0; at + 3 <= lower.length; at++) {
        const words = index.byPrefix.get(prefixKey(lower, at));
        if (words === undefined)
            continue;
        for (const word of words)
            if (lower.startsWith(word, at))
                return true;
    }
    return false;
}
/**
 * gitleaks' rules read a secret's context (`key = "…"`, a closing quote, a newline) in plain text.
 * Inside a JSON string, that context is escaped: `{\"token\": \"ghp_…\"}`, `…\n`. Wherever a rule
 * accepts a quote or whitespace as context, a backslash may stand before it in JSON text, so it is
 * accepted there too. This keeps the raw-text pass sound for nested JSON without decoding every line
 * (which would cost as much as the scan itself); a line with a hit is then decoded literal by literal.
 */
function jsonTolerant(rule) {
    if (rule.id === 'private-key-block' || rule.id === 'url-credentials')
        return rule;
    // Rewritten and compiled on first use: most rules never meet their keywords in a given run, and
    // doing all of them up front was a tenth of the action's start-up.
    let compiled;
    const original = rule.re;
    return Object.defineProperty({ ...rule }, 're', {
        enumerable: true,
        get() {
            if (!compiled) {
                const source = widenContextClasses(original.source);
                compiled = source === original.source ? original : new RegExp(source, original.flags);
            }
            return compiled;
        },
    });
}
function widenContextClasses(source) {
    let out = '';
    for (let i = 0; i < source.length; i++) {
        const c = source[i];
        // `(?<![A-Za-z])` before a token: the same as `\b`, an escape's letter is not a word character.
        if (source.startsWith('(?<![', i)) {
            let j = i + 5;
            while (j < source.length && source[j] !== ']')
                j += source[j] === '\\' ? 2 : 1;
            if (source[j + 1] === ')') {
                out += `(?:${source.slice(i, j + 2)}|(?<=\\\\[nrtbf]))`;
                i = j + 1;
                continue;
            }
        }
        if (c === '\\') {
            // In JSON text a token may follow an escape such as `\n`, whose letter ends a word:
            // a word boundary must also hold right after one.
            out += source[i + 1] === 'b' ? '(?:\\b|(?<=\\\\[nrtbf]))' : c + (source[i + 1] ?? '');
            i++;
            continue;
        }
        if (c !== '[') {
            out += c;
            continue;
        }
        // A character class: copy it whole, then decide whether it is a context class.
        let j = i + 1;
        if (source[j] === '^')
            j++;
        if (source[j] === ']')
            j++;
        while (j < source.length && source[j] !== ']')
            j += source[j] === '\\' ? 2 : 1;
        const cls = source.slice(i, j + 1);
        const negated = cls.startsWith('[^');
        const context = /["']|\\s/.test(cls) && !/\\\\/.test(cls);
        out += !negated && context ? `${cls.slice(0, -1)}\\\\]` : cls;
        i = j;
    }
    return out;
}
/** The keyword lists of the engine's automaton: each rule's keywords, then its two markers. */
function engineKeywordLists(rules) {
    return [...rules.map((r) => r.keywords), ['\\u', '\\/'], ['delta']];
}
/** The default rule set, as the engine compiles it (used by the automaton generator). */
function defaultEngineRules() {
    return defaultRules().map(jsonTolerant);
}
/**
 * A rule's regex as the search runs it, without the `d` flag (V8 builds every match's group positions
 * under `d`, and nearly every match a generic rule finds is rejected, 120,000 of them in a large
 * change), and a sticky twin with `d` that reads an accepted match's positions where it was found.
 * Made on a regex's first use and kept as long as the regex.
 */
const searchPairs = new WeakMap();
function searchRegexes(re) {
    let pair = searchPairs.get(re);
    if (!pair) {
        const flags = re.flags.replace('d', '');
        pair = { search: flags === re.flags ? re : new RegExp(re.source, flags), anchored: new RegExp(re.source, `${flags.replace('g', '')}yd`) };
        searchPairs.set(re, pair);
    }
    return pair;
}
function createMatcher(options) {
    const key = options.fingerprintKey;
    if (key === undefined || key === null || (typeof key === 'string' ? key.length === 0 : key.byteLength === 0))
        throw new ConfigError('E_INPUT', 'secrets fingerprint key must not be empty');
    const disabled = new Set(options.disabledRules ?? []);
    const rules = rules_defaultRules()
        .filter((r) => !disabled.has(r.id))
        .map(jsonTolerant);
    const custom = (options.patterns ?? []).map((entry, n) => {
        const pattern = typeof entry === 'string' ? entry : entry.regex;
        // The pattern itself may be a secret the user wants redacted, so it is not echoed; its place is.
        const which = typeof entry === 'string'
            ? `redact pattern #${n + 1} (index ${n}, counting the redact-patterns input, then the policy's patterns)`
            : `the policy's secrets pattern "${entry.id}"`;
        let re;
        try {
            const t = translateGoRegex(pattern);
            re = new RegExp(t.source, t.flags + 'gd');
        }
        catch {
            throw new ConfigError('E_INPUT', `${which} is not a valid regular expression`);
        }
        const shape = catastrophicShape(re.source, re.flags);
        if (shape) {
            throw new ConfigError('E_INPUT', `${which} ${shape}: a line written by the agent could keep it running for hours. Rewrite it so no repeated part can match the same text in two ways (for example (a+)+ as a+)`);
        }
        const id = typeof entry === 'string' ? `custom-pattern-${n + 1}` : entry.id;
        return { id, re, secretGroup: 0, entropy: 0, keywords: [], allowlists: [], needsDigit: false };
    });
    const isAllowed = compileAllowEntries(options.allow);
    const values = [...new Set((options.values ?? []).filter((v) => typeof v === 'string' && v.length >= MIN_VALUE_LENGTH))];
    // The JSON-escaped spelling too, so a value holding quotes or newlines is found in raw JSON text.
    // With byteText, lines arrive as one character per UTF-8 byte: a value is looked for as its bytes.
    const asBytes = (v) => (options.byteText ? Buffer.from(v, 'utf8').toString('latin1') : v);
    // And the spelling of writers that escape every non-ASCII character (Python's json.dumps), for text
    // that is not decoded before it is scanned (Markdown transcripts, a JSON document quoted in one).
    const asciiJson = (v) => JSON.stringify(v)
        .slice(1, -1)
        .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const rawValues = [...new Set(values.flatMap((v) => [v, asBytes(v), asBytes(JSON.stringify(v).slice(1, -1)), asciiJson(v)]))];
    // Two markers ride along in the keyword pass so no line is scanned again for them: escapes that
    // can spell a token (`\u0067`, `\/`), and streaming records (`…delta…`) that need the careful path.
    const ESCAPE_MARKER = rules.length;
    const DELTA_MARKER = rules.length + 1;
    const keywordLists = engineKeywordLists(rules);
    // Building the automaton is the engine's largest start-up cost; for the default rule set a build
    // step has done it already (keyword-automaton.generated.ts), checked against the actual keywords.
    const index = KEYWORD_AUTOMATON.signature === keywordSignature(keywordLists) ? new KeywordIndex(keywordLists, KEYWORD_AUTOMATON) : new KeywordIndex(keywordLists);
    const ruleCandidates = (found) => found.filter((r) => r < ESCAPE_MARKER);
    const fingerprint = (ruleId, secret) => (0,external_node_crypto_namespaceObject.createHmac)('sha256', key).update(`${ruleId}\0${secret}`).digest('hex').slice(0, 32);
    /**
     * A rejected match can hide a real one that starts inside it: in `credential:\nAWS_SECRET_ACCESS_KEY
     * = …` the generic rule first takes the variable name as the value and rejects it, and a global
     * search would go on after it and never try `ACCESS_KEY = …`. After a rejection the search resumes
     * one character after the rejected match's start, a bounded number of times per text.
     */
    const MAX_RETRIES = 64;
    /**
     * The last value runRule's current rule turned down for what the value itself is (too short a run of
     * digits, too little entropy, a sanitised or allowed value), or undefined. A search resumed after a
     * rejection finds the same value again from each later key word before it (`accessToken = …` from
     * `access`, then from `Token`): 44 % of generic-api-key's judgements on the bench's code. Those checks
     * depend on the rule and the value alone, so the value is turned down again without them.
     */
    let rejectedValue;
    /**
     * Runs a rule over `slices` of the text (pairs of start and end, in order; see windows.ts), or over the
     * whole text. One `lastIndex` and one retry count carry across slices, so the matches, and the rejected
     * matches a search resumes after, are those of a search over the whole text.
     */
    function runRule(rule, text, hits, isGitleaks, slices) {
        if (rule.possible && !rule.possible(text))
            return;
        rejectedValue = undefined;
        const { search: re, anchored } = searchRegexes(rule.re);
        let retries = 0;
        let from = 0;
        const count = slices ? slices.length : 2;
        for (let k = 0; k < count; k += 2) {
            const start = slices ? slices[k] : 0;
            const end = slices ? slices[k + 1] : text.length;
            if (from >= end && slices)
                continue;
            const sub = start === 0 && end === text.length ? text : text.slice(start, end);
            re.lastIndex = Math.max(0, from - start);
            let m;
            while ((m = re.exec(sub)) !== null) {
                if (m[0].length === 0)
                    re.lastIndex++;
                else {
                    const hit = judgeMatch(rule, text, m, isGitleaks, start, sub, anchored);
                    if (hit)
                        hits.push(hit);
                    else if (retries < MAX_RETRIES) {
                        retries++;
                        re.lastIndex = m.index + 1;
                    }
                }
                from = start + re.lastIndex;
            }
        }
    }
    /**
     * `m` was found in `sub`, the text from `offset` on: its positions are moved back into the text's.
     * `anchored` finds the same match again with its groups' positions, once it is accepted.
     */
    function judgeMatch(rule, text, m, isGitleaks, offset, sub, anchored) {
        let g = 0;
        if (rule.secretGroup > 0)
            g = m[rule.secretGroup] !== undefined ? rule.secretGroup : -1;
        else
            for (let k = 1; k < m.length; k++)
                if (m[k]) {
                    g = k;
                    break;
                }
        if (g < 0)
            return null;
        // The group's text, as the match holds it: most matches are rejected below, before any position is read.
        const secret = m[g];
        if (secret === rejectedValue || !secret)
            return null;
        if (matching_SANITISED.test(secret))
            return rejectValue(secret);
        if (rule.entropy > 0) {
            // The cheaper test first: a generic rule's value without a digit (`process.env.API_KEY`) is out either way.
            if (rule.needsDigit && !DIGIT.test(secret))
                return rejectValue(secret);
            if (shannonEntropy(secret) <= rule.entropy)
                return rejectValue(secret);
        }
        if (rule.accept && !rule.accept(secret, m[0], text, m.index + offset))
            return null;
        if (isAllowed(rule.id, secret))
            return rejectValue(secret);
        const at = m.index + offset;
        const line = () => {
            const ls = Math.max(text.lastIndexOf('\n', at - 1) + 1, at - 512);
            const le = text.indexOf('\n', at + m[0].length);
            return text.slice(ls, le < 0 ? text.length : le);
        };
        if (rule.allowlists.some((a) => allowed(a, secret, m[0], line)))
            return null;
        if (isGitleaks && globalAllowlists.some((a) => allowed(a, secret, m[0], line)))
            return null;
        // The same regex, anchored where the search matched, takes the same path there and gives the
        // same groups, now with their positions.
        anchored.lastIndex = m.index;
        const placed = anchored.exec(sub);
        const span = placed !== null && placed[0] === m[0] ? placed.indices?.[g] : undefined;
        if (span)
            return { ruleId: rule.id, start: span[0] + offset, end: span[1] + offset };
        // Never expected: the group's text where it first occurs in the match.
        const start = m.index + offset + m[0].indexOf(secret);
        return { ruleId: rule.id, start, end: start + secret.length };
    }
    /** Turns `secret` down for the rule being run, and remembers it (rejectedValue). */
    function rejectValue(secret) {
        rejectedValue = secret;
        return null;
    }
    // Planned on a rule's first use, like its regex: most rules never meet their keywords in a run.
    const plans = new Array(rules.length);
    // Texts to search whole before trying windows again, per rule: where a rule's anchor is frequent
    // (`api`, `key` in code), windows cover most of each line and finding them is wasted work. Each
    // attempt in a row that fails doubles the wait (16, 32, … 512 texts); one that pays resets it. In a
    // change of 20,000 source files the generic rule's attempts, every one failed, were a tenth of the scan.
    const skips = new Int32Array(rules.length);
    const backoff = new Int32Array(rules.length);
    function slicesFor(r, text) {
        if (text.length < WINDOW_MIN_TEXT || options.matchWholeLines)
            return null;
        if (skips[r] > 0) {
            skips[r]--;
            return null;
        }
        let plan = plans[r];
        if (plan === undefined)
            plans[r] = plan = planWindows(rules[r].re);
        if (!plan)
            return null;
        const slices = windowSlices(text, plan);
        if (slices)
            backoff[r] = 0;
        else
            skips[r] = backoff[r] = Math.min(MAX_WINDOW_BACKOFF, backoff[r] > 0 ? backoff[r] * 2 : MIN_WINDOW_BACKOFF);
        return slices;
    }
    function rawHits(learned, text, candidates, skipLearned = false) {
        const hits = [];
        for (const r of candidates ?? ruleCandidates(index.candidates(text))) {
            const rule = rules[r];
            runRule(rule, text, hits, rule.id !== 'private-key-block' && rule.id !== 'url-credentials', slicesFor(r, text));
        }
        for (const rule of custom)
            runRule(rule, text, hits, false, null);
        for (const v of rawValues)
            for (let i = text.indexOf(v); i >= 0; i = text.indexOf(v, i + v.length))
                hits.push({ ruleId: 'explicit-value', start: i, end: i + v.length });
        if (learned.size && !skipLearned)
            hits.push(...learned.hits(text));
        return hits;
    }
    function ruleHits(text, candidates) {
        const hits = [];
        for (const r of candidates) {
            const rule = rules[r];
            runRule(rule, text, hits, rule.id !== 'private-key-block' && rule.id !== 'url-credentials', slicesFor(r, text));
        }
        return hits;
    }
    const holdsValue = (learned, text, bytes) => rawValues.some((v) => text.includes(v)) || learned.holds(text, bytes);
    function mayHoldSecret(learned, text, skipLearned = false) {
        if (custom.length)
            return true;
        if (ruleCandidates(index.candidates(text)).length)
            return true;
        return skipLearned ? rawValues.some((v) => text.includes(v)) : holdsValue(learned, text);
    }
    function toFindings(text, spans, secretOf) {
        if (!spans.length)
            return [];
        const starts = lineStarts(text);
        return spans.map((h) => {
            const { line, column } = locate(starts, h.start);
            const secret = secretOf ? secretOf(h) : text.slice(h.start, h.end);
            return { ruleId: h.ruleId, start: h.start, end: h.end, line, column, fingerprint: fingerprint(h.ruleId, secret) };
        });
    }
    const spell = (v) => [v, JSON.stringify(v).slice(1, -1), asciiJson(v)];
    const maskSpellings = new Set(rawValues);
    function forStream() {
        const learned = new LearnedValues(spell, maskSpellings);
        return {
            ruleHits,
            rawHits: (text, candidates, skipLearned) => rawHits(learned, text, candidates, skipLearned),
            mayHoldSecret: (text, skipLearned) => mayHoldSecret(learned, text, skipLearned),
            candidates: (text) => index.candidates(text),
            candidatesInBytes: (bytes) => index.candidatesInBytes(bytes),
            ruleCandidates,
            escapeMarker: ESCAPE_MARKER,
            deltaMarker: DELTA_MARKER,
            hasCustom: custom.length > 0,
            byteText: options.byteText === true,
            holdsValue: (text, bytes) => holdsValue(learned, text, bytes),
            learn: (ruleId, secret) => ruleId !== 'explicit-value' && learned.add(ruleId, secret),
            learnedHits: (text) => learned.hits(text),
            learnedPlainInJson: () => learned.plainInJson(),
            learnedIn: (text) => learned.presentIn(text),
            learnedHitsAmong: (text, among) => learned.hits(text, among),
            learnedSpellings: () => learned.list().map((s) => ({ ...s, fingerprint: fingerprint(s.ruleId, s.text) })),
            forStream,
            toFindings,
        };
    }
    return forStream();
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/json-redaction.ts



/** Index of the first literal that ends after `pos` (literals are in order and do not overlap). */
function firstLiteralEndingAfter(literals, pos) {
    let lo = 0;
    let hi = literals.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (literals[mid].end <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
/**
 * What a JSON line's rules say, worked out ahead of the stream (it depends on the line alone), as bit
 * flags: the keyword pass's markers, whether any rule had a keyword in it, and whether a rule matched
 * the line as isClean reads it (`RuleHit`) or, for a line with escaped backslashes, decoded once more.
 */
const LineVerdict = { Delta: 1, Escape: 2, Candidates: 4, RuleHit: 8, DecodedRuleHit: 16, SplitKey: 32 };
/**
 * A private key split over several values of one record (a tool result whose content array holds the
 * BEGIN line, the base64 body and the END line as text items) is a key block no rule sees: the
 * per-literal scan finds a header without a body, and a raw-text hit across literals is dropped (see
 * withinOneMember). A header left open at the end of its string value (followed there only by body
 * lines, real or escaped line breaks, and no footer) marks the line; the body-shaped values after it in
 * the same record are then redacted, and the body lines in the header's own value.
 */
const HEADER = /-----BEGIN[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----/g;
const ANY_HEADER = /-----BEGIN[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----/;
const FOOTER = /-----END[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----/;
/** One PEM body line, trimmed: base64, or an RFC 1421 header (`Proc-Type: 4,ENCRYPTED`); or blank. */
const BODY_LINE = /^(?:[A-Za-z0-9+/=]+|[A-Za-z][A-Za-z-]{0,30}: .*)?$/;
/**
 * How many values after a header, or after the last body value found, are searched for more of its
 * body and its footer. Counted from the last find, so a key of any length (a 4096-bit RSA key is 49
 * lines, each its own content item) is followed to its end; the values between two body lines of a
 * content array (`type`, `text`) are a few, far fewer.
 */
const SPLIT_KEY_REACH = 32;
/** Every line of `text` is a body line. Line by line: one regex over all of them backtracks across lines. */
function bodyLines(text) {
    return text.split('\n').every((line) => BODY_LINE.test(line.trim()));
}
/**
 * The offset in `text` where the body of a header left open begins (just after the header): the
 * header is followed by body lines only up to the end of its value (the closing quote, in a JSON
 * line's text; the end of `text`, for one decoded value), with no footer or other header between.
 * -1 when there is none; of several, the last. The text after a header is read up to the next quote
 * or dash run, so every character is read for one header at most.
 */
function openHeader(text, raw) {
    if (!text.includes('PRIVATE KEY'))
        return -1;
    HEADER.lastIndex = 0;
    let open = -1;
    for (let m = HEADER.exec(text); m !== null; m = HEADER.exec(text)) {
        const from = HEADER.lastIndex;
        // Up to the end of the value (a quote, in a JSON line) or the next dash run (a footer or header).
        let end = from;
        while (end < text.length && !(raw && text.charCodeAt(end) === 34) && !(text.charCodeAt(end) === 45 && text.startsWith('-----', end)))
            end++;
        HEADER.lastIndex = end;
        if (end < text.length && text.charCodeAt(end) === 45)
            continue; // a footer, or the next header
        if (raw && end === text.length)
            continue; // not the end of a value
        // In a JSON line's raw text a line break is escaped; any other backslash is no body line's, but
        // one just before the quote escapes it: the end of a value of JSON text inside a string (`\",\"`).
        let rest = text.slice(from, end);
        if (raw && rest.endsWith('\\') && !rest.endsWith('\\\\'))
            rest = rest.slice(0, -1);
        if (bodyLines(raw ? rest.replace(/\\[nrt]/g, '\n') : rest))
            open = from;
    }
    return open;
}
/** True when `text` (a JSON line, raw or decoded) holds a key header left open at the end of a string value. */
function splitKeyHeader(text) {
    return openHeader(text, true) >= 0;
}
/**
 * Key material rather than a word: a value such as `text` or a tool name (`Bash`) between a header and
 * its footer is the record's structure and stays; a body has base64's digits, `+` or `/`.
 */
function keyMaterial(body) {
    return body.trim().length >= 16 && /[0-9+/]/.test(body) && bodyLines(body);
}
/** The span of `text` from `from` to its end, without the whitespace at either end; null when that is empty. */
function trimmedSpan(text, from, end) {
    while (from < end && /\s/.test(text[from]))
        from++;
    while (end > from && /\s/.test(text[end - 1]))
        end--;
    return end > from ? { ruleId: 'private-key-block', start: from, end } : null;
}
/**
 * Spans (decoded) on the values after each split header that hold its body, up to the footer, and on
 * the body lines after the header in its own value. The header and footer lines are not secret and
 * stay: a footer learned as a secret would be redacted in every other key block of the transcript.
 * Read decoded, so a header spelled with escapes (`PRIVATE\u0020KEY`) counts. The search from one
 * header ends at the next one, so a line is read once however many headers it holds.
 */
function redactSplitKeys(literals, nested = true) {
    for (let i = 0; i < literals.length; i++) {
        const text = decodeLiteral(literals[i]);
        if (text === null)
            continue;
        const open = openHeader(text, false);
        if (open < 0) {
            if (nested)
                redactNestedSplitKeys(literals[i], text);
            continue;
        }
        const own = trimmedSpan(text, open, text.length);
        if (own)
            literals[i].spans.push(own);
        // The member the body began in (`text` of a content array): its later values continue the body,
        // however short (a last line such as `oQIDAQAB`); other members (`type`, `name`) are structure.
        let bodyKey = own ? literals[i].streamKey : null;
        let left = SPLIT_KEY_REACH;
        let j = i + 1;
        for (; j < literals.length && left > 0; j++) {
            const lit = literals[j];
            if (lit.streamKey === null)
                continue; // a member name, never key material
            left--;
            const d = decodeLiteral(lit);
            if (d === null)
                continue;
            if (ANY_HEADER.test(d) && !FOOTER.test(d))
                break; // another header: its own search
            const footer = FOOTER.exec(d);
            const body = footer ? d.slice(0, footer.index) : d;
            // Before a footer, or in the body's member, any body lines count; elsewhere only key material.
            const continues = footer !== null || lit.streamKey === bodyKey;
            if (body.trim() !== '' && (continues ? bodyLines(body) : keyMaterial(body))) {
                bodyKey ??= lit.streamKey;
                left = SPLIT_KEY_REACH;
                const span = trimmedSpan(body, 0, body.length);
                if (span)
                    lit.spans.push(span);
            }
            if (footer)
                break;
        }
        i = j - 1;
    }
}
/**
 * A split key in JSON text that is itself one string value (Codex's function_call `arguments`, a
 * Claude Code tool input holding a JSON file): its header, body lines and footer are values of the
 * inner text, separated by `","`, which no rule and no search of the outer values sees. The inner
 * text's literals are searched as a record's (one level: no deeper), and the spans found in them are
 * put on the outer value, in its decoded coordinates (the inner text is that value decoded). The
 * inner text need not parse: one cut off inside a value is closed with a quote to be lexed, and the
 * spans kept within it. Only a value that holds a key header and a quote is read.
 */
function redactNestedSplitKeys(outer, text) {
    if (!text.includes('PRIVATE KEY') || !text.includes('"') || !ANY_HEADER.test(text))
        return;
    const inner = lexLiterals(text + '"');
    if (inner.length < 2)
        return;
    redactSplitKeys(inner, false);
    const found = [];
    for (const lit of inner) {
        if (!lit.spans.length)
            continue;
        const map = decodedToRaw(lit);
        for (const s of lit.spans) {
            const end = Math.min(lit.start + map[s.end], text.length);
            if (end > lit.start + map[s.start])
                found.push({ ruleId: s.ruleId, start: lit.start + map[s.start], end });
        }
    }
    if (!found.length)
        return;
    // A rule's hit on the outer value that runs from the header across the inner text's quotes to the
    // footer (gitleaks' `private-key` takes `KEY-----","…","-----END`) would blank the inner structure
    // and every inner value between, as withinOneMember keeps a hit across values from doing at the
    // line's level; the key's body is in `found` value by value, so such a hit is dropped.
    const crossesInner = (h) => {
        for (let k = firstLiteralEndingAfter(inner, h.start); k < inner.length && inner[k].start < h.end; k++) {
            const lit = inner[k];
            if (h.start < lit.start + 1 || h.end > lit.end - 1)
                return found.some((f) => f.start < h.end && f.end > h.start);
        }
        return false;
    };
    outer.spans = outer.spans.filter((h) => !crossesInner(h));
    outer.spans.push(...found);
}
/**
 * Escapes that can spell a character of a learned value (printable ASCII) other than the standard
 * spellings of a quote and a backslash: `\/` and `\u0021`–`\u007e` (a superset: `\\u0041` matches too).
 */
const SPELLING_ESCAPE = /\\(?:\/|u00(?:2[1-9a-f]|[3-6][0-9a-f]|7[0-9a-e]))/i;
/**
 * True when no string literal of `raw`, decoded, can hold a learned value: `raw` holds none itself and
 * no escape in it can spell one (see LearnedValues.plainInJson). Then literals need no learned search.
 */
function learnedAbsent(matcher, raw) {
    return matcher.learnedPlainInJson() && !SPELLING_ESCAPE.test(raw) && !matcher.holdsValue(raw);
}
const TOKEN_CHAR = /[A-Za-z0-9_\-+/=.~]/;
/** What JSON text holds outside its strings besides values: whitespace and punctuation. */
const STRUCTURAL = /[\s,:[\]{}"]/;
/**
 * The bare values (numbers, `true`, `null`) that spans outside every string touch, each whole; the
 * quotes, commas and brackets they cover are the line's structure, never a secret.
 */
function bareTokens(raw, spans) {
    const tokens = [];
    for (const s of spans) {
        for (let i = s.start; i < s.end; i++) {
            if (STRUCTURAL.test(raw[i]))
                continue;
            let start = i;
            while (start > 0 && !STRUCTURAL.test(raw[start - 1]))
                start--;
            let end = i + 1;
            while (end < raw.length && !STRUCTURAL.test(raw[end]))
                end++;
            tokens.push({ ruleId: s.ruleId, start, end });
            i = end;
        }
    }
    return mergeHits(tokens);
}
function createJsonRedaction(matcher) {
    const { rawHits, mayHoldSecret, ruleCandidates } = matcher;
    /**
     * Puts a raw-coordinate hit onto the literals it covers (decoded coordinates) and the gaps between.
     * The gap parts of a hit that also covers a literal are kept apart as spill: in a JSON line they are
     * the quotes, commas and values a pattern ran on into (`password=.*`), not the secret.
     */
    /**
     * A secret in the raw text lies in one literal, or runs from a key into its own value
     * (`"password": "…"`). A hit that reaches further (a `-----BEGIN PRIVATE KEY-----` in one value and an
     * `-----END …` several values later) is not one secret: redacting every literal it covers would blank
     * the keys, tool names and commands between, so a hostile agent could hide a tool call from the gate
     * and the record. Such a hit is dropped here; each literal is still scanned on its own.
     */
    function withinOneMember(literals, raw, hit) {
        let first = -1;
        let last = -1;
        for (let i = firstLiteralEndingAfter(literals, hit.start); i < literals.length; i++) {
            const lit = literals[i];
            if (lit.start >= hit.end)
                break;
            if (first < 0)
                first = i;
            last = i;
        }
        if (first < 0 || last === first)
            return true;
        if (last > first + 1)
            return false;
        const key = literals[first];
        const value = literals[last];
        return key.streamKey === null && /^\s*:\s*$/.test(raw.slice(key.end, value.start));
    }
    function distribute(state, hit) {
        const gaps = [];
        let inLiteral = false;
        let pos = hit.start;
        for (const lit of state.literals) {
            if (lit.end <= pos)
                continue;
            if (lit.start >= hit.end)
                break;
            const innerStart = lit.start + 1;
            const innerEnd = lit.end - 1;
            if (pos < lit.start)
                gaps.push({ ruleId: hit.ruleId, start: pos, end: lit.start });
            const s = Math.max(hit.start, innerStart);
            const e = Math.min(hit.end, innerEnd);
            if (e > s && decodeLiteral(lit) !== null) {
                const map = decodedToRaw(lit);
                const ds = rawToDecoded(map, s - lit.start, false);
                const de = rawToDecoded(map, e - lit.start, true);
                if (de > ds) {
                    lit.spans.push({ ruleId: hit.ruleId, start: ds, end: de });
                    inLiteral = true;
                }
            }
            else if (e > s)
                gaps.push({ ruleId: hit.ruleId, start: s, end: e });
            pos = lit.end;
            if (pos >= hit.end)
                break;
        }
        if (pos < hit.end)
            gaps.push({ ruleId: hit.ruleId, start: pos, end: hit.end });
        (inLiteral ? state.spills : state.rawSpans).push(...gaps);
    }
    /** A secret split between two value literals (a streamed delta cut mid-token): redact both halves. */
    function checkBoundary(prev, next) {
        if (prev.end - prev.start <= 2 || next.end - next.start <= 2)
            return;
        if (!TOKEN_CHAR.test(edgeChar(prev, true)) || !TOKEN_CHAR.test(edgeChar(next, false)))
            return;
        const a = decodeLiteral(prev);
        const b = decodeLiteral(next);
        if (a === null || b === null)
            return;
        const tail = a.slice(-BOUNDARY_WINDOW);
        const joined = tail + b.slice(0, BOUNDARY_WINDOW);
        if (!mayHoldSecret(joined))
            return;
        const cut = tail.length;
        const offset = a.length - tail.length;
        for (const h of rawHits(joined)) {
            if (h.start >= cut || h.end <= cut)
                continue; // whole on one side: the per-literal scan has it
            prev.spans.push({ ruleId: h.ruleId, start: offset + h.start, end: a.length });
            next.spans.push({ ruleId: h.ruleId, start: 0, end: h.end - cut });
        }
    }
    function analyseJson(raw) {
        const literals = lexLiterals(raw);
        const state = { raw, literals, rawSpans: [], spills: [] };
        // Decoding cannot create a keyword unless an escape spells a letter or slash (`\u0041`, `\/`).
        const full = mayHoldSecret(raw) || /\\[u/]/.test(raw);
        if (full) {
            // One learned-value search of the line answers for all its literals when it can (each literal
            // searched alone was most of the cost of a line with a finding).
            const skipLearned = learnedAbsent(matcher, raw);
            // A key header spelled with escapes (`PRIVATE\u0020KEY`) is read decoded, in a literal that has
            // a keyword (`-----begin`) anyway.
            let keyHeader = raw.includes('PRIVATE KEY');
            for (const lit of literals) {
                const d = decodeLiteral(lit);
                if (d === null || d.length < 8)
                    continue;
                if (!mayHoldSecret(d, skipLearned))
                    continue;
                if (!keyHeader && lit.hasEscape && d.includes('PRIVATE KEY'))
                    keyHeader = true;
                for (const h of rawHits(d, undefined, skipLearned))
                    lit.spans.push(h);
            }
            // The raw text catches what lies outside literals, and rules that need the `"key": "value"` context.
            for (const h of rawHits(raw))
                if (withinOneMember(literals, raw, h))
                    distribute(state, h);
            if (keyHeader)
                redactSplitKeys(literals);
        }
        const previous = new Map();
        for (const lit of literals) {
            if (lit.streamKey === null)
                continue;
            const prev = previous.get(lit.streamKey);
            if (prev)
                checkBoundary(prev, lit);
            previous.set(lit.streamKey, lit);
        }
        return state;
    }
    function renderJson(state, lineNumber, bytes = false, onSecret) {
        const edits = [];
        const found = [];
        // Only the span itself is replaced, in the literal's raw text: re-encoding the literal would
        // rewrite every escape in it (`\u00e9` as a raw character), and with byte text (one character per
        // UTF-8 byte) a character above U+00FF would be written as one byte holding its low 8 bits.
        for (const lit of state.literals) {
            if (!lit.spans.length)
                continue;
            const d = decodeLiteral(lit);
            const map = decodedToRaw(lit);
            const byteAt = (i) => lit.raw.charCodeAt(map[i]);
            for (const s of mergeHits(lit.spans.map((h) => wholeCharacters(d, h, bytes, byteAt)))) {
                const hit = { ruleId: s.ruleId, start: lit.start + map[s.start], end: lit.start + map[s.end] };
                edits.push({ start: hit.start, end: hit.end, text: redactionMarker(s.ruleId) });
                found.push({ hit, secret: d.slice(s.start, s.end) });
            }
        }
        const structural = (state.rawSpans.length > 0 || state.spills.length > 0) && parsesAsJson(state.raw);
        const gaps = mergeHits((structural ? state.rawSpans : [...state.rawSpans, ...state.spills]).map((h) => wholeCharacters(state.raw, h, bytes)));
        for (const s of structural ? bareTokens(state.raw, gaps) : gaps) {
            // In a JSON line, a value outside any string (a number that is a mask value) becomes a string
            // holding the marker: a bare marker would break the line.
            edits.push({ start: s.start, end: s.end, text: structural ? `"${redactionMarker(s.ruleId)}"` : redactionMarker(s.ruleId) });
            found.push({ hit: s, secret: state.raw.slice(s.start, s.end) });
        }
        if (!edits.length)
            return { text: state.raw, findings: [] };
        if (onSecret)
            for (const f of found)
                onSecret(f.hit.ruleId, f.secret);
        edits.sort((x, y) => x.start - y.start);
        found.sort((x, y) => x.hit.start - y.hit.start);
        let out = '';
        let pos = 0;
        for (const e of edits) {
            out += state.raw.slice(pos, e.start) + e.text;
            pos = e.end;
        }
        out += state.raw.slice(pos);
        const secrets = new Map(found.map((f) => [f.hit, f.secret]));
        const findings = matcher.toFindings(state.raw, found.map((f) => f.hit), (h) => secrets.get(h));
        if (lineNumber !== undefined)
            for (const f of findings)
                f.line = lineNumber;
        return { text: out, findings };
    }
    /**
     * The part of isClean that depends on the line alone (the rules), for another thread to work out
     * ahead (see LineVerdict); the part that depends on the stream so far (learned values) stays.
     */
    function verdict(line, bytes) {
        const found = bytes ? matcher.candidatesInBytes(bytes) : matcher.candidates(line);
        let flags = 0;
        if (found.includes(matcher.deltaMarker))
            flags |= LineVerdict.Delta;
        let candidates = ruleCandidates(found);
        let view = line;
        if (found.includes(matcher.escapeMarker)) {
            flags |= LineVerdict.Escape;
            view = jsonView(line);
            candidates = ruleCandidates(matcher.candidates(view));
        }
        if (candidates.length > 0)
            flags |= LineVerdict.Candidates;
        if (candidates.length > 0 && matcher.ruleHits(view, candidates).length > 0)
            flags |= LineVerdict.RuleHit;
        else if (view === line && line.includes('\\\\') && matcher.ruleHits(jsonView(line), ruleCandidates(found)).length > 0)
            flags |= LineVerdict.DecodedRuleHit;
        // A header's keyword made it a candidate line: only such lines are read for a split key.
        if (candidates.length > 0 && splitKeyHeader(view))
            flags |= LineVerdict.SplitKey;
        return flags;
    }
    function isClean(line, found, bytes, ahead) {
        // With a verdict worked out ahead, the rules have run already: only the rest of rawHits (user
        // patterns, mask and learned values) runs here, with no rule candidates. rawHits is the union of
        // the two, so the answer is the same.
        let candidates = ahead === undefined ? ruleCandidates(found) : [];
        let view = line;
        // A `\u0067hp_` or `\/` escape can spell a keyword or token the raw pass cannot see.
        if (ahead === undefined ? found.includes(matcher.escapeMarker) : (ahead & LineVerdict.Escape) !== 0) {
            view = jsonView(line);
            if (ahead === undefined)
                candidates = ruleCandidates(matcher.candidates(view));
        }
        const anyCandidate = ahead === undefined ? candidates.length > 0 : (ahead & LineVerdict.Candidates) !== 0;
        // Asked first, with the line's bytes, so the learned-value search below reuses this pass instead
        // of copying the line to bytes again.
        const holds = matcher.holdsValue(line, bytes);
        if (!anyCandidate && !matcher.hasCustom && !holds && (view === line || !matcher.holdsValue(view)))
            return true;
        if ((ahead !== undefined && (ahead & LineVerdict.RuleHit) !== 0) || rawHits(view, candidates).length > 0)
            return false;
        // No rule sees a key split over several values (redactSplitKeys); only candidate lines get here.
        if (ahead !== undefined ? (ahead & LineVerdict.SplitKey) !== 0 : candidates.length > 0 && splitKeyHeader(view))
            return false;
        // JSON in a string in a JSON string (Codex's function_call arguments holding a heredoc of a JSON
        // file) escapes quotes twice, which is more context than a rule's `[\s'"\\]{0,3}` allows: read
        // such a line once decoded too.
        if (view === line && line.includes('\\\\')) {
            if (ahead !== undefined && (ahead & LineVerdict.DecodedRuleHit) !== 0)
                return false;
            return rawHits(jsonView(line), ahead === undefined ? ruleCandidates(found) : []).length === 0;
        }
        return true;
    }
    function addLearned(state) {
        // One search of the whole text instead of one a literal, when it can answer for them all (see
        // LearnedValues.plainInJson): a text without a learned spelling then holds none in its literals.
        if (learnedAbsent(matcher, state.raw))
            return;
        // When no escape can spell a learned value, a literal holds only spellings the whole text holds:
        // those are looked for in each literal directly, without an automaton pass a literal.
        const among = matcher.learnedPlainInJson() && !SPELLING_ESCAPE.test(state.raw) ? matcher.learnedIn(state.raw) : undefined;
        for (const lit of state.literals) {
            const d = decodeLiteral(lit);
            if (d !== null)
                for (const h of among ? matcher.learnedHitsAmong(d, among) : matcher.learnedHits(d))
                    lit.spans.push(h);
        }
        for (const h of matcher.learnedHits(state.raw))
            if (withinOneMember(state.literals, state.raw, h))
                distribute(state, h);
    }
    return { analyseJson, renderJson, isClean, verdict, addLearned };
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/line-redactors.ts




/**
 * Streaming records (Claude `text_delta`/`input_json_delta`, Codex `*_delta`, OpenAI
 * `response.output_text.delta`, Gemini `delta: true`) carry a reply a few tokens at a time, so a
 * secret is routinely cut across many records. From the first stream record on, records are held
 * back; each stream member's values are joined per key into the text the model actually wrote, that
 * text is scanned, and every hit is mapped back onto the pieces it came from, which are redacted in
 * their own records. Other records (a `ping`, a block's start or stop) are held with them and do not
 * end the join: a secret cut around one is still joined. The hold ends at a size cap, and then the
 * records holding the last BOUNDARY_WINDOW characters of each stream stay held, so a secret cut
 * across the cap is joined with the records that follow, however many deltas came before.
 */
const STREAM_HOLD_CHARS = 4 * 1024 * 1024;
const STREAM_HOLD_LINES = 20_000;
function createJsonLineRedactor(matcher, json) {
    const { rawHits, mayHoldSecret } = matcher;
    const { analyseJson, renderJson, isClean, addLearned } = json;
    let held = [];
    const streams = new Map();
    let heldChars = 0;
    let lineNo = 0;
    function hold(record, stream) {
        const index = held.length;
        held.push(record);
        heldChars += record.chars;
        if (!stream)
            return;
        for (const lit of record.state.literals) {
            if (lit.streamKey === null)
                continue;
            const decoded = decodeLiteral(lit);
            if (decoded === null || decoded.length === 0)
                continue;
            let s = streams.get(lit.streamKey);
            if (!s)
                streams.set(lit.streamKey, (s = { text: '', pieces: [] }));
            s.pieces.push({ lit, at: s.text.length, length: decoded.length, record: index });
            s.text += decoded;
        }
    }
    /** Renders the held records; with `keepTail`, those that hold the end of a stream stay held. */
    function settle(keepTail) {
        let learnedNew = false;
        for (const stream of streams.values()) {
            if (stream.pieces.length < 2 || !mayHoldSecret(stream.text))
                continue;
            for (const h of rawHits(stream.text)) {
                if (matcher.learn(h.ruleId, stream.text.slice(h.start, h.end)))
                    learnedNew = true;
                for (const p of stream.pieces) {
                    if (p.at >= h.end)
                        break;
                    if (p.at + p.length <= h.start)
                        continue;
                    p.lit.spans.push({ ruleId: h.ruleId, start: Math.max(h.start, p.at) - p.at, end: Math.min(h.end, p.at + p.length) - p.at });
                }
            }
        }
        let keepFrom = held.length;
        if (keepTail) {
            // The hold must shrink: a stream whose tail would keep more than half of it (a member such as
            // `type` in every record, or thousands of one-character pieces) keeps nothing, and a secret cut
            // there is only redacted where a rule sees it.
            const suffix = new Array(held.length + 1).fill(0);
            for (let i = held.length - 1; i >= 0; i--)
                suffix[i] = suffix[i + 1] + held[i].chars;
            for (const stream of streams.values()) {
                const tail = stream.text.length - BOUNDARY_WINDOW;
                const first = stream.pieces.find((p) => p.at + p.length > tail);
                if (!first || suffix[first.record] > STREAM_HOLD_CHARS / 2 || held.length - first.record > STREAM_HOLD_LINES / 2)
                    continue;
                keepFrom = Math.min(keepFrom, first.record);
            }
        }
        const done = held.slice(0, keepFrom);
        const kept = held.slice(keepFrom);
        const out = render(done, learnedNew);
        held = [];
        streams.clear();
        heldChars = 0;
        for (const record of kept) {
            if (learnedNew)
                learnInto(record);
            hold(record, !record.clean);
        }
        return out;
    }
    /** Adds the spans of learned values to a record analysed before they were learned. */
    function learnInto(record) {
        if (record.clean) {
            if (!matcher.holdsValue(record.state.raw))
                return;
            record.state = analyseJson(record.state.raw);
            record.clean = false;
        }
        else
            addLearned(record.state);
    }
    /**
     * Renders records and learns the secrets found in them; when one is new (or `learnedBefore`, from
     * the joined stream), the records are searched for it and rendered again, so an occurrence before
     * the rule's match (in the record, or in an earlier held one) is redacted too.
     */
    function render(records, learnedBefore = false) {
        let learnedNew = learnedBefore;
        const learn = (ruleId, secret) => {
            if (matcher.learn(ruleId, secret))
                learnedNew = true;
        };
        const out = records.map((h) => renderJson(h.state, h.lineNo, matcher.byteText, learn));
        if (!learnedNew)
            return out;
        for (const h of records)
            learnInto(h);
        return records.map((h) => renderJson(h.state, h.lineNo, matcher.byteText));
    }
    const cleanState = (line) => ({ raw: line, literals: [], rawSpans: [], spills: [] });
    return {
        push(line, bytes, ahead) {
            lineNo += 1;
            // With a verdict worked out ahead (LineVerdict), the keyword pass ran there.
            const found = ahead === undefined ? (bytes ? matcher.candidatesInBytes(bytes) : matcher.candidates(line)) : null;
            const stream = found ? found.includes(matcher.deltaMarker) : (ahead & LineVerdict.Delta) !== 0;
            if (stream || held.length > 0) {
                const clean = !stream && isClean(line, found, bytes, ahead);
                hold({ state: clean ? cleanState(line) : analyseJson(line), lineNo, clean, chars: line.length }, stream);
                return heldChars > STREAM_HOLD_CHARS || held.length > STREAM_HOLD_LINES ? settle(true) : [];
            }
            // A clean line has no finding, so nothing is learned from it and it is rendered once, as it is.
            if (isClean(line, found, bytes, ahead))
                return [renderJson(cleanState(line), lineNo)];
            return render([{ state: analyseJson(line), lineNo, clean: false, chars: line.length }]);
        },
        flush() {
            return settle(false);
        },
        learned: matcher.learnedSpellings,
    };
}
// Markdown quotes and headings (Aider writes tool output as `> ` lines and prompts as `#### `
// lines) may prefix each line of a key block.
const LINE_PREFIX = /^(?:[ \t]*(?:>+|#{1,6})[ \t]?)*/;
const KEY_BODY_LINE = /^\s*(?:[A-Za-z0-9+/=]+|[A-Za-z][A-Za-z-]{0,30}: .*)?\s*$/;
const KEY_HEADER = /-----BEGIN[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----/;
const KEY_FOOTER = /-----END[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----/;
function createTextLineRedactor(matcher) {
    const { rawHits, mayHoldSecret } = matcher;
    let pending = null;
    let inKeyBlock = false;
    let lineNo = 0;
    const finish = (p, n) => {
        if (!p)
            return { text: '', findings: [] };
        const spans = mergeHits(p.spans.map((h) => wholeCharacters(p.text, h, matcher.byteText)));
        const findings = matcher.toFindings(p.text, spans);
        for (const f of findings)
            f.line = n;
        return { text: applyMarkers(p.text, spans), findings };
    };
    return {
        push(line) {
            const spans = [];
            // A key block that began on an earlier line continues while lines look like key body.
            if (inKeyBlock) {
                const prefix = LINE_PREFIX.exec(line)[0].length;
                const footer = KEY_FOOTER.exec(line);
                const body = line.slice(prefix, footer ? footer.index : line.length);
                if (KEY_BODY_LINE.test(body)) {
                    const end = footer ? footer.index + footer[0].length : line.length;
                    if (end > prefix)
                        spans.push({ ruleId: 'private-key-block', start: prefix, end });
                    if (footer)
                        inKeyBlock = false;
                }
                else
                    inKeyBlock = false;
            }
            // A header whose block does not end on the same line opens one, whatever the line's prefix.
            const header = KEY_HEADER.exec(line);
            if (header && !KEY_FOOTER.test(line.slice(header.index))) {
                spans.push({ ruleId: 'private-key-block', start: header.index, end: line.length });
                inKeyBlock = true;
            }
            spans.push(...rawHits(line));
            // Secrets found here are redacted wherever they occur from now on: in the rest of this line, in
            // the line still pending, and in every later one (rawHits looks for learned values).
            let learnedNew = false;
            for (const h of spans)
                if (matcher.learn(h.ruleId, line.slice(h.start, h.end)))
                    learnedNew = true;
            if (learnedNew) {
                spans.push(...matcher.learnedHits(line));
                if (pending)
                    pending.spans.push(...matcher.learnedHits(pending.text));
            }
            if (pending) {
                const tail = pending.text.slice(-BOUNDARY_WINDOW);
                const head = line.slice(0, BOUNDARY_WINDOW);
                const joined = `${tail}\n${head}`;
                const cut = tail.length;
                const offset = pending.text.length - tail.length;
                if (mayHoldSecret(joined))
                    for (const h of rawHits(joined)) {
                        if (h.start > cut || h.end <= cut)
                            continue;
                        pending.spans.push({ ruleId: h.ruleId, start: offset + h.start, end: pending.text.length });
                        if (h.end > cut + 1)
                            spans.push({ ruleId: h.ruleId, start: 0, end: h.end - cut - 1 });
                        // The key block runs to the end of what we could see: later lines may continue it.
                        if (h.ruleId === 'private-key-block' && h.end - cut - 1 >= head.length && !KEY_FOOTER.test(joined.slice(h.start, h.end)))
                            inKeyBlock = head.length === line.length;
                    }
            }
            const out = pending ? [finish(pending, lineNo)] : [];
            pending = { text: line, spans };
            lineNo++;
            return out;
        },
        flush() {
            const out = pending ? [finish(pending, lineNo)] : [];
            pending = null;
            inKeyBlock = false;
            return out;
        },
        learned: matcher.learnedSpellings,
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/engine.ts






function engine_createSecretEngine(options) {
    const matcher = createMatcher(options);
    function scan(text) {
        return matcher.toFindings(text, mergeHits(matcher.rawHits(text)));
    }
    function redact(text) {
        const spans = mergeHits(matcher.rawHits(text).map((h) => wholeCharacters(text, h, false)));
        return { text: applyMarkers(text, spans), findings: matcher.toFindings(text, spans) };
    }
    /** A whole document: a secret found anywhere in it is redacted everywhere in it, before and after. */
    function redactJson(jsonText) {
        const document = matcher.forStream();
        const redaction = createJsonRedaction(document);
        const state = redaction.analyseJson(jsonText);
        let learnedNew = false;
        const first = redaction.renderJson(state, undefined, false, (ruleId, secret) => {
            if (document.learn(ruleId, secret))
                learnedNew = true;
        });
        if (!learnedNew)
            return first;
        redaction.addLearned(state);
        return redaction.renderJson(state);
    }
    // One matcher for the verdicts: they depend on the rules alone, never on what a stream learned.
    let verdicts;
    return {
        lineVerdict: (line, bytes) => (verdicts ??= createJsonRedaction(matcher.forStream())).verdict(line, bytes),
        scan,
        redact,
        redactJson,
        // Each stream learns the secrets found in it (Matcher.learn) on its own matcher.
        createLineRedactor: (kind) => {
            const stream = matcher.forStream();
            return kind === 'json' ? createJsonLineRedactor(stream, createJsonRedaction(stream)) : createTextLineRedactor(stream);
        },
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/index.ts






;// CONCATENATED MODULE: ../../packages/core/src/diff/rules/secrets-thread.ts
// diff-scope's secret scan on a thread of its own. The diff is read, parsed and judged by the other
// rules on the main thread as git streams it; scanning the added text for secrets is a fifth of that
// work and needs nothing but the text, so it runs beside it on the second core. Files come back in
// the order they went, so the findings, and the report, are the same as when one thread does all.



const ROLE = 'agent-gates-diff-secrets';
/**
 * Text posted in one message at most, and files per message. Small batches: a text waiting in a batch
 * is kept alive on the main thread (and copied by its young-generation collections) until it is posted,
 * and the thread starts on it sooner. On the bench's change 1 MiB batches ran 0.1-0.2 s slower than
 * 128 KiB ones, 4 MiB batches 0.3 s slower, with 40-110 MiB more peak RSS.
 */
const BATCH_CHARS = (/* unused pure expression or super */ null && (128 << 10));
const BATCH_FILES = 64;
/**
 * Text scanned on the calling thread before the thread is started: a small change is done before a
 * thread could start (about 40 ms), so only a change past this much added text pays for one. 256 KiB
 * scans in about 5 ms; at 4 MiB the main thread of a large change scanned (and compiled the engine's
 * regexes for) 60-100 ms of text the thread, idle then, could have taken.
 */
const THREAD_AFTER_CHARS = (/* unused pure expression or super */ null && (256 << 10));
/** A value longer than this is given (to the allow-list's regex) by its first part only: a regex may backtrack. */
const VALUE_LIMIT = 4096;
/**
 * Text posted to the thread and not answered yet, at most: past it the calling thread scans the next
 * files itself, so a thread that falls behind neither holds the change's text twice nor lets it pile up.
 */
const MAX_IN_FLIGHT_CHARS = (/* unused pure expression or super */ null && (32 << 20));
/** Every text without hits: one array, never changed. */
const NO_HITS = Object.freeze([]);
const toHits = (engine, text, values) => engine.scan(text).map(({ ruleId, line, start, end, fingerprint }) => ({
    ruleId,
    line,
    start,
    end,
    fingerprint,
    ...(values ? { value: text.slice(start, Math.min(end, start + VALUE_LIMIT)) } : {}),
}));
/** True in a thread started by SecretScanner. */
function isDiffSecretsWorker() {
    return !external_node_worker_threads_namespaceObject.isMainThread && external_node_worker_threads_namespaceObject.workerData?.role === ROLE;
}
/** The thread's side: an engine built from the same options, answering each batch in order. */
function serveDiffSecretScan() {
    const port = external_node_worker_threads_namespaceObject.parentPort;
    if (!port || !isDiffSecretsWorker())
        throw new Error('serveDiffSecretScan runs only in a thread started by SecretScanner');
    let engine;
    try {
        engine = engine_createSecretEngine(external_node_worker_threads_namespaceObject.workerData.engine);
    }
    catch (error) {
        port.on('message', () => port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) }));
        return;
    }
    port.on('message', (request) => {
        try {
            const found = [];
            request.texts.forEach((text, i) => {
                const hits = toHits(engine, text, request.values[i] === true);
                if (hits.length > 0)
                    found.push([i, hits]);
            });
            port.postMessage({ ok: true, count: request.texts.length, found });
        }
        catch (error) {
            port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
        }
    });
}
/**
 * Scans texts for secrets, in order: on the calling thread until THREAD_AFTER_CHARS of text went
 * through, then on a worker thread started from `workerEntry` (when one is given and exists), and on
 * the calling thread again whenever the thread has MAX_IN_FLIGHT_CHARS unanswered. `add` returns at
 * once; `results` gives every text's hits, by the index `add` returned. A thread that fails mid-scan
 * fails the scan: a change whose text was not all scanned never gets a verdict. `dispose` ends the
 * thread when the scan is given up (the caller read the change another way, or failed).
 */
class SecretScanner {
    engineOptions;
    local;
    worker;
    scannedHere = 0;
    hits = [];
    batch;
    inFlight = [];
    inFlightChars = 0;
    sentTexts = 0;
    dead = false;
    done = [];
    failure;
    workerEntry;
    threadAfterChars;
    maxInFlightChars;
    /** `engine`: one built already from `engineOptions`, for the calling thread's share. */
    constructor(engineOptions, options = {}) {
        this.engineOptions = engineOptions;
        this.local = options.engine;
        this.workerEntry = options.workerEntry;
        this.threadAfterChars = options.threadAfterChars ?? THREAD_AFTER_CHARS;
        this.maxInFlightChars = options.maxInFlightChars ?? MAX_IN_FLIGHT_CHARS;
    }
    /** How many texts went to the thread (the rest were scanned on the calling thread). */
    get threadTexts() {
        return this.sentTexts;
    }
    engine() {
        return (this.local ??= createSecretEngine(this.engineOptions));
    }
    /**
     * Starts the thread now, before any text (when there is a worker entry and no thread yet): for a
     * change known to be large. Scanning even its first 256 KiB here cost about 95 ms, nearly all of it
     * compiling the engine's regexes on the thread that then reads the rest of the diff.
     */
    start() {
        const entry = this.worker || this.dead ? undefined : this.startableEntry();
        if (entry !== undefined)
            this.startWorker(entry);
    }
    /** The worker bundle, when one was given and is there: a thread can start from it. */
    startableEntry() {
        return this.workerEntry !== undefined && existsSync(this.workerEntry) ? this.workerEntry : undefined;
    }
    /** `values`: give each hit's matched value (for an allow-list that tests values), wherever it is scanned. */
    add(text, values = false) {
        const index = this.hits.length;
        this.hits.push(undefined);
        if (!this.useThread(text.length)) {
            this.hits[index] = toHits(this.engine(), text, values);
            return index;
        }
        const batch = (this.batch ??= { indexes: [], texts: [], values: [], chars: 0 });
        batch.indexes.push(index);
        batch.texts.push(text);
        batch.values.push(values);
        batch.chars += text.length;
        if (batch.chars >= BATCH_CHARS || batch.texts.length >= BATCH_FILES)
            this.post();
        return index;
    }
    /** Every text's hits, by index; rejects when the thread failed. Ends the thread. */
    async results() {
        try {
            this.post();
            // Unref'd while the diff streamed; now the answers are all that is left to wait for.
            this.worker?.ref();
            await Promise.all(this.done);
            if (this.failure)
                throw this.failure;
            return this.hits.map((h) => h ?? NO_HITS);
        }
        finally {
            await this.dispose();
        }
    }
    /** Ends the thread, if one started; what it was still scanning is dropped. */
    async dispose() {
        // Whatever was not answered yet is not scanned: results() after this rejects, never answers with less.
        if (this.batch || this.inFlight.length > 0)
            this.failure ??= new Error('the secret scan was given up before every file was scanned');
        this.dead = true;
        this.batch = undefined;
        await this.worker?.terminate();
    }
    useThread(chars) {
        // Behind by more than the bound (or no thread yet): this text is scanned here.
        if (this.worker)
            return this.dead || this.inFlightChars + (this.batch?.chars ?? 0) + chars <= this.maxInFlightChars;
        const entry = this.scannedHere + chars <= this.threadAfterChars ? undefined : this.startableEntry();
        if (entry === undefined) {
            this.scannedHere += chars;
            return false;
        }
        this.startWorker(entry);
        return true;
    }
    startWorker(entry) {
        const worker = new Worker(entry, { workerData: { role: ROLE, engine: this.engineOptions } });
        // An idle thread never keeps the process alive; results() ends it.
        worker.unref();
        worker.on('message', (reply) => this.inFlight.shift()?.(reply));
        const fail = (error) => {
            this.dead = true;
            this.failure ??= new Error(`the secret scan thread failed: ${error.message}`);
            for (const settle of this.inFlight.splice(0))
                settle({ ok: false, error: this.failure.message });
        };
        worker.on('error', fail);
        // A reply that cannot be read would leave its batch unanswered for ever.
        worker.on('messageerror', fail);
        worker.on('exit', (code) => {
            if (this.inFlight.length > 0 || !this.dead)
                fail(new Error(`it exited (${code}) with ${this.inFlight.length} batch(es) unanswered`));
        });
        this.worker = worker;
    }
    post() {
        const batch = this.batch;
        this.batch = undefined;
        if (!batch || !this.worker)
            return;
        // A thread that is gone answers nothing: the failure it left is what results() reports (and a
        // scan given up with dispose() has no results).
        if (this.dead) {
            this.failure ??= new Error('the secret scan thread ended before every file was scanned');
            return;
        }
        // The reply needs where each text's hits go, not the texts: those were copied into the message,
        // and a reply that held them would keep megabytes alive on this thread until the scan came back
        // (to be copied again by every collection in between).
        const { indexes, chars } = batch;
        const count = batch.texts.length;
        this.inFlightChars += chars;
        this.sentTexts += count;
        this.done.push(new Promise((resolve) => {
            this.inFlight.push((reply) => {
                this.inFlightChars -= chars;
                if (!reply.ok)
                    this.failure ??= new Error(`the secret scan thread failed: ${reply.error}`);
                else if (reply.count !== count || reply.found.some(([i]) => !Number.isInteger(i) || i < 0 || i >= count))
                    this.failure ??= new Error('the secret scan thread answered a batch with the wrong number of texts');
                else
                    for (const [i, hits] of reply.found)
                        this.hits[indexes[i]] = hits;
                resolve();
            });
        }));
        this.worker.postMessage({ texts: batch.texts, values: batch.values });
    }
}

;// CONCATENATED MODULE: ./src/worker.ts

// Entry of diff-scope's worker thread (dist/worker/index.js): the secret scan of a large change's added
// text, beside the main thread that reads and judges the rest. Only core's secret engine, so it starts fast.
serveDiffSecretScan();

