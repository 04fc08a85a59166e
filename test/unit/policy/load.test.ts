import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatError } from '@agent-gates/core';
import { fileAtCommit, gitShowFile, revParse } from '@agent-gates/core/git';
import { defaultPolicy, loadPolicy } from '@agent-gates/core/policy';

const STRICT = 'version: 1\nrouting:\n  auto-approve-threshold: 0.99\nscope:\n  max-files: 5\n';
const LOOSE = 'version: 1\nrouting:\n  auto-approve-threshold: 0.1\n  reject-threshold: 0\nscope:\n  max-files: 100000\n  protect-agent-instructions: false\n';

let repo: string;
let base: string;
let withoutPolicy: string;
let withSymlink: string;
let broken: string;
let big: string;

function git(...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).trim();
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  writeFileSync(path.join(repo, file), text);
}

/** A side branch off `base` whose only change is the policy text; returns its commit. */
function commitOnBranch(branch: string, policy: string): string {
  git('checkout', '-q', '-b', branch, base);
  write('.github/agent-gates.yml', policy);
  git('commit', '-q', '-am', branch);
  const sha = git('rev-parse', 'HEAD');
  git('checkout', '-q', 'main');
  return sha;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return formatError(error);
  }
  throw new Error('loadPolicy succeeded');
}

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'agent-gates-policy-'));
  git('init', '-q', '-b', 'main');
  git('config', 'commit.gpgsign', 'false');
  write('README.md', 'hello\n');
  git('add', '.');
  git('commit', '-q', '-m', 'no policy yet');
  withoutPolicy = git('rev-parse', 'HEAD');
  write('.github/agent-gates.yml', STRICT);
  git('add', '.');
  git('commit', '-q', '-m', 'strict policy');
  base = git('rev-parse', 'HEAD');
  symlinkSync('../README.md', path.join(repo, '.github/linked.yml'));
  git('add', '.');
  git('commit', '-q', '-m', 'symlinked policy');
  withSymlink = git('rev-parse', 'HEAD');
  broken = commitOnBranch('bad-base', 'version: 1\nscope:\n  max-files: lots\n');
  big = commitOnBranch('big-base', `version: 1\n# ${'x'.repeat(300 * 1024)}\n`);
  // The pull request's working tree: a looser policy, committed on the head and also left unstaged.
  git('checkout', '-q', '-b', 'agent/change');
  write('.github/agent-gates.yml', LOOSE);
  git('commit', '-q', '-am', 'loosen the rules');
  write('.github/agent-gates.yml', `${LOOSE}# even looser, not committed\n`);
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
});

describe('loadPolicy', () => {
  it('reads the policy from the base commit, not the looser one in the working tree', async () => {
    const loaded = await loadPolicy({ workspace: repo, baseRef: base });
    expect(loaded.source).toBe('file');
    expect(loaded.ref).toBe(base);
    expect(loaded.file).toBe('.github/agent-gates.yml');
    expect(loaded.policy.routing.autoApproveThreshold).toBe(0.99);
    expect(loaded.policy.scope.maxFiles).toBe(5);
    expect(loaded.policy.scope.protectAgentInstructions).toBe(true);
  });

  it('without a base commit reads the working tree (pushes, local runs)', async () => {
    const loaded = await loadPolicy({ workspace: repo });
    expect(loaded.ref).toBeUndefined();
    expect(loaded.policy.routing.autoApproveThreshold).toBe(0.1);
  });

  it('uses the defaults when the base commit has no policy, even though the change adds one', async () => {
    const loaded = await loadPolicy({ workspace: repo, baseRef: withoutPolicy });
    expect(loaded.source).toBe('default');
    expect(loaded.ref).toBe(withoutPolicy);
    expect(loaded.policy).toEqual(defaultPolicy().policy);
    expect(loaded.digest).toBe(defaultPolicy().digest);
  });

  it('uses the defaults when the working tree has no policy file', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'agent-gates-empty-'));
    try {
      expect((await loadPolicy({ workspace: empty })).source).toBe('default');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('protects a policy file kept at another path', async () => {
    const loaded = await loadPolicy({ workspace: repo, baseRef: withoutPolicy, path: 'config/gates.yml' });
    expect(loaded.policy.scope.protectedPaths).toContain('config/gates.yml');
    expect(loaded.policy.scope.protectedPaths).toContain('.github/agent-gates.yml');
  });

  it('accepts a branch name as the base and records the commit it resolved to', async () => {
    expect((await loadPolicy({ workspace: repo, baseRef: 'main' })).ref).toBe(withSymlink);
  });

  it("reads at the commit a full id names when it is not the commit itself (a tag), and refuses a tree's id", async () => {
    git('tag', '-a', '-m', 'strict', 'strict-tag', base);
    const tag = git('rev-parse', 'strict-tag');
    expect(tag).not.toBe(base);
    const viaTag = await loadPolicy({ workspace: repo, baseRef: tag });
    expect(viaTag.ref).toBe(base);
    expect(viaTag.policy.routing.autoApproveThreshold).toBe(0.99);
    const upper = await loadPolicy({ workspace: repo, baseRef: base.toUpperCase() });
    expect(upper.ref).toBe(base);
    expect(upper.policy.routing.autoApproveThreshold).toBe(0.99);
    const tree = git('rev-parse', `${base}^{tree}`);
    expect(await refusal(loadPolicy({ workspace: repo, baseRef: tree }))).toMatch(new RegExp(`^E_GIT: ${tree} is not a commit in `));
  });

  it('fails with E_GIT for an unknown commit, with a hint about shallow clones', async () => {
    const missing = 'f'.repeat(40);
    expect(await refusal(loadPolicy({ workspace: repo, baseRef: missing }))).toMatch(new RegExp(`^E_GIT: ${missing} is not a commit in .*fetch-depth: 0`));
  });

  it.each(['--output=/tmp/x', 'HEAD@{1}', 'a..b', 'main;id', ' '])('refuses the unsafe base ref %j with E_GIT', async (ref) => {
    expect(await refusal(loadPolicy({ workspace: repo, baseRef: ref }))).toMatch(/^E_GIT: /);
  });

  it.each(['/etc/passwd', '../x.yml', '.github/*.yml', ':(glob)**', '-x'])('refuses the policy path %j', async (file) => {
    expect(await refusal(loadPolicy({ workspace: repo, path: file }))).toMatch(/^E_POLICY: policy path /);
  });

  it('fails with E_GIT outside a git repository', async () => {
    const notRepo = mkdtempSync(path.join(tmpdir(), 'agent-gates-norepo-'));
    try {
      expect(await refusal(loadPolicy({ workspace: notRepo, baseRef: base }))).toMatch(/^E_GIT: /);
    } finally {
      rmSync(notRepo, { recursive: true, force: true });
    }
  });

  it('names the file and line when the base policy is invalid', async () => {
    expect(await refusal(loadPolicy({ workspace: repo, baseRef: broken }))).toBe(
      'E_POLICY: .github/agent-gates.yml:3:14 /scope/max-files must be a whole number, not the string "lots"',
    );
  });

  it('refuses a policy that is a symbolic link, in a commit or in the working tree', async () => {
    expect(await refusal(loadPolicy({ workspace: repo, baseRef: withSymlink, path: '.github/linked.yml' }))).toMatch(
      /^E_GIT: \.github\/linked\.yml at [0-9a-f]{40} is a symbolic link, not a regular file$/,
    );
    expect(await refusal(loadPolicy({ workspace: repo, path: '.github/linked.yml' }))).toBe(
      'E_POLICY: .github/linked.yml is a symbolic link; the policy must be a regular file',
    );
  });

  it('refuses an oversized policy at the base commit with E_TOO_LARGE', async () => {
    expect(await refusal(loadPolicy({ workspace: repo, baseRef: big }))).toMatch(
      /^E_TOO_LARGE: \.github\/agent-gates\.yml at [0-9a-f]{40} is larger than 262144 bytes/,
    );
  });
});

describe('git wrappers', () => {
  it('show a file as committed, and undefined for a path the commit lacks', async () => {
    expect(await gitShowFile(repo, base, '.github/agent-gates.yml')).toBe(STRICT);
    expect(await gitShowFile(repo, base, 'nope.txt')).toBeUndefined();
    expect(await gitShowFile(repo, withoutPolicy, '.github/agent-gates.yml')).toBeUndefined();
    // A folder is not a file.
    expect(await refusal(gitShowFile(repo, base, '.github'))).toMatch(/is a folder, not a regular file/);
  });

  it('resolve refs to full SHAs', async () => {
    expect(await revParse(repo, 'main')).toBe(withSymlink);
    expect(await revParse(repo, base.toUpperCase())).toBe(base);
    expect(await revParse(repo, 'main~1')).toBe(base);
  });

  it('cap what they read', async () => {
    expect(await refusal(gitShowFile(repo, base, '.github/agent-gates.yml', { maxBytes: 10 }))).toMatch(/^E_TOO_LARGE: /);
    // The size comes from the tree listing: the refusal names it before a byte of the blob is read.
    expect(await refusal(fileAtCommit(repo, base, '.github/agent-gates.yml', { maxBytes: 10 }))).toBe(
      `E_TOO_LARGE: .github/agent-gates.yml at ${base} is ${Buffer.byteLength(STRICT)} bytes, more than the 10 allowed`,
    );
  });

  it('read a verified commit in one step fewer, and refuse anything but a full SHA there', async () => {
    expect((await fileAtCommit(repo, base, '.github/agent-gates.yml'))?.toString('utf8')).toBe(STRICT);
    expect(await fileAtCommit(repo, base, 'nope.txt')).toBeUndefined();
    // A ref is for gitShowFile, which verifies it first; an unverified name here is a caller's bug.
    expect(await refusal(fileAtCommit(repo, 'main', '.github/agent-gates.yml'))).toMatch(/^E_GIT: fileAtCommit needs a verified commit SHA/);
    expect(await refusal(fileAtCommit(repo, base, '../outside'))).toMatch(/^E_GIT: /);
  });
});
