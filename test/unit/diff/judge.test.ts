import { describe, expect, it } from 'vitest';
import { groupReasons, judgeDiff, type Finding } from '@agent-gates/core/diff';
import { changeSet, file, fixedRule, lowRisk, noContent, prefixRule } from './fakes.js';

describe('judgeDiff', () => {
  it('passes a complete change no rule objects to, with counts and a low tier', async () => {
    const changes = changeSet([file('src/a.ts', { added: 3, deleted: 1 }), file('docs/b.md', { status: 'added', added: 2 })]);
    const j = await judgeDiff({ changes, content: noContent, rules: [fixedRule('size', [])], risk: lowRisk });
    expect(j.verdict).toBe('pass');
    expect(j.reasons).toEqual([]);
    expect(j.counts).toEqual({ files: 2, added: 5, deleted: 1, binary: 0, byStatus: { modified: 1, added: 1 } });
    expect(j.risk).toEqual({ tier: 'low', why: ['no risky path'] });
    expect(j.violations).toBe(0);
  });

  it('takes the worst finding as the verdict and counts fail findings as violations', async () => {
    const changes = changeSet([file('.github/workflows/ci.yml'), file('.github/workflows/release.yml'), file('src/a.ts')]);
    const j = await judgeDiff({
      changes,
      content: noContent,
      rules: [prefixRule('.github/'), fixedRule('intent', [{ code: 'claimed-not-changed', severity: 'warn', message: 'x.ts claimed' }])],
      risk: lowRisk,
    });
    expect(j.verdict).toBe('fail');
    expect(j.violations).toBe(2);
    expect(j.reasons.map((r) => [r.code, r.severity])).toEqual([
      ['protected-path', 'fail'],
      ['claimed-not-changed', 'warn'],
    ]);
    expect(j.reasons[0]!.message).toBe('.github/workflows/ci.yml is protected (and 1 more like it)');
    expect(j.reasons[0]!.location).toEqual({ file: '.github/workflows/ci.yml' });
  });

  it('lists at most 200 findings of a rule and code, most severe first, while every count counts them all', async () => {
    const many = Array.from({ length: 300 }, (_, i) => ({
      code: 'test-case-lost',
      severity: i === 299 ? ('fail' as const) : ('warn' as const),
      message: `t${i}`,
      path: `t${i}.test.ts`,
      decidedBy: i < 250 ? 'default: tests' : 'scope.tests',
    }));
    const j = await judgeDiff({ changes: changeSet([file('a.test.ts')]), content: noContent, rules: [fixedRule('tests', many)], risk: lowRisk });
    expect(j.violations).toBe(1);
    expect(j.tallies.get('tests')).toEqual({ found: 300, violations: 1, verdict: 'fail', decidedBy: ['default: tests', 'scope.tests'] });
    expect(j.findings).toHaveLength(201);
    // The one fail is listed though it came last; the warn findings after the first 199 are counted, not listed.
    expect(j.findings.filter((f) => f.severity === 'fail').map((f) => f.message)).toEqual(['t299']);
    expect(j.findings[198]!.message).toBe('t198');
    expect(j.findings[200]).toEqual({
      rule: 'tests',
      code: 'test-case-lost',
      severity: 'warn',
      message: '100 more test-case-lost findings not listed (the first 200 are)',
    });
    expect(j.reasons.find((r) => r.severity === 'warn')!.message).toBe('t0 (and 298 more like it)');
  });

  it('never passes an incomplete view, and grades it at least high', async () => {
    const changes = changeSet([file('src/a.ts')], { complete: false, incomplete: ['The API listed 3000 of 3412 files.'] });
    const j = await judgeDiff({ changes, content: noContent, rules: [], risk: lowRisk });
    expect(j.verdict).toBe('warn');
    expect(j.reasons).toEqual([{ code: 'diff-incomplete', severity: 'warn', message: expect.stringContaining('3000 of 3412') as string }]);
    expect(j.risk.tier).toBe('high');
    expect(j.risk.why.at(-1)).toMatch(/incomplete/);
  });

  it("fails with the first failing rule in the rules' order, once every rule has settled", async () => {
    const changes = changeSet([file('src/a.ts')]);
    const events: string[] = [];
    const after = (ms: number, name: string, fail: boolean) => ({
      name,
      run: () =>
        new Promise<never[]>((resolve, reject) =>
          setTimeout(() => {
            events.push(name);
            if (fail) reject(new Error(`${name} failed`));
            else resolve([]);
          }, ms),
        ),
    });
    // The second rule fails first in time; the first fails later; the third is still running then.
    const rules = [after(20, 'deps', true), after(1, 'tests', true), after(40, 'secrets', false)];
    await expect(judgeDiff({ changes, content: noContent, rules, risk: lowRisk })).rejects.toThrow('deps failed');
    expect(events).toEqual(['tests', 'deps', 'secrets']);
  });

  it('keeps fail over the incomplete warning', async () => {
    const changes = changeSet([file('.github/x')], { complete: false, incomplete: [] });
    const j = await judgeDiff({ changes, content: noContent, rules: [prefixRule('.github/')], risk: lowRisk });
    expect(j.verdict).toBe('fail');
    expect(j.reasons.map((r) => r.code)).toEqual(['protected-path', 'diff-incomplete']);
  });

  it('does not pass an empty change', async () => {
    const j = await judgeDiff({ changes: changeSet([]), content: noContent, rules: [], risk: lowRisk });
    expect(j.verdict).toBe('warn');
    expect(j.reasons[0]!.code).toBe('diff-empty');
  });

  it('raises the risk tier to the highest any finding names and never lowers it', async () => {
    const rules = [fixedRule('secrets', [{ code: 'secret', severity: 'fail', message: 'AWS key in a.ts:3', path: 'a.ts', line: 3, tier: 'critical' }])];
    const j = await judgeDiff({ changes: changeSet([file('a.ts')]), content: noContent, rules, risk: lowRisk });
    expect(j.risk.tier).toBe('critical');
    expect(j.risk.why).toEqual(['no risky path', 'secrets/secret raises the change to critical (a.ts)']);
    const high = await judgeDiff({
      changes: changeSet([file('a.ts')]),
      content: noContent,
      rules: [fixedRule('size', [{ code: 'x', severity: 'pass', message: 'm', tier: 'low' }])],
      risk: () => ({ tier: 'high', why: ['infra'] }),
    });
    expect(high.risk.tier).toBe('high');
  });

  it('fails the run when a rule throws, or the grader returns no tier', async () => {
    const broken = { name: 'tests', run: () => Promise.reject(new Error('parser crashed')) };
    await expect(judgeDiff({ changes: changeSet([file('a')]), content: noContent, rules: [broken], risk: lowRisk })).rejects.toThrow('parser crashed');
    await expect(
      judgeDiff({ changes: changeSet([file('a')]), content: noContent, rules: [], risk: () => ({ tier: 'severe' as 'high', why: [] }) }),
    ).rejects.toThrow(/not a risk tier/);
  });

  it('refuses a finding code routers could not key on', async () => {
    const rules = [fixedRule('paths', [{ code: 'Protected Path', severity: 'fail', message: 'm' }])];
    await expect(judgeDiff({ changes: changeSet([file('a')]), content: noContent, rules, risk: lowRisk })).rejects.toThrow(/kebab-case/);
  });

  it('compares the claim with the diff, a rename claimed by either of its paths', async () => {
    const changes = changeSet([file('src/new.ts', { status: 'renamed', oldPath: 'src/old.ts' }), file('src/b.ts')]);
    const j = await judgeDiff({ changes, content: noContent, rules: [], risk: lowRisk, claimed: { source: 'inline', files: ['src/new.ts', 'src/c.ts'] } });
    expect({ ...j.claim, unclaimed: j.claim?.unclaimed.map((f) => f.path) }).toEqual({
      source: 'inline',
      claimed: 2,
      unclaimed: ['src/b.ts'],
      claimedNotChanged: ['src/c.ts'],
      unusable: [],
    });
  });
});

describe('groupReasons', () => {
  it('orders worst first then by code, independent of rule order, and leaves pass findings out', () => {
    const f = (code: string, severity: Finding['severity']): Finding => ({ rule: 'r', code, severity, message: code });
    const a = groupReasons([f('b-code', 'warn'), f('z-code', 'fail'), f('a-code', 'fail'), f('info', 'pass')]);
    const b = groupReasons([f('info', 'pass'), f('a-code', 'fail'), f('b-code', 'warn'), f('z-code', 'fail')]);
    expect(a.map((r) => r.code)).toEqual(['a-code', 'z-code', 'b-code']);
    expect(b).toEqual(a);
  });
});
