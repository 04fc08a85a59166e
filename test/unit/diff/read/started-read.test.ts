import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { diffDigest, readGitChanges, startGitRead } from '@agent-gates/core/diff/read';
import { registerTempDir } from '../../../harness/temp.js';
import { ScratchRepo } from './repo.js';

// diff-scope begins its git read before the policy is loaded (startDiffScope): git diffs into a file
// nobody reads yet, and the rules take it from there once they exist. What they get must be exactly
// what readGitChanges gives, and a read never made must leave nothing behind.

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i} of a file`).join('\n') + '\n';

// The repository lives outside the folder the reader's temporary folders are watched in.
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

describe('startGitRead', () => {
  let tmp: string;
  beforeEach(() => {
    // Its temporary folders (the empty work tree, the spool) go here, so the test can see them go.
    tmp = mkdtempSync(path.join(tmpdir(), 'started-read-'));
    registerTempDir(tmp);
    vi.stubEnv('TMPDIR', tmp);
  });
  afterEach(() => vi.unstubAllEnvs());
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('hands over the change readGitChanges reads, streamed to callbacks given after git is done', async () => {
    const { repo, base, head } = change();
    const started = startGitRead({ workspace: repo.dir, base, head });
    await pause(300);
    // git has diffed by now; its output waits unread in the spool.
    expect(readdirSync(tmp).sort()).toEqual([expect.stringMatching(/^agent-gates-diff-/), expect.stringMatching(/^agent-gates-spool-/)]);
    const streamed: string[] = [];
    const counts: number[] = [];
    const got = await started.read({ onFile: (file) => streamed.push(file.path), onRecords: (files) => counts.push(files) });
    const whole = await readGitChanges({ workspace: repo.dir, base, head });
    expect(diffDigest(got.changes)).toBe(diffDigest(whole.changes));
    expect(streamed).toEqual(whole.changes.files.map((file) => file.path));
    expect(streamed).toContain('docs/new.md');
    expect(counts.at(-1)).toBe(whole.changes.files.length);
    expect(got.changes.messages).toEqual(['change, with a message to read']);
    expect(got.changes).toMatchObject({ base, head, complete: true, renames: 'full' });
    // Disposing of a read that was made stops nothing it handed over: its content source still reads.
    await started.dispose();
    expect(readdirSync(tmp)).toEqual([]);
    expect((await got.content.read('head', 'src/b.ts'))?.toString('utf8')).toBe('export const b = 2;\n');
    expect((await got.content.read('base', 'test/a.test.ts'))?.toString('utf8')).toContain("it('two'");
  });

  it('lets the process end on its own once a read that was made is disposed of (an idle content reader does not hold it open)', () => {
    const { repo, base, head } = change();
    const source = pathToFileURL(path.resolve(import.meta.dirname, '../../../../packages/core/src/diff/read/git.ts')).href;
    // As the action ends: the read made and used, then disposed of, then nothing left to wait for. A
    // dispose that waited on a git nothing kept alive would end Node mid-await (exit code 13).
    const script = [
      `import { startGitRead } from ${JSON.stringify(source)};`,
      `const started = startGitRead(${JSON.stringify({ workspace: repo.dir, base, head })});`,
      'const got = await started.read({ onFile: () => undefined });',
      "await got.content.read('head', 'src/b.ts');",
      'await started.dispose();',
      "console.log('read', got.changes.files.length);",
    ].join('\n');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: tmp },
    });
    expect(out.trim()).toBe('read 4');
  });

  it('leaves nothing behind when disposed of unread, while git runs or after it is done', async () => {
    const { repo, base, head } = change();
    const early = startGitRead({ workspace: repo.dir, base, head });
    await early.dispose();
    const late = startGitRead({ workspace: repo.dir, base, head });
    await pause(300);
    await late.dispose();
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('begins nothing for a commit the checkout lacks: read() is then readGitChanges, with its error', async () => {
    const { repo, base } = change();
    const missing = 'f'.repeat(40);
    const started = startGitRead({ workspace: repo.dir, base, head: missing, deepen: false });
    await pause(200);
    expect(readdirSync(tmp)).toEqual([]);
    const direct = await readGitChanges({ workspace: repo.dir, base, head: missing, deepen: false }).catch((error: unknown) => error);
    expect(direct).toMatchObject({ code: 'E_GIT', message: expect.stringContaining(`head "${missing}" is not a commit`) });
    await expect(started.read({})).rejects.toMatchObject({ code: 'E_GIT', message: (direct as Error).message });
  });
});
