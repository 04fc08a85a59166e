import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ErrorCode } from '../errors.js';
import { createSecretEngine, type SecretEngine } from '../secrets/index.js';
import { type ChunkRedactor, createChunkRedactor, type ChunkRedactorOptions, type ChunkResult } from './chunks.js';

const ROLE = 'agent-gates-redaction';

/** True in a thread started by `redactFile` to redact for it. */
export function isRedactionWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === ROLE;
}

/** Bytes of the file, in order; `last` ends the worker's current segment (see redactFile). */
type WorkerMessage = { type: 'chunk'; bytes: Uint8Array; last: boolean };
type WorkerReply = { ok: true; result: ChunkResult } | { ok: false; error: string };

/** One result for a push and the finish that follows it: what the two hold, in order. */
function joinResults(a: ChunkResult, b: ChunkResult): ChunkResult {
  const bytes = new Uint8Array(a.bytes.length + b.bytes.length);
  bytes.set(a.bytes, 0);
  bytes.set(b.bytes, a.bytes.length);
  const redacted = a.redactedText !== undefined || b.redactedText !== undefined;
  return {
    bytes,
    ...(redacted ? { redactedText: (a.redactedText ?? '') + (b.redactedText ?? '') } : {}),
    found: [...a.found, ...b.found],
    invalidLines: a.invalidLines + b.invalidLines,
    byteOrderMark: a.byteOrderMark || b.byteOrderMark,
  };
}

export function serveRedaction(): void {
  const port = parentPort;
  if (!port || !isRedactionWorker()) throw new Error('serveRedaction runs only in a worker thread started by redactFile');
  const options = (workerData as { options: ChunkRedactorOptions }).options;
  let engine: SecretEngine;
  try {
    engine = createSecretEngine({ ...options.engine, byteText: true });
  } catch (error) {
    port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply);
    return;
  }
  // One chunk redactor per segment, all on this thread's engine: a segment starts with no state.
  let redactor: ChunkRedactor | null = null;
  port.on('message', (message: WorkerMessage) => {
    try {
      redactor ??= createChunkRedactor(options, engine);
      let result = redactor.push(message.bytes);
      if (message.last) {
        result = joinResults(result, redactor.finish());
        redactor = null;
      }
      // The stored bytes move to the main thread rather than being copied (see chunks.ts join()).
      port.postMessage({ ok: true, result } satisfies WorkerReply, [result.bytes.buffer as ArrayBuffer]);
    } catch (error) {
      port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply);
    }
  });
}

export interface RedactFileOptions {
  file: string;
  redaction: ChunkRedactorOptions;
  /** A script that calls serveRedaction(); without it, redaction runs inline. */
  workerEntry?: string;
  /** The engine already built for this run, reused when redaction runs inline. */
  engine?: SecretEngine;
  onResult(result: ChunkResult): Promise<void> | void;
}

const CHUNK_BYTES = 512 * 1024;
/** Chunks in flight to each worker: enough to keep the threads busy, few enough to bound memory. */
const IN_FLIGHT = 2;
/** Redaction threads for JSON Lines: a runner has two cores, and the reading thread needs little. */
const JSON_WORKERS = 2;

const NEWLINE = 10;

/**
 * Where the bytes read so far can be cut so that the part after the cut is redacted exactly as it would
 * be in one stream: at the start of a complete line that is not a streaming record (no `delta`, any case:
 * the JSON line redactor holds such records back and joins them with their neighbours) and does not begin
 * with a byte order mark (only a file's start may). A redactor holds nothing back before such a line, so a
 * fresh one continues there with the same output. Returns the offset, or -1.
 */
export function safeCut(bytes: Uint8Array): number {
  const lastNewline = bytes.lastIndexOf(NEWLINE);
  if (lastNewline < 0) return -1;
  // The line after the last newline is not complete; the one before it is.
  let end = lastNewline;
  for (let tries = 0; tries < 8; tries++) {
    const start = end === 0 ? 0 : bytes.lastIndexOf(NEWLINE, end - 1) + 1;
    if (start === 0) return -1; // the segment's first line: no cut before it
    if (!(bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) && !holdsDelta(bytes, start, end)) return start;
    end = start - 1;
  }
  return -1;
}

function holdsDelta(bytes: Uint8Array, start: number, end: number): boolean {
  // ASCII case folding, as the keyword pass does.
  for (let i = start; i + 5 <= end; i++) {
    if ((bytes[i]! | 0x20) === 0x64 && (bytes[i + 1]! | 0x20) === 0x65 && (bytes[i + 2]! | 0x20) === 0x6c && (bytes[i + 3]! | 0x20) === 0x74 && (bytes[i + 4]! | 0x20) === 0x61) return true;
  }
  return false;
}

/**
 * Reads a file and redacts it chunk by chunk, handing results out in order, with the digests of
 * the bytes read and the bytes stored. With a worker entry, redaction runs on other threads while this
 * one parses and writes what comes back. JSON Lines are cut into segments at lines where no redactor
 * state carries over (see safeCut), and segments go to two threads in turn; a segment that cannot be cut
 * goes on in the same thread. Results come back in file order, so the output is byte for byte what one
 * thread makes.
 */
export async function redactFile(options: RedactFileOptions): Promise<{ bytes: number; sha256: string; storedSha256: string }> {
  let total = 0;
  let digests = { source: '', stored: '' };
  const deliver = async (result: ChunkResult) => {
    if (result.sourceSha256 && result.storedSha256) digests = { source: result.sourceSha256, stored: result.storedSha256 };
    await options.onResult(result);
  };

  if (!options.workerEntry) {
    const redactor = createChunkRedactor(options.redaction, options.engine);
    // A small file is read in one call: a stream costs more to set up than the read itself.
    const size = statSync(options.file).size;
    if (size <= CHUNK_BYTES) {
      const bytes = readFileSync(options.file);
      await deliver(redactor.push(bytes));
      await deliver(redactor.finish());
      return { bytes: bytes.length, sha256: digests.source, storedSha256: digests.stored };
    }
    for await (const chunk of createReadStream(options.file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      total += chunk.length;
      await deliver(redactor.push(chunk));
    }
    await deliver(redactor.finish());
    return { bytes: total, sha256: digests.source, storedSha256: digests.stored };
  }

  // Each worker keeps only the lines it holds back; a small heap keeps the action's memory bounded.
  const count = options.redaction.kind === 'json' ? JSON_WORKERS : 1;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const threads = Array.from({ length: count }, () => {
    const worker = new Worker(options.workerEntry!, {
      // Segments are hashed here, over the whole file: a worker's digests would cover its segments only.
      workerData: { role: ROLE, options: { ...options.redaction, digests: false } satisfies ChunkRedactorOptions },
      resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 128 },
    });
    const thread = { worker, replies: [] as WorkerReply[] };
    worker.on('message', (reply: WorkerReply) => {
      thread.replies.push(reply);
      wake?.();
    });
    worker.on('error', (error) => {
      failure = error;
      wake?.();
    });
    worker.on('exit', (code) => {
      if (code !== 0 && !failure) failure = new Error(`redaction worker exited with code ${code}`);
      wake?.();
    });
    return thread;
  });
  const sourceHash = createHash('sha256');
  const storedHash = createHash('sha256');
  // What was sent, in file order: which thread answers it, and whether it ends a segment.
  const sent: { thread: (typeof threads)[number]; last: boolean }[] = [];
  // Segments number their lines from 1: found lines are moved by the lines of the segments before.
  let segmentBase = 0;
  let lines = 0;
  const next = async (): Promise<void> => {
    const { thread, last } = sent.shift()!;
    while (thread.replies.length === 0) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
    const reply = thread.replies.shift()!;
    if (!reply.ok) throw new Error(reply.error);
    const result = reply.result;
    storedHash.update(result.bytes);
    for (const f of result.found) f.line += segmentBase;
    for (let i = result.bytes.indexOf(NEWLINE); i >= 0; i = result.bytes.indexOf(NEWLINE, i + 1)) lines++;
    if (last) segmentBase = lines;
    await deliver(result);
  };
  let current = 0;
  const send = async (bytes: Uint8Array, last: boolean) => {
    const thread = threads[current]!;
    thread.worker.postMessage({ type: 'chunk', bytes, last } satisfies WorkerMessage, [bytes.buffer as ArrayBuffer]);
    sent.push({ thread, last });
    if (last) current = (current + 1) % threads.length;
    if (sent.length >= IN_FLIGHT * threads.length) await next();
  };
  try {
    for await (const chunk of createReadStream(options.file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      total += chunk.length;
      sourceHash.update(chunk);
      // Not needed here after this, so the bytes move instead of being copied.
      const owned = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
      const bytes: Uint8Array = owned ? chunk : Uint8Array.prototype.slice.call(chunk);
      const cut = threads.length > 1 ? safeCut(bytes) : -1;
      if (cut < 0) await send(bytes, false);
      else {
        // The rest of the chunk starts the next segment, on the next thread.
        // A copy (Buffer's own slice would share the memory that moves with the head).
        const rest: Uint8Array = Uint8Array.prototype.slice.call(bytes, cut);
        await send(bytes.subarray(0, cut), true);
        await send(rest, false);
      }
    }
    await send(new Uint8Array(0), true);
    while (sent.length > 0) await next();
  } finally {
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }
  return { bytes: total, sha256: sourceHash.digest('hex'), storedSha256: storedHash.digest('hex') };
}

const CAPTURE_ROLE = 'agent-gates-capture';
const MAX_MASKED_VALUES = 1000;

type CaptureReply =
  | { ok: true; result: import('./index.js').CaptureResult; secrets: string[] }
  | { ok: false; code?: string; error: string };

/** True in a thread started by captureInWorker. */
export function isCaptureWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === CAPTURE_ROLE;
}

/** Runs in the capture worker: the whole capture, with secret values sent back for masking. */
export async function serveCapture(): Promise<void> {
  const port = parentPort;
  if (!port || !isCaptureWorker()) throw new Error('serveCapture runs only in a worker thread started by captureInWorker');
  const { captureTranscript } = await import('./index.js');
  const secrets = new Set<string>();
  try {
    const options = (workerData as { options: import('./index.js').CaptureOptions }).options;
    const result = await captureTranscript({
      ...options,
      onSecret: (value) => {
        if (secrets.size < MAX_MASKED_VALUES) secrets.add(value);
      },
    });
    port.postMessage({ ok: true, result, secrets: [...secrets] } satisfies CaptureReply);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    port.postMessage({
      ok: false,
      ...(typeof code === 'string' ? { code } : {}),
      error: error instanceof Error ? error.message : String(error),
    } satisfies CaptureReply);
  }
}

/**
 * Runs a capture on its own thread with a bounded young generation. V8 sizes a busy thread's heap
 * by its allocation rate, and parsing a gigabyte of JSON allocates fast: on the main thread, whose
 * heap limits cannot be set from inside the process, the heap grew past 400 MiB for a transcript
 * whose live data stays under 30 MiB. A worker takes resource limits, so memory stays flat.
 */
export async function captureInWorker(
  options: Omit<import('./index.js').CaptureOptions, 'onSecret'>,
  workerEntry: string,
  onSecret: (value: string) => void,
): Promise<import('./index.js').CaptureResult> {
  const worker = new Worker(workerEntry, {
    workerData: { role: CAPTURE_ROLE, options: { ...options, workerEntry } },
    // Only the young generation is bounded: old-space holds what the capture keeps, which is small
    // for a streamed transcript, and a single-JSON document is allowed its size.
    resourceLimits: { maxYoungGenerationSizeMb: 24 },
  });
  try {
    const reply = await new Promise<CaptureReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`capture worker exited with code ${code} before answering`)));
    });
    if (!reply.ok) {
      const { ConfigError } = await import('../errors.js');
      if (reply.code && reply.code.startsWith('E_') && reply.code !== 'E_INTERNAL') throw new ConfigError(reply.code as ErrorCode, reply.error);
      throw new Error(reply.error);
    }
    for (const value of reply.secrets) onSecret(value);
    return reply.result;
  } finally {
    await worker.terminate();
  }
}
