import { describe, expect, it } from 'vitest';
import { diffDigest, parsePatch, readApiChanges, type PullFile, type PullInfo } from '@agent-gates/core/diff/read';

const SHA = (c: string) => c.repeat(40);

function pull(overrides: Partial<PullInfo> = {}): PullInfo {
  return { number: 7, baseSha: SHA('a'), headSha: SHA('b'), changedFiles: 0, additions: 0, deletions: 0, ...overrides };
}

async function* pages(...lists: PullFile[][]): AsyncGenerator<PullFile[]> {
  for (const list of lists) yield list;
}

function file(filename: string, overrides: Partial<PullFile> = {}): PullFile {
  return { filename, status: 'modified', additions: 0, deletions: 0, changes: 0, sha: SHA('c'), ...overrides };
}

describe('parsePatch', () => {
  it('numbers added lines as at head across hunks with context', () => {
    const patch = '@@ -1,3 +1,4 @@\n keep\n-old\n+new one\n+new two\n keep\n@@ -10,2 +11,2 @@\n ctx\n-x\n+y\n\\ No newline at end of file';
    expect(parsePatch(patch)).toEqual({
      ok: true,
      added: 3,
      deleted: 2,
      addedLines: [
        { line: 2, text: 'new one' },
        { line: 3, text: 'new two' },
        { line: 12, text: 'y' },
      ],
    });
  });

  it('flags a patch cut short or with lines outside any hunk', () => {
    expect(parsePatch('@@ -1,3 +1,3 @@\n a\n-b').ok).toBe(false);
    expect(parsePatch('+loose line').ok).toBe(false);
    expect(parsePatch('@@ -0,0 +1 @@\n+only').ok).toBe(true);
  });
});

describe('readApiChanges', () => {
  it('turns a whole listing into a complete change set with renames, deletions and messages', async () => {
    const files = [
      file('src/a.ts', { additions: 2, deletions: 1, changes: 3, patch: '@@ -1,2 +1,3 @@\n-x\n+y\n+z\n k' }),
      file('docs/new.md', { status: 'renamed', previous_filename: 'old/new.md', additions: 1, changes: 1, patch: '@@ -5,0 +6 @@\n+tail' }),
      file('gone.txt', { status: 'removed', deletions: 2, changes: 2, patch: '@@ -1,2 +0,0 @@\n-a\n-b' }),
    ];
    const { changes } = await readApiChanges({
      pull: pull({ changedFiles: 3, additions: 3, deletions: 3, title: 'Fix PROJ-9', body: 'body', headRef: 'agent/x', messages: ['commit msg'] }),
      files: pages(files.slice(0, 2), files.slice(2)),
    });
    expect(changes).toMatchObject({ mode: 'api', base: SHA('a'), head: SHA('b'), complete: true, incomplete: [], renames: 'api' });
    expect(changes.messages).toEqual(['Fix PROJ-9', 'body', 'agent/x', 'commit msg']);
    expect(changes.files[0]).toMatchObject({
      status: 'modified',
      path: 'src/a.ts',
      newBlob: SHA('c'),
      addedLines: [
        { line: 1, text: 'y' },
        { line: 2, text: 'z' },
      ],
    });
    expect(changes.files[1]).toMatchObject({ status: 'renamed', path: 'docs/new.md', oldPath: 'old/new.md', addedLines: [{ line: 6, text: 'tail' }] });
    expect(changes.files[2]).toMatchObject({ status: 'deleted', path: 'gone.txt', deleted: 2, addedLines: [] });
    expect(changes.files[2]!.newBlob).toBeUndefined();
    expect(diffDigest(changes)).toMatch(/^sha256:/);
  });

  it('is incomplete when the listing reaches the 3,000-file cap', async () => {
    const listed = Array.from({ length: 30 }, (_, p) =>
      Array.from({ length: 100 }, (_, i) => file(`f/${p * 100 + i}.ts`, { additions: 1, changes: 1, patch: '@@ -0,0 +1 @@\n+x' })),
    );
    const { changes } = await readApiChanges({ pull: pull({ changedFiles: 3500, additions: 3500 }), files: pages(...listed) });
    expect(changes.files).toHaveLength(3000);
    expect(changes.complete).toBe(false);
    expect(changes.incomplete.join('\n')).toMatch(/cap of 3000/);
    expect(changes.incomplete.join('\n')).toMatch(/listed 3000 files but the pull request reports 3500/);
  });

  it('is incomplete even at exactly 3,000 files, where the cap cannot be told from a whole listing', async () => {
    const listed = Array.from({ length: 30 }, (_, p) => Array.from({ length: 100 }, (_, i) => file(`f/${p * 100 + i}.ts`)));
    const { changes } = await readApiChanges({ pull: pull({ changedFiles: 3000 }), files: pages(...listed) });
    expect(changes.complete).toBe(false);
  });

  it('is incomplete when the counts disagree with the pull request', async () => {
    const one = [file('a.ts', { additions: 1, changes: 1, patch: '@@ -0,0 +1 @@\n+x' })];
    const fewer = await readApiChanges({ pull: pull({ changedFiles: 2, additions: 1 }), files: pages(one) });
    expect(fewer.changes.complete).toBe(false);
    expect(fewer.changes.incomplete).toEqual(['The API listed 1 files but the pull request reports 2 changed files.']);
    const lines = await readApiChanges({ pull: pull({ changedFiles: 1, additions: 5 }), files: pages(one) });
    expect(lines.changes.complete).toBe(false);
    expect(lines.changes.incomplete[0]).toMatch(/\+1\/-0 lines but the pull request reports \+5\/-0/);
    const whole = await readApiChanges({ pull: pull({ changedFiles: 1, additions: 1 }), files: pages(one) });
    expect(whole.changes.complete).toBe(true);
  });

  it('is incomplete when a text file has no patch (GitHub leaves out large ones) or a patch disagrees with its counts', async () => {
    const { changes } = await readApiChanges({
      pull: pull({ changedFiles: 2, additions: 5001, deletions: 0 }),
      files: pages([file('huge.json', { additions: 5000, changes: 5000 }), file('cut.ts', { additions: 1, changes: 1, patch: '@@ -0,0 +1,2 @@\n+a' })]),
    });
    expect(changes.complete).toBe(false);
    expect(changes.incomplete.join('\n')).toMatch(/left out the patch of huge\.json/);
    expect(changes.incomplete.join('\n')).toMatch(/patch for cut\.ts does not match/);
    expect(changes.files[0]).toMatchObject({ added: 5000, addedLines: [], binary: false });
  });

  it('tells binary files from empty ones by their content, and takes a file it cannot read as binary', async () => {
    const content: Record<string, Buffer> = { 'img.png': Buffer.from([0x89, 0x50, 0, 1]), 'empty.txt': Buffer.alloc(0) };
    const reads: string[] = [];
    const listing = [
      file('img.png', { status: 'added' }),
      file('empty.txt', { status: 'added' }),
      file('moved.bin', { status: 'renamed', previous_filename: 'was.bin' }),
    ];
    const { changes } = await readApiChanges({
      pull: pull({ changedFiles: 3 }),
      files: pages(listing),
      readContent: (ref, path) => {
        reads.push(`${ref.slice(0, 1)}:${path}`);
        return Promise.resolve(content[path]);
      },
    });
    expect(changes.complete).toBe(true);
    expect(changes.files.map((f) => [f.path, f.binary])).toEqual([
      ['img.png', true],
      ['empty.txt', false],
      ['moved.bin', false],
    ]);
    expect(reads).toEqual(['b:img.png', 'b:empty.txt']);
    const blind = await readApiChanges({ pull: pull({ changedFiles: 1 }), files: pages([file('img.png', { status: 'added' })]) });
    expect(blind.changes.files[0]!.binary).toBe(true);
    await expect(blind.content.read('head', 'img.png')).rejects.toMatchObject({ code: 'E_INPUT' });
  });

  it('marks names with control or bidirectional characters, and an unknown status as incomplete', async () => {
    const { changes } = await readApiChanges({
      pull: pull({ changedFiles: 2 }),
      files: pages([file('evil\u202Egnp.exe', { status: 'added', sha: SHA('d'), patch: undefined }), file('x.ts', { status: 'mystery' })]),
      readContent: () => Promise.resolve(Buffer.from('text')),
    });
    expect(changes.files[0]!.pathBytes).toBe(Buffer.from('evil\u202Egnp.exe').toString('hex'));
    expect(changes.complete).toBe(false);
    expect(changes.incomplete[0]).toMatch(/status "mystery"/);
  });

  it('reads content at the merge base for the base side and at head for the head side', async () => {
    const seen: string[] = [];
    const { content } = await readApiChanges({
      pull: pull({ mergeBaseSha: SHA('e') }),
      files: pages(),
      readContent: (ref, path) => {
        seen.push(`${ref}:${path}`);
        return Promise.resolve(Buffer.from(ref));
      },
    });
    await content.read('base', 'p');
    await content.read('head', 'p');
    expect(seen).toEqual([`${SHA('e')}:p`, `${SHA('b')}:p`]);
  });
});
