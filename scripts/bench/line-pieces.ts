// A file read in consecutive pieces of about `pieceBytes`, each cut after its last line end (the last
// piece takes whatever is left), so no line straddles two pieces and the file is never held whole. The
// bench children that time one pass over a transcript (secretlint-worker.ts, capture-parts.ts) read it
// this way. Only erasable TypeScript: secretlint-worker.ts runs it under Node's type stripping.
import { closeSync, openSync, readSync } from 'node:fs';

export interface LinePiece {
  /** The piece's bytes; valid until the next piece is asked for. */
  bytes: Buffer;
  /** True when the read that made this piece found the end of the file (a piece that ends on a line end may be the last with this false). */
  atEnd: boolean;
}

/** `maxLineBytes`: room for a line longer than a piece, carried over until its end is read. */
export function* linePieces(file: string, pieceBytes: number, maxLineBytes = 64 * 1024 * 1024): Generator<LinePiece> {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(pieceBytes + maxLineBytes);
    let carry = 0;
    let position = 0;
    for (;;) {
      const read = readSync(fd, buffer, carry, Math.min(pieceBytes, buffer.length - carry), position);
      position += read;
      const filled = carry + read;
      if (filled === 0) return;
      const cut = read === 0 ? filled : buffer.lastIndexOf(0x0a, filled - 1) + 1;
      if (cut <= 0) {
        // No line ends in what was read: read on after it, as long as the buffer has room.
        if (filled === buffer.length) throw new Error(`${file}: a line longer than ${buffer.length} bytes`);
        carry = filled;
        continue;
      }
      yield { bytes: buffer.subarray(0, cut), atEnd: read === 0 };
      buffer.copy(buffer, 0, cut, filled);
      carry = filled - cut;
      if (read === 0 && carry === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}
