import { createHash, type Hash } from 'node:crypto';
import type { ChangeSet, FileChange } from '../types.js';

/**
 * `sha256:` over the canonical list of changes: for each file its status, paths (raw bytes when the
 * name is not plain UTF-8), modes and blob ids, sorted by path. Line contents are covered by the blob
 * ids; the order git or the API listed files in is not part of it. Two reads of the same change give
 * the same digest; any change to what changed gives another.
 *
 * The digest is of the RFC 8785 (JCS) text of that list, the same bytes `jsonDigest` would hash, written
 * here member by member into the hash: every entry has the same few members, whose canonical order is
 * fixed (sorted by UTF-16 code units), and JCS writes strings as `JSON.stringify` does. On a 20,000-file
 * change the general canonicaliser cost a tenth of a second more. test/unit/diff/read/digest.test.ts
 * compares the two.
 */
export function diffDigest(changes: ChangeSet): string {
  return digestOf(changes.files.map(entryKey), changes.files.map(canonicalEntry));
}

/**
 * diffDigest, worked out as the files stream when they come in the digest's order (git lists a change
 * sorted by path, which is that order for nearly every name): each file's entry is hashed when the
 * reader hands it over, while git is still diffing the rest, and nothing is kept but its path and status. The end
 * of the run, where nothing else is left to do, then only checks; writing 20,000 entries there took
 * 60-110 ms of a 3 s run. Files out of that order, or a change that is not the files streamed, are
 * digested whole at the end as diffDigest does.
 */
export class DiffDigestStream {
  private readonly hash = createHash('sha256');
  private readonly pieces = new DigestPieces(this.hash);
  private ordered = true;
  private readonly paths: string[] = [];
  private readonly statuses: FileChange['status'][] = [];
  /** The last file's key, when it is not a plain one (whose order is decided on its path and status). */
  private lastKey: string | undefined;

  /** Whether every file so far came in the digest's order (so it was hashed as it came). */
  get inOrder(): boolean {
    return this.ordered;
  }

  add(file: FileChange): void {
    const n = this.paths.length;
    this.paths.push(file.path);
    this.statuses.push(file.status);
    if (!this.ordered) return;
    // A file named by a plain path alone (no old path, no raw bytes: nearly every one) has the key
    // ["<path>",null,"<status>"], and its order after the last such file follows from the two paths
    // and statuses, with no key made. Any other file is ordered by the keys themselves.
    const simple = file.oldPath === undefined && file.pathBytes === undefined && plain(file.path);
    let follows = true;
    if (n > 0) {
      if (simple && this.lastKey === undefined) follows = plainFollows(this.paths[n - 1]!, this.statuses[n - 1]!, file.path, file.status);
      else {
        const key = entryKey(file);
        // Equal keys keep the order they came in, as the sort does.
        follows = !(key < (this.lastKey ?? plainKey(this.paths[n - 1]!, this.statuses[n - 1]!)));
        this.lastKey = simple ? undefined : key;
      }
    } else if (!simple) this.lastKey = entryKey(file);
    if (!follows) {
      this.ordered = false;
      return;
    }
    this.pieces.add(canonicalEntry(file));
  }

  private result: string | undefined;

  /**
   * The digest of `changes`, whose files must be the ones streamed (the reader's records, without
   * their lines): the one streamed when they are as many, with the same paths and statuses in order (a
   * guard, not a comparison of every member), else worked out whole. It may be asked more than once.
   */
  digest(changes: ChangeSet): string {
    const { files } = changes;
    const same =
      this.ordered && files.length === this.paths.length && files.every((file, i) => file.path === this.paths[i] && file.status === this.statuses[i]);
    if (!same) return diffDigest(changes);
    if (this.result === undefined) {
      this.pieces.end();
      this.result = `sha256:${this.hash.digest('hex')}`;
    }
    return this.result;
  }
}

/** The list's JSON text, written into a hash in pieces of about 64 KiB: a million-file list never sits in memory as one string. */
class DigestPieces {
  private before = '[';
  private piece: string[] = [];
  private length = 0;

  constructor(private readonly hash: Hash) {}

  add(entry: string): void {
    this.piece.push(entry);
    this.length += entry.length;
    if (this.length > 1 << 16) this.flush();
  }

  end(): void {
    if (this.piece.length > 0 || this.before === '[') this.flush();
    this.hash.update(']');
  }

  private flush(): void {
    this.hash.update(`${this.before}${this.piece.join(',')}`);
    this.before = ',';
    this.piece = [];
    this.length = 0;
  }
}

/** The hash of the entries, in the order of their keys (equal keys keep their order: the sort is stable). */
function digestOf(keys: readonly string[], entries: readonly string[]): string {
  const order = keys.map((_, i) => i);
  order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  const hash = createHash('sha256');
  const pieces = new DigestPieces(hash);
  for (const i of order) pieces.add(entries[i]!);
  pieces.end();
  return `sha256:${hash.digest('hex')}`;
}

/** An entry's sort key: the JSON of its path, old path (or null) and status. */
function entryKey(file: FileChange): string {
  return `[${json(shownPath(file.path, file.pathBytes))},${json(oldPathOf(file) ?? null)},${str(file.status)}]`;
}

function shownPath(name: string, bytes: string | undefined): string | { hex: string } {
  return bytes !== undefined ? { hex: bytes } : name;
}

function oldPathOf(file: FileChange): string | { hex: string } | undefined {
  return file.oldPath !== undefined ? shownPath(file.oldPath, file.oldPathBytes) : undefined;
}

/** Whether JSON.stringify writes `value` as it is, between quotes: no quote, backslash, control character or surrogate. */
function plain(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/** JSON.stringify(value) for a string, without its call for the plain ones (nearly all: 3 us an entry went to seven calls). */
const str = (value: string): string => (plain(value) ? `"${value}"` : JSON.stringify(value));

/** The key of a file named by plain `path` alone. */
const plainKey = (path: string, status: string): string => `["${path}",null,"${status}"]`;

/**
 * Whether plainKey(path, status) sorts at or after plainKey(lastPath, lastStatus), from the paths and
 * statuses: the first code unit where the paths differ decides, as it does in the keys, unless one
 * path is the other's prefix, where the key of the shorter has its closing quote (0x22) against the
 * longer one's next code unit. Equal paths: the statuses decide (no status is another's prefix).
 */
function plainFollows(lastPath: string, lastStatus: string, path: string, status: string): boolean {
  if (path === lastPath) return !(status < lastStatus);
  const n = Math.min(path.length, lastPath.length);
  for (let i = 0; i < n; i++) {
    const a = lastPath.charCodeAt(i);
    const b = path.charCodeAt(i);
    if (a !== b) return b > a;
  }
  return lastPath.length < path.length ? path.charCodeAt(n) > 0x22 : lastPath.charCodeAt(n) < 0x22;
}

const json = (value: string | { hex: string } | null): string =>
  value === null ? 'null' : typeof value === 'string' ? str(value) : `{"hex":${str(value.hex)}}`;

/**
 * One entry's canonical text: an object with its members in JCS order (newBlob, newMode, oldBlob, oldMode,
 * oldPath, path, status), written by JSON.stringify, which leaves out the members that are undefined and
 * writes strings as JCS does. Native, it costs what the hand-written concatenation did per entry, without
 * that function's Turbofan compile (30-90 ms on a background thread, from the seven string checks it inlined).
 */
function canonicalEntry(file: FileChange): string {
  return JSON.stringify({
    newBlob: file.newBlob,
    newMode: file.newMode,
    oldBlob: file.oldBlob,
    oldMode: file.oldMode,
    oldPath: oldPathOf(file),
    path: shownPath(file.path, file.pathBytes),
    status: file.status,
  });
}
