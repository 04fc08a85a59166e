import { afterEach, describe, expect, it } from 'vitest';
import { GIT_MALLOC_TUNABLES, gitEnv, runGit, streamGit } from '@agent-gates/core/git';
import { ScratchRepo } from './repo.js';

// git runs with glibc malloc tuned for the many small blocks a large diff allocates, unless the
// environment already chose its own tunables; the tuning may change how fast git is, never what it prints.
describe('the environment git runs with', () => {
  const saved = process.env.GLIBC_TUNABLES;
  afterEach(() => {
    if (saved === undefined) delete process.env.GLIBC_TUNABLES;
    else process.env.GLIBC_TUNABLES = saved;
  });

  it("tunes git's malloc when the environment does not", () => {
    delete process.env.GLIBC_TUNABLES;
    const env = gitEnv();
    expect(env.GLIBC_TUNABLES).toBe(GIT_MALLOC_TUNABLES);
    expect(env.LC_ALL).toBe('C');
    expect(env.GIT_TERMINAL_PROMPT).toBe('0');
  });

  it("keeps the environment's own tunables, and a caller's extra variables win", () => {
    process.env.GLIBC_TUNABLES = 'glibc.malloc.arena_max=2';
    expect(gitEnv().GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2');
    expect(gitEnv({ GLIBC_TUNABLES: '' }).GLIBC_TUNABLES).toBe('');
  });

  it('reaches the git process, whose diff is the same bytes with and without it', async () => {
    delete process.env.GLIBC_TUNABLES;
    const repo = new ScratchRepo();
    repo.write('a.txt', Array.from({ length: 3000 }, (_, i) => `line ${i}`).join('\n'));
    const base = repo.commit('base');
    repo.write('a.txt', Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? `changed ${i}` : `line ${i}`)).join('\n'));
    repo.write('b.txt', 'new file\n');
    const head = repo.commit('head');

    const { stdout } = await runGit(repo.dir, ['-c', 'alias.show-env=!env', 'show-env']);
    expect(stdout.toString('utf8').split('\n')).toContain(`GLIBC_TUNABLES=${GIT_MALLOC_TUNABLES}`);

    const read = async (env?: NodeJS.ProcessEnv) => {
      const chunks: Buffer[] = [];
      await streamGit(repo.dir, ['diff', '--raw', '-p', '-U0', '-z', '-M', '--full-index', base, head], (chunk) => void chunks.push(Buffer.from(chunk)), {
        env,
      });
      return Buffer.concat(chunks);
    };
    const tuned = await read();
    const plain = await read({ GLIBC_TUNABLES: '' });
    expect(tuned.length).toBeGreaterThan(1000);
    expect(tuned.equals(plain)).toBe(true);
  });
});
