import path from 'node:path';
import { ConfigError } from '../errors.js';
import { readGateReport, readReportFile } from '../gate/read-report.js';
import type { AuditEvent, AuditGate, AuditVerdict } from './event.js';

/** The gates whose outputs fill the event, recognised by what they output. */
export const KNOWN_GATES = ['capture-transcript', 'verify-manifest', 'diff-scope', 'confidence-router'] as const;
export type KnownGate = (typeof KNOWN_GATES)[number];

/** One entry of the event's `gates`, with whether it was recognised as an agent-gates gate. */
export interface SignalGate extends AuditGate {
  /** Recognised by its verified report's tool or by outputs only that gate writes; never by its name. Not part of the event. */
  recognised: boolean;
}

/** What the gates said, as far as an event records it. */
export interface SignalFields {
  gates: SignalGate[];
  fields: Partial<AuditEvent>;
  /** Problems worth a warning (a report whose digest does not match, a signal that is not a gate). */
  notes: string[];
  /** Keys of `signals` that name no gate (a checkout, a build, the agent itself). */
  unrecognised: string[];
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const VERDICTS = new Set(['pass', 'warn', 'fail']);

function recognise(outputs: Record<string, string>, reportTool: string | undefined): string | undefined {
  const fromReport = reportTool?.replace(/^agent-gates\//, '');
  if (fromReport && (KNOWN_GATES as readonly string[]).includes(fromReport)) return fromReport;
  if ('transcript-digest' in outputs) return 'capture-transcript';
  if ('manifest-digest' in outputs || 'signature-kind' in outputs) return 'verify-manifest';
  if ('diff-digest' in outputs || 'changed-files' in outputs) return 'diff-scope';
  if ('decision-digest' in outputs || ('action' in outputs && 'risk-tier' in outputs)) return 'confidence-router';
  return undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 4096) : undefined;
}

function digestOf(value: unknown): string | undefined {
  return typeof value === 'string' && DIGEST.test(value) ? value : undefined;
}

function jsonOf(value: string | undefined): unknown {
  if (!value) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function usageOf(value: string | undefined): AuditEvent['usage'] | undefined {
  const usage = jsonOf(value) as Record<string, unknown> | undefined;
  if (!usage || typeof usage !== 'object') return undefined;
  const count = (n: unknown) => (typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined);
  const input = count(usage.inputTokens ?? usage.input_tokens);
  const output = count(usage.outputTokens ?? usage.output_tokens);
  const cost = usage.costUsd ?? usage.cost_usd;
  const result = {
    ...(input !== undefined ? { input_tokens: input } : {}),
    ...(output !== undefined ? { output_tokens: output } : {}),
    ...(typeof cost === 'number' && cost >= 0 && Number.isFinite(cost) ? { cost_usd: cost } : {}),
  };
  return Object.keys(result).length > 0 ? result : undefined;
}

/**
 * Reads `signals` (`${{ toJSON(needs) }}` or `${{ toJSON(steps) }}`): each job or step with its
 * `result` (or `outcome`/`conclusion`) and `outputs`. A gate is recognised by its report's tool or
 * by the outputs only it writes; its report is read when it is on this runner and its digest is
 * the one the gate output. Text that is not a JSON object is E_AUDIT_SIGNALS.
 */
export function readSignals(text: string, workspace: string): SignalFields {
  const result: SignalFields = { gates: [], fields: {}, notes: [], unrecognised: [] };
  if (text.trim() === '') return result;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('E_AUDIT_SIGNALS', `input "signals" is not JSON (${(error as Error).message}); pass \${{ toJSON(needs) }} or \${{ toJSON(steps) }}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('E_AUDIT_SIGNALS', 'input "signals" must be a JSON object of jobs or steps (${{ toJSON(needs) }} or ${{ toJSON(steps) }})');
  }
  const f = result.fields;
  const runStarts: string[] = [];
  for (const [id, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (entry === null || typeof entry !== 'object') throw new ConfigError('E_AUDIT_SIGNALS', `input "signals": "${id}" is not an object with outputs`);
    const record = entry as { outputs?: unknown; result?: unknown; outcome?: unknown; conclusion?: unknown };
    const outputs: Record<string, string> = {};
    if (record.outputs && typeof record.outputs === 'object') {
      for (const [key, value] of Object.entries(record.outputs as Record<string, unknown>)) if (typeof value === 'string') outputs[key] = value;
    }
    const jobResult = nonEmpty(record.result) ?? nonEmpty(record.conclusion) ?? nonEmpty(record.outcome);
    // The router's reader: a report is the gate's verified decision only when its digest binds it.
    const read = readGateReport(outputs, (file) => readReportFile(path.resolve(workspace, file)));
    const report = read.state === 'verified' ? read.report : undefined;
    const known = recognise(outputs, report?.toolName);
    /** A job or step named after a gate that neither its verified report nor its outputs show to be that gate. */
    const namedAfterGate = !known && (KNOWN_GATES as readonly string[]).includes(id);
    if (!known && !namedAfterGate && !('verdict' in outputs)) {
      // A job or step that is not a gate (checkout, the agent itself): only its failure is worth a word.
      result.unrecognised.push(id);
      continue;
    }
    const name = known ?? id;
    const rules: string[] = [];
    let unverified: string | undefined;
    /** A report on this runner that contradicts the outputs: then they are not used either. */
    let contradicted = false;
    // Every agent-gates gate outputs a report digest, and whatever claims a verdict or a gate's name is
    // held to it: no digest that binds a report, no verified decision.
    if (read.state === 'mismatch') {
      rules.push('AUDIT_REPORT_DIGEST_MISMATCH');
      unverified = read.note;
      contradicted = true;
    } else if (read.digestProblem) {
      rules.push('AUDIT_REPORT_UNVERIFIED');
      unverified = read.digestProblem;
    } else if (read.state === 'invalid' && !read.digestProblem) {
      rules.push('AUDIT_REPORT_INVALID');
      unverified = read.note;
      contradicted = true;
    } else if (report && report.verdict !== outputs.verdict) {
      rules.push('AUDIT_REPORT_VERDICT_MISMATCH');
      unverified = `report verdict ${JSON.stringify(report.verdict)} differs from output verdict ${JSON.stringify(outputs.verdict ?? null)}`;
      contradicted = true;
    } else if (namedAfterGate) {
      // Its report is elsewhere or another tool's: under a gate's name it would pass for that gate's decision.
      rules.push('AUDIT_GATE_UNRECOGNISED');
      unverified = `named after a gate but not recognised as it (${report ? `its report names tool ${JSON.stringify(report.toolName)}` : 'no report verified here'}, and none of the outputs only that gate writes)`;
    }
    if (namedAfterGate && unverified && !rules.includes('AUDIT_GATE_UNRECOGNISED')) unverified += '; not recognised as the gate it is named after';
    if (unverified) {
      const outputsUsed = contradicted ? 'its outputs are not used' : 'its other outputs are recorded as it gave them';
      result.notes.push(`${name} ("${id}"): ${unverified}; its verdict is recorded as missing, not as a verified decision, and ${outputsUsed}`);
    }
    const verdict: AuditVerdict = !unverified && VERDICTS.has(outputs.verdict ?? '') ? (outputs.verdict as AuditVerdict) : 'missing';
    const reportDigest = read.digest;
    for (const reason of report?.reasons ?? []) {
      const code = nonEmpty(reason.code);
      if (code && reason.severity !== 'pass' && !rules.includes(code)) rules.push(code);
    }
    const started = nonEmpty(report?.startedAt);
    if (started && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(started)) runStarts.push(started);
    if (result.gates.some((g) => g.name === name)) result.notes.push(`${name} reported more than once (also as "${id}"); each is recorded`);
    result.gates.push({
      name,
      verdict,
      ...(reportDigest ? { report_digest: reportDigest } : {}),
      ...(jobResult ? { result: jobResult } : {}),
      ...(rules.length > 0 ? { rules: rules.slice(0, 200) } : {}),
      recognised: known !== undefined,
    });
    // Outputs a report on this runner contradicts are not the gate's decision: none fills the event.
    if (contradicted) continue;

    if (known === 'capture-transcript') {
      f.agent_id ??= nonEmpty(outputs.agent);
      f.agent_version ??= nonEmpty(outputs['agent-version']);
      f.model ??= nonEmpty(outputs.model);
      const models = jsonOf(outputs.models);
      if (Array.isArray(models)) f.models ??= models.filter((m): m is string => typeof m === 'string' && m !== '').slice(0, 100);
      f.prompt_id ??= nonEmpty(outputs['session-id']);
      f.transcript_digest ??= digestOf(outputs['transcript-digest']);
      f.usage ??= usageOf(outputs.usage);
    } else if (known === 'verify-manifest') {
      f.manifest_digest ??= digestOf(outputs['manifest-digest']);
      f.model ??= nonEmpty(outputs.model);
    } else if (known === 'diff-scope') {
      f.diff_digest ??= digestOf(outputs['diff-digest']);
      f.risk_tier ??= nonEmpty(outputs.risk);
    } else if (known === 'confidence-router') {
      f.action = nonEmpty(outputs.action) ?? f.action;
      const confidence = Number(outputs.confidence);
      if (outputs.confidence && Number.isFinite(confidence) && confidence >= 0 && confidence <= 1) f.confidence_score = confidence;
      f.risk_tier = nonEmpty(outputs['risk-tier']) ?? f.risk_tier;
      const reasons = jsonOf(outputs.reasons);
      if (Array.isArray(reasons))
        f.reasons = reasons.filter((r): r is Record<string, unknown> => !!r && typeof r === 'object' && !Array.isArray(r)).slice(0, 200);
      f.decision_digest ??= digestOf(outputs['decision-digest']);
    }
  }
  runStarts.sort();
  if (runStarts[0]) f.agent_run_at = runStarts[0];
  for (const key of Object.keys(f) as (keyof typeof f)[]) if (f[key] === undefined) delete f[key];
  return result;
}
