/**
 * Jobs started as they come (at most `limit` running), their results kept in the order they were
 * added. Content rules add one per file while the diff still streams, so reading and judging files
 * overlaps git producing the rest; `results()` waits for all of them and rethrows the first failure.
 */
export class OrderedJobs<R> {
  private readonly results: R[] = [];
  // A queue read from `head` on: shift() on an array of thousands of jobs (the diff streams far ahead
  // of the reads) moved them all each time, 0.2-0.3 s of a 20,000-file change.
  private waiting: Array<{ index: number; job: () => Promise<R> } | undefined> = [];
  private head = 0;
  private running = 0;
  private added = 0;
  private failure: { error: unknown } | undefined;
  private idle: (() => void) | undefined;

  constructor(private readonly limit: number) {}

  get count(): number {
    return this.added;
  }

  add(job: () => Promise<R>): void {
    this.waiting.push({ index: this.added++, job });
    this.pump();
  }

  /**
   * A result known already (a file with nothing to read or judge), kept at its place in the order with
   * no job, promise or queue entry: most files of a large change are this for each content rule.
   */
  addResult(result: R): void {
    this.results[this.added++] = result;
  }

  async all(): Promise<R[]> {
    if (this.running > 0 || this.queued() > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    if (this.failure) throw this.failure.error;
    return this.results;
  }

  private queued(): number {
    return this.waiting.length - this.head;
  }

  private pump(): void {
    while (this.running < this.limit && this.queued() > 0 && !this.failure) {
      const { index, job } = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined;
      // Emptied: start again from the front, so the array does not grow for ever.
      if (this.head === this.waiting.length) {
        this.waiting.length = 0;
        this.head = 0;
      }
      this.running++;
      job().then(
        (result) => {
          this.results[index] = result;
          this.done();
        },
        (error: unknown) => {
          this.failure ??= { error };
          this.waiting = [];
          this.head = 0;
          this.done();
        },
      );
    }
  }

  private done(): void {
    this.running--;
    this.pump();
    if (this.running === 0 && this.queued() === 0) this.idle?.();
  }
}
