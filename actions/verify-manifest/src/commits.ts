import { createGitHubClient } from '@agent-gates/action-kit';
import type { Logger } from '@agent-gates/core/gate';
import type { CommitVerification } from '@agent-gates/core/manifest';

/** GitHub lists at most 250 commits of a pull request, 100 a page. */
const PER_PAGE = 100;
const MAX_PAGES = 3;

/**
 * Every commit of the pull request with GitHub's verdict on its signature (`commit.verification`),
 * page by page through action-kit's Octokit. Core gets this as a callback and never sees the client.
 */
export function pullRequestCommitLister(options: {
  token: string;
  repository: string;
  pullNumber: number;
  baseUrl?: string;
  log?: Logger;
}): () => Promise<CommitVerification[]> {
  return async () => {
    const [owner, repo] = options.repository.split('/');
    const client = await createGitHubClient({
      token: options.token,
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    const commits: CommitVerification[] = [];
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const { data } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', {
        owner: owner ?? '',
        repo: repo ?? '',
        pull_number: options.pullNumber,
        per_page: PER_PAGE,
        page,
      });
      const items = data as { sha?: string; commit?: { verification?: { verified?: boolean; reason?: string } } }[];
      for (const item of items) {
        const verification = item.commit?.verification;
        commits.push({ sha: String(item.sha ?? ''), verified: verification?.verified === true, reason: String(verification?.reason ?? 'unknown') });
      }
      if (items.length < PER_PAGE) break;
    }
    return commits;
  };
}
