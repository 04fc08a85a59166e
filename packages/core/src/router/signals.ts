import { ConfigError } from '../errors.js';
import { readGateReport, readReportFile, type ReadFile } from '../gate/read-report.js';
import type { RoutingGate, RoutingTier } from '../policy/types.js';
import { RISK_TIERS, ROUTING_GATES, type SignalEntry } from './types.js';

/**
 * Reading `signals`: `${{ toJSON(needs) }}` ({job: {result, outputs}}) or `${{ toJSON(steps) }}`
 * ({id: {outcome, conclusion, outputs}}), and recognising the sibling gates in it by their outputs and,
 * where the file is readable (same job), by their GateReport.
 */

/** Sibling versions this router understands (majors of each gate's action version). */
export const UNDERSTOOD_GATE_MAJORS: Readonly<Record<RoutingGate, readonly number[]>> = Object.freeze({
  'capture-transcript': [0],
  'verify-manifest': [0],
  'diff-scope': [0],
});

/** Outputs only one gate writes: how a gate is recognised when its report is in another job. */
const FINGERPRINT: Readonly<Record<RoutingGate, readonly string[]>> = {
  'capture-transcript': ['transcript-digest', 'tool-violations'],
  'verify-manifest': ['manifest-digest', 'signature-kind'],
  'diff-scope': ['diff-digest', 'risk'],
};

const MAX_SIGNALS_BYTES = 4 * 1024 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parses the `signals` input; an empty one is no signal at all (expected gates then count as missing). */
export function parseSignals(text: string): SignalEntry[] {
  if (text.trim() === '') return [];
  if (Buffer.byteLength(text, 'utf8') > MAX_SIGNALS_BYTES) throw new ConfigError('E_SIGNALS', `input "signals" is larger than ${MAX_SIGNALS_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      'E_SIGNALS',
      `input "signals" is not JSON (${error instanceof Error ? error.message : 'parse error'}); pass \${{ toJSON(needs) }} or \${{ toJSON(steps) }}`,
    );
  }
  if (!isRecord(parsed)) throw new ConfigError('E_SIGNALS', 'input "signals" must be a JSON object of jobs (toJSON(needs)) or steps (toJSON(steps))');
  const entries: SignalEntry[] = [];
  for (const name of Object.keys(parsed).sort()) {
    const value = parsed[name];
    if (!isRecord(value)) throw new ConfigError('E_SIGNALS', `input "signals": entry "${name}" is not an object with result/outcome and outputs`);
    const kind = 'result' in value ? 'job' : 'outcome' in value || 'conclusion' in value ? 'step' : undefined;
    if (!kind) throw new ConfigError('E_SIGNALS', `input "signals": entry "${name}" has neither "result" (toJSON(needs)) nor "outcome" (toJSON(steps))`);
    // A step's outcome is what happened; its conclusion is after continue-on-error, which hides a failure.
    const result = kind === 'job' ? value.result : (value.outcome ?? value.conclusion);
    const outputs: Record<string, string> = {};
    if (value.outputs !== undefined && !isRecord(value.outputs)) throw new ConfigError('E_SIGNALS', `input "signals": "${name}.outputs" is not an object`);
    for (const [key, output] of Object.entries(value.outputs ?? {})) {
      outputs[key] = typeof output === 'string' ? output : JSON.stringify(output);
    }
    entries.push({ name, kind, result: typeof result === 'string' ? result : String(result), outputs });
  }
  return entries;
}

/** What the router learned from one gate's outputs (and report): every field `undefined` when unreadable. */
export interface GateEvidence {
  gate: RoutingGate;
  signal: string;
  result: string;
  verdict?: 'pass' | 'warn' | 'fail';
  /** Why a value could not be read; any makes the signal unreadable. */
  unreadable: string[];
  report: { state: 'verified' | 'mismatch' | 'unread' | 'invalid'; note: string; version?: string; toolName?: string; headSha?: string };
  /** Reason codes with their severity, from the report and the violations outputs. */
  codes: { code: string; severity: string; message?: string }[];
  risk?: RoutingTier;
  complete?: boolean;
  violations?: number;
  toolViolations?: number;
  redactions?: number;
  signatureKind?: string;
  artifactUrl?: string;
  /** The `report-digest` output, when it is a sha256 digest. */
  reportDigest?: string;
}

export type { ReadFile };

/** Which gate wrote these outputs, by the outputs only it writes; undefined for any other job or step. */
export function gateFromOutputs(outputs: Readonly<Record<string, string>>): RoutingGate | undefined {
  return ROUTING_GATES.find((gate) => FINGERPRINT[gate].every((key) => key in outputs));
}

function jsonArray(text: string | undefined): unknown[] | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function count(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

/** The shared reader's findings, in the evidence: a digest that cannot bind the report makes the signal unreadable. */
function readReport(evidence: GateEvidence, outputs: Readonly<Record<string, string>>, readFile: ReadFile): void {
  const read = readGateReport(outputs, readFile);
  if (read.digestProblem) evidence.unreadable.push(read.digestProblem);
  if (read.digest) evidence.reportDigest = read.digest;
  const report = read.report;
  if (read.state !== 'verified' || !report) {
    evidence.report = { state: read.state, note: read.note };
    return;
  }
  evidence.report = {
    state: 'verified',
    note: read.note,
    version: report.version,
    toolName: report.toolName,
    ...(report.headSha !== undefined ? { headSha: report.headSha } : {}),
  };
  if (report.verdict !== outputs.verdict) evidence.unreadable.push(`report verdict ${JSON.stringify(report.verdict)} differs from output verdict`);
  evidence.codes.push(...report.reasons);
}

/** Reads one recognised gate's outputs and, where possible, its report. Never throws on a bad value. */
export function readGateEvidence(entry: SignalEntry, gate: RoutingGate, readFile: ReadFile = readReportFile): GateEvidence {
  const o = entry.outputs;
  const evidence: GateEvidence = { gate, signal: entry.name, result: entry.result, unreadable: [], report: { state: 'unread', note: '' }, codes: [] };
  if (o.verdict === 'pass' || o.verdict === 'warn' || o.verdict === 'fail') evidence.verdict = o.verdict;
  else evidence.unreadable.push(`verdict ${JSON.stringify(o.verdict ?? null)} is not pass, warn or fail`);
  readReport(evidence, o, readFile);
  if (gate === 'capture-transcript') {
    const violations = jsonArray(o['tool-violations']);
    if (violations) evidence.toolViolations = violations.length;
    else evidence.unreadable.push('tool-violations is not a JSON array');
    const redactions = count(o.redactions);
    if (redactions !== undefined) evidence.redactions = redactions;
    else evidence.unreadable.push('redactions is not a count');
    if (o['artifact-url'] && /^https:\/\/[^\s]+$/.test(o['artifact-url'])) evidence.artifactUrl = o['artifact-url'];
  } else if (gate === 'verify-manifest') {
    const kind = o['signature-kind'];
    if (kind === 'none' || kind === 'cosign-key' || kind === 'sigstore-bundle') evidence.signatureKind = kind;
    else evidence.unreadable.push(`signature-kind ${JSON.stringify(kind)} is not none, cosign-key or sigstore-bundle`);
    const violations = jsonArray(o.violations ?? '[]');
    if (!violations) evidence.unreadable.push('violations is not a JSON array');
    for (const v of violations ?? []) {
      if (isRecord(v) && typeof v.code === 'string')
        evidence.codes.push({ code: v.code, severity: 'fail', ...(typeof v.message === 'string' ? { message: v.message } : {}) });
    }
  } else {
    if ((RISK_TIERS as readonly string[]).includes(o.risk ?? '')) evidence.risk = o.risk as RoutingTier;
    else evidence.unreadable.push(`risk ${JSON.stringify(o.risk ?? null)} is not low, medium, high or critical`);
    if (o.complete === 'true' || o.complete === 'false') evidence.complete = o.complete === 'true';
    else evidence.unreadable.push(`complete ${JSON.stringify(o.complete ?? null)} is not true or false`);
    const violations = count(o.violations);
    if (violations !== undefined) evidence.violations = violations;
    else evidence.unreadable.push('violations is not a count');
  }
  return evidence;
}

/** Whether a report's tool version is one this router was built against. */
export function understoodVersion(gate: RoutingGate, version: string): boolean {
  const match = /^(\d+)\.\d+\.\d+(?:[-+].*)?$/.exec(version);
  return match !== null && UNDERSTOOD_GATE_MAJORS[gate].includes(Number(match[1]));
}
