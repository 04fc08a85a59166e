import { isAscii } from 'node:buffer';

/**
 * Blanks comments and the insides of string literals, keeping every newline and every other
 * character's position, so the test counters and the skip/focus markers look only at code: a
 * comment that says `it.only` or a test named "should skip" is not a focused or skipped test.
 * A cheap scanner, not a parser: it knows each language's comment and string delimiters and no more.
 */

export type SourceLanguage = 'js' | 'python' | 'go' | 'jvm' | 'rust' | 'ruby';

interface Syntax {
  readonly lineComment: readonly string[];
  readonly blockComment?: readonly [string, string];
  /** Quotes that open a string closed by the same quote; a backslash escapes the next character. */
  readonly quotes: readonly string[];
  /** Quotes that open a string running across lines (Go and JS backticks, Python triple quotes). */
  readonly longQuotes: readonly string[];
}

const SYNTAX: Record<SourceLanguage, Syntax> = {
  js: { lineComment: ['//'], blockComment: ['/*', '*/'], quotes: ["'", '"'], longQuotes: ['`'] },
  python: { lineComment: ['#'], quotes: ["'", '"'], longQuotes: ['"""', "'''"] },
  go: { lineComment: ['//'], blockComment: ['/*', '*/'], quotes: ['"', "'"], longQuotes: ['`'] },
  jvm: { lineComment: ['//'], blockComment: ['/*', '*/'], quotes: ['"', "'"], longQuotes: ['"""'] },
  // Rust's `'` opens a char literal or a lifetime: handled apart.
  rust: { lineComment: ['//'], blockComment: ['/*', '*/'], quotes: ['"'], longQuotes: [] },
  ruby: { lineComment: ['#'], blockComment: ['\n=begin', '\n=end'], quotes: ["'", '"'], longQuotes: [] },
};

/** Per language, a table over char codes < 128 marking the first character of each string `pick` gives. */
function firstCharTable(pick: (syntax: Syntax, language: SourceLanguage) => readonly string[]): Record<SourceLanguage, Uint8Array> {
  return Object.fromEntries(
    (Object.entries(SYNTAX) as [SourceLanguage, Syntax][]).map(([language, syntax]) => {
      const table = new Uint8Array(128);
      for (const text of pick(syntax, language)) table[text.charCodeAt(0)] = 1;
      return [language, table];
    }),
  ) as Record<SourceLanguage, Uint8Array>;
}

/** The characters that can open a comment, string or (Rust) char literal. */
const OPENERS = firstCharTable((syntax, language) => [
  ...syntax.lineComment,
  ...(syntax.blockComment ? [syntax.blockComment[0]] : []),
  ...syntax.longQuotes,
  ...syntax.quotes,
  ...(language === 'rust' ? ["'"] : []),
]);

/** The characters that open a one-line string. */
const QUOTES = firstCharTable((syntax) => syntax.quotes);

const NEWLINE = 10;
const SPACE = 0x20;
const BACKSLASH = 92;
const APOSTROPHE = 0x27;

/** Code units of a text being blanked: bytes when it is ASCII, else UTF-16 code units. */
type Units = Uint8Array | Uint16Array;

function startsWithAt(units: Units, text: string, at: number): boolean {
  if (at + text.length > units.length) return false;
  for (let k = 0; k < text.length; k++) if (units[at + k] !== text.charCodeAt(k)) return false;
  return true;
}

function indexOfText(units: Units, text: string, from: number): number {
  const first = text.charCodeAt(0);
  for (let at = units.indexOf(first, from); at !== -1; at = units.indexOf(first, at + 1)) if (startsWithAt(units, text, at)) return at;
  return -1;
}

/**
 * Returns the text with comments and string contents replaced by spaces; delimiters and newlines stay.
 * `source` is the text, or its UTF-8 bytes (read as they are when all ASCII, decoded first otherwise).
 */
export function blankCommentsAndStrings(source: string | Uint8Array, language: SourceLanguage): string {
  if (typeof source !== 'string' && !isAscii(source))
    return blankCommentsAndStrings(Buffer.from(source.buffer, source.byteOffset, source.length).toString('utf8'), language);
  const syntax = SYNTAX[language];
  const openers = OPENERS[language];
  const quotes = QUOTES[language];
  // Blanked in place in a copy of the text's code units (one byte a character when it is ASCII, else
  // UTF-16, so every position stays where it was), decoded once at the end: no string per span
  // blanked, and no string of the source at all when it came as ASCII bytes. Every write is at or
  // before the position being read, so what is read is always the source.
  const n = source.length;
  const ascii = typeof source !== 'string' || Buffer.byteLength(source, 'utf8') === n;
  const out = scratchFor(ascii ? n : 2 * n);
  if (typeof source !== 'string') out.set(source);
  else out.write(source, ascii ? 'latin1' : 'utf16le');
  const units: Units = ascii ? out : new Uint16Array(out.buffer, out.byteOffset, n);
  /** `oneLine`: the span holds no newline (a line comment, a one-line string), so it is spaces only. */
  const blank = (from: number, to: number, oneLine = false): void => {
    const end = Math.min(to, n);
    if (end <= from) return;
    if (oneLine) {
      // Most spans are short: a loop costs less than fill's checks.
      if (end - from < 32) for (let k = from; k < end; k++) units[k] = SPACE;
      else units.fill(SPACE, from, end);
      return;
    }
    let start = from;
    for (let k = from; k < end; k++) {
      if (units[k] !== NEWLINE) continue;
      if (k > start) units.fill(SPACE, start, k);
      start = k + 1;
    }
    if (end > start) units.fill(SPACE, start, end);
  };
  let i = 0;
  outer: while (i < n) {
    // Most characters open nothing: skipped in a loop of their own, with nothing else in it. As the
    // first test of the outer loop this was half the blanking's time; alone it is about twice as fast
    // (both sides of the bench's 2,800 test files: 160 ms, then 85-120 ms).
    let code = units[i]!;
    while (code >= 128 || openers[code] === 0) {
      if (++i >= n) break outer;
      code = units[i]!;
    }
    for (const lc of syntax.lineComment) {
      if (startsWithAt(units, lc, i)) {
        const end = units.indexOf(NEWLINE, i);
        const stop = end === -1 ? n : end;
        blank(i, stop, true);
        i = stop;
        continue outer;
      }
    }
    if (syntax.blockComment && startsWithAt(units, syntax.blockComment[0], i)) {
      const close = indexOfText(units, syntax.blockComment[1], i + syntax.blockComment[0].length);
      const stop = close === -1 ? n : close + syntax.blockComment[1].length;
      blank(i + (syntax.blockComment[0].startsWith('\n') ? 1 : 0), stop);
      i = stop;
      continue;
    }
    for (const q of syntax.longQuotes) {
      if (startsWithAt(units, q, i)) {
        let k = i + q.length;
        while (k < n && !startsWithAt(units, q, k)) k += units[k] === BACKSLASH ? 2 : 1;
        blank(i + q.length, k);
        i = Math.min(n, k + q.length);
        continue outer;
      }
    }
    if (language === 'rust' && code === APOSTROPHE) {
      // A char literal is `'x'` or `'\n'`/`'\u{..}'`; anything else is a lifetime and is left alone.
      const close = units[i + 1] === BACKSLASH ? units.indexOf(APOSTROPHE, i + 2) : i + 2;
      if (close > i && close - i <= 12 && units[close] === APOSTROPHE && units.subarray(i + 1, close).indexOf(NEWLINE) === -1) {
        blank(i + 1, close);
        i = close + 1;
        continue;
      }
      i++;
      continue;
    }
    if (quotes[code] === 1) {
      let k = i + 1;
      // Single-line strings stop at the end of the line even when unclosed, so one odd quote cannot
      // blank the rest of the file. Blanked as read; an escaped newline (`\` at the end of a line)
      // continues the string and stays a newline.
      while (k < n) {
        const at = units[k];
        if (at === code || at === NEWLINE) break;
        units[k] = SPACE;
        if (at === BACKSLASH) {
          if (k + 1 < n && units[k + 1] !== NEWLINE) units[k + 1] = SPACE;
          k += 2;
        } else k++;
      }
      i = k < n && units[k] === code ? k + 1 : k;
      continue;
    }
    i++;
  }
  return out.toString(ascii ? 'latin1' : 'utf16le', 0, ascii ? n : 2 * n);
}

/**
 * The byte copy blankCommentsAndStrings blanks in: one buffer, reused (the function runs to its end
 * without yielding, and returns a string, never the buffer). A new buffer per file cost more than the
 * blanking itself for the thousands of small test files of a large change.
 */
// allocUnsafeSlow: never a slice of Node's shared pool, so its offset is 0 and a Uint16Array can view it.
let scratch = Buffer.allocUnsafeSlow(64 * 1024);
const SCRATCH_KEPT = 4 * 1024 * 1024;

function scratchFor(bytes: number): Buffer {
  // A file past the size kept is blanked in a buffer of its own, let go once done.
  if (bytes > SCRATCH_KEPT) return Buffer.allocUnsafeSlow(bytes);
  if (bytes > scratch.length) scratch = Buffer.allocUnsafeSlow(Math.min(SCRATCH_KEPT, Math.max(bytes, scratch.length * 2)));
  return scratch.subarray(0, bytes);
}
