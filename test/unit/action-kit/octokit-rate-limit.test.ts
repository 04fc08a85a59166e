import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient, RateLimitError, rateLimitWait } from '@agent-gates/action-kit';

// GitHub's rate limits, mocked at the HTTP boundary: a loopback server, never api.github.com. Waits
// are recorded by an injected sleep, so the tests check what was honoured without waiting it out.
let calls: string[] = [];
let replies: Array<(res: ServerResponse) => void> = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  calls.push(`${req.method ?? ''} ${req.url ?? ''}`);
  const reply = replies.shift() ?? ((r: ServerResponse) => r.writeHead(404).end('{}'));
  reply(res);
});
let baseUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (res: ServerResponse) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
let waits: number[] = [];
let warnings: string[] = [];
const client = (rateLimit: { maxRetries?: number; maxWaitSeconds?: number } = {}) =>
  createGitHubClient({
    token: 't',
    baseUrl,
    log: { warning: (m) => warnings.push(m) },
    rateLimit: { ...rateLimit, now: () => NOW, sleep: (ms) => (waits.push(ms), Promise.resolve()) },
  });
const SECONDARY = { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' };

beforeEach(() => {
  calls = [];
  replies = [];
  waits = [];
  warnings = [];
});

describe('createGitHubClient: secondary rate limits', () => {
  it('retries a 403 whose message names the secondary rate limit, after the retry-after it gives', async () => {
    replies = [json(403, SECONDARY, { 'retry-after': '7' }), json(200, { ok: true })];
    const { data } = await (await client()).request('GET /repos/{owner}/{repo}/pulls/{n}/files', { owner: 'a', repo: 'b', n: 1 });
    expect(data).toEqual({ ok: true });
    expect(calls).toEqual(['GET /repos/a/b/pulls/1/files', 'GET /repos/a/b/pulls/1/files']);
    expect(waits).toEqual([7000]);
    expect(warnings.join('\n')).toMatch(/secondary rate limit on GET .*\(HTTP 403\); retrying in 7s/);
  });

  it('waits GitHub’s documented minute when a secondary limit gives no retry-after', async () => {
    replies = [json(403, SECONDARY), json(200, { ok: true })];
    await (await client()).request('GET /x');
    expect(waits).toEqual([60_000]);
  });

  it('retries a 429 that carries only a retry-after header (no message), honouring it', async () => {
    replies = [json(429, { message: 'Too Many Requests' }, { 'retry-after': '3' }), json(429, {}, { 'retry-after': '5' }), json(200, { ok: 1 })];
    const { data } = await (await client()).request('GET /x');
    expect(data).toEqual({ ok: 1 });
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([3000, 5000]);
  });

  it('waits a primary limit out until x-ratelimit-reset, one second past it', async () => {
    const reset = String(NOW / 1000 + 30);
    replies = [json(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), json(200, { ok: true })];
    await (await client()).request('GET /x');
    expect(waits).toEqual([31_000]);
    expect(warnings.join('\n')).toMatch(/rate limited on GET \/x/);
  });

  it('fails clearly, without waiting, when the wait asked for is over the cap', async () => {
    replies = [json(403, SECONDARY, { 'retry-after': '3600' })];
    const call = (await client({ maxWaitSeconds: 120 })).request('GET /x');
    await expect(call).rejects.toBeInstanceOf(RateLimitError);
    await expect(call).rejects.toThrow(/secondary rate limit on GET \/x asks to wait 3600s, more than the 120s this gate waits/);
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('fails clearly after the last retry when the limit persists', async () => {
    replies = Array.from({ length: 5 }, () => json(429, SECONDARY, { 'retry-after': '1' }));
    const call = (await client({ maxRetries: 2 })).request('GET /x');
    await expect(call).rejects.toThrow(/secondary rate limit on GET \/x refused the call 3 times \(HTTP 429\)/);
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([1000, 1000]);
  });

  it('does not retry a 403 that is not a rate limit', async () => {
    replies = [json(403, { message: 'Resource not accessible by integration' }), json(200, {})];
    await expect((await client()).request('GET /x')).rejects.toMatchObject({ status: 403 });
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});

describe('rateLimitWait', () => {
  const error = (status: number, headers: Record<string, string>, message = '') => ({ status, message, response: { headers, data: { message } } });
  it('reads retry-after as seconds or as an HTTP date', () => {
    expect(rateLimitWait(error(429, { 'retry-after': '12' }), NOW)).toEqual({ kind: 'secondary', seconds: 12 });
    expect(rateLimitWait(error(403, { 'retry-after': new Date(NOW + 9000).toUTCString() }), NOW)).toEqual({ kind: 'secondary', seconds: 9 });
  });
  it('ignores other statuses and a 403 with no rate-limit sign', () => {
    expect(rateLimitWait(error(500, { 'retry-after': '1' }), NOW)).toBeUndefined();
    expect(rateLimitWait(error(403, { 'x-ratelimit-remaining': '10', 'x-ratelimit-reset': '1' }), NOW)).toBeUndefined();
    expect(rateLimitWait(error(403, { 'x-ratelimit-remaining': '0' }), NOW)).toBeUndefined();
  });
});
