import { describe, expect, it } from 'vitest';
import { executeSideEffects, type RestClient } from '@agent-gates/action-kit';
import type { RoutingGate, RoutingPolicy } from '@agent-gates/core/policy';
import { parseRouterInputs, planSideEffects, route, type RouterDecision } from '@agent-gates/core/router';
import { gateOutputs, routingPolicy } from './builders.js';
import { FakeGitHub, READ_ONLY, SECONDARY_RATE_LIMIT, SERVER_ERROR, type Reply } from './fake-github.js';

/*
 * 10,000 random signal sets, each routed and then written through the side-effect executor against a
 * FakeGitHub that injects API faults (5xx, secondary rate limits, read-only tokens, refused writes)
 * and moves the pull request head. Whatever happens: never auto_approve when a hard gate failed, an
 * expected signal was missing or the tier was critical; never an approval of a head that was not the
 * one judged. The in-process client throws what Octokit throws ({status, message, response.headers});
 * the same executor runs over real HTTP in side-effects.test.ts and the bundle tests.
 */

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GATES = ['capture-transcript', 'verify-manifest', 'diff-scope'] as const;
const VERDICTS = ['pass', 'pass', 'pass', 'pass', 'warn', 'fail', 'bogus'] as const;
const RISKS = ['low', 'low', 'medium', 'high', 'critical'] as const;
type ReportState = 'verified' | 'unread' | 'mismatch' | 'future';

interface Variant {
  gate: RoutingGate;
  verdict: string;
  risk?: string;
  state: ReportState;
  outputs: Record<string, string>;
}

// A pool of real gate outputs and report files, combined at random below.
function buildPool(): Variant[] {
  const pool: Variant[] = [];
  for (const gate of GATES) {
    for (const verdict of ['pass', 'warn', 'fail', 'bogus']) {
      for (const state of ['verified', 'unread', 'mismatch', 'future'] as const) {
        for (const risk of gate === 'diff-scope' ? ['low', 'medium', 'high', 'critical'] : [undefined]) {
          const outputs = gateOutputs(gate, {
            verdict,
            writeReport: state !== 'unread' && verdict !== 'bogus',
            ...(state === 'future' ? { version: '3.0.0' } : {}),
            outputs: {
              ...(risk ? { risk } : {}),
              ...(state === 'mismatch' ? { 'report-digest': `sha256:${'7'.repeat(64)}` } : {}),
            },
          });
          pool.push({ gate, verdict, state, outputs, ...(risk ? { risk } : {}) });
        }
      }
    }
  }
  return pool;
}

/** Octokit's errors, thrown by an in-process client over FakeGitHub. */
function inProcessClient(github: FakeGitHub): RestClient {
  return {
    request(route, parameters = {}) {
      const [method, template] = route.split(' ') as [string, string];
      const params = { ...parameters };
      const path = template.replace(/\{(\w+)\}/g, (_m, key: string) => {
        const value = String(params[key]);
        delete params[key];
        return encodeURIComponent(value);
      });
      const reply = github.handle(method, path, method === 'GET' ? undefined : params);
      if (reply.status >= 400) {
        const message = (reply.body as { message?: string } | undefined)?.message ?? 'error';
        return Promise.reject(Object.assign(new Error(message), { status: reply.status, response: { headers: reply.headers ?? {}, data: reply.body } }));
      }
      return Promise.resolve({ status: reply.status, data: reply.body, headers: reply.headers ?? {} });
    },
  };
}

describe('confidence-router under 10,000 random signal sets with API faults', () => {
  it('never auto-approves past a hard gate, a missing signal or a critical tier, and never approves a stale head', { timeout: 120_000 }, async () => {
    const random = mulberry32(20261201);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const pool = buildPool();
    const counts = { auto_approve: 0, human_review: 0, reject: 0, approvals: 0, staleHeadsRefused: 0, faults: 0 };

    for (let i = 0; i < 10_000; i += 1) {
      const signals: Record<string, unknown> = {};
      const present: Variant[] = [];
      for (const gate of GATES) {
        if (random() < 0.12) continue;
        const verdict = pick(VERDICTS);
        const state: ReportState = random() < 0.85 ? pick(['verified', 'unread'] as const) : pick(['mismatch', 'future'] as const);
        const risk = pick(RISKS);
        const variant = pool.find((v) => v.gate === gate && v.verdict === verdict && v.state === state && (gate !== 'diff-scope' || v.risk === risk))!;
        present.push(variant);
        signals[`${gate}-${i % 3}`] = { result: random() < 0.93 ? 'success' : pick(['failure', 'skipped', 'cancelled']), outputs: variant.outputs };
      }
      if (random() < 0.3) signals.tests = { result: random() < 0.9 ? 'success' : 'failure', outputs: {} };
      const expected = GATES.filter(() => random() < 0.8);
      const reviewRisk = random() < 0.3 ? pick(RISKS) : '';
      const pathTier = random() < 0.1 ? pick(RISKS) : undefined;
      const routing: RoutingPolicy = routingPolicy({
        expectedSignals: expected,
        unknown: random() < 0.2 ? 'reject' : 'human_review',
        thresholds: { low: 0.4 + random() * 0.5, medium: 0.5 + random() * 0.45, high: 0.6 + random() * 0.39 },
        rejectThreshold: random() * 0.35,
        onGateFail: {
          'capture-transcript': pick(['reject', 'human_review']),
          'verify-manifest': pick(['reject', 'human_review']),
          'diff-scope': pick(['reject', 'human_review']),
        },
        ...(pathTier ? { pathTiers: [{ paths: ['infra/**'], tier: pathTier }] } : {}),
      });
      const strong = random() < 0.6;
      const judged = random().toString(16).slice(2).padEnd(40, '0').slice(0, 40);
      const decision: RouterDecision = route({
        inputs: parseRouterInputs({
          signals: JSON.stringify(signals),
          reviewScore: random() < 0.9 ? String(Math.round((strong ? 80 : 0) + random() * (strong ? 20 : 100))) : '',
          reviewRisk,
          agentConfidence: random() < 0.9 ? ((strong ? 0.8 : 0) + random() * (strong ? 0.2 : 1)).toFixed(3) : '',
          tests: random() < 0.9 ? (strong ? 'passed' : pick(['passed', 'passed', 'failed'])) : '',
          vulnerabilities: random() < 0.8 ? String(strong ? 0 : Math.floor(random() * 2)) : '',
          authorKind: pick(['auto', 'agent', 'human'] as const),
          expectedSignals: [],
        }),
        facts: { headSha: judged, changedPaths: { paths: random() < 0.5 ? ['infra/main.tf'] : ['docs/a.md'], complete: random() < 0.95 } },
        routing,
        policyDigest: `sha256:${'0'.repeat(64)}`,
      });
      counts[decision.action] += 1;

      // The invariants, computed from the generated data, not from the router's reasons.
      const tiers = [...present.map((v) => v.risk ?? 'low'), reviewRisk || 'low'];
      const hardFail = present.some((v) => v.verdict === 'fail');
      const missing = expected.some((g) => !present.some((v) => v.gate === g));
      const critical = tiers.includes('critical') || (pathTier === 'critical' && decision.riskTier === 'critical');
      const unsure =
        present.some((v) => v.verdict !== 'pass' || v.state === 'mismatch' || v.state === 'future') ||
        Object.values(signals).some((s) => (s as { result: string }).result !== 'success');
      if (hardFail || missing || critical || unsure) expect(decision.action, JSON.stringify({ i, hardFail, missing, critical })).not.toBe('auto_approve');
      const failedGates = present.filter((v) => v.verdict === 'fail').map((v) => v.gate);
      if (failedGates.some((g) => routing.onGateFail[g] === 'reject')) expect(decision.action).toBe('reject');
      if (tiers.includes('critical')) expect(decision.riskTier).toBe('critical');

      // Side effects through a faulty API whose head may move before the approval check.
      const github = new FakeGitHub(judged);
      if (random() < 0.15) github.headSha = 'e'.repeat(40);
      const faultRate = random() * 0.3;
      const readOnly = random() < 0.05;
      github.fault = (call): Reply | undefined => {
        if (readOnly && call.method !== 'GET') return READ_ONLY;
        if (random() >= faultRate) return undefined;
        counts.faults += 1;
        return pick([SERVER_ERROR, SECONDARY_RATE_LIMIT('1'), SECONDARY_RATE_LIMIT('999'), { status: 422, body: { message: 'Validation Failed' } }]);
      };
      github.after = (call) => {
        if (!(call.method === 'GET' && /\/pulls\/\d+$/.test(call.path)) && random() < 0.05) github.headSha = 'f'.repeat(40);
      };
      const plan = planSideEffects(
        decision,
        { label: true, comment: random() < 0.3, requestReviewers: true, approve: true, commitStatus: true, staged: random() < 0.05 },
        { repository: 'acme/widgets', pullRequest: 7 },
      );
      const result = await executeSideEffects(plan, {
        client: inProcessClient(github),
        log: { warning: () => undefined, info: () => undefined },
        sleep: async () => undefined,
      });
      const approvals = github.reviews.filter((r) => r.event === 'APPROVE');
      expect(github.staleApprovals).toBe(0);
      for (const a of approvals) expect(a.commit_id).toBe(judged);
      if (decision.action !== 'auto_approve' || plan.staged || readOnly) expect(approvals).toEqual([]);
      counts.approvals += approvals.length;
      if (result.outcomes.some((o) => o.effect === 'approve' && o.detail.includes('not approved'))) counts.staleHeadsRefused += 1;
    }
    // The generator reached every route and every path, or the invariants above proved little.
    expect(counts.auto_approve).toBeGreaterThan(200);
    expect(counts.human_review).toBeGreaterThan(200);
    expect(counts.reject).toBeGreaterThan(200);
    expect(counts.approvals).toBeGreaterThan(50);
    expect(counts.staleHeadsRefused).toBeGreaterThan(10);
    expect(counts.faults).toBeGreaterThan(1000);
  });
});
