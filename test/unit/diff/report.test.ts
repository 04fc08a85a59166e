import { describe, expect, it } from 'vitest';
import { diffScopeDetails, judgeDiff } from '@agent-gates/core/diff';
import { changeSet, file, fixedRule, lowRisk, noContent } from './fakes.js';

const settings = { 'max-files': { value: 100, from: 'default policy: scope.max-files' } };

describe('diffScopeDetails', () => {
  it('says when git gave up inexact rename detection, and that both paths are still judged', async () => {
    const changes = changeSet([file('a.ts', { status: 'deleted' }), file('b.ts', { status: 'added' })], { renames: 'exact-only' });
    const j = await judgeDiff({ changes, content: noContent, rules: [], risk: lowRisk });
    const d = diffScopeDetails(j, { diffDigest: 'sha256:x', settings });
    expect(d.renames.detection).toBe('exact-only');
    expect(d.renames.note).toMatch(/diff\.renameLimit.*deletion plus an addition.*both paths are still judged/);
  });

  it('groups findings by rule with every setting that decided, and keeps only the contract fields', async () => {
    const leaky = {
      code: 'secret',
      severity: 'fail' as const,
      message: 'aws key in a.ts:1',
      path: 'a.ts',
      line: 1,
      decidedBy: 'secrets',
      text: 'AKIA-LEAK',
      snippet: 'x',
    };
    const rules = [
      fixedRule('paths', [
        { code: 'protected-path', severity: 'fail', message: 'm1', path: '.github/x', decidedBy: 'scope.protected-paths[2]' },
        { code: 'protected-path', severity: 'warn', message: 'm2', path: 'CLAUDE.md', decidedBy: 'default: agent instructions' },
      ]),
      fixedRule('secrets', [leaky]),
      fixedRule('dependencies', [{ code: 'dependency-added', severity: 'pass', message: 'left-pad added', path: 'package.json' }]),
    ];
    const j = await judgeDiff({ changes: changeSet([file('a.ts')]), content: noContent, rules, risk: lowRisk });
    const d = diffScopeDetails(j, { diffDigest: 'sha256:x', settings });
    expect(d.rules.map((r) => [r.rule, r.verdict, r.decidedBy])).toEqual([
      ['dependencies', 'pass', []],
      ['paths', 'fail', ['scope.protected-paths[2]', 'default: agent instructions']],
      ['secrets', 'fail', ['secrets']],
    ]);
    expect(JSON.stringify(d)).not.toContain('AKIA-LEAK');
    expect(d.violations).toBe(2);
    expect(d.rules.map((r) => [r.rule, r.found, r.violations])).toEqual([
      ['dependencies', 1, 0],
      ['paths', 2, 1],
      ['secrets', 1, 1],
    ]);
  });

  it('lists at most 200 findings of a code but counts every one, and names every setting that decided one', async () => {
    const many = Array.from({ length: 250 }, (_, i) => ({
      code: 'dependency-downgrade',
      severity: 'fail' as const,
      message: `d${i}`,
      path: `p${i}/package-lock.json`,
      decidedBy: i === 249 ? 'scope.dependencies.allow' : 'default: dependencies',
    }));
    const j = await judgeDiff({ changes: changeSet([file('a.ts')]), content: noContent, rules: [fixedRule('dependencies', many)], risk: lowRisk });
    const d = diffScopeDetails(j, { diffDigest: 'sha256:x', settings });
    const [rule] = d.rules;
    expect(d.violations).toBe(250);
    expect(rule).toMatchObject({ found: 250, violations: 250, decidedBy: ['default: dependencies', 'scope.dependencies.allow'] });
    expect(rule!.findings).toHaveLength(201);
    expect(rule!.findings[200]).toEqual({
      code: 'dependency-downgrade',
      severity: 'fail',
      message: '50 more dependency-downgrade findings not listed (the first 200 are)',
    });
  });
});
