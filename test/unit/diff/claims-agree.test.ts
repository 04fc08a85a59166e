// The report's `claimed` section and the intent rule's findings come from one comparison (compareClaim):
// these cases are ones where the two used to disagree (a rename claimed by one of its paths, an
// unnormalised claim given as is), so each asserts the whole judgement, both ways.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareClaim, diffScopeDetails, judgeDiff, parseClaimedFiles, type ClaimedFiles, type DiffScopeDetails, type Finding } from '@agent-gates/core/diff';
import { defaultPolicy } from '@agent-gates/core/policy';
import { intentRule } from '../../../packages/core/src/diff/rules/intent.js';
import { changeSet, file, lowRisk, noContent } from './fakes.js';

const workspace = mkdtempSync(path.join(tmpdir(), 'claims-agree-'));

const changes = changeSet([
  file('src/a.ts'),
  file('src/new-name.ts', { status: 'renamed', oldPath: 'src/old-name.ts' }),
  file('lib/moved.ts', { status: 'renamed', oldPath: 'lib/was.ts' }),
  file('docs/copy.md', { status: 'copied', oldPath: 'docs/orig.md' }),
  file('src/unclaimed.ts', { status: 'added' }),
  file('src/z.ts', { status: 'renamed', oldPath: 'src/y.ts' }),
]);

async function judged(claimed: ClaimedFiles): Promise<{ findings: readonly Finding[]; section: NonNullable<DiffScopeDetails['claimed']> }> {
  const rule = intentRule(defaultPolicy().policy, claimed.files);
  const judgement = await judgeDiff({ changes, content: noContent, rules: [rule], risk: lowRisk, claimed });
  const details = diffScopeDetails(judgement, { diffDigest: `sha256:${'0'.repeat(64)}`, settings: {} });
  if (!details.claimed) throw new Error('no claimed section in the report');
  return { findings: judgement.findings, section: details.claimed };
}

/** The report's claim section and the rule's findings, each reduced to the paths it names per kind. */
function bothWays(findings: readonly Finding[], section: NonNullable<DiffScopeDetails['claimed']>) {
  const of = (code: string) => findings.filter((f) => f.code === code).map((f) => f.path);
  const unusableEntries = findings.filter((f) => f.code === 'claimed-path-unusable').map((f) => JSON.parse(/"(?:[^"\\]|\\.)*"/.exec(f.message)![0]) as string);
  return {
    rule: { unclaimed: of('unclaimed-file'), claimedNotChanged: of('claimed-not-changed'), unusable: unusableEntries },
    report: { unclaimed: section.unclaimed, claimedNotChanged: section.claimedNotChanged, unusable: section.unusable },
  };
}

describe('the report and the intent rule judge the claim the same way', () => {
  it('counts a rename claimed by either path, a copy by its new path, normalised and workspace-relative claims', async () => {
    const input = JSON.stringify([
      './src//a.ts',
      'src/old-name.ts',
      `${workspace}/lib/moved.ts`,
      'docs/orig.md',
      'src/never.ts',
      '/etc/passwd',
      '../outside.ts',
      `${workspace}/../elsewhere/x.ts`,
    ]);
    const claimed = parseClaimedFiles(input, workspace)!;
    const { findings, section } = await judged(claimed);
    const expected = {
      unclaimed: ['docs/copy.md', 'src/unclaimed.ts', 'src/z.ts'],
      claimedNotChanged: ['docs/orig.md', 'src/never.ts'],
      unusable: ['/etc/passwd', '../outside.ts', `${workspace}/../elsewhere/x.ts`],
    };
    expect(bothWays(findings, section)).toEqual({ rule: expected, report: expected });
    expect(section.claimed).toBe(8);
    expect(findings.find((f) => f.path === 'src/z.ts')?.message).toContain('(renamed from src/y.ts)');
  });

  it('agrees on claims given as written, without parseClaimedFiles', async () => {
    const claimed = {
      source: 'inline',
      files: ['./src/a.ts', 'src//new-name.ts', 'lib/was.ts', 'lib/moved.ts', 'docs/./copy.md', 'src/unclaimed.ts', 'src/y.ts'],
    };
    const { findings, section } = await judged(claimed);
    const nothing = { unclaimed: [], claimedNotChanged: [], unusable: [] };
    expect(bothWays(findings, section)).toEqual({ rule: nothing, report: nothing });
    expect(findings).toEqual([]);
  });

  it("does not count a copy's source, nor a rename's old path once the agent named only a different file", async () => {
    const claimed = { source: 'inline', files: ['docs/orig.md', 'src/a.ts', 'src/new-name.ts', 'lib/moved.ts', 'src/unclaimed.ts', 'src/z.ts'] };
    const { findings, section } = await judged(claimed);
    const expected = { unclaimed: ['docs/copy.md'], claimedNotChanged: ['docs/orig.md'], unusable: [] };
    expect(bothWays(findings, section)).toEqual({ rule: expected, report: expected });
  });
});

describe('compareClaim', () => {
  it('never matches a path outside the workspace, even one naming a changed file', () => {
    const one = changeSet([file('etc/passwd'), file('a.ts')]);
    const result = compareClaim(one, { files: ['/etc/passwd', '../a.ts', 'a.ts'] });
    expect(result.unclaimed.map((f) => f.path)).toEqual(['etc/passwd']);
    expect(result.unusable).toEqual(['/etc/passwd', '../a.ts']);
    expect(result.claimedNotChanged).toEqual([]);
  });
});
