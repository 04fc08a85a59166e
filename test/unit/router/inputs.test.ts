import { describe, expect, it } from 'vitest';
import { parseRouterInputs, route, type RawRouterInputs } from '@agent-gates/core/router';
import { needs, routingPolicy } from './builders.js';

const raw = (over: Partial<RawRouterInputs> = {}): RawRouterInputs => ({
  signals: '{}',
  reviewScore: '',
  reviewRisk: '',
  agentConfidence: '',
  tests: '',
  vulnerabilities: '',
  authorKind: 'auto',
  expectedSignals: [],
  ...over,
});

describe('bad router input gets its own E_ code naming the input', () => {
  it.each([
    ['signals that is not JSON', { signals: '{"a":' }, 'E_SIGNALS', 'input "signals"'],
    ['signals that is a list', { signals: '[1]' }, 'E_SIGNALS', 'input "signals"'],
    ['a signals entry with neither result nor outcome', { signals: '{"x":{"outputs":{}}}' }, 'E_SIGNALS', '"x"'],
    ['review-score above 100', { reviewScore: '101' }, 'E_RANGE', 'input "review-score"'],
    ['review-score that is not a number', { reviewScore: 'high' }, 'E_RANGE', 'input "review-score"'],
    ['agent-confidence above 1', { agentConfidence: '1.5' }, 'E_RANGE', 'input "agent-confidence"'],
    ['agent-confidence NaN', { agentConfidence: 'NaN' }, 'E_RANGE', 'input "agent-confidence"'],
    ['negative vulnerabilities', { vulnerabilities: '-1' }, 'E_RANGE', 'input "vulnerabilities"'],
    ['a tier name the policy does not know', { reviewRisk: 'severe' }, 'E_TIER', 'input "review-risk"'],
    ['tests neither passed nor failed', { tests: 'maybe' }, 'E_TESTS', 'input "tests"'],
    ['an expected-signals entry naming no gate', { expectedSignals: ['diff-scop'] }, 'E_EXPECTED_SIGNAL', 'input "expected-signals"'],
  ] as const)('%s', (_name, over, code, named) => {
    let caught: unknown;
    try {
      parseRouterInputs(raw(over as Partial<RawRouterInputs>));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code });
    expect((caught as Error).message).toContain(named);
  });

  it('reads a step outcome over its conclusion, and outputs of any type as text', () => {
    const [entry] = parseRouterInputs(raw({ signals: '{"s":{"outcome":"failure","conclusion":"success","outputs":{"n":3}}}' })).signals;
    expect(entry).toEqual({ name: 's', kind: 'step', result: 'failure', outputs: { n: '3' } });
  });
});

describe('decision digest', () => {
  const decide = (signals: string) =>
    route({
      inputs: parseRouterInputs(raw({ signals, reviewScore: '90', tests: 'passed' })),
      facts: { headSha: 'a'.repeat(40) },
      routing: routingPolicy(),
      policyDigest: `sha256:${'0'.repeat(64)}`,
    });

  it('is the same for the same inputs, whatever the order of jobs in signals', () => {
    const signals = needs({}, { lint: { result: 'success', outputs: {} } });
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(signals) as object).reverse()));
    const a = decide(signals);
    expect(decide(signals)).toEqual(a);
    expect(decide(reordered).decisionDigest).toBe(a.decisionDigest);
    expect(a.decisionDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('changes when a signal changes', () => {
    const signals = needs({ 'diff-scope': { writeReport: false } });
    const a = decide(signals);
    const b = decide(signals.replace('"risk":"low"', '"risk":"medium"'));
    expect(b.decisionDigest).not.toBe(a.decisionDigest);
  });
});
