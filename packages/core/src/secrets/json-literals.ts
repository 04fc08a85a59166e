/**
 * JSON string literals inside a line of JSON text: finding them, decoding them, and mapping offsets
 * between a literal's raw text and its decoded value.
 */

import type { Hit } from './spans.js';

const LITERAL = /"(?:[^"\\]|\\.)*"/g;

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

const JSON_ESCAPE = /\\(?:u([0-9a-fA-F]{4})|([\s\S]))/g;
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/** A JSON text with every string escape decoded in place: what the text says, for scanning only. */
export function jsonView(text: string): string {
  return text.replace(JSON_ESCAPE, (_m, hex: string | undefined, ch: string) =>
    hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : (SIMPLE_ESCAPES[ch] ?? ch),
  );
}

/** Every string literal of a JSON text, each with the member name it is the value of. */
export function lexLiterals(raw: string): Literal[] {
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

/** The first or last decoded character of a literal, decoding only when an escape is near that end. */
export function edgeChar(lit: Literal, last: boolean): string {
  const inner = lit.raw;
  if (!lit.hasEscape || (last ? inner.lastIndexOf('\\') < inner.length - 8 : inner[1] !== '\\')) return last ? inner[inner.length - 2] ?? '' : inner[1] ?? '';
  const d = decodeLiteral(lit) ?? '';
  return last ? d[d.length - 1] ?? '' : d[0] ?? '';
}
