/**
 * Redaction of one JSON text, literal by literal: a secret inside a string is replaced inside that
 * string, so the text stays JSON.
 */
import type { Redaction } from './engine-types.js';
import { decodedToRaw, decodeLiteral, edgeChar, jsonView, lexLiterals, parsesAsJson, type Literal, rawToDecoded } from './json-literals.js';
import { BOUNDARY_WINDOW, type Matcher } from './matching.js';
import { type Hit, mergeHits, redactionMarker, wholeCharacters } from './spans.js';

/** Index of the first literal that ends after `pos` (literals are in order and do not overlap). */
function firstLiteralEndingAfter(literals: readonly Literal[], pos: number): number {
  let lo = 0;
  let hi = literals.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (literals[mid]!.end <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface JsonLineState {
  raw: string;
  literals: Literal[];
  /** Spans outside any string literal, in raw coordinates. */
  rawSpans: Hit[];
  /** The parts outside string literals of hits that also cover one (see distribute). */
  spills: Hit[];
}

export interface JsonRedaction {
  /** One JSON text, literal by literal; a secret split between two values of one key is joined. */
  analyseJson: (raw: string) => JsonLineState;
  /**
   * `bytes`: the line is one character per UTF-8 byte (see SecretEngineOptions.byteText). `onSecret`
   * receives each redacted value (decoded), so the caller can learn it.
   */
  renderJson: (state: JsonLineState, lineNumber?: number, bytes?: boolean, onSecret?: (ruleId: string, secret: string) => void) => Redaction;
  /**
   * The fast verdict for one JSON line: true when no rule can fire on it, read as JSON means it
   * (escapes decoded, so `{\"api_key\": \"…\"}` inside a string reads as the context the rule expects,
   * and `\n`-escaped key blocks as lines). One keyword pass decides which rules run at all; most lines
   * end there. A line with a hit goes to the careful literal-by-literal path, which places the
   * redaction without breaking the JSON.
   */
  isClean: (line: string, found: number[] | null, bytes?: Uint8Array, ahead?: number) => boolean;
  /** The line's LineVerdict flags: what isClean needs from the rules, worked out on another thread. */
  verdict: (line: string, bytes?: Uint8Array) => number;
  /** Adds the spans of every learned value (see Matcher.learn) to a line analysed before it was learned. */
  addLearned: (state: JsonLineState) => void;
}

/**
 * What a JSON line's rules say, worked out ahead of the stream (it depends on the line alone), as bit
 * flags: the keyword pass's markers, whether any rule had a keyword in it, and whether a rule matched
 * the line as isClean reads it (`RuleHit`) or, for a line with escaped backslashes, decoded once more.
 */
export const LineVerdict = { Delta: 1, Escape: 2, Candidates: 4, RuleHit: 8, DecodedRuleHit: 16, SplitKey: 32 } as const;

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
function bodyLines(text: string): boolean {
  return text.split('\n').every((line) => BODY_LINE.test(line.trim()));
}

/**
 * The offset in `text` where the body of a header left open begins (just after the header): the
 * header is followed by body lines only up to the end of its value (the closing quote, in a JSON
 * line's text; the end of `text`, for one decoded value), with no footer or other header between.
 * -1 when there is none; of several, the last. The text after a header is read up to the next quote
 * or dash run, so every character is read for one header at most.
 */
function openHeader(text: string, raw: boolean): number {
  if (!text.includes('PRIVATE KEY')) return -1;
  HEADER.lastIndex = 0;
  let open = -1;
  for (let m = HEADER.exec(text); m !== null; m = HEADER.exec(text)) {
    const from = HEADER.lastIndex;
    // Up to the end of the value (a quote, in a JSON line) or the next dash run (a footer or header).
    let end = from;
    while (end < text.length && !(raw && text.charCodeAt(end) === 34) && !(text.charCodeAt(end) === 45 && text.startsWith('-----', end))) end++;
    HEADER.lastIndex = end;
    if (end < text.length && text.charCodeAt(end) === 45) continue; // a footer, or the next header
    if (raw && end === text.length) continue; // not the end of a value
    // In a JSON line's raw text a line break is escaped; any other backslash is no body line's, but
    // one just before the quote escapes it: the end of a value of JSON text inside a string (`\",\"`).
    let rest = text.slice(from, end);
    if (raw && rest.endsWith('\\') && !rest.endsWith('\\\\')) rest = rest.slice(0, -1);
    if (bodyLines(raw ? rest.replace(/\\[nrt]/g, '\n') : rest)) open = from;
  }
  return open;
}

/** True when `text` (a JSON line, raw or decoded) holds a key header left open at the end of a string value. */
function splitKeyHeader(text: string): boolean {
  return openHeader(text, true) >= 0;
}

/**
 * Key material rather than a word: a value such as `text` or a tool name (`Bash`) between a header and
 * its footer is the record's structure and stays; a body has base64's digits, `+` or `/`.
 */
function keyMaterial(body: string): boolean {
  return body.trim().length >= 16 && /[0-9+/]/.test(body) && bodyLines(body);
}

/** The span of `text` from `from` to its end, without the whitespace at either end; null when that is empty. */
function trimmedSpan(text: string, from: number, end: number): Hit | null {
  while (from < end && /\s/.test(text[from]!)) from++;
  while (end > from && /\s/.test(text[end - 1]!)) end--;
  return end > from ? { ruleId: 'private-key-block', start: from, end } : null;
}

/**
 * Spans (decoded) on the values after each split header that hold its body, up to the footer, and on
 * the body lines after the header in its own value. The header and footer lines are not secret and
 * stay: a footer learned as a secret would be redacted in every other key block of the transcript.
 * Read decoded, so a header spelled with escapes (`PRIVATE\u0020KEY`) counts. The search from one
 * header ends at the next one, so a line is read once however many headers it holds.
 */
function redactSplitKeys(literals: readonly Literal[], nested = true): void {
  for (let i = 0; i < literals.length; i++) {
    const text = decodeLiteral(literals[i]!);
    if (text === null) continue;
    const open = openHeader(text, false);
    if (open < 0) {
      if (nested) redactNestedSplitKeys(literals[i]!, text);
      continue;
    }
    const own = trimmedSpan(text, open, text.length);
    if (own) literals[i]!.spans.push(own);
    // The member the body began in (`text` of a content array): its later values continue the body,
    // however short (a last line such as `oQIDAQAB`); other members (`type`, `name`) are structure.
    let bodyKey: string | null = own ? literals[i]!.streamKey : null;
    let left = SPLIT_KEY_REACH;
    let j = i + 1;
    for (; j < literals.length && left > 0; j++) {
      const lit = literals[j]!;
      if (lit.streamKey === null) continue; // a member name, never key material
      left--;
      const d = decodeLiteral(lit);
      if (d === null) continue;
      if (ANY_HEADER.test(d) && !FOOTER.test(d)) break; // another header: its own search
      const footer = FOOTER.exec(d);
      const body = footer ? d.slice(0, footer.index) : d;
      // Before a footer, or in the body's member, any body lines count; elsewhere only key material.
      const continues = footer !== null || lit.streamKey === bodyKey;
      if (body.trim() !== '' && (continues ? bodyLines(body) : keyMaterial(body))) {
        bodyKey ??= lit.streamKey;
        left = SPLIT_KEY_REACH;
        const span = trimmedSpan(body, 0, body.length);
        if (span) lit.spans.push(span);
      }
      if (footer) break;
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
function redactNestedSplitKeys(outer: Literal, text: string): void {
  if (!text.includes('PRIVATE KEY') || !text.includes('"') || !ANY_HEADER.test(text)) return;
  const inner = lexLiterals(text + '"');
  if (inner.length < 2) return;
  redactSplitKeys(inner, false);
  const found: Hit[] = [];
  for (const lit of inner) {
    if (!lit.spans.length) continue;
    const map = decodedToRaw(lit);
    for (const s of lit.spans) {
      const end = Math.min(lit.start + map[s.end]!, text.length);
      if (end > lit.start + map[s.start]!) found.push({ ruleId: s.ruleId, start: lit.start + map[s.start]!, end });
    }
  }
  if (!found.length) return;
  // A rule's hit on the outer value that runs from the header across the inner text's quotes to the
  // footer (gitleaks' `private-key` takes `KEY-----","…","-----END`) would blank the inner structure
  // and every inner value between, as withinOneMember keeps a hit across values from doing at the
  // line's level; the key's body is in `found` value by value, so such a hit is dropped.
  const crossesInner = (h: Hit): boolean => {
    for (let k = firstLiteralEndingAfter(inner, h.start); k < inner.length && inner[k]!.start < h.end; k++) {
      const lit = inner[k]!;
      if (h.start < lit.start + 1 || h.end > lit.end - 1) return found.some((f) => f.start < h.end && f.end > h.start);
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
function learnedAbsent(matcher: Matcher, raw: string): boolean {
  return matcher.learnedPlainInJson() && !SPELLING_ESCAPE.test(raw) && !matcher.holdsValue(raw);
}
const TOKEN_CHAR = /[A-Za-z0-9_\-+/=.~]/;
/** What JSON text holds outside its strings besides values: whitespace and punctuation. */
const STRUCTURAL = /[\s,:[\]{}"]/;

/**
 * The bare values (numbers, `true`, `null`) that spans outside every string touch, each whole; the
 * quotes, commas and brackets they cover are the line's structure, never a secret.
 */
function bareTokens(raw: string, spans: readonly Hit[]): Hit[] {
  const tokens: Hit[] = [];
  for (const s of spans) {
    for (let i = s.start; i < s.end; i++) {
      if (STRUCTURAL.test(raw[i]!)) continue;
      let start = i;
      while (start > 0 && !STRUCTURAL.test(raw[start - 1]!)) start--;
      let end = i + 1;
      while (end < raw.length && !STRUCTURAL.test(raw[end]!)) end++;
      tokens.push({ ruleId: s.ruleId, start, end });
      i = end;
    }
  }
  return mergeHits(tokens);
}

export function createJsonRedaction(matcher: Matcher): JsonRedaction {
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
  function withinOneMember(literals: readonly Literal[], raw: string, hit: Hit): boolean {
    let first = -1;
    let last = -1;
    for (let i = firstLiteralEndingAfter(literals, hit.start); i < literals.length; i++) {
      const lit = literals[i]!;
      if (lit.start >= hit.end) break;
      if (first < 0) first = i;
      last = i;
    }
    if (first < 0 || last === first) return true;
    if (last > first + 1) return false;
    const key = literals[first]!;
    const value = literals[last]!;
    return key.streamKey === null && /^\s*:\s*$/.test(raw.slice(key.end, value.start));
  }

  function distribute(state: JsonLineState, hit: Hit): void {
    const gaps: Hit[] = [];
    let inLiteral = false;
    let pos = hit.start;
    for (const lit of state.literals) {
      if (lit.end <= pos) continue;
      if (lit.start >= hit.end) break;
      const innerStart = lit.start + 1;
      const innerEnd = lit.end - 1;
      if (pos < lit.start) gaps.push({ ruleId: hit.ruleId, start: pos, end: lit.start });
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
      } else if (e > s) gaps.push({ ruleId: hit.ruleId, start: s, end: e });
      pos = lit.end;
      if (pos >= hit.end) break;
    }
    if (pos < hit.end) gaps.push({ ruleId: hit.ruleId, start: pos, end: hit.end });
    (inLiteral ? state.spills : state.rawSpans).push(...gaps);
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

  function analyseJson(raw: string): JsonLineState {
    const literals = lexLiterals(raw);
    const state: JsonLineState = { raw, literals, rawSpans: [], spills: [] };
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
        if (d === null || d.length < 8) continue;
        if (!mayHoldSecret(d, skipLearned)) continue;
        if (!keyHeader && lit.hasEscape && d.includes('PRIVATE KEY')) keyHeader = true;
        for (const h of rawHits(d, undefined, skipLearned)) lit.spans.push(h);
      }
      // The raw text catches what lies outside literals, and rules that need the `"key": "value"` context.
      for (const h of rawHits(raw)) if (withinOneMember(literals, raw, h)) distribute(state, h);
      if (keyHeader) redactSplitKeys(literals);
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

  function renderJson(state: JsonLineState, lineNumber?: number, bytes = false, onSecret?: (ruleId: string, secret: string) => void): Redaction {
    interface Edit {
      start: number;
      end: number;
      text: string;
    }
    const edits: Edit[] = [];
    const found: { hit: Hit; secret: string }[] = [];
    // Only the span itself is replaced, in the literal's raw text: re-encoding the literal would
    // rewrite every escape in it (`\u00e9` as a raw character), and with byte text (one character per
    // UTF-8 byte) a character above U+00FF would be written as one byte holding its low 8 bits.
    for (const lit of state.literals) {
      if (!lit.spans.length) continue;
      const d = decodeLiteral(lit)!;
      const map = decodedToRaw(lit);
      const byteAt = (i: number): number => lit.raw.charCodeAt(map[i]!);
      for (const s of mergeHits(lit.spans.map((h) => wholeCharacters(d, h, bytes, byteAt)))) {
        const hit = { ruleId: s.ruleId, start: lit.start + map[s.start]!, end: lit.start + map[s.end]! };
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
    if (!edits.length) return { text: state.raw, findings: [] };
    if (onSecret) for (const f of found) onSecret(f.hit.ruleId, f.secret);
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
    const findings = matcher.toFindings(
      state.raw,
      found.map((f) => f.hit),
      (h) => secrets.get(h)!,
    );
    if (lineNumber !== undefined) for (const f of findings) f.line = lineNumber;
    return { text: out, findings };
  }

  /**
   * The part of isClean that depends on the line alone (the rules), for another thread to work out
   * ahead (see LineVerdict); the part that depends on the stream so far (learned values) stays.
   */
  function verdict(line: string, bytes?: Uint8Array): number {
    const found = bytes ? matcher.candidatesInBytes(bytes) : matcher.candidates(line);
    let flags = 0;
    if (found.includes(matcher.deltaMarker)) flags |= LineVerdict.Delta;
    let candidates = ruleCandidates(found);
    let view = line;
    if (found.includes(matcher.escapeMarker)) {
      flags |= LineVerdict.Escape;
      view = jsonView(line);
      candidates = ruleCandidates(matcher.candidates(view));
    }
    if (candidates.length > 0) flags |= LineVerdict.Candidates;
    if (candidates.length > 0 && matcher.ruleHits(view, candidates).length > 0) flags |= LineVerdict.RuleHit;
    else if (view === line && line.includes('\\\\') && matcher.ruleHits(jsonView(line), ruleCandidates(found)).length > 0) flags |= LineVerdict.DecodedRuleHit;
    // A header's keyword made it a candidate line: only such lines are read for a split key.
    if (candidates.length > 0 && splitKeyHeader(view)) flags |= LineVerdict.SplitKey;
    return flags;
  }

  function isClean(line: string, found: number[] | null, bytes?: Uint8Array, ahead?: number): boolean {
    // With a verdict worked out ahead, the rules have run already: only the rest of rawHits (user
    // patterns, mask and learned values) runs here, with no rule candidates. rawHits is the union of
    // the two, so the answer is the same.
    let candidates = ahead === undefined ? ruleCandidates(found!) : [];
    let view = line;
    // A `\u0067hp_` or `\/` escape can spell a keyword or token the raw pass cannot see.
    if (ahead === undefined ? found!.includes(matcher.escapeMarker) : (ahead & LineVerdict.Escape) !== 0) {
      view = jsonView(line);
      if (ahead === undefined) candidates = ruleCandidates(matcher.candidates(view));
    }
    const anyCandidate = ahead === undefined ? candidates.length > 0 : (ahead & LineVerdict.Candidates) !== 0;
    // Asked first, with the line's bytes, so the learned-value search below reuses this pass instead
    // of copying the line to bytes again.
    const holds = matcher.holdsValue(line, bytes);
    if (!anyCandidate && !matcher.hasCustom && !holds && (view === line || !matcher.holdsValue(view))) return true;
    if ((ahead !== undefined && (ahead & LineVerdict.RuleHit) !== 0) || rawHits(view, candidates).length > 0) return false;
    // No rule sees a key split over several values (redactSplitKeys); only candidate lines get here.
    if (ahead !== undefined ? (ahead & LineVerdict.SplitKey) !== 0 : candidates.length > 0 && splitKeyHeader(view)) return false;
    // JSON in a string in a JSON string (Codex's function_call arguments holding a heredoc of a JSON
    // file) escapes quotes twice, which is more context than a rule's `[\s'"\\]{0,3}` allows: read
    // such a line once decoded too.
    if (view === line && line.includes('\\\\')) {
      if (ahead !== undefined && (ahead & LineVerdict.DecodedRuleHit) !== 0) return false;
      return rawHits(jsonView(line), ahead === undefined ? ruleCandidates(found!) : []).length === 0;
    }
    return true;
  }

  function addLearned(state: JsonLineState): void {
    // One search of the whole text instead of one a literal, when it can answer for them all (see
    // LearnedValues.plainInJson): a text without a learned spelling then holds none in its literals.
    if (learnedAbsent(matcher, state.raw)) return;
    // When no escape can spell a learned value, a literal holds only spellings the whole text holds:
    // those are looked for in each literal directly, without an automaton pass a literal.
    const among = matcher.learnedPlainInJson() && !SPELLING_ESCAPE.test(state.raw) ? matcher.learnedIn(state.raw) : undefined;
    for (const lit of state.literals) {
      const d = decodeLiteral(lit);
      if (d !== null) for (const h of among ? matcher.learnedHitsAmong(d, among) : matcher.learnedHits(d)) lit.spans.push(h);
    }
    for (const h of matcher.learnedHits(state.raw)) if (withinOneMember(state.literals, state.raw, h)) distribute(state, h);
  }

  return { analyseJson, renderJson, isClean, verdict, addLearned };
}
