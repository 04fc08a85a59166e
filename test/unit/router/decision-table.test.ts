import { describe, expect, it } from 'vitest';
import { parseRouterInputs, route, type ChangeFacts, type RawRouterInputs, type RouterAction } from '@agent-gates/core/router';
import type { RoutingPolicy } from '@agent-gates/core/policy';
import { CONFIDENCE_ONLY, gateOutputs, job, needs, routingPolicy, SEED_THRESHOLDS } from './builders.js';

/*
 * The router's decision table: every hard gate, every missing-signal path, each tier at, just below
 * and just above its threshold, a reviewer raising and trying to lower the tier, agent and human
 * authors. Each row names the action and the reason codes that must explain it.
 */

interface Row {
  name: string;
  signals?: string;
  inputs?: Partial<Omit<RawRouterInputs, 'expectedSignals'>> & { expectedSignals?: string };
  facts?: ChangeFacts;
  routing?: Partial<RoutingPolicy>;
  action: RouterAction;
  codes?: string[];
  absent?: string[];
  tier?: string;
}

const GOOD: Row['inputs'] = { tests: 'passed', reviewScore: '95', agentConfidence: '0.9', vulnerabilities: '0' };
const onlyConfidence = (c: string, risk: string, extra: Partial<RoutingPolicy> = {}): Pick<Row, 'signals' | 'inputs' | 'routing'> => ({
  signals: needs({ 'diff-scope': { outputs: { risk } } }),
  inputs: { agentConfidence: c },
  routing: { weights: CONFIDENCE_ONLY, thresholds: SEED_THRESHOLDS, ...extra },
});
const tierRows = (risk: 'low' | 'medium' | 'high', threshold: number): Row[] => [
  {
    name: `${risk} tier at its threshold ${threshold}`,
    ...onlyConfidence(String(threshold), risk),
    action: 'auto_approve',
    tier: risk,
    codes: ['auto-approve'],
  },
  {
    name: `${risk} tier just below ${threshold}`,
    ...onlyConfidence(String(threshold - 0.0001), risk),
    action: 'human_review',
    tier: risk,
    codes: ['below-threshold'],
  },
  { name: `${risk} tier just above ${threshold}`, ...onlyConfidence(String(threshold + 0.0001), risk), action: 'auto_approve', tier: risk },
];
const reason = (code: string, severity: 'pass' | 'warn' | 'fail' = 'fail') => ({ code, severity, message: code });

const ROWS: Row[] = [
  { name: 'every gate passes, every signal strong', signals: needs(), inputs: GOOD, action: 'auto_approve', codes: ['auto-approve'], tier: 'low' },
  // Hard gates.
  { name: 'capture-transcript fails', signals: needs({ 'capture-transcript': { verdict: 'fail' } }), inputs: GOOD, action: 'reject', codes: ['gate-failed'] },
  { name: 'diff-scope fails', signals: needs({ 'diff-scope': { verdict: 'fail' } }), inputs: GOOD, action: 'reject', codes: ['gate-failed'] },
  { name: 'invalid manifest', signals: needs({ 'verify-manifest': { verdict: 'fail' } }), inputs: GOOD, action: 'reject', codes: ['manifest-invalid'] },
  {
    name: 'invalid manifest with a per-gate override to human_review',
    signals: needs({ 'verify-manifest': { verdict: 'fail' } }),
    inputs: GOOD,
    routing: { onGateFail: { 'capture-transcript': 'reject', 'verify-manifest': 'human_review', 'diff-scope': 'reject' } },
    action: 'human_review',
    codes: ['manifest-invalid'],
  },
  {
    name: 'a secret in the diff',
    signals: needs({ 'diff-scope': { verdict: 'fail', reasons: [reason('secret')] } }),
    inputs: GOOD,
    action: 'reject',
    codes: ['secret', 'gate-failed'],
  },
  {
    name: 'an unredacted secret in the transcript',
    signals: needs({ 'capture-transcript': { verdict: 'fail', reasons: [reason('secret-unredacted')] } }),
    inputs: GOOD,
    action: 'reject',
    codes: ['secret'],
  },
  {
    name: 'a denied path',
    signals: needs({ 'diff-scope': { verdict: 'fail', reasons: [reason('denied-path')] } }),
    inputs: GOOD,
    action: 'reject',
    codes: ['denied-path'],
  },
  {
    name: 'verify-manifest violations output carries the codes',
    signals: needs({
      'verify-manifest': { verdict: 'fail', writeReport: false, outputs: { violations: '[{"code":"model-denied","message":"m","pointer":"/model"}]' } },
    }),
    inputs: GOOD,
    action: 'reject',
    codes: ['manifest-invalid', 'report-unread'],
  },
  { name: 'a gate warns', signals: needs({ 'diff-scope': { verdict: 'warn' } }), inputs: GOOD, action: 'human_review', codes: ['gate-warned'] },
  // Jobs and steps that did not succeed.
  { name: 'a failed tests job', signals: needs({}, { tests: job({}, 'failure') }), inputs: GOOD, action: 'human_review', codes: ['job-failed'] },
  { name: 'a skipped job', signals: needs({}, { lint: job({}, 'skipped') }), inputs: GOOD, action: 'human_review', codes: ['job-skipped'] },
  { name: 'a cancelled job', signals: needs({}, { lint: job({}, 'cancelled') }), inputs: GOOD, action: 'human_review', codes: ['job-cancelled'] },
  {
    name: 'a step that failed under continue-on-error (outcome failure, conclusion success)',
    signals: JSON.stringify({
      scope: { outcome: 'failure', conclusion: 'success', outputs: gateOutputs('diff-scope') },
      capture: job(gateOutputs('capture-transcript')),
      manifest: job(gateOutputs('verify-manifest')),
    }),
    inputs: GOOD,
    action: 'human_review',
    codes: ['job-failed'],
  },
  {
    name: 'a gate job that failed with verdict fail',
    signals: JSON.stringify({ capture: job(gateOutputs('capture-transcript', { verdict: 'fail' }), 'failure') }),
    inputs: { ...GOOD, expectedSignals: 'capture-transcript' },
    action: 'reject',
    codes: ['gate-failed', 'job-failed'],
  },
  // Missing and unreadable evidence.
  { name: 'an expected signal is absent', signals: needs({ 'diff-scope': null }), inputs: GOOD, action: 'human_review', codes: ['signal-missing'] },
  {
    name: 'an absent signal with routing.unknown reject',
    signals: needs({ 'diff-scope': null }),
    inputs: GOOD,
    routing: { unknown: 'reject' },
    action: 'reject',
    codes: ['signal-missing'],
  },
  { name: 'no signals at all', signals: '', inputs: GOOD, action: 'human_review', codes: ['signal-missing'] },
  {
    name: 'expected-signals input narrowed to what is present',
    signals: needs({ 'verify-manifest': null }),
    inputs: { ...GOOD, expectedSignals: 'capture-transcript\ndiff-scope' },
    action: 'auto_approve',
  },
  {
    name: 'a report whose digest does not match',
    signals: needs({ 'diff-scope': { outputs: { 'report-digest': `sha256:${'9'.repeat(64)}` } } }),
    inputs: GOOD,
    action: 'human_review',
    codes: ['report-digest-mismatch'],
  },
  {
    name: 'reports in another job: judged on outputs',
    signals: needs({ 'capture-transcript': { writeReport: false }, 'verify-manifest': { writeReport: false }, 'diff-scope': { writeReport: false } }),
    inputs: GOOD,
    action: 'auto_approve',
    codes: ['report-unread'],
  },
  {
    name: 'a gate version the router does not understand',
    signals: needs({ 'diff-scope': { version: '2.0.0' } }),
    inputs: GOOD,
    action: 'human_review',
    codes: ['version-unknown'],
  },
  {
    name: 'a report naming another tool',
    signals: needs({ 'diff-scope': { toolName: 'agent-gates/capture-transcript' } }),
    inputs: GOOD,
    action: 'human_review',
    codes: ['signal-unreadable'],
  },
  {
    name: 'a report about another head',
    signals: needs({ 'diff-scope': { headSha: 'e'.repeat(40) } }),
    inputs: GOOD,
    action: 'human_review',
    codes: ['signal-stale'],
  },
  {
    name: 'a report about the judged head',
    signals: needs({ 'diff-scope': { headSha: 'f'.repeat(40) } }),
    inputs: GOOD,
    action: 'auto_approve',
    absent: ['signal-stale'],
  },
  {
    name: 'an incomplete diff view',
    signals: needs({ 'diff-scope': { outputs: { complete: 'false' } } }),
    inputs: GOOD,
    action: 'human_review',
    codes: ['view-incomplete'],
  },
  {
    name: 'an unreadable verdict',
    signals: needs({ 'capture-transcript': { verdict: 'maybe', writeReport: false } }),
    inputs: GOOD,
    action: 'human_review',
    codes: ['signal-unreadable'],
  },
  {
    name: 'an unreadable risk',
    signals: needs({ 'diff-scope': { outputs: { risk: 'huge' } } }),
    inputs: GOOD,
    action: 'human_review',
    codes: ['signal-unreadable'],
  },
  {
    name: 'tool-violations that are not JSON',
    signals: needs({ 'capture-transcript': { outputs: { 'tool-violations': '[oops' } } }),
    inputs: GOOD,
    action: 'human_review',
    codes: ['signal-unreadable'],
  },
  {
    name: 'a missing report-digest',
    signals: needs({ 'diff-scope': { writeReport: false, outputs: { 'report-digest': '' } } }),
    inputs: GOOD,
    action: 'human_review',
    codes: ['signal-unreadable'],
  },
  // require-human-for.
  {
    name: 'a protected path',
    signals: needs({ 'diff-scope': { reasons: [reason('protected-path', 'pass')] } }),
    inputs: GOOD,
    action: 'human_review',
    codes: ['require-human-protected-path'],
  },
  {
    name: 'secrets redacted from the transcript',
    signals: needs({ 'capture-transcript': { outputs: { redactions: '2' } } }),
    inputs: GOOD,
    action: 'human_review',
    codes: ['require-human-secret-finding'],
  },
  {
    name: 'an unsigned manifest, not required by default',
    signals: needs({ 'verify-manifest': { outputs: { 'signature-kind': 'none' } } }),
    inputs: GOOD,
    action: 'auto_approve',
  },
  {
    name: 'an unsigned manifest when the policy requires a person for it',
    signals: needs({ 'verify-manifest': { outputs: { 'signature-kind': 'none' } } }),
    inputs: GOOD,
    routing: { requireHumanFor: ['unsigned-manifest'] },
    action: 'human_review',
    codes: ['require-human-unsigned-manifest'],
  },
  { name: 'failed tests', signals: needs(), inputs: { ...GOOD, tests: 'failed' }, action: 'human_review', codes: ['tests-failed'] },
  // Tiers at, below and above their thresholds (the seeds' 0.60 / 0.75 / 0.90).
  ...tierRows('low', 0.6),
  ...tierRows('medium', 0.75),
  ...tierRows('high', 0.9),
  { name: 'critical is never auto-approved', ...onlyConfidence('1', 'critical'), action: 'human_review', tier: 'critical', codes: ['tier-critical'] },
  { name: 'the reject threshold itself is human_review', ...onlyConfidence('0.3', 'low'), action: 'human_review', codes: ['below-threshold'] },
  { name: 'just below the reject threshold', ...onlyConfidence('0.2999', 'low'), action: 'reject', codes: ['below-reject-threshold'] },
  { name: 'one threshold for every tier by default', ...onlyConfidence('0.85', 'low', { thresholds: {} }), action: 'human_review', codes: ['below-threshold'] },
  // Reviewers raise, never lower.
  {
    name: 'a reviewer raises low to high',
    ...onlyConfidence('0.8', 'low'),
    inputs: { agentConfidence: '0.8', reviewRisk: 'high' },
    action: 'human_review',
    tier: 'high',
  },
  {
    name: 'a reviewer tries to lower high to low',
    ...onlyConfidence('0.8', 'high'),
    inputs: { agentConfidence: '0.8', reviewRisk: 'low' },
    action: 'human_review',
    tier: 'high',
    codes: ['review-risk-ignored'],
  },
  {
    name: 'a reviewer raises to critical',
    ...onlyConfidence('1', 'low'),
    inputs: { agentConfidence: '1', reviewRisk: 'critical' },
    action: 'human_review',
    tier: 'critical',
    codes: ['tier-critical'],
  },
  {
    name: 'a path tier raises the tier',
    ...onlyConfidence('0.8', 'low', { pathTiers: [{ paths: ['infra/**'], tier: 'high' }] }),
    facts: { changedPaths: { paths: ['infra/main.tf'], complete: true } },
    action: 'human_review',
    tier: 'high',
  },
  {
    name: 'path tiers set but paths unknown',
    ...onlyConfidence('0.95', 'low', { pathTiers: [{ paths: ['infra/**'], tier: 'high' }] }),
    action: 'human_review',
    codes: ['paths-unknown'],
  },
  // Agent and human authors.
  ...(() => {
    const split = { agentThresholds: { low: 0.8 }, humanThresholds: { low: 0.6 } };
    return [
      {
        name: 'agent by branch prefix uses the agent threshold',
        ...onlyConfidence('0.7', 'low', split),
        facts: { branch: 'claude/fix-docs' },
        action: 'human_review',
        codes: ['below-threshold'],
      },
      {
        name: 'a person uses the human threshold',
        ...onlyConfidence('0.7', 'low', split),
        facts: { branch: 'fix-docs', author: { login: 'octocat', type: 'User' } },
        action: 'auto_approve',
      },
      {
        name: 'agent by commit trailer',
        ...onlyConfidence('0.7', 'low', split),
        facts: { commitMessages: ['Fix docs\n\nCo-authored-by: Claude <noreply@anthropic.com>'] },
        action: 'human_review',
      },
      {
        name: 'agent by bot login',
        ...onlyConfidence('0.7', 'low', split),
        facts: { author: { login: 'copilot-swe-agent[bot]', type: 'Bot' } },
        action: 'human_review',
      },
      {
        name: 'author-kind human overrides detection',
        ...onlyConfidence('0.7', 'low', split),
        inputs: { agentConfidence: '0.7', authorKind: 'human' },
        facts: { branch: 'codex/x' },
        action: 'auto_approve',
      },
    ] satisfies Row[];
  })(),
];

function decide(row: Row) {
  const raw: RawRouterInputs = {
    signals: row.signals ?? needs(),
    reviewScore: '',
    reviewRisk: '',
    agentConfidence: '',
    tests: '',
    vulnerabilities: '',
    authorKind: 'auto',
    ...row.inputs,
    expectedSignals: row.inputs?.expectedSignals ? String(row.inputs.expectedSignals).split('\n') : [],
  } as RawRouterInputs;
  return route({
    inputs: parseRouterInputs(raw),
    facts: { headSha: 'f'.repeat(40), ...row.facts },
    routing: routingPolicy(row.routing),
    policyDigest: `sha256:${'0'.repeat(64)}`,
  });
}

describe('confidence-router decision table', () => {
  it('has at least 40 rows', () => expect(ROWS.length).toBeGreaterThanOrEqual(40));

  it.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const decision = decide(row);
    const codes = decision.reasons.map((r) => r.code);
    expect({ action: decision.action, codes }).toMatchObject({ action: row.action });
    for (const code of row.codes ?? []) expect(codes).toContain(code);
    for (const code of row.absent ?? []) expect(codes).not.toContain(code);
    for (const code of row.absent ?? []) expect(codes).not.toContain(code);
    if (row.tier) expect(decision.riskTier).toBe(row.tier);
    // The envelope's rule holds: the verdict is the worst severity among the reasons.
    const worst = decision.reasons.some((r) => r.severity === 'fail')
      ? 'reject'
      : decision.reasons.some((r) => r.severity === 'warn')
        ? 'human_review'
        : 'auto_approve';
    expect(worst).toBe(decision.action);
    // Every row of the reasons output adds up to the confidence.
    const sum = decision.rows.reduce((s, r) => s + r.contribution, 0);
    expect(Math.abs(sum - decision.confidence)).toBeLessThan(0.001);
  });
});
