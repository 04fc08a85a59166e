// audit-emit's benchmark: `agent-gates verify-chain` over a 1,000,000-event log against the floor of
// hashing the same bytes in Node (target ≤ 3×), and its peak RSS (target ≤ 128 MiB). Registered in
// run.ts; alone: `pnpm exec tsx scripts/bench/audit-chain.ts [--events N]`, which writes the section too.
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { canonicalJson, sha256Hex } from '../../packages/core/src/digest/index.js';
import { auditEventProblems, type AuditEvent } from '../../packages/core/src/audit/index.js';
import { BENCH_DIR, cleanEnv, measure, MiB, ROOT } from './measure.js';
import { writeSection } from './report.js';

export const AUDIT_TARGETS = { verifyRatio: 3, peakRssMiB: 128 } as const;

/** A realistic decision event, different in every line. */
function event(i: number, prev: string | null): AuditEvent {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const body = {
    schema_version: 1 as const,
    event_id: `${hex(i, 8)}-0000-4000-8000-${hex(i * 7919, 12).slice(-12)}`,
    event_type: 'decision' as const,
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    agent_id: i % 3 === 0 ? 'codex' : 'claude-code',
    model: i % 2 === 0 ? 'claude-sonnet-4-5' : 'gpt-5-codex',
    user: 'octocat',
    prompt_id: `session-${i}`,
    action: ['auto_approve', 'human_review', 'reject'][i % 3]!,
    confidence_score: (i % 100) / 100,
    risk_tier: 'low',
    policy_applied: `.github/agent-gates.yml@${hex(i, 40)}`,
    policy_digest: `sha256:${sha256Hex(`policy${i % 10}`)}`,
    repository: 'acme/app',
    run: { id: String(1_000_000 + i), attempt: '1', workflow_ref: 'acme/app/.github/workflows/agent.yml@refs/heads/main', job: 'audit' },
    event_name: 'pull_request',
    head_sha: hex(i, 40),
    pull_request: (i % 5000) + 1,
    transcript_digest: `sha256:${sha256Hex(`t${i}`)}`,
    diff_digest: `sha256:${sha256Hex(`d${i}`)}`,
    usage: { input_tokens: 1000 + i, output_tokens: 200 + (i % 50), cost_usd: 0.01 },
    gates: [
      { name: 'capture-transcript', verdict: 'pass' as const, report_digest: `sha256:${sha256Hex(`c${i}`)}` },
      { name: 'diff-scope', verdict: 'pass' as const, report_digest: `sha256:${sha256Hex(`s${i}`)}` },
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
    if (i === 0 && auditEventProblems(e).length > 0) throw new Error(`bench event is invalid: ${auditEventProblems(e).join('; ')}`);
    prev = e.digest;
    if (!out.write(`${canonicalJson(e)}\n`)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** verify-chain as the CLI runs it, bundled to plain JS so no transpiler is timed. */
function bundleVerifier(dir: string): string {
  const require = createRequire(import.meta.url);
  const esbuild = require(require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsx'))] })) as { buildSync: (options: object) => void };
  const entry = path.join(dir, 'verify-entry.ts');
  writeFileSync(
    entry,
    `import { run } from ${JSON.stringify(path.join(ROOT, 'packages/cli/src/commands/verify-chain.ts'))};\nprocess.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });\n`,
  );
  const outfile = path.join(dir, 'verify-chain.mjs');
  esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'silent',
    absWorkingDir: ROOT,
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  return outfile;
}

const HASH = `import { createReadStream } from 'node:fs'; import { createHash } from 'node:crypto'; import { pipeline } from 'node:stream/promises';
const hash = createHash('sha256'); await pipeline(createReadStream(process.argv[1], { highWaterMark: 1 << 20 }), hash); console.log(hash.digest('hex'));`;

export async function auditChainBench(docs: string, events = 1_000_000, log: (m: string) => void = console.log): Promise<string> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `audit-${events}.jsonl`);
  if (!existsSync(file)) {
    log(`[bench] writing a ${events}-event audit log…`);
    await writeLog(file, events);
  }
  const bytes = statSync(file).size;
  const verifier = bundleVerifier(BENCH_DIR);
  const node = process.execPath;
  let best: { floor: number; verify: number; rss: number | undefined } | undefined;
  for (let run = 0; run < 3; run++) {
    const floor = await measure(node, ['--input-type=module', '-e', HASH, file], { env: cleanEnv() });
    const verify = await measure(node, [verifier, '--json', file], { env: cleanEnv() });
    if (verify.exitCode !== 0) throw new Error(`verify-chain failed: ${verify.stdout}${verify.stderr}`);
    const result = JSON.parse(verify.stdout) as { ok: boolean; events: number };
    if (!result.ok || result.events !== events) throw new Error(`verify-chain did not verify the bench log: ${verify.stdout}`);
    if (!best || verify.seconds < best.verify) best = { floor: floor.seconds, verify: verify.seconds, rss: verify.peakRss };
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
    '',
    'verify-chain parses each line, checks it is canonical (JSON.stringify gives it back and keys are in order), and',
    'hashes it with the `digest` member cut out; any other line is canonicalised in full.',
  ].join('\n');
  writeSection(docs, 'audit-emit', body, 'audit-emit');
  return body;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' } } });
  console.log(await auditChainBench(path.join(ROOT, 'docs', 'benchmarks.md'), Number(values.events)));
}
