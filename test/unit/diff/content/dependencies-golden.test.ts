import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dependenciesRule } from '@agent-gates/core/diff/content';
import { changeOf, type FileSides } from './helpers.js';

/**
 * One folder per case: `base/` and `head/` hold the repository's files on each side, `expected.json`
 * the findings (code, severity, path, line where found, message) in order. A new case needs no new code.
 */
const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));

function filesUnder(root: string, dir = ''): string[] {
  if (!existsSync(path.join(root, dir))) return [];
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(root, path.posix.join(dir, e.name)) : [path.posix.join(dir, e.name)],
  );
}

function sidesOf(caseDir: string): FileSides[] {
  const base = filesUnder(path.join(caseDir, 'base'));
  const head = filesUnder(path.join(caseDir, 'head'));
  const read = (side: string, file: string) => readFileSync(path.join(caseDir, side, file), 'utf8');
  return [...new Set([...base, ...head])].sort().map((file) => ({
    path: file,
    base: base.includes(file) ? read('base', file) : undefined,
    head: head.includes(file) ? read('head', file) : undefined,
  }));
}

const strict = { allowDowngrade: false, allowRegistryChange: false };

describe('dependencies rule, golden cases', () => {
  const cases = readdirSync(fixtures).filter((name) => existsSync(path.join(fixtures, name, 'expected.json')));

  it('has a case for every ecosystem the issue names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(17);
  });

  it.each(cases)('%s', async (name) => {
    const caseDir = path.join(fixtures, name);
    const expected = JSON.parse(readFileSync(path.join(caseDir, 'expected.json'), 'utf8')) as unknown[];
    const ctx = changeOf(sidesOf(caseDir));
    const findings = await dependenciesRule(strict).run(ctx);
    expect(
      findings.map(({ code, severity, path: p, line, message }) => JSON.parse(JSON.stringify({ code, severity, path: p, line, message })) as unknown),
    ).toEqual(expected);
  });

  it('the policy allows downgrades and registry changes: the findings stay, as information', async () => {
    const ctx = changeOf(sidesOf(path.join(fixtures, 'npm-lock-v3')));
    const findings = await dependenciesRule({ allowDowngrade: true, allowRegistryChange: true }).run(ctx);
    expect(findings.map((f) => `${f.code} ${f.severity} ${f.decidedBy}`)).toEqual([
      'dependency-downgrade pass scope.dependencies.allow-downgrade',
      'dependency-source-changed pass scope.dependencies.allow-registry-change',
    ]);
  });
});
