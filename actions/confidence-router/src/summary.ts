import type { SideEffectResult, SummaryBuilder } from '@agent-gates/action-kit';
import type { RouterDecision } from '@agent-gates/core/router';

const HEADLINE: Record<RouterDecision['action'], string> = { auto_approve: '✅ auto_approve', human_review: '👀 human_review', reject: '⛔ reject' };

/** The router's part of the step summary: the decision in one line, the signals table, then the side effects. */
export function renderDetails(summary: SummaryBuilder, decision: RouterDecision, effects: SideEffectResult): void {
  const threshold = decision.threshold === null ? 'never (critical)' : `≥ ${decision.threshold}`;
  summary.raw(
    `**${HEADLINE[decision.action]}** · confidence **${decision.confidence}** (auto-approve ${threshold}, reject < ${decision.rejectThreshold}) · risk **${decision.riskTier}** · author **${decision.authorKind}**\n`,
  );
  summary.table(
    ['signal', 'value', 'weight', 'contribution', 'note'],
    decision.rows.map((r) => [r.signal, r.value === null ? '—' : String(r.value), String(r.weight), String(r.contribution), r.note]),
  );
  if (effects.outcomes.length > 0) {
    summary.table(
      ['side effect', 'state', 'detail'],
      effects.outcomes.map((o) => [o.effect, o.state, o.detail]),
    );
    for (const o of effects.outcomes) {
      if (o.state !== 'preview' || o.payload === undefined) continue;
      summary.details(`staged ${o.effect}: would write`, typeof o.payload === 'string' ? o.payload : JSON.stringify(o.payload, null, 2), 70_000);
    }
  }
  summary.paragraph(`decision ${decision.decisionDigest}`);
}
