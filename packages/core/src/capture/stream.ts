import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/** A write stream that hashes what it writes and honours back-pressure in batches. */
export class HashingWriter {
  private readonly stream: WriteStream;
  private readonly hash: Hash = createHash('sha256');
  private pieces: Buffer[] = [];
  bytes = 0;

  constructor(file: string) {
    this.stream = createWriteStream(file);
  }

  write(data: Uint8Array | string): void {
    this.pieces.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  /** Call between chunks: writes what is buffered and waits if the disk is behind. */
  async drain(): Promise<void> {
    if (this.pieces.length === 0) return;
    const data = this.pieces.length === 1 ? Buffer.from(this.pieces[0]!) : Buffer.concat(this.pieces);
    this.pieces = [];
    this.hash.update(data);
    this.bytes += data.length;
    if (!this.stream.write(data)) await once(this.stream, 'drain');
  }

  async close(): Promise<string> {
    await this.drain();
    this.stream.end();
    await once(this.stream, 'finish');
    return this.hash.digest('hex');
  }
}
