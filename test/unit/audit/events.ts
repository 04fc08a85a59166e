import { newEventId, type UnsealedEvent } from '@agent-gates/core/audit';

/** A decision event as audit-emit builds it, with every optional field set. */
export function decisionEvent(overrides: Partial<UnsealedEvent> = {}): UnsealedEvent {
  return {
    schema_version: 1,
    event_id: newEventId(),
    event_type: 'decision',
    timestamp: '2026-11-30T10:00:00.000Z',
    agent_id: 'claude-code',
    agent_version: '2.1.0',
    model: 'claude-sonnet-4-5',
    models: ['claude-sonnet-4-5'],
    user: 'octocat',
    prompt_id: 'session-1',
    action: 'auto_approve',
    confidence_score: 0.91,
    risk_tier: 'low',
    reasons: [{ signal: 'diff-scope', value: 'low', weight: 0.3, contribution: 0.3, note: 'docs only' }],
    decision_digest: `sha256:${'d'.repeat(64)}`,
    policy_applied: '.github/agent-gates.yml@' + 'b'.repeat(40),
    policy_digest: `sha256:${'e'.repeat(64)}`,
    human_reviewer: 'reviewer',
    repository: 'acme/app',
    run: { id: '42', attempt: '1', workflow_ref: 'acme/app/.github/workflows/agent.yml@refs/heads/main', job: 'audit' },
    event_name: 'pull_request',
    base_sha: 'b'.repeat(40),
    head_sha: 'c'.repeat(40),
    pull_request: 7,
    transcript_digest: `sha256:${'1'.repeat(64)}`,
    manifest_digest: `sha256:${'2'.repeat(64)}`,
    diff_digest: `sha256:${'3'.repeat(64)}`,
    agent_run_at: '2026-11-30T09:58:00.000Z',
    usage: { input_tokens: 1200, output_tokens: 300, cost_usd: 0.05 },
    gates: [
      { name: 'capture-transcript', verdict: 'pass', report_digest: `sha256:${'4'.repeat(64)}`, result: 'success' },
      { name: 'diff-scope', verdict: 'warn', report_digest: `sha256:${'5'.repeat(64)}`, rules: ['SCOPE_PROTECTED_PATH'] },
    ],
    ...overrides,
  };
}
