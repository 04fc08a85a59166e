import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startArtifactService, type ArtifactService } from '../harness/artifact-service.js';
import { createGitRepo } from '../harness/git-repo.js';
import { runAction } from '../harness/run-action.js';
import { readZip } from '../harness/zip.js';
import { fakeToken } from '../fixtures/builders.js';

const TOKEN = fakeToken('opaque-bundle-test');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
// Plain text no reader claims, with a secret in it.
const UNKNOWN = `agent log\nstep 1: ran the tests\nexport GITHUB_TOKEN=${TOKEN}\nstep 2: done\n`;

let service: ArtifactService;
beforeAll(async () => {
  service = await startArtifactService();
});
afterEach(() => service.reset());
afterAll(async () => {
  await service?.close();
});

describe('capture-transcript bundle on a transcript in no supported format', () => {
  it('with fail-on never keeps it: redacted, hashed, uploaded, format unknown, verdict warn', async () => {
    const repo = createGitRepo({ base: { a: '1' } });
    const file = path.join(repo.dir, '..', `opaque-${path.basename(repo.dir)}.log`);
    writeFileSync(file, UNKNOWN);
    const run = await runAction({
      action: 'capture-transcript',
      workspace: repo.dir,
      inputs: { path: file, 'fail-on': 'never', 'artifact-name': 'opaque' },
      env: service.env,
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'warn', format: 'unknown', redactions: '1', 'tool-calls': '0' });
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([]);

    const entries = readZip(await service.download('opaque'));
    const name = `transcript/${path.basename(file)}`;
    expect([...entries.keys()].sort()).toEqual(['capture.json', 'summary.json', name]);
    const stored = entries.get(name)!;
    expect(stored.toString()).toContain('step 1: ran the tests');
    expect(run.outputs['transcript-digest']).toBe(`sha256:${sha256(stored)}`);
    expect(run.outputs['source-digest']).toBe(`sha256:${sha256(UNKNOWN)}`);
    const capture = JSON.parse(entries.get('capture.json')!.toString());
    expect(capture).toMatchObject({ verdict: 'warn', transcript: { format: 'unknown', transcriptDigest: run.outputs['transcript-digest'] } });
    expect(capture.reasons.map((r: { code: string }) => r.code)).toContain('format-unknown');
    for (const channel of [run.log, run.stderr, JSON.stringify(run.outputs), run.summary, stored.toString(), entries.get('summary.json')!.toString()]) {
      expect(channel).not.toContain(TOKEN);
    }
  });

  it('with the default fail-on still exits 1 with E_FORMAT and uploads nothing', async () => {
    const repo = createGitRepo({ base: { a: '1' } });
    const file = path.join(repo.dir, '..', `opaque-${path.basename(repo.dir)}.log`);
    writeFileSync(file, UNKNOWN);
    const run = await runAction({ action: 'capture-transcript', workspace: repo.dir, inputs: { path: file }, env: service.env });
    expect(run.exitCode).toBe(1);
    const errors = run.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^E_FORMAT: transcript .*\.log matches no supported format/);
    expect(service.artifacts()).toEqual([]);
    expect(run.outputs).toEqual({});
  });
});
