import { describe, expect, it } from 'vitest';
import { GlobGroups, GlobSet, listFindings } from '../../../../packages/core/src/diff/rules/common.js';
import type { Finding } from '../../../../packages/core/src/diff/types.js';
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
        [...set.hits(path)].sort((a, b) => a - b),
        path,
      ).toEqual(GLOBS.flatMap((glob, i) => (matchGlob(glob, path) ? [i] : [])));
    }
  });

  it('answers each set right when several sets are asked about the same paths in turn, in any order', () => {
    // Each glob a set of its own, asked one after another about a path (as the rules ask about a file),
    // then about the paths in another order: a path taken apart for one set must serve the next alone.
    const sets = GLOBS.map((glob, i) => new GlobSet([glob], () => `g[${i}]`));
    for (const order of [PATHS, [...PATHS].reverse(), PATHS.flatMap((path) => [path, 'x/y/z.md', path])]) {
      for (const path of order) sets.forEach((set, i) => expect(set.has(path), `${GLOBS[i]} on ${path}`).toBe(matchGlob(GLOBS[i]!, path)));
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
    // The next path matching the same globs gets the same (unchanging) array; another, its own.
    const first = groups.matching('src/b.ts');
    expect(groups.matching('src/c.ts')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(groups.matching('src/c.md')).toEqual([0, 3]);
    expect(first).toEqual([0, 1, 3]);
  });

  it('matches as testing each group\u2019s globs one by one would, for random groups and paths', () => {
    const globs = ['src/**', '**/*.ts', '**/test/**', 'src/a.ts', '**', 'docs/*.md', '*.json', 'lib/', '**/x', 'src/**/*.ts', '**/*.test.ts'];
    const paths = ['src/a.ts', 'src/x', 'lib/test/b.test.ts', 'docs/a.md', 'package.json', 'a/b/c/x', 'lib/y.ts', 'x'];
    let seed = 11;
    const next = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
    for (let round = 0; round < 300; round++) {
      const config = Array.from({ length: 1 + next(5) }, () => Array.from({ length: 1 + next(4) }, () => globs[next(globs.length)]!));
      const groups = new GlobGroups(config, (g, i) => `x[${g}].paths[${i}]`);
      // Twice over, the second time with each path repeated: an answer reused for the same globs is still the right one.
      for (const path of [...paths, ...paths.flatMap((p) => [p, p]).reverse()]) {
        const expected = config.flatMap((list, group) => (list.some((glob) => matchGlob(glob, path)) ? [group] : []));
        expect(groups.matching(path)).toEqual(expected);
      }
    }
  });
});

describe('listFindings', () => {
  const f = (code: string, severity: Finding['severity'], extra: Partial<Finding> = {}): Finding => ({ rule: 'x', code, severity, message: 'm', ...extra });

  it('lists the most severe first, keeps their order, and closes with the worst severity and tier of what it did not list', () => {
    const all: Finding[] = [];
    for (let i = 0; i < 200; i++) all.push(f('c', 'pass', { message: `p${i}`, decidedBy: 'a' }));
    all.push(f('c', 'warn', { tier: 'medium', decidedBy: 'a' }));
    all.push(f('c', 'fail', { tier: 'high', decidedBy: 'b' }));
    all.push(f('c', 'pass', { tier: 'low', decidedBy: 'a', message: 'last' }));
    const found = listFindings(all);
    expect(found).toHaveLength(201);
    // The warn and the fail are listed (in the order given); the last three pass findings are not.
    expect(found.slice(0, 198).every((x) => x.severity === 'pass')).toBe(true);
    expect(found[197]!.message).toBe('p197');
    expect(found[198]).toMatchObject({ severity: 'warn' });
    expect(found[199]).toMatchObject({ severity: 'fail' });
    expect(found[200]).toEqual({
      rule: 'x',
      code: 'c',
      severity: 'pass',
      tier: 'low',
      decidedBy: 'a',
      message: '3 more c findings not listed (the first 200 are)',
    });
  });

  it('caps each rule and code on its own, closes after the rule, and names a setting only if it decided all it counts', () => {
    const all: Finding[] = [
      ...Array.from({ length: 4 }, (_, i) => f('a', 'fail', { decidedBy: i === 3 ? 'other' : 's' })),
      f('b', 'warn'),
      { ...f('a', 'fail'), rule: 'y' },
    ];
    const found = listFindings(all, 2);
    expect(found.map((x) => `${x.rule}/${x.code}/${x.message}`)).toEqual([
      'x/a/m',
      'x/a/m',
      'x/b/m',
      'x/a/2 more a findings not listed (the first 2 are)',
      'y/a/m',
    ]);
    expect(found[3]).not.toHaveProperty('decidedBy');
    expect(listFindings(all, 10)).toEqual(all);
  });
});
