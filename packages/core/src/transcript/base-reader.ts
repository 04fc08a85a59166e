import { ConfigError } from '../errors.js';
import { TranscriptSummaryBuilder } from './summary-builder.js';
import type { TranscriptFormat, TranscriptReader, TranscriptReaderOptions, TranscriptSummary } from './types.js';

/** What one format knows: how to read a record, and what to settle at the end. */
export interface FormatHandler {
  /** Returns false when the record is of a type this reader does not know (counted as skipped). */
  record(value: unknown, index: number): boolean;
  /** A whole document that is not simply an array of records (e.g. `{loglines:[…]}`); false if not understood. */
  document?(value: unknown): boolean;
  finish?(): void;
}

export function stripLine(line: string, first: boolean): string {
  let out = first && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  if (out.endsWith('\r')) out = out.slice(0, -1);
  return out;
}

/**
 * JSONL reader: each non-blank line is one record. A line that is not JSON (a partial last line of a
 * file still being written, a corrupted line) is counted and skipped; the rest of the file still counts.
 */
export class JsonlReader implements TranscriptReader {
  private index = 0;
  private first = true;
  constructor(
    protected readonly builder: TranscriptSummaryBuilder,
    protected readonly handler: FormatHandler,
  ) {}

  pushLine(line: string): void {
    const text = stripLine(line, this.first).trim();
    this.first = false;
    if (text.length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.builder.badLines += 1;
      this.index += 1;
      return;
    }
    this.feed(value);
  }

  pushDocument(value: unknown): void {
    if (this.handler.document?.(value)) return;
    // A pretty-printed array of the same records (what `jq -s .` makes of a JSONL file).
    if (Array.isArray(value)) for (const item of value) this.feed(item);
    else this.feed(value);
  }

  protected feed(value: unknown): void {
    this.builder.records += 1;
    if (!this.handler.record(value, this.index)) this.builder.skippedRecords += 1;
    this.index += 1;
  }

  finish(): TranscriptSummary {
    this.handler.finish?.();
    return this.builder.finish();
  }
}

/** Single-JSON documents are small; a caller that only has lines gets them joined and parsed at the end. */
const MAX_DOCUMENT_CHARS = 256 * 1024 * 1024;

export class DocumentReader extends JsonlReader {
  private buffer: string[] = [];
  private bufferedChars = 0;

  override pushLine(line: string): void {
    this.bufferedChars += line.length + 1;
    if (this.bufferedChars > MAX_DOCUMENT_CHARS) {
      throw new ConfigError('E_TOO_LARGE', `transcript (${this.builder.format}) is larger than ${MAX_DOCUMENT_CHARS} characters`);
    }
    this.buffer.push(stripLine(line, this.buffer.length === 0));
  }

  override finish(): TranscriptSummary {
    if (this.buffer.length > 0) {
      const text = this.buffer.join('\n');
      this.buffer = [];
      if (text.trim().length > 0) {
        try {
          super.pushDocument(JSON.parse(text));
        } catch {
          this.builder.badLines += 1;
        }
      }
    }
    return super.finish();
  }
}

/** Plain-text transcripts (Aider Markdown): the handler gets each line as a string. */
export class TextReader implements TranscriptReader {
  private index = 0;
  constructor(
    private readonly builder: TranscriptSummaryBuilder,
    private readonly handler: FormatHandler,
  ) {}

  pushLine(line: string): void {
    const text = stripLine(line, this.index === 0);
    this.builder.records += 1;
    if (!this.handler.record(text, this.index)) this.builder.skippedRecords += 1;
    this.index += 1;
  }

  pushDocument(value: unknown): void {
    if (typeof value !== 'string') {
      throw new ConfigError('E_FORMAT', `a ${this.builder.format} transcript is text, not a JSON document`);
    }
    for (const line of value.split('\n')) this.pushLine(line);
  }

  finish(): TranscriptSummary {
    this.handler.finish?.();
    return this.builder.finish();
  }
}

export type ReaderFactory = (format: TranscriptFormat, options?: TranscriptReaderOptions) => TranscriptReader;
