// The capture worker: a whole capture on its own thread (captureInWorker, serveCapture). The action's
// worker entry serves both this and the file redactor's thread, so it re-exports the latter.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ConfigError, type ErrorCode } from '../errors.js';
import type { CaptureOptions, CaptureResult } from './index.js';

export { serveRedaction } from './redact-file.js';

const CAPTURE_ROLE = 'agent-gates-capture';
const MAX_MASKED_VALUES = 1000;

type CaptureReply = { ok: true; result: CaptureResult; secrets: string[] } | { ok: false; code?: string; error: string };

/** True in a thread started by captureInWorker. */
export function isCaptureWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === CAPTURE_ROLE;
}

/** Runs in the capture worker: the whole capture, with secret values sent back for masking. */
export async function serveCapture(): Promise<void> {
  const port = parentPort;
  if (!port || !isCaptureWorker()) throw new Error('serveCapture runs only in a worker thread started by captureInWorker');
  // Loaded here, not at the top: the redaction thread starts from the same entry and needs none of it.
  const { captureTranscript } = await import('./index.js');
  const secrets = new Set<string>();
  try {
    const options = (workerData as { options: CaptureOptions }).options;
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
  options: Omit<CaptureOptions, 'onSecret'>,
  workerEntry: string,
  onSecret: (value: string) => void,
): Promise<CaptureResult> {
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
      if (reply.code && reply.code.startsWith('E_') && reply.code !== 'E_INTERNAL') throw new ConfigError(reply.code as ErrorCode, reply.error);
      throw new Error(reply.error);
    }
    for (const value of reply.secrets) onSecret(value);
    return reply.result;
  } finally {
    await worker.terminate();
  }
}
