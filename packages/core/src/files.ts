import { closeSync, constants, existsSync, lstatSync, openSync, readSync, realpathSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './errors.js';

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

/**
 * Refuses an output path that the checkout could redirect: a symbolic link at the path itself (a pull
 * request can commit one), or, for a path inside `root`, a folder on the way that leads out of it.
 * Called before the work whose result the file will hold, so nothing is done that cannot be written.
 */
export function assertOutputPath(root: string, file: string, input: string): void {
  const shown = path.relative(root, file) || file;
  let link = false;
  try {
    link = lstatSync(file).isSymbolicLink();
  } catch {
    // Not there yet: written fresh.
  }
  if (link) throw new ConfigError('E_INPUT', `input "${input}": ${shown} is a symbolic link; an output is never written through one`);
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return; // the workflow named a place outside the checkout
  let folder = path.dirname(file);
  while (!existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  const realRoot = realpathSync.native(root);
  const realFolder = realpathSync.native(folder);
  const inside = path.relative(realRoot, realFolder);
  if (inside.startsWith('..') || path.isAbsolute(inside)) {
    throw new ConfigError('E_INPUT', `input "${input}": ${shown} is under a folder that links out of the workspace; an output is never written through one`);
  }
}

/** Writes `data` to `file`, never through a symbolic link at the file itself (O_NOFOLLOW): ELOOP instead. */
export function writeFileNoFollow(file: string, data: string | Uint8Array): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  } finally {
    closeSync(fd);
  }
}
