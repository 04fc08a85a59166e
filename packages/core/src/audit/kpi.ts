import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AuditEvent } from './event.js';

/** The figures teams track over audit logs (`agent-gates kpi`). Shares are 0–1; times in seconds. */
export interface AuditKpis {
  events: number;
  unreadableLines: number;
  decisions: { total: number; byAction: Record<string, number>; shares: Record<string, number> };
  gates: Record<string, { runs: number; fail: number; warn: number; failureRate: number; rules: Record<string, number> }>;
  timeToDecision: { count: number; medianSeconds: number | null; p90Seconds: number | null };
  byAgent: Record<string, { decisions: number; byAction: Record<string, number> }>;
  byModel: Record<string, { decisions: number; byAction: Record<string, number> }>;
  outcomes: {
    total: number;
    byOutcome: Record<string, number>;
    /** Outcome events whose decision is in none of the logs. */
    unmatched: number;
    autoApprovedWithOutcome: number;
    autoApprovedReverted: number;
    autoApprovalRevertRate: number | null;
  };
  cost: { acceptedChanges: number; acceptedWithCost: number; totalUsd: number; perAcceptedChangeUsd: number | null };
}

const ACCEPTED = new Set(['merged', 'changed']);

function bump(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Reads one or many logs, streaming, and computes the KPIs; outcome events link to decisions by id. */
export async function computeKpis(logs: readonly string[]): Promise<AuditKpis> {
  const decisions = new Map<string, AuditEvent>();
  const outcomes: AuditEvent[] = [];
  let events = 0;
  let unreadableLines = 0;
  for (const log of logs) {
    const lines = createInterface({ input: createReadStream(log), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let event: AuditEvent;
      try {
        event = JSON.parse(line) as AuditEvent;
        if (event.schema_version !== 1 || typeof event.event_id !== 'string') throw new Error('not an event');
      } catch {
        unreadableLines++;
        continue;
      }
      events++;
      if (event.event_type === 'outcome') outcomes.push(event);
      else decisions.set(event.event_id, event);
    }
  }

  const k: AuditKpis = {
    events,
    unreadableLines,
    decisions: { total: decisions.size, byAction: {}, shares: {} },
    gates: {},
    timeToDecision: { count: 0, medianSeconds: null, p90Seconds: null },
    byAgent: {},
    byModel: {},
    outcomes: { total: outcomes.length, byOutcome: {}, unmatched: 0, autoApprovedWithOutcome: 0, autoApprovedReverted: 0, autoApprovalRevertRate: null },
    cost: { acceptedChanges: 0, acceptedWithCost: 0, totalUsd: 0, perAcceptedChangeUsd: null },
  };
  const waits: number[] = [];
  for (const d of decisions.values()) {
    const action = d.action ?? 'none';
    bump(k.decisions.byAction, action);
    for (const [key, table] of [
      [d.agent_id ?? 'unknown', k.byAgent],
      [d.model ?? 'unknown', k.byModel],
    ] as const) {
      table[key] ??= { decisions: 0, byAction: {} };
      table[key].decisions++;
      bump(table[key].byAction, action);
    }
    for (const gate of d.gates ?? []) {
      const g = (k.gates[gate.name] ??= { runs: 0, fail: 0, warn: 0, failureRate: 0, rules: {} });
      g.runs++;
      if (gate.verdict === 'fail' || gate.verdict === 'missing') g.fail++;
      if (gate.verdict === 'warn') g.warn++;
      for (const rule of gate.rules ?? []) bump(g.rules, rule);
    }
    if (d.agent_run_at) {
      const seconds = (Date.parse(d.timestamp) - Date.parse(d.agent_run_at)) / 1000;
      if (Number.isFinite(seconds) && seconds >= 0) waits.push(seconds);
    }
  }
  for (const [action, n] of Object.entries(k.decisions.byAction)) k.decisions.shares[action] = n / k.decisions.total;
  for (const g of Object.values(k.gates)) g.failureRate = g.runs > 0 ? g.fail / g.runs : 0;
  waits.sort((a, b) => a - b);
  k.timeToDecision = { count: waits.length, medianSeconds: quantile(waits, 0.5), p90Seconds: quantile(waits, 0.9) };

  // The latest outcome of each decision is what happened to it.
  const latest = new Map<string, AuditEvent>();
  for (const o of outcomes) {
    bump(k.outcomes.byOutcome, o.outcome ?? 'unknown');
    const decision = o.decision_id ? decisions.get(o.decision_id) : undefined;
    if (!decision) {
      k.outcomes.unmatched++;
      continue;
    }
    const previous = latest.get(decision.event_id);
    if (!previous || previous.timestamp <= o.timestamp) latest.set(decision.event_id, o);
  }
  for (const [id, o] of latest) {
    const decision = decisions.get(id)!;
    if (decision.action === 'auto_approve') {
      k.outcomes.autoApprovedWithOutcome++;
      if (o.outcome === 'reverted') k.outcomes.autoApprovedReverted++;
    }
    if (ACCEPTED.has(o.outcome ?? '')) {
      k.cost.acceptedChanges++;
      if (decision.usage?.cost_usd !== undefined) {
        k.cost.acceptedWithCost++;
        k.cost.totalUsd += decision.usage.cost_usd;
      }
    }
  }
  k.outcomes.autoApprovalRevertRate = k.outcomes.autoApprovedWithOutcome > 0 ? k.outcomes.autoApprovedReverted / k.outcomes.autoApprovedWithOutcome : null;
  k.cost.perAcceptedChangeUsd = k.cost.acceptedWithCost > 0 ? k.cost.totalUsd / k.cost.acceptedWithCost : null;
  return k;
}

const pct = (share: number | null) => (share === null ? 'n/a' : `${(share * 100).toFixed(1)}%`);
const label = (text: string) => text.replace(/["`\n\r|<>]/g, ' ').slice(0, 60);

/** The KPIs as Markdown, with Mermaid charts GitHub renders. */
export function renderKpiMarkdown(k: AuditKpis): string {
  const out: string[] = [
    '# Agent change KPIs',
    '',
    `${k.decisions.total} decisions, ${k.outcomes.total} outcome events, ${k.events} events read${k.unreadableLines ? `, ${k.unreadableLines} unreadable lines skipped` : ''}.`,
    '',
  ];
  out.push('## Decisions', '');
  if (k.decisions.total > 0) {
    out.push('```mermaid', 'pie showData title Decisions by action');
    for (const [action, n] of Object.entries(k.decisions.byAction)) out.push(`  "${label(action)}" : ${n}`);
    out.push('```', '');
  }
  out.push('| action | decisions | share |', '|---|---|---|');
  for (const [action, n] of Object.entries(k.decisions.byAction)) out.push(`| ${label(action)} | ${n} | ${pct(k.decisions.shares[action] ?? 0)} |`);
  out.push('', '## Gate failure rates', '');
  const gates = Object.entries(k.gates);
  if (gates.length > 0) {
    out.push(
      '```mermaid',
      'xychart-beta',
      '  title "Gate failure rate (%)"',
      `  x-axis [${gates.map(([name]) => `"${label(name)}"`).join(', ')}]`,
      '  y-axis "failed %" 0 --> 100',
      `  bar [${gates.map(([, g]) => (g.failureRate * 100).toFixed(1)).join(', ')}]`,
      '```',
      '',
    );
    out.push('| gate | runs | failed | warned | failure rate | top rules |', '|---|---|---|---|---|---|');
    for (const [name, g] of gates) {
      const rules = Object.entries(g.rules)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([r, n]) => `${label(r)} (${n})`)
        .join(', ');
      out.push(`| ${label(name)} | ${g.runs} | ${g.fail} | ${g.warn} | ${pct(g.failureRate)} | ${rules} |`);
    }
    out.push('');
  }
  const t = k.timeToDecision;
  out.push(
    '## Time from agent run to decision',
    '',
    t.count > 0
      ? `median ${t.medianSeconds!.toFixed(0)} s, p90 ${t.p90Seconds!.toFixed(0)} s over ${t.count} decisions.`
      : 'No decision recorded when its agent ran.',
    '',
  );
  for (const [title, table] of [
    ['Per agent', k.byAgent],
    ['Per model', k.byModel],
  ] as const) {
    out.push(`## ${title}`, '', '| name | decisions | auto-approved | review | rejected |', '|---|---|---|---|---|');
    for (const [name, row] of Object.entries(table)) {
      const share = (a: string) => pct((row.byAction[a] ?? 0) / row.decisions);
      out.push(`| ${label(name)} | ${row.decisions} | ${share('auto_approve')} | ${share('human_review')} | ${share('reject')} |`);
    }
    out.push('');
  }
  const o = k.outcomes;
  out.push(
    '## Outcomes',
    '',
    `Auto-approvals later reverted: ${o.autoApprovedReverted} of ${o.autoApprovedWithOutcome} with a recorded outcome (${pct(o.autoApprovalRevertRate)}).`,
    '',
  );
  out.push(
    `Cost per accepted change: ${k.cost.perAcceptedChangeUsd === null ? 'n/a (no accepted change with recorded usage)' : `$${k.cost.perAcceptedChangeUsd.toFixed(4)} over ${k.cost.acceptedWithCost} accepted changes with usage`}.`,
    '',
  );
  if (o.unmatched > 0) out.push(`${o.unmatched} outcome event(s) name a decision in none of these logs.`, '');
  return out.join('\n');
}
