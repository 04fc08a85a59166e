import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@agent-gates/core';
import { normaliseClaimedPath, parseClaimedFiles } from '@agent-gates/core/diff';

const workspace = mkdtempSync(path.join(tmpdir(), 'claimed-'));

function expectInputError(value: string, message: RegExp): void {
  let error: unknown;
  try {
    parseClaimedFiles(value, workspace);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).code).toBe('E_INPUT');
  expect((error as ConfigError).message).toContain('"claimed-files"');
  expect((error as ConfigError).message).toMatch(message);
}

describe('parseClaimedFiles', () => {
  it('is absent when the input is empty', () => {
    expect(parseClaimedFiles('  ', workspace)).toBeUndefined();
  });

  it('reads a JSON array, normalising and de-duplicating paths', () => {
    expect(parseClaimedFiles('["src/a.ts", "./src/a.ts", "src\\\\b.ts", "' + workspace + '/c.md"]', workspace)).toEqual({
      source: 'inline',
      files: ['src/a.ts', 'src/b.ts', 'c.md'],
    });
  });

  it("reads capture-transcript's summary-file (filesTouched)", () => {
    const file = path.join(workspace, 'summary.json');
    writeFileSync(
      file,
      JSON.stringify({ schema: 'https://agent-gates.dev/schemas/capture-summary/v1', format: 'claude-session', filesTouched: ['src/x.ts', 'docs/y.md'] }),
    );
    expect(parseClaimedFiles(file, workspace)).toEqual({ source: file, files: ['src/x.ts', 'docs/y.md'] });
    expect(parseClaimedFiles('summary.json', workspace)?.files).toEqual(['src/x.ts', 'docs/y.md']);
  });

  it('refuses malformed input rather than read it as "claimed nothing"', () => {
    expectInputError('[src/a.ts]', /not a valid JSON array/);
    expectInputError('["a", 3]', /item 1/);
    expectInputError('["a", ""]', /item 1/);
    expectInputError('no-such-file.json', /neither a JSON array nor a readable file/);
    writeFileSync(path.join(workspace, 'bad.json'), '{"filesTouched": ');
    expectInputError('bad.json', /not valid JSON/);
    writeFileSync(path.join(workspace, 'other.json'), '{"files": []}');
    expectInputError('other.json', /no "filesTouched"/);
    writeFileSync(path.join(workspace, 'notlist.json'), '{"filesTouched": "a.ts"}');
    expectInputError('notlist.json', /must be a JSON array/);
  });

  it('keeps an absolute path outside the workspace as given (it can only be claimed-not-changed)', () => {
    expect(normaliseClaimedPath('/etc/passwd', '/work/repo')).toBe('/etc/passwd');
    expect(normaliseClaimedPath('/work/repo/a/../b.ts', '/work/repo')).toBe('a/../b.ts'.replace('a/../', ''));
    expect(normaliseClaimedPath('/work/repo2/a.ts', '/work/repo')).toBe('/work/repo2/a.ts');
    expect(normaliseClaimedPath('/work/repo/../other/a.ts', '/work/repo')).toBe('/work/repo/../other/a.ts');
    expect(normaliseClaimedPath('/work/repo', '/work/repo/')).toBe('/work/repo');
    expect(normaliseClaimedPath('../a.ts', '/work/repo')).toBe('../a.ts');
  });

  it('removes ./ and duplicate slashes, also from an absolute path inside the workspace', () => {
    expect(normaliseClaimedPath('./src//a.ts', '/work/repo')).toBe('src/a.ts');
    expect(normaliseClaimedPath('././src/./a.ts/', '/work/repo')).toBe('src/a.ts');
    expect(normaliseClaimedPath('/work//repo/./src//a.ts', '/work/repo/')).toBe('src/a.ts');
  });
});
