import { gateReport, type GateReport, type GateRunContext } from '../gate/report.js';
import type { Verdict } from '../gate/verdict.js';
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
  policy: { source: string; digest: string };
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
