import type { SummaryBuilder } from '@agent-gates/action-kit';
import type { DiffScopeRun } from '@agent-gates/core/diff';

const SHOWN_FINDINGS = 100;
const SHOWN_PATHS = 100;

function shortSha(ref: string): string {
  return /^[0-9a-f]{40,64}$/.test(ref) ? ref.slice(0, 12) : ref;
}

/**
 * diff-scope's part of the step summary, after the shared title, verdict and reasons: what changed,
 * the risk tier and why, then the findings by rule. Paths and messages come from the change and go
 * through the builder's escaping; no added line's text is ever shown.
 */
export function renderDetails(b: SummaryBuilder, run: DiffScopeRun): void {
  const d = run.details;
  const byStatus = Object.entries(d.counts.byStatus)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  b.raw('### What changed\n').table(
    ['field', 'value'],
    [
      ['mode', run.fallback ? `${d.mode} (${run.fallback})` : d.mode],
      ['base → head', `${shortSha(d.base)} → ${shortSha(d.head)}`],
      ['complete', d.complete ? 'yes' : `no: ${d.incomplete.join(' ') || 'the view may miss files'}`],
      ['files', `${d.counts.files}${byStatus ? ` (${byStatus})` : ''}${d.counts.binary > 0 ? `, ${d.counts.binary} binary` : ''}`],
      ['lines', `+${d.counts.added} −${d.counts.deleted}`],
      ['renames', d.renames.note],
      ['diff digest', d.diffDigest],
    ],
  );
  b.raw(`### Risk: ${d.risk.tier}\n`);
  if (d.risk.why.length > 0)
    b.table(
      ['why'],
      d.risk.why.map((w) => [w]),
    );
  if (d.rules.length > 0) {
    b.raw('### By rule\n').table(
      ['rule', 'verdict', 'findings', 'decided by'],
      d.rules.map((r) => [r.rule, r.verdict, String(r.found), r.decidedBy.join(', ')]),
    );
    const rank = { fail: 0, warn: 1, pass: 2 } as const;
    const all = d.rules.flatMap((r) => r.findings.map((f) => ({ rule: r.rule, ...f }))).sort((x, y) => rank[x.severity] - rank[y.severity]);
    b.raw('### Findings\n').table(
      ['severity', 'rule', 'where', 'finding'],
      all
        .slice(0, SHOWN_FINDINGS)
        .map((f) => [f.severity, `${f.rule}/${f.code}`, f.path !== undefined ? `${f.path}${f.line !== undefined ? `:${f.line}` : ''}` : '', f.message]),
    );
    if (all.length > SHOWN_FINDINGS) b.paragraph(`${all.length - SHOWN_FINDINGS} more findings are in the report and the SARIF file.`);
  }
  if (d.claimed) {
    b.raw('### Claimed by the agent\n').paragraph(
      `${d.claimed.claimed} files claimed (${d.claimed.source}); ${d.claimed.unclaimed.length} changed but not claimed; ${d.claimed.claimedNotChanged.length} claimed but not changed.`,
    );
    if (d.claimed.unclaimed.length > 0)
      b.table(
        ['changed, not claimed'],
        d.claimed.unclaimed.slice(0, SHOWN_PATHS).map((p) => [p]),
      );
  }
}
