// audit-emit's benchmark: `agent-gates verify-chain` over a 1,000,000-event log against the floor of
// hashing the same bytes in Node (target ≤ 3×), and its peak RSS (target ≤ 128 MiB). Registered in
// run.ts; alone: `pnpm exec tsx scripts/bench/audit-chain.ts [--events N]`, which writes the section too.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { canonicalJson, sha256Hex } from '../../packages/core/src/digest/index.js';
import { auditEventProblems, type AuditEvent } from '../../packages/core/src/audit/index.js';
import { BENCH_DIR, bundleForBench, cleanEnv, measure, MiB, ROOT } from './measure.js';
import { writeSection } from './report.js';

export const AUDIT_TARGETS = { verifyRatio: 3, peakRssMiB: 128 } as const;

const ACTIONS = ['auto_approve', 'human_review', 'reject'] as const;
const TIERS = ['low', 'medium', 'high', 'critical'] as const;

/**
 * A decision event as audit-emit writes it after the four gates and the router ran (signals.ts and
 * build.ts): every field of the schema that a decision carries is filled, different in every line.
 */
function event(i: number, prev: string | null): AuditEvent {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const digest = (seed: string) => `sha256:${sha256Hex(seed)}`;
  const action = ACTIONS[i % 3]!;
  const confidence = Math.round((i * 37) % 101) / 100; // 0 to 1, two decimals as the router rounds
  const model = i % 2 === 0 ? 'claude-sonnet-4-5' : 'gpt-5-codex';
  const verdict = (n: number) => (['pass', 'pass', 'warn', 'fail'] as const)[(i + n) % 4]!;
  const body = {
    schema_version: 1 as const,
    event_id: `${hex(i, 8)}-${hex(i % 65536, 4)}-4${hex(i % 4096, 3)}-8${hex((i * 31) % 4096, 3)}-${hex(i * 7919, 12).slice(-12)}`,
    event_type: 'decision' as const,
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    agent_id: i % 3 === 0 ? 'codex' : 'claude-code',
    agent_version: i % 3 === 0 ? '0.46.0' : '2.1.12',
    model,
    models: i % 4 === 0 ? [model, 'claude-haiku-4-5'] : [model],
    user: `dev-${i % 250}`,
    prompt_id: `${hex(i * 13, 8)}-1b2c-4d3e-9f40-${hex(i, 12)}`,
    action,
    confidence_score: confidence,
    risk_tier: TIERS[i % 4]!,
    reasons: [
      { signal: 'gates', value: 'pass', weight: 0.4, contribution: 0.4, note: 'every expected gate passed' },
      { signal: 'tests', value: i % 7 === 0 ? 'failed' : 'passed', weight: 0.2, contribution: i % 7 === 0 ? 0 : 0.2, note: 'passed = 1' },
      { signal: 'review-score', value: 40 + (i % 60), weight: 0.2, contribution: Math.round((40 + (i % 60)) * 20) / 10_000, note: 'score / 100' },
      { signal: 'agent-confidence', value: null, weight: 0.1, contribution: 0, note: 'not given: counts 0' },
      { signal: 'vulnerabilities', value: i % 11, weight: 0.1, contribution: Math.round(1000 / (1 + (i % 11))) / 10_000, note: '1/(1+count)' },
    ],
    decision_digest: digest(`decision${i}`),
    policy_applied: `.github/agent-gates.yml@${sha256Hex(`policy${i >> 6}`).slice(0, 40)}`,
    policy_digest: digest(`policy${i % 10}`),
    ...(action === 'human_review' ? { human_reviewer: `reviewer-${i % 17}` } : {}),
    repository: `acme/service-${i % 300}`,
    run: {
      id: String(14_000_000_000 + i),
      attempt: String(1 + (i % 3 === 2 ? 1 : 0)),
      workflow_ref: `acme/service-${i % 300}/.github/workflows/agent-gates.yml@refs/pull/${(i % 5000) + 1}/merge`,
      job: 'audit',
    },
    event_name: 'pull_request',
    base_sha: sha256Hex(`base${i >> 3}`).slice(0, 40),
    head_sha: sha256Hex(`head${i}`).slice(0, 40),
    pull_request: (i % 5000) + 1,
    transcript_digest: digest(`t${i}`),
    manifest_digest: digest(`m${i}`),
    diff_digest: digest(`d${i}`),
    agent_run_at: new Date(Date.UTC(2026, 0, 1) + i * 1000 - 180_000).toISOString(),
    usage: { input_tokens: 18_000 + ((i * 97) % 200_000), output_tokens: 900 + ((i * 13) % 12_000), cost_usd: Math.round((i % 997) * 13) / 10_000 },
    gates: [
      {
        name: 'capture-transcript',
        verdict: verdict(0),
        report_digest: digest(`c${i}`),
        result: 'success',
        ...(verdict(0) === 'pass' ? {} : { rules: ['SECRET_REDACTED'] }),
      },
      {
        name: 'verify-manifest',
        verdict: verdict(1),
        report_digest: digest(`v${i}`),
        result: 'success',
        ...(verdict(1) === 'pass' ? {} : { rules: ['MANIFEST_MODEL_MISMATCH'] }),
      },
      {
        name: 'diff-scope',
        verdict: verdict(2),
        report_digest: digest(`s${i}`),
        result: verdict(2) === 'fail' ? 'failure' : 'success',
        ...(verdict(2) === 'pass' ? {} : { rules: ['SCOPE_PROTECTED_PATH', 'SCOPE_MAX_FILES'] }),
      },
      {
        name: 'confidence-router',
        verdict: action === 'reject' ? ('fail' as const) : action === 'human_review' ? ('warn' as const) : ('pass' as const),
        report_digest: digest(`r${i}`),
        result: 'success',
      },
    ],
    prev,
  };
  return { ...body, digest: `sha256:${sha256Hex(canonicalJson(body))}` };
}

async function writeLog(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  let prev: string | null = null;
  for (let i = 0; i < count; i++) {
    const e = event(i, prev);
    if (i % 10_000 === 0 && auditEventProblems(e).length > 0) throw new Error(`bench event is invalid: ${auditEventProblems(e).join('; ')}`);
    prev = e.digest;
    if (!out.write(`${canonicalJson(e)}\n`)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** verify-chain as the CLI runs it, bundled to plain JS so no transpiler is timed. */
function bundleVerifier(dir: string): string {
  const entry = path.join(dir, 'verify-entry.ts');
  writeFileSync(
    entry,
    `import { run } from ${JSON.stringify(path.join(ROOT, 'packages/cli/src/commands/verify-chain.ts'))};\nprocess.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });\n`,
  );
  // The worker entry is bundled beside it, where the command looks for it (verify-chain-worker.mjs).
  bundleForBench({ 'verify-chain': entry, 'verify-chain-worker': path.join(ROOT, 'packages/cli/src/commands/verify-chain-worker.ts') }, dir);
  return path.join(dir, 'verify-chain.mjs');
}

const HASH = `import { createReadStream } from 'node:fs'; import { createHash } from 'node:crypto'; import { pipeline } from 'node:stream/promises';
const hash = createHash('sha256'); await pipeline(createReadStream(process.argv[1], { highWaterMark: 1 << 20 }), hash); console.log(hash.digest('hex'));`;

export async function auditChainBench(docs: string, events = 1_000_000, log: (m: string) => void = (m) => console.log(`[bench] ${m}`)): Promise<string> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `audit-v2-${events}.jsonl`);
  if (!existsSync(file)) {
    log(`writing a ${events}-event audit log…`);
    await writeLog(`${file}.partial`, events);
    renameSync(`${file}.partial`, file);
  }
  const bytes = statSync(file).size;
  const verifier = bundleVerifier(BENCH_DIR);
  const node = process.execPath;
  let best: { floor: number; verify: number; rss: number | undefined; one: number; oneRss: number | undefined } | undefined;
  const verified = async (args: string[]) => {
    const verify = await measure(node, [verifier, '--json', ...args, file], { env: cleanEnv() });
    if (verify.exitCode !== 0) throw new Error(`verify-chain failed: ${verify.stdout}${verify.stderr}`);
    const result = JSON.parse(verify.stdout) as { ok: boolean; events: number };
    if (!result.ok || result.events !== events) throw new Error(`verify-chain did not verify the bench log: ${verify.stdout}`);
    return verify;
  };
  // Interleaved, fastest of 3 each: on a shared machine noise only ever adds time.
  for (let run = 0; run < 3; run++) {
    const floor = await measure(node, ['--input-type=module', '-e', HASH, file], { env: cleanEnv() });
    const verify = await verified([]);
    const one = await verified(['--threads', '1']);
    log(
      `audit-chain run ${run + 1}/3: floor ${floor.seconds.toFixed(2)} s, verify-chain ${verify.seconds.toFixed(2)} s, one thread ${one.seconds.toFixed(2)} s`,
    );
    best ??= { floor: floor.seconds, verify: verify.seconds, rss: verify.peakRss, one: one.seconds, oneRss: one.peakRss };
    if (verify.seconds < best.verify) Object.assign(best, { verify: verify.seconds, rss: verify.peakRss });
    if (one.seconds < best.one) Object.assign(best, { one: one.seconds, oneRss: one.peakRss });
    best.floor = Math.min(best.floor, floor.seconds);
  }
  const ratio = best!.verify / best!.floor;
  const rssMiB = best!.rss !== undefined ? best!.rss / MiB : undefined;
  const mark = (pass: boolean, text: string) => (pass ? text : `**${text} (target missed)**`);
  const body = [
    `verify-chain over ${events.toLocaleString('en')} events (${(bytes / MiB).toFixed(0)} MiB), fastest of 3 runs, Node ${process.version}:`,
    '',
    '| what | seconds | MiB/s | peak RSS | target |',
    '|---|---|---|---|---|',
    `| Node sha256 of the same bytes (floor) | ${best!.floor.toFixed(2)} | ${(bytes / MiB / best!.floor).toFixed(0)} | | |`,
    `| \`agent-gates verify-chain\` | ${best!.verify.toFixed(2)} | ${(bytes / MiB / best!.verify).toFixed(0)} | ${rssMiB !== undefined ? `${rssMiB.toFixed(0)} MiB` : 'n/a'} | ${mark(ratio <= AUDIT_TARGETS.verifyRatio, `${ratio.toFixed(2)}× the floor (≤ ${AUDIT_TARGETS.verifyRatio}×)`)}; ${rssMiB === undefined ? 'RSS not measured' : mark(rssMiB <= AUDIT_TARGETS.peakRssMiB, `≤ ${AUDIT_TARGETS.peakRssMiB} MiB`)} |`,
    `| \`verify-chain --threads 1\` | ${best!.one.toFixed(2)} | ${(bytes / MiB / best!.one).toFixed(0)} | ${best!.oneRss !== undefined ? `${(best!.oneRss / MiB).toFixed(0)} MiB` : 'n/a'} | ${(best!.one / best!.floor).toFixed(2)}× the floor |`,
    '',
    'verify-chain checks each line on its bytes: one pass proves the line is the RFC 8785 canonical form audit-emit',
    "writes (keys in order, no whitespace, JSON.stringify's escapes and numbers, valid UTF-8) and finds `schema_version`,",
    '`prev` and `digest`; the line is then hashed where it lies with the `digest` member cut out. Any other line is',
    'parsed and canonicalised in full. From 64 MiB on, with two cores, the two halves of the log are verified on two',
    'worker threads and the link across the halves is checked by the coordinator.',
  ].join('\n');
  writeSection(docs, 'audit-emit', body, 'audit-emit');
  return body;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' } } });
  console.log(await auditChainBench(path.join(ROOT, 'docs', 'benchmarks.md'), Number(values.events)));
}
