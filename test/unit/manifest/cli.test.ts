import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../../packages/cli/src/cli.js';
import { createGitRepo } from '../../harness/git-repo.js';

const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PRIVATE = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => (out += t), err: (t) => (err += t), cwd, env: { USER: 'alice' } };
  const code = await main(argv, io);
  return { code, out, err };
}

function workspace() {
  const summary = {
    format: 'claude-stream-json',
    agent: 'claude-code',
    model: 'claude-sonnet-4-5-20250929',
    models: ['claude-sonnet-4-5-20250929'],
    filesTouched: ['src/billing.ts'],
  };
  return createGitRepo({
    base: { 'src/billing.ts': 'export const billing = 1;\n', 'keys/agent.pub': PUBLIC },
    head: { 'src/billing.ts': 'export const billing = 2;\n', 'summary.json': JSON.stringify(summary), 'agent.key': PRIVATE },
  }).dir;
}

describe('agent-gates manifest', () => {
  it('creates, signs and verifies a manifest with nothing else installed', async () => {
    const dir = workspace();
    expect(await cli(dir, 'manifest', 'create', '--summary', 'summary.json', '--template', 'bump', '--var', 'module=billing', '--seed', '7')).toMatchObject({
      code: 0,
    });
    const manifest = readFileSync(path.join(dir, 'model_manifest.yaml'), 'utf8');
    expect(manifest).toMatch(/^model: claude-sonnet-4-5-20250929\nversion: claude-sonnet-4-5-20250929\nagent: claude-code\n/);
    expect(manifest).toContain('subjects:\n  - path: src/billing.ts\n');
    expect(await cli(dir, 'manifest', 'sign', '--key', 'agent.key')).toMatchObject({ code: 0 });
    const ok = await cli(dir, 'manifest', 'verify', '--public-key', 'keys/agent.pub', '--require-signature', '--transcript-summary', 'summary.json');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/model_manifest.yaml: claude-sonnet-4-5-20250929 .* cosign-key by sha256:[0-9a-f]{64}/);
    expect(ok.out).toContain('verdict: pass');

    // The change to a subject after signing is found, with the action's code and exit code.
    writeFileSync(path.join(dir, 'src/billing.ts'), 'export const billing = 3;\n');
    const bad = await cli(dir, 'manifest', 'verify', '--public-key', 'keys/agent.pub');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^E_SUBJECT_DIGEST: model_manifest.yaml: subject "src\/billing.ts"/m);
  });

  it('signs what openssl dgst -sha256 -verify accepts, and verifies what openssl dgst -sha256 -sign made', async () => {
    const dir = workspace();
    await cli(dir, 'manifest', 'create', '--summary', 'summary.json');
    await cli(dir, 'manifest', 'sign', '--key', 'agent.key', '--output', 'ours.sig');
    writeFileSync(path.join(dir, 'ours.der'), Buffer.from(readFileSync(path.join(dir, 'ours.sig'), 'utf8'), 'base64'));
    const verified = execFileSync('openssl', ['dgst', '-sha256', '-verify', 'keys/agent.pub', '-signature', 'ours.der', 'model_manifest.yaml'], {
      cwd: dir,
    }).toString();
    expect(verified).toContain('Verified OK');

    const theirs = execFileSync('openssl', ['dgst', '-sha256', '-sign', 'agent.key', 'model_manifest.yaml'], { cwd: dir });
    writeFileSync(path.join(dir, 'theirs.sig'), theirs.toString('base64'));
    expect(await cli(dir, 'manifest', 'verify', '--public-key', 'keys/agent.pub', '--signature', 'theirs.sig')).toMatchObject({ code: 0 });
    writeFileSync(
      path.join(dir, 'other.sig'),
      execFileSync('openssl', ['dgst', '-sha256', '-sign', 'agent.key', 'summary.json'], { cwd: dir }).toString('base64'),
    );
    const wrong = await cli(dir, 'manifest', 'verify', '--public-key', 'keys/agent.pub', '--signature', 'other.sig');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/^E_SIGNATURE: other.sig/m);
  });

  it('has --help on every command, and refuses unknown commands and options with E_INPUT', async () => {
    for (const argv of [['--help'], ['manifest', '--help'], ['manifest', 'create', '--help'], ['manifest', 'sign', '--help'], ['manifest', 'verify', '-h']]) {
      const run = await cli('/', ...argv);
      expect(run.code, argv.join(' ')).toBe(0);
      expect(run.out).toMatch(/Usage: agent-gates/);
    }
    expect(await cli('/', 'manifest', 'frobnicate')).toMatchObject({ code: 1, err: expect.stringMatching(/^E_INPUT: unknown command/) });
    expect(await cli('/', 'manifest', 'sign', '--bogus')).toMatchObject({ code: 1, err: expect.stringMatching(/^E_INPUT: Unknown option '--bogus'/) });
    expect(await cli('/', 'manifest', 'sign')).toMatchObject({ code: 1, err: expect.stringMatching(/^E_INPUT: --key is required/) });
  });
});
