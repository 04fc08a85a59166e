import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { AUDIT_SCHEMA_VERSION, eventDigest } from './event.js';

/** How a chain is broken, at which line (1-based). */
export interface ChainBreak {
  line: number;
  kind: 'parse' | 'schema-version' | 'digest' | 'prev' | 'torn' | 'head';
  message: string;
}

export interface ChainResult {
  ok: boolean;
  /** Complete lines read, up to the first break. */
  events: number;
  /** Digest of the last event that verified (the chain head), or null for an empty log. */
  head: string | null;
  break?: ChainBreak;
}

export interface VerifyChainOptions {
  /** The head recorded outside the log: a log cut after it, or extended past it, does not verify. */
  expectedHead?: string;
  /** `prev` the first event must carry (a log continuing another); default null, a log's first event. */
  firstPrev?: string | null;
  /** Name of the log in messages. */
  name?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const NEWLINE = 0x0a;

/** Whether every object's keys, at every depth, are in RFC 8785 order (UTF-16 code units). */
function keysSorted(value: unknown): boolean {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object' && !keysSorted(item)) return false;
    return true;
  }
  if (value === null || typeof value !== 'object') return true;
  let previous: string | undefined;
  for (const key in value) {
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
    const item = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object' && !keysSorted(item)) return false;
  }
  return true;
}

/**
 * The digest a line's event carries, checked. A line written by audit-emit is the event's canonical
 * JSON, so its digest is sha256 of the line with the `digest` member cut out: one hash over the bytes.
 * That shortcut is taken only when the line provably is canonical (JSON.stringify gives it back byte
 * for byte: no whitespace, no duplicate key, the standard escapes and numbers; and every key is in
 * order); any other line is canonicalised in full, so both ways compute the same digest.
 */
function lineDigestMatches(text: string, event: Record<string, unknown>, digest: string): boolean {
  if (JSON.stringify(event) === text && keysSorted(event)) {
    const member = `"digest":${JSON.stringify(digest)}`;
    const at = text.indexOf(member);
    if (at > 0) {
      const before = text[at - 1];
      const after = text[at + member.length];
      // `{"digest":..,"x":..}` loses the comma after it; `..,"digest":..}` the comma before.
      const cut =
        before === ','
          ? text.slice(0, at - 1) + text.slice(at + member.length)
          : after === ','
            ? text.slice(0, at) + text.slice(at + member.length + 1)
            : text.slice(0, at) + text.slice(at + member.length);
      if (`sha256:${createHash('sha256').update(cut).digest('hex')}` === digest) return true;
    }
  }
  return eventDigest(event as never) === digest;
}

/**
 * Checks one line against the chain so far; the reason it breaks it, or the event's digest.
 * Exported for the file sink, which checks the last line of a log before extending it.
 */
export function checkLine(text: string, line: number, prev: string | null, name: string): { digest: string } | ChainBreak {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    return { line, kind: 'parse', message: `${name}:${line} is not JSON${text.length === 0 ? ' (an empty line)' : ''}` };
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return { line, kind: 'parse', message: `${name}:${line} is not a JSON object` };
  const record = event as Record<string, unknown>;
  if (record.schema_version !== AUDIT_SCHEMA_VERSION) {
    return {
      line,
      kind: 'schema-version',
      message: `${name}:${line} has schema_version ${JSON.stringify(record.schema_version)}; this reader knows ${AUDIT_SCHEMA_VERSION}`,
    };
  }
  const digest = record.digest;
  if (typeof digest !== 'string' || !DIGEST.test(digest) || !lineDigestMatches(text, record, digest)) {
    return { line, kind: 'digest', message: `${name}:${line}: the event's digest does not match its content (edited after it was written)` };
  }
  if (record.prev !== prev) {
    return {
      line,
      kind: 'prev',
      message: `${name}:${line}: prev is ${JSON.stringify(record.prev)} but the event before ${line > 1 ? `(line ${line - 1}) has digest ${prev}` : `it should be ${JSON.stringify(prev)}`}: an event was removed, inserted or moved`,
    };
  }
  return { digest };
}

/** Splits a byte stream into lines without decoding what it does not need to; yields the unterminated rest as torn. */
async function* lines(source: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<{ text: string; torn: boolean }> {
  let rest: Buffer | undefined;
  for await (const chunkIn of source) {
    const chunk = typeof chunkIn === 'string' ? Buffer.from(chunkIn) : Buffer.from(chunkIn.buffer, chunkIn.byteOffset, chunkIn.byteLength);
    let start = 0;
    let at = chunk.indexOf(NEWLINE, start);
    if (at >= 0 && rest) {
      yield { text: Buffer.concat([rest, chunk.subarray(0, at)]).toString('utf8'), torn: false };
      rest = undefined;
      start = at + 1;
      at = chunk.indexOf(NEWLINE, start);
    }
    while (at >= 0) {
      yield { text: chunk.toString('utf8', start, at), torn: false };
      start = at + 1;
      at = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) rest = rest ? Buffer.concat([rest, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
  }
  if (rest && rest.length > 0) yield { text: rest.toString('utf8'), torn: true };
}

/**
 * Verifies an audit log, streaming: every event's digest, and that each `prev` is the digest of the
 * line before. Stops at the first broken or missing link and names its line. With `expectedHead`
 * (kept outside the log: a step output, the summary, a collector), a log whose end was cut off or
 * extended does not verify either.
 */
export async function verifyChain(source: string | AsyncIterable<Buffer | Uint8Array | string>, options: VerifyChainOptions = {}): Promise<ChainResult> {
  const name = options.name ?? (typeof source === 'string' ? source : 'log');
  const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : source;
  let prev: string | null = options.firstPrev ?? null;
  let count = 0;
  let headLine = 0;
  try {
    for await (const { text, torn } of lines(stream)) {
      const line = count + 1;
      if (torn) {
        return {
          ok: false,
          events: count,
          head: prev,
          break: { line, kind: 'torn', message: `${name}:${line} is cut short (no line end): a write was interrupted or the log was truncated` },
        };
      }
      const checked = checkLine(text, line, prev, name);
      if ('kind' in checked) return { ok: false, events: count, head: prev, break: checked };
      prev = checked.digest;
      count = line;
      if (prev === options.expectedHead) headLine = line;
    }
  } finally {
    if (typeof source === 'string') (stream as ReturnType<typeof createReadStream>).destroy();
  }
  if (options.expectedHead !== undefined && prev !== options.expectedHead) {
    const message =
      headLine > 0
        ? `${name}: the expected head is line ${headLine}, but the log goes on to line ${count}`
        : `${name}: ends at line ${count} with head ${String(prev)}, not the expected head ${options.expectedHead}: events after line ${count} are missing`;
    return { ok: false, events: count, head: prev, break: { line: headLine > 0 ? headLine + 1 : count + 1, kind: 'head', message } };
  }
  return { ok: true, events: count, head: prev };
}
