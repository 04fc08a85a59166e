// diff-scope's secret scan on a thread of its own. The diff is read, parsed and judged by the other
// rules on the main thread as git streams it; scanning the added text for secrets is a fifth of that
// work and needs nothing but the text, so it runs beside it on the second core. Files come back in
// the order they went, so the findings, and the report, are the same as when one thread does all.
import { existsSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createSecretEngine, type SecretEngine } from '../../secrets/index.js';
import type { SecretEngineOptions } from '../../secrets/engine-types.js';

const ROLE = 'agent-gates-diff-secrets';
/** Text posted in one message at most, and files per message: fewer, larger messages cost less. */
const BATCH_CHARS = 1 << 20;
const BATCH_FILES = 512;
/**
 * Text scanned on the calling thread before the thread is started: a small change is done before a
 * thread could start (about 40 ms), so only a change past this much added text pays for one.
 */
export const THREAD_AFTER_CHARS = 4 << 20;

/** What the rule needs of a finding: the rest of the engine's finding stays on the thread. */
export interface ScanHit {
  ruleId: string;
  line: number;
  start: number;
  end: number;
  fingerprint: string;
}

type Request = { texts: string[] };
type Reply = { ok: true; hits: ScanHit[][] } | { ok: false; error: string };

const toHits = (engine: SecretEngine, text: string): ScanHit[] =>
  engine.scan(text).map(({ ruleId, line, start, end, fingerprint }) => ({ ruleId, line, start, end, fingerprint }));

/** True in a thread started by SecretScanner. */
export function isDiffSecretsWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === ROLE;
}

/** The thread's side: an engine built from the same options, answering each batch in order. */
export function serveDiffSecretScan(): void {
  const port = parentPort;
  if (!port || !isDiffSecretsWorker()) throw new Error('serveDiffSecretScan runs only in a thread started by SecretScanner');
  let engine: SecretEngine;
  try {
    engine = createSecretEngine((workerData as { engine: SecretEngineOptions }).engine);
  } catch (error) {
    port.on('message', () => port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) } satisfies Reply));
    return;
  }
  port.on('message', (request: Request) => {
    try {
      port.postMessage({ ok: true, hits: request.texts.map((text) => toHits(engine, text)) } satisfies Reply);
    } catch (error) {
      port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) } satisfies Reply);
    }
  });
}

/**
 * Scans texts for secrets, in order: on the calling thread until THREAD_AFTER_CHARS of text went
 * through, then on a worker thread started from `workerEntry` (when one is given and exists). `add`
 * returns at once; `results` gives every text's hits, by the index `add` returned. A thread that
 * fails mid-scan fails the scan: a change whose text was not all scanned never gets a verdict.
 */
export class SecretScanner {
  private local: SecretEngine | undefined;
  private worker: Worker | undefined;
  private scannedHere = 0;
  private readonly hits: Array<ScanHit[] | undefined> = [];
  private batch: { first: number; texts: string[]; chars: number } | undefined;
  private readonly inFlight: Array<(reply: Reply) => void> = [];
  private dead = false;
  private readonly done: Promise<unknown>[] = [];
  private failure: Error | undefined;

  private readonly workerEntry: string | undefined;
  private readonly threadAfterChars: number;

  /** `engine`: one built already from `engineOptions`, for the calling thread's share. */
  constructor(
    private readonly engineOptions: SecretEngineOptions,
    options: { engine?: SecretEngine; workerEntry?: string; threadAfterChars?: number } = {},
  ) {
    this.local = options.engine;
    this.workerEntry = options.workerEntry;
    this.threadAfterChars = options.threadAfterChars ?? THREAD_AFTER_CHARS;
  }

  private engine(): SecretEngine {
    return (this.local ??= createSecretEngine(this.engineOptions));
  }

  add(text: string): number {
    const index = this.hits.length;
    this.hits.push(undefined);
    if (!this.useThread(text.length)) {
      this.hits[index] = toHits(this.engine(), text);
      return index;
    }
    const batch = (this.batch ??= { first: index, texts: [], chars: 0 });
    batch.texts.push(text);
    batch.chars += text.length;
    if (batch.chars >= BATCH_CHARS || batch.texts.length >= BATCH_FILES) this.post();
    return index;
  }

  /** Every text's hits, by index; rejects when the thread failed. Ends the thread. */
  async results(): Promise<ScanHit[][]> {
    try {
      this.post();
      // Unref'd while the diff streamed; now the answers are all that is left to wait for.
      this.worker?.ref();
      await Promise.all(this.done);
      if (this.failure) throw this.failure;
      return this.hits.map((h) => h ?? []);
    } finally {
      const worker = this.worker;
      this.dead = true;
      await worker?.terminate();
    }
  }

  private useThread(chars: number): boolean {
    if (this.worker) return true;
    if (this.workerEntry === undefined || this.scannedHere + chars <= this.threadAfterChars || !existsSync(this.workerEntry)) {
      this.scannedHere += chars;
      return false;
    }
    const worker = new Worker(this.workerEntry, { workerData: { role: ROLE, engine: this.engineOptions } });
    // An idle thread never keeps the process alive; results() ends it.
    worker.unref();
    worker.on('message', (reply: Reply) => this.inFlight.shift()?.(reply));
    const fail = (error: Error) => {
      this.dead = true;
      this.failure ??= new Error(`the secret scan thread failed: ${error.message}`);
      for (const settle of this.inFlight.splice(0)) settle({ ok: false, error: this.failure.message });
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.inFlight.length > 0 || !this.dead) fail(new Error(`it exited (${code}) with ${this.inFlight.length} batch(es) unanswered`));
    });
    this.worker = worker;
    return true;
  }

  private post(): void {
    const batch = this.batch;
    this.batch = undefined;
    if (!batch || !this.worker) return;
    // A thread that is gone answers nothing: the failure it left is what results() reports.
    if (this.dead) return;
    this.done.push(
      new Promise<void>((resolve) => {
        this.inFlight.push((reply) => {
          if (!reply.ok) this.failure ??= new Error(`the secret scan thread failed: ${reply.error}`);
          else if (reply.hits.length !== batch.texts.length)
            this.failure ??= new Error('the secret scan thread answered a batch with the wrong number of texts');
          else for (let i = 0; i < reply.hits.length; i++) this.hits[batch.first + i] = reply.hits[i]!;
          resolve();
        });
      }),
    );
    this.worker.postMessage({ texts: batch.texts } satisfies Request);
  }
}
