/**
 * Measures the secret engine on the labelled conformance corpora and secretlint (preset-recommend) on the
 * same inputs. Throughput is measured on real session records by scripts/bench/throughput.ts, not here:
 * a generated input shaped to avoid the slow path measures nothing.
 *   pnpm exec tsx scripts/bench/secrets-corpus.ts    # rewrites the section in docs/benchmarks.md
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createSecretEngine, type SecretFinding } from '../../packages/core/src/secrets/index.js';
import { detectFormat, isLineOriented } from '../../packages/core/src/transcript/index.js';

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

const TAILSCALE_FAKE =
  "the key id and secret are one repeated letter each (`AAAAAAAAAAAA-BBBB…`, entropy < 1): a documentation fake that the Tailscale rule's placeholder filter must reject, as gitleaks rejects `sk_live_AAAA…`";
const ALPHABET_STOPWORD =
  "the body spells out `abcdefghijklmnopqrstuvwxyz` (ignoring case), which gitleaks' global allowlist — applied by the engine to every format rule — treats as a placeholder";

/**
 * Expected ranges (`<case>#<index into expected>`) that no sound rule reports, with the reason. The test
 * asserts these stay uncovered and every other range is covered, so the list is exact; the benchmark page
 * prints it.
 */
export const UNDETECTABLE_RANGES: Record<string, string> = {
  'secretlint-rule-aws/ng.AWS_Account_ID#0':
    'a 12-digit AWS account id is an identifier, not a credential; secretlint reports it only with a non-default option',
  'secretlint-rule-basicauth/ng.basic-auth-ftp-url#0':
    '`user:pass@` is a documentation placeholder; the same corpus labels `username:password@` clean, and no rule can tell the two apart',
  'secretlint-rule-basicauth/ng.basic-auth-http-url#0': 'same `user:pass@` placeholder',
  'secretlint-rule-basicauth/ng.basic-auth-in-markdown#0': 'same `user:pass@` placeholder',
  'secretlint-rule-basicauth/ng.basic-auth-in-markdown#1': 'same `user:pass@` placeholder',
  'secretlint-rule-basicauth/ng.basic-auth-in-markdown#2': 'same `user:pass@` placeholder',
  'secretlint-rule-figma/ng.secret#0': ALPHABET_STOPWORD,
  'secretlint-rule-grafana/ng.service_account_token#0': ALPHABET_STOPWORD + " (gitleaks' own grafana-service-account-token rule matches the shape)",
  'secretlint-rule-groq/ng.secret#1': ALPHABET_STOPWORD,
  'secretlint-rule-notion/ng.secret#2': ALPHABET_STOPWORD + " (gitleaks' own notion-api-token rule matches the shape)",
  'secretlint-rule-huggingface/ng.secret#0': "`hf_` followed by 34 × `x`: a masked placeholder that gitleaks' huggingface rule (entropy 2) rejects",
  'secretlint-rule-npm/npmrc-_authToken#0':
    'the value `111111aaaa…` is two repeated characters (entropy 0.6): the `_authToken=` rule drops it for the reason it drops `_authToken=00000000…` in docs',
  'secretlint-rule-slack/ng.IncomingWebhook#0':
    '`TXXXXX/BXXXXX/XXXXXXXXXX` is a masked placeholder, shorter than any real webhook path (gitleaks needs 43+ characters)',
  'secretlint-rule-stripe/ng.secret#0': "`sk_live_` + 24 × `A`: a placeholder that gitleaks' stripe rule (entropy 2) must reject to keep docs quiet",
  'secretlint-rule-stripe/ng.secret#1': 'same, 24 × `B`',
  'secretlint-rule-stripe/ng.secret#2': 'same, 24 × `C`',
  'secretlint-rule-stripe/ng.secret#3': 'same, 24 × `D`',
  'secretlint-rule-tailscale/ng.api-key#0': TAILSCALE_FAKE,
  'secretlint-rule-tailscale/ng.auth-key#0': TAILSCALE_FAKE,
  'secretlint-rule-tailscale/ng.boundary-non-letter#0': TAILSCALE_FAKE,
  'secretlint-rule-tailscale/ng.boundary-non-letter#1': TAILSCALE_FAKE,
  'secretlint-rule-tailscale/ng.client-key#0': TAILSCALE_FAKE,
  'secretlint-rule-tailscale/ng.scim-key#0': TAILSCALE_FAKE,
  'secretlint-rule-tailscale/ng.unknown-type#0': TAILSCALE_FAKE,
  'secretlint-rule-tailscale/ng.webhook-key#0': TAILSCALE_FAKE,
};

/** Cases none of whose ranges any sound rule reports (derived from `UNDETECTABLE_RANGES`). */
export const KNOWN_UNDETECTABLE: Record<string, string> = (() => {
  const byCase = new Map<string, string[]>();
  for (const [key, reason] of Object.entries(UNDETECTABLE_RANGES)) {
    const name = key.slice(0, key.lastIndexOf('#'));
    byCase.set(name, [...(byCase.get(name) ?? []), reason]);
  }
  const out: Record<string, string> = {};
  if (!existsSync(secretlintDir)) return out;
  for (const c of readCases()) if (c.label === 'secret' && c.expected.length === byCase.get(c.case)?.length) out[c.case] = byCase.get(c.case)![0]!;
  return out;
})();

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
  /** Per expected range: did a finding overlap it. */
  coveredRanges: boolean[];
}

export function evaluateEngine(cases: LabelledCase[]): CaseResult[] {
  const engine = createSecretEngine({ fingerprintKey: 'corpus' });
  return cases.map((c) => {
    const text = readCaseInput(c);
    const findings: SecretFinding[] = engine.scan(text);
    const coveredRanges = c.expected.map((e) => findings.some((f) => overlaps(f, e.range)));
    return {
      case: c.case,
      label: c.label,
      expected: c.expected.length,
      covered: coveredRanges.filter(Boolean).length,
      reported: findings.length,
      ruleIds: [...new Set(findings.map((f) => f.ruleId))],
      coveredRanges,
    };
  });
}

/** The whole lines holding [start, end): what a reader of the file sees around the value. */
export function linesAround(text: string, start: number, end: number): string {
  const from = text.lastIndexOf('\n', start - 1) + 1;
  let to = text.indexOf('\n', end);
  if (to < 0) to = text.length;
  return text.slice(from, to);
}

// ---------------------------------------------------------------------------------------------
// detect-secrets

export const detectSecretsDir = path.join(conformanceDir, 'detect-secrets');

export interface DetectSecretsFinding {
  /** `<file>:<baseline line>:<type>`. */
  key: string;
  file: string;
  type: string;
  hashedSecret: string;
  /** 1-based line in the baseline. */
  baselineLine: number;
  /** 1-based line where the value was found, or null when no line of the file hashes to it. */
  line: number | null;
  /** The secret (for `Private Key`, the whole PEM block its header opens), or null when unresolved. */
  value: string | null;
  /** The header line (or whole key block) a reader sees around the value. */
  context: string | null;
  /** Engine finding overlapping the value, when the whole file is scanned. */
  found: boolean;
}

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');

/**
 * The value on `line` whose sha1 is `hash`. Candidates in the order detect-secrets' plugins take them:
 * quoted strings, the value after `=`/`:`, whitespace-separated tokens, the `BEGIN … PRIVATE KEY` header;
 * then, so a plugin quirk cannot hide a value, every substring of the line.
 */
export function resolveHashedSecret(line: string, hash: string): string | null {
  const candidates: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'/g)) candidates.push(m[1] ?? m[2] ?? '');
  for (const m of line.matchAll(/[=:][ \t]*(.*?)[ \t]*$/g)) candidates.push(m[1]!, m[1]!.replace(/[ \t]+#.*$/, ''));
  candidates.push(...line.split(/\s+/).filter(Boolean));
  const pem = /BEGIN[ A-Z0-9]*PRIVATE KEY/.exec(line);
  if (pem) candidates.push(pem[0]);
  for (const c of candidates) if (c && sha1(c) === hash) return c;
  for (let len = line.length; len > 0; len--)
    for (let i = 0; i + len <= line.length; i++) if (sha1(line.slice(i, i + len)) === hash) return line.slice(i, i + len);
  return null;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/;

/** Every baseline finding for a file copied into the folder, resolved to its value and checked against the engine. */
export function evaluateDetectSecrets(dir = detectSecretsDir): DetectSecretsFinding[] {
  const baseline = JSON.parse(readFileSync(path.join(dir, 'baseline.json'), 'utf8')) as {
    results: Record<string, { hashed_secret: string; line_number: number; type: string }[]>;
  };
  const engine = createSecretEngine({ fingerprintKey: 'corpus' });
  const out: DetectSecretsFinding[] = [];
  for (const [file, findings] of Object.entries(baseline.results)) {
    const full = path.join(dir, file);
    if (!existsSync(full)) continue; // the upstream .py test files were not copied
    const text = readFileSync(full, 'utf8');
    const lines = text.split('\n');
    const lineStart = (n: number) => lines.slice(0, n - 1).reduce((a, l) => a + l.length + 1, 0);
    const hits = engine.scan(text);
    for (const f of findings) {
      // The baseline was written against older copies of some files (config.yaml gained a line since):
      // the stated line first, then any other line.
      const order = [f.line_number, ...lines.map((_, i) => i + 1).filter((n) => n !== f.line_number)];
      let line: number | null = null;
      let value: string | null = null;
      for (const n of order) {
        if (n < 1 || n > lines.length) continue;
        value = resolveHashedSecret(lines[n - 1]!, f.hashed_secret);
        if (value !== null) {
          line = n;
          break;
        }
      }
      let found = false;
      let context: string | null = null;
      if (value !== null && line !== null) {
        let start = lineStart(line) + lines[line - 1]!.indexOf(value);
        context = lines[line - 1]!.replace(/\r$/, '');
        // PrivateKeyDetector hashes the header; the credential is the block it opens.
        if (f.type === 'Private Key') {
          const block = PEM_BLOCK.exec(text.slice(lineStart(line)));
          if (block) {
            value = context = block[0];
            start = lineStart(line) + block.index;
          }
        }
        const end = start + value.length;
        found = hits.some((h) => h.start < end && h.end > start);
      }
      out.push({
        key: `${file}:${f.line_number}:${f.type}`,
        file,
        type: f.type,
        hashedSecret: f.hashed_secret,
        baselineLine: f.line_number,
        line,
        value,
        context,
        found,
      });
    }
  }
  return out;
}

const ENTROPY_ONLY = 'entropy-only: no credential key or prefix on the line';
/**
 * detect-secrets findings the engine does not report, keyed `<file>:<baseline line>:<type>`, with why no
 * keyword or format rule can soundly report them. The test asserts the engine misses exactly these.
 */
export const DETECT_SECRETS_MISSES: Record<string, string> = {
  'config.env:1:Base64 High Entropy String': `${ENTROPY_ONLY} (\`mimi=\` + 40 base64 characters, the shape of any digest or id)`,
  'config.ini:2:Hex High Entropy String':
    "keyword context (`password =`), but `123456789a1234` is a sequential test value with entropy 3.4, under generic-api-key's 3.5 floor; without that floor every `password = test1234` fixture is flagged",
  'config.ini:2:Secret Keyword': 'same value as the Hex finding on this line',
  'config.ini:10:Hex High Entropy String':
    'keyword context (`aws_secret_key =`), but `23456789a1` is a 10-character digit run with entropy 3.3, under the same floor',
  'config.yaml:3:Hex High Entropy String': `${ENTROPY_ONLY} (\`other_value_here: 1234567890a\`)`,
  'config.yaml:4:Hex High Entropy String': 'unresolved: no substring of any line of the copied file has this sha1 (the baseline predates edits to config.yaml)',
  'config.yaml:14:Secret Keyword': "not a credential: detect-secrets' KeywordDetector took the YAML tag `!!binary` for the value",
  'config2.yaml:2:Secret Keyword': 'not a credential: the YAML tag `!!binary` again',
  'sample.diff:10:Hex High Entropy String': `${ENTROPY_ONLY} (\`"012345678a"\` in Python slicing code)`,
  'sample.diff:34:Hex High Entropy String': `${ENTROPY_ONLY} (a bare quoted 32-hex literal, indistinguishable from an md5 or uuid)`,
  'short_files/first_line.php:1:Secret Keyword': 'unresolved: no substring of the file has this sha1 (the copied file differs from the one the baseline saw)',
  'short_files/last_line.ini:5:Hex High Entropy String': `${ENTROPY_ONLY}: a continuation line of a multi-line INI value whose key is three lines up`,
  'short_files/middle_line.yml:4:Base64 High Entropy String': `${ENTROPY_ONLY} (an English pangram under \`secure:\`)`,
};

/** Added (`+`) lines of a unified diff, by the file they are added to (`+++ b/<path>`). */
export function addedLines(diff: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  let file = '';
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) file = line.slice(4).replace(/^b\//, '');
    else if (line.startsWith('+')) out.push({ file, text: line.slice(1) });
  }
  return out;
}

/** Files of `sample.diff` with an engine finding on an added line, and any finding on a removed or context line. */
export function scanDiff(dir = detectSecretsDir): { addedFiles: string[]; otherLineFindings: number } {
  const diff = readFileSync(path.join(dir, 'sample.diff'), 'utf8');
  const engine = createSecretEngine({ fingerprintKey: 'corpus' });
  const addedFiles = [
    ...new Set(
      addedLines(diff)
        .filter((l) => engine.scan(l.text).length > 0)
        .map((l) => l.file),
    ),
  ];
  const other = diff.split('\n').filter((l) => !l.startsWith('+') && !l.startsWith('diff ') && !l.startsWith('index ') && !l.startsWith('@@'));
  return { addedFiles, otherLineFindings: other.reduce((n, l) => n + engine.scan(l.replace(/^[- ]/, '')).length, 0) };
}

/** detect-secrets' `scan_diff` result for HexHighEntropyString on sample.diff (README). */
export const DETECT_SECRETS_DIFF_FILES = ['detect_secrets/core/baseline.py', 'tests/core/secrets_collection_test.py', '.secrets.baseline'];

// ---------------------------------------------------------------------------------------------
// Clean real transcripts: precision

export const transcriptsDir = path.resolve(repoRoot, '../shared/conformance/transcripts');
/** Every finding expected in the conformance transcripts, by file; a file not listed must have none. */
export const knownSecretsFile = path.join(repoRoot, 'test/fixtures/known-secrets.json');
/** Public on purpose: fingerprints in the fixture must be reproducible, and never reveal a value by themselves. */
const KNOWN_SECRETS_KEY = 'agent-gates known-secrets fixture';

export interface KnownSecret {
  rule: string;
  line: number;
  fingerprint: string;
  /** What the value is, in words; never the value. */
  note: string;
}

export interface TranscriptScan {
  /** Relative to the transcripts folder, with `/`. */
  file: string;
  bytes: number;
  /** How capture reads it: a line-oriented format line by line, a document format (or any JSON) whole, anything else as text. */
  mode: 'json-lines' | 'text-lines' | 'document' | 'text';
  findings: { rule: string; line: number; fingerprint: string }[];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? filesUnder(full) : [full];
    })
    .sort();
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Runs the engine over every file under the transcripts folder the way capture-transcript does. */
export function scanConformanceTranscripts(dir = transcriptsDir): TranscriptScan[] {
  const engine = createSecretEngine({ fingerprintKey: KNOWN_SECRETS_KEY, byteText: true });
  const textEngine = createSecretEngine({ fingerprintKey: KNOWN_SECRETS_KEY });
  return filesUnder(dir).map((full) => {
    const bytes = readFileSync(full);
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    const format = detectFormat(text.slice(0, 64 * 1024), path.basename(full));
    let mode: TranscriptScan['mode'] = 'text';
    let found: SecretFinding[];
    if (format && isLineOriented(format)) {
      mode = format === 'aider' ? 'text-lines' : 'json-lines';
      const redactor = engine.createLineRedactor(mode === 'text-lines' ? 'text' : 'json');
      found = [];
      for (const line of bytes.toString('latin1').split('\n')) for (const r of redactor.push(line.replace(/\r$/, ''))) found.push(...r.findings);
      for (const r of redactor.flush()) found.push(...r.findings);
    } else if (format || parsesAsJson(text)) {
      mode = 'document';
      found = textEngine.redactJson(text).findings;
    } else found = textEngine.scan(text);
    return {
      file: path.relative(dir, full).split(path.sep).join('/'),
      bytes: bytes.length,
      mode,
      findings: found.map((f) => ({ rule: f.ruleId, line: f.line, fingerprint: f.fingerprint })),
    };
  });
}

export function readKnownSecrets(file = knownSecretsFile): Record<string, KnownSecret[]> {
  return (JSON.parse(readFileSync(file, 'utf8')) as { files: Record<string, KnownSecret[]> }).files;
}

/** Findings the list does not hold (false positives) and listed secrets not found, with the rate per MiB. */
export function compareWithKnownSecrets(scans: TranscriptScan[], known: Record<string, KnownSecret[]>) {
  const same = (a: { rule: string; line: number; fingerprint: string }, b: { rule: string; line: number; fingerprint: string }) =>
    a.rule === b.rule && a.line === b.line && a.fingerprint === b.fingerprint;
  const unexpected: (TranscriptScan['findings'][number] & { file: string })[] = [];
  const missed: (KnownSecret & { file: string })[] = [];
  for (const scan of scans) {
    const expected = known[scan.file] ?? [];
    for (const f of scan.findings) if (!expected.some((k) => same(k, f))) unexpected.push({ file: scan.file, ...f });
    for (const k of expected) if (!scan.findings.some((f) => same(k, f))) missed.push({ file: scan.file, ...k });
  }
  const scanned = new Set(scans.map((s) => s.file));
  for (const [file, list] of Object.entries(known)) if (!scanned.has(file)) missed.push(...list.map((k) => ({ file, ...k })));
  const megabytes = scans.reduce((n, s) => n + s.bytes, 0) / (1024 * 1024);
  return { files: scans.length, megabytes, unexpected, missed, falsePositivesPerMB: unexpected.length / megabytes };
}

// ---------------------------------------------------------------------------------------------

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
      const coveredRanges = c.expected.map((e) => msgs.some((m) => overlaps({ start: m.range[0], end: m.range[1] }, e.range)));
      theirs.push({
        case: c.case,
        label: c.label,
        expected: c.expected.length,
        covered: coveredRanges.filter(Boolean).length,
        reported: msgs.length,
        ruleIds: [...new Set(msgs.map((m) => m.ruleId))],
        coveredRanges,
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
      `${Object.keys(UNDETECTABLE_RANGES).length} of ${a.ranges} expected ranges; every other range is covered (the corpus test holds both halves).`,
      '',
      ...Object.entries(UNDETECTABLE_RANGES).map(([k, v]) => `- ${k}: ${v}`),
      '',
    );
  }
  if (existsSync(path.join(detectSecretsDir, 'baseline.json'))) {
    const ds = evaluateDetectSecrets();
    const resolved = ds.filter((f) => f.value !== null);
    const found = ds.filter((f) => f.found);
    const diff = scanDiff();
    out.push(
      '### detect-secrets baseline',
      '',
      `\`detect-secrets/baseline.json\` lists ${ds.length} findings in files copied into the folder; ${resolved.length} resolve to a value ` +
        '(the line text whose sha1 is `hashed_secret`; the baseline was written against older copies of two files, so a value is also looked for on other lines). ' +
        `The engine reports ${found.length} of ${ds.length}.`,
      '',
      '| finding (file:line:type) | value on line | engine |',
      '|---|---|---|',
      ...ds.map((f) => `| ${f.key} | ${f.line ?? '—'} | ${f.found ? 'found' : 'missed'} |`),
      '',
      'Missed, with the reason (no credential context, a value under the generic entropy floor, not a credential, or a hash no line of the copied file matches):',
      '',
      ...Object.entries(DETECT_SECRETS_MISSES).map(([k, v]) => `- ${k}: ${v}`),
      '',
      `\`sample.diff\`, added lines only: detect-secrets (HexHighEntropyString, no filters) reports ${DETECT_SECRETS_DIFF_FILES.length} files ` +
        `(${DETECT_SECRETS_DIFF_FILES.map((f) => `\`${f}\``).join(', ')}); the engine reports ${diff.addedFiles.length} ` +
        `(${diff.addedFiles.map((f) => `\`${f}\``).join(', ')}). The other two hold only the entropy-only literals listed above. ` +
        `Findings on removed and context lines: ${diff.otherLineFindings}.`,
      '',
    );
  }
  if (existsSync(transcriptsDir)) {
    const precision = compareWithKnownSecrets(scanConformanceTranscripts(), readKnownSecrets());
    const listed = Object.values(readKnownSecrets()).reduce((n, l) => n + l.length, 0);
    out.push(
      '### Precision on real transcripts',
      '',
      `The engine runs over the ${precision.files} files of \`../shared/conformance/transcripts\` (${precision.megabytes.toFixed(2)} MiB) as capture reads them; ` +
        `\`test/fixtures/known-secrets.json\` lists the ${listed} finding(s) expected there, and every other finding is a false positive.`,
      '',
      '| false positives | falsePositivesPerMB | listed secrets missed |',
      '|---|---|---|',
      `| ${precision.unexpected.length} | ${precision.falsePositivesPerMB.toFixed(2)} | ${precision.missed.length} |`,
      '',
      ...precision.unexpected.map((f) => `- false positive: ${f.file}:${f.line} ${f.rule}`),
      ...(precision.unexpected.length ? [''] : []),
    );
  }
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
