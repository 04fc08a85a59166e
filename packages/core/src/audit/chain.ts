import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { verifyFileRange, verifyLines, type ChainWorkerJob, type RangePrev, type RangeResult, type ReadInto } from './chain-range.js';
import { AUDIT_SCHEMA_VERSION, eventDigest } from './event.js';

/** How a chain is broken, at which line (1-based). */
export interface ChainBreak {
  line: number;
  kind: 'parse' | 'schema-version' | 'digest' | 'prev' | 'torn' | 'head';
  message: string;
}

export interface ChainResult {
  ok: boolean;
  /** Complete lines read, up to the first break. */
  events: number;
  /** Digest of the last event that verified (the chain head), or null for an empty log. */
  head: string | null;
  break?: ChainBreak;
}

export interface VerifyChainOptions {
  /** The head recorded outside the log: a log cut after it, or extended past it, does not verify. */
  expectedHead?: string;
  /** `prev` the first event must carry (a log continuing another); default null, a log's first event. */
  firstPrev?: string | null;
  /** Name of the log in messages. */
  name?: string;
  /**
   * A module that runs `serveChainWorker()` when loaded in a worker thread (see chain-range.ts): with
   * it, a large log is verified on two threads. Without it, or when it cannot start, on this one.
   */
  workerEntry?: string | URL;
  /** Threads to use (1 or 2); default 2 when two cores are available. */
  threads?: number;
  /** Smallest file verified on worker threads; default CHAIN_WORKER_MIN_BYTES. */
  workerMinBytes?: number;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const NEWLINE = 0x0a;

/** Whether every object's keys, at every depth, are in RFC 8785 order (UTF-16 code units). */
function keysSorted(value: unknown): boolean {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object' && !keysSorted(item)) return false;
    return true;
  }
  if (value === null || typeof value !== 'object') return true;
  let previous: string | undefined;
  for (const key in value) {
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
    const item = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object' && !keysSorted(item)) return false;
  }
  return true;
}

/**
 * The digest a line's event carries, checked. A line written by audit-emit is the event's canonical
 * JSON, so its digest is sha256 of the line with the `digest` member cut out: one hash over the bytes.
 * That shortcut is taken only when the line provably is canonical (JSON.stringify gives it back byte
 * for byte: no whitespace, no duplicate key, the standard escapes and numbers; and every key is in
 * order); any other line is canonicalised in full, so both ways compute the same digest.
 */
function lineDigestMatches(text: string, event: Record<string, unknown>, digest: string): boolean {
  if (JSON.stringify(event) === text && keysSorted(event)) {
    const member = `"digest":${JSON.stringify(digest)}`;
    const at = text.indexOf(member);
    if (at > 0) {
      const before = text[at - 1];
      const after = text[at + member.length];
      // `{"digest":..,"x":..}` loses the comma after it; `..,"digest":..}` the comma before.
      const cut =
        before === ','
          ? text.slice(0, at - 1) + text.slice(at + member.length)
          : after === ','
            ? text.slice(0, at) + text.slice(at + member.length + 1)
            : text.slice(0, at) + text.slice(at + member.length);
      if (`sha256:${createHash('sha256').update(cut).digest('hex')}` === digest) return true;
    }
  }
  return eventDigest(event as never) === digest;
}

/**
 * Checks one line against the chain so far; the reason it breaks it, or the event's digest.
 * Exported for the file sink, which checks the last line of a log before extending it.
 */
export function checkLine(text: string, line: number, prev: string | null, name: string): { digest: string } | ChainBreak {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    return { line, kind: 'parse', message: `${name}:${line} is not JSON${text.length === 0 ? ' (an empty line)' : ''}` };
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return { line, kind: 'parse', message: `${name}:${line} is not a JSON object` };
  const record = event as Record<string, unknown>;
  if (record.schema_version !== AUDIT_SCHEMA_VERSION) {
    return {
      line,
      kind: 'schema-version',
      message: `${name}:${line} has schema_version ${JSON.stringify(record.schema_version)}; this reader knows ${AUDIT_SCHEMA_VERSION}`,
    };
  }
  const digest = record.digest;
  if (typeof digest !== 'string' || !DIGEST.test(digest) || !lineDigestMatches(text, record, digest)) {
    return { line, kind: 'digest', message: `${name}:${line}: the event's digest does not match its content (edited after it was written)` };
  }
  if (record.prev !== prev) {
    return {
      line,
      kind: 'prev',
      message: `${name}:${line}: prev is ${JSON.stringify(record.prev)} but the event before ${line > 1 ? `(line ${line - 1}) has digest ${prev}` : `it should be ${JSON.stringify(prev)}`}: an event was removed, inserted or moved`,
    };
  }
  return { digest };
}

/** Logs at least this large are verified on two worker threads, when a worker entry is given. */
export const CHAIN_WORKER_MIN_BYTES = 64 * 1024 * 1024;

/** A reader over an async iterable of chunks, copying into the buffer the range verifier gives. */
function iterableReader(source: AsyncIterable<Buffer | Uint8Array | string>): ReadInto {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Buffer | undefined;
  return async (buffer, at, length) => {
    while (!pending || pending.length === 0) {
      const next = await iterator.next();
      if (next.done) return 0;
      const chunk = next.value;
      pending = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    const n = Math.min(length, pending.length);
    pending.copy(buffer, at, 0, n);
    pending = pending.subarray(n);
    return n;
  };
}

/** Byte offset just after the first line end at or after `from`, or -1 when none follows. */
async function lineStartAfter(file: string, from: number): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    for (let position = from; ;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return -1;
      const at = buffer.subarray(0, bytesRead).indexOf(NEWLINE);
      if (at >= 0) return position + at + 1;
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

function runWorker(entry: string | URL, job: ChainWorkerJob): { promise: Promise<RangeResult>; worker: Worker } {
  const worker = new Worker(entry, {
    workerData: job,
    // The worker keeps one read buffer and the line it checks: a small heap is plenty, and bounds RSS.
    resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 },
    stdout: false,
    stderr: false,
  });
  const promise = new Promise<RangeResult>((resolve, reject) => {
    worker.once('message', (message: { result?: RangeResult; error?: string }) =>
      message.result ? resolve(message.result) : reject(new Error(message.error)),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`verify-chain worker exited with code ${code}`)));
  });
  return { promise, worker };
}

/**
 * Verifies [0, size) of a file in two halves on two worker threads: the second half starts at the
 * first line after the middle byte, so no line is split. Rejects when a worker cannot start or dies.
 */
async function verifyInWorkers(file: string, size: number, entry: string | URL, firstPrev: RangePrev, expectedHead?: Uint8Array): Promise<RangeResult[]> {
  const split = await lineStartAfter(file, Math.floor(size / 2));
  if (split <= 0 || split >= size) return [await verifyFileRange(file, 0, size, firstPrev, expectedHead)];
  const jobs: ChainWorkerJob[] = [
    { agentGatesChainWorker: true, file, start: 0, end: split, firstPrev, ...(expectedHead ? { expectedHead } : {}) },
    { agentGatesChainWorker: true, file, start: split, end: size, firstPrev: 'any', ...(expectedHead ? { expectedHead } : {}) },
  ];
  const running = jobs.map((job) => runWorker(entry, job));
  try {
    return await Promise.all(running.map((r) => r.promise));
  } finally {
    await Promise.all(running.map((r) => r.worker.terminate()));
  }
}

function rawOptions(options: VerifyChainOptions): { firstPrev: string | null; firstRaw: RangePrev; expectedRaw: Uint8Array | undefined } {
  const firstPrev = options.firstPrev ?? null;
  if (firstPrev !== null && !DIGEST.test(firstPrev)) throw new TypeError('firstPrev must be an event digest or null');
  const firstRaw: RangePrev = firstPrev === null ? null : Buffer.from(firstPrev.slice(7), 'hex');
  const expectedRaw = options.expectedHead !== undefined && DIGEST.test(options.expectedHead) ? Buffer.from(options.expectedHead.slice(7), 'hex') : undefined;
  return { firstPrev, firstRaw, expectedRaw };
}

/**
 * verifyChain on two worker threads whatever the file's size (the halves' split as in verifyChain);
 * rejects when the workers cannot run instead of falling back. verifyChain uses it for large logs.
 */
export async function verifyChainInWorkers(
  file: string,
  workerEntry: string | URL,
  options: Omit<VerifyChainOptions, 'workerEntry' | 'threads' | 'workerMinBytes'> = {},
): Promise<ChainResult> {
  const { firstPrev, firstRaw, expectedRaw } = rawOptions(options);
  const size = (await stat(file)).size;
  return joinRanges(await verifyInWorkers(file, size, workerEntry, firstRaw, expectedRaw), firstPrev, options.name ?? file, options.expectedHead);
}

const hexOf = (digest: Uint8Array | null): string | null => (digest === null ? null : `sha256:${Buffer.from(digest).toString('hex')}`);

/**
 * Joins the results of consecutive ranges into one: the first failure of the first range that fails,
 * with its line counted from the start of the log and its reason (kind, message) as checkLine gives
 * it; a range's first link is checked against the head of the range before.
 */
function joinRanges(ranges: RangeResult[], firstPrev: string | null, name: string, expectedHead: string | undefined): ChainResult {
  let count = 0;
  let headLine = 0;
  let head: string | null = firstPrev;
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i]!;
    const before = head;
    // The link across a split: the second range's first line verified on its own, its prev is checked here.
    if (i > 0 && range.lines > 0 && hexOf(range.firstPrev ?? null) !== before) {
      const line = count + 1;
      return {
        ok: false,
        events: count,
        head: before,
        break: {
          line,
          kind: 'prev',
          message: `${name}:${line}: prev is ${JSON.stringify(hexOf(range.firstPrev ?? null))} but the event before (line ${line - 1}) has digest ${before}: an event was removed, inserted or moved`,
        },
      };
    }
    if (range.fail) {
      // The reason and its message as checkLine gives them, with the line counted from the log's start.
      const line = count + range.fail.line;
      const prev = range.fail.line === 1 ? before : hexOf(range.head);
      const checked = checkLine(range.fail.text, line, prev, name);
      if (!('kind' in checked)) throw new Error(`${name}:${line}: the byte check and the full check of this line disagree`);
      return { ok: false, events: line - 1, head: prev, break: checked };
    }
    if (range.headLine > 0) headLine = count + range.headLine;
    count += range.lines;
    if (range.lines > 0) head = hexOf(range.head);
    if (range.torn) {
      const line = count + 1;
      return {
        ok: false,
        events: count,
        head,
        break: { line, kind: 'torn', message: `${name}:${line} is cut short (no line end): a write was interrupted or the log was truncated` },
      };
    }
  }
  if (expectedHead !== undefined && head !== expectedHead) {
    const message =
      headLine > 0
        ? `${name}: the expected head is line ${headLine}, but the log goes on to line ${count}`
        : `${name}: ends at line ${count} with head ${String(head)}, not the expected head ${expectedHead}: events after line ${count} are missing`;
    return { ok: false, events: count, head, break: { line: headLine > 0 ? headLine + 1 : count + 1, kind: 'head', message } };
  }
  return { ok: true, events: count, head };
}

/**
 * Verifies an audit log, streaming: every event's digest, and that each `prev` is the digest of the
 * line before. Stops at the first broken or missing link and names its line. With `expectedHead`
 * (kept outside the log: a step output, the summary, a collector), a log whose end was cut off or
 * extended does not verify either. Each line is checked on its bytes: a line that is the canonical
 * form audit-emit writes is hashed where it lies, without its `digest` member; any other line is
 * parsed and canonicalised in full. A file of CHAIN_WORKER_MIN_BYTES or more is verified in two halves
 * on two worker threads when `workerEntry` is given and two cores are available; the links across
 * the halves are checked here.
 */
export async function verifyChain(source: string | AsyncIterable<Buffer | Uint8Array | string>, options: VerifyChainOptions = {}): Promise<ChainResult> {
  const name = options.name ?? (typeof source === 'string' ? source : 'log');
  const { firstPrev, firstRaw, expectedRaw } = rawOptions(options);
  if (typeof source !== 'string') {
    return joinRanges([await verifyLines(iterableReader(source), 0, firstRaw, expectedRaw)], firstPrev, name, options.expectedHead);
  }
  const size = (await stat(source)).size;
  const threads = options.threads ?? Math.min(2, availableParallelism());
  if (options.workerEntry !== undefined && threads >= 2 && size >= (options.workerMinBytes ?? CHAIN_WORKER_MIN_BYTES)) {
    // A worker that cannot start (an entry its loader cannot run) leaves the whole log to this thread.
    const ranges = await verifyInWorkers(source, size, options.workerEntry, firstRaw, expectedRaw).catch(() => undefined);
    if (ranges) return joinRanges(ranges, firstPrev, name, options.expectedHead);
  }
  return joinRanges([await verifyFileRange(source, 0, Number.POSITIVE_INFINITY, firstRaw, expectedRaw)], firstPrev, name, options.expectedHead);
}
