import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runtimeToken, startArtifactService, type ArtifactService } from '../harness/artifact-service.js';
import { createGitRepo } from '../harness/git-repo.js';
import { nodeForBundles, REPO_ROOT, runAction } from '../harness/run-action.js';
import { readZip } from '../harness/zip.js';

const UPLOAD = path.join(REPO_ROOT, 'test/harness/fixtures/upload-action');

let service: ArtifactService;

beforeAll(async () => {
  service = await startArtifactService();
});
afterEach(() => service.reset());
afterAll(async () => {
  await service?.close();
});

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('artifact service with the real @actions/artifact client', () => {
  it('uploads a zip that reads back byte for byte, with the digest the client reported', async () => {
    const files = {
      'report.json': JSON.stringify({ verdict: 'pass', note: 'ünïcödé ✓' }, null, 2),
      'nested/dir/transcript.jsonl': '{"type":"user"}\n{"type":"assistant"}\n',
      'big.bin': randomBytes(300_000).toString('base64'),
    };
    const repo = createGitRepo({ base: files });
    const run = await runAction({
      action: UPLOAD,
      workspace: repo.dir,
      inputs: { name: 'evidence', paths: Object.keys(files).join('\n'), 'retention-days': '3' },
      env: service.env,
    });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.nodeVersion).toBe(nodeForBundles().version);

    const [artifact] = service.artifacts();
    expect(service.artifacts()).toHaveLength(1);
    expect(artifact).toMatchObject({ name: 'evidence', mimeType: 'application/zip' });
    expect(run.outputs['artifact-id']).toBe(String(artifact!.id));
    expect(Date.parse(artifact!.expiresAt ?? '') - Date.now()).toBeGreaterThan(2 * 86_400_000);

    const zip = await service.download('evidence');
    expect(zip.length).toBe(artifact!.size);
    expect(run.outputs['size']).toBe(String(zip.length));
    expect(`sha256:${sha256(zip)}`).toBe(artifact!.hash);
    expect(run.outputs['digest']).toBe(sha256(zip));

    const entries = readZip(zip);
    expect([...entries.keys()].sort()).toEqual(Object.keys(files).sort());
    for (const [name, content] of Object.entries(files)) {
      expect(entries.get(name)?.equals(readFileSync(path.join(repo.dir, name))), name).toBe(true);
      expect(entries.get(name)?.toString('utf8')).toBe(content);
    }

    // The client masks the SAS signature; the harness must surface that like the runner would.
    expect(run.masks.length).toBeGreaterThan(0);
    expect(run.log).not.toMatch(/sig=[A-Za-z0-9%]{20,}/);
    expect(service.calls().map((c) => [c.method, c.status])).toEqual([
      ['CreateArtifact', 200],
      ['FinalizeArtifact', 200],
    ]);
    expect(service.calls()[0]?.body).toMatchObject({ version: 7, name: 'evidence', workflow_run_backend_id: service.runBackendId });
  });

  it('serves ListArtifacts and GetSignedArtifactURL well enough for downloadArtifact', async () => {
    const repo = createGitRepo({ base: { 'a.txt': 'alpha\n', 'b/c.txt': 'gamma\n' } });
    const dest = mkdtempSync(path.join(tmpdir(), 'agent-gates-dl-'));
    const run = await runAction({
      action: UPLOAD,
      workspace: repo.dir,
      inputs: { name: 'roundtrip', paths: 'a.txt\nb/c.txt', 'download-to': dest },
      env: service.env,
    });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.outputs['digest-mismatch']).toBe('false');
    expect(readFileSync(path.join(dest, 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(readFileSync(path.join(dest, 'b/c.txt'), 'utf8')).toBe('gamma\n');
  });

  it('fails the upload at once when FinalizeArtifact answers ok:false', async () => {
    service.intercept((method) => (method === 'FinalizeArtifact' ? { status: 200, body: { ok: false } } : undefined));
    const repo = createGitRepo({ base: { 'a.txt': 'a\n' } });
    const started = Date.now();
    const run = await runAction({ action: UPLOAD, workspace: repo.dir, inputs: { name: 'rejected', paths: 'a.txt' }, env: service.env });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(/FinalizeArtifact: response from backend was not ok/);
    expect(service.artifacts()).toEqual([]);
    expect(run.outputs['artifact-id']).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('refuses a second artifact with the same name in one run, as the real backend does', async () => {
    const repo = createGitRepo({ base: { 'a.txt': 'a\n' } });
    const opts = { action: UPLOAD, workspace: repo.dir, inputs: { name: 'dup', paths: 'a.txt' }, env: service.env };
    expect((await runAction(opts)).exitCode).toBe(0);
    const second = await runAction(opts);
    expect(second.exitCode).toBe(1);
    expect(second.annotations.find((a) => a.level === 'error')?.message).toMatch(/already exists/);
  });

  it('rejects a runtime token for another job', async () => {
    const repo = createGitRepo({ base: { 'a.txt': 'a\n' } });
    const run = await runAction({
      action: UPLOAD,
      workspace: repo.dir,
      inputs: { name: 'x', paths: 'a.txt' },
      env: { ...service.env, ACTIONS_RUNTIME_TOKEN: runtimeToken(randomUUID(), randomUUID()) },
    });
    expect(run.exitCode).toBe(1);
    expect(service.calls()[0]?.status).toBe(401);
  });
});

describe('readZip', () => {
  it('rejects a corrupted archive', async () => {
    const repo = createGitRepo({ base: { 'a.txt': 'some text that deflates\n'.repeat(20) } });
    const run = await runAction({ action: UPLOAD, workspace: repo.dir, inputs: { name: 'z', paths: 'a.txt' }, env: service.env });
    expect(run.exitCode, run.stdout).toBe(0);
    const zip = await service.download('z');
    expect(readZip(zip).get('a.txt')?.toString()).toBe('some text that deflates\n'.repeat(20));
    const broken = Buffer.from(zip);
    broken[40] = (broken[40] ?? 0) ^ 0xff; // inside the first entry's data
    expect(() => readZip(broken)).toThrow(/zip/);
  });
});
