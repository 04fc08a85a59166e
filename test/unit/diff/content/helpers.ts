import type { ChangeSet, ContentSource, FileChange, Finding } from '../../../../packages/core/src/diff/types.js';

/** One file at base and head, as a test states it; `undefined` for the side where it does not exist. */
export interface FileSides {
  readonly path: string;
  readonly base?: string;
  readonly head?: string;
  /** For renames: the path at base. */
  readonly oldPath?: string;
}

/** Added line numbers of `head` against `base`, by a longest-common-subsequence line diff (as git would report). */
export function addedLineNumbers(base: string, head: string): number[] {
  const a = base === '' ? [] : base.split('\n');
  const b = head === '' ? [] : head.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const added: number[] = [];
  let i = 0;
  let j = 0;
  while (j < b.length) {
    if (i < a.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    else added.push(++j);
  }
  return added;
}

export function fileChange(sides: FileSides): FileChange {
  const { path, base, head, oldPath } = sides;
  const status = head === undefined ? 'deleted' : base === undefined ? 'added' : oldPath !== undefined && oldPath !== path ? 'renamed' : 'modified';
  const headLines = head === undefined ? [] : head.split('\n');
  const added = head === undefined ? [] : addedLineNumbers(base ?? '', head);
  const baseCount = base === undefined || base === '' ? 0 : base.split('\n').length;
  const kept = headLines.length - added.length;
  return {
    status,
    path,
    oldPath: status === 'renamed' ? oldPath : undefined,
    binary: false,
    added: added.length,
    deleted: head === undefined ? baseCount : Math.max(0, baseCount - kept),
    addedLines: added.map((line) => ({ line, text: headLines[line - 1]! })),
  };
}

/** A ChangeSet and the in-memory ContentSource that serves exactly its files, counting every read. */
export function changeOf(files: readonly FileSides[]): { changes: ChangeSet; content: ContentSource & { reads: string[] } } {
  const base = new Map<string, string>();
  const head = new Map<string, string>();
  for (const f of files) {
    if (f.base !== undefined) base.set(f.oldPath ?? f.path, f.base);
    if (f.head !== undefined) head.set(f.path, f.head);
  }
  const reads: string[] = [];
  const content = {
    reads,
    read(side: 'base' | 'head', path: string): Promise<Buffer | undefined> {
      reads.push(`${side}:${path}`);
      const text = (side === 'base' ? base : head).get(path);
      return Promise.resolve(text === undefined ? undefined : Buffer.from(text, 'utf8'));
    },
  };
  const changes: ChangeSet = {
    mode: 'git',
    base: 'a'.repeat(40),
    head: 'b'.repeat(40),
    files: files.map(fileChange),
    complete: true,
    incomplete: [],
    renames: 'full',
    messages: [],
  };
  return { changes, content };
}

/** `code severity path[:line]` per finding, sorted: what most assertions compare. */
export function summary(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.code} ${f.severity} ${f.path ?? ''}${f.line ? `:${f.line}` : ''}`).sort();
}
