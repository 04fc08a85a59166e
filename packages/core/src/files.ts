import { readSync } from 'node:fs';

/**
 * The bytes of an opened file whose size fstat gave, read to its end: what was checked (kind, size) is
 * what is read. A file that shrank meanwhile gives the bytes there are.
 */
export function readOpenedFile(fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const n = readSync(fd, buffer, filled, size - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  return filled === size ? buffer : buffer.subarray(0, filled);
}
