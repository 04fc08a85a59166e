import { describe, expect, it } from 'vitest';
import { Findings, GlobGroups, GlobSet } from '../../../../packages/core/src/diff/rules/common.js';
import { matchGlob } from '../../../../packages/core/src/policy/glob.js';

const GLOBS = [
  '**/.claude/**',
  '**/a/b/**',
  '**/*.{yml,yaml}',
  'CODEOWNERS',
  '**/package.json',
  'infra/**',
  '.*/**',
  '**/requirements*.txt',
  'src/*.ts',
  'docs/',
  '{a,b}/x.md',
  '**',
];
const PATHS = [
  'CODEOWNERS',
  'docs/CODEOWNERS',
  'package.json',
  'apps/web/package.json',
  'apps/web/package.json.bak',
  'infra/main.tf',
  'infra',
  'infrastructure/x',
  '.github/workflows/ci.yml',
  'src/.cache/x',
  'svc/requirements-dev.txt',
  'src/a.ts',
  'src/lib/a.ts',
  'docs/guide.md',
  'a/x.md',
  'c/x.md',
  './src/b.ts',
  'src//c.ts',
  'src/../infra/x',
  '../escape',
  '.claude/settings.json',
  'pkg/.claude/x/y',
  'pkg/.claude',
  'q/a/b/c',
  'a/b',
  'ci/x.yaml',
];

describe('GlobSet', () => {
  it('agrees with matchGlob on which glob matches first, for every kind of glob', () => {
    const set = new GlobSet(GLOBS, (i) => `g[${i}]`);
    for (const path of PATHS) {
      const expected = GLOBS.findIndex((glob) => matchGlob(glob, path));
      expect(set.first(path), path).toBe(expected);
      expect(
        set.all(path).sort((a, b) => a - b),
        path,
      ).toEqual(GLOBS.flatMap((glob, i) => (matchGlob(glob, path) ? [i] : [])));
    }
  });

  it('throws E_POLICY naming the setting for an unusable glob', () => {
    expect(() => new GlobSet(['ok', 'a/../b'], (i) => `scope.denied-paths[${i}]`)).toThrow(
      expect.objectContaining({
        code: 'E_POLICY',
        message: expect.stringMatching(/^scope\.denied-paths\[1\]: glob "a\/..\/b" must not contain a \.\. segment/),
      }),
    );
  });
});

describe('GlobGroups', () => {
  it('gives every group with a matching glob, once each, in order', () => {
    const groups = new GlobGroups([['src/**', 'lib/**'], ['**/*.ts'], ['docs/**'], ['src/a.ts', '**']], (g, i) => `x[${g}].paths[${i}]`);
    expect(groups.matching('src/a.ts')).toEqual([0, 1, 3]);
    expect(groups.matching('docs/a.md')).toEqual([2, 3]);
    expect(new GlobGroups([['src/**']], () => 'x').matching('lib/a.ts')).toEqual([]);
  });
});

describe('Findings', () => {
  it('keeps the worst severity and tier of what it did not list, and names a setting only if it decided all of them', async () => {
    const out = new Findings('x');
    for (let i = 0; i < 200; i++) out.add({ code: 'c', severity: 'pass', message: 'm', decidedBy: 'a' });
    out.add({ code: 'c', severity: 'warn', message: 'm', tier: 'medium', decidedBy: 'a' });
    out.add({ code: 'c', severity: 'fail', message: 'm', tier: 'high', decidedBy: 'b' });
    out.add({ code: 'c', severity: 'pass', message: 'm', tier: 'low', decidedBy: 'a' });
    const found = out.done();
    expect(found).toHaveLength(201);
    expect(found[200]).toEqual({ rule: 'x', code: 'c', severity: 'fail', tier: 'high', message: '3 more c findings not listed (the first 200 are)' });
  });
});
