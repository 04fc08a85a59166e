import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../packages/core/src/digest/index.js';
import { gateReport, reportDigest, reportDigestMatches, writeGateReport } from '../../../packages/core/src/gate/report.js';

// report-digest (every gate's, written by writeGateReport) covers the report's canonical JSON without
// its run times: two runs of the same inputs give the same digest; any other change gives another.

const dir = mkdtempSync(path.join(tmpdir(), 'report-digest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = { repository: 'acme/w', runId: '1', runAttempt: '1', job: 'j', workflow: 'w', workflowRef: 'w', eventName: 'push', sha: 'abc', actor: 'a' };
const report = (at: string, verdict: 'pass' | 'fail' = 'pass') =>
  gateReport({
    tool: { name: 'agent-gates/verify-manifest', version: '0.1.0' },
    context,
    startedAt: new Date(at),
    finishedAt: new Date(new Date(at).getTime() + 1500),
    policy: { source: 'default', digest: `sha256:${'0'.repeat(64)}` },
    verdict,
    reasons: [],
    subjects: [{ name: 'model_manifest.yaml', digest: `sha256:${'1'.repeat(64)}` }],
    details: { note: 'ü ✓', n: 1e21 },
  });
const hex = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe('report-digest', () => {
  it('writes canonical JSON and digests it without startedAt and finishedAt', () => {
    const written = writeGateReport(path.join(dir, 'a.json'), report('2026-01-01T00:00:00Z'));
    const text = readFileSync(written.path, 'utf8');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(text).toBe(canonicalJson(parsed));
    expect(parsed.startedAt).toBe('2026-01-01T00:00:00.000Z');
    delete parsed.startedAt;
    delete parsed.finishedAt;
    expect(written.digest).toBe(hex(canonicalJson(parsed)));
    expect(written.digest).toBe(reportDigest(report('2026-01-01T00:00:00Z')));
  });

  it('is the same for two runs at different times, and differs when what was found differs', () => {
    const a = writeGateReport(path.join(dir, 'b1.json'), report('2026-01-01T00:00:00Z'));
    const b = writeGateReport(path.join(dir, 'b2.json'), report('2026-06-30T12:34:56Z'));
    expect(readFileSync(a.path, 'utf8')).not.toBe(readFileSync(b.path, 'utf8'));
    expect(b.digest).toBe(a.digest);
    expect(writeGateReport(path.join(dir, 'b3.json'), report('2026-01-01T00:00:00Z', 'fail')).digest).not.toBe(a.digest);
  });

  it('binds the file: the digest matches it, a legacy bytes digest matches it, any other change does not', () => {
    const written = writeGateReport(path.join(dir, 'c.json'), report('2026-01-01T00:00:00Z'));
    const bytes = readFileSync(written.path);
    expect(reportDigestMatches(bytes, written.digest)).toBe(true);
    expect(reportDigestMatches(bytes, hex(bytes.toString('utf8')))).toBe(true);
    const retimed = Buffer.from(bytes.toString('utf8').replace('2026-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z'));
    expect(reportDigestMatches(retimed, written.digest)).toBe(true);
    const tampered = Buffer.from(bytes.toString('utf8').replace('"verdict":"pass"', '"verdict":"fail"'));
    expect(reportDigestMatches(tampered, written.digest)).toBe(false);
    expect(reportDigestMatches(Buffer.from('{"tampered":true}'), written.digest)).toBe(false);
    expect(reportDigestMatches(Buffer.from('not json'), written.digest)).toBe(false);
    expect(reportDigestMatches(Buffer.from('[]'), written.digest)).toBe(false);
  });
});
