import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerTempDir } from './temp.js';

export interface GitRepo {
  dir: string;
  baseSha: string;
  headSha: string;
  /** Branch holding the change (`agent/change`), as GITHUB_HEAD_REF has it. */
  headRef: string;
  /** Branch the change targets (`main`), as GITHUB_BASE_REF has it. */
  baseRef: string;
}

export interface CreateGitRepoOptions {
  /** Files committed on `main`. Paths use `/`; parents are created. */
  base: Record<string, string>;
  /** Changes committed on `agent/change` on top of base; `null` deletes the file. Omitted: head = base. */
  head?: Record<string, string | null>;
  /** Parent folder for the repo (default: the OS temp dir). */
  parent?: string;
}

// Fixed identity and dates make SHAs a pure function of the content, so golden files
// may hold SHAs; the host's global/system git config (signing, hooks, templates) is
// kept out because it would make commits fail or differ from machine to machine.
const GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: process.env['HOME'] ?? tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'agent-gates test',
  GIT_AUTHOR_EMAIL: 'test@agent-gates.invalid',
  GIT_COMMITTER_NAME: 'agent-gates test',
  GIT_COMMITTER_EMAIL: 'test@agent-gates.invalid',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  LC_ALL: 'C',
};

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function writeTree(dir: string, files: Record<string, string | null>): void {
  for (const [rel, content] of Object.entries(files)) {
    if (path.isAbsolute(rel) || rel.split('/').includes('..')) throw new Error(`createGitRepo: path escapes the repo: ${rel}`);
    const file = path.join(dir, rel);
    if (content === null) {
      rmSync(file, { force: true });
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

export function createGitRepo(options: CreateGitRepoOptions): GitRepo {
  const dir = registerTempDir(mkdtempSync(path.join(options.parent ?? tmpdir(), 'agent-gates-repo-')));
  git(dir, 'init', '-q', '-b', 'main');
  // Local config too, because the action under test runs git with the runner's env, not GIT_ENV.
  git(dir, 'config', 'user.name', 'agent-gates test');
  git(dir, 'config', 'user.email', 'test@agent-gates.invalid');
  git(dir, 'config', 'commit.gpgsign', 'false');
  writeTree(dir, options.base);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'base');
  const baseSha = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-q', '-b', 'agent/change');
  if (options.head) {
    writeTree(dir, options.head);
    git(dir, 'add', '-A');
    // Later date keeps the head commit distinct from base even when nothing changed.
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'agent change'], {
      cwd: dir,
      env: { ...GIT_ENV, GIT_AUTHOR_DATE: '2026-01-01T00:05:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:05:00Z' },
      stdio: 'ignore',
    });
  }
  const headSha = git(dir, 'rev-parse', 'HEAD');
  return { dir, baseSha, headSha, headRef: 'agent/change', baseRef: 'main' };
}

/** Reads SHAs/refs from an existing repo so runAction can build a matching event for a workspace it did not create. */
export function describeGitRepo(dir: string): GitRepo | undefined {
  try {
    const headSha = git(dir, 'rev-parse', 'HEAD');
    let headRef = git(dir, 'rev-parse', '--abbrev-ref', 'HEAD');
    if (headRef === 'HEAD') headRef = 'agent/change';
    let baseSha = headSha;
    try {
      baseSha = git(dir, 'merge-base', 'main', 'HEAD');
    } catch {
      // No `main`: treat HEAD as its own base; the event still carries real SHAs.
    }
    return { dir, baseSha, headSha, headRef, baseRef: 'main' };
  } catch {
    return undefined;
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function merge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(patch)) {
    const cur = target[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) {
      merge(cur as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      target[k] = v;
    }
  }
  return target;
}

export const DEFAULT_REPOSITORY = 'acme/widgets';

/**
 * A `pull_request` payload shaped like the one GitHub sends for `opened`, trimmed to the fields
 * gates read. The title carries an @mention on purpose: every gate must neutralise it before
 * echoing PR text into a summary or comment.
 */
export function pullRequestEvent(
  repo: Pick<GitRepo, 'baseSha' | 'headSha' | 'headRef' | 'baseRef'>,
  overrides: Record<string, unknown> = {},
): Record<string, Json> {
  const [owner = 'acme', name = 'widgets'] = DEFAULT_REPOSITORY.split('/');
  const repository = {
    id: 123456789,
    node_id: 'R_kgDOtest',
    name,
    full_name: `${owner}/${name}`,
    private: false,
    owner: { login: owner, id: 1001, type: 'Organization' },
    html_url: `https://github.com/${owner}/${name}`,
    default_branch: repo.baseRef,
  };
  const bot = { login: 'agent-bot[bot]', id: 424242, type: 'Bot' };
  const event: Record<string, unknown> = {
    action: 'opened',
    number: 42,
    pull_request: {
      id: 2000000042,
      number: 42,
      state: 'open',
      draft: false,
      title: 'Refactor parser, cc @octocat',
      body: 'Generated by an agent. Ping @acme/maintainers if this breaks.',
      user: bot,
      html_url: `https://github.com/${owner}/${name}/pull/42`,
      head: { ref: repo.headRef, sha: repo.headSha, label: `${owner}:${repo.headRef}`, user: { login: owner }, repo: repository },
      base: { ref: repo.baseRef, sha: repo.baseSha, label: `${owner}:${repo.baseRef}`, user: { login: owner }, repo: repository },
      labels: [],
      author_association: 'NONE',
      merged: false,
      commits: 1,
      additions: 1,
      deletions: 0,
      changed_files: 1,
    },
    repository,
    organization: { login: owner, id: 1001 },
    sender: bot,
  };
  return merge(event, overrides) as Record<string, Json>;
}
