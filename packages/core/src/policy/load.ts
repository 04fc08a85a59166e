import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { assertSafeRepoPath, fileAtCommit, isFullSha, revParse } from '../git/index.js';
import { DEFAULT_POLICY_PATH, MAX_POLICY_BYTES, defaultPolicy } from './defaults.js';
import type { LoadedPolicy } from './types.js';

export interface LoadPolicyOptions {
  /** Root of the checked-out repository (GITHUB_WORKSPACE). */
  workspace: string;
  /** Repository-relative path of the policy file; `.github/agent-gates.yml` by default. */
  path?: string;
  /**
   * On pull requests, the base commit SHA. The policy is then read from that commit's object
   * database, never from the working tree, so the change being judged cannot loosen its own rules.
   */
  baseRef?: string;
}

/**
 * The YAML readers and the validator are imported on first use, not at start-up: most runs have no
 * policy file, and loading them cost every gate a noticeable share of its cold start. ncc puts
 * parse.ts and its dependencies in a separate chunk for this import.
 */
async function parsePolicyText(text: string, file: string, options: { policyPath?: string; ref?: string }): Promise<LoadedPolicy> {
  const parse = await import('./parse.js');
  return parse.parsePolicyText(text, file, options);
}

/**
 * Validates and defaults a policy file's text; `file` names it in every error message. Throws
 * ConfigError E_POLICY or E_TOO_LARGE. Asynchronous only because the validator loads on first use.
 */
export async function parsePolicy(text: string, file: string): Promise<LoadedPolicy> {
  return parsePolicyText(text, file, {});
}

function decode(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ConfigError('E_POLICY', `${file} is not valid UTF-8 text`, { cause: error });
  }
}

function checkPolicyPath(file: string): void {
  try {
    assertSafeRepoPath(file);
  } catch (error) {
    throw new ConfigError('E_POLICY', `policy path "${file}" must be a plain repository-relative path (no leading /, no .., no glob characters)`, {
      cause: error,
    });
  }
}

async function readFromCommit(workspace: string, baseRef: string, file: string): Promise<LoadedPolicy> {
  // A base given as a full commit id (a pull request's base SHA, the usual case) names the commit the
  // file is read at already: the read starts beside the check that it is a commit, not after it (one
  // git round trip less before any gate can start). Its result counts only once the check says the
  // id is the commit itself; the check's error comes first, and any other answer reads again.
  const given = isFullSha(baseRef) ? baseRef.toLowerCase() : undefined;
  const early = given === undefined ? undefined : fileAtCommit(workspace, given, file, { maxBytes: MAX_POLICY_BYTES });
  early?.catch(() => undefined);
  const commit = await revParse(workspace, baseRef);
  let bytes: Buffer | undefined;
  try {
    bytes = await (early !== undefined && commit === given ? early : fileAtCommit(workspace, commit, file, { maxBytes: MAX_POLICY_BYTES }));
  } catch (error) {
    if (error instanceof ConfigError && error.code === 'E_TOO_LARGE') {
      throw new ConfigError('E_TOO_LARGE', `${file} at ${commit} is larger than ${MAX_POLICY_BYTES} bytes (256 KiB), the most a policy file may be`, {
        cause: error,
      });
    }
    throw error;
  }
  // No policy at the base commit: the defaults judge the change, even if the change adds a policy.
  if (bytes === undefined) return defaultPolicy({ policyPath: file, ref: commit });
  return parsePolicyText(decode(bytes, file), file, { policyPath: file, ref: commit });
}

async function readFromWorkingTree(workspace: string, file: string): Promise<LoadedPolicy> {
  const absolute = path.join(workspace, file);
  let stats;
  try {
    stats = await lstat(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return defaultPolicy({ policyPath: file });
    }
    throw new ConfigError('E_POLICY', `${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  // A symlink could make the policy come from outside the repository, or from a file the change controls.
  if (stats.isSymbolicLink()) throw new ConfigError('E_POLICY', `${file} is a symbolic link; the policy must be a regular file`);
  if (!stats.isFile()) throw new ConfigError('E_POLICY', `${file} is not a regular file`);
  if (stats.size > MAX_POLICY_BYTES) {
    throw new ConfigError('E_TOO_LARGE', `${file} is ${stats.size} bytes; a policy file may be at most ${MAX_POLICY_BYTES} bytes (256 KiB)`);
  }
  const bytes = await readFile(absolute);
  return parsePolicyText(decode(bytes, file), file, { policyPath: file });
}

/**
 * Loads the policy for a run. With `baseRef` (pull requests) the file comes from that commit; a
 * missing file there means the defaults. Without it (pushes, schedules, local runs) it comes from the
 * working tree. Throws ConfigError E_POLICY, E_TOO_LARGE or E_GIT.
 */
export async function loadPolicy(options: LoadPolicyOptions): Promise<LoadedPolicy> {
  const file = options.path ?? DEFAULT_POLICY_PATH;
  checkPolicyPath(file);
  if (options.baseRef !== undefined) {
    if (options.baseRef.trim() === '') {
      // An empty base SHA is a workflow bug (wrong expression); reading the working tree instead would
      // let the pull request choose its own rules.
      throw new ConfigError('E_GIT', 'the base ref is empty: pass the pull request base SHA');
    }
    return readFromCommit(options.workspace, options.baseRef.trim(), file);
  }
  return readFromWorkingTree(options.workspace, file);
}

/** A pull request as the policy base needs it; action-kit fetches it from the REST API when the event lacks it. */
export interface PullRequestRef {
  number: number;
  baseSha: string;
  headSha: string;
}

export interface PolicyBase {
  /** The commit to read the policy at; absent when the working tree is the policy's source. */
  baseRef?: string;
  /** The pull request the run judges, when the event belongs to one. */
  pullRequest?: PullRequestRef;
  /** Where the base came from, for the log. */
  origin: string;
  /** The base is the run's own commit (GITHUB_SHA), not a change's base. */
  atTrigger?: boolean;
}

export interface ResolvePolicyBaseOptions {
  /** Looks a pull request up by number (REST `GET /repos/{owner}/{repo}/pulls/{n}`); core cannot call the API itself. */
  fetchPullRequest?: (number: number) => Promise<PullRequestRef>;
  /**
   * What to do when the event belongs to a change but its base cannot be found: `fail` (the
   * default) refuses to run, because the working tree then holds the change's own policy;
   * `working-tree` reads it anyway, for callers that know the checkout is trusted.
   */
  missingBase?: 'fail' | 'working-tree';
  /**
   * The commit the run started on (GITHUB_SHA). Events that carry no change of their own read the
   * policy there, from git, not from the working tree: a step before the gate (an agent in the same
   * job) may have edited the tree. Without it (outside a runner) they read the working tree.
   */
  triggerSha?: string;
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const isSha = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(value);

/**
 * Which commit the policy is read at, for any event. A change must never be judged by the policy
 * it brings, so every event that carries a change resolves to that change's base: `pull_request*`
 * from the payload, `issue_comment` on a pull request (claude-code-action's `@claude` trigger)
 * through the API, `merge_group` from `merge_group.base_sha`, `push` from the commit before the
 * push (`before`; a push that creates a branch has none). Other events (schedule, workflow_dispatch,
 * workflow_run, a comment on a plain issue) carry no change, but an agent may run in the same job
 * before the gate and edit the working tree: they read the commit the run started on (`triggerSha`),
 * from git. Throws ConfigError E_POLICY when a change's base cannot be found.
 */
export async function resolvePolicyBase(eventName: string, payload: unknown, options: ResolvePolicyBaseOptions = {}): Promise<PolicyBase> {
  const event = record(payload) ?? {};
  const missing = (why: string): PolicyBase => {
    if (options.missingBase === 'working-tree') return { origin: `working tree (${why})` };
    throw new ConfigError(
      'E_POLICY',
      `${why}: the policy cannot be read from the change's base, and reading it from the checkout would let the change choose its own rules`,
    );
  };
  if (eventName.startsWith('pull_request')) {
    const pr = record(event.pull_request);
    const base = record(pr?.base);
    const head = record(pr?.head);
    if (!pr || typeof pr.number !== 'number' || !isSha(base?.sha) || !isSha(head?.sha)) return missing(`the ${eventName} event has no pull_request.base.sha`);
    return { baseRef: base.sha, pullRequest: { number: pr.number, baseSha: base.sha, headSha: head.sha }, origin: `base of pull request #${pr.number}` };
  }
  if (eventName === 'merge_group') {
    const group = record(event.merge_group);
    if (!isSha(group?.base_sha)) return missing('the merge_group event has no merge_group.base_sha');
    return { baseRef: group.base_sha, origin: 'base of the merge group' };
  }
  if (eventName === 'issue_comment') {
    const issue = record(event.issue);
    // Only a comment on a pull request carries a change; a comment on a plain issue does not.
    if (!issue || issue.pull_request === undefined || issue.pull_request === null) return atTrigger('comment on an issue');
    if (typeof issue.number !== 'number') return missing('the issue_comment event has no issue.number');
    if (!options.fetchPullRequest) return missing(`the base of pull request #${issue.number} needs the GitHub API, and no GitHub token was given`);
    let pr: PullRequestRef;
    try {
      pr = await options.fetchPullRequest(issue.number);
    } catch (error) {
      return missing(
        `the base of pull request #${issue.number} could not be read from the GitHub API (${error instanceof Error ? error.message : String(error)}; the token needs pull-requests: read)`,
      );
    }
    if (!isSha(pr.baseSha)) return missing(`the GitHub API returned no base SHA for pull request #${issue.number}`);
    return { baseRef: pr.baseSha, pullRequest: pr, origin: `base of pull request #${issue.number} (from the API)` };
  }
  if (eventName === 'push') {
    // The pushed commits are the change (an agent's branch, say): their own policy must not judge them.
    if (isSha(event.before) && !/^0+$/.test(event.before)) return { baseRef: event.before.toLowerCase(), origin: 'the commit before the push' };
    return missing('the push event has no commit before it (it created the branch or tag)');
  }
  return atTrigger(eventName || 'this event');

  function atTrigger(what: string): PolicyBase {
    const sha = options.triggerSha;
    if (sha === undefined || sha === '') return { origin: `working tree (${what})` };
    if (!isSha(sha)) return missing(`the commit the run started on ("${String(sha).slice(0, 80)}") is not a SHA`);
    return { baseRef: sha.toLowerCase(), origin: `the commit the run started on (${what})`, atTrigger: true };
  }
}
