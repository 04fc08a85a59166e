import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentReader, createGitHubClient, getPullInfo, listPullFiles } from '@agent-gates/action-kit';
import { readApiChanges } from '@agent-gates/core/diff/read';

// The REST API is mocked at the HTTP boundary: a loopback server, never api.github.com, never a stubbed Octokit.
type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;
let calls: string[] = [];
let handler: Handler = (_req, res) => res.writeHead(404).end('{}');
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  calls.push(`${req.method} ${url.pathname}${url.search}`);
  handler(req, res, url);
});
let baseUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const ref = { owner: 'acme', repo: 'widgets', pullNumber: 7 };

function listing(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    filename: `src/f${i}.ts`,
    status: 'added',
    additions: 1,
    deletions: 0,
    changes: 1,
    patch: '@@ -0,0 +1 @@\n+export const x = 1;',
    sha: 'c'.repeat(40),
  }));
}

describe('listPullFiles', () => {
  it('pages through the listing 100 at a time, retrying a transient server error, and stops at a short page', async () => {
    calls = [];
    const all = listing(250);
    let failedOnce = false;
    handler = (_req, res, url) => {
      const page = Number(url.searchParams.get('page'));
      if (page === 2 && !failedOnce) {
        failedOnce = true;
        json(res, 502, { message: 'bad gateway' });
        return;
      }
      json(res, 200, all.slice((page - 1) * 100, page * 100));
    };
    const client = await createGitHubClient({ token: 't', baseUrl });
    const pages: number[] = [];
    for await (const page of listPullFiles(client, ref)) pages.push(page.length);
    expect(pages).toEqual([100, 100, 50]);
    expect(calls).toEqual([
      'GET /repos/acme/widgets/pulls/7/files?per_page=100&page=1',
      'GET /repos/acme/widgets/pulls/7/files?per_page=100&page=2',
      'GET /repos/acme/widgets/pulls/7/files?per_page=100&page=2',
      'GET /repos/acme/widgets/pulls/7/files?per_page=100&page=3',
    ]);
  });

  it('stops at GitHub’s 30 pages, and the reader then reports the listing incomplete', async () => {
    calls = [];
    handler = (_req, res) => json(res, 200, listing(100));
    const client = await createGitHubClient({ token: 't', baseUrl });
    const { changes } = await readApiChanges({
      pull: { number: 7, baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40), changedFiles: 4200, additions: 4200, deletions: 0 },
      files: listPullFiles(client, ref),
    });
    expect(calls).toHaveLength(30);
    expect(changes.files).toHaveLength(3000);
    expect(changes.complete).toBe(false);
  });

  it('throws when a page fails for good, instead of yielding a listing with a hole', async () => {
    handler = (_req, res, url) => (url.searchParams.get('page') === '1' ? json(res, 200, listing(100)) : json(res, 404, { message: 'Not Found' }));
    const client = await createGitHubClient({ token: 't', baseUrl });
    const read = readApiChanges({
      pull: { number: 7, baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40), changedFiles: 150, additions: 150, deletions: 0 },
      files: listPullFiles(client, ref),
    });
    await expect(read).rejects.toMatchObject({ status: 404 });
  });
});

describe('getPullInfo', () => {
  it('reads SHAs, counts, title, branch, commit messages and the merge base', async () => {
    calls = [];
    handler = (_req, res, url) => {
      if (url.pathname === '/repos/acme/widgets/pulls/7') {
        json(res, 200, {
          number: 7,
          title: 'Fix OPS-1',
          body: null,
          changed_files: 2,
          additions: 3,
          deletions: 1,
          base: { sha: 'a'.repeat(40), ref: 'main' },
          head: { sha: 'b'.repeat(40), ref: 'agent/fix' },
        });
      } else if (url.pathname.endsWith('/commits')) json(res, 200, [{ commit: { message: 'first' } }, { commit: { message: 'second' } }]);
      else if (url.pathname.startsWith('/repos/acme/widgets/compare/')) json(res, 200, { merge_base_commit: { sha: 'e'.repeat(40) } });
      else json(res, 404, {});
    };
    const client = await createGitHubClient({ token: 't', baseUrl });
    expect(await getPullInfo(client, ref)).toEqual({
      number: 7,
      baseSha: 'a'.repeat(40),
      headSha: 'b'.repeat(40),
      changedFiles: 2,
      additions: 3,
      deletions: 1,
      title: 'Fix OPS-1',
      headRef: 'agent/fix',
      mergeBaseSha: 'e'.repeat(40),
      messages: ['first', 'second'],
    });
    expect(calls).toContain(`GET /repos/acme/widgets/compare/${'a'.repeat(40)}...${'b'.repeat(40)}?per_page=1`);
  });
});

describe('createContentReader', () => {
  it('reads raw bytes at a ref, escapes each path segment, and gives undefined for a missing file', async () => {
    calls = [];
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    let accept = '';
    handler = (req, res, url) => {
      accept = String(req.headers.accept);
      if (url.pathname === '/repos/acme/widgets/contents/dir%20x/a%3Fb%23c%25.png')
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
      else json(res, 404, { message: 'Not Found' });
    };
    const client = await createGitHubClient({ token: 't', baseUrl });
    const read = createContentReader(client, { owner: 'acme', repo: 'widgets' });
    expect(await read('b'.repeat(40), 'dir x/a?b#c%.png')).toEqual(bytes);
    expect(accept).toBe('application/vnd.github.raw');
    expect(calls[0]).toBe(`GET /repos/acme/widgets/contents/dir%20x/a%3Fb%23c%25.png?ref=${'b'.repeat(40)}`);
    expect(await read('b'.repeat(40), 'missing.txt')).toBeUndefined();
  });

  it('refuses a file larger than the limit', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(2048, 1));
    const client = await createGitHubClient({ token: 't', baseUrl });
    const read = createContentReader(client, { owner: 'acme', repo: 'widgets' }, { maxBytes: 1024 });
    await expect(read('b'.repeat(40), 'big.bin')).rejects.toMatchObject({ code: 'E_TOO_LARGE' });
  });
});
