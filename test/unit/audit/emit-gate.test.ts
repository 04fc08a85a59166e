import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSignals, runAuditEmit, sealEvent, writeSpool, type AuditEmitInputs } from '@agent-gates/core/audit';
import { gateReport, writeGateReport, type GateRunContext } from '@agent-gates/core/gate';
import { defaultPolicy } from '@agent-gates/core/policy';
import { decisionEvent } from './events.js';

const tool = { name: 'agent-gates/audit-emit', version: '0.1.0' };
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const runContext: GateRunContext = {
  repository: 'acme/app',
  runId: '42',
  runAttempt: '1',
  job: 'audit',
  workflow: 'agent',
  workflowRef: 'acme/app/.github/workflows/agent.yml@refs/heads/main',
  eventName: 'pull_request',
  sha: 'c'.repeat(40),
  actor: 'octocat',
};

function workspace(): string {
  return mkdtempSync(path.join(tmpdir(), 'audit-gate-'));
}

function emit(dir: string, signals: string, extra: Partial<AuditEmitInputs> = {}) {
  return runAuditEmit(
    { signals, overrides: { eventType: 'decision' }, sinks: ['file'], sinkHeaders: [], ...extra },
    { context: { ...runContext, workspace: dir, runnerTemp: path.join(dir, 'tmp') }, policy: defaultPolicy(), tool },
  );
}

/** A diff-scope GateReport written under `dir`, with the digest writeGateReport gives it. */
function diffScopeReport(dir: string, verdict: 'pass' | 'warn' = 'pass'): { file: string; digest: string } {
  const report = gateReport({
    tool: { name: 'agent-gates/diff-scope', version: '0.1.0' },
    context: runContext,
    startedAt: new Date('2026-11-30T09:00:00.000Z'),
    finishedAt: new Date('2026-11-30T09:00:01.000Z'),
    policy: { source: 'default', digest: digest('e') },
    verdict,
    reasons: [{ code: 'scope-protected-path', severity: 'warn', message: 'touches CODEOWNERS' }],
    subjects: [],
    details: {},
  });
  const written = writeGateReport(path.join(dir, 'agent-gates', 'diff-scope.json'), report);
  return { file: 'agent-gates/diff-scope.json', digest: written.digest };
}

const scopeOutputs = (extra: Record<string, string>) => ({ verdict: 'pass', 'diff-digest': digest('4'), risk: 'low', 'changed-files': '1', ...extra });

describe('audit-emit verdict without a gate decision', () => {
  it('warns, naming input "signals" and the keys it did not recognise, when signals name no known gate', async () => {
    const dir = workspace();
    const result = await emit(dir, JSON.stringify({ checkout: { result: 'success', outputs: {} }, build: { result: 'success', outputs: { artifact: 'x' } } }));
    expect(result.verdict).toBe('warn');
    const reason = result.reasons.find((r) => r.code === 'AUDIT_NO_GATE');
    expect(reason?.severity).toBe('warn');
    expect(reason?.message).toContain('input "signals"');
    expect(reason?.message).toContain('"checkout"');
    expect(reason?.message).toContain('"build"');
    const report = JSON.parse(readFileSync(result.report.path, 'utf8')) as { verdict: string; reasons: { code: string }[] };
    expect(report.verdict).toBe('warn');
    expect(report.reasons.map((r) => r.code)).toContain('AUDIT_NO_GATE');
  });

  it('warns when signals are empty or an empty object', async () => {
    for (const signals of ['', '{}']) {
      const result = await emit(workspace(), signals);
      expect(result.verdict, signals).toBe('warn');
      expect(result.reasons.find((r) => r.code === 'AUDIT_NO_GATE')?.message).toContain('input "signals"');
    }
  });

  it('still passes when signals name a known gate whose report is in another job', async () => {
    const result = await emit(
      workspace(),
      JSON.stringify({ scope: { result: 'success', outputs: scopeOutputs({ 'report-digest': digest('3'), report: 'elsewhere/diff-scope.json' }) } }),
    );
    expect(result.reasons).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(result.event.gates).toEqual([{ name: 'diff-scope', verdict: 'pass', report_digest: digest('3'), result: 'success' }]);
  });

  it('records an outcome event without signals as it did (the decision it names carries the gates)', async () => {
    const result = await emit(workspace(), '', {
      overrides: { eventType: 'outcome', outcome: 'merged', decisionId: '0b5c6f1e-7a2d-4c3b-9e8f-1a2b3c4d5e6f' },
    });
    expect(result.verdict).toBe('pass');
  });
});

describe('audit-emit reads gate reports with the router reader', () => {
  it('does not record a verdict whose report file is on this runner but no report-digest binds it', async () => {
    const dir = workspace();
    const { file } = diffScopeReport(dir);
    const signals = readSignals(JSON.stringify({ scope: { result: 'success', outputs: scopeOutputs({ report: file }) } }), dir);
    expect(signals.gates).toHaveLength(1);
    expect(signals.gates[0]).toMatchObject({ name: 'diff-scope', verdict: 'missing' });
    expect(signals.gates[0]!.rules).toContain('AUDIT_REPORT_UNVERIFIED');
    expect(signals.notes.join('\n')).toMatch(/diff-scope.*report-digest is missing/);
  });

  it('does not record a verdict whose report does not match its digest', async () => {
    const dir = workspace();
    const { file } = diffScopeReport(dir);
    const signals = readSignals(JSON.stringify({ scope: { result: 'success', outputs: scopeOutputs({ report: file, 'report-digest': digest('9') }) } }), dir);
    expect(signals.gates[0]).toMatchObject({ name: 'diff-scope', verdict: 'missing', report_digest: digest('9') });
    expect(signals.gates[0]!.rules).toContain('AUDIT_REPORT_DIGEST_MISMATCH');
    expect(signals.notes.join('\n')).toContain('does not match report-digest');
  });

  it('does not record a verdict a verified report contradicts, nor one bound to a file that is not a GateReport', async () => {
    const dir = workspace();
    const { file, digest: bound } = diffScopeReport(dir, 'warn');
    const contradicted = readSignals(JSON.stringify({ scope: { result: 'success', outputs: scopeOutputs({ report: file, 'report-digest': bound }) } }), dir);
    expect(contradicted.gates[0]).toMatchObject({ verdict: 'missing' });
    expect(contradicted.notes.join('\n')).toContain('differs from output verdict');

    writeFileSync(path.join(dir, 'not-a-report.json'), '{"hello":"world"}');
    const { bytesDigest } = await import('@agent-gates/core');
    const notReport = readSignals(
      JSON.stringify({
        scope: {
          result: 'success',
          outputs: scopeOutputs({ report: 'not-a-report.json', 'report-digest': bytesDigest(readFileSync(path.join(dir, 'not-a-report.json'))) }),
        },
      }),
      dir,
    );
    expect(notReport.gates[0]).toMatchObject({ verdict: 'missing' });
    expect(notReport.notes.join('\n')).toContain('not a GateReport');
  });

  it('records a verified report with its reasons, and the run start it gives', async () => {
    const dir = workspace();
    const { file, digest: bound } = diffScopeReport(dir);
    const signals = readSignals(JSON.stringify({ scope: { result: 'success', outputs: scopeOutputs({ report: file, 'report-digest': bound }) } }), dir);
    expect(signals.notes).toEqual([]);
    expect(signals.gates[0]).toEqual({
      name: 'diff-scope',
      verdict: 'pass',
      report_digest: bound,
      result: 'success',
      rules: ['scope-protected-path'],
      recognised: true,
    });
    expect(signals.fields.agent_run_at).toBe('2026-11-30T09:00:00.000Z');
  });

  it('records a router without a report digest as unverified, and takes none of its outputs when its report contradicts them', async () => {
    const dir = workspace();
    const outputs = { verdict: 'pass', action: 'auto_approve', 'risk-tier': 'low', confidence: '0.99' };
    const noDigest = readSignals(JSON.stringify({ route: { result: 'success', outputs } }), dir);
    expect(noDigest.gates[0]).toMatchObject({ name: 'confidence-router', verdict: 'missing', rules: ['AUDIT_REPORT_UNVERIFIED'] });
    expect(noDigest.notes.join('\n')).toContain('report-digest is missing');
    expect(noDigest.fields.action).toBe('auto_approve');

    writeFileSync(path.join(dir, 'route.json'), '{"verdict":"fail"}');
    const mismatch = readSignals(
      JSON.stringify({ route: { result: 'success', outputs: { ...outputs, report: 'route.json', 'report-digest': digest('7') } } }),
      dir,
    );
    expect(mismatch.gates[0]).toMatchObject({ name: 'confidence-router', verdict: 'missing', rules: ['AUDIT_REPORT_DIGEST_MISMATCH'] });
    expect(mismatch.fields.action).toBeUndefined();
    expect(mismatch.fields.confidence_score).toBeUndefined();
  });

  it('makes the step warn when a gate report is unverified', async () => {
    const dir = workspace();
    const { file } = diffScopeReport(dir);
    const result = await emit(dir, JSON.stringify({ scope: { result: 'success', outputs: scopeOutputs({ report: file }) } }));
    expect(result.verdict).toBe('warn');
    expect(result.event.gates[0]).toMatchObject({ name: 'diff-scope', verdict: 'missing' });
  });
});

describe('audit-emit on an entry named after a gate but not recognised as one', () => {
  const impostors = JSON.stringify({
    'confidence-router': { result: 'success', outputs: { verdict: 'pass' } },
    'diff-scope': { outputs: { verdict: 'pass' } },
  });

  it('records each as missing with AUDIT_REPORT_UNVERIFIED and a note, never as the gate decision', () => {
    const signals = readSignals(impostors, workspace());
    expect(signals.gates).toEqual([
      { name: 'confidence-router', verdict: 'missing', result: 'success', rules: ['AUDIT_REPORT_UNVERIFIED'], recognised: false },
      { name: 'diff-scope', verdict: 'missing', rules: ['AUDIT_REPORT_UNVERIFIED'], recognised: false },
    ]);
    expect(signals.notes).toHaveLength(2);
    expect(signals.notes.join('\n')).toContain('report-digest is missing');
    expect(signals.notes.join('\n')).toContain('not recognised');
  });

  it('makes the step warn with AUDIT_NO_GATE: a name is not a recognised gate', async () => {
    const result = await emit(workspace(), impostors);
    expect(result.verdict).toBe('warn');
    const codes = result.reasons.map((r) => r.code);
    expect(codes).toContain('AUDIT_NO_GATE');
    expect(codes).toContain('AUDIT_SIGNAL');
    expect(result.event.gates.map((g) => g.verdict)).toEqual(['missing', 'missing']);
    expect(result.event.gates.every((g) => !('recognised' in g))).toBe(true);
  });

  it('does not record it as verified even with a sound report-digest, or a verified report of another tool', () => {
    const dir = workspace();
    const unread = readSignals(
      JSON.stringify({ 'confidence-router': { result: 'success', outputs: { verdict: 'pass', report: 'elsewhere.json', 'report-digest': digest('3') } } }),
      dir,
    );
    expect(unread.gates[0]).toMatchObject({ name: 'confidence-router', verdict: 'missing', rules: ['AUDIT_GATE_UNRECOGNISED'], recognised: false });
    expect(unread.notes.join('\n')).toContain('not recognised');

    const report = gateReport({
      tool: { name: 'acme/lint', version: '1.0.0' },
      context: runContext,
      startedAt: new Date('2026-11-30T09:00:00.000Z'),
      finishedAt: new Date('2026-11-30T09:00:01.000Z'),
      policy: { source: 'default', digest: digest('e') },
      verdict: 'pass',
      reasons: [],
      subjects: [],
      details: {},
    });
    const written = writeGateReport(path.join(dir, 'lint.json'), report);
    const other = readSignals(
      JSON.stringify({ 'diff-scope': { result: 'success', outputs: { verdict: 'pass', report: 'lint.json', 'report-digest': written.digest } } }),
      dir,
    );
    expect(other.gates[0]).toMatchObject({ name: 'diff-scope', verdict: 'missing', report_digest: written.digest, recognised: false });
    expect(other.gates[0]!.rules).toContain('AUDIT_GATE_UNRECOGNISED');
    // The same verified report under its own job name is that job's verdict, as before.
    const named = readSignals(
      JSON.stringify({ lint: { result: 'success', outputs: { verdict: 'pass', report: 'lint.json', 'report-digest': written.digest } } }),
      dir,
    );
    expect(named.gates[0]).toMatchObject({ name: 'lint', verdict: 'pass', recognised: false });
    expect(named.notes).toEqual([]);
  });

  it('holds any entry claiming a verdict to the report-digest check', () => {
    const signals = readSignals(JSON.stringify({ lint: { result: 'success', outputs: { verdict: 'pass' } } }), workspace());
    expect(signals.gates[0]).toMatchObject({ name: 'lint', verdict: 'missing', rules: ['AUDIT_REPORT_UNVERIFIED'], recognised: false });
  });

  it('records a recognised gate beside an impostor without AUDIT_NO_GATE', async () => {
    const result = await emit(
      workspace(),
      JSON.stringify({
        'confidence-router': { result: 'success', outputs: { verdict: 'pass' } },
        scope: { result: 'success', outputs: scopeOutputs({ 'report-digest': digest('3'), report: 'elsewhere/diff-scope.json' }) },
      }),
    );
    expect(result.reasons.map((r) => r.code)).not.toContain('AUDIT_NO_GATE');
    expect(result.event.gates).toEqual([
      { name: 'confidence-router', verdict: 'missing', result: 'success', rules: ['AUDIT_REPORT_UNVERIFIED'] },
      { name: 'diff-scope', verdict: 'pass', report_digest: digest('3'), result: 'success' },
    ]);
  });
});

describe('audit-emit spool', () => {
  it('sets a bad spool line aside once, reading the spool only under its lock', async () => {
    const dir = workspace();
    const spool = path.join(dir, 'agent-gates-audit-spool.jsonl');
    writeSpool(spool, [
      { sink: 'webhook:https://collector.example/x', event: sealEvent(decisionEvent(), null), error: 'down', since: '2026-11-30T10:00:00.000Z' },
    ]);
    writeFileSync(spool, readFileSync(spool, 'utf8') + 'not an entry\n');
    const result = await emit(dir, JSON.stringify({ scope: { result: 'success', outputs: scopeOutputs({ 'report-digest': digest('3') }) } }), {
      spool: 'agent-gates-audit-spool.jsonl',
    });
    const setAside = readdirSync(dir).filter((f) => f.startsWith('agent-gates-audit-spool.jsonl.bad-'));
    expect(setAside).toHaveLength(1);
    expect(readFileSync(path.join(dir, setAside[0]!), 'utf8')).toBe('not an entry\n');
    expect(result.spooled).toBe(1);
    expect(result.verdict).toBe('fail');
  });

  it('with only the file sink and no spool, takes no spool lock and creates nothing beside the log', async () => {
    const dir = workspace();
    const result = await emit(dir, JSON.stringify({ scope: { result: 'success', outputs: scopeOutputs({ 'report-digest': digest('3') }) } }));
    expect(result.verdict).toBe('pass');
    expect(result.delivered.file).toEqual({ line: 1 });
    // The default spool is .agent-gates/audit-spool.jsonl: neither its directory nor its lock appears.
    expect(existsSync(path.join(dir, '.agent-gates'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.lock'))).toEqual([]);
  });

  it('with only the file sink and no spool, does not wait behind a run holding the spool lock', { timeout: 10_000 }, async () => {
    const dir = workspace();
    mkdirSync(path.join(dir, '.agent-gates'));
    // A live writer on this host (this process): never taken over as stale.
    writeFileSync(path.join(dir, '.agent-gates', 'audit-spool.jsonl.lock'), `${process.pid}@${hostname()}`);
    const started = Date.now();
    const result = await emit(dir, JSON.stringify({ scope: { result: 'success', outputs: scopeOutputs({ 'report-digest': digest('3') }) } }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.verdict).toBe('pass');
    expect(readFileSync(path.join(dir, 'agent-gates-audit.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('with only the file sink, still reads a spool that exists under its lock (waiting for the holder)', async () => {
    const dir = workspace();
    const spool = path.join(dir, '.agent-gates', 'audit-spool.jsonl');
    writeSpool(spool, [
      { sink: 'webhook:https://collector.example/x', event: sealEvent(decisionEvent(), null), error: 'down', since: '2026-11-30T10:00:00.000Z' },
    ]);
    const lock = `${spool}.lock`;
    writeFileSync(lock, `${process.pid}@${hostname()}`);
    let done = false;
    const running = emit(dir, JSON.stringify({ scope: { result: 'success', outputs: scopeOutputs({ 'report-digest': digest('3') }) } })).finally(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(done).toBe(false);
    unlinkSync(lock);
    const result = await running;
    expect(result.spooled).toBe(1);
    expect(result.reasons.map((r) => r.code)).toContain('AUDIT_SET_ASIDE');
    expect(existsSync(lock)).toBe(false);
  });
});
