import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../packages/core/src/digest/index.js';
import { describeWithConformance } from '../conformance-data.js';
import { createGitRepo, pullRequestEvent } from '../harness/git-repo.js';
import { runAction, type ActionRun } from '../harness/run-action.js';
import { FAKE_ISSUER, FakeSigstore } from '../unit/manifest/sigstore/fake-sigstore.js';

// verify-manifest's committed bundle, run as the runner runs it. The policy and the keys it names
// live in the base commit; the manifest, its signature and its subjects in the change.

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherPem = other.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const fingerprint = `sha256:${sha256(keys.publicKey.export({ type: 'spki', format: 'der' }))}`;
const cosignSign = (bytes: string, key = keys.privateKey) => sign('sha256', Buffer.from(bytes), key).toString('base64');

const SUBJECT = 'export const billing = 2;\n';
function manifestText(fields: Record<string, string> = {}): string {
  const base: Record<string, string> = {
    model: 'claude-sonnet-4-5-20250929',
    version: '1.4.2',
    fingerprint: 'sha256:abcdef1234567890',
    prompt_template: 'bump_version_and_add_tests',
    random_seed: '12345',
    author: 'alice',
    timestamp: '2026-01-12T14:22:00Z',
    ...fields,
  };
  const lines = Object.entries(base)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`);
  return `${lines.join('\n')}\nsubjects:\n  - path: src/billing.ts\n    sha256: ${fields.subjectDigest ?? sha256(SUBJECT)}\n`.replace(
    /^subjectDigest:.*\n/m,
    '',
  );
}

const POLICY = 'version: 1\nsigning:\n  required: true\n  keys: [keys/cosign.pub]\n';

interface Case {
  head: Record<string, string | null>;
  /** Files the base commit holds besides the policy and the two keys. */
  base?: Record<string, string>;
  policy?: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  prepare?: (dir: string) => void;
}

async function verify(c: Case): Promise<ActionRun> {
  const repo = createGitRepo({
    base: {
      '.github/agent-gates.yml': c.policy ?? POLICY,
      'keys/cosign.pub': publicPem,
      'keys/other.pub': otherPem,
      'src/billing.ts': 'export const billing = 1;\n',
      ...c.base,
    },
    head: { 'src/billing.ts': SUBJECT, ...c.head },
  });
  c.prepare?.(repo.dir);
  return runAction({
    action: 'verify-manifest',
    workspace: repo.dir,
    event: pullRequestEvent(repo),
    eventName: 'pull_request',
    inputs: { 'require-signed-commits': 'false', ...c.inputs },
    ...(c.env ? { env: c.env } : {}),
  });
}

function signed(text: string): Record<string, string> {
  return { 'model_manifest.yaml': text, 'model_manifest.yaml.sig': cosignSign(text) };
}

/** Exit 1 with the code and the file named, no outputs, no stack trace, no report claiming a pass. */
function expectRefused(run: ActionRun, code: string, names: string): void {
  const text = run.stdout + run.stderr;
  expect(run.exitCode, text).toBe(1);
  const error = run.annotations.find((a) => a.level === 'error' && a.message.startsWith(`${code}:`));
  expect(error?.message, text).toContain(names);
  expect(run.outputs).toEqual({});
  expect(text).not.toMatch(/\n\s+at [^\n]+:\d+:\d+/);
  expect(run.summary).not.toMatch(/verify-manifest: pass/);
}

describe('verify-manifest bundle', () => {
  it('passes a manifest signed with a cosign key from the policy, its subject matching', async () => {
    const run = await verify({ head: signed(manifestText()) });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.nodeVersion).toMatch(/^v24\./);
    expect(run.outputs).toMatchObject({
      verdict: 'pass',
      model: 'claude-sonnet-4-5-20250929',
      'model-version': '1.4.2',
      fingerprint: 'sha256:abcdef1234567890',
      'manifest-digest': `sha256:${sha256(manifestText())}`,
      signer: fingerprint,
      'signature-kind': 'cosign-key',
      violations: '[]',
    });
    const report = JSON.parse(readFile(run.outputs['report']!)) as { verdict: string; subjects: { name: string; digest: string }[] };
    expect(report.verdict).toBe('pass');
    expect(report.subjects).toContainEqual({ name: 'src/billing.ts', digest: `sha256:${sha256(SUBJECT)}` });
    expect(run.outputs['report-digest']).toBe(contentDigest(readFile(run.outputs['report']!)));
    expect(run.summary).toContain('verify-manifest: pass');
  });

  it('gives the same verdict, model, signer, manifest-digest and report-digest on two runs of the same inputs', async () => {
    // No SOURCE_DATE_EPOCH: each run records its own times, in its own workspace and RUNNER_TEMP.
    const c: Case = { head: signed(manifestText()) };
    const [a, b] = [await verify(c), await verify(c)];
    for (const name of ['verdict', 'model', 'signer', 'manifest-digest', 'report-digest']) {
      expect(a.outputs[name], name).toBeTruthy();
      expect(b.outputs[name], name).toBe(a.outputs[name]);
    }
    // The runs did differ where they must: the second started after the first had finished, in
    // another folder. The digest covers neither.
    const [reportA, reportB] = [a, b].map((run) => JSON.parse(readFile(run.outputs['report']!)) as { startedAt: string; finishedAt: string });
    expect(Date.parse(reportB!.startedAt)).toBeGreaterThan(Date.parse(reportA!.finishedAt));
    expect(a.outputs['report']).not.toBe(b.outputs['report']);
    expect(a.outputs['report-digest']).toBe(contentDigest(readFile(b.outputs['report']!)));
  });

  it('reports every violation with its pointer under fail-on: never, and writes a failing report', async () => {
    const run = await verify({
      head: { 'model_manifest.yaml': manifestText({ model: 'gpt-4o', version: 'latest' }) },
      policy: 'version: 1\nmodels:\n  allowed: ["claude-*"]\n',
      inputs: { 'fail-on': 'never' },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['verdict']).toBe('fail');
    expect(run.outputs['signature-kind']).toBe('none');
    const violations = JSON.parse(run.outputs['violations']!) as { code: string; pointer: string }[];
    expect(violations.map((v) => [v.code, v.pointer])).toEqual([
      ['E_UNSIGNED', ''],
      ['E_MODEL_NOT_ALLOWED', '/model'],
      ['E_MODEL_UNPINNED', '/version'],
    ]);
    expect(violations[0]).toMatchObject({ code: 'E_UNSIGNED' });
    expect(JSON.parse(readFile(run.outputs['report']!)).verdict).toBe('fail');
  });

  it('verifies every manifest a glob matches and describes all of them', async () => {
    const one = manifestText();
    const two = manifestText({ model: 'claude-opus-4-1-20250805', version: '2.0.0' });
    const run = await verify({
      head: {
        'a/model_manifest.yaml': one,
        'a/model_manifest.yaml.sig': cosignSign(one),
        'b/model_manifest.yaml': two,
        'b/model_manifest.yaml.sig': cosignSign(two),
      },
      inputs: { manifest: '*/model_manifest.yaml' },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.outputs['model']!)).toEqual(['claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805']);
    expect(JSON.parse(run.outputs['signer']!)).toEqual([fingerprint, fingerprint]);
  });

  const tampered = manifestText();
  /** The manifest signed by a key that is not the policy's, with that key's PEM put at `keyPath` by the pull request. */
  const signedByPlantedKey = (keyPath: string) => ({
    [keyPath]: otherPem,
    'model_manifest.yaml': tampered,
    'model_manifest.yaml.sig': cosignSign(tampered, other.privateKey),
  });
  const refusals: [string, string, string, Case][] = [
    [
      'a tampered manifest',
      'E_SIGNATURE',
      'model_manifest.yaml.sig',
      { head: { 'model_manifest.yaml': tampered.replace('alice', 'mallory'), 'model_manifest.yaml.sig': cosignSign(tampered) } },
    ],
    [
      'a signature by the wrong key',
      'E_SIGNATURE',
      'keys/cosign.pub',
      { head: { 'model_manifest.yaml': tampered, 'model_manifest.yaml.sig': cosignSign(tampered, other.privateKey) } },
    ],
    [
      // The keys come from the base commit, with a central floor as without one: never the checkout.
      'a signature by a key the pull request put where the policy key was, under a policy floor',
      'E_SIGNATURE',
      'keys/cosign.pub',
      {
        head: signedByPlantedKey('keys/cosign.pub'),
        inputs: { 'policy-floor': '.github/agent-gates.yml' },
      },
    ],
    [
      'a signature over different bytes',
      'E_SIGNATURE',
      'model_manifest.yaml.sig',
      { head: { 'model_manifest.yaml': tampered, 'model_manifest.yaml.sig': cosignSign('other bytes\n') } },
    ],
    [
      'a model the policy does not allow',
      'E_MODEL_NOT_ALLOWED',
      'model_manifest.yaml',
      { head: signed(manifestText({ model: 'gpt-4o-2024-08-06' })), policy: `${POLICY}models:\n  allowed: ["claude-*"]\n` },
    ],
    [
      'a floating version with require-pinned',
      'E_MODEL_UNPINNED',
      'model_manifest.yaml',
      { head: signed(manifestText({ model: 'cowork-local', version: '^1.4' })) },
    ],
    [
      'a missing seed when required',
      'E_SEED_MISSING',
      'random_seed',
      { head: signed(manifestText({ random_seed: '' })), policy: `${POLICY}models:\n  require-seed: true\n` },
    ],
    ['a timestamp in the future', 'E_TIMESTAMP_FUTURE', 'model_manifest.yaml', { head: signed(manifestText({ timestamp: '2099-01-01T00:00:00Z' })) }],
    ['a subject digest mismatch', 'E_SUBJECT_DIGEST', 'src/billing.ts', { head: signed(manifestText({ subjectDigest: sha256('something else') })) }],
    ['a subject path with ..', 'E_SUBJECT_PATH', '../outside.ts', { head: signed(manifestText().replace('path: src/billing.ts', 'path: ../outside.ts')) }],
    [
      'a subject reached through a symlink out of the workspace',
      'E_SUBJECT_PATH',
      'link.ts',
      {
        head: signed(manifestText().replace('path: src/billing.ts', 'path: link.ts')),
        prepare: (dir) => symlinkSync(path.resolve(dir, '..'), path.join(dir, 'link.ts')),
      },
    ],
    [
      'a YAML alias bomb',
      'E_MANIFEST',
      'model_manifest.yaml',
      {
        head: signed(
          `${manifestText()}x-a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\nx-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nx-c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n`,
        ),
      },
    ],
    ['a duplicate key', 'E_MANIFEST', 'model_manifest.yaml', { head: signed(`${manifestText()}model: gpt-4o\n`) }],
    ['a 10 MiB manifest', 'E_TOO_LARGE', 'model_manifest.yaml', { head: signed(`${manifestText()}x-padding: "${'a'.repeat(10 * 1024 * 1024)}"\n`) }],
    ['a manifest glob that matches nothing', 'E_NO_MANIFEST', 'manifests/*.yaml', { head: signed(manifestText()), inputs: { manifest: 'manifests/*.yaml' } }],
    [
      'a key file that is not a public key',
      'E_KEY',
      'keys/private.pem',
      {
        head: signed(manifestText()),
        base: { 'keys/private.pem': keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
        inputs: { 'public-key': 'keys/private.pem' },
      },
    ],
    [
      // A `public-key` path is read from the base commit, as the policy's keys are: the change cannot name its own.
      'a public-key file the pull request adds',
      'E_NOT_FOUND',
      'keys/mine.pub',
      {
        head: signedByPlantedKey('keys/mine.pub'),
        inputs: { 'public-key': 'keys/mine.pub' },
      },
    ],
    [
      'a signature by a key the pull request put where the public-key input points',
      'E_SIGNATURE',
      'keys/cosign.pub',
      {
        head: signedByPlantedKey('keys/cosign.pub'),
        policy: 'version: 1\nsigning:\n  required: true\n',
        inputs: { 'public-key': './keys/cosign.pub' },
      },
    ],
    ['an unsigned manifest when signing is required', 'E_UNSIGNED', 'model_manifest.yaml', { head: { 'model_manifest.yaml': manifestText() } }],
    ['a manifest that breaks the schema', 'E_MANIFEST_SCHEMA', '/temperature', { head: signed(`${manifestText()}temperature: hot\nrandom-seed: 1\n`) }],
  ];
  it.each(refusals)('refuses %s with %s', async (_name, code, names, c) => {
    expectRefused(await verify(c), code, names);
  });
});

/** The report's canonical JSON without its run times, as report-digest covers it (recomputed here, not by the gate's code). */
function contentDigest(text: string): string {
  const report = JSON.parse(text) as Record<string, unknown>;
  expect(text).toBe(canonicalJson(report));
  delete report.startedAt;
  delete report.finishedAt;
  return `sha256:${sha256(canonicalJson(report))}`;
}

// The conformance set's sigstore bundles all sign its a.txt ("DO NOT MODIFY ME!..."), which is no
// manifest, and their certificates come from the public-good instance, whose keys no test holds: none
// of them can sign a manifest. So the sigstore way is shown with the unit tests' own sigstore instance
// (test/unit/manifest/sigstore/fake-sigstore.ts: a CA, a transparency log, its trusted_root.json), the
// root handed to the gate through its documented `trusted-root` input. The conformance bundles
// themselves are run, each to its stated verdict, by test/unit/manifest/signatures-conformance.test.ts.
describe('verify-manifest bundle, signed with a sigstore bundle', () => {
  const minutes = (n: number) => n * 60_000;
  const t0 = new Date('2026-01-12T14:20:00Z');
  let fake: FakeSigstore;
  beforeAll(() => {
    fake = new FakeSigstore();
  });
  afterAll(() => fake.dispose());

  function sigstoreCase(manifest: string, signedOver: string, identity = 'user@example.com'): Case {
    // A Fulcio-style certificate: valid ten minutes around the signature, long expired now.
    const cert = fake.issue({ email: identity }, FAKE_ISSUER, t0, new Date(t0.getTime() + minutes(10)));
    const bundle = fake.bundle({ artifact: Buffer.from(signedOver), signer: { cert }, signedAt: new Date(t0.getTime() + minutes(1)) });
    return {
      head: { 'model_manifest.yaml': manifest, 'model_manifest.yaml.sigstore.json': bundle },
      // The root the workflow names is read from the base commit: the change cannot bring its own.
      base: { 'trust/trusted_root.json': fake.trustedRoot() },
      policy: 'version: 1\nsigning:\n  required: true\n',
      inputs: { 'trusted-root': 'trust/trusted_root.json', 'certificate-identity': 'user@example.com', 'certificate-oidc-issuer': FAKE_ISSUER },
    };
  }

  it('passes a manifest whose bundle beside it verifies offline against the given trusted root and identity', async () => {
    const text = manifestText();
    const run = await verify(sigstoreCase(text, text));
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({
      verdict: 'pass',
      model: 'claude-sonnet-4-5-20250929',
      'manifest-digest': `sha256:${sha256(text)}`,
      signer: `user@example.com (${FAKE_ISSUER})`,
      'signature-kind': 'sigstore-bundle',
      violations: '[]',
    });
    expect(run.outputs['report-digest']).toBe(contentDigest(readFile(run.outputs['report']!)));
  });

  it('refuses the same bundle beside a tampered manifest', async () => {
    const text = manifestText();
    expectRefused(await verify(sigstoreCase(text.replace('alice', 'mallory'), text)), 'E_SIGNATURE', 'model_manifest.yaml.sigstore.json');
  });

  it('refuses a bundle from another sigstore instance whose root the pull request put where trusted-root points', async () => {
    const evil = new FakeSigstore();
    try {
      const text = manifestText();
      const cert = evil.issue({ email: 'user@example.com' }, FAKE_ISSUER, t0, new Date(t0.getTime() + minutes(10)));
      const bundle = evil.bundle({ artifact: Buffer.from(text), signer: { cert }, signedAt: new Date(t0.getTime() + minutes(1)) });
      const c = sigstoreCase(text, text);
      const run = await verify({ ...c, head: { ...c.head, 'model_manifest.yaml.sigstore.json': bundle, 'trust/trusted_root.json': evil.trustedRoot() } });
      expectRefused(run, 'E_TRUST_ROOT', 'trust/trusted_root.json');
    } finally {
      evil.dispose();
    }
  });

  it('refuses a bundle for another identity', async () => {
    const text = manifestText();
    expectRefused(await verify(sigstoreCase(text, text, 'evil-user@example.com')), 'E_IDENTITY', 'evil-user@example.com');
  });
});

// A real public-good bundle from the conformance set, checked by the gate's own embedded trusted root:
// it verifies (its certificate chain and log entry are genuine) but signs the set's a.txt, so beside a
// manifest it is refused for signing other bytes, never taken as the manifest's signature.
describeWithConformance('verify-manifest bundle, a conformance sigstore bundle', 'signatures/sigstore-bundles', (dir) => {
  it('refuses happy-path-v0.3 (a pass case for a.txt) beside a manifest it does not sign', async () => {
    const text = manifestText();
    const run = await verify({
      head: { 'model_manifest.yaml': text, 'model_manifest.yaml.sigstore.json': readFile(path.join(dir, 'happy-path-v0.3', 'bundle.sigstore.json')) },
      policy: 'version: 1\nsigning:\n  required: true\n',
      inputs: {
        'certificate-identity':
          'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main',
        'certificate-oidc-issuer': 'https://token.actions.githubusercontent.com',
      },
    });
    expectRefused(run, 'E_SIGNATURE', 'model_manifest.yaml.sigstore.json');
  });
});

function readFile(file: string): string {
  return readFileSync(file, 'utf8');
}
