import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitRepo, pullRequestEvent, type GitRepo } from '../harness/git-repo.js';
import { canonicalJson } from '../../packages/core/src/digest/index.js';
import { runAction } from '../harness/run-action.js';
import { needs } from '../unit/router/builders.js';
import { FakeGitHub, READ_ONLY, SECONDARY_RATE_LIMIT, serveFakeGitHub } from '../unit/router/fake-github.js';

// The bundle as the runner runs it; the REST API is a loopback FakeGitHub reached through GITHUB_API_URL.
const POLICY = `version: 1
routing:
  reviewers:
    - paths: ['infra/**']
      users: [alice]
      teams: [platform-leads]
`;
let repo: GitRepo;
let github: FakeGitHub;
let served: Awaited<ReturnType<typeof serveFakeGitHub>>;

beforeAll(async () => {
  repo = createGitRepo({ base: { '.github/agent-gates.yml': POLICY, 'docs/a.md': 'a\n' }, head: { 'docs/a.md': 'b\n', 'infra/main.tf': 'x\n' } });
  github = new FakeGitHub(repo.headSha);
  served = await serveFakeGitHub(github);
});
afterAll(() => served.close());
beforeEach(() => {
  Object.assign(github, new FakeGitHub(repo.headSha));
  github.files = ['docs/a.md', 'infra/main.tf'];
});

const STRONG = { 'review-score': '96', 'agent-confidence': '0.95', tests: 'passed', vulnerabilities: '0' };
const ALL_EFFECTS = { label: 'true', comment: 'true', 'request-reviewers': 'true', approve: 'true', 'commit-status': 'true' };

async function router(inputs: Record<string, string>) {
  const run = await runAction({
    action: 'confidence-router',
    workspace: repo.dir,
    event: pullRequestEvent(repo),
    eventName: 'pull_request',
    inputs,
    env: { GITHUB_API_URL: served.url },
    timeoutMs: 60_000,
  });
  return run;
}
const writes = () => github.calls.filter((c) => c.method !== 'GET');

describe('confidence-router bundle', () => {
  it('auto-approves: labels replaced, sticky comment created then updated, status set, judged head approved', async () => {
    github.labels = new Set(['agent-gates:rejected']);
    const run = await router({ signals: needs(), ...STRONG, ...ALL_EFFECTS });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'pass', action: 'auto_approve', 'risk-tier': 'low', 'author-kind': 'agent' });
    expect(Number(run.outputs.confidence)).toBeGreaterThanOrEqual(0.9);
    expect([...github.labels]).toEqual(['agent-gates:auto-approved']);
    expect(github.comments).toHaveLength(1);
    expect(github.statuses).toEqual([expect.objectContaining({ sha: repo.headSha, state: 'success', context: 'agent-gates/decision' })]);
    expect(github.reviews).toEqual([expect.objectContaining({ commit_id: repo.headSha, event: 'APPROVE' })]);
    // The report's digest (its canonical JSON without the run times) is the report-digest output, and the summary carries the signals table.
    const report = JSON.parse(readFileSync(run.outputs.report!, 'utf8')) as Record<string, unknown>;
    delete report.startedAt;
    delete report.finishedAt;
    expect(`sha256:${createHash('sha256').update(canonicalJson(report)).digest('hex')}`).toBe(run.outputs['report-digest']);
    expect(run.summary).toMatch(/\| signal \| value \| weight \| contribution \| note \|/);
    const reasons = JSON.parse(run.outputs.reasons!) as { signal: string; contribution: number }[];
    expect(reasons.map((r) => r.signal)).toEqual(expect.arrayContaining(['gates', 'tests', 'review-score', 'agent-confidence', 'vulnerabilities']));

    // A second run with a weaker review updates the same comment and swaps the label.
    const second = await router({ signals: needs(), ...STRONG, 'review-score': '30', ...ALL_EFFECTS });
    expect(second.outputs.action).toBe('human_review');
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('agent-gates: 👀 human_review');
    expect([...github.labels]).toEqual(['agent-gates:needs-review']);
    expect(github.requestedReviewers).toEqual([{ users: ['alice'], teams: ['platform-leads'] }]);
    expect(github.statuses.at(-1)).toMatchObject({ state: 'pending' });
    expect(github.reviews).toHaveLength(1);
  });

  it('gives the same decision-digest for the same inputs', async () => {
    const signals = needs({ 'capture-transcript': { writeReport: false } });
    const a = await router({ signals, ...STRONG });
    const b = await router({ signals, ...STRONG });
    expect(a.outputs['decision-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.outputs['decision-digest']).toBe(a.outputs['decision-digest']);
  });

  it('degrades to a warning on a fork token and still outputs the decision', async () => {
    github.fault = (call) => (call.method !== 'GET' ? READ_ONLY : undefined);
    const run = await router({ signals: needs(), ...STRONG, ...ALL_EFFECTS });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.action).toBe('auto_approve');
    expect(run.annotations.some((a) => a.level === 'warning' && /cannot write/.test(a.message))).toBe(true);
    expect(github.reviews).toEqual([]);
    expect(JSON.parse(run.outputs['side-effects']!)).toEqual(expect.arrayContaining([expect.objectContaining({ effect: 'approve', state: 'skipped' })]));
  });

  it('waits out a 403 secondary rate limit with Retry-After', async () => {
    let limited = 0;
    github.fault = (call) => (call.path.includes('/statuses/') && limited++ === 0 ? SECONDARY_RATE_LIMIT('1') : undefined);
    const started = Date.now();
    const run = await router({ signals: needs(), ...STRONG, 'commit-status': 'true' });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(github.calls.filter((c) => c.path.includes('/statuses/'))).toHaveLength(2);
    expect(github.statuses).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(run.log).toMatch(/secondary rate limit on POST .*statuses.*retrying in 1s/);
  });

  it('staged: writes nothing and previews every side effect in the summary', async () => {
    const run = await router({ signals: needs(), ...STRONG, ...ALL_EFFECTS, staged: 'true' });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(writes()).toEqual([]);
    expect(run.summary).toMatch(/staged label: would write/);
    expect(run.summary).toMatch(/staged approve: would write/);
    expect(run.summary).toContain('agent-gates:auto-approved');
  });

  it('rejects a failed gate, fails the step under the default fail-on, and still writes outputs', async () => {
    const run = await router({
      signals: needs({ 'diff-scope': { verdict: 'fail', reasons: [{ code: 'denied-path', severity: 'fail', message: 'secrets/ is denied' }] } }),
      ...STRONG,
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ action: 'reject', verdict: 'fail' });
    expect(run.log).toMatch(/E_VERDICT/);
  });

  it('raises the tier from the changed paths the API lists, and counts open code-scanning alerts', async () => {
    const tiered = createGitRepo({
      base: { '.github/agent-gates.yml': "version: 1\nrouting:\n  path-tiers:\n    - paths: ['infra/**']\n      tier: critical\n" },
      head: { 'infra/main.tf': 'y\n' },
    });
    github.headSha = tiered.headSha;
    github.files = ['infra/main.tf'];
    github.openAlerts = 3;
    const run = await runAction({
      action: 'confidence-router',
      workspace: tiered.dir,
      event: pullRequestEvent(tiered),
      eventName: 'pull_request',
      inputs: { signals: needs(), ...STRONG, vulnerabilities: '', 'code-scanning': 'true' },
      env: { GITHUB_API_URL: served.url },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ action: 'human_review', 'risk-tier': 'critical', verdict: 'warn' });
    const rows = JSON.parse(run.outputs.reasons!) as { signal: string; value: unknown }[];
    expect(rows.find((r) => r.signal === 'vulnerabilities')?.value).toBe(3);
    expect(rows.some((r) => r.signal === 'tier-critical')).toBe(true);
    expect(github.calls.some((c) => c.path.includes('/code-scanning/alerts?') && c.path.includes('ref=refs%2Fpull%2F42%2Fhead'))).toBe(true);
  });

  it.each([
    ['signals', '{not json', 'E_SIGNALS'],
    ['review-score', '140', 'E_RANGE'],
    ['review-risk', 'apocalyptic', 'E_TIER'],
    ['expected-signals', 'diff-scope, unit-tests', 'E_EXPECTED_SIGNAL'],
  ])('bad %s exits 1 with its own code naming the input, and no outputs', async (input, value, code) => {
    const run = await router({ signals: needs(), ...STRONG, [input]: value });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(`${code}: input "${input}"`);
    expect(run.outputs).toEqual({});
    expect(run.stderr + run.stdout).not.toMatch(/\n\s+at /);
  });
});
