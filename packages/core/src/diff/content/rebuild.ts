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
  const from = head ?? EMPTY;
  const kept = deleted.bytes;
  const numbers = deleted.numbers;
  // Copied byte by byte in one pass, with no view or native call per line: a test file of fifty short
  // lines cost more in those calls than in its bytes. At most every head and deleted byte, and a newline
  // for each deleted line and the last line.
  const out = Buffer.allocUnsafe(from.length + kept.length + numbers.length + 1);
  let o = 0;
  let h = 0; // where the next head line starts
  let headLine = 1;
  let a = 0; // next added line
  let k = 0; // where the next deleted line starts
  let d = 0; // next deleted line
  let line = 1;
  for (;;) {
    if (d < numbers.length && numbers[d] === line) {
      while (k < kept.length && kept[k] !== NEWLINE) out[o++] = kept[k++]!;
      out[o++] = NEWLINE;
      k++;
      d++;
      line++;
      continue;
    }
    // The head lines added here are not the base's: skipped.
    while (a < added.length && added[a] === headLine) {
      while (h < from.length && from[h] !== NEWLINE) h++;
      h++;
      headLine++;
      a++;
    }
    if (h >= from.length) break;
    // The next unchanged line.
    while (h < from.length && from[h] !== NEWLINE) out[o++] = from[h++]!;
    out[o++] = NEWLINE;
    h++;
    headLine++;
    line++;
  }
  // Every deleted line placed, every added line skipped and no head line left over.
  if (d !== numbers.length || a !== added.length || k < kept.length) return undefined;
  // With a final newline, as nearly every text file ends; then without (the patch's "\ No newline").
  const whole = out.subarray(0, o);
  if (blobId(whole, baseId.length) === baseId) return whole;
  if (o > 0 && blobId(out.subarray(0, o - 1), baseId.length) === baseId) return out.subarray(0, o - 1);
  return undefined;
}

const EMPTY = Buffer.alloc(0);
