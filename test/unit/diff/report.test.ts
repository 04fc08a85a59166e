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
  });
});
