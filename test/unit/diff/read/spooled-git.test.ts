import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHeldGit, streamGit } from '@agent-gates/core/git';
import { registerTempDir } from '../../../harness/temp.js';
import { ScratchRepo } from './repo.js';

// diff-scope reads its diff through a file git writes and the reader reads as it grows (a spool),
// not a 64 KiB pipe that makes git wait whenever the reader is busy. The reader must see exactly the
// bytes a pipe gives, in order, however the reads fall; every way out must remove the file; and a
// chunk's buffer is reused, so nothing that keeps a chunk may keep it uncopied.
describe('streamGit through a spool', () => {
  const repo = new ScratchRepo();
  // 2.6 MB: ten spool reads and more, and a last one that is not full.
  const text = Array.from({ length: 40_000 }, (_, i) => `line ${i} of a file long enough to need several spool reads`).join('\n') + '\n';
  repo.write('big.txt', text);
  repo.commit('one');
  const args = ['cat-file', 'blob', 'HEAD:big.txt'];
  const spoolDir = () => registerTempDir(mkdtempSync(path.join(tmpdir(), 'agent-gates-spool-test-')));

  function collector() {
    const chunks: Buffer[] = [];
    // Copied: a spooled chunk is valid only until the call returns.
    return { chunks, onStdout: (chunk: Buffer) => void chunks.push(Buffer.from(chunk)), text: () => Buffer.concat(chunks).toString('utf8') };
  }

  it('hands over the same bytes as a pipe, and removes its file', async () => {
    const dir = spoolDir();
    const spooled = collector();
    const piped = collector();
    await streamGit(repo.dir, args, spooled.onStdout, { spoolDir: dir });
    await streamGit(repo.dir, args, piped.onStdout);
    expect(spooled.text()).toBe(text);
    expect(piped.text()).toBe(text);
    expect(spooled.chunks.length).toBeGreaterThan(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reuses one buffer for its chunks (so a reader that keeps one must copy it)', async () => {
    const seen = new Set<ArrayBufferLike>();
    await streamGit(repo.dir, args, (chunk) => void seen.add(chunk.buffer), { spoolDir: spoolDir() });
    expect(seen.size).toBe(1);
  });

  it('reads what git wrote before it exited, even when the reader was behind', async () => {
    const dir = spoolDir();
    const out = collector();
    let first = true;
    await streamGit(
      repo.dir,
      args,
      (chunk) => {
        // Busy on the first chunk until git has certainly finished writing and exited.
        if (first) {
          first = false;
          const until = Date.now() + 400;
          while (Date.now() < until);
        }
        out.onStdout(chunk);
      },
      { spoolDir: dir },
    );
    expect(out.text()).toBe(text);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects with what the reader threw, with git’s failure and with an abort, and removes its file each time', async () => {
    const dir = spoolDir();
    await expect(
      streamGit(
        repo.dir,
        args,
        () => {
          throw new Error('reader refused');
        },
        { spoolDir: dir },
      ),
    ).rejects.toThrow('reader refused');
    expect(readdirSync(dir)).toEqual([]);
    await expect(streamGit(repo.dir, ['cat-file', 'blob', 'HEAD:no-such-file'], () => undefined, { spoolDir: dir })).rejects.toMatchObject({ code: 'E_GIT' });
    expect(readdirSync(dir)).toEqual([]);
    const abort = new AbortController();
    const run = streamGit(repo.dir, ['cat-file', '--batch'], () => undefined, { spoolDir: dir, signal: abort.signal });
    abort.abort();
    await expect(run).rejects.toMatchObject({ code: 'E_GIT', message: 'git cat-file was aborted' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fails with E_GIT, running nothing, when the spool folder is missing', async () => {
    const missing = path.join(spoolDir(), 'gone');
    await expect(streamGit(repo.dir, args, () => undefined, { spoolDir: missing })).rejects.toMatchObject({
      code: 'E_GIT',
      message: expect.stringContaining("could not make a file for git's output"),
    });
  });

  it('keeps its file readable by this user alone while git runs', async () => {
    const dir = spoolDir();
    const modes = new Set<number>();
    await streamGit(
      repo.dir,
      args,
      () => {
        for (const name of readdirSync(dir)) modes.add(statSync(path.join(dir, name)).mode & 0o777);
      },
      { spoolDir: dir },
    );
    expect([...modes]).toEqual([0o600]);
  });

  it('holds a spooled run unread in its file, however large, until keep() reads it whole', async () => {
    const dir = spoolDir();
    const out = collector();
    // A limit far under the output: through a spool nothing is held in memory, so it never overflows.
    const held = startHeldGit(repo.dir, args, out.onStdout, { spoolDir: dir, maxHeldBytes: 1000 });
    // Until git is done and its whole output is in the file, unread (however long that takes here).
    const size = () => readdirSync(dir).reduce((total, name) => total + statSync(path.join(dir, name)).size, 0);
    for (const deadline = Date.now() + 10_000; size() < Buffer.byteLength(text) && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    expect(size()).toBe(Buffer.byteLength(text));
    expect(readdirSync(dir)).toHaveLength(1);
    expect(out.chunks).toHaveLength(0);
    await held.keep();
    expect(out.text()).toBe(text);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never hands over the output of a spooled run that failed while held', async () => {
    const dir = spoolDir();
    const out = collector();
    // rev-parse prints what it resolved before it fails on the next argument (exit 128).
    const held = startHeldGit(repo.dir, ['rev-parse', 'HEAD', 'no-such-ref'], out.onStdout, { spoolDir: dir });
    // Settled (and its file gone) once git is done, whether or not anyone keeps it.
    for (const deadline = Date.now() + 10_000; readdirSync(dir).length > 0 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(dir)).toEqual([]);
    await expect(held.keep()).rejects.toMatchObject({ code: 'E_GIT' });
    expect(out.chunks).toHaveLength(0);
  });

  it('drops a spooled run before or after git is done: the promise settles and the file is gone', async () => {
    const dir = spoolDir();
    const out = collector();
    const early = startHeldGit(repo.dir, args, out.onStdout, { spoolDir: dir });
    await early.drop();
    const late = startHeldGit(repo.dir, args, out.onStdout, { spoolDir: dir });
    await new Promise((r) => setTimeout(r, 300));
    await late.drop();
    expect(out.chunks).toHaveLength(0);
    expect(readdirSync(dir)).toEqual([]);
  });
});
