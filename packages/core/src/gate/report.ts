import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bytesDigest, canonicalJson } from '../digest/index.js';
import type { FlooredPolicy } from '../policy/floor.js';
import type { LoadedPolicy } from '../policy/types.js';
import type { Verdict } from './verdict.js';

/** `$id` of packages/core/schemas/gate-report.schema.json; every report names it in `schema`. */
export const GATE_REPORT_SCHEMA_ID = 'https://github.com/agent-gates/agent-gates/packages/core/schemas/gate-report.schema.json';

/** One reason behind a verdict. `code` is stable (routers and tests key on it); `message` is for people. */
export interface GateReason {
  code: string;
  severity: Verdict;
  message: string;
  location?: { file?: string; line?: number; record?: number };
}

/** Something the gate judged, named by its digest so a later gate can check it judged the same bytes. */
export interface GateSubject {
  name: string;
  digest: string;
}

/** Where the run that wrote a report came from; copied from the runner's environment by action-kit. */
export interface GateRunContext {
  repository: string;
  runId: string;
  runAttempt: string;
  job: string;
  workflow: string;
  workflowRef: string;
  eventName: string;
  sha: string;
  actor: string;
  pullRequest?: { number: number; baseSha: string; headSha: string };
}

/**
 * The envelope every gate writes (packages/core/schemas/gate-report.schema.json). The router and
 * audit-emit read these, not only step outputs. `details` is the gate's own; a gate may also keep
 * members of its own beside the envelope (capture keeps `transcript` and `summaryDigest`).
 */
export interface GateReport<Details extends object = Record<string, unknown>> {
  schema: typeof GATE_REPORT_SCHEMA_ID;
  tool: { name: string; version: string };
  repository: string;
  run: { id: string; attempt: string; job: string; workflow: string; workflowRef: string };
  event: string;
  sha: string;
  actor: string;
  pullRequest?: { number: number; baseSha: string; headSha: string };
  startedAt: string;
  finishedAt: string;
  policy: ReportPolicy;
  verdict: Verdict;
  reasons: GateReason[];
  subjects: GateSubject[];
  details: Details;
}

/**
 * The policy a report was judged by. Under a central floor (`policy-floor`) it also names both files
 * and, setting by setting, which of them set it (`floor`, `local` or `both`).
 */
export interface ReportPolicy {
  source: string;
  digest: string;
  layers?: { floor: { file: string; digest: string; ref?: string }; local: { file: string; digest: string; ref?: string } };
  provenance?: Record<string, 'floor' | 'local' | 'both'>;
}

/** What a report records of the loaded policy: `default` or the file and commit, its digest, and any floor. */
export function reportPolicy(policy: LoadedPolicy): ReportPolicy {
  const source = policySource(policy);
  const floored = policy as Partial<FlooredPolicy>;
  return {
    source,
    digest: policy.digest,
    ...(floored.layers ? { layers: { floor: { ...floored.layers.floor }, local: { ...floored.layers.local } } } : {}),
    ...(floored.provenance ? { provenance: { ...floored.provenance } } : {}),
  };
}

/** Builds the envelope from the run context; the gate supplies what it judged and concluded. */
export function gateReport<Details extends object>(fields: {
  tool: { name: string; version: string };
  context: GateRunContext;
  startedAt: Date;
  finishedAt: Date;
  policy: ReportPolicy;
  verdict: Verdict;
  reasons: GateReason[];
  subjects: GateSubject[];
  details: Details;
}): GateReport<Details> {
  const c = fields.context;
  return {
    schema: GATE_REPORT_SCHEMA_ID,
    tool: fields.tool,
    repository: c.repository,
    run: { id: c.runId, attempt: c.runAttempt, job: c.job, workflow: c.workflow, workflowRef: c.workflowRef },
    event: c.eventName,
    sha: c.sha,
    actor: c.actor,
    ...(c.pullRequest ? { pullRequest: { number: c.pullRequest.number, baseSha: c.pullRequest.baseSha, headSha: c.pullRequest.headSha } } : {}),
    startedAt: fields.startedAt.toISOString(),
    finishedAt: fields.finishedAt.toISOString(),
    policy: fields.policy,
    verdict: fields.verdict,
    reasons: fields.reasons,
    subjects: fields.subjects,
    details: fields.details,
  };
}

/**
 * Envelope members that say when the run happened, not what it found. `report-digest` leaves them out,
 * so the same inputs give the same digest on every run (a router or an audit record comparing two runs
 * compares what they judged); the file keeps them for people.
 */
export const RUN_TIME_FIELDS: readonly string[] = ['startedAt', 'finishedAt'];

/** Each top-level member of a report as canonical JSON (RFC 8785), in canonical (UTF-16 code unit) order. */
function canonicalMembers(report: object): [string, string][] {
  return Object.entries(report)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => [key, `${JSON.stringify(key)}:${canonicalJson(value)}`]);
}

const joinMembers = (members: [string, string][]) => `{${members.map(([, text]) => text).join(',')}}`;
const withoutRunTimes = (members: [string, string][]) => members.filter(([key]) => !RUN_TIME_FIELDS.includes(key));

/**
 * `report-digest`: `sha256:<hex>` of the report's canonical JSON without its run times
 * (RUN_TIME_FIELDS). Anyone can recompute it from the parsed report file.
 */
export function reportDigest(report: object): string {
  return bytesDigest(joinMembers(withoutRunTimes(canonicalMembers(report))));
}

/**
 * True when `digest` binds the report file `bytes`: it is the report's digest (above), or the digest
 * of the bytes themselves, as reports written before run times were left out were bound.
 */
export function reportDigestMatches(bytes: Uint8Array, digest: string): boolean {
  if (bytesDigest(bytes) === digest) return true;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return false;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) && reportDigest(value) === digest;
}

/**
 * Writes a report as canonical JSON (RFC 8785) and returns its path and `report-digest` (the canonical
 * JSON without the run times): anyone can recompute the digest from the bytes or the parsed object.
 */
export function writeGateReport(file: string, report: GateReport<object>): { path: string; digest: string } {
  const members = canonicalMembers(report);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, joinMembers(members));
  return { path: file, digest: bytesDigest(joinMembers(withoutRunTimes(members))) };
}

/** `sha256:<hex>` whatever spelling a service returned (`<hex>` or `sha256:<hex>`). */
export function normaliseSha256(digest: string): string {
  return `sha256:${digest.replace(/^sha256:/i, '').toLowerCase()}`;
}

/** Where the policy judging a run came from, as every report's `policy.source` names it: `default`, or the file and the commit. */
export function policySource(policy: { source: 'file' | 'default'; file?: string; ref?: string }): string {
  if (policy.source === 'default') return policy.ref ? `default@${policy.ref}` : 'default';
  return `${policy.file ?? 'policy'}${policy.ref ? `@${policy.ref}` : ''}`;
}

/** The run fields a report records, copied from a wider context (action-kit's RunContext has more). */
export function pickRunContext(context: GateRunContext): GateRunContext {
  return {
    repository: context.repository,
    runId: context.runId,
    runAttempt: context.runAttempt,
    job: context.job,
    workflow: context.workflow,
    workflowRef: context.workflowRef,
    eventName: context.eventName,
    sha: context.sha,
    actor: context.actor,
    ...(context.pullRequest
      ? { pullRequest: { number: context.pullRequest.number, baseSha: context.pullRequest.baseSha, headSha: context.pullRequest.headSha } }
      : {}),
  };
}
