import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * The part of the GitHub REST API the router writes to, as a small in-memory state machine: labels,
 * issue comments, requested reviewers, reviews, commit statuses and a pull request head that can
 * move. Served over loopback HTTP (GITHUB_API_URL) for the action-kit client and the bundle; faults
 * (5xx, secondary rate limits with Retry-After, read-only tokens) are injected per request.
 */

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Call {
  method: string;
  path: string;
  body: unknown;
}

export class FakeGitHub {
  labels = new Set<string>();
  comments: { id: number; body: string; user: { login: string; type: string } }[] = [];
  requestedReviewers: { users: string[]; teams: string[] }[] = [];
  reviews: { commit_id: string; event: string; body: string }[] = [];
  statuses: { sha: string; state: string; context: string; description: string }[] = [];
  calls: Call[] = [];
  /** The pull request's changed files, its commit messages and open code-scanning alerts. */
  files: string[] = [];
  commitMessages: string[] = [];
  openAlerts = 0;
  headSha: string;
  state = 'open';
  /** Answers a call before the state machine does; return undefined to let it through. */
  fault: (call: Call) => Reply | undefined = () => undefined;
  /** Runs after each call (to move the head between the check and the approval, say). */
  after: (call: Call) => void = () => undefined;
  private nextId = 1000;

  constructor(headSha: string) {
    this.headSha = headSha;
  }

  handle(method: string, path: string, body: unknown): Reply {
    const call = { method, path, body };
    this.calls.push(call);
    const injected = this.fault(call);
    if (injected) return injected;
    const reply = this.route(method, path.split('?')[0]!, (body ?? {}) as Record<string, unknown>);
    this.after(call);
    return reply;
  }

  private route(method: string, path: string, body: Record<string, unknown>): Reply {
    let m: RegExpMatchArray | null;
    if ((m = path.match(/^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/labels(?:\/(.+))?$/))) {
      if (method === 'GET') return { status: 200, body: [...this.labels].map((name) => ({ name })) };
      if (method === 'POST') {
        for (const l of body.labels as string[]) this.labels.add(l);
        return { status: 200, body: [...this.labels].map((name) => ({ name })) };
      }
      if (method === 'DELETE' && m[1]) {
        const name = decodeURIComponent(m[1]);
        if (!this.labels.delete(name)) return { status: 404, body: { message: 'Label does not exist' } };
        return { status: 200, body: [] };
      }
    }
    if (path.match(/^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/)) {
      if (method === 'GET') return { status: 200, body: this.comments };
      if (method === 'POST') {
        const comment = { id: this.nextId++, body: String(body.body), user: { login: 'github-actions[bot]', type: 'Bot' } };
        this.comments.push(comment);
        return { status: 201, body: comment };
      }
    }
    if (method === 'PATCH' && (m = path.match(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/))) {
      const comment = this.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return { status: 404, body: { message: 'Not Found' } };
      comment.body = String(body.body);
      return { status: 200, body: comment };
    }
    if (method === 'POST' && path.match(/\/pulls\/\d+\/requested_reviewers$/)) {
      this.requestedReviewers.push({ users: body.reviewers as string[], teams: body.team_reviewers as string[] });
      return { status: 201, body: {} };
    }
    if (method === 'GET' && path.match(/\/pulls\/\d+\/files$/)) return { status: 200, body: this.files.map((filename) => ({ filename })) };
    if (method === 'GET' && path.match(/\/pulls\/\d+\/commits$/)) return { status: 200, body: this.commitMessages.map((message) => ({ commit: { message } })) };
    if (method === 'GET' && path.match(/\/code-scanning\/alerts$/))
      return { status: 200, body: Array.from({ length: this.openAlerts }, (_, i) => ({ number: i + 1 })) };
    if (method === 'GET' && path.match(/\/pulls\/\d+$/)) return { status: 200, body: { number: 7, state: this.state, head: { sha: this.headSha } } };
    if (method === 'POST' && path.match(/\/pulls\/\d+\/reviews$/)) {
      if (body.commit_id !== this.headSha && body.event === 'APPROVE') this.staleApprovals += 1;
      this.reviews.push({ commit_id: String(body.commit_id), event: String(body.event), body: String(body.body) });
      return { status: 200, body: { id: this.nextId++ } };
    }
    if (method === 'POST' && (m = path.match(/\/statuses\/([0-9a-f]+)$/))) {
      this.statuses.push({ sha: m[1]!, state: String(body.state), context: String(body.context), description: String(body.description) });
      return { status: 201, body: {} };
    }
    return { status: 404, body: { message: `Not Found: ${method} ${path}` } };
  }

  /** Approvals submitted for a commit that was no longer the head when they arrived. */
  staleApprovals = 0;
}

export const SECONDARY_RATE_LIMIT = (retryAfter = '1'): Reply => ({
  status: 403,
  headers: { 'retry-after': retryAfter },
  body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
});
export const READ_ONLY: Reply = { status: 403, body: { message: 'Resource not accessible by integration' } };
export const SERVER_ERROR: Reply = { status: 502, body: { message: 'Bad Gateway' } };

/** Serves a FakeGitHub on loopback; `url` goes to GITHUB_API_URL or createGitHubClient's baseUrl. */
export async function serveFakeGitHub(github: FakeGitHub): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let reply: Reply;
      try {
        reply = github.handle(req.method ?? '', req.url ?? '', text ? JSON.parse(text) : undefined);
      } catch (error) {
        // A request the fake cannot read is answered, never left hanging: the client sees a 400 and says so.
        reply = { status: 400, body: { message: `fake GitHub could not handle ${req.method} ${req.url}: ${(error as Error).message}` } };
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
