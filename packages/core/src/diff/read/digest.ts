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
 * reader hands it over, while git is still diffing the rest, and nothing is kept but its path. The end
 * of the run, where nothing else is left to do, then only checks; writing 20,000 entries there took
 * 60-110 ms of a 3 s run. Files out of that order, or a change that is not the files streamed, are
 * digested whole at the end as diffDigest does.
 */
export class DiffDigestStream {
  private readonly hash = createHash('sha256');
  private readonly pieces = new DigestPieces(this.hash);
  private lastKey: string | undefined;
  private ordered = true;
  private readonly streamed: Array<Pick<FileChange, 'path' | 'status'>> = [];

  /** Whether every file so far came in the digest's order (so it was hashed as it came). */
  get inOrder(): boolean {
    return this.ordered;
  }

  add(file: FileChange): void {
    this.streamed.push({ path: file.path, status: file.status });
    if (!this.ordered) return;
    const key = entryKey(file);
    // Equal keys keep the order they came in, as the sort does.
    if (this.lastKey !== undefined && key < this.lastKey) {
      this.ordered = false;
      return;
    }
    this.lastKey = key;
    this.pieces.add(canonicalEntry(file));
  }

  /** The digest of `changes`: the one streamed when its files are the files streamed (as many, the same paths and statuses, in order), else worked out whole. */
  digest(changes: ChangeSet): string {
    const { files } = changes;
    const same =
      this.ordered &&
      files.length === this.streamed.length &&
      files.every((file, i) => file.path === this.streamed[i]!.path && file.status === this.streamed[i]!.status);
    if (!same) return diffDigest(changes);
    this.pieces.end();
    return `sha256:${this.hash.digest('hex')}`;
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

/** What JSON.stringify writes as it is, between quotes: no quote, backslash, control character or surrogate. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
/** JSON.stringify(value) for a string, without its call for the plain ones (nearly all: 3 us an entry went to seven calls). */
const str = (value: string): string => (PLAIN.test(value) ? `"${value}"` : JSON.stringify(value));
const json = (value: string | { hex: string } | null): string =>
  value === null ? 'null' : typeof value === 'string' ? str(value) : `{"hex":${str(value.hex)}}`;

/** One entry's canonical text: members in JCS order (newBlob, newMode, oldBlob, oldMode, oldPath, path, status). */
function canonicalEntry(file: FileChange): string {
  let text = '{';
  if (file.newBlob !== undefined) text += `"newBlob":${str(file.newBlob)},`;
  if (file.newMode !== undefined) text += `"newMode":${str(file.newMode)},`;
  if (file.oldBlob !== undefined) text += `"oldBlob":${str(file.oldBlob)},`;
  if (file.oldMode !== undefined) text += `"oldMode":${str(file.oldMode)},`;
  const oldPath = oldPathOf(file);
  if (oldPath !== undefined) text += `"oldPath":${json(oldPath)},`;
  return `${text}"path":${json(shownPath(file.path, file.pathBytes))},"status":${str(file.status)}}`;
}
