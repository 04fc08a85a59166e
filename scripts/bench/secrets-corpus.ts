/**
 * Measures the secret engine on the labelled conformance corpora and secretlint (preset-recommend) on the
 * same inputs, plus redaction throughput on generated transcript JSONL.
 *   pnpm exec tsx scripts/bench/secrets-corpus.ts    # rewrites the section in docs/benchmarks.md
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createSecretEngine, type SecretFinding } from '../../packages/core/src/secrets/index.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const conformanceDir = path.resolve(repoRoot, '../shared/conformance/secrets');
const secretlintDir = path.join(conformanceDir, 'secretlint-preset-recommend');

export interface LabelledCase {
  case: string;
  label: 'secret' | 'clean';
  input_file: string;
  has_rule_options: boolean;
  expected: { range: [number, number] }[];
}

/**
 * Labelled secrets that no sound rule can report, with the reason. Kept here so the test and the
 * benchmark page state the same list.
 */
export const KNOWN_UNDETECTABLE: Record<string, string> = {
  'secretlint-rule-basicauth/ng.basic-auth-ftp-url':
    '`user:pass@` is a documentation placeholder; the same corpus labels `username:password@` clean, and no rule can tell the two apart',
  'secretlint-rule-basicauth/ng.basic-auth-http-url': 'same `user:pass@` placeholder',
  'secretlint-rule-basicauth/ng.basic-auth-in-markdown': 'same `user:pass@` placeholder (three times)',
  'secretlint-rule-aws/ng.AWS_Account_ID':
    'a 12-digit AWS account id is an identifier, not a credential; secretlint reports it only with a non-default option',
};

export function readCases(): LabelledCase[] {
  return readFileSync(path.join(secretlintDir, 'labels.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LabelledCase);
}

export function readCaseInput(c: LabelledCase): string {
  return readFileSync(path.join(secretlintDir, c.input_file), 'utf8');
}

const overlaps = (f: { start: number; end: number }, r: [number, number]): boolean => f.start < r[1] && f.end > r[0];

export interface CaseResult {
  case: string;
  label: 'secret' | 'clean';
  expected: number;
  covered: number;
  reported: number;
  ruleIds: string[];
}

export function evaluateEngine(cases: LabelledCase[]): CaseResult[] {
  const engine = createSecretEngine({ fingerprintKey: 'corpus' });
  return cases.map((c) => {
    const text = readCaseInput(c);
    const findings: SecretFinding[] = engine.scan(text);
    return {
      case: c.case,
      label: c.label,
      expected: c.expected.length,
      covered: c.expected.filter((e) => findings.some((f) => overlaps(f, e.range))).length,
      reported: findings.length,
      ruleIds: [...new Set(findings.map((f) => f.ruleId))],
    };
  });
}

interface SecretlintApi {
  lintSource: (o: unknown) => Promise<{ messages: { range: [number, number]; ruleId: string }[] }>;
  creator: unknown;
}

/** secretlint's core is a dependency of the `secretlint` package, not of this repository, so resolve it through that. */
export async function loadSecretlint(): Promise<SecretlintApi> {
  const req = createRequire(path.join(repoRoot, 'package.json'));
  const viaCli = createRequire(req.resolve('secretlint/package.json'));
  const viaNode = createRequire(viaCli.resolve('@secretlint/node/package.json'));
  const corePath = viaNode.resolve('@secretlint/core/package.json');
  const coreMain = path.join(path.dirname(corePath), (JSON.parse(readFileSync(corePath, 'utf8')) as { main: string }).main);
  const core = (await import(pathToFileURL(coreMain).href)) as { lintSource: SecretlintApi['lintSource'] };
  const preset = (await import('@secretlint/secretlint-rule-preset-recommend')) as { creator: unknown };
  return { lintSource: core.lintSource, creator: preset.creator };
}

export async function secretlintMessages(api: SecretlintApi, text: string, filePath = 'input.txt') {
  const res = await api.lintSource({
    source: { content: text, filePath, ext: path.extname(filePath), contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: api.creator }] } },
  });
  return res.messages;
}

/** Seeded base62 so generated records are the same every run and no literal token sits in the repo. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const randomToken = (rnd: () => number, n: number): string =>
  Array.from({ length: n }, () => B62[Math.floor(rnd() * 62)]).join('');

/** Claude Code session-like JSONL: prose, code edits, shell output, thinking with signatures. */
export function transcriptJsonl(targetBytes: number, seed = 7): { text: string; secretLines: number } {
  const rnd = seededRandom(seed);
  const lines: string[] = [];
  let size = 0;
  let secretLines = 0;
  const prose = 'The failing test asserts the parser keeps the original offsets when a record is split. I will read the module, then change the loop so it carries the tail of the previous chunk. ';
  const code = "export function parse(input: string): Record<string, unknown> {\n  const out: Record<string, unknown> = {};\n  for (const line of input.split('\\n')) {\n    const [k, v] = line.split('=');\n    if (k) out[k.trim()] = v?.trim();\n  }\n  return out;\n}\n";
  const shell = ' RUN  v4.1.12 /repo\n ✓ test/parse.test.ts (12 tests) 31ms\n Test Files  1 passed (1)\n      Tests  12 passed (12)\n   Start at  10:42:07\n   Duration  412ms\ndrwxr-xr-x  5 dev dev 4096 src\n-rw-r--r--  1 dev dev  811 package.json\n';
  for (let i = 0; size < targetBytes; i++) {
    const uuid = `${randomToken(rnd, 8)}-${randomToken(rnd, 4)}`;
    let rec: unknown;
    const kind = i % 4;
    if (i % 1000 === 999) {
      secretLines++;
      const token = 'ghp_' + randomToken(rnd, 36);
      rec = { type: 'user', uuid, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: uuid, content: `export GITHUB_TOKEN=${token}\n` }] } };
    } else if (kind === 0) {
      rec = { type: 'assistant', uuid, sessionId: 'sess-1', message: { role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'thinking', thinking: prose, signature: randomToken(rnd, 344) }, { type: 'text', text: prose + prose }] } };
    } else if (kind === 1) {
      rec = { type: 'assistant', uuid, message: { content: [{ type: 'tool_use', id: uuid, name: 'Edit', input: { file_path: '/repo/src/parse.ts', old_string: code, new_string: code.replace('parse', 'parseLine') } }] } };
    } else if (kind === 2) {
      rec = { type: 'user', uuid, toolUseResult: { stdout: shell, stderr: '', interrupted: false }, message: { content: [{ type: 'tool_result', tool_use_id: uuid, content: shell }] } };
    } else {
      rec = { type: 'user', uuid, cwd: '/repo', gitBranch: 'main', version: '2.0.14', message: { role: 'user', content: 'Please make the tests pass and keep the public API unchanged.' } };
    }
    const line = JSON.stringify(rec);
    lines.push(line);
    size += line.length + 1;
  }
  return { text: lines.join('\n') + '\n', secretLines };
}

export interface Throughput {
  megabytes: number;
  engineMBps: number;
  engineFindings: number;
  secretlintMBps: number;
  secretlintFindings: number;
}

export async function measureThroughput(targetBytes = 16 * 1024 * 1024): Promise<Throughput> {
  const { text } = transcriptJsonl(targetBytes);
  const mb = Buffer.byteLength(text) / (1024 * 1024);
  const engine = createSecretEngine({ fingerprintKey: 'bench' });
  const lines = text.split('\n');
  const run = () => {
    const r = engine.createLineRedactor('json');
    let n = 0;
    for (const l of lines) n += r.push(l).findings.length;
    return n + r.flush().findings.length;
  };
  run(); // warm-up: JIT and regex compilation
  let t0 = performance.now();
  const engineFindings = run();
  const engineMs = performance.now() - t0;
  const api = await loadSecretlint();
  await secretlintMessages(api, text.slice(0, 100_000), 'session.jsonl');
  t0 = performance.now();
  const messages = await secretlintMessages(api, text, 'session.jsonl');
  const slMs = performance.now() - t0;
  return {
    megabytes: mb,
    engineMBps: mb / (engineMs / 1000),
    engineFindings,
    secretlintMBps: mb / (slMs / 1000),
    secretlintFindings: messages.length,
  };
}

export async function secretsCorpusReport(): Promise<string> {
  const out: string[] = ['## Secret detection', ''];
  if (!existsSync(secretlintDir)) {
    out.push('_The conformance corpus (`../shared/conformance/secrets`) is absent; corpus figures were not measured._', '');
  } else {
    const cases = readCases();
    const ours = evaluateEngine(cases);
    const api = await loadSecretlint();
    const theirs: CaseResult[] = [];
    for (const c of cases) {
      const msgs = await secretlintMessages(api, readCaseInput(c), path.basename(c.input_file));
      theirs.push({
        case: c.case, label: c.label, expected: c.expected.length,
        covered: c.expected.filter((e) => msgs.some((m) => overlaps({ start: m.range[0], end: m.range[1] }, e.range))).length,
        reported: msgs.length, ruleIds: [...new Set(msgs.map((m) => m.ruleId))],
      });
    }
    const summary = (rs: CaseResult[]) => {
      const secret = rs.filter((r) => r.label === 'secret');
      const ranges = secret.reduce((n, r) => n + r.expected, 0);
      const covered = secret.reduce((n, r) => n + r.covered, 0);
      const casesHit = secret.filter((r) => r.covered > 0).length;
      const fps = rs.filter((r) => r.label === 'clean' && r.reported > 0);
      return { secret: secret.length, casesHit, ranges, covered, fps };
    };
    const a = summary(ours);
    const b = summary(theirs);
    out.push(
      `secretlint preset-recommend snapshot corpus: ${cases.length} cases (${a.secret} secret, ${cases.length - a.secret} clean). ` +
        'Both scanners read the same input files with default settings (per-case `.secretlintrc.json` options are not applied to either). ' +
        'secretlint is measured against its own snapshots, so its figures show what the labels expect rather than an independent score.',
      '',
      '| scanner | secret cases with a hit | expected ranges covered | clean cases with a finding |',
      '|---|---|---|---|',
      `| agent-gates engine | ${a.casesHit}/${a.secret} | ${a.covered}/${a.ranges} | ${a.fps.length} |`,
      `| secretlint ${'preset-recommend'} | ${b.casesHit}/${b.secret} | ${b.covered}/${b.ranges} | ${b.fps.length} |`,
      '',
      '### Per case (engine)',
      '',
      '| case | label | ranges covered | findings | rule ids |',
      '|---|---|---|---|---|',
      ...ours.map((r) => `| ${r.case} | ${r.label} | ${r.covered}/${r.expected} | ${r.reported} | ${r.ruleIds.join(', ')} |`),
      '',
      '### Engine false positives on clean cases',
      '',
      ...(a.fps.length ? a.fps.map((r) => `- ${r.case}: ${r.ruleIds.join(', ')}`) : ['- none']),
      '',
      '### Labelled secrets no sound rule can detect',
      '',
      ...Object.entries(KNOWN_UNDETECTABLE).map(([k, v]) => `- ${k}: ${v}`),
      '',
    );
  }
  const t = await measureThroughput();
  out.push(
    '### Redaction throughput',
    '',
    `Generated Claude Code-like session JSONL, ${t.megabytes.toFixed(1)} MiB (one line in 1000 holds a token), one run after a warm-up, Node ${process.versions.node}.`,
    '',
    '| scanner | MiB/s | findings |',
    '|---|---|---|',
    `| engine, \`createLineRedactor('json')\` | ${t.engineMBps.toFixed(1)} | ${t.engineFindings} |`,
    `| secretlint \`lintSource\` (preset-recommend) | ${t.secretlintMBps.toFixed(1)} | ${t.secretlintFindings} |`,
    '',
    `Ratio: ${(t.engineMBps / t.secretlintMBps).toFixed(1)}×.`,
    '',
  );
  return out.join('\n');
}

async function main(): Promise<void> {
  const section = await secretsCorpusReport();
  const file = path.join(repoRoot, 'docs/benchmarks.md');
  const start = '<!-- secrets-corpus:start -->';
  const end = '<!-- secrets-corpus:end -->';
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const block = `${start}\n${section}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  const next = i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
  console.log(section);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
