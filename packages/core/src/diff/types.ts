/**
 * The contract between diff-scope's three parts: the readers (git, working tree, API) that turn a
 * change into a `ChangeSet`, the rules that judge it into `Finding`s, and the gate that turns findings
 * into a verdict, a risk tier, a report, SARIF and annotations. Readers never judge; rules never read
 * git or the API themselves (they ask a `ContentSource`), so every rule is tested on plain data.
 */

import type { Verdict } from '../gate/verdict.js';

/** How a file changed. A rename counts for its old and new path; a copy for its new one. */
export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type-changed';

/** git's file modes as git prints them; `undefined` when the side does not exist. */
export type FileMode = '100644' | '100755' | '120000' | '160000' | '040000' | (string & {});

/** One added line of a text file, numbered as in the head version (1-based). */
export interface AddedLine {
  readonly line: number;
  readonly text: string;
}

export interface FileChange {
  readonly status: ChangeStatus;
  /** Repository-relative path at head (for `deleted`: the path that was removed). Always `/`-separated. */
  readonly path: string;
  /** For `renamed` and `copied`: the path at base. */
  readonly oldPath?: string;
  /** git's similarity index (0–100) for renames and copies. */
  readonly similarity?: number;
  readonly oldMode?: FileMode;
  readonly newMode?: FileMode;
  /** Blob ids (full hex) at base and head; absent for the side that does not exist, or in API mode when unknown. */
  readonly oldBlob?: string;
  readonly newBlob?: string;
  readonly binary: boolean;
  /** Added and deleted line counts (0 for binary files). */
  readonly added: number;
  readonly deleted: number;
  /** Every added line with its head line number; empty for binary and deleted files. */
  readonly addedLines: readonly AddedLine[];
  /** For symlinks added or changed (`newMode` 120000): where the link points, as stored. */
  readonly symlinkTarget?: string;
  /**
   * True when the path is not valid UTF-8 in git (then `path` holds it decoded with U+FFFD and
   * `pathBytes` the raw bytes, hex) or holds control or bidirectional-override characters.
   */
  readonly pathBytes?: string;
  /** As `pathBytes`, for `oldPath`. */
  readonly oldPathBytes?: string;
}

/** Which view of the change was read, and whether it can be trusted to be whole. */
export interface ChangeSet {
  readonly mode: 'git' | 'working-tree' | 'api';
  /** Full SHA of the base commit. */
  readonly base: string;
  /** Full SHA of the head commit; `working-tree` in working-tree mode. */
  readonly head: string;
  /**
   * The commit the files were compared against, when it is not `base`: the merge base of base and
   * head (as GitHub's pull request view compares), so commits that landed on the base branch after
   * the branch point do not show as reverted. The content source's `base` side reads this commit.
   */
  readonly diffBase?: string;
  readonly files: readonly FileChange[];
  /**
   * False when the view may miss files or lines (API listing capped at 3,000 files, counts that
   * disagree, a patch the API left out, a shallow history that could not be deepened). A gate that
   * sees `complete: false` never passes.
   */
  readonly complete: boolean;
  /** Why `complete` is false, one sentence each, for the report. */
  readonly incomplete: readonly string[];
  /**
   * How renames were detected: `full` (exact and inexact), `exact-only` (git gave up inexact detection
   * over `diff.renameLimit`; renames then show as a delete plus an add, and the report says so), or
   * `api` (as GitHub reported them).
   */
  readonly renames: 'full' | 'exact-only' | 'api';
  /** Commit messages between base and head, and the pull request's title, body and branch, for `require-ticket`. */
  readonly messages: readonly string[];
}

/**
 * Files in a change from which it is large: what it will need (the secret scan's thread, the content
 * reader's git) starts before the first file, while git is still matching renames, instead of midway.
 */
export const LARGE_CHANGE_FILES = 200;

/** Reads a file's bytes at one side of the change; `undefined` when it does not exist there. */
export interface ContentSource {
  read(side: 'base' | 'head', path: string): Promise<Buffer | undefined>;
  /**
   * The same as `read(side, path)` for a file of the change under its own path at that side (its old
   * path at base for a rename), read by the change's own record: a source that keeps what it learns
   * per path need not, for the rules, which only ever read the file they judge.
   */
  readChange?(side: 'base' | 'head', change: FileChange): Promise<Buffer | undefined>;
  /** Releases what the source holds open (git mode: one `git cat-file --batch` process). Optional to call. */
  close?(): Promise<void>;
}

export type RiskTier = 'low' | 'medium' | 'high' | 'critical';

export const RISK_TIERS = ['low', 'medium', 'high', 'critical'] as const satisfies readonly RiskTier[];

/** One thing a rule found. `rule` and `code` are stable: routers, SARIF and tests key on them. */
export interface Finding {
  /** The rule family, e.g. `paths`, `size`, `tests`, `dependencies`, `secrets`, `forbid`, `modes`, `intent`, `ticket`. */
  readonly rule: string;
  /** Stable code, e.g. `protected-path`, `denied-path`, `test-deleted`, `dependency-downgrade`, `secret`. */
  readonly code: string;
  /** `fail` is a violation, `warn` needs a person, `pass` is information only (listed, never blocking). */
  readonly severity: Verdict;
  readonly message: string;
  readonly path?: string;
  readonly line?: number;
  /** The risk tier this finding raises the change to, at least. */
  readonly tier?: RiskTier;
  /** Which policy setting decided, e.g. `scope.protected-paths[3]` or `default: agent instructions`. */
  readonly decidedBy?: string;
}

/** A file's findings when it has none: one array, never changed (rules flatten their results). */
export const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

/** Everything a rule may look at. */
export interface RuleContext {
  readonly changes: ChangeSet;
  readonly content: ContentSource;
}

/**
 * The part of a rule that reads added lines, fed one file at a time while the reader streams the diff,
 * so a million added lines are judged as they arrive and never held for the whole change. Files come
 * in the change's order (the order of `ChangeSet.files`), each once, with its added lines; the files
 * the ChangeSet holds afterwards may have none (`addedLines` empty, counts kept).
 */
export interface LineScan {
  /**
   * How many files the change has, when the reader knows it before the first `file()` (git lists them
   * first): a hint, never called for some readers and called more than once by others (an estimate
   * first), so a scan must not depend on it.
   */
  expect?(files: number): void;
  /** `content` reads the change's files already (a rule may start reading this file's sides at once). */
  file(file: FileChange, content: ContentSource): void;
  /** Every file was fed: the findings, the rule's whole run (`ctx.changes.files` in the same order). */
  finish(ctx: RuleContext): Promise<readonly Finding[]>;
  /** The scan is given up (the change is read another way, or reading failed): end what it started. */
  dispose?(): Promise<void>;
}

/** One rule (or family of rules) of diff-scope: reads the context, returns what it found. */
export interface Rule {
  /** The rule family, as in `Finding.rule`. */
  readonly name: string;
  run(ctx: RuleContext): Promise<readonly Finding[]>;
  /**
   * For rules that read added lines: a fresh scan for one change. `run(ctx)` is the same as `begin()`,
   * `file()` for every file of `ctx.changes`, then `finish(ctx)`.
   */
  begin?(): LineScan;
}

/**
 * Where a reader keeps a file's added lines compactly (non-enumerable): their text joined by `\n` and
 * each one's head line number. A million added lines are then a string and a number array per file,
 * not a million objects; rules read them through `addedText`, `addedLineNumbers` and
 * `forEachAddedLine`, and `addedLines` is built from them only when something asks for it.
 */
const COMPACT = Symbol('compactAddedLines');

interface CompactLines {
  readonly text: string;
  readonly numbers: Uint32Array;
  /** `addedLines`, once something asked for them. */
  built?: AddedLine[];
}

/**
 * The one `addedLines` getter every compact file shares. One function for all keeps the files' hidden
 * class shared: a getter made per file gave each file a class of its own, and every property read
 * of 20,000 files went through a dictionary.
 */
function compactAddedLines(this: { [COMPACT]: CompactLines }): readonly AddedLine[] {
  const compact = this[COMPACT];
  if (compact.built) return compact.built;
  const lines: AddedLine[] = [];
  forEachLine(compact.text, compact.numbers, (line, lineText) => lines.push({ line, text: lineText }));
  return (compact.built = lines);
}

/**
 * For readers: `file` with its added lines given as `text` (the lines joined by `\n`) and `numbers`
 * (each line's head line number, as many as the text has lines). `addedLines` is an enumerable getter
 * that builds the objects on first use and keeps them.
 */
export function withCompactLines(file: Omit<FileChange, 'addedLines'>, text: string, numbers: Uint32Array): FileChange {
  const out = file as Omit<FileChange, 'addedLines'> & { [COMPACT]?: CompactLines };
  const compact: CompactLines = { text, numbers, built: undefined };
  Object.defineProperty(out, COMPACT, { value: compact, enumerable: false, configurable: false, writable: false });
  Object.defineProperty(out, 'addedLines', { enumerable: true, configurable: false, get: compactAddedLines });
  return out as FileChange;
}

function compactOf(file: Pick<FileChange, 'addedLines'>): CompactLines | undefined {
  return (file as { [COMPACT]?: CompactLines })[COMPACT];
}

function forEachLine(text: string, numbers: Uint32Array, visit: (line: number, text: string, index: number) => void): void {
  let from = 0;
  for (let k = 0; k < numbers.length; k++) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    visit(numbers[k]!, text.slice(from, to), k);
    from = to + 1;
  }
}

/** How many added lines the file has, without building them. */
export function addedLineCount(file: Pick<FileChange, 'addedLines'>): number {
  return compactOf(file)?.numbers.length ?? file.addedLines.length;
}

/** Each added line's head line number, in order (index `k` is line `k` of `addedText`). */
export function addedLineNumbers(file: Pick<FileChange, 'addedLines'>): Uint32Array {
  const compact = compactOf(file);
  if (compact) return compact.numbers;
  return Uint32Array.from(file.addedLines, (added) => added.line);
}

/** Visits each added line (its head line number, text and index), slicing the text only as it goes. */
export function forEachAddedLine(file: Pick<FileChange, 'addedLines'>, visit: (line: number, text: string, index: number) => void): void {
  const compact = compactOf(file);
  if (compact) return forEachLine(compact.text, compact.numbers, visit);
  file.addedLines.forEach((added, index) => visit(added.line, added.text, index));
}

/** A copy of the file without its added lines (counts kept), never building them. */
export function withoutAddedLines(file: FileChange): FileChange {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(file)) if (key !== 'addedLines') copy[key] = (file as unknown as Record<string, unknown>)[key];
  copy.addedLines = [];
  return copy as unknown as FileChange;
}

/**
 * A file's added lines as one text, joined by `\n` (line `k` of the text is `addedLines[k]`): what a
 * rule that scans a whole file at once (secrets) reads. The git reader keeps each file's added lines
 * as one string already, so this costs nothing for its files.
 */
export function addedText(file: Pick<FileChange, 'addedLines'>): string {
  const compact = compactOf(file);
  if (compact) return compact.text;
  return file.addedLines.map((added) => added.text).join('\n');
}

/** A change's own file at one side (`path`: its path there), through `readChange` where the source has it. */
export function readOwn(content: ContentSource, side: 'base' | 'head', path: string, change: FileChange): Promise<Buffer | undefined> {
  return content.readChange ? content.readChange(side, change) : content.read(side, path);
}

/** `run` for a rule that has `begin`: every file through a fresh scan, then its findings. */
export function runScan(begin: () => LineScan, ctx: RuleContext): Promise<readonly Finding[]> {
  const scan = begin();
  for (const file of ctx.changes.files) scan.file(file, ctx.content);
  return scan.finish(ctx);
}
