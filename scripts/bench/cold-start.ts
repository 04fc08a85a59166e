// Cold start of every committed bundle on a tiny input, against the least a JavaScript action can be:
// an ncc bundle of @actions/core that sets one output. The ratio, not the milliseconds, is the target,
// because it holds across machines.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { writeTinyTranscript } from './generate.js';
import { BENCH_DIR, cleanEnv, NODE24, percentile, ROOT, timeOnce } from './measure.js';
import { captureInputs, runnerSandbox } from './throughput.js';

export interface ColdStartRow {
  name: string;
  medianMs: number;
  p90Ms: number;
  runs: number;
  /** Set when a run exited non-zero: such a start is not comparable, and the row says why. */
  failure?: string;
}

const BASELINE_SOURCE = `// Baseline for the cold-start benchmark: the smallest useful JavaScript action.
import * as core from '@actions/core';
core.setOutput('x', '1');
`;

/** Builds .bench/baseline/dist/index.js with the same ncc and flags as scripts/build.mjs. */
export function buildBaseline(): string {
  const dir = path.join(BENCH_DIR, 'baseline');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules', '@actions'), { recursive: true });
  writeFileSync(path.join(dir, 'src', 'index.js'), BASELINE_SOURCE);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench-baseline', private: true, type: 'module' }) + '\n');
  // The same @actions/core the actions bundle: the one action-kit depends on.
  const core = realpathSync(path.join(ROOT, 'packages', 'action-kit', 'node_modules', '@actions', 'core'));
  symlinkSync(core, path.join(dir, 'node_modules', '@actions', 'core'), 'dir');
  const ncc = path.join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
  execFileSync(NODE24, [ncc, 'build', path.join(dir, 'src', 'index.js'), '-o', path.join(dir, 'dist'), '--license', 'licenses.txt', '--quiet'], {
    cwd: dir,
    env: cleanEnv(),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const bundle = path.join(dir, 'dist', 'index.js');
  if (!existsSync(bundle)) throw new Error(`ncc did not write ${bundle}`);
  return bundle;
}

/** Inputs for a gate: its action.yml defaults as the runner evaluates them, then what keeps the run local and small. */
function inputsFor(gate: string, tinyTranscript: string): Record<string, string> {
  if (gate === 'capture-transcript') return captureInputs(tinyTranscript);
  const spec = parseYaml(readFileSync(path.join(ROOT, 'actions', gate, 'action.yml'), 'utf8')) as { inputs?: Record<string, { default?: string }> };
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(spec.inputs ?? {})) {
    // Expressions such as ${{ github.token }} evaluate to empty outside a workflow run.
    inputs[name] = String(input.default ?? '').includes('${{') ? '' : String(input.default ?? '');
  }
  if ('upload' in inputs) inputs['upload'] = 'false';
  if ('fail-on' in inputs) inputs['fail-on'] = 'never';
  return inputs;
}

export function committedBundles(): { gate: string; bundle: string }[] {
  return readdirSync(path.join(ROOT, 'actions'))
    .map((gate) => ({ gate, bundle: path.join(ROOT, 'actions', gate, 'dist', 'index.js') }))
    .filter(({ bundle }) => existsSync(bundle))
    .sort((a, b) => a.gate.localeCompare(b.gate));
}

/**
 * Runs every target `runs` times after `warmups` untimed runs, round-robin, so a slow spell on the machine
 * hits every target alike instead of whichever happened to be measured then.
 */
export function coldStart(runs: number, warmups = 2, log: (m: string) => void = () => {}): ColdStartRow[] {
  const tiny = writeTinyTranscript(BENCH_DIR);
  const baseline = buildBaseline();
  const sandboxes: { name: string; args: string[]; inputs: Record<string, string> }[] = [
    { name: '`node -e 0` (floor)', args: ['-e', '0'], inputs: {} },
    { name: 'baseline: @actions/core + setOutput', args: [baseline], inputs: {} },
    ...committedBundles().map(({ gate, bundle }) => ({ name: gate, args: [bundle], inputs: inputsFor(gate, tiny) })),
  ];
  const targets = sandboxes.map((t) => ({ ...t, sandbox: runnerSandbox(t.inputs), samples: [] as number[], failure: undefined as string | undefined }));
  try {
    for (let round = 0; round < warmups + runs; round++) {
      for (const target of targets) {
        // A fresh output file each run, as every step gets, so appends do not grow it.
        writeFileSync(target.sandbox.outputFile, '');
        writeFileSync(target.sandbox.summaryFile, '');
        const r = timeOnce(NODE24, target.args, target.sandbox.env, target.sandbox.env.GITHUB_WORKSPACE!);
        if (r.exitCode !== 0 && !target.failure) target.failure = `exit ${r.exitCode}: ${r.stderr.trim().split('\n').pop() ?? ''}`.slice(0, 160);
        if (round >= warmups) target.samples.push(r.ms);
      }
    }
  } finally {
    for (const t of targets) rmSync(t.sandbox.dir, { recursive: true, force: true });
  }
  return targets.map((t) => {
    const row: ColdStartRow = { name: t.name, medianMs: percentile(t.samples, 50), p90Ms: percentile(t.samples, 90), runs: t.samples.length };
    if (t.failure) row.failure = t.failure;
    log(`${t.name}: median ${row.medianMs.toFixed(1)} ms, p90 ${row.p90Ms.toFixed(1)} ms${t.failure ? ` (FAILED: ${t.failure})` : ''}`);
    return row;
  });
}
