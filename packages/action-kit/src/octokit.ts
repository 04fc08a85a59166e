import type { Octokit as OctokitCore } from '@octokit/core';

export type GitHubClient = OctokitCore;

/**
 * An Octokit that retries transient failures and waits out rate limits instead of failing a gate.
 * Loaded lazily: most gates never call the API on the fast path.
 */
export async function createGitHubClient(options: { token: string; baseUrl?: string; log?: { warning(message: string): void } }): Promise<GitHubClient> {
  const [{ Octokit }, { retry }, { throttling }] = await Promise.all([
    import('@octokit/core'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ]);
  const Client = Octokit.plugin(retry, throttling);
  const warn = (message: string) => options.log?.warning(message);
  return new Client({
    auth: options.token,
    baseUrl: options.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com',
    userAgent: 'agent-gates',
    throttle: {
      onRateLimit: (retryAfter: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
        warn(`rate limited on ${request.method} ${request.url}; retrying in ${retryAfter}s`);
        return retryCount < 2;
      },
      onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }) => {
        warn(`secondary rate limit on ${request.method} ${request.url}; retry after ${retryAfter}s not attempted`);
        return false;
      },
    },
    retry: { doNotRetry: [400, 401, 403, 404, 422, 451] },
  });
}
