import { ConfigError } from '../../errors.js';
import { withCompactLines, type ChangeStatus, type FileChange } from '../types.js';
import { decodePath } from './paths.js';

/**
 * An incremental parser for the output of one git command:
 *
 *     git diff --raw -p -U0 -z -M -C --full-index --no-abbrev <base> <head>
 *
 * which prints every change as a NUL-separated raw record (modes, blob ids, status, paths as raw
 * bytes), an empty record, then the `-U0` patch. One git process instead of three (`--raw`,
 * `--numstat`, `-p`) because each `git diff` redoes rename detection and every `--numstat` reruns
 * the line diff: on a 20,000-file change that is most of the cost. Line counts and binary files are
 * taken from the patch itself (`+`/`-` lines, `Binary files … differ`), which is what `--numstat`
 * counts.
 *
 * Patch sections are matched to raw records by their `index <old>..<new>` line (full blob ids, in
 * the same order as the raw records), never by the quoted names in the `diff --git` header, which
 * are ambiguous for names with spaces. A type change (file <-> symlink <-> submodule) is printed by
 * git as a deletion section then a creation section; both belong to the one record.
 *
 * Input arrives in chunks of any size; only the unfinished record or line is carried over, so memory
 * is the parsed result plus one chunk, whatever the size of the diff.
 */

const ZERO_SHA = /^0+$/;
/** What `parseRawMeta` accepts, as a regex (its tests compare the two). */
/** The status letters a raw record may carry (STATUS maps those diff-scope reads; the rest are refused there). */
const RAW_STATUS_LETTERS = 'ACDMRTUX';
export const RAW_META = new RegExp(`^:(\\d{6}) (\\d{6}) ([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) ([${RAW_STATUS_LETTERS}])(\\d{0,3})$`);

interface RawMeta {
  oldMode: string;
  newMode: string;
  oldBlob: string;
  newBlob: string;
  letter: string;
  score: string;
}

const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x30 && byte <= 0x39;
const isLowerHex = (byte: number | undefined): boolean => byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66));
const STATUS_LETTERS = new Set([...RAW_STATUS_LETTERS].map((letter) => letter.charCodeAt(0)));

/**
 * A `--raw` record's metadata (`:100644 100644 <id> <id> M`), read from its bytes: exactly what RAW_META
 * matches, without a string of the whole record and a regex match per file (20,000 of them).
 */
export function parseRawMeta(token: Buffer): RawMeta | undefined {
  const n = token.length;
  if (n < 98 || token[0] !== 0x3a || token[7] !== 0x20 || token[14] !== 0x20) return undefined;
  for (let k = 1; k < 14; k++) if (k !== 7 && !isDigit(token[k])) return undefined;
  let i = 15;
  while (isLowerHex(token[i])) i++;
  const oldEnd = i;
  if ((oldEnd - 15 !== 40 && oldEnd - 15 !== 64) || token[i] !== 0x20) return undefined;
  const newStart = ++i;
  while (isLowerHex(token[i])) i++;
  const newEnd = i;
  if ((newEnd - newStart !== 40 && newEnd - newStart !== 64) || token[i] !== 0x20 || !STATUS_LETTERS.has(token[i + 1]!)) return undefined;
  const scoreStart = i + 2;
  if (n - scoreStart > 3) return undefined;
  for (let k = scoreStart; k < n; k++) if (!isDigit(token[k])) return undefined;
  const text = (from: number, to: number) => token.toString('latin1', from, to);
  return {
    oldMode: modeAt(token, 1),
    newMode: modeAt(token, 8),
    oldBlob: text(15, oldEnd),
    newBlob: text(newStart, newEnd),
    letter: String.fromCharCode(token[i + 1]!),
    score: text(scoreStart, n),
  };
}

/** The modes nearly every record carries, as shared strings rather than two new ones a file. */
const COMMON_MODES = ['100644', '100755', '120000', '160000', '000000', '040000'].map((mode) => ({ mode, bytes: Buffer.from(mode, 'latin1') }));

/** The six-digit mode at `token[at, at + 6)` (digits already checked). */
export function modeAt(token: Buffer, at: number): string {
  for (const { mode, bytes } of COMMON_MODES) if (startsWith(token, at, at + 6, bytes)) return mode;
  return token.toString('latin1', at, at + 6);
}

const PLUS = 0x2b;
const MINUS = 0x2d;
const BACKSLASH = 0x5c;
const AT = 0x40;
const SPACE = 0x20;

interface MutableChange {
  status: ChangeStatus;
  pathRaw: Buffer;
  oldPathRaw?: Buffer;
  similarity?: number;
  oldMode?: string;
  newMode?: string;
  oldBlob?: string;
  newBlob?: string;
  binary: boolean;
  added: number;
  deleted: number;
  /**
   * The added lines decoded so far: their text joined by `\n` and each one's head line number. No
   * object per line: a million added lines are a string and a number array per file.
   */
  lines: { text: string; numbers: Uint32Array } | undefined;
  /** Bytes of added lines counted against the parser's budget for this record. */
  lineBytes: number;
  /**
   * Which of the record's patch sections were seen: bit 0 for `<old>..<new>` (for a type change,
   * `<old>..<zero>`), bit 1 for a type change's `<zero>..<new>`. The keys themselves are not kept:
   * they are the blob ids, compared in place (sectionOf).
   */
  seen: number;
  /** The paths decoded, once: a record is finished twice when it is handed out (with its lines, then without for `end()`). */
  decoded?: { path: ReturnType<typeof decodePath>; old: ReturnType<typeof decodePath> | undefined };
  /** The record without its lines, for `end()`, made when it was handed to `onFile`. */
  final?: FileChange;
}

interface Section {
  change: MutableChange | undefined;
  /** Submodule sections hold `Subproject commit` lines, not file content: not counted. */
  submodule: boolean;
}

const STATUS: Record<string, ChangeStatus> = {
  A: 'added',
  C: 'copied',
  D: 'deleted',
  M: 'modified',
  R: 'renamed',
  T: 'type-changed',
};

export class GitDiffParser {
  private phase: 'raw' | 'patch' = 'raw';
  private carry: Buffer[] = [];
  private readonly changes: MutableChange[] = [];
  /** Raw record being read: its meta line, then one or two paths. */
  private pending: { meta: RawMeta; paths: Buffer[] } | undefined;
  private cursor = 0;
  private section: Section | undefined;
  private inHunk = false;
  private newLine = 0;
  private readonly zero: string[] = [];
  private keptBytes = 0;
  /**
   * Added lines not yet decoded, as UTF-8 joined by `\n`, all of one record (`pendingOwner`), and their
   * head line numbers: decoded as one string when the record's patch ends. One decode per file, not
   * one per line: a million added lines must not cost a million decodes and copies.
   */
  private lineBuffer = Buffer.allocUnsafe(1 << 16);
  private lineBufferBytes = 0;
  private lineNumbers = new Uint32Array(1024);
  private lineCount = 0;
  private pendingOwner: MutableChange | undefined;
  /** Files whose added lines were counted but not all kept, because the budget ran out. */
  readonly overBudget = new Set<string>();

  /** Records before this one were handed to `onFile` already. */
  private emitted = 0;

  /**
   * @param maxAddedLineBytes text of added lines kept in memory at most; past it lines are counted, not kept.
   * @param onFile called with each file, added lines included, as soon as its patch is read (in git's
   *   order); the parser then drops the lines, so only the files not yet finished hold any. The files
   *   `end()` returns have no added lines when it is given.
   */
  constructor(
    private readonly maxAddedLineBytes = Infinity,
    private readonly onFile?: (file: FileChange) => void,
    /** Called once with the number of files, when the raw records are read and before the first patch. */
    private readonly onRecords?: (files: number) => void,
  ) {}

  /** Reads the next bytes of git's output; `chunk` is not kept once this returns. */
  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const end = chunk.indexOf(this.phase === 'raw' ? 0 : 10, start);
      if (end === -1) {
        // Copied: the caller may reuse the chunk once push returns (streamGit does, through a spool).
        this.carry.push(Buffer.from(chunk.subarray(start)));
        return;
      }
      if (this.carry.length > 0) {
        this.carry.push(chunk.subarray(start, end));
        const piece = Buffer.concat(this.carry);
        this.carry = [];
        if (this.phase === 'raw') this.rawToken(piece);
        else this.patchLine(piece, 0, piece.length);
      } else if (this.phase === 'raw') this.rawToken(chunk.subarray(start, end));
      // Lines are read in place (buffer, start, end): a million added lines must not cost a million Buffer views.
      else this.patchLine(chunk, start, end);
      start = end + 1;
    }
  }

  /** The changes, in git's order. Throws E_GIT when the output ended mid-record. */
  end(): FileChange[] {
    if (this.carry.length > 0) {
      const rest = Buffer.concat(this.carry);
      this.carry = [];
      if (this.phase === 'raw') throw new ConfigError('E_GIT', 'git diff output ended inside a raw record');
      this.patchLine(rest, 0, rest.length);
    }
    if (this.pending) throw new ConfigError('E_GIT', 'git diff output ended inside a raw record');
    for (const change of this.changes) {
      // A record with content whose patch never showed up means the two outputs disagree: never guess.
      // A record expects a patch unless both its sides are empty (all-zero ids).
      const expected = change.oldBlob !== undefined || change.newBlob !== undefined;
      if (expected && change.seen === 0 && change.oldBlob !== change.newBlob) {
        throw new ConfigError('E_GIT', `git diff printed no patch for ${decodePath(change.pathRaw).path}`);
      }
    }
    this.decodePending();
    this.emitUpTo(this.changes.length);
    return this.changes.map((change) => change.final ?? finish(change));
  }

  /** Hands the records before `upTo` to `onFile` (their patches are complete) and lets their lines go. */
  private emitUpTo(upTo: number): void {
    if (!this.onFile) return;
    for (; this.emitted < upTo; this.emitted++) {
      const change = this.changes[this.emitted]!;
      if (change === this.pendingOwner) this.decodePending();
      this.onFile(finish(change));
      this.keptBytes -= change.lineBytes;
      change.lineBytes = 0;
      change.lines = undefined;
      // Made now, while git is still diffing, not all at once at the end where this thread works alone.
      change.final = finishWithoutLines(change);
    }
  }

  private rawToken(token: Buffer): void {
    if (!this.pending) {
      if (token.length === 0) {
        this.phase = 'patch';
        this.onRecords?.(this.changes.length);
        return;
      }
      const meta = parseRawMeta(token);
      if (!meta) throw new ConfigError('E_GIT', `unexpected git diff --raw record "${token.toString('latin1').slice(0, 80)}"`);
      this.pending = { meta, paths: [] };
      return;
    }
    this.pending.paths.push(Buffer.from(token));
    const letter = this.pending.meta.letter;
    const wanted = letter === 'R' || letter === 'C' ? 2 : 1;
    if (this.pending.paths.length < wanted) return;
    const { meta, paths } = this.pending;
    this.pending = undefined;
    const status = STATUS[letter];
    if (!status) throw new ConfigError('E_GIT', `git diff reported status ${letter} for ${decodePath(paths[0]!).path}`);
    const { oldMode, newMode, oldBlob, newBlob, score } = meta;
    if (this.zero.length === 0) this.zero.push('0'.repeat(oldBlob.length));
    // Every field set in one literal, absent ones as undefined: one hidden class for all records
    // (optional fields spread in made one per combination, and cost more to build than to parse).
    this.changes.push({
      status,
      pathRaw: paths[paths.length - 1]!,
      oldPathRaw: wanted === 2 ? paths[0]! : undefined,
      similarity: wanted === 2 ? Number(score) : undefined,
      oldMode: oldMode !== '000000' ? oldMode : undefined,
      newMode: newMode !== '000000' ? newMode : undefined,
      oldBlob: ZERO_SHA.test(oldBlob) ? undefined : oldBlob,
      newBlob: ZERO_SHA.test(newBlob) ? undefined : newBlob,
      binary: false,
      added: 0,
      deleted: 0,
      lines: undefined,
      lineBytes: 0,
      seen: 0,
      decoded: undefined,
    });
  }

  private patchLine(buffer: Buffer, start: number, end: number): void {
    const first = start < end ? buffer[start] : undefined;
    if (this.inHunk) {
      const section = this.section!;
      if (first === PLUS) {
        if (section.change && !section.submodule) {
          section.change.added++;
          this.keptBytes += end - start;
          section.change.lineBytes += end - start;
          if (this.keptBytes <= this.maxAddedLineBytes) this.keep(section.change, buffer, start + 1, end);
          else this.overBudget.add(decodePath(section.change.pathRaw).path);
        }
        this.newLine++;
        return;
      }
      if (first === MINUS) {
        if (section.change && !section.submodule) section.change.deleted++;
        return;
      }
      if (first === BACKSLASH) return;
      // A context line: -U0 prints none, but a diff.interHunkContext or GIT_DIFF_OPTS from the
      // environment could add some; skipping them keeps the head line numbers right.
      if (first === SPACE) {
        this.newLine++;
        return;
      }
      if (first === AT) {
        this.hunk(buffer, start, end);
        return;
      }
      this.inHunk = false;
    }
    // Header lines are told apart by their first bytes, with no string made of each (a 20,000-file
    // change has over a hundred thousand): only an `index` line's key becomes one.
    if (startsWith(buffer, start, end, DIFF_GIT)) {
      this.section = { change: undefined, submodule: false };
      return;
    }
    const section = this.section;
    if (!section)
      throw new ConfigError('E_GIT', `unexpected git diff line before the first file: "${buffer.toString('latin1', start, Math.min(end, start + 80))}"`);
    if (startsWith(buffer, start, end, INDEX)) {
      const key = indexKey(buffer, start + INDEX.length, Math.min(end, start + HEADER_READ));
      if (key) this.claim(section, key);
    } else if (startsWith(buffer, start, end, BINARY_FILES) || (end - start === GIT_BINARY_PATCH.length && startsWith(buffer, start, end, GIT_BINARY_PATCH))) {
      if (section.change) section.change.binary = true;
    } else if (first === AT && startsWith(buffer, start, end, HUNK)) {
      this.hunk(buffer, start, end);
    }
  }

  /** Keeps an added line's bytes (`buffer[from, to)`) and head line number until its record's patch ends. */
  private keep(change: MutableChange, buffer: Buffer, from: number, to: number): void {
    if (this.pendingOwner !== change) {
      this.decodePending();
      this.pendingOwner = change;
    }
    const separator = this.lineCount > 0 ? 1 : 0;
    const need = this.lineBufferBytes + separator + (to - from);
    if (need > this.lineBuffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.lineBuffer.length * 2));
      this.lineBuffer.copy(grown, 0, 0, this.lineBufferBytes);
      this.lineBuffer = grown;
    }
    if (separator) this.lineBuffer[this.lineBufferBytes++] = 10;
    this.lineBufferBytes += buffer.copy(this.lineBuffer, this.lineBufferBytes, from, to);
    if (this.lineCount === this.lineNumbers.length) {
      const grown = new Uint32Array(this.lineNumbers.length * 2);
      grown.set(this.lineNumbers);
      this.lineNumbers = grown;
    }
    this.lineNumbers[this.lineCount++] = this.newLine;
  }

  /**
   * Decodes the pending lines as one string and gives them to their record. The bytes decode as the
   * lines would one by one: a newline byte is never part of a UTF-8 sequence, so an invalid sequence
   * at a line's end becomes U+FFFD either way.
   */
  private decodePending(): void {
    const change = this.pendingOwner;
    this.pendingOwner = undefined;
    if (!change || this.lineCount === 0) return;
    const text = this.lineBuffer.toString('utf8', 0, this.lineBufferBytes);
    const numbers = this.lineNumbers.slice(0, this.lineCount);
    this.lineBufferBytes = 0;
    this.lineCount = 0;
    if (this.lineBuffer.length > 1 << 20) this.lineBuffer = Buffer.allocUnsafe(1 << 16);
    if (this.lineNumbers.length > 1 << 16) this.lineNumbers = new Uint32Array(1024);
    const before = change.lines;
    if (!before) {
      change.lines = { text, numbers };
      return;
    }
    // Lines of one record may come in two runs (a type change's two sections): the text then grows.
    const joined = new Uint32Array(before.numbers.length + numbers.length);
    joined.set(before.numbers);
    joined.set(numbers, before.numbers.length);
    change.lines = { text: `${before.text}\n${text}`, numbers: joined };
  }

  /**
   * Reads the head start line from `@@ -a[,b] +c[,d] @@` in place: a -U0 diff of a million changed
   * lines has hundreds of thousands of hunks, and a string and a regex match for each is most of the
   * garbage the parser would make.
   */
  private hunk(buffer: Buffer, start: number, end: number): void {
    if (end - start < 9 || buffer[start + 1] !== AT || buffer[start + 2] !== SPACE || buffer[start + 3] !== MINUS) throw badHunk(buffer, start, end);
    let i = start + 4;
    while (i < end && buffer[i] !== SPACE) i++;
    if (buffer[i + 1] !== PLUS) throw badHunk(buffer, start, end);
    i += 2;
    let line = 0;
    const digitsFrom = i;
    for (; i < end; i++) {
      const byte = buffer[i]!;
      if (byte < 0x30 || byte > 0x39) break;
      line = line * 10 + (byte - 0x30);
    }
    if (i === digitsFrom || i - digitsFrom > 12) throw badHunk(buffer, start, end);
    this.newLine = line;
    this.inHunk = true;
  }

  /** Gives a patch section to the first record, at or after the cursor, that owns its key and has not seen it. */
  private claim(section: Section, key: string): void {
    for (let i = this.cursor; i < this.changes.length; i++) {
      const change = this.changes[i]!;
      const at = sectionOf(change, key, this.zero[0] ?? '');
      if (at === -1 || (change.seen & (1 << at)) !== 0) continue;
      change.seen |= 1 << at;
      // Patches come in the records' order: every record before this one is complete.
      this.emitUpTo(i);
      this.cursor = i;
      section.change = change;
      // The section's new side: a type change's first section ends at the zero id.
      const newSideExists = change.newBlob !== undefined && !(change.status === 'type-changed' && at === 0);
      section.submodule = (newSideExists ? change.newMode : change.oldMode) === '160000';
      return;
    }
    throw new ConfigError('E_GIT', `git diff printed a patch (index ${key}) that matches no changed file`);
  }
}

const DIFF_GIT = Buffer.from('diff --git ', 'latin1');
const INDEX = Buffer.from('index ', 'latin1');
const BINARY_FILES = Buffer.from('Binary files ', 'latin1');
const GIT_BINARY_PATCH = Buffer.from('GIT binary patch', 'latin1');
const HUNK = Buffer.from('@@ ', 'latin1');
/** How much of a header line is read: an `index` line's key is within it for either hash length. */
const HEADER_READ = 200;
const DOT = 0x2e;

function startsWith(buffer: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (buffer[start + k] !== prefix[k]) return false;
  return true;
}

/**
 * The `<hex>..<hex>` at the start of `buffer[from, to)` (what follows `index `), or undefined: what
 * `/^index ([0-9a-f]+\.\.[0-9a-f]+)/` captures on the line's first HEADER_READ characters.
 */
export function indexKey(buffer: Buffer, from: number, to: number): string | undefined {
  let i = from;
  while (i < to && isLowerHex(buffer[i])) i++;
  if (i === from || i + 2 > to || buffer[i] !== DOT || buffer[i + 1] !== DOT) return undefined;
  const second = i + 2;
  i = second;
  while (i < to && isLowerHex(buffer[i])) i++;
  return i === second ? undefined : buffer.toString('latin1', from, i);
}

function badHunk(buffer: Buffer, start: number, end: number): ConfigError {
  return new ConfigError('E_GIT', `unexpected git diff hunk header "${buffer.toString('latin1', start, Math.min(end, start + 80))}"`);
}

/**
 * Which of `change`'s patch sections an index line's `key` names: 0 for `<old>..<new>` (a type change:
 * `<old>..<zero>`), 1 for a type change's `<zero>..<new>`, or -1. A side git gives as all zeros is
 * `zero` (the record keeps no id for it).
 */
function sectionOf(change: MutableChange, key: string, zero: string): number {
  const oldSide = change.oldBlob ?? zero;
  const newSide = change.newBlob ?? zero;
  if (change.status !== 'type-changed') return isKey(key, oldSide, newSide) ? 0 : -1;
  return isKey(key, oldSide, zero) ? 0 : isKey(key, zero, newSide) ? 1 : -1;
}

/** `key === \`${a}..${b}\``, without making that string. */
function isKey(key: string, a: string, b: string): boolean {
  return (
    key.length === a.length + 2 + b.length && key.startsWith(a) && key.charCodeAt(a.length) === 0x2e && key.charCodeAt(a.length + 1) === 0x2e && key.endsWith(b)
  );
}

/** The record's members but its added lines, in one literal (see finish). */
function members(change: MutableChange): Omit<FileChange, 'addedLines'> {
  const decoded = (change.decoded ??= { path: decodePath(change.pathRaw), old: change.oldPathRaw ? decodePath(change.oldPathRaw) : undefined });
  const { path, pathBytes } = decoded.path;
  const old = decoded.old;
  // One literal with every member, the absent ones undefined, then the added lines always the same
  // way (finish: behind the one accessor; finishWithoutLines: an empty array): one hidden class for
  // every file of every status. Members set only when present gave a class per combination (modified,
  // added, deleted, renamed; with lines or without), and every rule's per-file function went
  // megamorphic on them and was deoptimised and compiled again. JSON (the report) leaves undefined
  // members out, so what it writes is the same, in the same order.
  return {
    status: change.status,
    path,
    oldPath: old?.path,
    similarity: change.similarity,
    oldMode: change.oldMode || undefined,
    newMode: change.newMode || undefined,
    oldBlob: change.oldBlob || undefined,
    newBlob: change.newBlob || undefined,
    binary: change.binary,
    added: change.binary ? 0 : change.added,
    deleted: change.binary ? 0 : change.deleted,
    pathBytes: pathBytes || undefined,
    oldPathBytes: old?.pathBytes || undefined,
  };
}

function finish(change: MutableChange): FileChange {
  const file = members(change);
  const lines = change.binary ? undefined : change.lines;
  return lines ? withCompactLines(file, lines.text, lines.numbers) : withCompactLines(file, '', NO_LINE_NUMBERS);
}

/**
 * The record `end()` returns once `onFile` had the file's lines: the same members in the same order,
 * and no added lines as a plain empty array, not behind the accessor, which took two
 * Object.defineProperty calls a file (20-25 ms of the main thread on a 20,000-file change). These
 * records share a hidden class of their own; what reads `end()`'s list sees only them.
 */
function finishWithoutLines(change: MutableChange): FileChange {
  const file = members(change) as Omit<FileChange, 'addedLines'> & { addedLines?: FileChange['addedLines'] };
  file.addedLines = [];
  return file as FileChange;
}

const NO_LINE_NUMBERS = new Uint32Array(0);
