import { describe, expect, it } from 'vitest';
import { jsonDigest } from '@agent-gates/core/digest';
import { diffDigest, DiffDigestStream } from '@agent-gates/core/diff/read';
import type { ChangeSet, ChangeStatus, FileChange } from '../../../../packages/core/src/diff/types.js';

/** The digest by its definition: the entries as objects, sorted, through the general JCS canonicaliser. */
function reference(changes: ChangeSet): string {
  const entries = changes.files.map((file) => ({
    status: file.status,
    path: file.pathBytes !== undefined ? { hex: file.pathBytes } : file.path,
    ...(file.oldPath !== undefined ? { oldPath: file.oldPathBytes !== undefined ? { hex: file.oldPathBytes } : file.oldPath } : {}),
    ...(file.oldMode !== undefined ? { oldMode: file.oldMode } : {}),
    ...(file.newMode !== undefined ? { newMode: file.newMode } : {}),
    ...(file.oldBlob !== undefined ? { oldBlob: file.oldBlob } : {}),
    ...(file.newBlob !== undefined ? { newBlob: file.newBlob } : {}),
  }));
  const key = (e: (typeof entries)[number]) => JSON.stringify([e.path, e.oldPath ?? null, e.status]);
  return jsonDigest(
    entries
      .map((entry) => ({ key: key(entry), entry }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ entry }) => entry),
  );
}

const STATUSES: ChangeStatus[] = ['added', 'deleted', 'modified', 'renamed', 'copied', 'type-changed'];
const NAMES = [
  'src/a.ts',
  'docs/ünïcödé.md',
  'with "quotes" and \\ slash',
  'new\nline',
  'tab\tand\u0001control',
  'emoji 😀/x',
  'lone \ud800 surrogate',
  'Z',
  'a',
];

/** `rounds` change sets of up to 40 files of every shape: statuses, odd names, raw-byte names, repeated keys. */
function randomChanges(rounds: number): ChangeSet[] {
  const out: ChangeSet[] = [];
  let seed = 11;
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let round = 0; round < rounds; round++) {
    const files: FileChange[] = Array.from({ length: next(40) }, (_, i) => {
      const status = STATUSES[next(STATUSES.length)]!;
      const blob = () => (next(2) ? 'a'.repeat(40) : `${i}`.padStart(40, 'f'));
      return {
        status,
        path: `${NAMES[next(NAMES.length)]}${next(3)}`,
        ...(next(4) === 0 ? { pathBytes: 'ff00' } : {}),
        ...(status === 'renamed' || status === 'copied' ? { oldPath: NAMES[next(NAMES.length)]!, ...(next(3) === 0 ? { oldPathBytes: '80' } : {}) } : {}),
        ...(status !== 'added' ? { oldMode: '100644', oldBlob: blob() } : {}),
        ...(status !== 'deleted' ? { newMode: next(2) ? '100755' : '120000', newBlob: blob() } : {}),
        binary: false,
        added: 0,
        deleted: 0,
        addedLines: [],
      };
    });
    const changes = { mode: 'git', base: 'b', head: 'h', files, complete: true, incomplete: [], renames: 'full', messages: [] } as ChangeSet;
    out.push(changes);
  }
  return out;
}

describe('diffDigest', () => {
  it('is the JCS digest of the sorted entries, to the byte, for every shape of entry', () => {
    for (const changes of randomChanges(200)) expect(diffDigest(changes)).toBe(reference(changes));
  });

  it("is the same digest fed file by file (DiffDigestStream), in the digest's order, in any other, or for other files than streamed", () => {
    /** The digest's own sort key (its reference sorts by it, stably). */
    const keyOf = (f: FileChange) =>
      JSON.stringify([
        f.pathBytes !== undefined ? { hex: f.pathBytes } : f.path,
        f.oldPath !== undefined ? (f.oldPathBytes !== undefined ? { hex: f.oldPathBytes } : f.oldPath) : null,
        f.status,
      ]);
    for (const changes of randomChanges(200)) {
      const sorted = [...changes.files].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
      const reversed = [...sorted].reverse();
      for (const files of [sorted, changes.files, reversed]) {
        const stream = new DiffDigestStream();
        for (const file of files) stream.add(file);
        const whole = { ...changes, files };
        expect(stream.digest(whole)).toBe(reference(whole));
        // Hashed as it streamed only in the digest's order; anything else was worked out at the end.
        if (files === sorted) expect(stream.inOrder).toBe(true);
        if (files === reversed && new Set(files.map(keyOf)).size > 1) expect(stream.inOrder).toBe(false);
      }
      // Streamed one list, asked for another (a file left out): the other's digest, never the streamed one's.
      const stream = new DiffDigestStream();
      for (const file of sorted) stream.add(file);
      const fewer = { ...changes, files: sorted.slice(1) };
      expect(stream.digest(fewer)).toBe(reference(fewer));
    }
  });

  it('orders plain names one of which begins another as their keys do (a space or ! after the shorter name sorts first)', () => {
    const names = ['a', 'a b', 'a!', 'a#', 'a/b', 'a0', 'a"q', 'b', 'a\u00e9', 'a\ud83d\ude00'];
    const files = names.flatMap((name, i): FileChange[] =>
      (['added', 'deleted'] as const).map((status) => ({
        status,
        path: name,
        ...(status === 'deleted' ? { oldMode: '100644', oldBlob: `${i}`.padStart(40, 'a') } : { newMode: '100644', newBlob: `${i}`.padStart(40, 'b') }),
        binary: false,
        added: 0,
        deleted: 0,
        addedLines: [],
      })),
    );
    const keyOf = (f: FileChange) => JSON.stringify([f.path, null, f.status]);
    const byKey = [...files].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    const byPath = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.status < b.status ? -1 : 1));
    // The two orders differ exactly where a name begins another: 'a b' and 'a!' before 'a' by key.
    expect(byKey.map((f) => f.path)).not.toEqual(byPath.map((f) => f.path));
    for (const order of [byKey, byPath]) {
      const stream = new DiffDigestStream();
      for (const file of order) stream.add(file);
      expect(stream.inOrder).toBe(order === byKey);
      const changes = { mode: 'git', base: 'b', head: 'h', files: order, complete: true, incomplete: [], renames: 'full', messages: [] } as ChangeSet;
      expect(stream.digest(changes)).toBe(reference(changes));
    }
  });

  it('hashes a list longer than one piece the same way', () => {
    const files = Array.from({ length: 3000 }, (_, i): FileChange => ({
      status: 'modified',
      path: `services/svc-${i}/src/module.ts`,
      oldMode: '100644',
      newMode: '100644',
      oldBlob: 'a'.repeat(40),
      newBlob: 'b'.repeat(40),
      binary: false,
      added: 1,
      deleted: 1,
      addedLines: [],
    }));
    const changes = { mode: 'git', base: 'b', head: 'h', files, complete: true, incomplete: [], renames: 'full', messages: [] } as ChangeSet;
    expect(diffDigest(changes)).toBe(reference(changes));
  });
});
