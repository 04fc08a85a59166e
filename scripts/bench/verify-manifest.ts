// verify-manifest's two targets (issue 7): verifying 1,000 key-signed manifests in one process within 2×
// the floor of the signature checks alone (the same glob, then read each manifest and its signature, Node crypto.verify),
// and the gate's cold start without a bundle within 1.5× the baseline action, measured as cold-start.ts
// measures every gate (same baseline, same sandbox, round-robin runs).
import { generateKeyPairSync, sign, verify, createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findManifests, verifyManifests } from '../../packages/core/src/manifest/index.js';
import { defaultPolicy } from '../../packages/core/src/policy/index.js';
import { buildBaseline } from './cold-start.js';
import { BENCH_DIR, NODE24, percentile, ROOT, timeOnce } from './measure.js';
import { runnerSandbox } from './throughput.js';

export const VERIFY_MANIFEST_TARGETS = { throughputRatio: 2, coldStartRatio: 1.5 } as const;
export const VERIFY_MANIFEST_BUNDLE = path.join(ROOT, 'actions', 'verify-manifest', 'dist', 'index.js');

export interface VerifyManifestBench {
  manifests: number;
  /** Fastest round's wall-clock time. */
  gateMs: number;
  floorMs: number;
  /** Fastest round's CPU time (user + system) of the process: the work done, whatever the machine's load. */
  gateCpuMs: number;
  floorCpuMs: number;
  rounds: number;
  coldStart: { gateMedianMs: number; gateP90Ms: number; baselineMedianMs: number; baselineP90Ms: number; runs: number; failure?: string };
}

function manifestText(i: number): string {
  return `model: claude-sonnet-4-5-20250929\nversion: 1.4.${i}\nfingerprint: sha256:abcdef1234567890\nprompt_template: bump_version_and_add_tests\nprompt_vars:\n  module: billing\n  change_type: minor\nrandom_seed: ${i}\nrequired_tools:\n  - git\n  - docker\nauthor: alice\ntimestamp: 2026-01-12T14:22:00Z\n`;
}

const keys = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** Writes `count` manifests, each with its cosign signature beside it, under `dir/manifests/`. */
function writeSignedManifests(dir: string, count: number, privateKey: ReturnType<typeof keys>['privateKey']): void {
  mkdirSync(path.join(dir, 'manifests'), { recursive: true });
  for (let i = 0; i < count; i++) {
    const text = manifestText(i);
    const file = path.join(dir, 'manifests', `m${String(i).padStart(4, '0')}.yaml`);
    writeFileSync(file, text);
    writeFileSync(`${file}.sig`, sign('sha256', Buffer.from(text), privateKey).toString('base64'));
  }
}

async function throughput(count: number, repeat: number): Promise<{ gateMs: number; floorMs: number; gateCpuMs: number; floorCpuMs: number }> {
  const pair = keys();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-manifests-'));
  const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(path.join(dir, 'cosign.pub'), pem);
  writeSignedManifests(dir, count, pair.privateKey);
  const context = {
    repository: 'bench/agent-gates',
    runId: '1',
    runAttempt: '1',
    job: 'bench',
    workflow: 'bench',
    workflowRef: '',
    eventName: 'workflow_dispatch',
    sha: '',
    actor: '',
  };
  let gateMs = Infinity;
  let floorMs = Infinity;
  let gateCpuMs = Infinity;
  let floorCpuMs = Infinity;
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  try {
    // Interleaved, the fastest of each counts: noise only ever adds time.
    for (let round = 0; round < repeat; round++) {
      // The floor finds the manifests as the gate does (the same glob, by the same function), then reads
      // each with its signature and verifies it with one parsed key.
      let cpu = process.cpuUsage();
      let started = process.hrtime.bigint();
      const names = findManifests(dir, 'manifests/*.yaml').map((name) => path.join(dir, name));
      if (names.length !== count) throw new Error(`floor: the glob found ${names.length} manifests`);
      const key = createPublicKey(pem);
      for (const name of names) {
        const ok = verify('sha256', readFileSync(name), key, Buffer.from(readFileSync(`${name}.sig`, 'utf8'), 'base64'));
        if (!ok) throw new Error(`floor: ${name} did not verify`);
      }
      floorMs = Math.min(floorMs, Number(process.hrtime.bigint() - started) / 1e6);
      floorCpuMs = Math.min(floorCpuMs, cpuMs(cpu));

      cpu = process.cpuUsage();
      started = process.hrtime.bigint();
      const result = await verifyManifests({
        workspace: dir,
        inputs: { manifest: 'manifests/*.yaml', publicKeys: ['cosign.pub'], transcriptDigests: [], requireSignedCommits: false, requireSignature: true },
        policy: defaultPolicy(),
        context,
        tool: { name: 'agent-gates/verify-manifest', version: 'bench' },
        outputDir: path.join(dir, 'report'),
      });
      gateMs = Math.min(gateMs, Number(process.hrtime.bigint() - started) / 1e6);
      gateCpuMs = Math.min(gateCpuMs, cpuMs(cpu));
      if (result.manifests.length !== count || result.verdict !== 'pass')
        throw new Error(`gate: ${result.manifests.length} manifests, verdict ${result.verdict}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { gateMs, floorMs, gateCpuMs, floorCpuMs };
}

function coldStart(runs: number, warmups: number): VerifyManifestBench['coldStart'] {
  const baseline = buildBaseline();
  const pair = keys();
  const gate = runnerSandbox({
    manifest: 'model_manifest.yaml',
    'public-key': 'cosign.pub',
    'require-signature': 'true',
    'fail-on': 'fail',
    summary: 'true',
    'require-signed-commits': 'false',
  });
  const workspace = gate.env.GITHUB_WORKSPACE!;
  const text = manifestText(1);
  writeFileSync(path.join(workspace, 'model_manifest.yaml'), text);
  writeFileSync(path.join(workspace, 'model_manifest.yaml.sig'), sign('sha256', Buffer.from(text), pair.privateKey).toString('base64'));
  writeFileSync(path.join(workspace, 'cosign.pub'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
  const base = runnerSandbox({});
  const samples = { gate: [] as number[], baseline: [] as number[] };
  let failure: string | undefined;
  try {
    for (let round = 0; round < warmups + runs; round++) {
      for (const [name, sandbox, args] of [
        ['baseline', base, [baseline]],
        ['gate', gate, [VERIFY_MANIFEST_BUNDLE]],
      ] as const) {
        writeFileSync(sandbox.outputFile, '');
        writeFileSync(sandbox.summaryFile, '');
        const r = timeOnce(NODE24, [...args], sandbox.env, sandbox.env.GITHUB_WORKSPACE!);
        if (r.exitCode !== 0 && !failure) failure = `${name}: exit ${r.exitCode}: ${r.stderr.trim().split('\n').pop() ?? ''}`.slice(0, 160);
        if (round >= warmups) samples[name].push(r.ms);
      }
    }
    if (!failure && !readFileSync(gate.outputFile, 'utf8').includes('cosign-key')) failure = 'gate: no signature-kind output';
  } finally {
    for (const sandbox of [gate, base]) rmSync(sandbox.dir, { recursive: true, force: true });
  }
  return {
    gateMedianMs: percentile(samples.gate, 50),
    gateP90Ms: percentile(samples.gate, 90),
    baselineMedianMs: percentile(samples.baseline, 50),
    baselineP90Ms: percentile(samples.baseline, 90),
    runs,
    ...(failure ? { failure } : {}),
  };
}

export async function benchVerifyManifest(runs: number, log: (m: string) => void): Promise<VerifyManifestBench> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const count = 1000;
  // 30 rounds (about 8 s): a slow patch of a shared machine lasting a few seconds once held every one of 10
  // rounds on both sides (2.03× against 1.78–1.83× in the runs around it); the fastest of more rounds is steadier.
  const rounds = 30;
  const { gateMs, floorMs, gateCpuMs, floorCpuMs } = await throughput(count, rounds);
  log(
    `verify-manifest: ${count} key-signed manifests in ${gateCpuMs.toFixed(0)} ms CPU (${gateMs.toFixed(0)} ms wall); floor (glob + read + crypto.verify) ${floorCpuMs.toFixed(0)} ms CPU (${floorMs.toFixed(0)} ms wall)`,
  );
  const cold = coldStart(runs, 2);
  log(
    `verify-manifest cold start: median ${cold.gateMedianMs.toFixed(1)} ms vs baseline ${cold.baselineMedianMs.toFixed(1)} ms${cold.failure ? ` (FAILED: ${cold.failure})` : ''}`,
  );
  return { manifests: count, gateMs, floorMs, gateCpuMs, floorCpuMs, rounds, coldStart: cold };
}

export function renderVerifyManifest(r: VerifyManifestBench, machine: string): string {
  const ratio = r.gateCpuMs / r.floorCpuMs;
  const wallRatio = r.gateMs / r.floorMs;
  const coldRatio = r.coldStart.gateMedianMs / r.coldStart.baselineMedianMs;
  const mark = (pass: boolean) => (pass ? 'PASS' : '**MISSED**');
  return [
    `Measured by \`pnpm bench --only verify-manifest\` on ${machine}.`,
    '',
    '| target | measured | result |',
    '| --- | --- | --- |',
    `| ${r.manifests} key-signed manifests (ECDSA P-256) in one process ≤ ${VERIFY_MANIFEST_TARGETS.throughputRatio}× the signature checks alone | ${ratio.toFixed(2)}× CPU (${r.gateCpuMs.toFixed(0)} ms vs ${r.floorCpuMs.toFixed(0)} ms); wall ${wallRatio.toFixed(2)}× (${r.gateMs.toFixed(0)} ms vs ${r.floorMs.toFixed(0)} ms) | ${mark(ratio <= VERIFY_MANIFEST_TARGETS.throughputRatio)} |`,
    `| verify-manifest cold start, key-signed manifest, no bundle ≤ ${VERIFY_MANIFEST_TARGETS.coldStartRatio}× baseline (median of ${r.coldStart.runs}) | ${r.coldStart.failure ? `run failed: ${r.coldStart.failure}` : `${coldRatio.toFixed(2)}× (${r.coldStart.gateMedianMs.toFixed(0)} ms vs ${r.coldStart.baselineMedianMs.toFixed(0)} ms; p90 ${r.coldStart.gateP90Ms.toFixed(0)} vs ${r.coldStart.baselineP90Ms.toFixed(0)} ms)`} | ${mark(!r.coldStart.failure && coldRatio <= VERIFY_MANIFEST_TARGETS.coldStartRatio)} |`,
    '',
    'The floor finds the manifests by the same glob with the same function the gate uses (`findManifests`), reads each manifest',
    'and its `.sig` and calls `crypto.verify` with one parsed key: the least any verifier given a glob does. Both are timed from',
    `the glob to the last verdict, fastest of ${r.rounds} interleaved rounds. The target is judged on the process's CPU time (user + system,`,
    '`process.cpuUsage`): both sides are synchronous and single-threaded, so it is the work each does, while wall-clock time on a',
    'shared machine also counts the time other processes hold the cores (both are shown). The gate also reads the public key file, resolves every path',
    'inside the workspace (one realpath and one listing per folder), parses each manifest with the policy reader (one YAML pass;',
    'the positional document is built only for an error message), validates it against the schema, judges it against the policy',
    'and writes one canonical report over all of them.',
    'The cold start runs the committed bundle on a runner-like sandbox against the baseline action of the cold-start table',
    '(an ncc bundle of @actions/core that sets one output); sigstore-js is not loaded when there is no bundle.',
  ].join('\n');
}
