/**
 * JSON string literals inside a line of JSON text: finding them, decoding them, and mapping offsets
 * between a literal's raw text and its decoded value.
 */

import type { Hit } from './spans.js';

export interface Literal {
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

export function decodeLiteral(lit: Literal): string | null {
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
export function decodedToRaw(lit: Literal): Int32Array {
  const inner = lit.raw;
  // Typed from the start: a plain array of a multi-megabyte literal's offsets took eight times the room.
  const map = new Int32Array(inner.length);
  let n = 0;
  let i = 1;
  const end = inner.length - 1;
  while (i < end) {
    map[n++] = i;
    if (inner.charCodeAt(i) === 92) i += inner[i + 1] === 'u' ? 6 : 2;
    else i += 1;
  }
  map[n++] = end;
  return map.subarray(0, n);
}

export function rawToDecoded(map: Int32Array, rawOffset: number, roundUp: boolean): number {
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

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/** The value of a hexadecimal digit's character code, or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/**
 * A JSON text with every string escape decoded in place: what the text says, for scanning only.
 * The same as one regular-expression replacement (its reference in test/unit/secrets/json-view.test.ts), as a loop: a
 * tool result holds an escape every few dozen characters, and a callback for each cost a twelfth
 * of the redaction thread.
 */
export function jsonView(text: string): string {
  let at = text.indexOf('\\');
  if (at < 0) return text;
  let out = '';
  let from = 0;
  const n = text.length;
  while (at >= 0 && at + 1 < n) {
    const ch = text.charCodeAt(at + 1);
    let decoded: string;
    let next = at + 2;
    if (ch === 117 /* u */ && at + 5 < n) {
      const a = hexValue(text.charCodeAt(at + 2));
      const b = hexValue(text.charCodeAt(at + 3));
      const c = hexValue(text.charCodeAt(at + 4));
      const d = hexValue(text.charCodeAt(at + 5));
      if ((a | b | c | d) >= 0) {
        decoded = String.fromCharCode((a << 12) | (b << 8) | (c << 4) | d);
        next = at + 6;
      } else decoded = 'u';
    } else {
      const single = text[at + 1]!;
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
function literalCloser(raw: string): (open: number) => number {
  let backslash = -2;
  let quote = -2;
  /** One past the closing quote of the literal opening at `open`, or -1 when it is not closed. */
  return (open) => {
    let at = open + 1;
    for (;;) {
      if (quote !== -1 && quote < at) quote = raw.indexOf('"', at);
      if (quote < 0) return -1;
      if (backslash !== -1 && backslash < at) backslash = raw.indexOf('\\', at);
      if (backslash < 0 || backslash > quote) return quote + 1;
      at = backslash + 2;
    }
  };
}

/** True when `text` is one JSON value. */
export function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Every string literal of a JSON text, each with the member name it is the value of. */
export function lexLiterals(raw: string): Literal[] {
  const out: Literal[] = [];
  let lastKey = '';
  const literalEnd = literalCloser(raw);
  for (let start = raw.indexOf('"'); start >= 0;) {
    const end = literalEnd(start);
    // Nothing after an unclosed quote can be lexed reliably (the line is not JSON).
    if (end < 0) break;
    const text = raw.slice(start, end);
    const lit: Literal = {
      start,
      end,
      raw: text,
      hasEscape: text.includes('\\'),
      decodedCache: undefined,
      streamKey: null,
      spans: [],
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
    start = raw.indexOf('"', end);
  }
  return out;
}

/** The first or last decoded character of a literal, decoding only when an escape is near that end. */
export function edgeChar(lit: Literal, last: boolean): string {
  const inner = lit.raw;
  if (!lit.hasEscape || (last ? inner.lastIndexOf('\\') < inner.length - 8 : inner[1] !== '\\'))
    return last ? (inner[inner.length - 2] ?? '') : (inner[1] ?? '');
  const d = decodeLiteral(lit) ?? '';
  return last ? (d[d.length - 1] ?? '') : (d[0] ?? '');
}
