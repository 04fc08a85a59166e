import { randomUUID } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { canonicalJson, sha256Hex } from '../digest/index.js';
import schema from '../../schemas/audit-event.schema.json' with { type: 'json' };
// Compiled ahead of time (scripts/gen-policy-artifacts.ts): a start-up never loads or runs ajv's compiler.
import validate from './event-validate.generated.js';

/** The schema version every event names; a reader refuses any other. */
export const AUDIT_SCHEMA_VERSION = 1 as const;

export type AuditVerdict = 'pass' | 'warn' | 'fail' | 'missing';

export interface AuditGate {
  name: string;
  verdict: AuditVerdict;
  report_digest?: string;
  result?: string;
  rules?: string[];
}

/** One line of an audit log (packages/core/schemas/audit-event.schema.json). */
export interface AuditEvent {
  schema_version: typeof AUDIT_SCHEMA_VERSION;
  event_id: string;
  event_type: 'decision' | 'outcome';
  timestamp: string;
  agent_id?: string;
  agent_version?: string;
  model?: string;
  models?: string[];
  user?: string;
  prompt_id?: string;
  action?: string;
  confidence_score?: number;
  risk_tier?: string;
  reasons?: Record<string, unknown>[];
  decision_digest?: string;
  policy_applied?: string;
  policy_digest?: string;
  human_reviewer?: string;
  outcome?: string;
  decision_id?: string;
  repository: string;
  run: { id: string; attempt: string; workflow_ref?: string; job?: string };
  event_name?: string;
  base_sha?: string;
  head_sha?: string;
  pull_request?: number;
  transcript_digest?: string;
  manifest_digest?: string;
  diff_digest?: string;
  agent_run_at?: string;
  usage?: { input_tokens?: number; output_tokens?: number; cost_usd?: number };
  gates: AuditGate[];
  prev: string | null;
  digest: string;
}

/** An event before it is linked and sealed: `prev` and `digest` are set under the log's lock. */
export type UnsealedEvent = Omit<AuditEvent, 'prev' | 'digest'>;

export const AUDIT_EVENT_SCHEMA = schema;

/** Problems that make `value` not an event of this schema, as `pointer: message`; empty when valid. */
export function auditEventProblems(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}

/** Throws E_AUDIT_SCHEMA naming every problem: nothing invalid is ever written. */
export function assertAuditEvent(value: unknown, where: string): asserts value is AuditEvent {
  const problems = auditEventProblems(value);
  if (problems.length > 0) throw new ConfigError('E_AUDIT_SCHEMA', `${where} is not a valid audit event: ${problems.join('; ')}`);
}

/** `sha256:` over the RFC 8785 canonical JSON of the event without its `digest` member. */
export function eventDigest(event: Omit<AuditEvent, 'digest'> & { digest?: unknown }): string {
  const { digest: _omitted, ...rest } = event;
  return `sha256:${sha256Hex(canonicalJson(rest))}`;
}

/** Links an event to the one before it and computes its digest; validates the result. */
export function sealEvent(event: UnsealedEvent, prev: string | null): AuditEvent {
  const linked = { ...event, prev };
  const sealed = { ...linked, digest: eventDigest(linked) } as AuditEvent;
  assertAuditEvent(sealed, `event ${event.event_id}`);
  return sealed;
}

/** The log line of a sealed event: its canonical JSON, so the line's bytes are the digested bytes plus `digest`. */
export function eventLine(event: AuditEvent): string {
  return `${canonicalJson(event)}\n`;
}

export function newEventId(): string {
  return randomUUID();
}
