import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMENT_LIMIT, createGitHubClient, executeSideEffects, renderDecisionComment, type RestClient } from '@agent-gates/action-kit';
import { COMMENT_MARKER, parseRouterInputs, planSideEffects, route, type RouterDecision, type SideEffectRequest } from '@agent-gates/core/router';
import { needs, routingPolicy } from '../router/builders.js';
import { FakeGitHub, READ_ONLY, SECONDARY_RATE_LIMIT, SERVER_ERROR, serveFakeGitHub } from '../router/fake-github.js';

// The REST API is mocked at the HTTP boundary: a loopback FakeGitHub, reached through action-kit's real client.
const HEAD = 'c'.repeat(40);
let github: FakeGitHub;
let served: Awaited<ReturnType<typeof serveFakeGitHub>>;
let client: RestClient;
const warnings: string[] = [];
const log = { warning: (m: string) => warnings.push(m), info: () => undefined };
const slept: number[] = [];
const sleep = async (ms: number) => void slept.push(ms);

beforeAll(async () => {
  github = new FakeGitHub(HEAD);
  served = await serveFakeGitHub(github);
  // Rate limits are waited out by the client, one layer for every gate; the executor retries what is left (5xx).
  client = (await createGitHubClient({ token: 'test-token', baseUrl: served.url, log, rateLimit: { sleep } })) as unknown as RestClient;
});
afterAll(() => served.close());
beforeEach(() => {
  Object.assign(github, new FakeGitHub(HEAD));
  warnings.length = 0;
  slept.length = 0;
});

const ALL: SideEffectRequest = { label: true, comment: true, requestReviewers: true, approve: true, commitStatus: true, staged: false };

function decision(over: { reviewScore?: string; message?: string } = {}): RouterDecision {
  const d = route({
    inputs: parseRouterInputs({
      signals: needs(),
      reviewScore: over.reviewScore ?? '95',
      reviewRisk: '',
      agentConfidence: '0.9',
      tests: 'passed',
      vulnerabilities: '0',
      authorKind: 'auto',
      expectedSignals: [],
    }),
    facts: { headSha: HEAD, changedPaths: { paths: ['infra/main.tf'], complete: true } },
    routing: routingPolicy({ reviewers: [{ paths: ['infra/**'], users: ['alice'], teams: ['platform-leads'] }] }),
    policyDigest: `sha256:${'0'.repeat(64)}`,
  });
  if (over.message) d.reasons.push({ code: 'x', severity: 'pass', message: over.message });
  return d;
}
const plan = (d: RouterDecision, request: Partial<SideEffectRequest> = {}) =>
  planSideEffects(d, { ...ALL, ...request }, { repository: 'acme/widgets', pullRequest: 7, runUrl: 'https://github.localhost/acme/widgets/actions/runs/1' });

describe('executeSideEffects over HTTP', () => {
  it('replaces labels, creates then updates one sticky comment, sets the status and approves the judged head', async () => {
    github.labels = new Set(['agent-gates:needs-review', 'bug']);
    const approved = decision();
    expect(approved.action).toBe('auto_approve');
    const first = await executeSideEffects(plan(approved), { client, log, sleep });
    expect(first.failed).toBe(false);
    expect([...github.labels].sort()).toEqual(['agent-gates:auto-approved', 'bug']);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(github.statuses).toEqual([expect.objectContaining({ sha: HEAD, state: 'success', context: 'agent-gates/decision' })]);
    expect(github.reviews).toEqual([expect.objectContaining({ commit_id: HEAD, event: 'APPROVE' })]);

    const review = decision({ reviewScore: '40' });
    expect(review.action).toBe('human_review');
    const second = await executeSideEffects(plan(review), { client, log, sleep });
    expect(second.failed).toBe(false);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('human_review');
    expect([...github.labels].sort()).toEqual(['agent-gates:needs-review', 'bug']);
    expect(github.requestedReviewers).toEqual([{ users: ['alice'], teams: ['platform-leads'] }]);
    expect(github.statuses.at(-1)).toMatchObject({ state: 'pending' });
    expect(github.reviews).toHaveLength(1);

    const again = await executeSideEffects(plan(review, { requestReviewers: false }), { client, log, sleep });
    expect(again.outcomes.filter((o) => o.effect === 'label' || o.effect === 'comment').map((o) => o.state)).toEqual(['unchanged', 'unchanged']);
  });

  it('does not approve a head that moved after it was judged', async () => {
    github.headSha = 'd'.repeat(40);
    const result = await executeSideEffects(plan(decision(), { label: false, comment: false, commitStatus: false }), { client, log, sleep });
    expect(github.reviews).toEqual([]);
    expect(result.outcomes.find((o) => o.effect === 'approve')).toMatchObject({ state: 'skipped', detail: expect.stringContaining('not approved') });
  });

  it('waits out a secondary rate limit with Retry-After, then writes', async () => {
    let limited = 0;
    github.fault = (call) => (call.method === 'POST' && call.path.includes('/statuses/') && limited++ === 0 ? SECONDARY_RATE_LIMIT('2') : undefined);
    const result = await executeSideEffects(plan(decision(), { label: false, comment: false, approve: false }), { client, log, sleep });
    expect(result.failed).toBe(false);
    expect(slept).toEqual([2000]);
    expect(github.statuses).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/secondary rate limit on POST .*statuses.*retrying in 2s/);
  });

  it('does not retry a rate limit the client gave up on: one layer waits, so the calls are not multiplied', async () => {
    github.fault = (call) => (call.method === 'POST' && call.path.includes('/statuses/') ? SECONDARY_RATE_LIMIT('2') : undefined);
    const result = await executeSideEffects(plan(decision(), { label: false, comment: false, approve: false }), { client, log, sleep });
    expect(result.failed).toBe(true);
    // The client's first call and its three retries, each after the 2 s asked for; nothing more from the executor.
    expect(github.calls.filter((c) => c.method === 'POST' && c.path.includes('/statuses/'))).toHaveLength(4);
    expect(slept).toEqual([2000, 2000, 2000]);
  });

  it('retries a 5xx and writes once', async () => {
    let failures = 0;
    github.fault = (call) => (call.method === 'POST' && call.path.includes('/statuses/') && failures++ === 0 ? SERVER_ERROR : undefined);
    const result = await executeSideEffects(plan(decision(), { label: false, comment: false, approve: false }), { client, log, sleep });
    expect(result.failed).toBe(false);
    expect(github.calls.filter((c) => c.path.includes('/statuses/'))).toHaveLength(2);
    expect(github.statuses).toHaveLength(1);
  });

  it('degrades to a warning on a read-only token and still reports what it skipped', async () => {
    github.fault = (call) => (call.method !== 'GET' ? READ_ONLY : undefined);
    const result = await executeSideEffects(plan(decision()), { client, log, sleep });
    expect(result).toMatchObject({ failed: false, readOnly: true });
    expect(result.outcomes.every((o) => o.state === 'skipped')).toBe(true);
    expect(warnings.join('\n')).toMatch(/cannot write/);
    expect(github.reviews).toEqual([]);
  });

  it('reports an effect that finally fails', async () => {
    github.fault = (call) =>
      call.path.includes('requested_reviewers') ? { status: 422, body: { message: 'Reviews may only be requested from collaborators' } } : undefined;
    const result = await executeSideEffects(plan(decision({ reviewScore: '40' })), { client, log, sleep });
    expect(result.failed).toBe(true);
    expect(result.outcomes.find((o) => o.effect === 'request-reviewers')).toMatchObject({ state: 'failed', detail: expect.stringContaining('422') });
    expect(github.statuses).toHaveLength(1);
  });

  it('staged: writes nothing and shows exactly what it would have written', async () => {
    const d = decision();
    const result = await executeSideEffects(plan(d, { staged: true }), { client, log, sleep });
    expect(github.calls).toEqual([]);
    expect(result.outcomes.map((o) => [o.effect, o.state])).toEqual([
      ['request-reviewers', 'skipped'],
      ['label', 'preview'],
      ['comment', 'preview'],
      ['commit-status', 'preview'],
      ['approve', 'preview'],
    ]);
    expect(result.outcomes.find((o) => o.effect === 'comment')!.payload).toBe(
      renderDecisionComment(d, { marker: COMMENT_MARKER, runUrl: 'https://github.localhost/acme/widgets/actions/runs/1' }),
    );
  });
});

describe('renderDecisionComment', () => {
  it('escapes text, neutralises mentions and stays within the comment limit', () => {
    const d = decision({ message: '@octocat <script>alert(1)</script> [x](https://evil.example)' });
    for (let i = 0; i < 3000; i += 1) d.reasons.push({ code: 'filler', severity: 'pass', message: 'x'.repeat(200) });
    const body = renderDecisionComment(d, { marker: COMMENT_MARKER });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).not.toMatch(/@octocat|<script>|\]\(https:\/\/evil/);
    expect(body).toContain('@\u200doctocat');
    expect(body).toMatch(/reason\(s\) left out/);
  });
});
