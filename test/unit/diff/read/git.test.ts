import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffDigest, readGitChanges } from '@agent-gates/core/diff/read';
import type { FileChange } from '../../../../packages/core/src/diff/types.js';
import { registerTempDir } from '../../../harness/temp.js';
import { ScratchRepo } from './repo.js';

const lines = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i} of a file long enough to be similar`).join('\n') + '\n';

function byPath(files: readonly FileChange[], file: string): FileChange {
  const found = files.find((change) => change.path === file);
  if (!found) throw new Error(`no change for ${file}; have ${files.map((f) => JSON.stringify(f.path)).join(', ')}`);
  return found;
}

describe('readGitChanges', () => {
  it('reads additions, modifications with head line numbers, deletions and binary files', async () => {
    const repo = new ScratchRepo();
    repo
      .write('src/app.ts', 'a\nb\nc\nd\n')
      .write('gone.txt', 'bye\n')
      .write('img.bin', Buffer.from([1, 0, 2, 3]));
    const base = repo.commit('base');
    repo
      .write('src/app.ts', 'a\nB\nc\nd\ne\nf\n')
      .remove('gone.txt')
      .write('img.bin', Buffer.from([1, 0, 2, 4]))
      .write('new.md', 'hello\nworld\n');
    const head = repo.commit('feat: add things\n\nTICKET-12');
    const { changes, content } = await readGitChanges({ workspace: repo.dir, base, head });
    expect(changes).toMatchObject({ mode: 'git', base, head, complete: true, incomplete: [], renames: 'full' });
    expect(changes.messages).toEqual(['feat: add things\n\nTICKET-12']);
    expect(changes.files.map((f) => [f.status, f.path])).toEqual([
      ['deleted', 'gone.txt'],
      ['modified', 'img.bin'],
      ['added', 'new.md'],
      ['modified', 'src/app.ts'],
    ]);
    expect(byPath(changes.files, 'src/app.ts')).toMatchObject({
      added: 3,
      deleted: 1,
      binary: false,
      oldMode: '100644',
      newMode: '100644',
      addedLines: [
        { line: 2, text: 'B' },
        { line: 5, text: 'e' },
        { line: 6, text: 'f' },
      ],
    });
    expect(byPath(changes.files, 'gone.txt')).toMatchObject({ deleted: 1, added: 0, addedLines: [], oldMode: '100644' });
    expect(byPath(changes.files, 'gone.txt').newBlob).toBeUndefined();
    expect(byPath(changes.files, 'img.bin')).toMatchObject({ binary: true, added: 0, deleted: 0, addedLines: [] });
    expect(byPath(changes.files, 'new.md').oldBlob).toBeUndefined();
    expect(byPath(changes.files, 'new.md').newBlob).toMatch(/^[0-9a-f]{40}$/);
    expect((await content.read('head', 'src/app.ts'))?.toString()).toBe('a\nB\nc\nd\ne\nf\n');
    expect((await content.read('base', 'src/app.ts'))?.toString()).toBe('a\nb\nc\nd\n');
    expect(await content.read('head', 'gone.txt')).toBeUndefined();
    expect(await content.read('base', 'new.md')).toBeUndefined();
    expect(await content.read('head', 'not/there.txt')).toBeUndefined();
    await content.close?.();
  });

  it('reads renames (also across folders) with their old path, and copies', async () => {
    const repo = new ScratchRepo();
    repo.write('docs/guide.md', lines(1, 40)).write('lib/util.ts', lines(100, 140));
    const base = repo.commit('base');
    repo.remove('docs/guide.md').write('.github/workflows/guide.md', lines(1, 40) + 'appended\n');
    repo.write('lib/util-copy.ts', lines(100, 140)).write('lib/util.ts', lines(100, 140) + 'changed\n');
    const head = repo.commit('move');
    const { changes } = await readGitChanges({ workspace: repo.dir, base, head });
    const renamed = byPath(changes.files, '.github/workflows/guide.md');
    expect(renamed).toMatchObject({ status: 'renamed', oldPath: 'docs/guide.md', added: 1, deleted: 0, addedLines: [{ line: 41, text: 'appended' }] });
    expect(renamed.similarity).toBeGreaterThan(90);
    expect(changes.files.some((f) => f.path === 'docs/guide.md')).toBe(false);
    expect(byPath(changes.files, 'lib/util-copy.ts')).toMatchObject({ status: 'copied', oldPath: 'lib/util.ts', similarity: 100, added: 0 });
    expect(byPath(changes.files, 'lib/util.ts')).toMatchObject({ status: 'modified', added: 1 });
  });

  it('reads mode changes: exec bit, a symlink to /etc with its target, a file turned into a symlink, a submodule', async () => {
    const sub = new ScratchRepo();
    sub.write('README', 'sub\n');
    const subSha = sub.commit('sub');
    const repo = new ScratchRepo();
    repo.write('run.sh', 'echo hi\n').write('config', 'plain\n');
    const base = repo.commit('base');
    repo.write('run.sh', 'echo hi\n', 0o755).symlink('etc-link', '/etc').symlink('config', '../../outside');
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/sub');
    const head = repo.commit('modes');
    const { changes } = await readGitChanges({ workspace: repo.dir, base, head });
    expect(byPath(changes.files, 'run.sh')).toMatchObject({ status: 'modified', oldMode: '100644', newMode: '100755', added: 0, deleted: 0 });
    expect(byPath(changes.files, 'run.sh').oldBlob).toBe(byPath(changes.files, 'run.sh').newBlob);
    expect(byPath(changes.files, 'etc-link')).toMatchObject({ status: 'added', newMode: '120000', symlinkTarget: '/etc' });
    expect(byPath(changes.files, 'config')).toMatchObject({
      status: 'type-changed',
      oldMode: '100644',
      newMode: '120000',
      symlinkTarget: '../../outside',
      deleted: 1,
      added: 1,
      addedLines: [{ line: 1, text: '../../outside' }],
    });
    // The submodule's "Subproject commit" line is not file content.
    expect(byPath(changes.files, 'vendor/sub')).toMatchObject({ status: 'added', newMode: '160000', newBlob: subSha, added: 0, addedLines: [] });
    expect(byPath(changes.files, '.gitmodules')).toMatchObject({ status: 'added' });
  });

  it("reads a change's own file by its record (readChange) exactly as by its path, for every kind of change", async () => {
    const sub = new ScratchRepo();
    sub.write('README', 'sub\n');
    sub.commit('sub');
    const repo = new ScratchRepo();
    repo
      .write('src/app.ts', 'a\nb\n')
      .write('gone.txt', 'bye\n')
      .write('docs/guide.md', lines(1, 40))
      .write('lib/util.ts', lines(100, 140))
      .write('config', 'plain\n');
    const base = repo.commit('base');
    repo
      .write('src/app.ts', 'a\nB\n')
      .remove('gone.txt')
      .write('new.md', 'hello\n')
      .remove('docs/guide.md')
      .write('moved/guide.md', lines(1, 40) + 'appended\n')
      .write('lib/util-copy.ts', lines(100, 140))
      .write('lib/util.ts', lines(100, 140) + 'changed\n')
      .symlink('config', '../../outside');
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/sub');
    const head = repo.commit('every kind');
    const { changes, content } = await readGitChanges({ workspace: repo.dir, base, head });
    expect(new Set(changes.files.map((f) => f.status))).toEqual(new Set(['modified', 'deleted', 'added', 'renamed', 'copied', 'type-changed']));
    expect(content.readChange).toBeDefined();
    const shown = (side: string, file: string) => execFileSync('git', ['-C', repo.dir, 'show', `${side}:${file}`]);
    let compared = 0;
    for (const file of changes.files) {
      const basePath = file.status === 'added' ? undefined : (file.oldPath ?? file.path);
      const headPath = file.status === 'deleted' ? undefined : file.path;
      for (const [side, at, commit] of [
        ['base', basePath, base],
        ['head', headPath, head],
      ] as const) {
        const own = await content.readChange!(side, file);
        if (at === undefined || (side === 'base' ? file.oldMode : file.newMode) === '160000') {
          expect(own, `${file.path} at ${side}`).toBeUndefined();
          continue;
        }
        expect(own, `${file.path} at ${side}`).toEqual(await content.read(side, at));
        expect(own, `${file.path} at ${side}`).toEqual(shown(commit, at));
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(10);
    // Read by path after the records: what a rename left behind is gone at head, as before.
    expect(await content.read('head', 'docs/guide.md')).toBeUndefined();
    expect(await content.read('base', 'new.md')).toBeUndefined();
    expect(await content.read('head', 'vendor/sub')).toBeUndefined();
    await content.close?.();
  });

  it("reads a file turned into a submodule and back: the file side counts, the submodule's commit line does not", async () => {
    const sub = new ScratchRepo();
    sub.write('README', 'sub\n');
    const subSha = sub.commit('sub');
    const repo = new ScratchRepo();
    repo.write('vendor/lib', 'one\ntwo\n').write('keep.txt', 'k\n');
    const base = repo.commit('base');
    repo.git('rm', '-q', 'vendor/lib');
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/lib');
    const head = repo.commit('file to submodule');
    const toSubmodule = await readGitChanges({ workspace: repo.dir, base, head });
    expect(byPath(toSubmodule.changes.files, 'vendor/lib')).toMatchObject({
      status: 'type-changed',
      oldMode: '100644',
      newMode: '160000',
      newBlob: subSha,
      deleted: 2,
      added: 0,
      addedLines: [],
    });
    repo.git('rm', '-q', 'vendor/lib');
    repo.write('vendor/lib', 'one\ntwo\n');
    const restored = repo.commit('submodule to file');
    const back = await readGitChanges({ workspace: repo.dir, base: head, head: restored });
    expect(byPath(back.changes.files, 'vendor/lib')).toMatchObject({
      status: 'type-changed',
      oldMode: '160000',
      newMode: '100644',
      deleted: 0,
      added: 2,
      addedLines: [
        { line: 1, text: 'one' },
        { line: 2, text: 'two' },
      ],
    });
  });

  it('keeps file names with spaces, quotes, newlines, tabs, non-UTF-8 bytes and bidi overrides as bytes', async () => {
    const repo = new ScratchRepo();
    repo.write('keep.txt', 'x\n');
    const base = repo.commit('base');
    const latin1 = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.txt')]);
    repo
      .write('with space.txt', 'one\n')
      .write('quote"d.txt', 'two\n')
      .write('new\nline.txt', 'three\n')
      .write('tab\there.txt', 'four\n')
      .write(latin1, 'five\n')
      .write('evil\u202Etxt.sh', 'six\n')
      .write('ünïcödé.md', 'seven\n');
    const head = repo.commit('names');
    const { changes, content } = await readGitChanges({ workspace: repo.dir, base, head });
    expect(changes.files).toHaveLength(7);
    expect(byPath(changes.files, 'with space.txt')).toMatchObject({ addedLines: [{ line: 1, text: 'one' }] });
    expect(byPath(changes.files, 'with space.txt').pathBytes).toBeUndefined();
    expect(byPath(changes.files, 'quote"d.txt')).toMatchObject({ addedLines: [{ line: 1, text: 'two' }] });
    expect(byPath(changes.files, 'new\nline.txt')).toMatchObject({
      pathBytes: Buffer.from('new\nline.txt').toString('hex'),
      addedLines: [{ line: 1, text: 'three' }],
    });
    expect(byPath(changes.files, 'tab\there.txt').pathBytes).toBe(Buffer.from('tab\there.txt').toString('hex'));
    expect(byPath(changes.files, 'caf\ufffd.txt')).toMatchObject({ pathBytes: latin1.toString('hex'), addedLines: [{ line: 1, text: 'five' }] });
    expect(byPath(changes.files, 'evil\u202Etxt.sh').pathBytes).toBe(Buffer.from('evil\u202Etxt.sh').toString('hex'));
    expect(byPath(changes.files, 'ünïcödé.md').pathBytes).toBeUndefined();
    expect((await content.read('head', 'new\nline.txt'))?.toString()).toBe('three\n');
    await content.close?.();
  });

  it('reads added lines that are not UTF-8, have CRLF endings, or no final newline', async () => {
    const repo = new ScratchRepo();
    repo.write('a.txt', 'x\n');
    const base = repo.commit('base');
    repo.write('a.txt', Buffer.concat([Buffer.from('x\r\nnew\r\n'), Buffer.from([0xff, 0x41, 0x0a]), Buffer.from('last')]));
    const head = repo.commit('bytes');
    const { changes } = await readGitChanges({ workspace: repo.dir, base, head });
    expect(byPath(changes.files, 'a.txt').addedLines).toEqual([
      { line: 1, text: 'x\r' },
      { line: 2, text: 'new\r' },
      { line: 3, text: '\ufffdA' },
      { line: 4, text: 'last' },
    ]);
    expect(byPath(changes.files, 'a.txt')).toMatchObject({ added: 4, deleted: 1 });
  });

  it('compares with the merge base, so base-branch commits after the branch point do not show as reverted', async () => {
    const repo = new ScratchRepo();
    repo.write('a.txt', 'a\n');
    repo.commit('root');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('feature.txt', 'f\n');
    const head = repo.commit('feature');
    repo.git('checkout', '-q', 'main');
    repo.write('main-only.txt', 'm\n');
    const base = repo.commit('main moves on');
    const merged = await readGitChanges({ workspace: repo.dir, base, head });
    expect(merged.changes.files.map((f) => f.path)).toEqual(['feature.txt']);
    expect(merged.changes.diffBase).toBe(repo.git('merge-base', base, head));
    expect(merged.changes.messages).toEqual(['feature']);
    const direct = await readGitChanges({ workspace: repo.dir, base, head, compare: 'direct' });
    expect(direct.changes.files.map((f) => [f.status, f.path])).toEqual([
      ['added', 'feature.txt'],
      ['deleted', 'main-only.txt'],
    ]);
    // Full ids that are not the commits themselves (annotated tags): the merge base of the commits
    // they name, whatever git answers for the ids as given.
    repo.git('tag', '-a', '-m', 'b', 'base-tag', base);
    repo.git('tag', '-a', '-m', 'h', 'head-tag', head);
    const [baseTag, headTag] = [repo.git('rev-parse', 'base-tag'), repo.git('rev-parse', 'head-tag')];
    const viaTags = await readGitChanges({ workspace: repo.dir, base: baseTag, head: headTag });
    expect(viaTags.changes).toMatchObject({ base, head, diffBase: merged.changes.diffBase });
    expect(viaTags.changes.files.map((f) => f.path)).toEqual(['feature.txt']);
    expect((await readGitChanges({ workspace: repo.dir, base: base.toUpperCase(), head })).changes.diffBase).toBe(merged.changes.diffBase);
  });

  it('throws E_GIT naming the input when base or head is not a commit, and never reads a partial diff', async () => {
    const repo = new ScratchRepo();
    repo.write('a.txt', 'a\n');
    const head = repo.commit('only');
    await expect(readGitChanges({ workspace: repo.dir, base: 'f'.repeat(40), head })).rejects.toMatchObject({
      code: 'E_GIT',
      message: expect.stringMatching(/^base "f{40}" is not a commit/),
    });
    await expect(readGitChanges({ workspace: repo.dir, base: head, head: 'no-such-branch' })).rejects.toMatchObject({
      code: 'E_GIT',
      message: expect.stringMatching(/^head "no-such-branch"/),
    });
    await expect(readGitChanges({ workspace: repo.dir, base: '--output=/tmp/x', head })).rejects.toMatchObject({
      code: 'E_GIT',
      message: expect.stringMatching(/^base: /),
    });
  });

  it('fetches a missing base and deepens a shallow clone to the merge base', async () => {
    const origin = new ScratchRepo();
    for (let i = 0; i < 5; i++) origin.write('f.txt', `${i}\n`).commit(`main ${i}`);
    origin.git('checkout', '-q', '-b', 'feature');
    origin.write('feature.txt', 'feature\n').commit('feature 1');
    const head = origin.write('feature.txt', 'feature 2\n').commit('feature 2');
    origin.git('checkout', '-q', 'main');
    const base = origin.write('main.txt', 'later\n').commit('main later');
    const parent = registerTempDir(mkdtempSync(path.join(tmpdir(), 'agent-gates-shallow-')));
    const clone = path.join(parent, 'clone');
    execFileSync('git', ['-c', 'protocol.file.allow=always', 'clone', '-q', '--depth=1', '--branch', 'feature', `file://${origin.dir}`, clone]);
    expect(execFileSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: clone, encoding: 'utf8' }).trim()).toBe('true');
    const { changes } = await readGitChanges({ workspace: clone, base, head });
    expect(changes).toMatchObject({ complete: true, base, head, diffBase: origin.git('merge-base', base, head) });
    expect(changes.files.map((f) => [f.status, f.path])).toEqual([['added', 'feature.txt']]);
    expect(changes.messages).toEqual(['feature 2', 'feature 1']);

    // Without deepening, the same shallow clone is an error naming the input, not a guess.
    const clone2 = path.join(parent, 'clone2');
    execFileSync('git', ['-c', 'protocol.file.allow=always', 'clone', '-q', '--depth=1', '--branch', 'feature', `file://${origin.dir}`, clone2]);
    await expect(readGitChanges({ workspace: clone2, base, head, deepen: false })).rejects.toMatchObject({
      code: 'E_GIT',
      message: expect.stringMatching(/^base /),
    });
  });

  it('fetches a head missing from a full clone without making the clone shallow', async () => {
    const origin = new ScratchRepo();
    const base = origin.write('a.txt', 'a\n').commit('base');
    const parent = registerTempDir(mkdtempSync(path.join(tmpdir(), 'agent-gates-full-')));
    const clone = path.join(parent, 'clone');
    execFileSync('git', ['-c', 'protocol.file.allow=always', 'clone', '-q', `file://${origin.dir}`, clone]);
    origin.git('checkout', '-q', '-b', 'later');
    const head = origin.write('b.txt', 'b\n').commit('later');
    const { changes } = await readGitChanges({ workspace: clone, base, head });
    expect(changes.files.map((f) => f.path)).toEqual(['b.txt']);
    expect(execFileSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: clone, encoding: 'utf8' }).trim()).toBe('false');
  });

  it('marks the view incomplete when a shallow clone cannot reach the merge base', async () => {
    const origin = new ScratchRepo();
    origin.write('f.txt', '0\n').commit('root');
    origin.git('checkout', '-q', '-b', 'feature');
    const head = origin.write('feature.txt', 'x\n').commit('feature');
    const parent = registerTempDir(mkdtempSync(path.join(tmpdir(), 'agent-gates-shallow-')));
    const clone = path.join(parent, 'clone');
    execFileSync('git', ['-c', 'protocol.file.allow=always', 'clone', '-q', '--depth=1', '--branch', 'feature', `file://${origin.dir}`, clone]);
    // An orphan base commit made in the clone only: no remote has a history joining it to head.
    execFileSync('git', ['checkout', '-q', '--orphan', 'lonely'], { cwd: clone });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'orphan'], { cwd: clone });
    const base = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone, encoding: 'utf8' }).trim();
    const { changes } = await readGitChanges({ workspace: clone, base, head });
    expect(changes.complete).toBe(false);
    expect(changes.incomplete.join(' ')).toMatch(/shallow/);
    expect(changes.messages).toEqual([]);
  });

  it('over diff.renameLimit reports exact-only renames: inexact renames become a delete plus an add, exact ones stay renames', async () => {
    const repo = new ScratchRepo();
    for (let i = 0; i < 4; i++) repo.write(`old/f${i}.txt`, lines(i * 100, i * 100 + 30));
    repo.write('exact/same.txt', lines(900, 930));
    const base = repo.commit('base');
    // Other base names: git 2.33+ pairs same-named files before (and regardless of) the limit.
    for (let i = 0; i < 4; i++) repo.remove(`old/f${i}.txt`).write(`new/g${i}.txt`, lines(i * 100, i * 100 + 30) + 'edited\n');
    repo.remove('exact/same.txt').write('moved/same.txt', lines(900, 930));
    const head = repo.commit('many renames');

    const full = await readGitChanges({ workspace: repo.dir, base, head });
    expect(full.changes.renames).toBe('full');
    expect(full.changes.files.filter((f) => f.status === 'renamed')).toHaveLength(5);

    const limited = await readGitChanges({ workspace: repo.dir, base, head, renameLimit: 2 });
    expect(limited.changes.renames).toBe('exact-only');
    expect(limited.changes.complete).toBe(true);
    expect(byPath(limited.changes.files, 'moved/same.txt')).toMatchObject({ status: 'renamed', oldPath: 'exact/same.txt', similarity: 100 });
    expect(byPath(limited.changes.files, 'old/f1.txt').status).toBe('deleted');
    expect(byPath(limited.changes.files, 'new/g1.txt')).toMatchObject({ status: 'added', added: 32 });
    // Same files either way: the digest differs only because the pairing differs.
    expect(diffDigest(limited.changes)).not.toBe(diffDigest(full.changes));
  });

  it('looks for copies only while they fit under the limit, so a large change keeps its renames', async () => {
    const repo = new ScratchRepo();
    repo.write('a/report.md', lines(1, 30));
    for (let i = 0; i < 10; i++) repo.write(`m/${i}.txt`, lines(i * 50, i * 50 + 20));
    const base = repo.commit('base');
    repo
      .remove('a/report.md')
      .write('b/summary.md', lines(1, 30) + 'more\n')
      .write('c/copy.txt', lines(0, 20) + 'copied\n');
    for (let i = 0; i < 10; i++) repo.write(`m/${i}.txt`, lines(i * 50, i * 50 + 20) + 'edit\n');
    const head = repo.commit('head');
    const roomy = await readGitChanges({ workspace: repo.dir, base, head });
    expect(byPath(roomy.changes.files, 'c/copy.txt')).toMatchObject({ status: 'copied', oldPath: 'm/0.txt' });
    expect(byPath(roomy.changes.files, 'b/summary.md')).toMatchObject({ status: 'renamed', oldPath: 'a/report.md' });
    // 2 added x (1 deleted + 10 modified) = 22 > 4^2: copies are not looked for; 2 x 1 <= 16 keeps the rename.
    // The repository's own diff.renames=copies does not bring the copy search back.
    repo.git('config', 'diff.renames', 'copies');
    const tight = await readGitChanges({ workspace: repo.dir, base, head, renameLimit: 4 });
    expect(tight.changes.renames).toBe('full');
    expect(byPath(tight.changes.files, 'c/copy.txt')).toMatchObject({ status: 'added' });
    expect(byPath(tight.changes.files, 'b/summary.md')).toMatchObject({ status: 'renamed', oldPath: 'a/report.md' });
  });

  it('gives the same diff digest on every read, and another one for another change', async () => {
    const repo = new ScratchRepo();
    repo.write('a.txt', 'a\n');
    const base = repo.commit('base');
    const head1 = repo.write('a.txt', 'b\n').commit('one');
    const head2 = repo.write('a.txt', 'c\n').commit('two');
    const first = await readGitChanges({ workspace: repo.dir, base, head: head1 });
    const again = await readGitChanges({ workspace: repo.dir, base, head: head1 });
    const other = await readGitChanges({ workspace: repo.dir, base, head: head2 });
    expect(diffDigest(first.changes)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(diffDigest(again.changes)).toBe(diffDigest(first.changes));
    expect(diffDigest(other.changes)).not.toBe(diffDigest(first.changes));
    expect(diffDigest({ ...first.changes, files: [...first.changes.files].reverse() })).toBe(diffDigest(first.changes));
  });

  it('counts but does not keep added lines past the memory budget, and says the view is incomplete', async () => {
    const repo = new ScratchRepo();
    repo.write('a.txt', 'a\n');
    const base = repo.commit('base');
    const head = repo
      .write('a.txt', 'a\n' + lines(1, 10))
      .write('b.txt', lines(1, 10))
      .commit('big');
    const { changes } = await readGitChanges({ workspace: repo.dir, base, head, maxAddedLineBytes: 200 });
    expect(byPath(changes.files, 'a.txt')).toMatchObject({ added: 10 });
    expect(byPath(changes.files, 'a.txt').addedLines.length).toBeLessThan(10);
    expect(byPath(changes.files, 'b.txt')).toMatchObject({ added: 10, addedLines: [] });
    expect(changes.complete).toBe(false);
    expect(changes.incomplete[0]).toMatch(/more than 200 bytes.*2 file\(s\), first a\.txt/);
  });

  it('ignores .gitattributes, which the change controls: `* -diff` cannot hide added lines as "binary"', async () => {
    const repo = new ScratchRepo();
    repo.write('config.txt', 'a\n').write('b.txt', 'a\nb\nc\nd\n');
    const base = repo.commit('base');
    repo.write('.gitattributes', '* -diff\n*.txt diff=hidden\n').write('config.txt', 'a\npassword=hunter2\n').write('b.txt', 'a\ny\nb\nc\nz\nd\n');
    repo.git('config', 'diff.interHunkContext', '5');
    const head = repo.commit('hide');
    const { changes } = await readGitChanges({ workspace: repo.dir, base, head });
    expect(byPath(changes.files, 'config.txt')).toMatchObject({ binary: false, addedLines: [{ line: 2, text: 'password=hunter2' }] });
    expect(byPath(changes.files, 'b.txt').addedLines).toEqual([
      { line: 2, text: 'y' },
      { line: 5, text: 'z' },
    ]);
  });

  it('serves many concurrent content reads in order through one cat-file, and refuses a file over the limit without losing its place', async () => {
    const repo = new ScratchRepo();
    repo.write('keep.txt', 'k\n');
    const base = repo.commit('base');
    for (let i = 0; i < 50; i++) repo.write(`f/${i}.txt`, `file ${i}\n`.repeat(i + 1));
    repo.write('big.bin', Buffer.alloc(300_000, 7));
    const head = repo.commit('many');
    const { content } = await readGitChanges({ workspace: repo.dir, base, head, maxContentBytes: 100_000 });
    const reads = Array.from({ length: 50 }, (_, i) => content.read('head', `f/${i}.txt`));
    const big = content.read('head', 'big.bin');
    const after = content.read('head', 'keep.txt');
    const texts = (await Promise.all(reads)).map((buffer) => buffer?.toString());
    expect(texts).toEqual(Array.from({ length: 50 }, (_, i) => `file ${i}\n`.repeat(i + 1)));
    await expect(big).rejects.toMatchObject({ code: 'E_TOO_LARGE' });
    expect((await after)?.toString()).toBe('k\n');
    await content.close?.();
  });

  it.skipIf(process.platform !== 'linux')('starts the content reader before the first file of a large change, and not for a small one', async () => {
    // The reader's git cat-file, found by its working directory among this process's children.
    const readerIn = (dir: string) =>
      execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' })
        .split('\n')
        .map((pid) => pid.trim())
        .filter((pid) => pid !== '')
        .some((pid) => {
          try {
            return readlinkSync(`/proc/${pid}/cwd`) === dir && readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('cat-file');
          } catch {
            return false;
          }
        });
    for (const [count, early] of [
      [250, true],
      [20, false],
    ] as const) {
      const repo = new ScratchRepo();
      for (let i = 0; i < count; i++) repo.write(`src/f${i}.ts`, `export const v${i} = ${i};\n`);
      const base = repo.commit('base');
      for (let i = 0; i < count; i++) repo.write(`src/f${i}.ts`, `export const v${i} = ${i + 1};\n`);
      const head = repo.commit('change');
      let atFirstFile: boolean | undefined;
      const { content } = await readGitChanges({
        workspace: repo.dir,
        base,
        head,
        onFile: () => {
          atFirstFile ??= readerIn(realpathSync(repo.dir));
        },
      });
      expect(atFirstFile, `${count} files`).toBe(early);
      expect((await content.read('head', 'src/f3.ts'))?.toString()).toBe('export const v3 = 4;\n');
      await content.close?.();
    }
  });

  it('reads an empty change as no files, complete', async () => {
    const repo = new ScratchRepo();
    repo.write('a.txt', 'a\n');
    const base = repo.commit('base');
    const head = repo.commit('empty');
    const { changes } = await readGitChanges({ workspace: repo.dir, base, head });
    expect(changes).toMatchObject({ files: [], complete: true, messages: ['empty'] });
  });
});
