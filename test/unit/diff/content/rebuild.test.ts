import { describe, expect, it } from 'vitest';
import { readGitChanges } from '@agent-gates/core/diff/read';
import { testsRule } from '@agent-gates/core/diff/content';
import { blobId, rebuildBase } from '../../../../packages/core/src/diff/content/rebuild.js';
import { addedLineNumbers, deletedLinesOf, type ContentSource, type FileChange } from '../../../../packages/core/src/diff/types.js';
import { ScratchRepo } from '../read/repo.js';

// A seeded generator so a failure reproduces.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const LINES = ["  it('works', () => {", '  expect(x).toBe(1);', '  });', '', '// a comment', "  test('other', async () => {}); ", '\r', 'caf\u00e9 = "x"'];

/** A random test file, and a random edit of it: lines deleted, inserted and replaced, the final newline kept or not. */
function pair(next: () => number): { base: string; head: string } {
  const lines: string[] = [];
  const count = Math.floor(next() * 30);
  for (let k = 0; k < count; k++) lines.push(LINES[Math.floor(next() * LINES.length)]! + (next() < 0.5 ? ` ${k}` : ''));
  const edited: string[] = [];
  for (const line of lines) {
    const r = next();
    if (r < 0.15) continue; // deleted
    if (r < 0.3) edited.push(`${line} changed`);
    else edited.push(line);
    if (next() < 0.1) edited.push("  it('added', () => {});");
  }
  const end = (text: string[]) => (text.length === 0 ? '' : text.join('\n') + (next() < 0.8 ? '\n' : ''));
  return { base: end(lines), head: end(edited) };
}

describe('rebuilding a test file’s base from its head and the patch', () => {
  it('gives the base byte for byte for every edited, renamed or deleted test file git diffs', async () => {
    const next = random(5);
    const repo = new ScratchRepo();
    const files: Array<{ path: string; base: string; head: string | undefined }> = [];
    for (let k = 0; k < 60; k++) {
      const { base, head } = pair(next);
      const path = `test/case-${k}.test.ts`;
      files.push({ path, base, head: k % 15 === 7 ? undefined : head });
      repo.write(path, base);
    }
    repo.write('test/case-3.test.ts', `${'  expect(1).toBe(1);\n'.repeat(20)}  it('gone', () => {});\n`);
    const base = repo.commit('base');
    for (const f of files) {
      if (f.head === undefined) repo.remove(f.path);
      else repo.write(f.path, f.head);
    }
    repo.write('test/case-0.test.ts', 'whole new\n');
    // A rename with an edit: its base is the old path's blob.
    repo.write('test/renamed.test.ts', `${'  expect(1).toBe(1);\n'.repeat(20)}`);
    repo.remove('test/case-3.test.ts');
    const head = repo.commit('head');
    const { changes, content } = await readGitChanges({ workspace: repo.dir, base, head });
    let rebuilt = 0;
    for (const change of changes.files) {
      const deleted = deletedLinesOf(change);
      if (change.deleted === 0) continue;
      expect(deleted, change.path).toBeDefined();
      const want = await content.read('base', change.oldPath ?? change.path);
      const headBytes = change.status === 'deleted' ? undefined : await content.read('head', change.path);
      const got = rebuildBase(headBytes, change.status === 'deleted' ? new Uint32Array(0) : addedLineNumbers(change), deleted!, change.oldBlob!);
      expect(got?.toString('latin1'), change.path).toBe(want?.toString('latin1'));
      rebuilt++;
    }
    expect(rebuilt).toBeGreaterThan(40);
    expect(changes.files.some((f) => f.status === 'renamed' && f.oldPath === 'test/case-3.test.ts' && deletedLinesOf(f) !== undefined)).toBe(true);
    await content.close?.();
  });

  it('gives nothing when the lines do not make the base blob (a changed line, a wrong id, missing lines)', () => {
    const base = Buffer.from('a\nb\nc\n');
    const head = Buffer.from('a\nB\nc\n');
    const id = blobId(base, 40)!;
    const added = Uint32Array.of(2);
    expect(rebuildBase(head, added, { bytes: Buffer.from('b'), numbers: Uint32Array.of(2) }, id)?.toString()).toBe('a\nb\nc\n');
    expect(rebuildBase(head, added, { bytes: Buffer.from('x'), numbers: Uint32Array.of(2) }, id)).toBeUndefined();
    expect(rebuildBase(head, added, { bytes: Buffer.from('b'), numbers: Uint32Array.of(2) }, 'f'.repeat(40))).toBeUndefined();
    expect(rebuildBase(head, added, { bytes: Buffer.from('b'), numbers: Uint32Array.of(3) }, id)).toBeUndefined();
    expect(rebuildBase(head, Uint32Array.of(2, 7), { bytes: Buffer.from('b'), numbers: Uint32Array.of(2) }, id)).toBeUndefined();
    // SHA-256 repositories: the id's length picks the hash.
    expect(rebuildBase(head, added, { bytes: Buffer.from('b'), numbers: Uint32Array.of(2) }, blobId(base, 64)!)?.toString()).toBe('a\nb\nc\n');
  });

  it('lets the tests rule read only the head of a changed test file, and judge it as from both sides', async () => {
    const repo = new ScratchRepo();
    const spec = (cases: string[]) => `describe('cart', () => {\n${cases.map((c) => `  it('${c}', () => {});`).join('\n')}\n});\n`;
    repo.write('test/cart.test.ts', spec(['adds', 'removes', 'totals']));
    repo.write('test/gone.test.ts', spec(['one']));
    const base = repo.commit('base');
    repo.write('test/cart.test.ts', spec(['adds', 'sums']));
    repo.remove('test/gone.test.ts');
    const head = repo.commit('head');
    const { changes, content } = await readGitChanges({ workspace: repo.dir, base, head });
    const reads: string[] = [];
    const counted: ContentSource = {
      read: (side, path) => {
        reads.push(`${side}:${path}`);
        return content.read(side, path);
      },
      readChange: (side: 'base' | 'head', change: FileChange) => {
        reads.push(`${side}:${change.path}`);
        return content.readChange!(side, change);
      },
    };
    const findings = await testsRule({ allowDeleted: false, allowSkipped: false, allowFewer: false }).run({ changes, content: counted } as never);
    expect(findings.map((f) => `${f.code} ${f.path}`).sort()).toEqual(['test-cases-removed test/cart.test.ts', 'test-deleted test/gone.test.ts']);
    expect(findings.find((f) => f.code === 'test-cases-removed')?.message).toContain('3 at base, 2 at head');
    expect(reads.sort()).toEqual(['head:test/cart.test.ts']);
    await content.close?.();
  });
});
