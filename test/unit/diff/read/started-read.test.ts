import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { diffDigest, DiffDigestStream, readGitChanges, startGitRead } from '@agent-gates/core/diff/read';
import { BlobReader } from '../../../../packages/core/src/diff/read/blob-reader.js';
import { registerTempDir } from '../../../harness/temp.js';
import { ScratchRepo } from './repo.js';

// diff-scope begins its git read before the policy is loaded (startDiffScope): git diffs into a file
// nobody reads yet, and the rules take it from there once they exist. What they get must be exactly
// what readGitChanges gives, and a read never made must leave nothing behind, git included.

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i} of a file`).join('\n') + '\n';

// The repositories live outside the folder the reader's temporary folders are watched in.
const REPOS = registerTempDir(mkdtempSync(path.join(tmpdir(), 'started-read-repos-')));

function change(): { repo: ScratchRepo; base: string; head: string } {
  const repo = new ScratchRepo(REPOS);
  repo.write('src/a.ts', lines(1, 40)).write('test/a.test.ts', "it('one', () => {});\nit('two', () => {});\n").write('docs/old.md', lines(1, 30));
  const base = repo.commit('base');
  repo
    .write('src/a.ts', lines(1, 60))
    .write('test/a.test.ts', "it('one', () => {});\n")
    .write('src/b.ts', 'export const b = 2;\n')
    .remove('docs/old.md')
    .write('docs/new.md', lines(1, 30));
  const head = repo.commit('change, with a message to read');
  return { repo, base, head };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (up to 20 s, however slow the machine) until `ready` holds; true if it did. */
async function until(ready: () => boolean): Promise<boolean> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await pause(10)) if (ready()) return true;
  return ready();
}

/** The bytes in the spool folder under `tmp` (git's output so far), or -1 before there is one. */
function spooled(tmp: string): number {
  const spool = readdirSync(tmp).find((name) => name.startsWith('agent-gates-spool-'));
  if (spool === undefined) return -1;
  return readdirSync(path.join(tmp, spool)).reduce((total, name) => total + statSync(path.join(tmp, spool, name)).size, 0);
}

/** Processes whose working folder is under `dir` (git runs in the reader's empty work tree). */
function processesIn(dir: string): number {
  let found = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) found++;
    } catch {
      // gone, or not ours to look at
    }
  }
  return found;
}

describe('startGitRead', () => {
  let tmp: string;
  beforeEach(() => {
    // Its temporary folders (the empty work tree, the spool) go here, so the test can see them go.
    tmp = mkdtempSync(path.join(tmpdir(), 'started-read-'));
    registerTempDir(tmp);
    vi.stubEnv('TMPDIR', tmp);
  });
  afterEach(() => vi.unstubAllEnvs());

  // renameLimit 1: copies never fit, so the diff begun first (without -C) is the one kept. The default
  // limit: copies fit, and the diff with -C is started (held too) as soon as the count says so.
  for (const renameLimit of [1, undefined]) {
    it(`hands over the change readGitChanges reads, streamed to callbacks given after git is done (renameLimit ${renameLimit ?? 'default'})`, async () => {
      const { repo, base, head } = change();
      const limit = renameLimit !== undefined ? { renameLimit } : {};
      const started = startGitRead({ workspace: repo.dir, base, head, ...limit });
      // git's output waits unread in the spool until read() is called, however long that takes.
      expect(await until(() => spooled(tmp) > 0 && processesIn(tmp) === 0)).toBe(true);
      await pause(50);
      expect(readdirSync(tmp).sort()).toEqual([expect.stringMatching(/^agent-gates-diff-/), expect.stringMatching(/^agent-gates-spool-/)]);
      const streamed: string[] = [];
      const counts: number[] = [];
      const digest = new DiffDigestStream();
      const got = await started.read({
        onFile: (file) => {
          streamed.push(file.path);
          digest.add(file);
        },
        onRecords: (files) => counts.push(files),
      });
      const whole = await readGitChanges({ workspace: repo.dir, base, head, ...limit });
      expect(diffDigest(got.changes)).toBe(diffDigest(whole.changes));
      // git lists the files in the digest's order: it was hashed as the files streamed.
      expect(digest.inOrder).toBe(true);
      expect(digest.digest(got.changes)).toBe(diffDigest(whole.changes));
      expect(got.changes.renames).toBe(whole.changes.renames);
      expect(streamed).toEqual(whole.changes.files.map((file) => file.path));
      expect(streamed).toContain('docs/new.md');
      expect(counts.at(-1)).toBe(whole.changes.files.length);
      expect(got.changes.messages).toEqual(['change, with a message to read']);
      expect(got.changes).toMatchObject({ base, head, complete: true });
      // Disposing of a read that was made stops nothing it handed over: its content source still reads.
      await started.dispose();
      expect(readdirSync(tmp)).toEqual([]);
      expect((await got.content.read('head', 'src/b.ts'))?.toString('utf8')).toBe('export const b = 2;\n');
      expect((await got.content.read('base', 'test/a.test.ts'))?.toString('utf8')).toContain("it('two'");
    });
  }

  it('stops git and leaves nothing behind when disposed of unread: before it starts, while it runs, after it is done', async () => {
    const { repo, base, head } = change();
    const early = startGitRead({ workspace: repo.dir, base, head });
    await early.dispose();
    const late = startGitRead({ workspace: repo.dir, base, head });
    expect(await until(() => spooled(tmp) > 0 && processesIn(tmp) === 0)).toBe(true);
    await late.dispose();
    expect(readdirSync(tmp)).toEqual([]);

    // A change git takes a while to diff: disposed of while git still writes it.
    const big = new ScratchRepo(REPOS);
    for (let f = 0; f < 300; f++) big.write(`src/f${f}.ts`, lines(1, 2000));
    const bigBase = big.commit('base');
    for (let f = 0; f < 300; f++) big.write(`src/f${f}.ts`, lines(1, 2000).replace(/(\d)3 of/g, '$1 of a changed'));
    const bigHead = big.commit('change');
    const running = startGitRead({ workspace: big.dir, base: bigBase, head: bigHead, renameLimit: 1 });
    expect(await until(() => spooled(tmp) > 0)).toBe(true);
    const stillRunning = processesIn(tmp);
    await running.dispose();
    expect(readdirSync(tmp)).toEqual([]);
    expect(processesIn(tmp)).toBe(0);
    // Not an assertion on this machine's speed: only a note of what was tested when it reads 0.
    if (stillRunning === 0) console.log('startGitRead: git had finished before it was disposed of');
  });

  it('ends the content reader it started for a large change when the read fails, and leaves no git running', async () => {
    // 200 files or more: the read starts `git cat-file` (idle, for the rules' reads) before the first file.
    const repo = new ScratchRepo(REPOS);
    for (let f = 0; f < 210; f++) repo.write(`src/f${f}.ts`, lines(1, 3));
    const base = repo.commit('base');
    for (let f = 0; f < 210; f++) repo.write(`src/f${f}.ts`, lines(1, 4));
    const head = repo.commit('change');
    const started = startGitRead({ workspace: repo.dir, base, head });
    let seen = 0;
    const failing = started.read({
      onFile: () => {
        // The reader is started and idle by now; a rule then fails on the change.
        if (++seen === 100) throw new Error('a rule failed');
      },
    });
    await expect(failing).rejects.toThrow('a rule failed');
    await started.dispose();
    // git cat-file runs in the repository: nothing of the read may still run there.
    expect(await until(() => processesIn(repo.dir) === 0)).toBe(true);
    expect(readdirSync(tmp)).toEqual([]);
  });

  /** The reader's folders under `tmp` right now: git's empty work tree and its spool, once a diff started. */
  const diffStarted = () => readdirSync(tmp).filter((name) => /^agent-gates-(diff|spool)-/.test(name)).length === 2;

  /** What the started read hands over, against readGitChanges on the same inputs. */
  async function sameAsWhole(options: Parameters<typeof startGitRead>[0], started: ReturnType<typeof startGitRead>): Promise<void> {
    const streamed: string[] = [];
    const got = await started.read({ onFile: (file) => streamed.push(file.path) });
    const whole = await readGitChanges(options);
    expect(diffDigest(got.changes)).toBe(diffDigest(whole.changes));
    expect(streamed).toEqual(whole.changes.files.map((file) => file.path));
    expect({ ...got.changes, files: undefined }).toEqual({ ...whole.changes, files: undefined });
    await started.dispose();
  }

  it('starts the diff before anything else when base and head are commit ids of a checkout at its own .git, merge base or direct', async () => {
    const { repo, base, head } = change();
    for (const compare of ['merge-base', 'direct'] as const) {
      const options = { workspace: repo.dir, base, head, compare };
      const started = startGitRead(options);
      // Started in the call itself: no git was asked for the git directory, the commits or the merge base first.
      expect(diffStarted(), compare).toBe(true);
      await sameAsWhole(options, started);
    }
    // A branch name is not an id: the diff waits for the commits to be looked up.
    const byName = startGitRead({ workspace: repo.dir, base, head: 'main' });
    expect(diffStarted()).toBe(false);
    await sameAsWhole({ workspace: repo.dir, base, head: 'main' }, byName);
  });

  it('diffs from the merge base when base moved on after the branch point, the diff begun first included', async () => {
    // The usual pull request: main went on after the branch was cut, so base is not the merge base.
    const repo = new ScratchRepo(REPOS);
    repo.write('shared.txt', lines(1, 20)).write('main-only.txt', 'old\n');
    const branchPoint = repo.commit('branch point');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('feature.txt', 'new on the branch\n').write('shared.txt', lines(1, 25));
    const head = repo.commit('feature work');
    repo.git('checkout', '-q', 'main');
    repo.write('main-only.txt', 'changed on main after the branch point\n');
    const base = repo.commit('main moved on');
    const options = { workspace: repo.dir, base, head };
    const started = startGitRead(options);
    expect(diffStarted()).toBe(true);
    const got = await started.read({});
    // What the branch changed since the branch point: main's later change is not read as reverted.
    expect(got.changes.diffBase).toBe(branchPoint);
    expect(got.changes.files.map((file) => file.path).sort()).toEqual(['feature.txt', 'shared.txt']);
    await started.dispose();
    await sameAsWhole(options, startGitRead(options));
  });

  it('drops the diff it started first when base and head have two merge bases, and diffs from the one git merge-base prints', async () => {
    // A criss-cross: each branch merged the other's first commit, so their tips have two merge bases.
    const repo = new ScratchRepo(REPOS);
    repo.write('a.txt', lines(1, 20)).write('b.txt', lines(1, 20));
    repo.commit('root');
    repo.git('branch', 'other');
    repo.write('a.txt', lines(1, 25));
    const onMain = repo.commit('main side');
    repo.git('checkout', '-q', 'other');
    repo.write('b.txt', lines(1, 25));
    const onOther = repo.commit('other side');
    repo.git('merge', '-q', '--no-edit', onMain);
    repo.write('c.txt', 'head only\n');
    const head = repo.commit('head');
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-edit', onOther);
    repo.write('a.txt', lines(1, 30));
    const base = repo.commit('base moved on');
    expect(repo.git('merge-base', '--all', base, head).split('\n')).toHaveLength(2);
    const options = { workspace: repo.dir, base, head };
    const started = startGitRead(options);
    expect(diffStarted()).toBe(true);
    await sameAsWhole(options, started);
    expect(readdirSync(tmp)).toEqual([]);
    expect(processesIn(tmp)).toBe(0);
  });

  // Only root can give a repository to another user here; CI runs as root on this machine.
  it.runIf(process.geteuid?.() === 0)(
    'starts nothing in a repository another user owns: git refuses it ("dubious ownership") before any diff runs',
    async () => {
      const { repo, base, head } = change();
      execFileSync('chown', ['-R', 'nobody', repo.dir]);
      const started = startGitRead({ workspace: repo.dir, base, head, deepen: false });
      expect(diffStarted()).toBe(false);
      await expect(started.read({})).rejects.toMatchObject({ code: 'E_GIT' });
      expect(readdirSync(tmp)).toEqual([]);
    },
  );

  it('asks git for the git directory of a linked worktree (its .git is a file), and reads the same change', async () => {
    const { repo, base, head } = change();
    const linked = path.join(registerTempDir(mkdtempSync(path.join(REPOS, 'linked-'))), 'tree');
    repo.git('worktree', 'add', '-q', '--detach', linked, head);
    const options = { workspace: linked, base, head };
    const started = startGitRead(options);
    expect(diffStarted()).toBe(false);
    await sameAsWhole(options, started);
  });

  it('keeps nothing it began for a commit the checkout lacks: read() is then readGitChanges, with its error', async () => {
    const { repo, base } = change();
    const missing = 'f'.repeat(40);
    const started = startGitRead({ workspace: repo.dir, base, head: missing, deepen: false });
    const direct = await readGitChanges({ workspace: repo.dir, base, head: missing, deepen: false }).catch((error: unknown) => error);
    expect(direct).toMatchObject({ code: 'E_GIT', message: expect.stringContaining(`head "${missing}" is not a commit`) });
    await expect(started.read({})).rejects.toMatchObject({ code: 'E_GIT', message: (direct as Error).message });
    // The diff begun for the two ids was stopped and removed before read() turned to readGitChanges.
    expect(readdirSync(tmp)).toEqual([]);
    expect(processesIn(tmp)).toBe(0);
  });

  // As the action ends: nothing left to wait for but what is being closed. Something awaited that
  // nothing keeps alive ends Node mid-await (exit code 13) instead.
  const runModule = (lines: string[]) =>
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', lines.join('\n')], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: tmp },
    }).trim();
  const sourceUrl = (file: string) => JSON.stringify(pathToFileURL(path.resolve(import.meta.dirname, '../../../../packages/core/src/diff/read', file)).href);

  it('lets the process end on its own once a read that was made is disposed of', () => {
    const { repo, base, head } = change();
    const out = runModule([
      `import { startGitRead } from ${sourceUrl('git.ts')};`,
      `const started = startGitRead(${JSON.stringify({ workspace: repo.dir, base, head })});`,
      'const got = await started.read({ onFile: () => undefined });',
      "await got.content.read('head', 'src/b.ts');",
      'await started.dispose();',
      "console.log('read', got.changes.files.length);",
    ]);
    expect(out).toBe('read 4');
  });

  it('closes an idle content reader (its git unref’d while idle) without the process ending first', () => {
    const { repo, head } = change();
    const out = runModule([
      `import { BlobReader } from ${sourceUrl('blob-reader.ts')};`,
      `const blobs = new BlobReader(${JSON.stringify(repo.dir)}, { maxBytes: 1 << 20 });`,
      'blobs.prepare();',
      `const text = (await blobs.read(${JSON.stringify(`${head}:src/b.ts`)}))?.toString('utf8');`,
      'await blobs.close();',
      "console.log('closed', JSON.stringify(text));",
    ]);
    expect(out).toBe('closed "export const b = 2;\\n"');
  });

  it('answers the reads asked for before close, and refuses any after it without starting git again', async () => {
    const { repo, head } = change();
    const blobs = new BlobReader(repo.dir, { maxBytes: 1 << 20 });
    const before = blobs.read(`${head}:src/b.ts`);
    await blobs.close();
    expect((await before)?.toString('utf8')).toBe('export const b = 2;\n');
    await expect(blobs.read(`${head}:src/b.ts`)).rejects.toMatchObject({ code: 'E_GIT' });
    blobs.prepare();
    expect(processesIn(repo.dir)).toBe(0);
  });
});
