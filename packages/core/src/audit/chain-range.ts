// verify-chain's loop over a byte range of a log, on one thread: the whole log on small inputs, one
// half of it in each worker thread on large ones (chain.ts joins the halves). Reads into one reused
// buffer and checks each line on its bytes (chain-line.ts); nothing is kept per line.
import { open } from 'node:fs/promises';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { canonicalDigest, canonicalPrevIs, parsedEventDigest, scanCanonical } from './chain-line.js';

/** The `prev` the first line of a range must carry: a digest (32 bytes), null, or ANY (the coordinator checks it). */
export type RangePrev = Uint8Array | null | 'any';

export interface RangeResult {
  /** Complete lines that verified before the first that did not. */
  lines: number;
  /** Digest (32 bytes) of the last line that verified, or null when none did. */
  head: Uint8Array | null;
  /** The first line's `prev` as it reads (`null`, a digest's 32 bytes), when that line verified on its own. */
  firstPrev?: Uint8Array | null;
  /** 1-based line (in the range) of the last line whose digest is the expected head; 0 when none. */
  headLine: number;
  /** The first line that does not verify: its line in the range, byte offset in the source and text. */
  fail?: { line: number; offset: number; text: string };
  /** An unterminated last line: its byte offset. */
  torn?: { offset: number };
}

const NEWLINE = 0x0a;
const CHUNK = 1 << 20;

/** Fills `buffer` from `at` as far as it can; 0 at the end of the source. */
export type ReadInto = (buffer: Buffer, at: number, length: number) => Promise<number>;

function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

function rawOf(hex: string): Uint8Array {
  return Buffer.from(hex, 'hex');
}

/**
 * One line's own checks and its link: the digest (32 bytes) when it verifies, undefined when not.
 * `prev` undefined for the first line of a range whose link the coordinator checks; `seen` gets the
 * line's own `prev` as it reads.
 */
function checkLineBytes(buffer: Buffer, start: number, stop: number, prev: RangePrev, seen: { prev?: Uint8Array | null }): Uint8Array | undefined {
  const line = scanCanonical(buffer, start, stop);
  if (line) {
    if (!line.versionOne || line.digestHex < 0 || line.prev < 0) return undefined;
    const digest = canonicalDigest(buffer, start, stop, line);
    if (!digest) return undefined;
    if (prev === 'any') seen.prev = line.prev === 0 ? null : rawOf(buffer.toString('latin1', line.prev, line.prev + 64));
    else if (!canonicalPrevIs(buffer, line, prev)) return undefined;
    return digest;
  }
  // Not provably canonical: parse and canonicalise it in full, as checkLine does.
  let event: unknown;
  try {
    event = JSON.parse(buffer.toString('utf8', start, stop));
  } catch {
    return undefined;
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return undefined;
  const record = event as Record<string, unknown>;
  if (record.schema_version !== 1 || typeof record.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(record.digest)) return undefined;
  if (parsedEventDigest(record) !== record.digest) return undefined;
  const own =
    record.prev === null ? null : typeof record.prev === 'string' && /^sha256:[0-9a-f]{64}$/.test(record.prev) ? rawOf(record.prev.slice(7)) : undefined;
  if (own === undefined) return undefined;
  seen.prev = own;
  if (prev !== 'any' && !(own === null ? prev === null : prev !== null && sameDigest(own, prev))) return undefined;
  return rawOf(record.digest.slice(7));
}

/**
 * Verifies the lines a source gives, from byte `base` of the log: each line's digest, and each `prev`
 * against the line before (the first against `firstPrev`). Stops at the first line that fails.
 */
export async function verifyLines(read: ReadInto, base: number, firstPrev: RangePrev, expectedHead?: Uint8Array): Promise<RangeResult> {
  let buffer = Buffer.allocUnsafe(CHUNK);
  let filled = 0;
  let offset = base; // source offset of buffer[0]
  let prev: RangePrev = firstPrev;
  let head: Uint8Array | null = null;
  let lines = 0;
  let headLine = 0;
  let firstSeen: Uint8Array | null | undefined;
  const seen: { prev?: Uint8Array | null } = {};
  for (;;) {
    if (filled === buffer.length) {
      const grown = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(grown, 0, 0, filled);
      buffer = grown;
    }
    const n = await read(buffer, filled, buffer.length - filled);
    const searchFrom = filled;
    filled += n;
    if (n === 0) break;
    let start = 0;
    let at = buffer.indexOf(NEWLINE, searchFrom);
    while (at >= 0 && at < filled) {
      seen.prev = undefined;
      const digest = checkLineBytes(buffer, start, at, prev, seen);
      if (lines === 0) firstSeen = seen.prev;
      if (!digest) {
        const fail = { line: lines + 1, offset: offset + start, text: buffer.toString('utf8', start, at) };
        return { lines, head, headLine, fail, ...(firstSeen !== undefined ? { firstPrev: firstSeen } : {}) };
      }
      lines++;
      prev = head = digest;
      if (expectedHead && sameDigest(digest, expectedHead)) headLine = lines;
      start = at + 1;
      at = start < filled ? buffer.indexOf(NEWLINE, start) : -1;
    }
    if (start > 0) {
      buffer.copy(buffer, 0, start, filled);
      filled -= start;
      offset += start;
    }
  }
  const result: RangeResult = { lines, head, headLine, ...(firstSeen !== undefined ? { firstPrev: firstSeen } : {}) };
  if (filled > 0) result.torn = { offset };
  return result;
}

/** A reader of the bytes [start, end) of a file. */
export async function verifyFileRange(file: string, start: number, end: number, firstPrev: RangePrev, expectedHead?: Uint8Array): Promise<RangeResult> {
  const handle = await open(file, 'r');
  try {
    let position = start;
    return await verifyLines(
      async (buffer, at, length) => {
        const want = Math.min(length, end - position);
        if (want <= 0) return 0;
        const { bytesRead } = await handle.read(buffer, at, want, position);
        position += bytesRead;
        return bytesRead;
      },
      start,
      firstPrev,
      expectedHead,
    );
  } finally {
    await handle.close();
  }
}

/** What the coordinator sends a worker (workerData). */
export interface ChainWorkerJob {
  agentGatesChainWorker: true;
  file: string;
  start: number;
  end: number;
  firstPrev: Uint8Array | null | 'any';
  expectedHead?: Uint8Array;
}

/** Whether this thread is a verify-chain worker started by verifyChain. */
export function isChainWorker(): boolean {
  return !isMainThread && (workerData as Partial<ChainWorkerJob> | null)?.agentGatesChainWorker === true;
}

/** The worker's side: verifies its range and posts the RangeResult (or `{ error }`). */
export async function serveChainWorker(): Promise<void> {
  if (!parentPort || !isChainWorker()) throw new Error('serveChainWorker runs only in a worker thread started by verifyChain');
  const job = workerData as ChainWorkerJob;
  try {
    parentPort.postMessage({ result: await verifyFileRange(job.file, job.start, job.end, job.firstPrev, job.expectedHead) });
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
}
