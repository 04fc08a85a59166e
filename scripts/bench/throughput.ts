// Throughput on the benchmark transcript (built from real sessions, see generate.ts): capture-transcript against the hashing floors and secretlint.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, bundleForBench, cleanEnv, measure, NODE24, ROOT, type Measured } from './measure.js';

export interface ThroughputRow {
  tool: string;
  /** Bytes the tool processed (secretlint may stop early on a slow machine). */
  bytes: number;
  seconds: number;
  peakRss: number | undefined;
  note: string;
  /** Hex sha256 of the file, where the tool computes one: the floors must agree with capture's source-digest. */
  digest?: string;
}

function check(m: Measured, what: string): Measured {
  if (m.exitCode !== 0) throw new Error(`${what} exited with ${m.exitCode}:\n${m.stderr.slice(-2000)}`);
  return m;
}

/** Reads the file once so every tool below starts from the same warm page cache. */
export function warmPageCache(file: string): void {
  spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function sha256sumFloor(file: string, bytes: number): Promise<ThroughputRow> {
  const m = check(await measure('sha256sum', [file]), 'sha256sum');
  return { tool: '`sha256sum` (floor)', bytes, seconds: m.seconds, peakRss: m.peakRss, note: 'coreutils', digest: m.stdout.slice(0, 64) };
}

/** The least any Node hashing of the file can cost: createReadStream piped into createHash, nothing else. */
const NODE_HASH = `
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
const hash = createHash('sha256');
await pipeline(createReadStream(process.argv[1], { highWaterMark: 1 << 20 }), hash);
console.log(hash.digest('hex'));
`;

export async function nodeHashFloor(file: string, bytes: number): Promise<ThroughputRow> {
  const m = check(await measure(NODE24, ['--input-type=module', '-e', NODE_HASH, file]), 'node hash');
  return { tool: 'Node 24 stream → sha256 (floor)', bytes, seconds: m.seconds, peakRss: m.peakRss, note: '1 MiB reads', digest: m.stdout.trim() };
}

export interface SecretlintResult extends ThroughputRow {
  lintSeconds: number;
  findings: number;
  byRule: Record<string, number>;
  stoppedEarly: boolean;
}

/** secretlint's throughput is bytes over the time spent inside lintSource (see secretlint-worker.ts). */
export async function secretlint(file: string, budgetSeconds: number, minBytes: number): Promise<SecretlintResult> {
  const worker = path.join(import.meta.dirname, 'secretlint-worker.ts');
  const m = check(await measure(NODE24, [worker, file, '--budget-seconds', String(budgetSeconds), '--min-bytes', String(minBytes)]), 'secretlint worker');
  const r = JSON.parse(m.stdout.trim().split('\n').pop()!) as {
    bytes: number;
    lintSeconds: number;
    pieces: number;
    findings: number;
    byRule: Record<string, number>;
    stoppedEarly: boolean;
  };
  return {
    tool: 'secretlint 12 (preset-recommend)',
    bytes: r.bytes,
    seconds: r.lintSeconds,
    peakRss: m.peakRss,
    note: `${r.pieces} pieces of ≤16 MiB; time inside lintSource only (process wall ${m.seconds.toFixed(1)} s)`,
    lintSeconds: r.lintSeconds,
    findings: r.findings,
    byRule: r.byRule,
    stoppedEarly: r.stoppedEarly,
  };
}

/** GITHUB_OUTPUT's `name<<delimiter … delimiter` blocks (and plain name=value lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

export interface RunnerSandbox {
  env: Record<string, string>;
  outputFile: string;
  summaryFile: string;
  dir: string;
}

/** What the runner gives a step: RUNNER_TEMP, an empty GITHUB_OUTPUT and summary, a git workspace, and the inputs. */
export function runnerSandbox(inputs: Record<string, string>): RunnerSandbox {
  mkdirSync(BENCH_DIR, { recursive: true });
  // Inside .bench, not /tmp: capture writes a redacted copy as large as its input, and /tmp may be small.
  const dir = mkdtempSync(path.join(BENCH_DIR, 'run-'));
  const workspace = path.join(dir, 'workspace');
  const runnerTemp = path.join(dir, 'runner-temp');
  mkdirSync(workspace);
  mkdirSync(runnerTemp);
  spawnSync('git', ['init', '-q', workspace], { stdio: 'ignore' });
  const outputFile = path.join(runnerTemp, 'github-output');
  const summaryFile = path.join(runnerTemp, 'step-summary');
  const eventFile = path.join(runnerTemp, 'event.json');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  writeFileSync(eventFile, '{}');
  const env = cleanEnv({
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REPOSITORY: 'bench/agent-gates',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'bench',
    RUNNER_TEMP: runnerTemp,
  });
  // The runner exports every input, empty ones included, as INPUT_<NAME upper-cased> (dashes kept).
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return { env, outputFile, summaryFile, dir };
}

export const CAPTURE_BUNDLE = path.join(ROOT, 'actions', 'capture-transcript', 'dist', 'index.js');

export function captureInputs(file: string): Record<string, string> {
  return {
    path: file,
    format: 'auto',
    policy: '.github/agent-gates.yml',
    redact: 'true',
    'mask-values': '',
    'redact-patterns': '',
    'allowed-tools': '',
    'artifact-name': '',
    'retention-days': '',
    upload: 'false',
    summary: 'true',
    'fail-on': 'never',
    'github-token': '',
  };
}

export interface CaptureResult extends ThroughputRow {
  outputs: Record<string, string>;
}

export async function captureTranscript(file: string, bytes: number, bundle = CAPTURE_BUNDLE): Promise<CaptureResult> {
  const sandbox = runnerSandbox(captureInputs(file));
  try {
    const m = check(await measure(NODE24, [bundle], { env: sandbox.env, cwd: sandbox.env.GITHUB_WORKSPACE! }), 'capture-transcript');
    const outputs = parseOutputFile(readFileSync(sandbox.outputFile, 'utf8'));
    return {
      tool: 'capture-transcript (redact + hash, no upload)',
      bytes,
      seconds: m.seconds,
      peakRss: m.peakRss,
      note: `committed bundle under Node 24; verdict ${outputs['verdict'] ?? '?'}, ${outputs['redactions'] ?? '?'} redactions`,
      outputs,
    };
  } finally {
    rmSync(sandbox.dir, { recursive: true, force: true });
  }
}

export interface CapturePartsResult {
  bytes: number;
  lines: number;
  /** Seconds inside the engine's per-line verdict, every line, one thread. */
  verdictSeconds: number;
  /** Seconds inside JSON.parse (UTF-8 decode included), every line, one thread. */
  parseSeconds: number;
}

/** capture-parts.ts, bundled, on Node 24: the two one-thread passes of capture's work, timed alone. */
export async function captureParts(file: string): Promise<CapturePartsResult> {
  bundleForBench({ 'capture-parts': path.join(import.meta.dirname, 'capture-parts.ts') }, BENCH_DIR);
  const m = check(await measure(NODE24, [path.join(BENCH_DIR, 'capture-parts.mjs'), file]), 'capture parts');
  return JSON.parse(m.stdout.trim().split('\n').pop()!) as CapturePartsResult;
}
