import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertOutputPath, writeFileNoFollow } from '../../../packages/core/src/files.js';

// diff-scope's `sarif` and audit-emit's `attestation-predicate` name files in the workspace, which is
// the pull request's checkout: it can commit a symbolic link there, or a folder that is one.
describe('output paths in the checkout', () => {
  const top = mkdtempSync(path.join(tmpdir(), 'agent-gates-out-'));
  afterAll(() => rmSync(top, { recursive: true, force: true }));
  const ws = path.join(top, 'ws');
  mkdirSync(path.join(ws, 'reports'), { recursive: true });
  const victim = path.join(top, 'victim.txt');
  writeFileSync(victim, 'untouched\n');
  symlinkSync(victim, path.join(ws, 'reports', 'linked.sarif'));
  symlinkSync(top, path.join(ws, 'out'));

  it('refuses a link at the path itself, and a folder on the way that leads out of the workspace', () => {
    expect(() => assertOutputPath(ws, path.join(ws, 'reports', 'linked.sarif'), 'sarif')).toThrow(
      'input "sarif": reports/linked.sarif is a symbolic link; an output is never written through one',
    );
    expect(() => assertOutputPath(ws, path.join(ws, 'out', 'new', 'x.sarif'), 'sarif')).toThrow(
      /^input "sarif": out\/new\/x\.sarif is under a folder that links out/,
    );
  });

  it('accepts a new file, an existing regular file, and a path the workflow put outside the checkout', () => {
    expect(() => assertOutputPath(ws, path.join(ws, 'reports', 'new', 'a.sarif'), 'sarif')).not.toThrow();
    writeFileSync(path.join(ws, 'reports', 'old.sarif'), 'x');
    expect(() => assertOutputPath(ws, path.join(ws, 'reports', 'old.sarif'), 'sarif')).not.toThrow();
    expect(() => assertOutputPath(ws, path.join(top, 'elsewhere.sarif'), 'sarif')).not.toThrow();
  });

  it('never writes through a link, even one made after the check', () => {
    expect(() => writeFileNoFollow(path.join(ws, 'reports', 'linked.sarif'), 'overwritten')).toThrow(/ELOOP/);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    writeFileNoFollow(path.join(ws, 'reports', 'old.sarif'), 'new text');
    expect(readFileSync(path.join(ws, 'reports', 'old.sarif'), 'utf8')).toBe('new text');
  });
});
