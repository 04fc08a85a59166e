import { setTimeout as sleep } from 'node:timers/promises';

/** How hard an HTTP sink tries before an event goes to the spool. */
export interface RetryOptions {
  /** Attempts per request, the first included (default 5). */
  maxAttempts?: number;
  /** First backoff in ms (default 500); doubled each attempt, with full jitter. */
  baseDelayMs?: number;
  /** Longest single wait in ms (default 30 s); a `Retry-After` beyond it sends the event to the spool. */
  maxDelayMs?: number;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Time for the whole delivery in ms (default 5 min); what is left then goes to the spool. */
  budgetMs?: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
}

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

export interface HttpResult {
  ok: boolean;
  /** Last HTTP status, or 0 when no response came. */
  status: number;
  attempts: number;
  error?: string;
}

/** Statuses worth another try: the server is busy or a proxy in front of it failed. */
const RETRYABLE = new Set([429, 502, 503, 504]);

/** Milliseconds a `Retry-After` header asks for (delta-seconds or an HTTP date), or undefined. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * POSTs once per attempt until a 2xx (or 409: the receiver already has this idempotency key);
 * retries connection errors, timeouts, a body cut short, and 429/502/503/504, waiting as
 * `Retry-After` says or with exponential backoff and full jitter; never retries another 4xx.
 * The response body is read in full: a reply reset half-way is not taken as delivered.
 */
export async function postWithRetry(request: HttpRequest, options: RetryOptions & { deadline?: number; fetch?: typeof fetch } = {}): Promise<HttpResult> {
  const maxAttempts = options.maxAttempts ?? 5;
  const base = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const timeout = options.timeoutMs ?? 30_000;
  const deadline = options.deadline ?? Date.now() + (options.budgetMs ?? 300_000);
  const doFetch = options.fetch ?? fetch;
  let status = 0;
  let error: string | undefined;
  for (let attempt = 1; ; attempt++) {
    let wait: number | undefined;
    try {
      const response = await doFetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(Math.max(1, Math.min(timeout, deadline - Date.now()))),
        redirect: 'error',
      });
      status = response.status;
      await response.arrayBuffer();
      if ((status >= 200 && status < 300) || status === 409) return { ok: true, status, attempts: attempt };
      error = `HTTP ${status}`;
      if (!RETRYABLE.has(status)) return { ok: false, status, attempts: attempt, error };
      wait = retryAfterMs(response.headers.get('retry-after'));
      if (wait !== undefined && wait > maxDelay)
        return { ok: false, status, attempts: attempt, error: `${error}, Retry-After ${Math.round(wait / 1000)} s is longer than the sink waits` };
    } catch (thrown) {
      const cause = (thrown as { cause?: { code?: string; message?: string } }).cause;
      error = cause?.code ?? cause?.message ?? (thrown as Error).name ?? String(thrown);
      status = 0;
    }
    if (attempt >= maxAttempts) return { ok: false, status, attempts: attempt, ...(error ? { error } : {}) };
    const delay = wait ?? Math.random() * Math.min(maxDelay, base * 2 ** (attempt - 1));
    if (Date.now() + delay >= deadline) return { ok: false, status, attempts: attempt, error: `${error ?? 'failed'}; out of time` };
    await sleep(delay);
  }
}

/** Runs `work` over items with at most `limit` in flight. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(workers);
}
