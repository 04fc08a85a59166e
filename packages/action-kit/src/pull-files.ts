import { ConfigError } from '@agent-gates/core';
import type { PullRequestApi } from '@agent-gates/core/diff';
import type { PullFile, PullInfo } from '@agent-gates/core/diff/read';
import { createGitHubClient, type GitHubClient } from './octokit.js';

/**
 * The REST side of diff-scope's API mode: the pull request, its file listing page by page, and a
 * content reader, all through the retrying Octokit. Core judges what these return; nothing here
 * decides whether the listing is whole (core's readApiChanges does, from the counts).
 */

export interface PullRef {
  owner: string;
  repo: string;
  pullNumber: number;
}

/** GitHub serves at most 3,000 files of a pull request: 30 pages of 100. */
const PER_PAGE = 100;
const MAX_PAGES = 30;
const MAX_COMMIT_PAGES = 3;

/** The pull request's SHAs, counts, text and commit messages, and the merge base of base and head. */
export async function getPullInfo(client: GitHubClient, ref: PullRef): Promise<PullInfo> {
  const { data: pull } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
    owner: ref.owner,
    repo: ref.repo,
    pull_number: ref.pullNumber,
  });
  const messages: string[] = [];
  for (let page = 1; page <= MAX_COMMIT_PAGES; page++) {
    const { data: commits } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.pullNumber,
      per_page: PER_PAGE,
      page,
    });
    messages.push(...commits.map((commit) => commit.commit.message));
    if (commits.length < PER_PAGE) break;
  }
  const { data: compare } = await client.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
    owner: ref.owner,
    repo: ref.repo,
    basehead: `${pull.base.sha}...${pull.head.sha}`,
    per_page: 1,
  });
  return {
    number: pull.number,
    baseSha: pull.base.sha,
    headSha: pull.head.sha,
    changedFiles: pull.changed_files,
    additions: pull.additions,
    deletions: pull.deletions,
    title: pull.title,
    ...(pull.body ? { body: pull.body } : {}),
    headRef: pull.head.ref,
    ...(compare.merge_base_commit?.sha ? { mergeBaseSha: compare.merge_base_commit.sha } : {}),
    messages,
  };
}

/**
 * The pull request's files, one page (up to 100) at a time, until a short page or GitHub's 30-page
 * cap. A failed page (after the client's retries) throws: a listing with a hole is never yielded as
 * if whole.
 */
export async function* listPullFiles(client: GitHubClient, ref: PullRef): AsyncGenerator<PullFile[]> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.pullNumber,
      per_page: PER_PAGE,
      page,
    });
    if (!Array.isArray(data)) throw new ConfigError('E_FORMAT', `the pull request files listing (page ${page}) is not a list`);
    if (data.length > 0) yield data;
    if (data.length < PER_PAGE) return;
  }
}

/**
 * Reads a file's bytes at a commit through the contents API (raw media type, so binary files come
 * back byte for byte); undefined when the path does not exist there. Larger than `maxBytes`: E_TOO_LARGE.
 */
export function createContentReader(
  client: GitHubClient,
  repo: { owner: string; repo: string },
  options: { maxBytes?: number } = {},
): (ref: string, path: string) => Promise<Buffer | undefined> {
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  return async (ref, file) => {
    // Each segment is escaped on its own: a name holding `?`, `#` or `%` must stay part of the path.
    const encoded = file.split('/').map(encodeURIComponent).join('/');
    try {
      const response = await client.request(`GET /repos/{owner}/{repo}/contents/${encoded}`, {
        owner: repo.owner,
        repo: repo.repo,
        ref,
        headers: { accept: 'application/vnd.github.raw' },
        request: { parseSuccessResponseBody: false },
      });
      return await readBody(response.data as unknown, maxBytes, file);
    } catch (error) {
      if ((error as { status?: unknown }).status === 404) return undefined;
      throw error;
    }
  };
}

async function readBody(body: unknown, maxBytes: number, file: string): Promise<Buffer> {
  const tooLarge = () => new ConfigError('E_TOO_LARGE', `${file} is larger than the ${maxBytes} bytes a rule may read`);
  if (typeof body === 'string') return checked(Buffer.from(body, 'utf8'), maxBytes, tooLarge);
  if (body instanceof ArrayBuffer) return checked(Buffer.from(body), maxBytes, tooLarge);
  if (body instanceof Uint8Array) return checked(Buffer.from(body), maxBytes, tooLarge);
  if (body && typeof (body as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(Buffer.from(value));
    }
    return Buffer.concat(chunks, size);
  }
  throw new ConfigError('E_FORMAT', `the contents API returned no file body for ${file}`);
}

function checked(data: Buffer, maxBytes: number, tooLarge: () => Error): Buffer {
  if (data.length > maxBytes) throw tooLarge();
  return data;
}

/**
 * The pull request through the REST API as diff-scope's core reads it (`PullRequestApi`), or undefined
 * without a token or a pull request. The client is made on the first call only: auto mode with the
 * commits present never needs it.
 */
export function pullRequestApi(options: {
  token: string | undefined;
  /** `owner/repo`, as GITHUB_REPOSITORY gives it. */
  repository: string;
  pullNumber: number | undefined;
  log?: { warning(message: string): void };
}): PullRequestApi | undefined {
  const { token, pullNumber } = options;
  if (!token || pullNumber === undefined) return undefined;
  const [owner = '', repo = ''] = options.repository.split('/');
  let client: Promise<GitHubClient> | undefined;
  const github = () => (client ??= createGitHubClient({ token, ...(options.log ? { log: options.log } : {}) }));
  const ref = { owner, repo, pullNumber };
  let reader: ((commit: string, file: string) => Promise<Buffer | undefined>) | undefined;
  return {
    pull: async () => getPullInfo(await github(), ref),
    files: async () => listPullFiles(await github(), ref),
    readContent: async (commit: string, file: string) => (reader ??= createContentReader(await github(), { owner, repo }))(commit, file),
  };
}
