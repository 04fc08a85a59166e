import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInputKeys, readPolicyKeys, readTrustFile } from '../../../packages/core/src/manifest/sources.js';
import { applyPolicyFloor, loadPolicy, parsePolicy } from '@agent-gates/core/policy';

// verify-manifest trusts the public keys the policy names. Read from the base commit they are the
// base's; read from the checkout they are whatever the pull request put there. A central floor must
// not move them from one to the other.
describe('signing keys under a policy floor', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-gates-floor-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env }).toString().trim();
  const publicKey = () => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const policy = 'version: 1\nsigning:\n  keys: [keys/release.pem]\n';
  git('init', '-q', '-b', 'main');
  mkdirSync(path.join(dir, '.github'));
  mkdirSync(path.join(dir, 'keys'));
  writeFileSync(path.join(dir, '.github/agent-gates.yml'), policy);
  writeFileSync(path.join(dir, '.github/floor.yml'), policy);
  const trusted = publicKey();
  writeFileSync(path.join(dir, 'keys/release.pem'), trusted);
  git('add', '.');
  git('commit', '-qm', 'base');
  const base = git('rev-parse', 'HEAD');
  // The pull request's checkout: its own key where the base's was.
  const forged = publicKey();
  writeFileSync(path.join(dir, 'keys/release.pem'), forged);

  it('reads them from the base commit with a floor read from the base, as without one', async () => {
    const local = await loadPolicy({ workspace: dir, baseRef: base });
    const floor = await loadPolicy({ workspace: dir, path: '.github/floor.yml', baseRef: base });
    const [alone] = await readPolicyKeys(dir, local);
    expect(alone!.pem).toBe(trusted);
    const floored = applyPolicyFloor(floor, local);
    expect(floored.ref).toBe(base);
    const [underFloor] = await readPolicyKeys(dir, floored);
    expect(underFloor!.pem).toBe(trusted);
  });

  it('and with a central floor from outside the workspace (no commit of its own)', async () => {
    const local = await loadPolicy({ workspace: dir, baseRef: base });
    const central = await parsePolicy(policy, '/runner/temp/central/agent-gates.yml');
    const [key] = await readPolicyKeys(dir, applyPolicyFloor(central, local));
    expect(key!.pem).toBe(trusted);
  });

  it('reads public-key paths from the same commit, in any spelling of the path, and refuses one outside the repository', async () => {
    const local = await loadPolicy({ workspace: dir, baseRef: base });
    for (const spelling of ['keys/release.pem', './keys/release.pem', 'keys//release.pem']) {
      const [key] = await readInputKeys(dir, [spelling], local);
      expect(key!.pem).toBe(trusted);
    }
    await expect(readTrustFile(dir, local, '../outside.pem', 'public-key')).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringMatching(/^input "public-key": \.\.\/outside\.pem/),
    });
    // A key file only the checkout has (the change added it) is not trusted.
    writeFileSync(path.join(dir, 'keys/added.pem'), forged);
    await expect(readInputKeys(dir, ['keys/added.pem'], local)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: expect.stringContaining(`not in the base commit ${base}`),
    });
    // Without a commit (the policy came from the working tree) the workspace is what there is.
    const [fromTree] = await readInputKeys(dir, ['keys/added.pem']);
    expect(fromTree!.pem).toBe(forged);
  });

  it('reads the working tree only when the policy itself came from there', async () => {
    const local = await loadPolicy({ workspace: dir });
    const floor = await loadPolicy({ workspace: dir, path: '.github/floor.yml' });
    const floored = applyPolicyFloor(floor, local);
    expect(floored.ref).toBeUndefined();
    const [key] = await readPolicyKeys(dir, floored);
    expect(key!.pem).toBe(forged);
  });
});
