import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { createSecretEngine, type SecretEngine, type SecretEngineOptions } from '../secrets/index.js';
import type { LearnedSpelling } from '../secrets/learned-values.js';

/** A secret found while redacting: never the value, except `value`, which only feeds masking. */
export interface FoundSecret {
  ruleId: string;
  fingerprint: string;
  line: number;
  value: string;
}

export interface ChunkResult {
  /** Finalised lines with their original endings, as they are stored (UTF-8). */
  bytes: Uint8Array;
  /**
   * The same lines redacted, each followed by '\n', only when they differ from `bytes` (redact off
   * and a secret found): the reader must never see a secret. Otherwise the reader decodes `bytes`.
   * (Sending text between threads was tried: its copies into fresh memory cost more than decoding.)
   */
  redactedText?: string;
  found: FoundSecret[];
  /** Lines that were not valid UTF-8. */
  invalidLines: number;
  /** The file began with a UTF-8 byte order mark (kept in `bytes`; reported once). */
  byteOrderMark: boolean;
  /** On the last result: sha256 (hex) of every byte pushed, and of every byte stored. */
  sourceSha256?: string;
  storedSha256?: string;
  /** On the last result: the secrets the stream learned (see LineRedactor.learned); lines before each was learned may hold it. */
  learned?: LearnedSpelling[];
  /** With `verdicts: 'compute'`: each finished line's body length and LineVerdict flags, in order (nothing else is filled in). */
  verdicts?: Int32Array;
}

export interface ChunkRedactorOptions {
  engine: SecretEngineOptions;
  kind: 'json' | 'text';
  redact: boolean;
  /**
   * False when the caller takes both digests itself (redactFile does, on its own thread, when redaction
   * runs in a worker: the redaction thread is the busier of the two). Then `finish` carries none.
   */
  digests?: boolean;
  /**
   * Two threads share a JSON transcript's redaction (redactFile): one cuts the same lines and works out
   * what depends on each line alone ('compute': push returns only `verdicts`), the other takes those
   * verdicts with the same chunks ('take') and does the rest, which depends on the stream so far.
   */
  verdicts?: 'compute' | 'take';
}

export interface ChunkRedactor {
  /** Any bytes of the file, in order; lines may straddle calls. */
  push(bytes: Uint8Array, verdicts?: Int32Array): ChunkResult;
  /** The rest: the unfinished last line and the line the redactor held back. */
  finish(verdicts?: Int32Array): ChunkResult;
}

const NEWLINE = 10;
/**
 * The longest line redacted. A line is held whole while it is redacted (its bytes, its text, and for
 * JSON the decoded literals and their offset maps: about ten times its size at worst), so this bounds
 * the memory a line-oriented transcript takes; a 12 MB tool result is well inside it.
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Text made of one character per UTF-8 byte, back to the text those bytes spell. */
function fromBytes(text: string): string {
  return Buffer.from(text, 'latin1').toString('utf8');
}

/**
 * Copies the pieces into one buffer of its own (never a view of a chunk, nor of Node's shared
 * small-buffer pool), so a worker can transfer it to the main thread instead of copying it again.
 */
function join(pieces: Buffer[]): Uint8Array {
  let total = 0;
  for (const p of pieces) total += p.length;
  // allocUnsafeSlow: a buffer of its own, not zero-filled. Transferring a `new Uint8Array` out of a
  // worker with resource limits cost about a millisecond a chunk (8 % of the redaction thread's time);
  // this one transfers in microseconds.
  const out = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
const CARRIAGE_RETURN = 13;

interface HeldLine {
  text: string;
  /** The line's bytes with its ending, exactly as read. */
  raw: Buffer;
  ending: string;
}

/**
 * Turns a byte stream into redacted lines. The same code runs on the main thread (small files,
 * tests) and in the redaction worker (large files), so both paths are tested by the same tests.
 *
 * Costs matter here (every byte of a transcript passes through): a chunk is decoded with one call,
 * lines are cut on bytes and on text in step, and a line the redactor leaves alone is stored as the
 * bytes it came in, so nothing is encoded again. The line redactor holds one line back, because a
 * secret cut across two streamed records must be redacted in both; endings follow their lines.
 */
export function createChunkRedactor(options: ChunkRedactorOptions, prebuilt?: SecretEngine): ChunkRedactor {
  // Lines are scanned as bytes (see SecretEngineOptions.byteText): a UTF-8 decode of each line cost
  // as much as the keyword pass, for text only ASCII rules ever read.
  const engine = prebuilt ?? createSecretEngine({ ...options.engine, byteText: true });
  // Both digests are taken here when redaction runs inline; with a worker, redactFile takes them on its
  // own thread (see ChunkRedactorOptions.digests).
  const sourceHash = options.digests === false ? null : createHash('sha256');
  const storedHash = options.digests === false ? null : createHash('sha256');
  const redactor = engine.createLineRedactor(options.kind);
  const held: HeldLine[] = [];
  /** The unfinished last line, in the pieces it came in. */
  let carry: Buffer[] | null = null;
  let carryBytes = 0;
  let first = true;
  let lineNumber = 0;

  const computing = options.verdicts === 'compute';
  const taking = options.verdicts === 'take';
  if ((computing || taking) && options.kind !== 'json') throw new Error('line verdicts are only for JSON transcripts');
  /** Verdicts received and not used yet (taking), as [body length, flags] pairs. */
  const ahead: Int32Array[] = [];
  let aheadAt = 0;
  const nextVerdict = (bodyLength: number): number => {
    while (ahead.length > 0 && aheadAt >= ahead[0]!.length) {
      ahead.shift();
      aheadAt = 0;
    }
    const pair = ahead[0];
    // Cut by the same code from the same bytes, the lines cannot differ; if they ever did, a verdict
    // would be applied to the wrong line, so this fails rather than guess.
    if (!pair || pair[aheadAt] !== bodyLength) throw new Error(`line ${lineNumber + held.length + 1}: the line verdicts are out of step with the lines`);
    const flags = pair[aheadAt + 1]!;
    aheadAt += 2;
    return flags;
  };

  interface Builder {
    verdicts: number[];
    pieces: Buffer[];
    redacted: string[];
    differs: boolean;
    found: FoundSecret[];
    invalidLines: number;
    byteOrderMark: boolean;
  }
  const builder = (): Builder => ({ verdicts: [], pieces: [], redacted: [], differs: false, found: [], invalidLines: 0, byteOrderMark: false });
  const result = (b: Builder): ChunkResult => {
    if (computing) return { bytes: new Uint8Array(0), verdicts: Int32Array.from(b.verdicts), found: [], invalidLines: 0, byteOrderMark: false };
    const bytes = join(b.pieces);
    storedHash?.update(bytes);
    return {
      bytes,
      ...(b.differs ? { redactedText: b.redacted.join('') } : {}),
      found: b.found,
      invalidLines: b.invalidLines,
      byteOrderMark: b.byteOrderMark,
    };
  };

  function collect(done: { text: string; findings: { ruleId: string; fingerprint: string; start: number; end: number }[] }, out: Builder): void {
    const line = held.shift();
    if (!line) return;
    lineNumber += 1;
    for (const f of done.findings) {
      out.found.push({ ruleId: f.ruleId, fingerprint: f.fingerprint, line: lineNumber, value: fromBytes(line.text.slice(f.start, f.end)) });
    }
    const changed = done.text !== line.text;
    if (changed && options.redact) out.pieces.push(Buffer.from(done.text + line.ending, 'latin1'));
    else out.pieces.push(line.raw);
    if (!options.redact) {
      if (changed) out.differs = true;
      out.redacted.push(fromBytes(done.text), '\n');
    }
  }

  function take(text: string, raw: Buffer, bodyLength: number, ending: string, out: Builder): void {
    checkLineLength(bodyLength);
    const body = raw.subarray(0, bodyLength);
    if (computing) {
      lineNumber += 1;
      out.verdicts.push(bodyLength, engine.lineVerdict(text, body));
      return;
    }
    if (!isUtf8(body)) out.invalidLines += 1;
    held.push({ text, raw, ending });
    for (const done of redactor.push(text, body, taking ? nextVerdict(bodyLength) : undefined)) collect(done, out);
  }

  function checkLineLength(bytes: number): void {
    if (bytes > MAX_LINE_BYTES)
      throw new ConfigError(
        'E_TOO_LARGE',
        `transcript line ${lineNumber + held.length + 1} is over ${MAX_LINE_BYTES / (1024 * 1024)} MiB: a line-oriented transcript is redacted line by line, and a line this long cannot be held in bounded memory`,
      );
  }

  /** Cuts `data[0, end)` (ending in a newline) into lines. */
  function lines(data: Buffer, end: number, out: Builder): void {
    let start = 0;
    while (start < end) {
      const nl = data.indexOf(NEWLINE, start);
      const cr = nl > start && data[nl - 1] === CARRIAGE_RETURN;
      const bodyEnd = cr ? nl - 1 : nl;
      take(data.toString('latin1', start, bodyEnd), data.subarray(start, nl + 1), bodyEnd - start, cr ? '\r\n' : '\n', out);
      start = nl + 1;
    }
  }

  function stripByteOrderMark(data: Buffer, out: Builder): Buffer {
    if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
      out.byteOrderMark = true;
      // Stored as it came, but not part of the first record.
      out.pieces.push(data.subarray(0, 3));
      return data.subarray(3);
    }
    return data;
  }

  return {
    push(input, verdicts) {
      if (taking && verdicts) ahead.push(verdicts);
      sourceHash?.update(input);
      const out = builder();
      let data = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
      if (carry) {
        // Only the line that straddles the cut is glued together, once its end has come (gluing at
        // every chunk copied a long line over and over); the rest of the chunk is used in place.
        const nl = data.indexOf(NEWLINE);
        if (nl < 0) {
          // Copied: a view would keep the whole chunk alive.
          carry.push(Buffer.from(data));
          carryBytes += data.length;
          checkLineLength(carryBytes);
          return result(out);
        }
        checkLineLength(carryBytes + nl);
        const straddling = Buffer.concat([...carry, data.subarray(0, nl + 1)]);
        carry = null;
        carryBytes = 0;
        data = data.subarray(nl + 1);
        if (first && straddling.length >= 3) {
          first = false;
          lines(stripByteOrderMark(straddling, out), straddling.length - (out.byteOrderMark ? 3 : 0), out);
        } else lines(straddling, straddling.length, out);
      }
      if (first && data.length >= 3) {
        first = false;
        data = stripByteOrderMark(data, out);
      }
      const last = data.lastIndexOf(NEWLINE);
      if (last >= 0) lines(data, last + 1, out);
      // The unfinished line is copied: a view would keep the whole chunk alive.
      if (last + 1 < data.length) {
        carry = [Buffer.from(data.subarray(last + 1))];
        carryBytes = data.length - last - 1;
        checkLineLength(carryBytes);
      } else carry = null;
      return result(out);
    },
    finish(verdicts) {
      if (taking && verdicts) ahead.push(verdicts);
      const out = builder();
      let rest: Buffer | null = carry ? Buffer.concat(carry) : null;
      carry = null;
      carryBytes = 0;
      if (first && rest && rest.length >= 3) rest = stripByteOrderMark(rest, out);
      first = false;
      if (rest && rest.length > 0) take(rest.toString('latin1'), rest, rest.length, '', out);
      if (computing) return result(out);
      for (const done of redactor.flush()) collect(done, out);
      const last = result(out);
      return {
        ...last,
        ...(sourceHash && storedHash ? { sourceSha256: sourceHash.digest('hex'), storedSha256: storedHash.digest('hex') } : {}),
        learned: redactor.learned(),
      };
    },
  };
}
