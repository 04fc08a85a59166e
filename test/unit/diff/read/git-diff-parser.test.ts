import { describe, expect, it } from 'vitest';
import { ConfigError } from '@agent-gates/core';
import { GitDiffParser, indexKey, modeAt, parseRawMeta, RAW_META } from '../../../../packages/core/src/diff/read/git-diff-parser.js';
import { addedLineCount, addedLineNumbers, addedText, forEachAddedLine, withoutAddedLines, type FileChange } from '../../../../packages/core/src/diff/types.js';
import { ScratchRepo } from './repo.js';
import { rng } from '../../secrets/helpers.js';

/** Every file's members, in order: the same for every status (see finish in git-diff-parser.ts). */
const FILE_KEYS = [
  'status',
  'path',
  'oldPath',
  'similarity',
  'oldMode',
  'newMode',
  'oldBlob',
  'newBlob',
  'binary',
  'added',
  'deleted',
  'pathBytes',
  'oldPathBytes',
  'addedLines',
];

/**
 * Parses `output` pushed in chunks of `chunkSize` bytes, every chunk in the same buffer, as streamGit's
 * spool hands them over: a parser that kept a chunk past push() would read the next one's bytes.
 */
function parse(output: Buffer, chunkSize: number) {
  const parser = new GitDiffParser();
  const reused = Buffer.alloc(chunkSize);
  for (let i = 0; i < output.length; i += chunkSize) {
    const n = output.copy(reused, 0, i, i + chunkSize);
    parser.push(reused.subarray(0, n));
    reused.fill(0x23);
  }
  return parser.end();
}

describe('GitDiffParser', () => {
  it('reads a raw record\u2019s metadata from its bytes exactly as the regex does, and refuses what it refuses', () => {
    const a = '1'.repeat(40);
    const b = 'ab'.repeat(32);
    const good = [
      `:100644 100644 ${a} ${a.replace(/1/g, '2')} M`,
      `:000000 100755 ${'0'.repeat(40)} ${a} A`,
      `:100644 100644 ${a} ${a} R087`,
      `:160000 120000 ${b} ${b} T`,
      `:100644 000000 ${a} ${'0'.repeat(40)} D`,
      `:100644 100644 ${a} ${a} C100`,
    ];
    const bad = [
      '',
      ':',
      `100644 100644 ${a} ${a} M`,
      `:10064 100644 ${a} ${a} M`,
      `:1006444 100644 ${a} ${a} M`,
      `:100644 100644 ${a}1 ${a} M`,
      `:100644 100644 ${a.slice(1)} ${a} M`,
      `:100644 100644 ${a.toUpperCase().replace(/1/g, 'A')} ${a} M`,
      `:100644 100644 ${a} ${a} Q`,
      `:100644 100644 ${a} ${a} R1000`,
      `:100644 100644 ${a} ${a} M `,
      `:100644 100644 ${a} ${a} Mx`,
      `:100644 100644 ${a} ${a}`,
      `:100644  100644 ${a} ${a} M`,
      `:10a644 100644 ${a} ${a} M`,
      `:100644 100644 ${a} ${b} M`,
    ];
    for (const record of [...good, ...bad]) {
      const byRegex = RAW_META.exec(record);
      const parsed = parseRawMeta(Buffer.from(record, 'latin1'));
      expect(parsed === undefined).toBe(byRegex === null);
      if (byRegex)
        expect(parsed).toEqual({ oldMode: byRegex[1], newMode: byRegex[2], oldBlob: byRegex[3], newBlob: byRegex[4], letter: byRegex[5], score: byRegex[6] });
    }
    // Every single-byte change of a good record is read the same way by both.
    const base = Buffer.from(good[2]!, 'latin1');
    for (let at = 0; at < base.length; at++) {
      for (const byte of [0x20, 0x30, 0x39, 0x3a, 0x41, 0x52, 0x61, 0x66, 0x67, 0x00]) {
        const changed = Buffer.from(base);
        changed[at] = byte;
        expect(parseRawMeta(changed) === undefined).toBe(RAW_META.exec(changed.toString('latin1')) === null);
      }
    }
  });

  it('reads an index line\u2019s key and a record\u2019s modes from bytes as the regex and the string did', () => {
    // The key: what /^index ([0-9a-f]+\.\.[0-9a-f]+)/ captured on the line's first 200 characters.
    const r = rng(77);
    const alphabet = ['0', '7', 'a', 'f', 'g', 'A', '.', '..', ' ', ',', '\t', '1'.repeat(40), 'e'.repeat(64)];
    const lines = [
      `${'1'.repeat(40)}..${'2'.repeat(40)}`,
      `${'1'.repeat(40)}..${'2'.repeat(40)} 100644`,
      `${'a'.repeat(64)}..${'b'.repeat(64)}`,
      '',
      '..',
      'a..',
      '..b',
    ];
    for (let k = 0; k < 3000; k++) lines.push(Array.from({ length: Math.floor(r() * 8) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(''));
    lines.push('f'.repeat(150) + '..' + 'e'.repeat(150));
    for (const rest of lines) {
      const line = Buffer.from(`index ${rest}`, 'latin1');
      const byRegex = /^index ([0-9a-f]+\.\.[0-9a-f]+)/.exec(line.toString('latin1', 0, Math.min(line.length, 200)))?.[1];
      expect(indexKey(line, 6, Math.min(line.length, 200)), rest).toBe(byRegex);
    }
    for (const mode of ['100644', '100755', '120000', '160000', '000000', '040000', '100664', '123456']) {
      const token = Buffer.from(`:${mode} ${mode}`, 'latin1');
      expect(modeAt(token, 1)).toBe(mode);
      expect(modeAt(token, 8)).toBe(mode);
    }
  });

  it('tells header lines apart by their bytes: binary patches, short lines and look-alikes', () => {
    const one = '1'.repeat(40);
    const two = '2'.repeat(40);
    const records = `:100644 100644 ${one} ${two} M\0bin\0:100644 100644 ${two} ${one} M\0txt\0\0`;
    const patch = [
      'diff --git a/bin b/bin',
      `index ${one}..${two} 100644`,
      'GIT binary patch',
      'literal 3',
      'diff --git a/txt b/txt',
      `index ${two}..${one}`,
      '--- a/txt',
      '+++ b/txt',
      '@@ -1 +1,2 @@',
      '-old',
      '+new',
      '+@@ not a hunk',
      '',
    ].join('\n');
    const parser = new GitDiffParser();
    parser.push(Buffer.from(records + patch, 'latin1'));
    const [bin, txt] = parser.end();
    expect(bin).toMatchObject({ path: 'bin', binary: true, added: 0 });
    expect(txt).toMatchObject({ path: 'txt', binary: false, added: 2, deleted: 1 });
    expect(addedText(txt!)).toBe('new\n@@ not a hunk');
    // `GIT binary patch` counts only as a whole line; `Binary files` as a prefix, as before.
    const near = new GitDiffParser();
    near.push(
      Buffer.from(
        records.replace('bin', 'b2') + patch.replace('GIT binary patch', 'GIT binary patchy').replace('diff --git a/bin b/bin', 'diff --git a/b2 b/b2'),
        'latin1',
      ),
    );
    expect(near.end()[0]).toMatchObject({ path: 'b2', binary: false });
  });

  it('gives the same result whatever the chunk boundaries', () => {
    const repo = new ScratchRepo();
    repo
      .write('a.txt', 'a\nb\n')
      .write('link', 'x\n')
      .write('bin', Buffer.from([0, 1]));
    const base = repo.commit('base');
    repo
      .write('a.txt', 'a\nB\nc\n')
      .symlink('link', '/etc')
      .write('bin', Buffer.from([0, 2]))
      .write('n\ne w"', '+++ b/fake\n@@ -1 +1 @@\n');
    const head = repo.commit('head');
    const output = Buffer.from(
      repo.git('-c', 'core.quotePath=false', 'diff', '--raw', '-p', '-U0', '-z', '-M', '-C', '--full-index', '--no-abbrev', base, head) + '\n',
      'latin1',
    );
    const whole = parse(output, output.length);
    expect(whole.map((f) => f.path)).toEqual(['a.txt', 'bin', 'link', 'n\ne w"']);
    expect(whole.find((f) => f.path === 'n\ne w"')?.addedLines).toEqual([
      { line: 1, text: '+++ b/fake' },
      { line: 2, text: '@@ -1 +1 @@' },
    ]);
    for (const size of [1, 2, 3, 7, 64]) expect(parse(output, size)).toEqual(whole);
  });

  it('gives every file, whatever its status, the same members in the same order (one hidden class), absent ones undefined', () => {
    const repo = new ScratchRepo();
    repo
      .write('kept.txt', 'a\nb\n')
      .write('gone.txt', 'x\n')
      .write('moved.txt', Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'))
      .write('bin', Buffer.from([0, 1]))
      .write('mode.sh', 'echo\n');
    const base = repo.commit('base');
    repo
      .write('kept.txt', 'a\nB\n')
      .remove('gone.txt')
      .remove('moved.txt')
      .write('moved-too.txt', Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'))
      .write('bin', Buffer.from([0, 2]))
      .write('mode.sh', 'echo\n', 0o755)
      .write('new.txt', 'new\n')
      .write(Buffer.from([0x66, 0xff]), 'raw name\n');
    const head = repo.commit('head');
    const output = Buffer.from(repo.git('diff', '--raw', '-p', '-U0', '-z', '-M', '--full-index', '--no-abbrev', base, head) + '\n', 'latin1');
    const files = parse(output, output.length);
    expect(new Set(files.map((f) => f.status))).toEqual(new Set(['added', 'deleted', 'modified', 'renamed']));
    expect(files.some((f) => f.binary) && files.some((f) => f.pathBytes !== undefined)).toBe(true);
    const getter = Object.getOwnPropertyDescriptor(files[0], 'addedLines')?.get;
    for (const file of files) {
      expect(Object.keys(file)).toEqual(FILE_KEYS);
      expect(Object.getOwnPropertyDescriptor(file, 'addedLines')?.get).toBe(getter);
    }
    // What the report writes is unchanged: JSON leaves the undefined members out.
    const added = files.find((f) => f.path === 'new.txt')!;
    expect(JSON.parse(JSON.stringify(added))).toEqual({
      status: 'added',
      path: 'new.txt',
      newMode: '100644',
      newBlob: added.newBlob,
      binary: false,
      added: 1,
      deleted: 0,
      addedLines: [{ line: 1, text: 'new' }],
    });
    expect(files.find((f) => f.status === 'deleted')!.addedLines).toEqual([]);
    // Streamed, each file comes with its lines behind the same getter; end() then gives the same
    // members in the same order, its lines let go as a plain empty array (no accessor to define).
    const streamed: FileChange[] = [];
    const streaming = new GitDiffParser(Infinity, (file) => streamed.push(file));
    streaming.push(output);
    const ended = streaming.end();
    expect(streamed.map((f) => JSON.stringify(f))).toEqual(files.map((f) => JSON.stringify(f)));
    expect(ended).toHaveLength(files.length);
    for (const [k, file] of ended.entries()) {
      expect(Object.getOwnPropertyDescriptor(streamed[k], 'addedLines')?.get).toBe(getter);
      expect(Object.keys(file)).toEqual(FILE_KEYS);
      expect(Object.getOwnPropertyDescriptor(file, 'addedLines')).toMatchObject({ value: [], enumerable: true, writable: true });
      expect(JSON.stringify(file)).toBe(JSON.stringify({ ...files[k], addedLines: [] }));
      expect([addedLineCount(file), addedText(file), addedLineNumbers(file).length]).toEqual([0, '', 0]);
    }
  });

  it('numbers lines right when hunks carry context lines (diff.interHunkContext, GIT_DIFF_OPTS)', () => {
    const parser = new GitDiffParser();
    parser.push(
      Buffer.from(
        `:100644 100644 ${'1'.repeat(40)} ${'2'.repeat(40)} M\0h.txt\0\0diff --git a/h.txt b/h.txt\nindex ${'1'.repeat(40)}..${'2'.repeat(40)} 100644\n--- a/h.txt\n+++ b/h.txt\n@@ -1,3 +2,5 @@ a\n+y\n b\n c\n+z\n`,
      ),
    );
    expect(parser.end()[0]).toMatchObject({
      added: 2,
      deleted: 0,
      addedLines: [
        { line: 2, text: 'y' },
        { line: 5, text: 'z' },
      ],
    });
  });

  it('decodes each added line as it would alone (invalid UTF-8 at a line end included) and gives the lines as one text', () => {
    const lines = [
      Buffer.from('plain'),
      Buffer.from([0x61, 0xe2, 0x82]),
      Buffer.from(''),
      Buffer.from('caf\u00e9 \u{1F600}'),
      Buffer.from([0xff, 0x62]),
      Buffer.from('\r'),
    ];
    const patch = Buffer.concat([
      Buffer.from(
        `:100644 100644 ${'1'.repeat(40)} ${'2'.repeat(40)} M\0u.txt\0:100644 100644 ${'3'.repeat(40)} ${'4'.repeat(40)} M\0v.txt\0\0` +
          `diff --git a/u.txt b/u.txt\nindex ${'1'.repeat(40)}..${'2'.repeat(40)} 100644\n--- a/u.txt\n+++ b/u.txt\n@@ -1 +1,6 @@\n-old\n`,
      ),
      ...lines.flatMap((line) => [Buffer.from('+'), line, Buffer.from('\n')]),
      Buffer.from(`diff --git a/v.txt b/v.txt\nindex ${'3'.repeat(40)}..${'4'.repeat(40)} 100644\n--- a/v.txt\n+++ b/v.txt\n@@ -0,0 +7 @@\n+last\n`),
    ]);
    for (const size of [1, 5, patch.length]) {
      const streamed: FileChange[] = [];
      const told: Array<[number, number]> = [];
      const parser = new GitDiffParser(
        Infinity,
        (file) => streamed.push(file),
        (files) => told.push([files, streamed.length]),
      );
      for (let i = 0; i < patch.length; i += size) parser.push(patch.subarray(i, i + size));
      parser.end();
      // The file count comes once, after the raw records and before the first file.
      expect(told).toEqual([[2, 0]]);
      const [u, v] = streamed;
      // The rules' way in (no line objects built) reads the same lines as addedLines.
      const visited: Array<[number, string]> = [];
      forEachAddedLine(u!, (line, text) => visited.push([line, text]));
      expect(visited).toEqual(lines.map((line, i) => [i + 1, line.toString('utf8')]));
      expect([...addedLineNumbers(u!)]).toEqual(lines.map((_, i) => i + 1));
      expect(addedLineCount(u!)).toBe(lines.length);
      // A copy without lines keeps every other field, and building it builds no lines.
      const bare = withoutAddedLines(v!);
      expect(bare).toEqual({ ...v!, addedLines: [] });
      expect(u!.addedLines).toEqual(lines.map((line, i) => ({ line: i + 1, text: line.toString('utf8') })));
      expect(addedText(u!)).toBe(lines.map((line) => line.toString('utf8')).join('\n'));
      expect(v!.addedLines).toEqual([{ line: 7, text: 'last' }]);
      expect(addedText(v!)).toBe('last');
      // Built once and kept; and every file shares one getter (so V8 shares the files' hidden class).
      expect(u!.addedLines).toBe(u!.addedLines);
      expect(Object.getOwnPropertyDescriptor(u, 'addedLines')?.get).toBe(Object.getOwnPropertyDescriptor(v, 'addedLines')?.get);
      expect(Object.keys(u!)).toEqual(FILE_KEYS);
    }
    expect(
      addedText({
        addedLines: [
          { line: 1, text: 'a' },
          { line: 3, text: 'b' },
        ],
      }),
    ).toBe('a\nb');
  });

  it('refuses output it cannot account for instead of guessing', () => {
    const parser = new GitDiffParser();
    expect(() => parser.push(Buffer.from(':100644 100644 abc def M\0'))).toThrow(ConfigError);
    const cut = new GitDiffParser();
    cut.push(Buffer.from(`:000000 100644 ${'0'.repeat(40)} ${'1'.repeat(40)} A\0file`));
    expect(() => cut.end()).toThrow(/ended inside a raw record/);
    const orphan = new GitDiffParser();
    expect(() =>
      orphan.push(
        Buffer.from(`:000000 100644 ${'0'.repeat(40)} ${'1'.repeat(40)} A\0file\0\0diff --git a/file b/file\nindex ${'0'.repeat(40)}..${'2'.repeat(40)}\n`),
      ),
    ).toThrow(/matches no changed file/);
    const badHunk = new GitDiffParser();
    expect(() =>
      badHunk.push(
        Buffer.from(`:100644 100644 ${'1'.repeat(40)} ${'2'.repeat(40)} M\0f\0\0diff --git a/f b/f\nindex ${'1'.repeat(40)}..${'2'.repeat(40)}\n@@ -1 x2 @@\n`),
      ),
    ).toThrow(/unexpected git diff hunk header/);
    const missing = new GitDiffParser();
    missing.push(Buffer.from(`:000000 100644 ${'0'.repeat(40)} ${'1'.repeat(40)} A\0file\0\0`));
    expect(() => missing.end()).toThrow(/printed no patch for file/);
  });
});
