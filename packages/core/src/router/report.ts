import path from 'node:path';
import {
  gateReport,
  pickRunContext,
  reportPolicy,
  writeGateReport,
  type GateReason,
  type GateReport,
  type GateRunContext,
  type ReportPolicy,
} from '../gate/report.js';
import { worstVerdict, type Verdict } from '../gate/verdict.js';
import type { LoadedPolicy } from '../policy/types.js';
import type { RouterAction, RouterDecision } from './types.js';

/** The gate verdict of a decision, so `fail-on` reads as everywhere: `fail` stops on reject, `warn` on human_review too. */
export const ROUTER_VERDICT: Readonly<Record<RouterAction, Verdict>> = Object.freeze({ auto_approve: 'pass', human_review: 'warn', reject: 'fail' });

export type RouterReportDetails = Omit<RouterDecision, 'reasons'>;

/** The router's GateReport: the envelope, the decision as details, and the gate reports it judged as subjects. */
export function routerReport(fields: {
  decision: RouterDecision;
  verdict: Verdict;
  tool: { name: string; version: string };
  context: GateRunContext;
  startedAt: Date;
  finishedAt: Date;
  policy: ReportPolicy;
}): GateReport<RouterReportDetails> {
  const { reasons, ...details } = fields.decision;
  return gateReport({
    tool: fields.tool,
    context: fields.context,
    startedAt: fields.startedAt,
    finishedAt: fields.finishedAt,
    policy: fields.policy,
    verdict: fields.verdict,
    reasons: reasons.map((r) => ({ code: r.code, severity: r.severity, message: r.message })),
    subjects: [
      ...fields.decision.gates.filter((g) => g.reportDigest).map((g) => ({ name: `${g.gate}:${g.signal}`, digest: g.reportDigest })),
      { name: 'decision', digest: fields.decision.decisionDigest },
    ],
    details,
  });
}

/** A side effect that finally failed, as the executor reports it. */
export interface FailedEffect {
  effect: string;
  detail: string;
}

/**
 * The router's conclusion once its side effects ran: the decision's reasons plus one `fail` reason per
 * side effect that failed, the verdict the worst of them and of the decision, and the report written
 * under `outputDir`. One place for it, so the action only wires inputs and outputs.
 */
export function concludeRoute(fields: {
  decision: RouterDecision;
  failedEffects: readonly FailedEffect[];
  tool: { name: string; version: string };
  context: GateRunContext;
  startedAt: Date;
  policy: LoadedPolicy;
  outputDir: string;
}): { verdict: Verdict; reasons: GateReason[]; report: { path: string; digest: string } } {
  const reasons: GateReason[] = fields.decision.reasons.map((r) => ({ code: r.code, severity: r.severity, message: r.message }));
  for (const failed of fields.failedEffects) reasons.push({ code: 'side-effect-failed', severity: 'fail', message: `${failed.effect}: ${failed.detail}` });
  const verdict = worstVerdict([ROUTER_VERDICT[fields.decision.action], ...reasons.map((r) => r.severity)]);
  const report = routerReport({
    decision: { ...fields.decision, reasons },
    verdict,
    tool: fields.tool,
    context: pickRunContext(fields.context),
    startedAt: fields.startedAt,
    finishedAt: new Date(),
    policy: reportPolicy(fields.policy),
  });
  return { verdict, reasons, report: writeGateReport(path.join(fields.outputDir, 'agent-gates', 'confidence-router.json'), report) };
}

/** The `reasons` output: each weighted signal, then each cap that bounded the decision (weight 0). */
export function reasonRows(decision: RouterDecision): RouterDecision['rows'] {
  const capped = decision.reasons
    .filter((r) => r.cap)
    .map((r) => ({ signal: r.code, value: r.signal ?? null, weight: 0, contribution: 0, note: `${r.cap}: ${r.message}` }));
  return [...decision.rows, ...capped] as RouterDecision['rows'];
}
