import { ConfigError } from '../errors.js';
import { AUDIT_SCHEMA_VERSION, newEventId, type AuditEvent, type UnsealedEvent } from './event.js';
import type { SignalFields } from './signals.js';

/** Fields given explicitly (the action's inputs); each overrides what the signals said. */
export interface AuditOverrides {
  eventType?: 'decision' | 'outcome';
  agentId?: string;
  action?: string;
  outcome?: string;
  humanReviewer?: string;
  policyApplied?: string;
  decisionId?: string;
}

/** The run an event belongs to (a subset of action-kit's RunContext). */
export interface AuditRunContext {
  repository: string;
  runId: string;
  runAttempt: string;
  workflowRef: string;
  job: string;
  eventName: string;
  sha: string;
  actor: string;
  pullRequest?: { number: number; baseSha: string; headSha: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * The event for this run: the run's own fields, then what the gates said (signals), then the
 * explicit inputs over both. Unsealed: `prev` and `digest` are set where it is appended.
 */
export function buildAuditEvent(options: {
  signals: SignalFields;
  overrides: AuditOverrides;
  context: AuditRunContext;
  policy: { source: 'file' | 'default'; file?: string; ref?: string; digest: string };
  now?: Date;
  eventId?: string;
}): UnsealedEvent {
  const { signals, overrides: o, context: c, policy } = options;
  const eventType = o.eventType ?? 'decision';
  if (o.decisionId !== undefined && !UUID.test(o.decisionId)) {
    throw new ConfigError(
      'E_AUDIT_INPUT',
      `input "decision-id" must be the event_id (a UUID) of the decision an outcome follows, not "${o.decisionId.slice(0, 80)}"`,
    );
  }
  if (eventType === 'outcome' && (o.decisionId === undefined || o.outcome === undefined)) {
    throw new ConfigError(
      'E_AUDIT_INPUT',
      'an `outcome` event needs input "outcome" (merged, changed, reverted, closed) and input "decision-id" naming its decision',
    );
  }
  const pr = c.pullRequest;
  const policyApplied = o.policyApplied ?? (policy.source === 'default' ? 'default' : `${policy.file ?? 'policy'}${policy.ref ? `@${policy.ref}` : ''}`);
  const event: Partial<AuditEvent> = {
    schema_version: AUDIT_SCHEMA_VERSION,
    event_id: options.eventId ?? newEventId(),
    event_type: eventType,
    timestamp: (options.now ?? new Date()).toISOString(),
    ...signals.fields,
    ...(c.actor ? { user: c.actor } : {}),
    policy_applied: policyApplied,
    ...(/^sha256:[0-9a-f]{64}$/.test(policy.digest) ? { policy_digest: policy.digest } : {}),
    repository: c.repository,
    run: { id: c.runId, attempt: c.runAttempt, ...(c.workflowRef ? { workflow_ref: c.workflowRef } : {}), ...(c.job ? { job: c.job } : {}) },
    ...(c.eventName ? { event_name: c.eventName } : {}),
    ...(pr && SHA.test(pr.baseSha) ? { base_sha: pr.baseSha } : {}),
    ...(pr && SHA.test(pr.headSha) ? { head_sha: pr.headSha } : SHA.test(c.sha) ? { head_sha: c.sha } : {}),
    ...(pr ? { pull_request: pr.number } : {}),
    // The `recognised` flag is audit-emit's own; the event records what the schema names.
    gates: signals.gates.map(({ recognised: _recognised, ...gate }) => gate),
  };
  if (o.agentId !== undefined) event.agent_id = o.agentId;
  if (o.action !== undefined) event.action = o.action;
  if (o.outcome !== undefined) event.outcome = o.outcome;
  if (o.humanReviewer !== undefined) event.human_reviewer = o.humanReviewer;
  if (o.decisionId !== undefined) event.decision_id = o.decisionId;
  return event as UnsealedEvent;
}
