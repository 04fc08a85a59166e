import { closeSync, fstatSync, fsyncSync, openSync, readSync, statSync, unlinkSync, writeSync, ftruncateSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../errors.js';
import { checkLine } from './chain.js';
import { eventLine, sealEvent, type AuditEvent, type UnsealedEvent } from './event.js';

/** One event line is at most this long; a longer "last line" is not an event this writer made. */
export const MAX_LINE_BYTES = 1 << 20;

export interface LockOptions {
  /** Give up when one writer has held the lock this long (default 60 s); writers taking turns never time out. */
  timeoutMs?: number;
  /** A lock file older than this whose writer is gone is taken over (default 30 s). */
  staleMs?: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock beside the log (`<log>.lock`, created with O_EXCL): every process appending to
 * the same log on the same file system takes it, so lines never interleave and each `prev` is the
 * head the writer actually extends. A lock left by a writer that died is taken over.
 */
export async function withLogLock<T>(file: string, body: () => T | Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = `${file}.lock`;
  mkdirSync(path.dirname(path.resolve(lock)), { recursive: true });
  const timeoutMs = options.timeoutMs ?? 60_000;
  let deadline = Date.now() + timeoutMs;
  let lastHolder: string | undefined;
  const staleMs = options.staleMs ?? 30_000;
  const me = `${process.pid}@${hostname()}`;
  let delay = 1;
  let staleCheck = 0;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, me);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError('E_AUDIT_LOG', `cannot lock ${file}: ${(error as Error).message}`);
      const now = Date.now();
      if (now >= staleCheck) {
        // Time out only on a lock that does not change hands: many writers taking turns is progress.
        const holder = takeOverStale(lock, staleMs);
        if (holder !== lastHolder) {
          lastHolder = holder;
          deadline = now + timeoutMs;
        }
        staleCheck = now + 1000;
      }
      if (now > deadline) throw new ConfigError('E_AUDIT_LOCK', `${lock} is held by another writer; gave up waiting (remove it if no writer is running)`);
      // Waits grow to 250 ms with jitter: many waiters polling often would take the CPU the holder
      // needs, while a few spread over the interval still notice a release within milliseconds.
      await sleep(delay / 2 + Math.random() * delay);
      delay = Math.min(delay * 2, 250);
    }
  }
  try {
    return await body();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // Taken over as stale by another writer: nothing of ours to remove.
    }
  }
}

/** Removes a lock whose writer is gone; returns who holds it (its content and time) otherwise. */
function takeOverStale(lock: string, staleMs: number): string | undefined {
  try {
    const stat = statSync(lock);
    const fd = openSync(lock, 'r');
    const buffer = Buffer.alloc(200);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    closeSync(fd);
    const content = buffer.toString('utf8', 0, n);
    const [pidText, host] = content.split('@');
    const pid = Number(pidText);
    const deadOwner = host === hostname() && Number.isInteger(pid) && pid > 0 && !processAlive(pid);
    // A writer on this host is judged by its pid alone: a slow one keeps its lock however long it takes.
    if (deadOwner || (host !== hostname() && Date.now() - stat.mtimeMs > staleMs)) {
      unlinkSync(lock);
      return undefined;
    }
    return `${content}|${stat.mtimeMs}`;
  } catch {
    return undefined; // released between our attempts: try again
  }
}

/** The log's tail: where its complete lines end, the last complete line, and any torn rest. */
function readTail(fd: number, size: number): { end: number; lastLine?: string; torn?: Buffer } {
  if (size === 0) return { end: 0 };
  const window = Math.min(size, MAX_LINE_BYTES * 2 + 2);
  const buffer = Buffer.alloc(window);
  readSync(fd, buffer, 0, window, size - window);
  const lastNewline = buffer.lastIndexOf(0x0a);
  if (lastNewline < 0) {
    if (window < size) throw new ConfigError('E_AUDIT_LOG', `the last ${window} bytes hold no line end: not an audit log`);
    return { end: 0, torn: buffer };
  }
  const end = size - window + lastNewline + 1;
  const torn = lastNewline + 1 < window ? buffer.subarray(lastNewline + 1) : undefined;
  const previousNewline = buffer.lastIndexOf(0x0a, lastNewline - 1);
  if (previousNewline < 0 && window < size) throw new ConfigError('E_AUDIT_LOG', `the last line is longer than ${MAX_LINE_BYTES} bytes: not an audit log`);
  return { end, lastLine: buffer.toString('utf8', previousNewline + 1, lastNewline), ...(torn ? { torn: Buffer.from(torn) } : {}) };
}

function countLines(fd: number, end: number): number {
  const buffer = Buffer.alloc(1 << 20);
  let lines = 0;
  for (let at = 0; at < end;) {
    const n = readSync(fd, buffer, 0, Math.min(buffer.length, end - at), at);
    if (n <= 0) break;
    for (let i = buffer.indexOf(0x0a, 0); i >= 0 && i < n; i = buffer.indexOf(0x0a, i + 1)) lines++;
    at += n;
  }
  return lines;
}

export interface AppendOptions extends LockOptions {
  /** Link each event to the one before (`prev`); without it every event's `prev` is null. */
  chain: boolean;
  /** The head the caller expects the log to have (the `prev` input); a different head is E_AUDIT_PREV. */
  expectedPrev?: string | null;
  /** Count the log's lines for `firstLine` (default true); a busy writer may skip the scan. */
  lineNumbers?: boolean;
}

export interface AppendResult {
  events: AuditEvent[];
  /** The log's head after the append. */
  head: string;
  /** Line number of the first appended event (0 when `lineNumbers` was false). */
  firstLine: number;
  /** Where a torn last line found in the log was set aside, if one was. */
  tornSetAside?: string;
}

/**
 * Appends events to a JSON Lines log under its lock: checks the last event's digest (a broken
 * chain is never extended, and nothing is written), sets a torn last line aside into
 * `<log>.torn-<time>` (never dropped, never merged into the next line), links and seals each event,
 * writes them in one append and fsyncs.
 */
export async function appendToLog(file: string, events: readonly UnsealedEvent[], options: AppendOptions): Promise<AppendResult> {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return withLogLock(
    file,
    () => {
      const fd = openSync(file, 'a+');
      try {
        const size = fstatSync(fd).size;
        const tail = readTail(fd, size);
        let tornSetAside: string | undefined;
        if (tail.torn) {
          tornSetAside = `${file}.torn-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
          writeFileSync(tornSetAside, tail.torn, { flag: 'wx' });
          const aside = openSync(tornSetAside, 'r');
          fsyncSync(aside);
          closeSync(aside);
          ftruncateSync(fd, tail.end);
        }
        let head: string | null = null;
        let lines = 0;
        if (tail.lastLine !== undefined) {
          if (options.lineNumbers !== false) lines = countLines(fd, tail.end);
          // The line's own prev is not known without reading the whole log: check it against itself.
          const parsed = safePrev(tail.lastLine);
          let checked = checkLine(tail.lastLine, lines, parsed, file);
          if ('kind' in checked && options.lineNumbers === false) checked = checkLine(tail.lastLine, countLines(fd, tail.end), parsed, file);
          if ('kind' in checked) throw new ConfigError('E_AUDIT_CHAIN', `refusing to extend a broken chain: ${checked.message}; nothing was written`);
          head = checked.digest;
        }
        if (options.expectedPrev !== undefined && options.expectedPrev !== head) {
          throw new ConfigError(
            'E_AUDIT_PREV',
            `input "prev" is ${String(options.expectedPrev)} but the head of ${file} is ${String(head)}; nothing was written`,
          );
        }
        const sealed: AuditEvent[] = [];
        let text = '';
        for (const event of events) {
          const one = sealEvent(event, options.chain ? head : null);
          const line = eventLine(one);
          if (Buffer.byteLength(line) > MAX_LINE_BYTES) throw new ConfigError('E_AUDIT_SCHEMA', `event ${one.event_id} is longer than ${MAX_LINE_BYTES} bytes`);
          sealed.push(one);
          text += line;
          head = one.digest;
        }
        const bytes = Buffer.from(text);
        for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written, bytes.length - written);
        fsyncSync(fd);
        return { events: sealed, head: head ?? '', firstLine: options.lineNumbers === false ? 0 : lines + 1, ...(tornSetAside ? { tornSetAside } : {}) };
      } finally {
        closeSync(fd);
      }
    },
    options,
  );
}

function safePrev(line: string): string | null {
  try {
    const prev = (JSON.parse(line) as { prev?: unknown }).prev;
    return typeof prev === 'string' ? prev : null;
  } catch {
    return null;
  }
}

/** The head of a log (its last event's digest, checked), or null when the log is absent or empty. */
export function readLogHead(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const tail = readTail(fd, size);
    if (tail.lastLine === undefined) return null;
    const checked = checkLine(tail.lastLine, countLines(fd, tail.end), safePrev(tail.lastLine), file);
    if ('kind' in checked) throw new ConfigError('E_AUDIT_CHAIN', checked.message);
    return checked.digest;
  } finally {
    closeSync(fd);
  }
}
