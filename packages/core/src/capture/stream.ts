import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/** A write stream that honours back-pressure in batches and, unless told not to, hashes what it writes. */
export class HashingWriter {
  private readonly stream: WriteStream;
  private readonly hash: Hash | null;
  private pieces: Buffer[] = [];
  bytes = 0;

  constructor(file: string, options: { hash?: boolean } = {}) {
    this.stream = createWriteStream(file);
    this.hash = options.hash === false ? null : createHash('sha256');
  }

  write(data: Uint8Array | string): void {
    this.pieces.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  /** Call between chunks: writes what is buffered and waits if the disk is behind. */
  async drain(): Promise<void> {
    if (this.pieces.length === 0) return;
    const pieces = this.pieces;
    this.pieces = [];
    // Written piece by piece: gluing them first would copy every byte once more.
    let full = false;
    for (const piece of pieces) {
      this.hash?.update(piece);
      this.bytes += piece.length;
      full = !this.stream.write(piece);
    }
    if (full) await once(this.stream, 'drain');
  }

  async close(): Promise<string> {
    await this.drain();
    this.stream.end();
    await once(this.stream, 'finish');
    return this.hash ? this.hash.digest('hex') : '';
  }
}
