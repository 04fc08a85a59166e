import type { SummaryBuilder } from '@agent-gates/action-kit';
import type { AuditEmitResult } from '@agent-gates/core/audit';

/**
 * audit-emit's part of the step summary. The chain head is written here as well as in the outputs:
 * kept outside the log, it is what reveals a log whose end was cut off.
 */
export function renderDetails(b: SummaryBuilder, result: AuditEmitResult): void {
  const e = result.event;
  b.table(
    ['field', 'value'],
    [
      ['event', `${e.event_type} ${e.event_id}`],
      ['event digest', e.digest],
      ['chain head', result.chainHead],
      ['previous event', e.prev ?? 'none (first of its log)'],
      ['agent / model', `${e.agent_id ?? 'unknown'} / ${e.model ?? 'unknown'}`],
      ['action', e.action ?? 'none recorded'],
      ['gates', e.gates.map((g) => `${g.name}: ${g.verdict}`).join(', ') || 'none recorded'],
      ['left in the spool', String(result.spooled)],
    ],
  );
  const rows = Object.entries(result.delivered).map(([sink, d]) => [sink, JSON.stringify(d)]);
  if (rows.length > 0) b.raw('### Sinks\n').table(['sink', 'result'], rows);
}
