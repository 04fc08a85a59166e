import type { ChangeSet, ContentSource, FileChange, Finding } from '../../../../packages/core/src/diff/types.js';

/** One file at base and head, as a test states it; `undefined` for the side where it does not exist. */
export interface FileSides {
  readonly path: string;
  readonly base?: string;
  readonly head?: string;
  /** For renames: the path at base. */
  readonly oldPath?: string;
}

/**
 * Added line numbers of `head` against `base`, as git would report them: common leading and trailing
 * lines are trimmed first (so 10 MB lockfiles with one changed line stay cheap), then a
 * longest-common-subsequence line diff runs on what is left.
 */
export function addedLineNumbers(base: string, head: string): number[] {
  const a = base === '' ? [] : base.split('\n');
  const b = head === '' ? [] : head.split('\n');
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const x = a.slice(prefix, a.length - suffix);
  const y = b.slice(prefix, b.length - suffix);
  if (x.length * y.length > 4_000_000) return y.map((_, k) => prefix + k + 1);
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--) lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const added: number[] = [];
  let i = 0;
  let j = 0;
  while (j < y.length) {
    if (i < x.length && x[i] === y[j]) {
      i++;
      j++;
    } else if (i < x.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    else added.push(prefix + ++j);
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
