import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { appendToLog } from '@agent-gates/core/audit';
import { run } from '../../../packages/cli/src/commands/verify-chain.js';
import { decisionEvent } from './events.js';

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await run(argv, { stdout, stderr });
  return { code, stdout: out, stderr: err };
}

describe('agent-gates verify-chain', () => {
  it('prints ok with the head, and exits 1 naming the line of a cut-off end against --head', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-cli-'));
    const log = path.join(dir, 'audit.jsonl');
    const { head } = await appendToLog(log, [decisionEvent(), decisionEvent(), decisionEvent()], { chain: true });
    expect(await cli([log, '--head', head])).toMatchObject({ code: 0, stdout: `${log}: ok, 3 events, head ${head}\n` });
    writeFileSync(log, readFileSync(log, 'utf8').split('\n').slice(0, 2).join('\n') + '\n');
    const cut = await cli([log, '--head', head]);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toContain('BROKEN at line 3 (head)');
    const json = await cli(['--json', log]);
    expect(JSON.parse(json.stdout)).toMatchObject({ log, ok: true, events: 2 });
  });

  it('explains itself and refuses bad usage with exit 2', async () => {
    expect((await cli(['--help'])).stdout).toContain('Usage: agent-gates verify-chain');
    expect(await cli([])).toMatchObject({ code: 2, stderr: expect.stringContaining('E_INPUT') });
    expect(await cli(['a', '--head', 'nope'])).toMatchObject({ code: 2 });
    expect(await cli(['a', 'b', '--head', `sha256:${'a'.repeat(64)}`])).toMatchObject({ code: 2 });
    expect(await cli(['/no/such/log.jsonl'])).toMatchObject({ code: 2, stderr: expect.stringContaining('ENOENT') });
    expect(await cli(['a', '--threads', '3'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--threads') });
  });

  it('exits 1 naming the file for an empty log, unless --allow-empty is given', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-cli-'));
    const log = path.join(dir, 'audit.jsonl');
    writeFileSync(log, '');
    const empty = await cli([log]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain(`E_EMPTY_LOG: ${log} holds no event`);
    expect(empty.stdout).not.toContain('ok');
    const json = await cli(['--json', log]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ log, ok: false, events: 0 });
    expect(await cli(['--allow-empty', log])).toMatchObject({ code: 0, stdout: `${log}: ok, 0 events, head none (empty log)\n` });
    expect((await cli(['--help'])).stdout).toContain('--allow-empty');
  });

  it('fails an empty log against --head, with or without --allow-empty', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-cli-'));
    const log = path.join(dir, 'audit.jsonl');
    writeFileSync(log, '');
    const head = `sha256:${'a'.repeat(64)}`;
    for (const argv of [
      [log, '--head', head],
      [log, '--head', head, '--allow-empty'],
    ]) {
      const result = await cli(argv);
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stdout).toContain('BROKEN');
    }
  });

  it('fails one empty log among good ones, and still verifies the others', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-cli-'));
    const good = path.join(dir, 'good.jsonl');
    const empty = path.join(dir, 'empty.jsonl');
    const { head } = await appendToLog(good, [decisionEvent()], { chain: true });
    writeFileSync(empty, '');
    const result = await cli([good, empty]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${good}: ok, 1 events, head ${head}\n`);
    expect(result.stderr).toContain(empty);
  });

  it('gives the same result on one thread as by default', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-cli-'));
    const log = path.join(dir, 'audit.jsonl');
    const { head } = await appendToLog(log, [decisionEvent(), decisionEvent()], { chain: true });
    expect(await cli(['--threads', '1', log])).toMatchObject({ code: 0, stdout: `${log}: ok, 2 events, head ${head}\n` });
    expect(await cli(['--threads=2', log])).toMatchObject({ code: 0, stdout: `${log}: ok, 2 events, head ${head}\n` });
  });
});
