import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGitRepo } from '../harness/git-repo.js';
import { runAction } from '../harness/run-action.js';

// The outputs issue 6 asked for, as the runner sees them.
describe('capture-transcript bundle: what the readers report', () => {
  it('writes outside the workspace reach outside-workspace, not files-touched, with no user name anywhere', async () => {
    const repo = createGitRepo({ base: { 'README.md': 'widgets\n' } });
    const session = 'c1c2c3c4-0000-4000-8000-000000000001';
    const write = (id: string, file: string) => ({
      type: 'assistant',
      session_id: session,
      message: {
        id,
        role: 'assistant',
        model: 'claude-opus-4-1',
        content: [{ type: 'tool_use', id: `t_${id}`, name: 'Write', input: { file_path: file, content: 'x' } }],
      },
    });
    const records = [
      { type: 'system', subtype: 'init', session_id: session, model: 'claude-opus-4-1', cwd: repo.dir },
      write('m1', '/home/mallory/.bashrc'),
      write('m2', path.join(repo.dir, 'src/a.ts')),
      { type: 'result', subtype: 'success', session_id: session, num_turns: 2 },
    ];
    const file = path.join(repo.dir, '..', `claude-${path.basename(repo.dir)}.jsonl`);
    writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const run = await runAction({ action: 'capture-transcript', workspace: repo.dir, inputs: { path: file, upload: 'false', 'fail-on': 'never' } });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['verdict']).toBe('fail');
    expect(JSON.parse(run.outputs['files-touched']!)).toEqual(['src/a.ts']);
    expect(JSON.parse(run.outputs['outside-workspace']!)).toEqual(['~/.bashrc']);
    expect(run.outputs).toMatchObject({ turns: '1', 'model-calls': '2' });
    expect(JSON.stringify(run.outputs) + run.summary).not.toContain('mallory');
    expect(run.summary).toContain('Written outside the workspace');
    expect(run.summary).toContain('~/.bashrc');
  }, 120_000);
});
