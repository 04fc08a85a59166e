import type { Octokit as OctokitCore } from '@octokit/core';

export type GitHubClient = OctokitCore;

/** How long and how often the client waits out a rate limit before it fails the call. */
export interface RateLimitOptions {
  /** Retries after a rate-limited reply (default 3); then the call fails with a RateLimitError. */
  maxRetries?: number;
  /** Longest wait honoured, in seconds (default 120); a reply asking for longer fails at once rather than hold the runner. */
  maxWaitSeconds?: number;
  /** Waits `ms` milliseconds (tests pass a recorder instead of a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** The clock `x-ratelimit-reset` is compared with (default Date.now). */
  now?: () => number;
}

/** A call GitHub kept refusing with a rate limit, or asked to wait longer than the cap for. */
export class RateLimitError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly waitSeconds: number,
  ) {
    super(message);
    this.name = 'RateLimitError';
  }
}

interface HttpError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, unknown>; data?: unknown };
}

/** GitHub's documented fallback when a secondary limit names no `retry-after`: wait at least a minute. */
const SECONDARY_FALLBACK_SECONDS = 60;

function header(error: HttpError, name: string): string | undefined {
  const value = error.response?.headers?.[name];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function bodyMessage(error: HttpError): string {
  const data = error.response?.data;
  const fromBody =
    data !== null && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string' ? (data as { message: string }).message : '';
  return `${error.message ?? ''} ${fromBody}`;
}

/** `retry-after` as seconds: a number of seconds or an HTTP date. */
function retryAfterSeconds(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Whether a failed call is a rate limit GitHub asks to retry, and after how many seconds: a 403 or 429
 * whose message names the secondary rate limit or that carries `retry-after`, or one with
 * `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (the primary limit, waited out until the reset).
 */
export function rateLimitWait(error: unknown, now: number): { kind: 'secondary' | 'primary'; seconds: number } | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as HttpError;
  if (e.status !== 403 && e.status !== 429) return undefined;
  const retryAfter = retryAfterSeconds(header(e, 'retry-after'), now);
  if (/secondary rate limit/i.test(bodyMessage(e)) || retryAfter !== undefined) {
    return { kind: 'secondary', seconds: retryAfter ?? SECONDARY_FALLBACK_SECONDS };
  }
  const reset = Number(header(e, 'x-ratelimit-reset'));
  if (header(e, 'x-ratelimit-remaining') === '0' && Number.isFinite(reset) && reset > 0) {
    // One second past the reset, as GitHub's docs say, so the retry lands after it.
    return { kind: 'primary', seconds: Math.max(0, Math.ceil(reset - now / 1000) + 1) };
  }
  return undefined;
}

/**
 * An Octokit that retries transient failures (5xx) and waits out rate limits, primary and secondary,
 * instead of failing a gate: the wait GitHub asks for is honoured up to `maxWaitSeconds`, at most
 * `maxRetries` times, and then the call fails with a RateLimitError that says which limit and for how
 * long. Loaded lazily: most gates never call the API on the fast path.
 */
export async function createGitHubClient(options: {
  token: string;
  baseUrl?: string;
  log?: { warning(message: string): void };
  rateLimit?: RateLimitOptions;
}): Promise<GitHubClient> {
  const [{ Octokit }, { retry }, { throttling }] = await Promise.all([
    import('@octokit/core'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ]);
  const Client = Octokit.plugin(retry, throttling);
  const warn = (message: string) => options.log?.warning(message);
  const maxRetries = options.rateLimit?.maxRetries ?? 3;
  const maxWait = options.rateLimit?.maxWaitSeconds ?? 120;
  const sleep = options.rateLimit?.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.rateLimit?.now ?? Date.now;
  const client = new Client({
    auth: options.token,
    baseUrl: options.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com',
    userAgent: 'agent-gates',
    // The throttling plugin paces requests; its own rate-limit retries are off (it would wait out a reset
    // an hour away, and misses a secondary limit that says so only in its headers): the hook below decides.
    throttle: {
      onRateLimit: () => false,
      onSecondaryRateLimit: () => false,
    },
    // 403 and 429 are rate limits (or refusals) for the hook below, never blind retries.
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
  });
  client.hook.wrap('request', async (request, requestOptions) => {
    const route = `${requestOptions.method} ${requestOptions.url}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const wait = rateLimitWait(error, now());
        if (!wait) throw error;
        const status = (error as HttpError).status ?? 0;
        const limit = wait.kind === 'secondary' ? 'secondary rate limit' : 'rate limit';
        if (wait.seconds > maxWait) {
          throw new RateLimitError(
            `GitHub's ${limit} on ${route} asks to wait ${wait.seconds}s, more than the ${maxWait}s this gate waits: re-run the job later`,
            status,
            wait.seconds,
          );
        }
        if (attempt >= maxRetries) {
          throw new RateLimitError(
            `GitHub's ${limit} on ${route} refused the call ${attempt + 1} times (HTTP ${status}), after waiting as asked each time: re-run the job later`,
            status,
            wait.seconds,
          );
        }
        warn(
          `${wait.kind === 'secondary' ? 'secondary rate limit' : 'rate limited'} on ${route} (HTTP ${status}); retrying in ${wait.seconds}s, attempt ${attempt + 2} of ${maxRetries + 1}`,
        );
        await sleep(wait.seconds * 1000);
      }
    }
  });
  return client;
}
