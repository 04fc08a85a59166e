import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { companion, findManifests, WorkspaceFiles } from '../../../packages/core/src/manifest/sources.js';

// The workspace view reads each folder once; every check the per-file calls made must still hold.

let top: string;
let ws: string;
beforeEach(() => {
  top = mkdtempSync(path.join(tmpdir(), 'manifest-sources-'));
  ws = path.join(top, 'ws');
  mkdirSync(path.join(ws, 'manifests'), { recursive: true });
  writeFileSync(path.join(top, 'secret.yaml'), 'model: stolen\n');
  mkdirSync(path.join(top, 'outside'));
  writeFileSync(path.join(top, 'outside', 'm.yaml'), 'model: outside\n');
});
afterEach(() => rmSync(top, { recursive: true, force: true }));

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('WorkspaceFiles', () => {
  it('reads a regular file inside the workspace, and follows a link that stays inside', () => {
    writeFileSync(path.join(ws, 'manifests', 'a.yaml'), 'model: a\n');
    symlinkSync(path.join(ws, 'manifests', 'a.yaml'), path.join(ws, 'alias.yaml'));
    const files = new WorkspaceFiles(ws);
    expect(files.read('manifests/a.yaml', 'manifest').toString()).toBe('model: a\n');
    expect(files.read('alias.yaml', 'manifest').toString()).toBe('model: a\n');
  });

  it('refuses a file, a link or a folder that leads out of the workspace', () => {
    symlinkSync(path.join(top, 'secret.yaml'), path.join(ws, 'link.yaml'));
    symlinkSync(path.join(top, 'outside'), path.join(ws, 'out'));
    const files = new WorkspaceFiles(ws);
    expect(code(() => files.read('../secret.yaml', 'manifest'))).toBe('E_INPUT');
    expect(code(() => files.read('link.yaml', 'manifest'))).toBe('E_INPUT');
    expect(code(() => files.read('out/m.yaml', 'manifest'))).toBe('E_INPUT');
    expect(code(() => files.read(path.join(top, 'secret.yaml'), 'manifest'))).toBe('E_INPUT');
  });

  it('tells a missing file, a folder and a dangling link apart, and caps the size', () => {
    symlinkSync(path.join(ws, 'gone'), path.join(ws, 'dangling.sig'));
    writeFileSync(path.join(ws, 'big.sig'), Buffer.alloc(2048, 0x41));
    const files = new WorkspaceFiles(ws);
    expect(code(() => files.read('nope.yaml', 'manifest'))).toBe('E_NOT_FOUND');
    expect(code(() => files.read('nowhere/nope.yaml', 'manifest'))).toBe('E_NOT_FOUND');
    expect(code(() => files.read('manifests', 'manifest'))).toBe('E_INPUT');
    expect(code(() => files.read('dangling.sig', 'signature'))).toBe('E_INPUT');
    expect(code(() => files.read('big.sig', 'signature', 1024))).toBe('E_TOO_LARGE');
    expect(files.read('big.sig', 'signature', 2048)).toHaveLength(2048);
  });

  it('finds companions as existsSync would: a dangling link is not one', () => {
    writeFileSync(path.join(ws, 'm.yaml'), 'x');
    writeFileSync(path.join(ws, 'm.yaml.sig'), 'x');
    symlinkSync(path.join(ws, 'gone'), path.join(ws, 'm.yaml.sigstore.json'));
    const files = new WorkspaceFiles(ws);
    expect(companion(files, 'm.yaml', ['.sigstore.json', '.bundle'])).toBeUndefined();
    expect(companion(files, 'm.yaml', ['.sig'])).toBe('m.yaml.sig');
  });

  it('a glob walked through a linked folder still refuses what lies outside', () => {
    symlinkSync(path.join(top, 'outside'), path.join(ws, 'out'));
    writeFileSync(path.join(ws, 'manifests', 'b.yaml'), 'model: b\n');
    const files = new WorkspaceFiles(ws);
    // The walk does not follow links below its start...
    expect(findManifests(files, '**/*.yaml')).toEqual(['manifests/b.yaml']);
    // ...and a start that is a link out is found, then refused when read.
    expect(findManifests(files, 'out/*.yaml')).toEqual(['out/m.yaml']);
    expect(code(() => files.read('out/m.yaml', 'manifest'))).toBe('E_INPUT');
  });

  it('sees a file written after the folder was listed by a fresh view, as each run makes one', () => {
    const files = new WorkspaceFiles(ws);
    expect(files.exists('manifests/late.yaml')).toBe(false);
    writeFileSync(path.join(ws, 'manifests', 'late.yaml'), 'x');
    expect(new WorkspaceFiles(ws).exists('manifests/late.yaml')).toBe(true);
  });
});
