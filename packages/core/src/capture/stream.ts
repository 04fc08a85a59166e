import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Writes the stored transcript in batches, waiting when the disk is behind. It does not hash: the
 * chunk redactor takes the stored digest where it makes the bytes (see chunks.ts).
 */
export class TranscriptWriter {
  private readonly stream: WriteStream;
  private pieces: Buffer[] = [];
  bytes = 0;

  constructor(file: string) {
    this.stream = createWriteStream(file);
  }

  write(data: Uint8Array): void {
    this.pieces.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  /** Call between chunks: writes what is buffered and waits if the disk is behind. */
  async drain(): Promise<void> {
    if (this.pieces.length === 0) return;
    const pieces = this.pieces;
    this.pieces = [];
    // Written piece by piece: gluing them first would copy every byte once more.
    let full = false;
    for (const piece of pieces) {
      this.bytes += piece.length;
      full = !this.stream.write(piece);
    }
    if (full) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.drain();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
