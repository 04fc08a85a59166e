import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '@agent-gates/action-kit';

// The REST API is mocked at the HTTP boundary: a loopback server, never api.github.com.
let calls: Array<{ method: string; url: string; auth: string | undefined }> = [];
let replies: Array<(res: ServerResponse) => void> = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  calls.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization });
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

describe('createGitHubClient', () => {
  it('authenticates, and retries a transient server error instead of failing the gate', async () => {
    calls = [];
    replies = [json(502, { message: 'bad gateway' }), json(200, { full_name: 'acme/widgets' })];
    const client = await createGitHubClient({ token: 'test-token', baseUrl });
    const { data } = await client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'widgets' });
    expect(data).toEqual({ full_name: 'acme/widgets' });
    expect(calls.map((c) => c.url)).toEqual(['/repos/acme/widgets', '/repos/acme/widgets']);
    expect(calls[0]!.auth).toBe('token test-token');
  });

  it('does not retry a client error', async () => {
    calls = [];
    replies = [json(404, { message: 'Not Found' })];
    const client = await createGitHubClient({ token: 't', baseUrl });
    await expect(client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'gone' })).rejects.toMatchObject({ status: 404 });
    expect(calls).toHaveLength(1);
  });

  it('waits out a primary rate limit once, then succeeds', async () => {
    calls = [];
    const reset = String(Math.floor(Date.now() / 1000));
    const warnings: string[] = [];
    replies = [json(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), json(200, { ok: true })];
    const client = await createGitHubClient({ token: 't', baseUrl, log: { warning: (m) => warnings.push(m) } });
    const { data } = await client.request('GET /rate-limited');
    expect(data).toEqual({ ok: true });
    expect(calls).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/rate limited on GET/);
  });
});
