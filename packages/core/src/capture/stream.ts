import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { once } from 'node:events';

export interface LineSink {
  /** One physical line without its terminator; `ending` is '\n', '\r\n' or '' for the last line. */
  line(text: string, ending: string): void;
  /** Called after each chunk's lines, so a writer can wait for the disk (back-pressure). */
  afterChunk?(): Promise<void>;
}

/**
 * Reads a file chunk by chunk, hashes the exact source bytes, and hands out lines. Memory is
 * bounded by the longest line, not the file: a 1 GiB transcript streams through.
 */
export async function forEachLine(file: string, sink: LineSink): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let bytes = 0;
  let first = true;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    let text = decoder.write(chunk);
    if (first) {
      // A UTF-8 BOM is not part of the first record.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    pending = pending === '' ? text : pending + text;
    let start = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
      const cr = nl > start && pending.charCodeAt(nl - 1) === 13;
      sink.line(pending.slice(start, cr ? nl - 1 : nl), cr ? '\r\n' : '\n');
      start = nl + 1;
    }
    pending = pending.slice(start);
    if (sink.afterChunk) await sink.afterChunk();
  }
  pending += decoder.end();
  if (pending !== '') sink.line(pending, '');
  return { bytes, sha256: hash.digest('hex') };
}

/** A write stream that hashes what it writes and honours back-pressure in batches. */
export class HashingWriter {
  private readonly stream: WriteStream;
  private readonly hash: Hash = createHash('sha256');
  private buffered: string[] = [];
  private bufferedLength = 0;
  bytes = 0;

  constructor(file: string) {
    this.stream = createWriteStream(file);
  }

  write(text: string): void {
    this.buffered.push(text);
    this.bufferedLength += text.length;
  }

  /** Call between chunks: writes what is buffered and waits if the disk is behind. */
  async drain(): Promise<void> {
    if (this.bufferedLength === 0) return;
    const data = Buffer.from(this.buffered.join(''), 'utf8');
    this.buffered = [];
    this.bufferedLength = 0;
    this.hash.update(data);
    this.bytes += data.length;
    if (!this.stream.write(data)) await once(this.stream, 'drain');
  }

  get pendingLength(): number {
    return this.bufferedLength;
  }

  async close(): Promise<string> {
    await this.drain();
    this.stream.end();
    await once(this.stream, 'finish');
    return this.hash.digest('hex');
  }
}
