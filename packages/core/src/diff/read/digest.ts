import { createHash } from 'node:crypto';
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
  const keyed = changes.files.map((file) => ({ key: JSON.stringify([shownPath(file.path, file.pathBytes), oldPathOf(file) ?? null, file.status]), file }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const hash = createHash('sha256');
  let text = '[';
  for (let i = 0; i < keyed.length; i++) {
    if (i > 0) text += ',';
    text += canonicalEntry(keyed[i]!.file);
    // Hashed in pieces: a million-file list never sits in memory as one string.
    if (text.length > 1 << 16) {
      hash.update(text);
      text = '';
    }
  }
  hash.update(`${text}]`);
  return `sha256:${hash.digest('hex')}`;
}

function shownPath(name: string, bytes: string | undefined): string | { hex: string } {
  return bytes !== undefined ? { hex: bytes } : name;
}

function oldPathOf(file: FileChange): string | { hex: string } | undefined {
  return file.oldPath !== undefined ? shownPath(file.oldPath, file.oldPathBytes) : undefined;
}

const json = (value: string | { hex: string }): string => (typeof value === 'string' ? JSON.stringify(value) : `{"hex":${JSON.stringify(value.hex)}}`);

/** One entry's canonical text: members in JCS order (newBlob, newMode, oldBlob, oldMode, oldPath, path, status). */
function canonicalEntry(file: FileChange): string {
  const members: string[] = [];
  if (file.newBlob !== undefined) members.push(`"newBlob":${JSON.stringify(file.newBlob)}`);
  if (file.newMode !== undefined) members.push(`"newMode":${JSON.stringify(file.newMode)}`);
  if (file.oldBlob !== undefined) members.push(`"oldBlob":${JSON.stringify(file.oldBlob)}`);
  if (file.oldMode !== undefined) members.push(`"oldMode":${JSON.stringify(file.oldMode)}`);
  const oldPath = oldPathOf(file);
  if (oldPath !== undefined) members.push(`"oldPath":${json(oldPath)}`);
  members.push(`"path":${json(shownPath(file.path, file.pathBytes))}`, `"status":${JSON.stringify(file.status)}`);
  return `{${members.join(',')}}`;
}
