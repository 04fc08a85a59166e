import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gateReport, writeGateReport, type GateReason, type Verdict } from '@agent-gates/core/gate';
import { defaultPolicy, type RoutingPolicy } from '@agent-gates/core/policy';
import type { RoutingGate } from '@agent-gates/core/policy';

/*
 * Builders for the router's tests: sibling gates' outputs exactly as their action.yml files document
 * them, and real GateReport files (canonical JSON, so their digest is the `report-digest` output).
 */

const DIGEST = (c: string) => `sha256:${c.repeat(64)}`;
let reportDir: string | undefined;

export interface GateOptions {
  verdict?: Verdict | string;
  reasons?: GateReason[];
  /** Write the report file (same job); `false` leaves only its digest (another job). */
  writeReport?: boolean;
  version?: string;
  toolName?: string;
  outputs?: Record<string, string>;
  /** The pull request head the gate judged, recorded in its report. */
  headSha?: string;
}

/** A sibling gate's outputs, with its report written to a temp dir when asked. */
export function gateOutputs(gate: RoutingGate, options: GateOptions = {}): Record<string, string> {
  const verdict = options.verdict ?? 'pass';
  const own: Record<string, Record<string, string>> = {
    'capture-transcript': {
      'transcript-digest': DIGEST('a'),
      'tool-violations': '[]',
      redactions: '0',
      models: '["claude-sonnet-4-5"]',
      'artifact-url': 'https://github.localhost/acme/widgets/actions/runs/1/artifacts/7',
    },
    'verify-manifest': {
      model: 'claude-sonnet-4-5',
      'model-version': '20250929',
      fingerprint: 'fp',
      'manifest-digest': DIGEST('b'),
      signer: 'SHA256:abc',
      'signature-kind': 'cosign-key',
      violations: '[]',
    },
    'diff-scope': {
      risk: 'low',
      violations: '0',
      'changed-files': '2',
      'added-lines': '10',
      'deleted-lines': '1',
      'diff-digest': DIGEST('c'),
      'unclaimed-files': '[]',
      complete: 'true',
    },
  };
  const outputs: Record<string, string> = { verdict, report: '', 'report-digest': DIGEST('d'), ...own[gate], ...options.outputs };
  if (options.writeReport !== false) {
    reportDir ??= mkdtempSync(path.join(tmpdir(), 'router-reports-'));
    const report = gateReport({
      tool: { name: options.toolName ?? `agent-gates/${gate}`, version: options.version ?? '0.1.0' },
      context: {
        repository: 'acme/widgets',
        runId: '1',
        runAttempt: '1',
        job: 'gates',
        workflow: 'w',
        workflowRef: 'r',
        eventName: 'pull_request',
        sha: 'f'.repeat(40),
        actor: 'a',
        ...(options.headSha ? { pullRequest: { number: 7, baseSha: '0'.repeat(40), headSha: options.headSha } } : {}),
      },
      startedAt: new Date(0),
      finishedAt: new Date(0),
      policy: { source: 'default', digest: DIGEST('e') },
      verdict: verdict as Verdict,
      reasons: options.reasons ?? [],
      subjects: [],
      details: {},
    });
    const file = path.join(reportDir, `${gate}-${Math.random().toString(36).slice(2)}.json`);
    const written = writeGateReport(file, report);
    outputs.report = written.path;
    outputs['report-digest'] = written.digest;
  }
  return { ...outputs, ...options.outputs };
}

export const job = (outputs: Record<string, string>, result = 'success') => ({ result, outputs });

/** `toJSON(needs)` of three passing gate jobs, with overrides per job. */
export function needs(over: Partial<Record<RoutingGate, GateOptions | null>> = {}, extra: Record<string, unknown> = {}): string {
  const value: Record<string, unknown> = {};
  const names: Record<RoutingGate, string> = { 'capture-transcript': 'capture', 'verify-manifest': 'manifest', 'diff-scope': 'scope' };
  for (const gate of ['capture-transcript', 'verify-manifest', 'diff-scope'] as const) {
    const options = over[gate];
    if (options === null) continue;
    value[names[gate]] = job(gateOutputs(gate, options ?? {}));
  }
  return JSON.stringify({ ...value, ...extra });
}

export function routingPolicy(over: Partial<RoutingPolicy> = {}): RoutingPolicy {
  return { ...defaultPolicy().policy.routing, ...over };
}

/** Weights that make the confidence equal `agent-confidence`, to put it exactly at a threshold. */
export const CONFIDENCE_ONLY = { gates: 0, tests: 0, reviewScore: 0, agentConfidence: 1, vulnerabilities: 0 } as const;
export const SEED_THRESHOLDS = { low: 0.6, medium: 0.75, high: 0.9 } as const;
