// The second pass over a stored line-oriented transcript: a value the stream learned was secret is
// redacted in the lines it passed before it learned it (the lines after were redacted as they came).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, renameSync, rmSync } from 'node:fs';
import { lexLiterals, parsesAsJson } from '../secrets/json-literals.js';
import { LearnedValues, type LearnedSpelling } from '../secrets/learned-values.js';
import { applyMarkers, mergeHits, type Hit } from '../secrets/spans.js';
import { TranscriptWriter } from './stream.js';

const NEWLINE = 10;

export interface LearnedPassResult {
  sha256: string;
  bytes: number;
  /** The occurrences redacted, each with its rule, fingerprint and 1-based line. */
  found: Array<{ ruleId: string; fingerprint: string; line: number }>;
}

/** A searcher for every spelling learned, or null when nothing was learned (then no pass runs). */
export function learnedSearcher(learned: readonly LearnedSpelling[]): { values: LearnedValues; fingerprints: Map<string, string> } | null {
  if (learned.length === 0) return null;
  const unique = new Map<string, LearnedSpelling>();
  for (const s of learned) if (!unique.has(s.text)) unique.set(s.text, s);
  return { values: LearnedValues.of([...unique.values()]), fingerprints: new Map([...unique.values()].map((s) => [`${s.ruleId}\0${s.text}`, s.fingerprint])) };
}

const oddBackslashesBefore = (text: string, at: number): boolean => {
  let n = 0;
  while (at - n - 1 >= 0 && text.charCodeAt(at - n - 1) === 92) n += 1;
  return n % 2 === 1;
};

/**
 * In a JSON line only hits that lie inside one string literal, start outside an escape and do not end
 * inside one are kept: anywhere else a marker could change the line's structure. Learned values are
 * printable ASCII, so a hit never splits a UTF-8 sequence.
 */
function jsonSafe(line: string, hits: Hit[]): Hit[] {
  // The engine's lexer, a loop: a regex over a literal of megabytes overflows the stack.
  const literals = lexLiterals(line);
  return hits.filter((h) => {
    const inside = literals.some((lit) => h.start > lit.start && h.end < lit.end);
    return inside && !oddBackslashesBefore(line, h.start) && !oddBackslashesBefore(line, h.end);
  });
}

/** Redacts one line (one character per byte, without its ending); the same text when nothing is in it. */
function redactLine(line: string, values: LearnedValues, json: boolean): { text: string; hits: Hit[] } {
  if (!values.holds(line)) return { text: line, hits: [] };
  let hits = mergeHits(values.hits(line));
  if (json) hits = jsonSafe(line, hits);
  if (hits.length === 0) return { text: line, hits };
  const text = applyMarkers(line, hits);
  // A line that was JSON stays JSON: if a marker broke it after all, the line is kept as it was.
  if (json && parsesAsJson(line) && !parsesAsJson(text)) return { text: line, hits: [] };
  return { text, hits };
}

/**
 * Rewrites `file` with every occurrence of the learned values redacted, streaming it line by line into
 * a temporary file beside it that then replaces it: memory stays bounded by the longest line. Bytes
 * outside the redacted spans are kept exactly, line endings included.
 */
export async function redactLearned(
  file: string,
  searcher: NonNullable<ReturnType<typeof learnedSearcher>>,
  kind: 'json' | 'text',
): Promise<LearnedPassResult | null> {
  // The stream redacted every value in the lines after it was learned; only an earlier occurrence is
  // left, and usually there is none. Looked for first without writing: rewriting and hashing a large
  // transcript again cost a second on the capture thread for nothing. Null: the file stays as stored.
  if (!(await holdsAny(file, searcher, kind))) return null;
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const writer = new TranscriptWriter(temporary);
  const hash = createHash('sha256');
  const found: LearnedPassResult['found'] = [];
  let lineNumber = 0;
  let carry: Buffer[] = [];
  let first = true;

  const emit = (raw: Buffer): void => {
    lineNumber += 1;
    let body = raw;
    let bom = 0;
    // The byte order mark is stored, but it is not part of the first record.
    if (first && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) bom = 3;
    first = false;
    let end = body.length;
    if (end > 0 && body[end - 1] === NEWLINE) end -= 1;
    if (end > bom && body[end - 1] === 13) end -= 1;
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
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
        const piece = chunk.subarray(start, nl + 1);
        emit(carry.length ? Buffer.concat([...carry, piece]) : piece);
        carry = [];
        start = nl + 1;
      }
      // Copied: a view would keep the whole chunk alive.
      if (start < chunk.length) carry.push(Buffer.from(chunk.subarray(start)));
      await writer.drain();
    }
    if (carry.length) emit(Buffer.concat(carry));
    await writer.close();
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  renameSync(temporary, file);
  return { sha256: hash.digest('hex'), bytes: writer.bytes, found };
}

/** True when some line of `file` holds a learned value that redactLine would redact. */
async function holdsAny(file: string, searcher: NonNullable<ReturnType<typeof learnedSearcher>>, kind: 'json' | 'text'): Promise<boolean> {
  let carry: Buffer[] = [];
  let first = true;
  const holds = (raw: Buffer): boolean => {
    let bom = 0;
    if (first && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) bom = 3;
    first = false;
    let end = raw.length;
    if (end > 0 && raw[end - 1] === NEWLINE) end -= 1;
    if (end > bom && raw[end - 1] === 13) end -= 1;
    if (!searcher.values.mayHoldBytes(raw.subarray(bom, end))) return false;
    return redactLine(raw.toString('latin1', bom, end), searcher.values, kind === 'json').hits.length > 0;
  };
  const stream = createReadStream(file);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
        const piece = chunk.subarray(start, nl + 1);
        if (holds(carry.length ? Buffer.concat([...carry, piece]) : piece)) return true;
        carry = [];
        start = nl + 1;
      }
      if (start < chunk.length) carry.push(Buffer.from(chunk.subarray(start)));
    }
    return carry.length > 0 && holds(Buffer.concat(carry));
  } finally {
    stream.destroy();
  }
}

/** `value` with every learned value redacted in each string it holds (the summary's excerpts, paths, arguments). */
export function withoutLearned<T>(value: T, searcher: NonNullable<ReturnType<typeof learnedSearcher>>): T {
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') return searcher.values.holds(v) ? applyMarkers(v, mergeHits(searcher.values.hits(v))) : v;
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
    return v;
  };
  return scrub(value) as T;
}
