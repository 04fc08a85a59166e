import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWorkingTree } from '@agent-gates/core/diff/read';
import { registerTempDir } from '../../../harness/temp.js';
import { ScratchRepo } from './repo.js';

describe('readWorkingTree', () => {
  it('compares base with uncommitted, staged and untracked files, leaves ignored ones out, and leaves the index alone', async () => {
    const repo = new ScratchRepo();
    repo.write('.gitignore', 'build/\n*.log\n').write('src/a.ts', 'one\n').write('old.txt', 'old\n');
    const base = repo.commit('base');
    repo.write('src/a.ts', 'one\ntwo\n').write('committed.txt', 'c\n');
    repo.commit('agent commit');
    repo.write('staged.txt', 'staged\n');
    repo.git('add', 'staged.txt');
    repo
      .write('untracked dir/new file.ts', 'fresh\n')
      .write('build/out.js', 'ignored\n')
      .write('debug.log', 'ignored\n')
      .remove('old.txt')
      .write('run.sh', '#!/bin/sh\n', 0o755);
    const indexBefore = repo.git('ls-files', '--stage');

    const { changes, content } = await readWorkingTree({ workspace: path.join(repo.dir, 'src'), base });
    expect(changes).toMatchObject({ mode: 'working-tree', base, head: 'working-tree', complete: true, messages: ['agent commit'] });
    expect(changes.files.map((f) => [f.status, f.path])).toEqual([
      ['added', 'committed.txt'],
      ['deleted', 'old.txt'],
      ['added', 'run.sh'],
      ['modified', 'src/a.ts'],
      ['added', 'staged.txt'],
      ['added', 'untracked dir/new file.ts'],
    ]);
    expect(changes.files.find((f) => f.path === 'run.sh')?.newMode).toBe('100755');
    expect(changes.files.find((f) => f.path === 'src/a.ts')?.addedLines).toEqual([{ line: 2, text: 'two' }]);
    expect((await content.read('head', 'untracked dir/new file.ts'))?.toString()).toBe('fresh\n');
    expect((await content.read('base', 'old.txt'))?.toString()).toBe('old\n');
    await content.close?.();
    // The user's own index is untouched: untracked files stay untracked.
    expect(repo.git('ls-files', '--stage')).toBe(indexBefore);
    expect(repo.git('status', '--porcelain', '--untracked-files=all')).toMatch(/\?\? "?untracked dir\/new file.ts/);
  });

  it('throws E_INPUT naming working-tree outside a git repository', async () => {
    const dir = registerTempDir(mkdtempSync(path.join(tmpdir(), 'agent-gates-norepo-')));
    await expect(readWorkingTree({ workspace: dir, base: 'HEAD' })).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringMatching(/^working-tree: /),
    });
    await expect(readWorkingTree({ workspace: path.join(dir, 'missing'), base: 'HEAD' })).rejects.toMatchObject({ code: 'E_INPUT' });
  });

  it('throws E_GIT naming base when base is not a commit', async () => {
    const repo = new ScratchRepo();
    repo.write('a', 'a\n').commit('base');
    await expect(readWorkingTree({ workspace: repo.dir, base: 'nope' })).rejects.toMatchObject({
      code: 'E_GIT',
      message: expect.stringMatching(/^base "nope"/),
    });
  });
});
