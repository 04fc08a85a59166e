import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSignals } from '@agent-gates/core/audit';
import { gateReport, writeGateReport } from '@agent-gates/core/gate';
import { route, parseRouterInputs, readGateEvidence, type RawRouterInputs } from '@agent-gates/core/router';
import { MAX_REPORT_BYTES, readGateReport, readReportFile } from '../../../packages/core/src/gate/read-report.js';
import { gateOutputs, routingPolicy } from '../router/builders.js';

/*
 * The reader the router and audit-emit share, on a report path taken from job outputs: a FIFO must not
 * block it, and a file named as the report that is there but cannot be one (a FIFO, a directory, larger
 * than MAX_REPORT_BYTES) is `invalid`, never `unread` (judged on outputs).
 */

const DIGEST = `sha256:${'d'.repeat(64)}`;

function dir(): string {
  return mkdtempSync(path.join(tmpdir(), 'read-report-'));
}

/**
 * A FIFO nobody writes to, and a writer that opens it 2 s later: were the reader to block in open(),
 * that writer is all that would release it, so a blocking reader fails on time instead of hanging.
 */
function fifo(where: string): { file: string; stop: () => void } {
  const file = path.join(where, 'report.json');
  const made = spawnSync('mkfifo', [file]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr.toString()}`);
  const writer = spawn('sh', ['-c', 'sleep 2; exec 3>"$1"', 'sh', file], { stdio: 'ignore' });
  return { file, stop: () => writer.kill('SIGKILL') };
}

function oversized(where: string): string {
  const file = path.join(where, 'big.json');
  writeFileSync(file, '');
  truncateSync(file, MAX_REPORT_BYTES + 1);
  return file;
}

/** A real diff-scope GateReport at `file`, returning the digest that binds it. */
function realReport(file: string): string {
  const report = gateReport({
    tool: { name: 'agent-gates/diff-scope', version: '0.1.0' },
    context: {
      repository: 'acme/app',
      runId: '1',
      runAttempt: '1',
      job: 'j',
      workflow: 'w',
      workflowRef: 'r',
      eventName: 'push',
      sha: 'c'.repeat(40),
      actor: 'a',
    },
    startedAt: new Date(0),
    finishedAt: new Date(0),
    policy: { source: 'default', digest: `sha256:${'e'.repeat(64)}` },
    verdict: 'pass',
    reasons: [],
    subjects: [],
    details: {},
  });
  return writeGateReport(file, report).digest;
}

describe('readReportFile', () => {
  it('returns promptly on a FIFO nobody writes to, as a file that cannot be a report', () => {
    const where = dir();
    const { file, stop } = fifo(where);
    try {
      const started = Date.now();
      const result = readReportFile(file);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(1000);
      expect(result).toMatchObject({ unusable: expect.stringContaining('not a regular file') });
    } finally {
      stop();
    }
  });

  it('reads a regular file, gives undefined for an absent one, and refuses a directory and a file over the cap', () => {
    const where = dir();
    writeFileSync(path.join(where, 'r.json'), '{"a":1}');
    expect(Buffer.isBuffer(readReportFile(path.join(where, 'r.json')))).toBe(true);
    expect(readReportFile(path.join(where, 'absent.json'))).toBeUndefined();
    expect(readReportFile(path.join(where, 'absent', 'r.json'))).toBeUndefined();
    mkdirSync(path.join(where, 'sub'));
    expect(readReportFile(path.join(where, 'sub'))).toMatchObject({ unusable: expect.stringContaining('not a regular file') });
    expect(readReportFile(oversized(where))).toMatchObject({ unusable: expect.stringContaining(String(MAX_REPORT_BYTES)) });
  });
});

describe('readGateReport on a report that is present but unusable', () => {
  it('is invalid, not unread, for a FIFO, a directory and an oversized file; unread only when absent', () => {
    const where = dir();
    mkdirSync(path.join(where, 'sub'));
    const pipe = fifo(where);
    try {
      for (const file of [pipe.file, path.join(where, 'sub'), oversized(where)]) {
        const started = Date.now();
        const read = readGateReport({ verdict: 'pass', report: file, 'report-digest': DIGEST });
        expect(Date.now() - started, file).toBeLessThan(1000);
        expect(read.state, file).toBe('invalid');
        expect(read.note, file).toMatch(/not judged on outputs/);
        expect(read.digest).toBe(DIGEST);
        expect(read.digestProblem).toBeUndefined();
      }
    } finally {
      pipe.stop();
    }
    expect(readGateReport({ verdict: 'pass', report: path.join(where, 'absent.json'), 'report-digest': DIGEST }).state).toBe('unread');
  });

  it('makes the router treat the signal as unreadable, not as a report in another job', () => {
    const where = dir();
    const outputs = { ...gateOutputs('diff-scope', { writeReport: false }), report: oversized(where) };
    expect(readGateEvidence({ name: 'scope', kind: 'job', result: 'success', outputs }, 'diff-scope').report.state).toBe('invalid');
    const raw = {
      signals: JSON.stringify({ scope: { result: 'success', outputs } }),
      reviewScore: '95',
      reviewRisk: '',
      agentConfidence: '0.9',
      tests: 'passed',
      vulnerabilities: '0',
      authorKind: 'auto',
      expectedSignals: [],
    } as unknown as RawRouterInputs;
    const decision = route({
      inputs: parseRouterInputs(raw),
      facts: { headSha: 'f'.repeat(40) },
      routing: routingPolicy(),
      policyDigest: `sha256:${'0'.repeat(64)}`,
    });
    const codes = decision.reasons.map((r) => r.code);
    expect(codes).toContain('signal-unreadable');
    expect(codes).not.toContain('report-unread');
    expect(decision.action).not.toBe('auto_approve');
  });

  it('makes audit-emit record the gate as missing with AUDIT_REPORT_INVALID and take none of its outputs', () => {
    const where = dir();
    const big = oversized(where);
    const outputs = {
      verdict: 'pass',
      'diff-digest': `sha256:${'4'.repeat(64)}`,
      risk: 'low',
      'changed-files': '1',
      report: 'big.json',
      'report-digest': DIGEST,
    };
    const signals = readSignals(JSON.stringify({ scope: { result: 'success', outputs } }), path.dirname(big));
    expect(signals.gates[0]).toMatchObject({ name: 'diff-scope', verdict: 'missing', rules: ['AUDIT_REPORT_INVALID'] });
    expect(signals.fields.diff_digest).toBeUndefined();
    expect(signals.notes.join('\n')).toContain(String(MAX_REPORT_BYTES));
  });

  it('still verifies a real report at the same path kind (a regular file under the cap)', () => {
    const where = dir();
    const file = path.join(where, 'scope.json');
    const digest = realReport(file);
    expect(readGateReport({ verdict: 'pass', report: file, 'report-digest': digest }).state).toBe('verified');
  });
});
