import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { assertSafeRepoPath, gitShowFileBytes, revParse } from '../git/index.js';
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
  const commit = await revParse(workspace, baseRef);
  let bytes: Buffer | undefined;
  try {
    bytes = await gitShowFileBytes(workspace, commit, file, { maxBytes: MAX_POLICY_BYTES });
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
