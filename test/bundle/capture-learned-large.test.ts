/**
 * Issue 6 §1 on the worker path: a transcript over the 8 MiB at which the action redacts on a worker
 * thread, with a key in early lines where no rule finds it and named by a rule near the end. The
 * worker learns the key; the stored file and summary.json must hold it nowhere.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGitRepo } from '../harness/git-repo.js';
import { runAction } from '../harness/run-action.js';
import { ALNUM, DIGITS, pick, rng } from '../unit/secrets/helpers.js';

describe('capture-transcript on a large transcript, a value learned late', () => {
  it('is redacted in the lines before it was learned, on the worker thread', async () => {
    const r = rng(7373);
    const key = pick(r, ALNUM, 30) + pick(r, DIGITS, 2);
    const filler = 'const value = compute(input); // keep the cache warm\\n'.repeat(40);
    const record = (i: number, text: string) =>
      JSON.stringify({
        type: 'assistant',
        sessionId: 's-large',
        uuid: `a${i}`,
        parentUuid: null,
        message: { id: `msg_${i}`, role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text }] },
      });
    const lines = [record(0, `see ${key} above`), record(1, `/srv/${key}/data`)];
    let size = 0;
    for (let i = 2; size < 9 * 1024 * 1024; i++) {
      const line = record(i, filler.slice(0, 200 + ((i * 7919) % 2000)));
      lines.push(line);
      size += line.length + 1;
    }
    lines.push(record(lines.length, `export API_KEY="${key}"`));
    const repo = createGitRepo({ base: { a: '1' } });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'large-learned-'));
    const file = path.join(dir, 'session.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');

    const run = await runAction({
      action: 'capture-transcript',
      workspace: repo.dir,
      inputs: { path: file, upload: 'false', 'fail-on': 'never' },
      timeoutMs: 120_000,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('redacted on a worker thread');
    const stored = readFileSync(run.outputs['transcript-file']!);
    expect(stored.includes(key)).toBe(false);
    expect(readFileSync(run.outputs['summary-file']!, 'utf8')).not.toContain(key);
    expect(run.outputs['transcript-digest']).toBe(`sha256:${createHash('sha256').update(stored).digest('hex')}`);
    expect(run.outputs.redactions).toBe('3');
    const storedLines = stored.toString('utf8').split('\n');
    for (const i of [0, 1]) expect(storedLines[i]).toBe(lines[i]!.replace(key, '[REDACTED:generic-api-key]'));
  }, 180_000);
});
