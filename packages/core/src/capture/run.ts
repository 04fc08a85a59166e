import { statSync } from 'node:fs';
import { captureTranscript, WORKER_MIN_BYTES } from './index.js';
import type { CaptureOptions, CaptureResult } from './types.js';
import { captureInWorker } from './worker.js';

// Its own module: the capture worker loads index.js, so index.js must not load the worker.
/**
 * Captures on worker threads when the transcript is large and a worker entry is given (see
 * captureInWorker: bounded heaps), inline otherwise. The one place that chooses.
 */
export async function runCapture(options: CaptureOptions): Promise<CaptureResult> {
  const { onSecret, ...rest } = options;
  if (options.workerEntry && statSync(options.source).size >= WORKER_MIN_BYTES) {
    return captureInWorker(rest, options.workerEntry, onSecret ?? (() => undefined));
  }
  return captureTranscript(options);
}
