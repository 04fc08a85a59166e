import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SummaryBuilder } from '@agent-gates/action-kit';
import { planAnnotations, planDiffScope, runDiffScopeWith, type DiffScopeParts, type Finding } from '@agent-gates/core/diff';
import { defaultPolicy } from '@agent-gates/core/policy';
import { renderDetails } from '../../../actions/diff-scope/src/summary.js';
import { BASE, HEAD, changeSet, file, fixedRule, noContent } from './fakes.js';

const hostile = 'docs/<img src=x onerror=alert(1)>|@octocat\nnext.md';

async function runWith(findings: Array<Omit<Finding, 'rule'>>) {
  const ws = mkdtempSync(path.join(tmpdir(), 'diff-summary-'));
  const policy = defaultPolicy();
  const plan = planDiffScope(
    { mode: 'git', workingTree: false, annotations: true, claimedFiles: '["src/a.ts"]' },
    { eventName: 'push', payload: { before: BASE, after: HEAD }, workspace: ws, runnerTemp: ws, runId: '1' },
    policy,
  );
  const changes = changeSet([file(hostile, { status: 'added', added: 3 }), file('src/a.ts', { deleted: 2 })]);
  const parts: DiffScopeParts = {
    readGitChanges: () => Promise.resolve({ changes, content: noContent }),
    readWorkingTree: () => Promise.reject(new Error('unused')),
    readApiChanges: () => Promise.reject(new Error('unused')),
    diffDigest: () => `sha256:${'1'.repeat(64)}`,
    rules: () => [fixedRule('paths', findings)],
    risk: () => ({ tier: 'high', why: ['docs/** is graded high by scope.risk-tiers[0]'] }),
  };
  const context = { repository: 'a/b', runId: '1', runAttempt: '1', job: '', workflow: '', workflowRef: '', eventName: 'push', sha: HEAD, actor: '' };
  return runDiffScopeWith(parts, { plan, policy, context, tool: { name: 'agent-gates/diff-scope', version: '0.1.0' } });
}

describe('diff-scope step summary', () => {
  it('shows what changed, the risk and why, and findings by rule, with untrusted paths escaped', async () => {
    const run = await runWith([{ code: 'denied-path', severity: 'fail', message: `${hostile} is denied`, path: hostile, decidedBy: 'scope.denied-paths[0]' }]);
    const b = new SummaryBuilder();
    renderDetails(b, run);
    const md = b.render();
    expect(md).toContain('### What changed');
    expect(md).toContain('\\+4 −2');
    expect(md).toContain('### Risk: high');
    expect(md).toContain('docs/\\*\\* is graded high');
    expect(md).toContain('| paths | fail | 1 | scope.denied-paths\\[0\\] |');
    expect(md).toContain('1 changed but not claimed');
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/(^|[^`])@octocat/);
    // A newline in a path must not break out of its table row.
    for (const line of md.split('\n').filter((l) => l.includes('onerror'))) expect(line.startsWith('|')).toBe(true);
  });

  it('cuts the findings table and says how many more the report holds', async () => {
    const many = Array.from({ length: 130 }, (_, i) => ({
      code: 'forbidden-content',
      severity: 'warn' as const,
      message: `eval( in line ${i}`,
      path: 'src/a.ts',
      line: i + 1,
    }));
    const run = await runWith(many);
    const b = new SummaryBuilder();
    renderDetails(b, run);
    expect(b.render()).toContain('30 more findings are in the report and the SARIF file.');
  });
});

describe('planAnnotations', () => {
  it('puts the most severe first and caps each level', () => {
    const f = (severity: Finding['severity'], i: number): Finding => ({ rule: 'r', code: 'c', severity, message: `m${i}`, path: `f${i}`, line: i + 1 });
    const findings = [
      ...Array.from({ length: 3 }, (_, i) => f('pass', i)),
      ...Array.from({ length: 12 }, (_, i) => f('warn', i)),
      ...Array.from({ length: 12 }, (_, i) => f('fail', i)),
    ];
    const { annotations, omitted } = planAnnotations(findings, 10);
    expect(annotations.map((a) => a.level)).toEqual([...Array<string>(10).fill('error'), ...Array<string>(10).fill('warning'), 'notice', 'notice', 'notice']);
    expect(omitted).toBe(4);
    expect(annotations[0]).toEqual({ level: 'error', message: 'm0', title: 'diff-scope: r/c', file: 'f0', line: 1 });
  });
});
