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

/** Per language, the characters (as char codes < 128) that can open a comment, string or char literal. */
const OPENERS: Record<SourceLanguage, Uint8Array> = Object.fromEntries(
  (Object.entries(SYNTAX) as [SourceLanguage, Syntax][]).map(([language, syntax]) => {
    const table = new Uint8Array(128);
    const starts = [...syntax.lineComment, ...(syntax.blockComment ? [syntax.blockComment[0]] : []), ...syntax.longQuotes, ...syntax.quotes];
    if (language === 'rust') starts.push("'");
    for (const start of starts) table[start.charCodeAt(0)] = 1;
    return [language, table];
  }),
) as Record<SourceLanguage, Uint8Array>;

/** Per language, the characters (as char codes < 128) that open a one-line string. */
const QUOTES: Record<SourceLanguage, Uint8Array> = Object.fromEntries(
  (Object.entries(SYNTAX) as [SourceLanguage, Syntax][]).map(([language, syntax]) => {
    const table = new Uint8Array(128);
    for (const quote of syntax.quotes) table[quote.charCodeAt(0)] = 1;
    return [language, table];
  }),
) as Record<SourceLanguage, Uint8Array>;

const NEWLINE = 10;
const SPACE = 0x20;
const SPACE_UTF16 = Buffer.from([0x20, 0x00]);
const BACKSLASH = 92;

/**
 * Returns `source` with comments and string contents replaced by spaces; delimiters and newlines stay.
 * `asciiBytes`: the source's own bytes, when the caller read it from them and knows them all ASCII
 * (then they are copied, not encoded again).
 */
export function blankCommentsAndStrings(source: string, language: SourceLanguage, asciiBytes?: Uint8Array): string {
  const syntax = SYNTAX[language];
  const openers = OPENERS[language];
  // Blanked in a byte copy of the text (one byte a character when it is ASCII, else UTF-16 code units,
  // so every position stays where it was), decoded once at the end: no string per span blanked.
  const ascii = asciiBytes !== undefined ? asciiBytes.length === source.length : Buffer.byteLength(source, 'utf8') === source.length;
  const width = ascii ? 1 : 2;
  const out = scratchFor(source.length * width);
  if (ascii && asciiBytes !== undefined) out.set(asciiBytes);
  else out.write(source, ascii ? 'latin1' : 'utf16le');
  const space = ascii ? SPACE : SPACE_UTF16;
  const quotes = QUOTES[language];
  /** Blanks character `k` (never a newline). */
  const put = ascii
    ? (k: number): void => {
        out[k] = SPACE;
      }
    : (k: number): void => {
        out[2 * k] = SPACE;
        out[2 * k + 1] = 0;
      };
  /** `oneLine`: the span holds no newline (a line comment, a one-line string), so it is spaces only. */
  const blank = (from: number, to: number, oneLine = false): void => {
    const end = Math.min(to, source.length);
    if (end <= from) return;
    if (oneLine) {
      // Most spans are short: a loop costs less than Buffer.fill's checks.
      if (end - from < 32) for (let k = from; k < end; k++) put(k);
      else out.fill(space, from * width, end * width);
      return;
    }
    let start = from;
    for (let k = from; k < end; k++) {
      if (source.charCodeAt(k) !== NEWLINE) continue;
      if (k > start) out.fill(space, start * width, k * width);
      start = k + 1;
    }
    if (end > start) out.fill(space, start * width, end * width);
  };
  let i = 0;
  const n = source.length;
  outer: while (i < n) {
    const code = source.charCodeAt(i);
    // Most characters open nothing: skipped without a string made or compared.
    if (code >= 128 || openers[code] === 0) {
      i++;
      continue;
    }
    for (const lc of syntax.lineComment) {
      if (source.startsWith(lc, i)) {
        const end = source.indexOf('\n', i);
        const stop = end === -1 ? n : end;
        blank(i, stop, true);
        i = stop;
        continue outer;
      }
    }
    if (syntax.blockComment && source.startsWith(syntax.blockComment[0], i)) {
      const close = source.indexOf(syntax.blockComment[1], i + syntax.blockComment[0].length);
      const stop = close === -1 ? n : close + syntax.blockComment[1].length;
      blank(i + (syntax.blockComment[0].startsWith('\n') ? 1 : 0), stop);
      i = stop;
      continue;
    }
    for (const q of syntax.longQuotes) {
      if (source.startsWith(q, i)) {
        let k = i + q.length;
        while (k < n && !source.startsWith(q, k)) k += source.charCodeAt(k) === BACKSLASH ? 2 : 1;
        blank(i + q.length, k);
        i = Math.min(n, k + q.length);
        continue outer;
      }
    }
    if (language === 'rust' && code === 0x27) {
      // A char literal is `'x'` or `'\n'`/`'\u{..}'`; anything else is a lifetime and is left alone.
      const close = source[i + 1] === '\\' ? source.indexOf("'", i + 2) : i + 2;
      if (close > i && close - i <= 12 && source[close] === "'" && !source.slice(i + 1, close).includes('\n')) {
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
        const at = source.charCodeAt(k);
        if (at === code || at === NEWLINE) break;
        put(k);
        if (at === BACKSLASH) {
          if (k + 1 < n && source.charCodeAt(k + 1) !== NEWLINE) put(k + 1);
          k += 2;
        } else k++;
      }
      i = k < n && source.charCodeAt(k) === code ? k + 1 : k;
      continue;
    }
    i++;
  }
  return out.toString(ascii ? 'latin1' : 'utf16le', 0, source.length * width);
}

/**
 * The byte copy blankCommentsAndStrings blanks in: one buffer, reused (the function runs to its end
 * without yielding, and returns a string, never the buffer). A new buffer per file cost more than the
 * blanking itself for the thousands of small test files of a large change.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);
const SCRATCH_KEPT = 4 * 1024 * 1024;

function scratchFor(bytes: number): Buffer {
  // A file past the size kept is blanked in a buffer of its own, let go once done.
  if (bytes > SCRATCH_KEPT) return Buffer.allocUnsafe(bytes);
  if (bytes > scratch.length) scratch = Buffer.allocUnsafe(Math.min(SCRATCH_KEPT, Math.max(bytes, scratch.length * 2)));
  return scratch.subarray(0, bytes);
}
