import { describe, expect, it } from 'vitest';
import { compareVersions, minimumVersion } from '@agent-gates/core/diff/content';

describe('compareVersions', () => {
  it.each([
    ['npm', '4.17.21', '4.17.15', 1],
    ['npm', '1.0.0-beta.2', '1.0.0-beta.11', -1],
    ['npm', '1.0.0-rc.1', '1.0.0', -1],
    ['npm', '10.0.0', '9.9.9', 1],
    ['npm', '1.2.3+build.5', '1.2.3', 0],
    ['go', 'v1.9.0', 'v1.10.0', -1],
    ['go', 'v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200101000000-aaaaaaaaaaaa', -1],
    ['go', 'v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.3', 1],
    ['go', 'v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.4', -1],
    ['go', 'v2.0.0+incompatible', 'v1.9.0', 1],
    ['pypi', '2.31.0', '2.4.0', 1],
    ['pypi', '1.0a1', '1.0', -1],
    ['pypi', '1.0.dev1', '1.0a1', -1],
    ['pypi', '1.0.post1', '1.0', 1],
    ['pypi', '1.0rc1', '1.0b2', 1],
    ['pypi', '1!0.1', '2.0', 1],
    ['pypi', '1.0', '1.0.0', 0],
    ['cargo', '0.4.20', '0.4.3', 1],
    ['rubygems', '7.1.3', '7.0.8.4', 1],
    ['rubygems', '1.16.0-x86_64-linux', '1.15.5', 1],
    ['rubygems', '2.0.0.rc1', '2.0.0', -1],
  ] as const)('%s: %s vs %s is %d', (ecosystem, a, b, expected) => {
    expect(compareVersions(ecosystem, a, b)).toBe(expected);
    expect(compareVersions(ecosystem, b, a)).toBe(-expected || 0);
  });

  it('cannot order what is not a version', () => {
    expect(compareVersions('npm', 'github:a/b', '1.0.0')).toBeUndefined();
    expect(compareVersions('pypi', 'main', '1.0')).toBeUndefined();
  });
});

describe('minimumVersion', () => {
  it.each([
    ['npm', '^1.2.3', '1.2.3'],
    ['npm', '~2.0.1', '2.0.1'],
    ['npm', '>=1.4.0 <2.0.0', '1.4.0'],
    ['npm', '1.x', '1'],
    ['npm', '1.2.3 - 2.0.0', '1.2.3'],
    ['npm', '^2.0.0 || ^1.5.0', '1.5.0'],
    ['npm', 'v3.1.0', '3.1.0'],
    ['npm', '*', undefined],
    ['npm', 'latest', undefined],
    ['npm', '<2.0.0', undefined],
    ['pypi', '==2.31.0', '2.31.0'],
    ['pypi', '>=2.0,<3', '2.0'],
    ['pypi', '~=1.4.2', '1.4.2'],
    ['pypi', '^1.2', '1.2'],
    ['pypi', '!=1.3,>=1.1', '1.1'],
    ['cargo', '1.0', '1.0'],
    ['cargo', '=0.4.20', '0.4.20'],
    ['cargo', '>=1.2, <2', '1.2'],
    ['rubygems', '~> 7.1', '7.1'],
  ] as const)('%s %s -> %s', (ecosystem, requirement, expected) => {
    expect(minimumVersion(ecosystem, requirement)).toBe(expected);
  });
});
