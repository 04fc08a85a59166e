import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestCommitLister } from '../../../actions/verify-manifest/src/commits.js';
import { verifyManifests, type ManifestGateInputs, type VerifyManifestsOptions } from '../../../packages/core/src/manifest/index.js';
import { loadPolicy } from '../../../packages/core/src/policy/index.js';
import { createGitRepo } from '../../harness/git-repo.js';

const sha256 = (b: string) => createHash('sha256').update(b).digest('hex');
const pair = generateKeyPairSync('ed25519');
const PEM = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const MANIFEST = 'model: claude-sonnet-4-5-20250929\nversion: 1.4.2\ntimestamp: 2026-01-12T14:22:00Z\n';
const context = {
  repository: 'acme/widgets',
  runId: '1',
  runAttempt: '1',
  job: 'verify',
  workflow: 'w',
  workflowRef: 'w',
  eventName: 'pull_request',
  sha: 'abc',
  actor: 'alice',
};
const inputs = (fields: Partial<ManifestGateInputs> = {}): ManifestGateInputs => ({
  manifest: 'model_manifest.yaml',
  publicKeys: [],
  transcriptDigests: [],
  requireSignedCommits: false,
  ...fields,
});

async function run(repo: { dir: string; baseSha: string }, fields: Partial<ManifestGateInputs>, extra: Partial<VerifyManifestsOptions> = {}) {
  const policy = await loadPolicy({ workspace: repo.dir, baseRef: repo.baseSha });
  return verifyManifests({
    workspace: repo.dir,
    inputs: inputs(fields),
    policy,
    context,
    tool: { name: 'agent-gates/verify-manifest', version: '0.0.0' },
    outputDir: mkdtempSync(path.join(tmpdir(), 'verify-manifest-')),
    now: () => new Date('2026-02-01T00:00:00Z'),
    ...extra,
  });
}

describe('verifyManifests', () => {
  it("reads signing.keys from the policy's commit, not from the change", async () => {
    const signature = sign(null, Buffer.from(MANIFEST), pair.privateKey).toString('base64');
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const repo = createGitRepo({
      base: { '.github/agent-gates.yml': 'version: 1\nsigning:\n  keys: [keys/agent.pub]\n', 'keys/agent.pub': PEM },
      // The change swaps the key for its own: the base commit's key still judges.
      head: { 'keys/agent.pub': other, 'model_manifest.yaml': MANIFEST, 'model_manifest.yaml.sig': signature },
    });
    const result = await run(repo, {});
    expect(result.verdict).toBe('pass');
    expect(result.manifests[0]).toMatchObject({ signatureKind: 'cosign-key', digest: `sha256:${sha256(MANIFEST)}` });
    expect(result.manifests[0]?.subjects).toBeUndefined();
    expect(result.manifests[0]?.subjectsNote).toMatch(/lists no subjects: it says nothing about which files it covers/);
    const report = JSON.parse(readFileSync(result.report.path, 'utf8')) as { policy: { source: string }; details: { manifests: unknown[] } };
    expect(report.policy.source).toBe(`.github/agent-gates.yml@${repo.baseSha}`);
    expect(report.details.manifests).toHaveLength(1);
  });

  it('warns on an unsigned manifest when no signature is required, and fails it when one is', async () => {
    const repo = createGitRepo({ base: {}, head: { 'model_manifest.yaml': MANIFEST } });
    expect((await run(repo, {})).verdict).toBe('warn');
    expect((await run(repo, { requireSignature: true })).violations).toEqual([expect.objectContaining({ code: 'E_UNSIGNED', severity: 'fail' })]);
  });

  it('hands a bundle to the sigstore part, loaded on demand (the placeholder on main refuses it)', async () => {
    const repo = createGitRepo({ base: {}, head: { 'model_manifest.yaml': MANIFEST, 'model_manifest.yaml.sigstore.json': '{}' } });
    await expect(run(repo, {})).rejects.toMatchObject({ message: expect.stringContaining('model_manifest.yaml.sigstore.json') });
  });

  it('refuses certificate inputs that would accept any signer', async () => {
    const repo = createGitRepo({ base: {}, head: { 'model_manifest.yaml': MANIFEST } });
    await expect(run(repo, { certificateOidcIssuer: 'https://token.actions.githubusercontent.com' })).rejects.toMatchObject({ code: 'E_INPUT' });
    await expect(run(repo, { certificateIdentity: 'a@example.com' })).rejects.toMatchObject({ code: 'E_INPUT' });
  });
});

// require-signed-commits: the REST API mocked at the HTTP boundary, as test/unit/action-kit/octokit.test.ts does.
describe('require-signed-commits', () => {
  const urls: string[] = [];
  const pages: unknown[][] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    urls.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(pages.shift() ?? []));
  });
  let baseUrl = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const commit = (i: number, verified: boolean) => ({
    sha: `${i.toString(16).padStart(4, '0')}${'f'.repeat(36)}`,
    commit: { verification: { verified, reason: verified ? 'valid' : 'unsigned' } },
  });

  it('pages through every commit and fails on each one GitHub does not verify', async () => {
    urls.length = 0;
    pages.push(
      Array.from({ length: 100 }, (_, i) => commit(i + 1, true)),
      [commit(101, true), commit(102, false)],
    );
    const repo = createGitRepo({ base: {}, head: { 'model_manifest.yaml': MANIFEST } });
    const lister = pullRequestCommitLister({ token: 't', repository: 'acme/widgets', pullNumber: 7, baseUrl });
    const result = await run(repo, { requireSignedCommits: true }, { listPullRequestCommits: lister });
    expect(urls).toEqual(['/repos/acme/widgets/pulls/7/commits?per_page=100&page=1', '/repos/acme/widgets/pulls/7/commits?per_page=100&page=2']);
    expect(result.violations.filter((v) => v.code === 'E_UNSIGNED_COMMIT')).toEqual([
      expect.objectContaining({ message: expect.stringContaining('0066ffffffff') }),
    ]);
    expect(result.verdict).toBe('fail');
  });

  it('needs the lister (a pull request and a token)', async () => {
    const repo = createGitRepo({ base: {}, head: { 'model_manifest.yaml': MANIFEST } });
    await expect(run(repo, { requireSignedCommits: true })).rejects.toMatchObject({ code: 'E_INPUT' });
  });
});
