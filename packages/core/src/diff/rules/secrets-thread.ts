// diff-scope's secret scan on a thread of its own. The diff is read, parsed and judged by the other
// rules on the main thread as git streams it; scanning the added text for secrets is a fifth of that
// work and needs nothing but the text, so it runs beside it on the second core. Files come back in
// the order they went, so the findings, and the report, are the same as when one thread does all.
import { existsSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createSecretEngine, type SecretEngine } from '../../secrets/index.js';
import type { SecretEngineOptions } from '../../secrets/engine-types.js';

const ROLE = 'agent-gates-diff-secrets';
/**
 * Text posted in one message at most, and files per message. Small batches: a text waiting in a batch
 * is kept alive on the main thread (and copied by its young-generation collections) until it is posted,
 * and the thread starts on it sooner. On the bench's change 1 MiB batches ran 0.1-0.2 s slower than
 * 128 KiB ones, 4 MiB batches 0.3 s slower, with 40-110 MiB more peak RSS.
 */
const BATCH_CHARS = 128 << 10;
const BATCH_FILES = 64;
/**
 * Text scanned on the calling thread before the thread is started: a small change is done before a
 * thread could start (about 40 ms), so only a change past this much added text pays for one. 256 KiB
 * scans in about 5 ms; at 4 MiB the main thread of a large change scanned (and compiled the engine's
 * regexes for) 60-100 ms of text the thread, idle then, could have taken.
 */
export const THREAD_AFTER_CHARS = 256 << 10;

/** A value longer than this is given (to the allow-list's regex) by its first part only: a regex may backtrack. */
export const VALUE_LIMIT = 4096;
/**
 * Text posted to the thread and not answered yet, at most: past it the calling thread scans the next
 * files itself, so a thread that falls behind neither holds the change's text twice nor lets it pile up.
 */
const MAX_IN_FLIGHT_CHARS = 32 << 20;

/** What the rule needs of a finding: the rest of the engine's finding stays on the thread. */
export interface ScanHit {
  ruleId: string;
  line: number;
  start: number;
  end: number;
  fingerprint: string;
  /** The matched value (its first VALUE_LIMIT characters), only for a text added with `values`. */
  value?: string;
}

type Request = { texts: string[]; values: boolean[] };
/** `found`: the batch's texts with hits only, by their place in the batch (most texts have none). */
type Reply = { ok: true; count: number; found: Array<[number, ScanHit[]]> } | { ok: false; error: string };

/** Every text without hits: one array, never changed. */
const NO_HITS: readonly ScanHit[] = Object.freeze([]);

const toHits = (engine: SecretEngine, text: string, values: boolean): ScanHit[] =>
  engine.scan(text).map(({ ruleId, line, start, end, fingerprint }) => ({
    ruleId,
    line,
    start,
    end,
    fingerprint,
    ...(values ? { value: text.slice(start, Math.min(end, start + VALUE_LIMIT)) } : {}),
  }));

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
      const found: Array<[number, ScanHit[]]> = [];
      request.texts.forEach((text, i) => {
        const hits = toHits(engine, text, request.values[i] === true);
        if (hits.length > 0) found.push([i, hits]);
      });
      port.postMessage({ ok: true, count: request.texts.length, found } satisfies Reply);
    } catch (error) {
      port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) } satisfies Reply);
    }
  });
}

interface Batch {
  indexes: number[];
  texts: string[];
  values: boolean[];
  chars: number;
}

/**
 * Scans texts for secrets, in order: on the calling thread until THREAD_AFTER_CHARS of text went
 * through, then on a worker thread started from `workerEntry` (when one is given and exists), and on
 * the calling thread again whenever the thread has MAX_IN_FLIGHT_CHARS unanswered. `add` returns at
 * once; `results` gives every text's hits, by the index `add` returned. A thread that fails mid-scan
 * fails the scan: a change whose text was not all scanned never gets a verdict. `dispose` ends the
 * thread when the scan is given up (the caller read the change another way, or failed).
 */
export class SecretScanner {
  private local: SecretEngine | undefined;
  private worker: Worker | undefined;
  private scannedHere = 0;
  private readonly hits: Array<readonly ScanHit[] | undefined> = [];
  private batch: Batch | undefined;
  private readonly inFlight: Array<(reply: Reply) => void> = [];
  private inFlightChars = 0;
  private sentTexts = 0;
  private dead = false;
  private readonly done: Promise<unknown>[] = [];
  private failure: Error | undefined;

  private readonly workerEntry: string | undefined;
  private readonly threadAfterChars: number;
  private readonly maxInFlightChars: number;

  /** `engine`: one built already from `engineOptions`, for the calling thread's share. */
  constructor(
    private readonly engineOptions: SecretEngineOptions,
    options: { engine?: SecretEngine; workerEntry?: string; threadAfterChars?: number; maxInFlightChars?: number } = {},
  ) {
    this.local = options.engine;
    this.workerEntry = options.workerEntry;
    this.threadAfterChars = options.threadAfterChars ?? THREAD_AFTER_CHARS;
    this.maxInFlightChars = options.maxInFlightChars ?? MAX_IN_FLIGHT_CHARS;
  }

  /** How many texts went to the thread (the rest were scanned on the calling thread). */
  get threadTexts(): number {
    return this.sentTexts;
  }

  private engine(): SecretEngine {
    return (this.local ??= createSecretEngine(this.engineOptions));
  }

  /**
   * Starts the thread now, before any text (when there is a worker entry and no thread yet): for a
   * change known to be large. Scanning even its first 256 KiB here cost about 95 ms, nearly all of it
   * compiling the engine's regexes on the thread that then reads the rest of the diff.
   */
  start(): void {
    const entry = this.worker || this.dead ? undefined : this.startableEntry();
    if (entry !== undefined) this.startWorker(entry);
  }

  /** The worker bundle, when one was given and is there: a thread can start from it. */
  private startableEntry(): string | undefined {
    return this.workerEntry !== undefined && existsSync(this.workerEntry) ? this.workerEntry : undefined;
  }

  /** `values`: give each hit's matched value (for an allow-list that tests values), wherever it is scanned. */
  add(text: string, values = false): number {
    const index = this.hits.length;
    this.hits.push(undefined);
    if (!this.useThread(text.length)) {
      this.hits[index] = toHits(this.engine(), text, values);
      return index;
    }
    const batch = (this.batch ??= { indexes: [], texts: [], values: [], chars: 0 });
    batch.indexes.push(index);
    batch.texts.push(text);
    batch.values.push(values);
    batch.chars += text.length;
    if (batch.chars >= BATCH_CHARS || batch.texts.length >= BATCH_FILES) this.post();
    return index;
  }

  /** Every text's hits, by index; rejects when the thread failed. Ends the thread. */
  async results(): Promise<Array<readonly ScanHit[]>> {
    try {
      this.post();
      // Unref'd while the diff streamed; now the answers are all that is left to wait for.
      this.worker?.ref();
      await Promise.all(this.done);
      if (this.failure) throw this.failure;
      return this.hits.map((h) => h ?? NO_HITS);
    } finally {
      await this.dispose();
    }
  }

  /** Ends the thread, if one started; what it was still scanning is dropped. */
  async dispose(): Promise<void> {
    // Whatever was not answered yet is not scanned: results() after this rejects, never answers with less.
    if (this.batch || this.inFlight.length > 0) this.failure ??= new Error('the secret scan was given up before every file was scanned');
    this.dead = true;
    this.batch = undefined;
    await this.worker?.terminate();
  }

  private useThread(chars: number): boolean {
    // Behind by more than the bound (or no thread yet): this text is scanned here.
    if (this.worker) return this.dead || this.inFlightChars + (this.batch?.chars ?? 0) + chars <= this.maxInFlightChars;
    const entry = this.scannedHere + chars <= this.threadAfterChars ? undefined : this.startableEntry();
    if (entry === undefined) {
      this.scannedHere += chars;
      return false;
    }
    this.startWorker(entry);
    return true;
  }

  private startWorker(entry: string): void {
    const worker = new Worker(entry, { workerData: { role: ROLE, engine: this.engineOptions } });
    // An idle thread never keeps the process alive; results() ends it.
    worker.unref();
    worker.on('message', (reply: Reply) => this.inFlight.shift()?.(reply));
    const fail = (error: Error) => {
      this.dead = true;
      this.failure ??= new Error(`the secret scan thread failed: ${error.message}`);
      for (const settle of this.inFlight.splice(0)) settle({ ok: false, error: this.failure.message });
    };
    worker.on('error', fail);
    // A reply that cannot be read would leave its batch unanswered for ever.
    worker.on('messageerror', fail);
    worker.on('exit', (code) => {
      if (this.inFlight.length > 0 || !this.dead) fail(new Error(`it exited (${code}) with ${this.inFlight.length} batch(es) unanswered`));
    });
    this.worker = worker;
  }

  private post(): void {
    const batch = this.batch;
    this.batch = undefined;
    if (!batch || !this.worker) return;
    // A thread that is gone answers nothing: the failure it left is what results() reports (and a
    // scan given up with dispose() has no results).
    if (this.dead) {
      this.failure ??= new Error('the secret scan thread ended before every file was scanned');
      return;
    }
    // The reply needs where each text's hits go, not the texts: those were copied into the message,
    // and a reply that held them would keep megabytes alive on this thread until the scan came back
    // (to be copied again by every collection in between).
    const { indexes, chars } = batch;
    const count = batch.texts.length;
    this.inFlightChars += chars;
    this.sentTexts += count;
    this.done.push(
      new Promise<void>((resolve) => {
        this.inFlight.push((reply) => {
          this.inFlightChars -= chars;
          if (!reply.ok) this.failure ??= new Error(`the secret scan thread failed: ${reply.error}`);
          else if (reply.count !== count || reply.found.some(([i]) => !Number.isInteger(i) || i < 0 || i >= count))
            this.failure ??= new Error('the secret scan thread answered a batch with the wrong number of texts');
          else for (const [i, hits] of reply.found) this.hits[indexes[i]!] = hits;
          resolve();
        });
      }),
    );
    this.worker.postMessage({ texts: batch.texts, values: batch.values } satisfies Request);
  }
}
