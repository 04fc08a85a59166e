import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { close, closeSync, openSync, readSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';

/**
 * Small wrappers over the git CLI. They run git with execFile (never a shell), pass every
 * user-influenced value after validation and `--end-of-options`/`--`, and cap what they read, because
 * the repository being judged is the one that might be hostile.
 */

/** Default cap on what one git command may print: policy files and refs are small. */
export const DEFAULT_GIT_OUTPUT_LIMIT = 1024 * 1024;

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
// A conservative subset of git-check-ref-format: enough for branch, tag and remote names, HEAD~2 and
// HEAD^, but nothing git could read as an option, a pathspec or a reflog/search expression.
const SAFE_REF = /^[A-Za-z0-9_][A-Za-z0-9_./-]*(?:[~^][0-9]{0,4})*$/;

export interface GitOptions {
  /** Largest stdout accepted, in bytes; larger output is an E_TOO_LARGE error. */
  maxBytes?: number;
  /** Milliseconds before git is killed; a hung git must not hang the gate. */
  timeoutMs?: number;
  /** Extra environment (e.g. GIT_INDEX_FILE for a temporary index). */
  env?: NodeJS.ProcessEnv;
}

/** `-c` settings every git call carries: fsmonitor and hooks are how a checked-out repository's config could run code. */
export const SAFE_GIT_CONFIG: readonly string[] = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null'];

/**
 * glibc malloc settings for git, unless the environment sets its own: a large diff allocates and frees
 * millions of small blocks, and glibc's per-thread cache keeps only 7 of each size, so most frees fall
 * through to the slower bins; `hugetlb=1` lets the heap grow in transparent huge pages (GitHub's Ubuntu
 * runners have THP in `madvise` mode), fifteen times fewer page faults. On the bench's 20,000-file diff
 * git used 12 % less CPU (2.36 s to 2.07 s, eight runs each). Other C libraries (musl, macOS) and older
 * glibc ignore the variable or the names they do not know; the output is the same byte for byte.
 */
export const GIT_MALLOC_TUNABLES = 'glibc.malloc.tcache_count=1000:glibc.malloc.hugetlb=1';

/** The environment every git call runs with: no prompts, no optional locks, C locale (stable messages), git's malloc tuned. */
export function gitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { GLIBC_TUNABLES: GIT_MALLOC_TUNABLES, ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', ...extra };
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
}

/** True for a full 40-hex (SHA-1) or 64-hex (SHA-256) object name. */
export function isFullSha(value: string): boolean {
  return FULL_SHA.test(value);
}

/** Throws E_GIT unless `ref` is a full SHA or a plain ref name that cannot smuggle options into git. */
export function assertSafeRef(ref: string): void {
  if (isFullSha(ref)) return;
  const unsafe =
    !SAFE_REF.test(ref) || ref.includes('..') || ref.includes('//') || ref.endsWith('/') || ref.endsWith('.') || ref.endsWith('.lock') || ref.length > 255;
  if (unsafe) {
    throw new ConfigError('E_GIT', `"${printable(ref)}" is not a commit SHA or a safe git ref name`);
  }
}

/** Throws E_GIT unless `file` is a plain repository-relative path (no `..`, no glob or pathspec magic). */
export function assertSafeRepoPath(file: string): void {
  const segments = file.split('/');
  const unsafe =
    file.length === 0 ||
    file.length > 4096 ||
    file.startsWith('/') ||
    file.startsWith('-') ||
    file.startsWith(':') ||
    // ls-tree takes pathspecs: glob characters would match other files than the one named.
    /[*?[\]\\\0\n\r]/.test(file) ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..');
  if (unsafe) {
    throw new ConfigError('E_GIT', `"${printable(file)}" is not a plain repository-relative path`);
  }
}

function printable(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(shown).slice(1, -1);
}

export function runGit(workspace: string, args: string[], options: GitOptions = {}): Promise<GitResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_GIT_OUTPUT_LIMIT;
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      // fsmonitor and hooks are how a checked-out repository's config could run code; none of the
      // commands here need them.
      [...SAFE_GIT_CONFIG, ...args],
      {
        cwd: workspace,
        encoding: 'buffer',
        maxBuffer: maxBytes,
        timeout: options.timeoutMs ?? 30_000,
        windowsHide: true,
        env: gitEnv(options.env),
      },
      (error, stdout, stderr) => {
        const errText = Buffer.isBuffer(stderr) ? stderr.toString('utf8') : String(stderr ?? '');
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
            reject(new ConfigError('E_TOO_LARGE', `git ${args[0]} printed more than ${maxBytes} bytes`));
            return;
          }
          if (code === 'ENOENT') {
            reject(new ConfigError('E_GIT', 'git is not installed or not on PATH', { cause: error }));
            return;
          }
          const detail = errText.trim().split('\n').slice(-3).join(' ').slice(0, 500);
          reject(new GitCommandError(args, (error as { code?: unknown }).code, detail, error));
          return;
        }
        resolve({ stdout, stderr: errText });
      },
    );
  });
}

/** A git command that ran and failed; kept apart so callers can tell "missing" from "broken". */
export class GitCommandError extends ConfigError {
  readonly exitCode: unknown;
  readonly stderr: string;
  constructor(args: string[], exitCode: unknown, stderr: string, cause: unknown) {
    super('E_GIT', `git ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`, { cause });
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** Resolves a ref (or SHA) to the full SHA of the commit it names. Throws E_GIT when it names no commit. */
export async function revParse(workspace: string, ref: string, options: GitOptions = {}): Promise<string> {
  assertSafeRef(ref);
  const { stdout } = await runGit(workspace, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    ...options,
    maxBytes: 1024,
  }).catch((error: unknown) => {
    throw new ConfigError('E_GIT', `${ref} is not a commit in ${workspace}${commitHint(ref)}`, { cause: error });
  });
  const sha = stdout.toString('utf8').trim();
  if (!isFullSha(sha)) throw new ConfigError('E_GIT', `git rev-parse ${ref} printed "${printable(sha)}", not a SHA`);
  return sha.toLowerCase();
}

/** The commit `ref` names, or undefined when it names none (revParse with its error dropped). */
export function commitOf(workspace: string, ref: string): Promise<string | undefined> {
  return revParse(workspace, ref).catch(() => undefined);
}

function commitHint(ref: string): string {
  return isFullSha(ref) ? ' (a shallow checkout may lack it: use actions/checkout with fetch-depth: 0, or git fetch --depth=1 origin <sha>)' : '';
}

/**
 * The content of `file` as it is in commit `sha`, or undefined when that commit has no such path.
 * Reads the object database only, never the working tree, so a change cannot alter what is read.
 * Throws E_GIT when the commit is unknown or the path is not a regular file (a symlink or a folder
 * would otherwise let the content come from somewhere else), E_TOO_LARGE above `maxBytes`.
 */
export async function gitShowFile(workspace: string, sha: string, file: string, options: GitOptions = {}): Promise<string | undefined> {
  const content = await gitShowFileBytes(workspace, sha, file, options);
  if (content === undefined) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch (error) {
    throw new ConfigError('E_GIT', `${file} at ${sha} is not valid UTF-8 text`, { cause: error });
  }
}

/** As gitShowFile, without decoding. */
export async function gitShowFileBytes(workspace: string, sha: string, file: string, options: GitOptions = {}): Promise<Buffer | undefined> {
  assertSafeRef(sha);
  assertSafeRepoPath(file);
  return fileAtCommit(workspace, await revParse(workspace, sha, options), file, options);
}

/**
 * As gitShowFileBytes, for a `commit` the caller verified already with revParse (a full SHA): one git
 * process fewer on the path every gate walks before its first real work.
 */
export async function fileAtCommit(workspace: string, commit: string, file: string, options: GitOptions = {}): Promise<Buffer | undefined> {
  if (!isFullSha(commit)) throw new ConfigError('E_GIT', `fileAtCommit needs a verified commit SHA, not "${printable(commit)}"`);
  assertSafeRepoPath(file);
  // ls-tree tells "no such path" (empty output, exit 0) apart from "no such commit" (exit 128), which
  // `git show sha:path` reports with the same exit code; -l adds the blob's size, so an oversized
  // file is refused before a byte of it is read.
  const { stdout } = await runGit(workspace, ['ls-tree', '-l', '-z', commit, '--', file], {
    ...options,
    maxBytes: 64 * 1024,
  });
  const entries = stdout
    .toString('utf8')
    .split('\0')
    .filter((entry) => entry.length > 0);
  const entry = entries.map((line) => /^(\d{6}) (\w+) ([0-9a-f]+) +(\d+|-)\t(.*)$/s.exec(line)).find((match) => match !== null && match[5] === file);
  if (!entry) return undefined;
  const [, mode, type, object, sizeText] = entry as unknown as [string, string, string, string, string, string];
  if (type !== 'blob' || mode === '120000' || mode === '160000') {
    const what = mode === '120000' ? 'a symbolic link' : type === 'tree' ? 'a folder' : `a ${type}`;
    throw new ConfigError('E_GIT', `${file} at ${commit} is ${what}, not a regular file`);
  }
  const maxBytes = options.maxBytes ?? DEFAULT_GIT_OUTPUT_LIMIT;
  const size = Number(sizeText);
  if (!Number.isFinite(size) || size > maxBytes) {
    throw new ConfigError('E_TOO_LARGE', `${file} at ${commit} is ${size} bytes, more than the ${maxBytes} allowed`);
  }
  const { stdout: blob } = await runGit(workspace, ['cat-file', 'blob', object], { ...options, maxBytes: Math.max(maxBytes, 1) });
  return blob;
}

export interface StreamGitOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Largest stderr kept, in bytes (the rest is dropped, not an error). */
  maxStderrBytes?: number;
  /**
   * A private folder (the caller's own, empty of anything else) through which stdout goes as a file,
   * read as it grows, instead of a pipe. A pipe holds 64 KiB: git, writing in 4 KiB pieces, then waits
   * whenever the reader is busy, and the reader wakes for every piece whenever it is not. Through a file
   * git never waits, and the reader takes what has come when it is ready (SPOOL_CHUNK a turn). The file
   * holds all of git's output until git is done (90 MB for a diff of a million changed lines) and is
   * removed then. The chunks share one buffer: a chunk is valid until `onStdout` returns, so copy what
   * must outlive it.
   */
  spoolDir?: string;
  /**
   * With `spoolDir`: git's output waits in the file, unread, until this settles: `true` reads it from
   * the start (then the rest as it comes), `false` throws it away (stop git with `signal` first). For a
   * command started before its reader is ready (startHeldGit): nothing is copied while it waits.
   */
  hold?: Promise<boolean>;
}

/**
 * Bytes read from a spool file per turn of the event loop. Small enough that the other I/O the reader
 * waits on between turns (diff-scope's content reads, its secret thread's replies) keeps pace with the
 * diff: at 1 MiB a turn the tests rule's reads fell behind and finished long after git; at 64 KiB the
 * bench's change ran 0.2-0.3 s faster and peaked 40 MiB lower.
 */
const SPOOL_CHUNK = 64 * 1024;
let spoolFiles = 0;

/**
 * Runs git and hands its stdout to `onStdout` chunk by chunk, for output too large to buffer (a diff
 * of a million lines). Resolves with the kept stderr when git exits 0; rejects with E_GIT otherwise,
 * with E_GIT naming the abort when `signal` fires, or with whatever `onStdout` threw (git is killed).
 */
export function streamGit(workspace: string, args: string[], onStdout: (chunk: Buffer) => void, options: StreamGitOptions = {}): Promise<{ stderr: string }> {
  const maxStderr = options.maxStderrBytes ?? 64 * 1024;
  return new Promise((resolve, reject) => {
    // Thrown here, a failure to make the file is this promise's rejection.
    const spool = options.spoolDir === undefined ? undefined : openSpool(options.spoolDir);
    let failure: Error | undefined;
    let child: ChildProcess;
    try {
      child = spawn('git', [...SAFE_GIT_CONFIG, ...args], {
        cwd: workspace,
        env: gitEnv(options.env),
        stdio: ['ignore', spool ? spool.writeFd : 'pipe', 'pipe'],
        windowsHide: true,
        signal: options.signal,
      });
    } catch (error) {
      spool?.remove();
      throw error;
    } finally {
      // git holds its own copy of the write end now (or never started).
      spool?.closeWriter();
    }
    const stderr: Buffer[] = [];
    let stderrBytes = 0;
    const give = (chunk: Buffer) => {
      if (failure !== undefined) return;
      try {
        onStdout(chunk);
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        child.kill('SIGKILL');
      }
    };
    let exited = false;
    let settle: (() => void) | undefined;
    let discarded = false;
    // Whether the output is being read (always, unless held), and whether the promise has settled.
    let reading = options.hold === undefined;
    let finished = false;
    if (spool) {
      const pump = () => {
        let caughtUp = false;
        try {
          const chunk = spool.read();
          if (chunk) give(chunk);
          else caughtUp = true;
        } catch (error) {
          failure ??= new ConfigError('E_GIT', `reading git ${subcommand(args)}'s output failed: ${(error as Error).message}`, { cause: error });
          child.kill('SIGKILL');
        }
        if (failure !== undefined || (caughtUp && exited)) settle?.();
        else if (caughtUp) setTimeout(pump, 1);
        else setImmediate(pump);
      };
      if (options.hold === undefined) setImmediate(pump);
      else
        void options.hold.then((read) => {
          if (read) {
            // A run that failed while held has settled already: its output is never handed over.
            if (finished) return;
            reading = true;
            setImmediate(pump);
          } else {
            // Nothing more will be read: settled as soon as git is gone (now, if it is).
            discarded = true;
            if (exited) settle?.();
          }
        });
    } else child.stdout?.on('data', give);
    // stdio[2] is a pipe.
    child.stderr!.on('data', (chunk: Buffer) => {
      if (stderrBytes >= maxStderr) return;
      stderr.push(chunk.subarray(0, maxStderr - stderrBytes));
      stderrBytes += chunk.length;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (failure !== undefined) return;
      failure =
        error.code === 'ENOENT'
          ? new ConfigError('E_GIT', 'git is not installed or not on PATH', { cause: error })
          : error.name === 'AbortError'
            ? new ConfigError('E_GIT', `git ${subcommand(args)} was aborted`, { cause: error })
            : error;
    });
    child.on('close', (code) => {
      const done = () => {
        finished = true;
        spool?.remove();
        const errText = Buffer.concat(stderr).toString('utf8');
        if (failure !== undefined) {
          reject(failure);
          return;
        }
        if (code !== 0) {
          const detail = errText.trim().split('\n').slice(-3).join(' ').slice(0, 500);
          reject(new GitCommandError(args, code, detail, undefined));
          return;
        }
        resolve({ stderr: errText });
      };
      // Through a spool, what git wrote before it exited is read to the end first, unless it is thrown
      // away, or git failed while its output was held: a failed run is never replayed to the reader.
      if (spool && failure === undefined && !discarded && (reading || code === 0)) {
        exited = true;
        settle = done;
      } else done();
    });
  });
}

/** A file git writes its stdout to and the reader reads as it grows (see StreamGitOptions.spoolDir). */
function openSpool(dir: string) {
  const file = path.join(dir, `git-stdout-${process.pid}-${++spoolFiles}`);
  let writeFd: number | undefined;
  let readFd: number | undefined;
  try {
    // 'wx': never an existing file (or a link planted in its place); only this user may read it.
    writeFd = openSync(file, 'wx', 0o600);
    readFd = openSync(file, 'r');
  } catch (error) {
    if (writeFd !== undefined) {
      closeSync(writeFd);
      rmSync(file, { force: true });
    }
    throw new ConfigError('E_GIT', `could not make a file for git's output in ${dir}: ${(error as Error).message}`, { cause: error });
  }
  let position = 0;
  // One buffer for every read: a fresh one each time would cost an allocation and its pages' first
  // touch per read, most of reading a large diff (onStdout keeps nothing of a chunk; see spoolDir).
  const buffer = Buffer.allocUnsafe(SPOOL_CHUNK);
  return {
    writeFd,
    closeWriter() {
      if (writeFd !== undefined) closeSync(writeFd);
      writeFd = undefined;
    },
    /** The next bytes git wrote, or undefined when there are none yet. */
    read(): Buffer | undefined {
      const n = readSync(readFd!, buffer, 0, SPOOL_CHUNK, position);
      if (n === 0) return undefined;
      position += n;
      return n === SPOOL_CHUNK ? buffer : buffer.subarray(0, n);
    },
    remove() {
      // The name goes first, while this descriptor still holds the file, so the unlink frees nothing;
      // the close that frees its pages (the whole diff: 30 ms for 88 MB) runs on libuv's pool, not
      // on this thread, where the report waits behind it.
      const fd = readFd;
      readFd = undefined;
      try {
        rmSync(file, { force: true });
      } finally {
        if (fd !== undefined) close(fd, () => {});
      }
    },
  };
}

/** Output a held git command may gather in memory (default; through a pipe) before it is stopped, to be run again if kept. */
const MAX_HELD_BYTES = 32 * 1024 * 1024;

export interface HeldGit {
  /** Hands what was held to `onStdout`, in order, then the rest as it comes; settles as streamGit does. */
  keep(): Promise<{ stderr: string }>;
  /** Stops git and throws its output away. */
  drop(): Promise<void>;
}

/**
 * Starts git as streamGit does, its output held unread until `keep()` or `drop()`: for a command
 * started before the caller knows it is the one wanted, or before its reader is ready. Through a pipe,
 * past `maxHeldBytes` held in memory, git is stopped early and `keep()` runs it again from the start, so
 * what `onStdout` sees is always one whole run. Through a spool (`spoolDir`) the output waits in its
 * file, whatever its size, and nothing is read until `keep()`.
 */
export function startHeldGit(
  workspace: string,
  args: string[],
  onStdout: (chunk: Buffer) => void,
  options: StreamGitOptions & { maxHeldBytes?: number } = {},
): HeldGit {
  const { maxHeldBytes = MAX_HELD_BYTES, signal: outer, ...rest } = options;
  if (!(maxHeldBytes >= 0)) throw new ConfigError('E_INPUT', `maxHeldBytes must be a number of bytes, not ${maxHeldBytes}`);
  const stop = new AbortController();
  const signal = outer ? AbortSignal.any([outer, stop.signal]) : stop.signal;
  if (rest.spoolDir !== undefined) return holdSpooled(workspace, args, onStdout, { ...rest, signal }, stop);
  let held: Buffer[] | undefined = [];
  let heldBytes = 0;
  let overflowed = false;
  const run = streamGit(
    workspace,
    args,
    (chunk) => {
      if (held === undefined) {
        onStdout(chunk);
        return;
      }
      if (overflowed) return;
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes > maxHeldBytes) {
        overflowed = true;
        held = [];
        stop.abort();
      }
    },
    { ...rest, signal },
  );
  // Settled by keep() or drop(); until then a failure must not surface as an unhandled rejection.
  let failed: { error: unknown } | undefined;
  run.catch((error: unknown) => {
    failed = { error };
  });
  return {
    async keep() {
      if (overflowed) {
        await run.catch(() => undefined);
        return streamGit(workspace, args, onStdout, { ...rest, ...(outer ? { signal: outer } : {}) });
      }
      // A run that failed already is not replayed to the reader: its failure is the answer.
      if (failed) throw failed.error;
      const chunks = held ?? [];
      held = undefined;
      try {
        for (const chunk of chunks) onStdout(chunk);
      } catch (error) {
        stop.abort();
        await run.catch(() => undefined);
        throw error;
      }
      return run;
    },
    async drop() {
      held = [];
      overflowed = true;
      stop.abort();
      await run.catch(() => undefined);
    },
  };
}

/**
 * startHeldGit through a spool: git's output waits in its file, unread and uncopied, however long the
 * caller takes and however much git writes, until keep() reads it from the start.
 */
function holdSpooled(workspace: string, args: string[], onStdout: (chunk: Buffer) => void, options: StreamGitOptions, stop: AbortController): HeldGit {
  let release: (read: boolean) => void = () => undefined;
  const hold = new Promise<boolean>((resolve) => (release = resolve));
  const run = streamGit(workspace, args, onStdout, { ...options, hold });
  // Settled by keep() or drop(); until then a failure must not surface as an unhandled rejection.
  run.catch(() => undefined);
  return {
    keep() {
      release(true);
      return run;
    },
    async drop() {
      stop.abort();
      release(false);
      await run.catch(() => undefined);
    },
  };
}

/** The git command in `args` (`diff` in `-c x=y diff …`), for messages. */
function subcommand(args: readonly string[]): string {
  return args.find((arg, i) => !arg.startsWith('-') && args[i - 1] !== '-c') ?? args[0] ?? 'git';
}
