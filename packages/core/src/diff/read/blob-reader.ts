import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ConfigError } from '../../errors.js';
import { SAFE_GIT_CONFIG, gitEnv } from '../../git/index.js';

/**
 * Reads objects through one long-lived `git cat-file --batch`, so rules that read thousands of
 * files (every changed test file at base and head) pay one process, not one per file. Requests are
 * answered in order; the process is unref'd while idle so it never keeps Node alive, and `close()`
 * ends it.
 */

interface Request {
  resolve(value: Buffer | undefined): void;
  reject(error: unknown): void;
  name: string;
}

/** How long names wait to be written to git with others, and how many are written at once. */
const FLUSH_DELAY_MS = 4;
const FLUSH_NAMES = 128;

export interface BlobReaderOptions {
  /** Largest object returned, in bytes; a larger one is an E_TOO_LARGE error (never a silent undefined). */
  maxBytes: number;
  env?: NodeJS.ProcessEnv;
}

export class BlobReader {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly queue: Request[] = [];
  private chunks: Buffer[] = [];
  private length = 0;
  private expect: { type: string; size: number } | undefined;
  private failure: Error | undefined;
  /** Names asked for since the last write to git, and the timer that writes them. */
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly workspace: string,
    private readonly options: BlobReaderOptions,
  ) {}

  /**
   * The content of a blob named by id or `<commit>:<path>`; undefined when it does not exist or is not
   * a blob (a folder, a submodule). Names with a newline cannot be asked this way: callers pass blob ids.
   */
  read(name: string): Promise<Buffer | undefined> {
    if (name.includes('\n') || name.includes('\0')) {
      return Promise.reject(new ConfigError('E_GIT', 'an object name with a newline cannot be read through git cat-file --batch'));
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject, name });
      this.setRef(true);
      // Names asked for within a few milliseconds (several chunks of the diff, the reads that settled
      // meanwhile) go to git in one write: rules read files a few at a time, and a write per name, or
      // per turn of the event loop, costs a system call and a wake-up of git each (a thousand writes on
      // a 20,000-file change). A full batch goes at once.
      if (this.pending.length === 0) this.timer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
      this.pending.push(name);
      if (this.pending.length >= FLUSH_NAMES) this.flush();
    });
  }

  /**
   * Starts git now, idle and unref'd, for a change known to be large: spawning forks this process,
   * which costs more the more memory it holds, and early on (while git diff is still matching renames)
   * this thread has nothing else to do.
   */
  prepare(): void {
    if (this.failure !== undefined || this.child) return;
    this.start();
    this.setRef(false);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const names = this.pending;
    this.pending = [];
    if (names.length === 0 || !this.child) return;
    this.child.stdin.write(`${names.join('\n')}\n`);
  }

  /**
   * Ends git once the reads asked for are answered. A closed reader reads no more: a later read is
   * refused (E_GIT), never the start of a new git that nothing would close.
   */
  async close(): Promise<void> {
    // Names still waiting for their write go first: a read asked for before close is answered.
    this.flush();
    this.failure ??= new ConfigError('E_GIT', 'git cat-file was closed: the change was read and judged already');
    const child = this.child;
    if (!child) return;
    // An idle git is unref'd: while its exit is awaited it must keep the process alive, or Node would
    // exit with this promise unsettled.
    this.setRef(true);
    this.child = undefined;
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.stdin.end();
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', [...SAFE_GIT_CONFIG, 'cat-file', '--batch'], {
      cwd: this.workspace,
      env: gitEnv(this.options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr.resume();
    // A write to a git that died (EPIPE) fails the reads, never the process.
    child.stdin.on('error', (error) => this.fail(new ConfigError('E_GIT', `git cat-file stopped reading: ${error.message}`, { cause: error })));
    child.on('error', (error) => this.fail(new ConfigError('E_GIT', `git cat-file failed: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      if (this.queue.length > 0) this.fail(new ConfigError('E_GIT', `git cat-file exited (${String(code)}) with reads pending`));
      if (this.child === child) this.child = undefined;
    });
    this.child = child;
    return child;
  }

  private setRef(active: boolean): void {
    const child = this.child;
    if (!child) return;
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as Array<{ ref?: () => void; unref?: () => void }>) {
      if (active) handle.ref?.();
      else handle.unref?.();
    }
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    for (;;) {
      const request = this.queue[0];
      if (!request) break;
      if (!this.expect) {
        const data = this.take(this.length);
        const eol = data.indexOf(10);
        if (eol === -1) {
          this.give(data);
          return;
        }
        const header = data.toString('latin1', 0, eol);
        this.give(data.subarray(eol + 1));
        if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
          this.queue.shift();
          request.resolve(undefined);
          continue;
        }
        const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
        if (!match) {
          this.fail(new ConfigError('E_GIT', `unexpected git cat-file output "${header.slice(0, 80)}"`));
          return;
        }
        this.expect = { type: match[1]!, size: Number(match[2]) };
      }
      // The object is printed whole, then a newline; wait for all of it (concatenating once, not per chunk).
      const { type, size } = this.expect;
      if (this.length < size + 1) return;
      const data = this.take(this.length);
      this.give(data.subarray(size + 1));
      this.expect = undefined;
      this.queue.shift();
      if (type !== 'blob') request.resolve(undefined);
      else if (size > this.options.maxBytes) {
        request.reject(new ConfigError('E_TOO_LARGE', `${request.name} is ${size} bytes, more than the ${this.options.maxBytes} a rule may read`));
      } else {
        // A view, not a copy: nothing writes to git's output once read, and a new buffer per blob cost
        // 5-13 us here (an ArrayBuffer each), more than the rules' work on a small test file. It keeps
        // the chunk it is cut from (64 KiB at most, or the blob's own size) while the caller holds it.
        request.resolve(data.subarray(0, size));
      }
    }
    if (this.queue.length === 0) this.setRef(false);
  }

  private take(bytes: number): Buffer {
    const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, bytes);
    this.chunks = [];
    this.length = 0;
    return data;
  }

  private give(rest: Buffer): void {
    if (rest.length === 0) return;
    this.chunks.push(rest);
    this.length += rest.length;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    // Names still waiting would be written to a process that is being killed.
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    for (const request of this.queue.splice(0)) request.reject(error);
    this.child?.kill('SIGKILL');
  }
}
