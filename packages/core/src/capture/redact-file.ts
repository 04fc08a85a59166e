// The file redactor: reads a transcript file in chunks and redacts it, inline or on a worker thread
// that runs serveRedaction(). It knows nothing of a capture, so capture/index.ts can use it.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { isMainThread, MessageChannel, type MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
import { ConfigError, type ErrorCode } from '../errors.js';
import type { SecretEngine } from '../secrets/index.js';
import { createChunkRedactor, type ChunkRedactorOptions, type ChunkResult } from './chunks.js';

const ROLE = 'agent-gates-redaction';
/** The thread ahead of the redaction thread that works out each JSON line's verdict (chunks.ts `verdicts`). */
const VERDICT_ROLE = 'agent-gates-line-verdicts';

interface RedactionWorkerData {
  role: string;
  options: ChunkRedactorOptions;
  /** Between the verdict thread and the redaction thread: chunks with their lines' verdicts. */
  port?: MessagePort;
}

/** True in a thread started by `redactFile` to redact for it. */
function isRedactionWorker(): boolean {
  const role = (workerData as { role?: string } | null)?.role;
  return !isMainThread && (role === ROLE || role === VERDICT_ROLE);
}

type WorkerMessage =
  { type: 'chunk'; bytes: Uint8Array; verdicts?: Int32Array } | { type: 'end'; verdicts?: Int32Array } | { type: 'failed'; error: string; code?: string };
type WorkerReply = { ok: true; result: ChunkResult } | { ok: false; error: string; code?: string };

/** An error as a reply, keeping a ConfigError's code (E_TOO_LARGE for a line over the bound). */
function failureReply(error: unknown): WorkerReply {
  const code = (error as { code?: unknown }).code;
  return { ok: false, error: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) };
}

export function serveRedaction(): void {
  const port = parentPort;
  if (!port || !isRedactionWorker()) throw new Error('serveRedaction runs only in a worker thread started by redactFile');
  const data = workerData as RedactionWorkerData;
  if (data.role === VERDICT_ROLE) return serveVerdicts(port, data.port!, data.options);
  let redactor: ReturnType<typeof createChunkRedactor>;
  try {
    redactor = createChunkRedactor(data.options);
  } catch (error) {
    port.postMessage(failureReply(error));
    return;
  }
  // Chunks come from the main thread, or with their verdicts from the verdict thread.
  const input = data.port ?? port;
  input.on('message', (message: WorkerMessage) => {
    if (message.type === 'failed') {
      port.postMessage({ ok: false, error: message.error, ...(message.code ? { code: message.code } : {}) } satisfies WorkerReply);
      input.close();
      return;
    }
    try {
      const result = message.type === 'chunk' ? redactor.push(message.bytes, message.verdicts) : redactor.finish(message.verdicts);
      // The stored bytes move to the main thread rather than being copied (see chunks.ts join()).
      port.postMessage({ ok: true, result } satisfies WorkerReply, [result.bytes.buffer as ArrayBuffer]);
      if (message.type === 'end') input.close();
    } catch (error) {
      port.postMessage(failureReply(error));
    }
  });
}

/** The verdict thread: cuts the lines and passes each chunk on to the redaction thread with their verdicts. */
function serveVerdicts(port: MessagePort, next: MessagePort, options: ChunkRedactorOptions): void {
  let computer: ReturnType<typeof createChunkRedactor>;
  let failed = false;
  const fail = (error: unknown) => {
    failed = true;
    const reply = failureReply(error) as { error: string; code?: string };
    next.postMessage({ type: 'failed', error: reply.error, ...(reply.code ? { code: reply.code } : {}) } satisfies WorkerMessage);
  };
  try {
    computer = createChunkRedactor(options);
  } catch (error) {
    fail(error);
    return;
  }
  port.on('message', (message: WorkerMessage) => {
    if (failed || message.type === 'failed') return;
    try {
      if (message.type === 'chunk') {
        // Nothing of the chunk is kept here (an unfinished line is copied), so it moves on as it came.
        const verdicts = computer.push(message.bytes).verdicts!;
        next.postMessage({ type: 'chunk', bytes: message.bytes, verdicts } satisfies WorkerMessage, [
          message.bytes.buffer as ArrayBuffer,
          verdicts.buffer as ArrayBuffer,
        ]);
      } else {
        const verdicts = computer.finish().verdicts!;
        next.postMessage({ type: 'end', verdicts } satisfies WorkerMessage, [verdicts.buffer as ArrayBuffer]);
        port.close();
      }
    } catch (error) {
      fail(error);
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
/** Chunks in flight to the worker: enough to keep both threads busy, few enough to bound memory. */
const IN_FLIGHT = 4;

/**
 * Reads a file and redacts it chunk by chunk, handing results out in order, with the digests of
 * the bytes read and the bytes stored. With a worker entry, redaction and hashing run on a second
 * thread while this one parses and writes what comes back: on a runner's two cores that nearly halves the time of a large transcript.
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

  // Both digests are taken on this thread: the redaction thread is the busier one, while this one only
  // reads, parses what comes back and writes.
  const sourceHash = createHash('sha256');
  const storedHash = createHash('sha256');
  // The worker keeps only the lines it holds back; a small heap keeps the action's memory bounded.
  const limits = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 128 };
  // A JSON transcript's redaction is shared by two threads: the rules' verdict on each line depends on
  // the line alone and is worked out on a thread ahead; the rest depends on the stream so far (values
  // learned, streamed records held) and runs on the redaction thread. Chunks go through both in turn.
  const split = options.redaction.kind === 'json';
  const channel = split ? new MessageChannel() : null;
  const verdictWorker = channel
    ? new Worker(options.workerEntry, {
        workerData: {
          role: VERDICT_ROLE,
          options: { ...options.redaction, digests: false, verdicts: 'compute' },
          port: channel.port1,
        } satisfies RedactionWorkerData,
        transferList: [channel.port1],
        resourceLimits: limits,
      })
    : null;
  const worker = new Worker(options.workerEntry, {
    workerData: {
      role: ROLE,
      options: { ...options.redaction, digests: false, ...(channel ? { verdicts: 'take' as const } : {}) },
      ...(channel ? { port: channel.port2 } : {}),
    } satisfies RedactionWorkerData,
    ...(channel ? { transferList: [channel.port2] } : {}),
    resourceLimits: limits,
  });
  const first = verdictWorker ?? worker;
  const replies: WorkerReply[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  worker.on('message', (reply: WorkerReply) => {
    replies.push(reply);
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
  verdictWorker?.on('error', (error) => {
    failure = error;
    wake?.();
  });
  let inFlight = 0;
  const next = async (): Promise<void> => {
    while (replies.length === 0) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
    const reply = replies.shift()!;
    inFlight -= 1;
    if (!reply.ok) {
      if (reply.code?.startsWith('E_') && reply.code !== 'E_INTERNAL') throw new ConfigError(reply.code as ErrorCode, reply.error);
      throw new Error(reply.error);
    }
    storedHash.update(reply.result.bytes);
    await deliver(reply.result);
  };
  try {
    for await (const chunk of createReadStream(options.file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      total += chunk.length;
      sourceHash.update(chunk);
      // Not needed here after this (hashed just above), so the bytes move instead of being copied.
      const owned = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
      const bytes = owned ? chunk : Uint8Array.prototype.slice.call(chunk);
      first.postMessage({ type: 'chunk', bytes } satisfies WorkerMessage, [bytes.buffer as ArrayBuffer]);
      inFlight += 1;
      if (inFlight >= IN_FLIGHT) await next();
    }
    first.postMessage({ type: 'end' } satisfies WorkerMessage);
    inFlight += 1;
    while (inFlight > 0) await next();
  } finally {
    await Promise.all([worker.terminate(), verdictWorker?.terminate()]);
  }
  return { bytes: total, sha256: sourceHash.digest('hex'), storedSha256: storedHash.digest('hex') };
}
