import { describe, expect, it } from 'vitest';
import { startHeldGit } from '@agent-gates/core/git';
import { ScratchRepo } from './repo.js';

// diff-scope starts its diff beside the count that decides between -M and -C (read/git.ts): the
// diff's output is held until then, and either read whole or thrown away. What the reader sees
// must always be exactly one whole run of git, whatever happened while it was held.
describe('startHeldGit', () => {
  const repo = new ScratchRepo();
  const text = Array.from({ length: 20_000 }, (_, i) => `line ${i} of a file long enough to need several pipe reads`).join('\n') + '\n';
  repo.write('big.txt', text);
  repo.commit('one');
  const args = ['cat-file', 'blob', 'HEAD:big.txt'];

  function collector() {
    const chunks: Buffer[] = [];
    return { chunks, onStdout: (chunk: Buffer) => void chunks.push(chunk), text: () => Buffer.concat(chunks).toString('utf8') };
  }

  it('holds the output until keep(), then hands it over whole and in order', async () => {
    const out = collector();
    const held = startHeldGit(repo.dir, args, out.onStdout);
    // Long enough for git to have printed everything into the hold.
    await new Promise((r) => setTimeout(r, 300));
    expect(out.chunks).toHaveLength(0);
    await held.keep();
    expect(out.text()).toBe(text);
  });

  it('runs git again when the hold overflowed, so the output is one whole run, not a part twice', async () => {
    const out = collector();
    const held = startHeldGit(repo.dir, args, out.onStdout, { maxHeldBytes: 1000 });
    await new Promise((r) => setTimeout(r, 200));
    await held.keep();
    expect(out.text()).toBe(text);
  });

  it('drop() stops git and hands over nothing', async () => {
    const out = collector();
    const held = startHeldGit(repo.dir, args, out.onStdout);
    await held.drop();
    await new Promise((r) => setTimeout(r, 100));
    expect(out.chunks).toHaveLength(0);
  });

  it('keep() rejects with what the reader threw, and with git’s own failure', async () => {
    const held = startHeldGit(repo.dir, args, () => {
      throw new Error('reader refused');
    });
    await new Promise((r) => setTimeout(r, 200));
    await expect(held.keep()).rejects.toThrow('reader refused');
    const missing = startHeldGit(repo.dir, ['cat-file', 'blob', 'HEAD:no-such-file'], () => undefined);
    await expect(missing.keep()).rejects.toMatchObject({ code: 'E_GIT' });
  });

  it('keep() does not hand over the output of a run that failed already, and refuses a hold that is not a size', async () => {
    const out = collector();
    // rev-parse prints what it resolved before it fails on the next argument (exit 128).
    const held = startHeldGit(repo.dir, ['rev-parse', 'HEAD', 'no-such-ref'], out.onStdout);
    await new Promise((r) => setTimeout(r, 300));
    await expect(held.keep()).rejects.toMatchObject({ code: 'E_GIT' });
    expect(out.chunks).toHaveLength(0);
    expect(() => startHeldGit(repo.dir, args, out.onStdout, { maxHeldBytes: Number.NaN })).toThrow(/maxHeldBytes/);
  });

  it('keep() rejects when the caller’s signal aborted git', async () => {
    const abort = new AbortController();
    const held = startHeldGit(repo.dir, ['cat-file', '--batch'], () => undefined, { signal: abort.signal });
    abort.abort();
    await expect(held.keep()).rejects.toMatchObject({ code: 'E_GIT', message: 'git cat-file was aborted' });
  });
});
