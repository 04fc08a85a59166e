import { createHmac } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { compileAllowEntries, type SecretAllowEntry } from './allow.js';
import { KeywordIndex, keywordSignature } from './keyword-index.js';
import { KEYWORD_AUTOMATON } from './keyword-automaton.generated.js';
import { type CompiledAllowlist, type CompiledRule, defaultRules, globalAllowlists, shannonEntropy } from './rules.js';
import { translateGoRegex } from './translate.js';

export interface SecretFinding {
  ruleId: string;
  /** UTF-16 offsets into the scanned text. */
  start: number;
  end: number;
  /** 1-based. */
  line: number;
  /** 0-based. */
  column: number;
  /** HMAC-SHA256(key, ruleId + '\0' + secret), hex, first 32 characters. */
  fingerprint: string;
}

export interface SecretEngineOptions {
  fingerprintKey: string | Uint8Array;
  /**
   * Lines given to the line redactor are Latin-1 decodings of their UTF-8 bytes (one character per
   * byte). Every rule matches ASCII, so it finds the same secrets; decoding is a plain copy, strings
   * stay one byte wide, and writing back with Latin-1 restores the exact bytes.
   */
  byteText?: boolean;
  values?: string[];
  /** Extra rules: a bare regex is reported as `custom-pattern-<n>`, an entry under its own id. */
  patterns?: (string | { id: string; regex: string })[];
  disabledRules?: string[];
  /** Findings to accept (the policy's `secrets.allow`); never applied to `values`. */
  allow?: SecretAllowEntry[];
}

export interface Redaction {
  text: string;
  findings: SecretFinding[];
}

export interface LineRedactor {
  /**
   * Takes the next line and returns the lines now final, in order: none while a line is held back
   * (a secret may continue in the next record), or several when a held stream ends. Every line
   * pushed comes out exactly once, through push or flush. `bytes`, the line's UTF-8 bytes when the
   * caller has them, make the keyword pass faster.
   */
  push(line: string, bytes?: Uint8Array): Redaction[];
  /** Returns every line still held. */
  flush(): Redaction[];
}

export interface SecretEngine {
  scan(text: string): SecretFinding[];
  redact(text: string): Redaction;
  redactJson(jsonText: string): Redaction;
  /** Findings carry offsets into the returned line's original text and `line` = its 1-based number in the stream. */
  createLineRedactor(kind: 'json' | 'text'): LineRedactor;
}

/** A span before merging; `secret` is what the fingerprint is taken over. */
interface Hit {
  ruleId: string;
  start: number;
  end: number;
}

export const redactionMarker = (ruleId: string): string => `[REDACTED:${ruleId}]`;

/** Values shorter than this would redact ordinary words and digits all over a transcript. */
const MIN_VALUE_LENGTH = 4;
/** How much of each side of a string-literal (or line) boundary is rescanned for split secrets. */
const BOUNDARY_WINDOW = 256;
/** Markers we write and placeholders other sanitisers write are never secrets themselves. */
const SANITISED = /REDACTED/;
const ALLOWLIST_TARGET_LIMIT = 4096;

function allowed(list: CompiledAllowlist, secret: string, match: string, line: () => string): boolean {
  if (list.hasPaths && list.and) return false; // a path condition can never hold without a path
  const checks: boolean[] = [];
  if (list.regexes.length) {
    // Some allowlist regexes backtrack (`[a-z0-9-]*?api…`), so a megabyte line must not reach them whole.
    const full = list.target === 'match' ? match : list.target === 'line' ? line() : secret;
    const target = full.length > ALLOWLIST_TARGET_LIMIT ? full.slice(0, ALLOWLIST_TARGET_LIMIT) : full;
    checks.push(list.regexes.some((re) => re.test(target)));
  }
  if (list.stopwords.length) {
    const lower = secret.toLowerCase();
    checks.push(list.stopwords.some((w) => lower.includes(w)));
  }
  if (!checks.length) return false;
  return list.and ? checks.every(Boolean) : checks.some(Boolean);
}

function mergeHits(hits: Hit[]): Hit[] {
  if (hits.length < 2) return hits.slice();
  const sorted = hits.slice().sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Hit[] = [];
  let cur = { ...sorted[0]! };
  let widest = cur.end - cur.start;
  for (let i = 1; i < sorted.length; i++) {
    const h = sorted[i]!;
    if (h.start < cur.end) {
      if (h.end - h.start > widest) {
        widest = h.end - h.start;
        cur.ruleId = h.ruleId;
      }
      if (h.end > cur.end) cur.end = h.end;
    } else {
      out.push(cur);
      cur = { ...h };
      widest = cur.end - cur.start;
    }
  }
  out.push(cur);
  return out;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function locate(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! };
}

function applyMarkers(text: string, spans: readonly Hit[]): string {
  if (!spans.length) return text;
  let out = '';
  let pos = 0;
  for (const s of spans) {
    out += text.slice(pos, s.start) + redactionMarker(s.ruleId);
    pos = s.end;
  }
  return out + text.slice(pos);
}

// ---------------------------------------------------------------------------------------------
// JSON string literals

const LITERAL = /"(?:[^"\\]|\\.)*"/g;

interface Literal {
  /** Raw offsets of the opening and one past the closing quote. */
  start: number;
  end: number;
  raw: string;
  hasEscape: boolean;
  decodedCache: string | null | undefined;
  /** Object-member name for values (`"text": "…"`), '' for array items, null for keys. */
  streamKey: string | null;
  /** Spans in decoded coordinates. */
  spans: Hit[];
}

function decodeLiteral(lit: Literal): string | null {
  if (lit.decodedCache !== undefined) return lit.decodedCache;
  if (!lit.hasEscape) lit.decodedCache = lit.raw.slice(1, -1);
  else {
    try {
      lit.decodedCache = JSON.parse(lit.raw) as string;
    } catch {
      lit.decodedCache = null; // not a JSON string (bad escape): the raw fallback scan covers it
    }
  }
  return lit.decodedCache;
}

/** Raw offset (relative to the literal start) of each decoded UTF-16 unit, plus one entry for the end. */
function decodedToRaw(lit: Literal): Int32Array {
  const inner = lit.raw;
  const map: number[] = [];
  let i = 1;
  const end = inner.length - 1;
  while (i < end) {
    map.push(i);
    if (inner.charCodeAt(i) === 92) i += inner[i + 1] === 'u' ? 6 : 2;
    else i += 1;
  }
  map.push(end);
  return Int32Array.from(map);
}

function rawToDecoded(map: Int32Array, rawOffset: number, roundUp: boolean): number {
  // first decoded unit whose raw start is >= rawOffset (roundUp) or the last one <= rawOffset
  let lo = 0;
  let hi = map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (map[mid]! < rawOffset) lo = mid + 1;
    else hi = mid;
  }
  if (!roundUp && map[lo]! > rawOffset && lo > 0) return lo - 1;
  return lo;
}

const TOKEN_CHAR = /[A-Za-z0-9_\-+/=.~]/;

const JSON_ESCAPE = /\\(?:u([0-9a-fA-F]{4})|([\s\S]))/g;
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/** A JSON text with every string escape decoded in place: what the text says, for scanning only. */
function jsonView(text: string): string {
  return text.replace(JSON_ESCAPE, (_m, hex: string | undefined, ch: string) =>
    hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : (SIMPLE_ESCAPES[ch] ?? ch),
  );
}

interface JsonLineState {
  raw: string;
  literals: Literal[];
  /** Spans outside any string literal, in raw coordinates. */
  rawSpans: Hit[];
}

/**
 * gitleaks' rules read a secret's context (`key = "…"`, a closing quote, a newline) in plain text.
 * Inside a JSON string, that context is escaped: `{\"token\": \"ghp_…\"}`, `…\n`. Wherever a rule
 * accepts a quote or whitespace as context, a backslash may stand before it in JSON text, so it is
 * accepted there too. This keeps the raw-text pass sound for nested JSON without decoding every line
 * (which would cost as much as the scan itself); a line with a hit is then decoded literal by literal.
 */
function jsonTolerant(rule: CompiledRule): CompiledRule {
  if (rule.id === 'private-key-block' || rule.id === 'url-credentials') return rule;
  // Rewritten and compiled on first use: most rules never meet their keywords in a given run, and
  // doing all of them up front was a tenth of the action's start-up.
  let compiled: RegExp | undefined;
  const original = rule.re;
  return Object.defineProperty({ ...rule }, 're', {
    enumerable: true,
    get(): RegExp {
      if (!compiled) {
        const source = widenContextClasses(original.source);
        compiled = source === original.source ? original : new RegExp(source, original.flags);
      }
      return compiled;
    },
  });
}

export function widenContextClasses(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    // `(?<![A-Za-z])` before a token: the same as `\b`, an escape's letter is not a word character.
    if (source.startsWith('(?<![', i)) {
      let j = i + 5;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
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
    if (source[j] === '^') j++;
    if (source[j] === ']') j++;
    while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
    const cls = source.slice(i, j + 1);
    const negated = cls.startsWith('[^');
    const context = /["']|\\s/.test(cls) && !/\\\\/.test(cls);
    out += !negated && context ? `${cls.slice(0, -1)}\\\\]` : cls;
    i = j;
  }
  return out;
}

/** The keyword lists of the engine's automaton: each rule's keywords, then its two markers. */
export function engineKeywordLists(rules: readonly Pick<CompiledRule, 'keywords'>[]): string[][] {
  return [...rules.map((r) => r.keywords), ['\\u', '\\/'], ['delta']];
}

/** The default rule set, as the engine compiles it (used by the automaton generator). */
export function defaultEngineRules(): CompiledRule[] {
  return defaultRules().map(jsonTolerant);
}

// ---------------------------------------------------------------------------------------------

export function createSecretEngine(options: SecretEngineOptions): SecretEngine {
  const key = options.fingerprintKey;
  if (key === undefined || key === null || (typeof key === 'string' ? key.length === 0 : key.byteLength === 0))
    throw new ConfigError('E_INPUT', 'secrets fingerprint key must not be empty');
  const disabled = new Set(options.disabledRules ?? []);
  const rules = defaultRules()
    .filter((r) => !disabled.has(r.id))
    .map(jsonTolerant);
  const custom: CompiledRule[] = (options.patterns ?? []).map((entry, n) => {
    const pattern = typeof entry === 'string' ? entry : entry.regex;
    let re: RegExp;
    try {
      const t = translateGoRegex(pattern);
      re = new RegExp(t.source, t.flags + 'gd');
    } catch {
      // The pattern itself may be a secret the user wants redacted, so it is not echoed.
      const name = typeof entry === 'string' ? `#${n + 1} (index ${n})` : `"${entry.id}"`;
      throw new ConfigError('E_INPUT', `secrets pattern ${name} is not a valid regular expression`);
    }
    const id = typeof entry === 'string' ? `custom-pattern-${n + 1}` : entry.id;
    return { id, re, secretGroup: 0, entropy: 0, keywords: [], allowlists: [], needsDigit: false };
  });
  const isAllowed = compileAllowEntries(options.allow);
  const values = [...new Set((options.values ?? []).filter((v) => typeof v === 'string' && v.length >= MIN_VALUE_LENGTH))];
  // The JSON-escaped spelling too, so a value holding quotes or newlines is found in raw JSON text.
  // With byteText, lines arrive as one character per UTF-8 byte: a value is looked for as its bytes.
  const asBytes = (v: string) => (options.byteText ? Buffer.from(v, 'utf8').toString('latin1') : v);
  const rawValues = [...new Set(values.flatMap((v) => [v, asBytes(v), asBytes(JSON.stringify(v).slice(1, -1))]))];
  // Two markers ride along in the keyword pass so no line is scanned again for them: escapes that
  // can spell a token (`\u0067`, `\/`), and streaming records (`…delta…`) that need the careful path.
  const ESCAPE_MARKER = rules.length;
  const DELTA_MARKER = rules.length + 1;
  const keywordLists = engineKeywordLists(rules);
  // Building the automaton is the engine's largest start-up cost; for the default rule set a build
  // step has done it already (keyword-automaton.generated.ts), checked against the actual keywords.
  const index =
    KEYWORD_AUTOMATON.signature === keywordSignature(keywordLists)
      ? new KeywordIndex(keywordLists, KEYWORD_AUTOMATON)
      : new KeywordIndex(keywordLists);
  const ruleCandidates = (found: number[]): number[] => found.filter((r) => r < ESCAPE_MARKER);

  const fingerprint = (ruleId: string, secret: string): string =>
    createHmac('sha256', key).update(`${ruleId}\0${secret}`).digest('hex').slice(0, 32);

  /**
   * A rejected match can hide a real one that starts inside it: in `credential:\nAWS_SECRET_ACCESS_KEY
   * = …` the generic rule first takes the variable name as the value and rejects it, and a global
   * search would go on after it and never try `ACCESS_KEY = …`. After a rejection the search resumes
   * one character after the rejected match's start, a bounded number of times per text.
   */
  const MAX_RETRIES = 64;

  function runRule(rule: CompiledRule, text: string, hits: Hit[], isGitleaks: boolean): void {
    const re = rule.re;
    re.lastIndex = 0;
    let retries = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const hit = judgeMatch(rule, text, m, isGitleaks);
      if (hit) hits.push(hit);
      else if (retries < MAX_RETRIES) {
        retries++;
        re.lastIndex = m.index + 1;
      }
    }
  }

  function judgeMatch(rule: CompiledRule, text: string, m: RegExpExecArray, isGitleaks: boolean): Hit | null {
    const idx = m.indices!;
    let g = 0;
    if (rule.secretGroup > 0) g = m[rule.secretGroup] !== undefined ? rule.secretGroup : -1;
    else for (let k = 1; k < m.length; k++) if (m[k]) { g = k; break; }
    if (g < 0) return null;
    const [s, e] = idx[g]!;
    const secret = text.slice(s, e);
    if (!secret || SANITISED.test(secret)) return null;
    if (rule.entropy > 0) {
      if (shannonEntropy(secret) <= rule.entropy) return null;
      if (rule.needsDigit && !/[0-9]/.test(secret)) return null;
    }
    if (rule.accept && !rule.accept(secret, m[0], text, m.index)) return null;
    if (isAllowed(rule.id, secret)) return null;
    const line = (): string => {
      const ls = Math.max(text.lastIndexOf('\n', m.index - 1) + 1, m.index - 512);
      const le = text.indexOf('\n', m.index + m[0].length);
      return text.slice(ls, le < 0 ? text.length : le);
    };
    if (rule.allowlists.some((a) => allowed(a, secret, m[0], line))) return null;
    if (isGitleaks && globalAllowlists.some((a) => allowed(a, secret, m[0], line))) return null;
    return { ruleId: rule.id, start: s, end: e };
  }

  /** Every rule hit in `text`, unmerged; `candidates` when the keyword pass already ran. */
  function rawHits(text: string, candidates?: readonly number[]): Hit[] {
    const hits: Hit[] = [];
    for (const r of candidates ?? ruleCandidates(index.candidates(text))) {
      const rule = rules[r]!;
      runRule(rule, text, hits, rule.id !== 'private-key-block' && rule.id !== 'url-credentials');
    }
    for (const rule of custom) runRule(rule, text, hits, false);
    for (const v of rawValues)
      for (let i = text.indexOf(v); i >= 0; i = text.indexOf(v, i + v.length))
        hits.push({ ruleId: 'explicit-value', start: i, end: i + v.length });
    return hits;
  }

  /** Cheap test: can `text` hold anything at all? */
  function mayHoldSecret(text: string): boolean {
    if (custom.length) return true;
    if (ruleCandidates(index.candidates(text)).length) return true;
    return rawValues.some((v) => text.includes(v));
  }

  function toFindings(text: string, spans: readonly Hit[], secretOf?: (h: Hit) => string): SecretFinding[] {
    if (!spans.length) return [];
    const starts = lineStarts(text);
    return spans.map((h) => {
      const { line, column } = locate(starts, h.start);
      const secret = secretOf ? secretOf(h) : text.slice(h.start, h.end);
      return { ruleId: h.ruleId, start: h.start, end: h.end, line, column, fingerprint: fingerprint(h.ruleId, secret) };
    });
  }

  function scan(text: string): SecretFinding[] {
    return toFindings(text, mergeHits(rawHits(text)));
  }

  function redact(text: string): Redaction {
    const spans = mergeHits(rawHits(text));
    return { text: applyMarkers(text, spans), findings: toFindings(text, spans) };
  }

  // ----- JSON ---------------------------------------------------------------------------------

  function lexLiterals(raw: string): Literal[] {
    const out: Literal[] = [];
    let lastKey = '';
    LITERAL.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = LITERAL.exec(raw)) !== null) {
      const start = m.index;
      const end = start + m[0].length;
      const lit: Literal = {
        start, end, raw: m[0], hasEscape: m[0].includes('\\'), decodedCache: undefined, streamKey: null, spans: [],
      };
      let a = end;
      while (a < raw.length && (raw[a] === ' ' || raw[a] === '\t')) a++;
      if (raw[a] === ':') lastKey = decodeLiteral(lit) ?? lit.raw;
      else {
        let b = start - 1;
        while (b >= 0 && (raw[b] === ' ' || raw[b] === '\t' || raw[b] === '\n' || raw[b] === '\r')) b--;
        lit.streamKey = raw[b] === ':' ? lastKey : '';
      }
      out.push(lit);
    }
    return out;
  }

  /** Puts a raw-coordinate hit onto the literals it covers (decoded coordinates) and the gaps between. */
  function distribute(state: JsonLineState, hit: Hit): void {
    let pos = hit.start;
    for (const lit of state.literals) {
      if (lit.end <= pos) continue;
      if (lit.start >= hit.end) break;
      const innerStart = lit.start + 1;
      const innerEnd = lit.end - 1;
      if (pos < lit.start) state.rawSpans.push({ ruleId: hit.ruleId, start: pos, end: lit.start });
      const s = Math.max(hit.start, innerStart);
      const e = Math.min(hit.end, innerEnd);
      if (e > s && decodeLiteral(lit) !== null) {
        const map = decodedToRaw(lit);
        const ds = rawToDecoded(map, s - lit.start, false);
        const de = rawToDecoded(map, e - lit.start, true);
        if (de > ds) lit.spans.push({ ruleId: hit.ruleId, start: ds, end: de });
      } else if (e > s) state.rawSpans.push({ ruleId: hit.ruleId, start: s, end: e });
      pos = lit.end;
      if (pos >= hit.end) return;
    }
    if (pos < hit.end) state.rawSpans.push({ ruleId: hit.ruleId, start: pos, end: hit.end });
  }

  function edgeChar(lit: Literal, last: boolean): string {
    const inner = lit.raw;
    if (!lit.hasEscape || (last ? inner.lastIndexOf('\\') < inner.length - 8 : inner[1] !== '\\')) return last ? inner[inner.length - 2] ?? '' : inner[1] ?? '';
    const d = decodeLiteral(lit) ?? '';
    return last ? d[d.length - 1] ?? '' : d[0] ?? '';
  }

  /** A secret split between two value literals (a streamed delta cut mid-token): redact both halves. */
  function checkBoundary(prev: Literal, next: Literal): void {
    if (prev.end - prev.start <= 2 || next.end - next.start <= 2) return;
    if (!TOKEN_CHAR.test(edgeChar(prev, true)) || !TOKEN_CHAR.test(edgeChar(next, false))) return;
    const a = decodeLiteral(prev);
    const b = decodeLiteral(next);
    if (a === null || b === null) return;
    const tail = a.slice(-BOUNDARY_WINDOW);
    const joined = tail + b.slice(0, BOUNDARY_WINDOW);
    if (!mayHoldSecret(joined)) return;
    const cut = tail.length;
    const offset = a.length - tail.length;
    for (const h of rawHits(joined)) {
      if (h.start >= cut || h.end <= cut) continue; // whole on one side: the per-literal scan has it
      prev.spans.push({ ruleId: h.ruleId, start: offset + h.start, end: a.length });
      next.spans.push({ ruleId: h.ruleId, start: 0, end: h.end - cut });
    }
  }

  /** One JSON text, literal by literal; a secret split between two values of one key is joined (checkBoundary). */
  function analyseJson(raw: string): JsonLineState {
    const literals = lexLiterals(raw);
    const state: JsonLineState = { raw, literals, rawSpans: [] };
    // Decoding cannot create a keyword unless an escape spells a letter or slash (`\u0041`, `\/`).
    const full = mayHoldSecret(raw) || /\\[u/]/.test(raw);
    if (full) {
      for (const lit of literals) {
        const d = decodeLiteral(lit);
        if (d === null || d.length < 8) continue;
        if (!mayHoldSecret(d)) continue;
        for (const h of rawHits(d)) lit.spans.push(h);
      }
      // The raw text catches what lies outside literals, and rules that need the `"key": "value"` context.
      for (const h of rawHits(raw)) distribute(state, h);
    }
    const previous = new Map<string, Literal>();
    for (const lit of literals) {
      if (lit.streamKey === null) continue;
      const prev = previous.get(lit.streamKey);
      if (prev) checkBoundary(prev, lit);
      previous.set(lit.streamKey, lit);
    }
    return state;
  }

  function renderJson(state: JsonLineState, lineNumber?: number): Redaction {
    interface Edit {
      start: number;
      end: number;
      text: string;
    }
    const edits: Edit[] = [];
    const found: { hit: Hit; secret: string }[] = [];
    for (const lit of state.literals) {
      if (!lit.spans.length) continue;
      const d = decodeLiteral(lit)!;
      const spans = mergeHits(lit.spans);
      const map = decodedToRaw(lit);
      edits.push({ start: lit.start, end: lit.end, text: JSON.stringify(applyMarkers(d, spans)) });
      for (const s of spans)
        found.push({
          hit: { ruleId: s.ruleId, start: lit.start + map[s.start]!, end: lit.start + map[s.end]! },
          secret: d.slice(s.start, s.end),
        });
    }
    for (const s of mergeHits(state.rawSpans)) {
      edits.push({ start: s.start, end: s.end, text: redactionMarker(s.ruleId) });
      found.push({ hit: s, secret: state.raw.slice(s.start, s.end) });
    }
    if (!edits.length) return { text: state.raw, findings: [] };
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
    const findings = toFindings(state.raw, found.map((f) => f.hit), (h) => secrets.get(h)!);
    if (lineNumber !== undefined) for (const f of findings) f.line = lineNumber;
    return { text: out, findings };
  }

  /**
   * The fast verdict for one JSON line: true when no rule can fire on it, read as JSON means it
   * (escapes decoded, so `{\"api_key\": \"…\"}` inside a string reads as the context the rule expects,
   * and `\n`-escaped key blocks as lines). One keyword pass decides which rules run at all; most lines
   * end there. A line with a hit goes to the careful literal-by-literal path, which places the
   * redaction without breaking the JSON.
   */
  function isClean(line: string, found: number[]): boolean {
    let candidates = ruleCandidates(found);
    let view = line;
    // A `\u0067hp_` or `\/` escape can spell a keyword or token the raw pass cannot see.
    if (found.includes(ESCAPE_MARKER)) {
      view = jsonView(line);
      candidates = ruleCandidates(index.candidates(view));
    }
    if (candidates.length === 0 && custom.length === 0 && !rawValues.some((v) => view.includes(v) || line.includes(v))) return true;
    if (rawHits(view, candidates).length > 0) return false;
    // JSON in a string in a JSON string (Codex's function_call arguments holding a heredoc of a JSON
    // file) escapes quotes twice, which is more context than a rule's `[\s'"\\]{0,3}` allows: read
    // such a line once decoded too.
    if (view === line && line.includes('\\\\')) return rawHits(jsonView(line), ruleCandidates(found)).length === 0;
    return true;
  }

  function redactJson(jsonText: string): Redaction {
    return renderJson(analyseJson(jsonText));
  }

  // ----- streaming ------------------------------------------------------------------------------

  /**
   * Streaming records (Claude `text_delta`/`input_json_delta`, Codex `*_delta`, OpenAI
   * `response.output_text.delta`, Gemini `delta: true`) carry a reply a few tokens at a time, so a
   * secret is routinely cut across many records. Consecutive stream records are held back; each
   * member's values are joined per key into the text the model actually wrote, that text is scanned,
   * and every hit is mapped back onto the pieces it came from, which are redacted in their own
   * records. The hold ends at the first record that is not a stream record, or at a size cap.
   */
  const STREAM_HOLD_CHARS = 4 * 1024 * 1024;
  const STREAM_HOLD_LINES = 20_000;

  function jsonLineRedactor(): LineRedactor {
    const held: { state: JsonLineState; lineNo: number }[] = [];
    const streams = new Map<string, { text: string; pieces: { lit: Literal; at: number; length: number }[] }>();
    let heldChars = 0;
    let lineNo = 0;

    function settle(): Redaction[] {
      for (const stream of streams.values()) {
        if (stream.pieces.length < 2 || !mayHoldSecret(stream.text)) continue;
        for (const h of rawHits(stream.text)) {
          for (const p of stream.pieces) {
            if (p.at >= h.end) break;
            if (p.at + p.length <= h.start) continue;
            p.lit.spans.push({ ruleId: h.ruleId, start: Math.max(h.start, p.at) - p.at, end: Math.min(h.end, p.at + p.length) - p.at });
          }
        }
      }
      streams.clear();
      heldChars = 0;
      const out = held.map((h) => renderJson(h.state, h.lineNo));
      held.length = 0;
      return out;
    }

    return {
      push(line, bytes) {
        lineNo += 1;
        const found = bytes ? index.candidatesInBytes(bytes) : index.candidates(line);
        if (found.includes(DELTA_MARKER)) {
          const state = analyseJson(line);
          held.push({ state, lineNo });
          for (const lit of state.literals) {
            if (lit.streamKey === null) continue;
            const decoded = decodeLiteral(lit);
            if (decoded === null || decoded.length === 0) continue;
            let stream = streams.get(lit.streamKey);
            if (!stream) streams.set(lit.streamKey, (stream = { text: '', pieces: [] }));
            stream.pieces.push({ lit, at: stream.text.length, length: decoded.length });
            stream.text += decoded;
          }
          heldChars += line.length;
          return heldChars > STREAM_HOLD_CHARS || held.length > STREAM_HOLD_LINES ? settle() : [];
        }
        const out = held.length > 0 ? settle() : [];
        const state = isClean(line, found) ? { raw: line, literals: [], rawSpans: [] } : analyseJson(line);
        out.push(renderJson(state, lineNo));
        return out;
      },
      flush() {
        return settle();
      },
    };
  }

  // Markdown quotes and headings (Aider writes tool output as `> ` lines and prompts as `#### `
  // lines) may prefix each line of a key block.
  const LINE_PREFIX = /^(?:[ \t]*(?:>+|#{1,6})[ \t]?)*/;
  const KEY_BODY_LINE = /^\s*(?:[A-Za-z0-9+/=]+|[A-Za-z][A-Za-z-]{0,30}: .*)?\s*$/;
  const KEY_HEADER = /-----BEGIN[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----/;
  const KEY_FOOTER = /-----END[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----/;

  function textLineRedactor(): LineRedactor {
    let pending: { text: string; spans: Hit[] } | null = null;
    let inKeyBlock = false;
    let lineNo = 0;
    const finish = (p: { text: string; spans: Hit[] } | null, n: number): Redaction => {
      if (!p) return { text: '', findings: [] };
      const spans = mergeHits(p.spans);
      const findings = toFindings(p.text, spans);
      for (const f of findings) f.line = n;
      return { text: applyMarkers(p.text, spans), findings };
    };
    return {
      push(line) {
        const spans: Hit[] = [];
        // A key block that began on an earlier line continues while lines look like key body.
        if (inKeyBlock) {
          const prefix = LINE_PREFIX.exec(line)![0].length;
          const footer = KEY_FOOTER.exec(line);
          const body = line.slice(prefix, footer ? footer.index : line.length);
          if (KEY_BODY_LINE.test(body)) {
            const end = footer ? footer.index + footer[0].length : line.length;
            if (end > prefix) spans.push({ ruleId: 'private-key-block', start: prefix, end });
            if (footer) inKeyBlock = false;
          } else inKeyBlock = false;
        }
        // A header whose block does not end on the same line opens one, whatever the line's prefix.
        const header = KEY_HEADER.exec(line);
        if (header && !KEY_FOOTER.test(line.slice(header.index))) {
          spans.push({ ruleId: 'private-key-block', start: header.index, end: line.length });
          inKeyBlock = true;
        }
        spans.push(...rawHits(line));
        if (pending) {
          const tail = pending.text.slice(-BOUNDARY_WINDOW);
          const head = line.slice(0, BOUNDARY_WINDOW);
          const joined = `${tail}\n${head}`;
          const cut = tail.length;
          const offset = pending.text.length - tail.length;
          if (mayHoldSecret(joined))
            for (const h of rawHits(joined)) {
              if (h.start > cut || h.end <= cut) continue;
              pending.spans.push({ ruleId: h.ruleId, start: offset + h.start, end: pending.text.length });
              if (h.end > cut + 1) spans.push({ ruleId: h.ruleId, start: 0, end: h.end - cut - 1 });
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
    };
  }

  return {
    scan,
    redact,
    redactJson,
    createLineRedactor: (kind) => (kind === 'json' ? jsonLineRedactor() : textLineRedactor()),
  };
}
