import { jsonDigest } from '../../digest/index.js';
import type { ChangeSet } from '../types.js';

/**
 * `sha256:` over the canonical list of changes: for each file its status, paths (raw bytes when the
 * name is not plain UTF-8), modes and blob ids, sorted by path. Line contents are covered by the blob
 * ids; the order git or the API listed files in is not part of it. Two reads of the same change give
 * the same digest; any change to what changed gives another.
 */
export function diffDigest(changes: ChangeSet): string {
  const entries = changes.files.map((file) => ({
    status: file.status,
    path: file.pathBytes !== undefined ? { hex: file.pathBytes } : file.path,
    ...(file.oldPath !== undefined ? { oldPath: file.oldPathBytes !== undefined ? { hex: file.oldPathBytes } : file.oldPath } : {}),
    ...(file.oldMode !== undefined ? { oldMode: file.oldMode } : {}),
    ...(file.newMode !== undefined ? { newMode: file.newMode } : {}),
    ...(file.oldBlob !== undefined ? { oldBlob: file.oldBlob } : {}),
    ...(file.newBlob !== undefined ? { newBlob: file.newBlob } : {}),
  }));
  const key = (entry: (typeof entries)[number]) => JSON.stringify([entry.path, entry.oldPath ?? null, entry.status]);
  const keyed = entries.map((entry) => ({ key: key(entry), entry }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return jsonDigest(keyed.map(({ entry }) => entry));
}
