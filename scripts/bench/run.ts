// `pnpm bench`: proves the speed targets of the issue side by side in one run and records them in
// docs/benchmarks.md. A missed target is reported in bold and the run still exits 0, so the record is
// kept; a phase that cannot run (a missing bundle, a crashed child) exits 1 and writes no figures.
//
//   pnpm bench                                  # 1 GiB transcript, every phase
//   pnpm bench --size 64MiB                     # quick pass (or BENCH_SIZE=64MiB)
//   pnpm bench --only capture,secretlint,cold-start,secrets-corpus   # a subset writes .bench/benchmarks-partial.md
//   pnpm bench --only audit-chain               # verify-chain over a 1,000,000-event audit log
//   pnpm bench --runs 30 --seed 7 --secretlint-budget 300
//
// The throughput input is built from the conformance Claude Code sessions, read from ../shared/conformance
// beside the repository (or BENCH_CONFORMANCE=DIR); without them the run stops before measuring anything.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { coldStart, committedBundles } from './cold-start.js';
import { conformanceDir, DEFAULT_SEED, ensureTranscript, parseSize } from './generate.js';
import { BENCH_DIR, machine, MiB, ROOT } from './measure.js';
import { renderBench, verdicts, writeSection, type BenchResults } from './report.js';
import { CAPTURE_BUNDLE, captureParts, captureTranscript, nodeHashFloor, secretlint, sha256sumFloor, warmPageCache, type ThroughputRow } from './throughput.js';

const PHASES = ['capture', 'secretlint', 'cold-start', 'secrets-corpus', 'verify-manifest', 'diff-scope', 'audit-chain'] as const;
type Phase = (typeof PHASES)[number];

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: process.env.BENCH_SIZE ?? '1GiB' },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    only: { type: 'string' },
    runs: { type: 'string', default: '20' },
    // secretlint gets ~10 minutes; past that it stops (after ≥ 128 MiB) and the report says so.
    'secretlint-budget': { type: 'string', default: '600' },
    // Runs per throughput tool, interleaved; the fastest counts (noise only ever adds time). Default: 3 up to 256 MiB, else 1.
    repeat: { type: 'string' },
  },
});

const requested = values.only ? values.only.split(',').map((p) => p.trim()) : [...PHASES];
const unknown = requested.filter((p) => !(PHASES as readonly string[]).includes(p));
if (unknown.length > 0) {
  console.error(`[bench] --only: unknown phase ${unknown.join(', ')} (known: ${PHASES.join(', ')})`);
  process.exit(1);
}
const phases = new Set(requested as Phase[]);
const size = parseSize(values.size);
const seed = Number(values.seed);
const runs = Number(values.runs);
const repeat = Number(values.repeat ?? (size <= 256 * MiB ? 3 : 1));
const loadAverage = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const log = (message: string) => console.log(`[bench] ${message}`);
// A partial run must not replace the full record with half of one: it writes to .bench instead.
const docs = phases.size === PHASES.length ? path.join(ROOT, 'docs', 'benchmarks.md') : path.join(BENCH_DIR, 'benchmarks-partial.md');

/** Keeps the faster of two runs (by throughput, as secretlint may stop early), with the higher peak RSS of the two. */
function fastest<T extends ThroughputRow>(previous: T | undefined, next: T): T {
  if (!previous) return next;
  const best = next.bytes / next.seconds > previous.bytes / previous.seconds ? next : previous;
  const peaks = [previous.peakRss, next.peakRss].filter((n): n is number => n !== undefined);
  return { ...best, peakRss: peaks.length > 0 ? Math.max(...peaks) : undefined };
}

async function main(): Promise<number> {
  // Refuse before any long work: figures for a bundle that does not exist would be invented.
  if (phases.has('capture') && !existsSync(CAPTURE_BUNDLE)) {
    console.error(`[bench] ${path.relative(ROOT, CAPTURE_BUNDLE)} does not exist: run \`pnpm build\` first (or --only without capture). Nothing was measured.`);
    return 1;
  }
  if (phases.has('cold-start') && committedBundles().length === 0) {
    console.error('[bench] no actions/*/dist/index.js exists: run `pnpm build` first. Nothing was measured.');
    return 1;
  }
  if (runs < 15) throw new Error('--runs must be at least 15 for a meaningful p90');
  const throughput = phases.has('capture') || phases.has('secretlint');
  let conformance = '';
  try {
    if (throughput) conformance = conformanceDir(ROOT);
  } catch (error) {
    console.error(`[bench] ${(error as Error).message}`);
    return 1;
  }

  const results: BenchResults = {
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    phases: [...phases],
    repeat,
    loadBefore: loadAverage(),
  };
  // Only the throughput phases need the (possibly 1 GiB) transcript.
  if (throughput) results.transcript = ensureTranscript(BENCH_DIR, size, seed, conformance, log);
  const { file, bytes } = results.transcript ?? { file: '', bytes: 0 };

  if (throughput) warmPageCache(file);
  for (let round = 1; throughput && round <= repeat; round++) {
    const tag = repeat > 1 ? ` (run ${round}/${repeat})` : '';
    if (throughput) {
      results.sha256sum = fastest(results.sha256sum, await sha256sumFloor(file, bytes));
      results.nodeHash = fastest(results.nodeHash, await nodeHashFloor(file, bytes));
      log(`floors${tag}: sha256sum ${results.sha256sum.seconds.toFixed(2)} s, node stream ${results.nodeHash.seconds.toFixed(2)} s (fastest so far)`);
    }
    if (phases.has('capture')) {
      const capture = await captureTranscript(file, bytes);
      results.capture = fastest(results.capture, capture);
      log(
        `capture-transcript${tag}: ${capture.seconds.toFixed(2)} s, peak RSS ${((capture.peakRss ?? 0) / MiB).toFixed(0)} MiB, verdict=${capture.outputs['verdict']} redactions=${capture.outputs['redactions']}`,
      );
    }
    if (phases.has('capture') && round === 1) {
      results.captureParts = await captureParts(file);
      log(
        `capture's one-thread passes: verdicts ${results.captureParts.verdictSeconds.toFixed(2)} s, JSON.parse ${results.captureParts.parseSeconds.toFixed(2)} s`,
      );
    }
    if (phases.has('secretlint')) {
      const lint = await secretlint(file, Number(values['secretlint-budget']), Math.min(128 * MiB, bytes));
      results.secretlint = fastest(results.secretlint, lint);
      log(`secretlint${tag}: ${(lint.bytes / MiB).toFixed(0)} MiB in ${lint.seconds.toFixed(2)} s, ${lint.findings} findings`);
    }
  }
  if (phases.has('cold-start')) {
    log(`cold start, ${runs} runs each…`);
    results.coldStart = coldStart(runs, 2, log);
    results.coldStartRuns = runs;
  }

  results.loadAfter = loadAverage();
  // The corpus section is computed before anything is written, so a failure leaves the page as it was.
  let corpusSection: string | undefined;
  if (phases.has('secrets-corpus')) {
    if (existsSync(path.join(import.meta.dirname, 'secrets-corpus.ts'))) {
      log('secrets corpus…');
      const { secretsCorpusReport } = (await import('./secrets-corpus.js')) as { secretsCorpusReport: () => Promise<string> };
      corpusSection = await secretsCorpusReport();
    } else {
      log('scripts/bench/secrets-corpus.ts is absent: its section is left as it was.');
    }
  }

  // verify-manifest's targets (scripts/bench/verify-manifest.ts) get a section of their own.
  let verifyManifestSection: string | undefined;
  if (phases.has('verify-manifest')) {
    const { benchVerifyManifest, renderVerifyManifest, VERIFY_MANIFEST_BUNDLE } = await import('./verify-manifest.js');
    if (!existsSync(VERIFY_MANIFEST_BUNDLE)) throw new Error(`${path.relative(ROOT, VERIFY_MANIFEST_BUNDLE)} does not exist: run \`pnpm build\` first`);
    const m = results.machine;
    verifyManifestSection = renderVerifyManifest(await benchVerifyManifest(runs, log), `${results.date}: ${m.cpu}, ${m.cores} cores, Node 24 (${m.node24})`);
  }

  writeSection(docs, 'bench', renderBench(results), 'Throughput and cold start');
  if (verifyManifestSection !== undefined) writeSection(docs, 'verify-manifest', verifyManifestSection, 'verify-manifest');
  if (corpusSection !== undefined) writeSection(docs, 'secrets-corpus', corpusSection);
  if (phases.has('diff-scope'))
    writeSection(docs, 'diff-scope', await import('./diff-scope.js').then(async (m) => m.renderDiffScopeBench(await m.benchDiffScope({ log }))), 'diff-scope');
  if (phases.has('audit-chain')) await (await import('./audit-chain.js')).auditChainBench(docs, 1_000_000, log);
  log(`wrote ${path.relative(ROOT, docs)}`);

  console.log(`\nOn ${results.machine.cpu}, ${results.machine.cores} cores, load ${results.loadBefore} → ${results.loadAfter}:`);
  for (const v of verdicts(results)) {
    const mark = v.pass === undefined ? 'not measured' : v.pass ? 'PASS' : 'FAIL  <<<<<<<<';
    console.log(`${mark.padEnd(16)} ${v.target}: ${v.measured}`);
  }
  return 0;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nNo figures were written for this run.`);
  return 1;
});
