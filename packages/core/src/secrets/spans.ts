/** Redaction spans: merging overlaps, placing markers, and turning offsets into line and column. */

/** A span before merging, in the coordinates of the text it was found in. */
export interface Hit {
  ruleId: string;
  start: number;
  end: number;
}

export const redactionMarker = (ruleId: string): string => `[REDACTED:${ruleId}]`;

export function mergeHits(hits: Hit[]): Hit[] {
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

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function locate(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! };
}

export function applyMarkers(text: string, spans: readonly Hit[]): string {
  if (!spans.length) return text;
  let out = '';
  let pos = 0;
  for (const s of spans) {
    out += text.slice(pos, s.start) + redactionMarker(s.ruleId);
    pos = s.end;
  }
  return out + text.slice(pos);
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;
const isContinuationByte = (c: number): boolean => c >= 0x80 && c <= 0xbf;
/** A UTF-8 character is at most four bytes: a lead byte and three continuation bytes. */
const MAX_CONTINUATION = 3;

/**
 * Widens a span so it never cuts a character in two: a surrogate pair in UTF-16 text, or, when the
 * text holds one character per UTF-8 byte (byteText), a multi-byte sequence. A marker that replaced
 * half a character would leave the other half behind, and the stored line would no longer be UTF-8.
 * `byteAt(i)` is the byte character `i` came from, where `text` is a decoded view of the bytes.
 */
export function wholeCharacters(text: string, span: Hit, bytes: boolean, byteAt: (i: number) => number = (i) => text.charCodeAt(i)): Hit {
  let { start, end } = span;
  if (bytes) {
    for (let n = 0; n < MAX_CONTINUATION && start > 0 && isContinuationByte(byteAt(start)); n++) start--;
    for (let n = 0; n < MAX_CONTINUATION && end < text.length && isContinuationByte(byteAt(end)); n++) end++;
  }
  if (start > 0 && isLowSurrogate(text.charCodeAt(start)) && isHighSurrogate(text.charCodeAt(start - 1))) start--;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end)) && isHighSurrogate(text.charCodeAt(end - 1))) end++;
  return start === span.start && end === span.end ? span : { ruleId: span.ruleId, start, end };
}
