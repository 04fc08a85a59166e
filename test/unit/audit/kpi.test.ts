import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { appendToLog, computeKpis, newEventId, renderKpiMarkdown, type UnsealedEvent } from '@agent-gates/core/audit';
import { run } from '../../../packages/cli/src/commands/kpi.js';
import { decisionEvent } from './events.js';

function outcome(decisionId: string, value: string, timestamp = '2026-12-01T00:00:00.000Z'): UnsealedEvent {
  return {
    schema_version: 1,
    event_id: newEventId(),
    event_type: 'outcome',
    timestamp,
    repository: 'acme/app',
    run: { id: '9', attempt: '1' },
    gates: [],
    outcome: value,
    decision_id: decisionId,
  };
}

async function logs() {
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-kpi-'));
  const a = path.join(dir, 'a.jsonl');
  const b = path.join(dir, 'b.jsonl');
  const approved1 = decisionEvent({ action: 'auto_approve', agent_id: 'claude-code', model: 'm1', usage: { cost_usd: 0.5 } });
  const approved2 = decisionEvent({ action: 'auto_approve', agent_id: 'codex', model: 'm2', usage: { cost_usd: 1.5 } });
  const review = decisionEvent({
    action: 'human_review',
    agent_id: 'codex',
    model: 'm2',
    gates: [{ name: 'diff-scope', verdict: 'fail', rules: ['SCOPE_PROTECTED_PATH'] }],
  });
  const rejected = decisionEvent({ action: 'reject', agent_id: 'claude-code', model: 'm1', agent_run_at: '2026-11-30T09:50:00.000Z' });
  await appendToLog(a, [approved1, review], { chain: true });
  await appendToLog(b, [approved2, rejected], { chain: true });
  // Outcomes arrive later, possibly in another log: approved1 merged then reverted, approved2 merged, review changed by a person.
  await appendToLog(
    a,
    [
      outcome(approved1.event_id, 'merged', '2026-12-01T00:00:00.000Z'),
      outcome(approved1.event_id, 'reverted', '2026-12-02T00:00:00.000Z'),
      outcome(review.event_id, 'changed'),
      outcome(newEventId(), 'merged'),
    ],
    { chain: true },
  );
  await appendToLog(b, [outcome(approved2.event_id, 'merged')], { chain: true });
  return [a, b];
}

describe('KPIs over audit logs', () => {
  it('computes shares, gate failure rates, time to decision, per agent and model, reverted auto-approvals and cost per accepted change', async () => {
    const k = await computeKpis(await logs());
    expect(k.decisions).toEqual({
      total: 4,
      byAction: { auto_approve: 2, human_review: 1, reject: 1 },
      shares: { auto_approve: 0.5, human_review: 0.25, reject: 0.25 },
    });
    expect(k.gates['diff-scope']).toMatchObject({ runs: 4, fail: 1, warn: 3, failureRate: 0.25, rules: { SCOPE_PROTECTED_PATH: 4 } });
    expect(k.gates['capture-transcript']).toMatchObject({ runs: 3, fail: 0 });
    // decisionEvent runs its agent 2 minutes before deciding; the rejected one 10 minutes.
    expect(k.timeToDecision).toEqual({ count: 4, medianSeconds: 120, p90Seconds: 600 });
    expect(k.byAgent.codex).toEqual({ decisions: 2, byAction: { auto_approve: 1, human_review: 1 } });
    expect(k.byModel.m1).toEqual({ decisions: 2, byAction: { auto_approve: 1, reject: 1 } });
    expect(k.outcomes).toEqual({
      total: 5,
      byOutcome: { merged: 3, reverted: 1, changed: 1 },
      unmatched: 1,
      autoApprovedWithOutcome: 2,
      autoApprovedReverted: 1,
      autoApprovalRevertRate: 0.5,
    });
    // Accepted: approved2 (merged, $1.50) and review (changed, $0.05 from decisionEvent); approved1 was reverted.
    expect(k.cost.acceptedChanges).toBe(2);
    expect(k.cost.perAcceptedChangeUsd).toBeCloseTo((1.5 + 0.05) / 2);
  });

  it('renders Markdown with Mermaid charts, and JSON through the CLI', async () => {
    const files = await logs();
    const md = renderKpiMarkdown(await computeKpis(files));
    expect(md).toContain('```mermaid\npie showData title Decisions by action');
    expect(md).toContain('xychart-beta');
    expect(md).toContain('Auto-approvals later reverted: 1 of 2');
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    expect(await run(['--json', ...files], { stdout, stderr: new PassThrough() })).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ decisions: { total: 4 } });
    expect(await run([], { stdout, stderr: new PassThrough() })).toBe(2);
  });
});
