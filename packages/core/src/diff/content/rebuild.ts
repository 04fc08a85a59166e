/**
 * A file's base side rebuilt from its head side and the patch: the head's lines with the added ones
 * taken out and the deleted ones put back at their base line numbers. The tests rule compares the
 * test cases of both sides of every changed test file; rebuilding the base saves reading it through
 * `git cat-file`, which was half that rule's git reads on a large change.
 *
 * The result is used only when its git blob id is the base's own (`blob <size>\0<bytes>`, SHA-1 or
 * SHA-256 by the id's length): whatever the patch did not say (a missing final newline, a line git
 * printed differently, lines that were not all kept), a rebuilt base that is not byte for byte the
 * base is never judged; the caller reads the base from git instead.
 */
import { createHash } from 'node:crypto';
import type { DeletedLines } from '../types.js';

const NEWLINE = 10;

/** The `[start, end)` of each line of `bytes` (a final newline ends the last line, it does not start one). */
function lineSpans(bytes: Buffer): number[] {
  const spans: number[] = [];
  let from = 0;
  while (from < bytes.length) {
    const eol = bytes.indexOf(NEWLINE, from);
    const to = eol === -1 ? bytes.length : eol;
    spans.push(from, to);
    from = to + 1;
  }
  return spans;
}

/** git's id of a blob holding `bytes`, in the hash an id of this length is written in. */
export function blobId(bytes: Buffer, idLength: number): string | undefined {
  const algorithm = idLength === 40 ? 'sha1' : idLength === 64 ? 'sha256' : undefined;
  if (!algorithm) return undefined;
  return createHash(algorithm).update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * The base side, or undefined when it cannot be rebuilt to exactly the blob `baseId`.
 * @param head the head side's bytes (undefined: the file was deleted, its whole base is deleted lines)
 * @param added the head line numbers of every added line, ascending (empty for a deleted file)
 * @param deleted every deleted line, with its base line number
 */
export function rebuildBase(head: Buffer | undefined, added: Uint32Array, deleted: DeletedLines, baseId: string): Buffer | undefined {
  const headSpans = head ? lineSpans(head) : [];
  const headLines = headSpans.length / 2;
  const deletedSpans = deleted.bytes.length > 0 || deleted.numbers.length > 0 ? splitKept(deleted.bytes) : [];
  if (deletedSpans.length / 2 !== deleted.numbers.length || added.length > headLines) return undefined;
  const total = headLines - added.length + deleted.numbers.length;
  const pieces: Buffer[] = [];
  let size = 0;
  let h = 0; // next head line (0-based)
  let a = 0; // next added line
  let d = 0; // next deleted line
  for (let line = 1; line <= total; line++) {
    let piece: Buffer;
    if (d < deleted.numbers.length && deleted.numbers[d] === line) {
      piece = deleted.bytes.subarray(deletedSpans[2 * d], deletedSpans[2 * d + 1]);
      d++;
    } else {
      // The next head line that was not added is the next unchanged line.
      while (a < added.length && added[a] === h + 1) {
        a++;
        h++;
      }
      if (h >= headLines) return undefined;
      piece = head!.subarray(headSpans[2 * h], headSpans[2 * h + 1]);
      h++;
    }
    pieces.push(piece);
    size += piece.length + 1;
  }
  // Every line accounted for: what is left of the head can only be added lines.
  while (a < added.length && added[a] === h + 1) {
    a++;
    h++;
  }
  if (d !== deleted.numbers.length || a !== added.length || h !== headLines) return undefined;
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  for (const piece of pieces) {
    at += piece.copy(bytes, at);
    bytes[at++] = NEWLINE;
  }
  // With a final newline, as nearly every text file ends; then without (the patch's "\ No newline").
  if (blobId(bytes, baseId.length) === baseId) return bytes;
  const bare = bytes.subarray(0, Math.max(0, size - 1));
  if (size > 0 && blobId(bare, baseId.length) === baseId) return bare;
  return undefined;
}

/** The kept deleted lines' spans: joined by `\n`, so one more line than newlines (an empty line is one). */
function splitKept(bytes: Buffer): number[] {
  const spans: number[] = [];
  let from = 0;
  for (;;) {
    const eol = bytes.indexOf(NEWLINE, from);
    if (eol === -1) {
      spans.push(from, bytes.length);
      return spans;
    }
    spans.push(from, eol);
    from = eol + 1;
  }
}
