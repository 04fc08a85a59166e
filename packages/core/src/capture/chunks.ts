import { isUtf8 } from 'node:buffer';
import { createSecretEngine, type SecretEngineOptions } from '../secrets/index.js';

/** A secret found while redacting: never the value, except `value`, which only feeds masking. */
export interface FoundSecret {
  ruleId: string;
  fingerprint: string;
  line: number;
  value: string;
}

export interface ChunkResult {
  /** Finalised lines with their original endings, as they are stored. */
  text: string;
  /** The same lines redacted, when `text` is not (redact off and a secret found). */
  redactedText?: string;
  found: FoundSecret[];
  /** Lines that were not valid UTF-8 (stored with U+FFFD in place of the bad bytes). */
  invalidLines: number;
  /** The file began with a UTF-8 byte order mark (first result only). */
  byteOrderMark: boolean;
}

export interface ChunkRedactorOptions {
  engine: SecretEngineOptions;
  kind: 'json' | 'text';
  redact: boolean;
}

export interface ChunkRedactor {
  /** Any bytes of the file, in order; lines may straddle calls. */
  push(bytes: Uint8Array): ChunkResult;
  /** The rest: the unfinished last line and the line the redactor held back. */
  finish(): ChunkResult;
}

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

/**
 * Turns a byte stream into redacted text, line by line. It is the same code whether it runs on the
 * main thread (small files, tests) or in the redaction worker (large files), so both paths are
 * tested by the same tests. The line redactor holds one line back, because a secret cut across two
 * streamed records must be redacted in both; the endings follow their lines.
 */
export function createChunkRedactor(options: ChunkRedactorOptions): ChunkRedactor {
  const engine = createSecretEngine(options.engine);
  const redactor = engine.createLineRedactor(options.kind);
  const held: Array<{ original: string; ending: string }> = [];
  let carry: Buffer | null = null;
  let first = true;
  let lineNumber = 0;

  function collect(result: { text: string; findings: { ruleId: string; fingerprint: string; line: number; start: number; end: number }[] }, out: Builder): void {
    const meta = held.shift();
    if (!meta) return;
    lineNumber += 1;
    for (const f of result.findings) {
      out.found.push({ ruleId: f.ruleId, fingerprint: f.fingerprint, line: lineNumber, value: meta.original.slice(f.start, f.end) });
    }
    const stored = options.redact ? result.text : meta.original;
    out.text.push(stored, meta.ending);
    if (!options.redact && result.findings.length > 0) out.differs = true;
    out.redacted.push(result.text, meta.ending);
  }

  interface Builder {
    text: string[];
    redacted: string[];
    differs: boolean;
    found: FoundSecret[];
    invalidLines: number;
    byteOrderMark: boolean;
  }
  const builder = (): Builder => ({ text: [], redacted: [], differs: false, found: [], invalidLines: 0, byteOrderMark: false });
  const result = (b: Builder): ChunkResult => ({
    text: b.text.join(''),
    ...(b.differs ? { redactedText: b.redacted.join('') } : {}),
    found: b.found,
    invalidLines: b.invalidLines,
    byteOrderMark: b.byteOrderMark,
  });

  function line(bytes: Buffer, ending: string, out: Builder): void {
    if (!isUtf8(bytes)) out.invalidLines += 1;
    const text = bytes.toString('utf8');
    held.push({ original: text, ending });
    const done = redactor.push(text, bytes);
    if (held.length > 1) collect(done, out);
  }

  return {
    push(input) {
      const out = builder();
      const chunk = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
      let data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      if (first && data.length >= 3) {
        first = false;
        if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
          out.byteOrderMark = true;
          data = data.subarray(3);
        }
      }
      let start = 0;
      for (let nl = data.indexOf(NEWLINE, start); nl >= 0; nl = data.indexOf(NEWLINE, start)) {
        const cr = nl > start && data[nl - 1] === CARRIAGE_RETURN;
        line(data.subarray(start, cr ? nl - 1 : nl), cr ? '\r\n' : '\n', out);
        start = nl + 1;
      }
      // The unfinished line is copied: a view would keep the whole chunk alive.
      carry = start < data.length ? Buffer.from(data.subarray(start)) : null;
      return result(out);
    },
    finish() {
      const out = builder();
      if (first && carry && carry.length >= 3 && carry[0] === 0xef && carry[1] === 0xbb && carry[2] === 0xbf) {
        out.byteOrderMark = true;
        carry = carry.subarray(3);
      }
      first = false;
      if (carry && carry.length > 0) line(carry, '', out);
      carry = null;
      collect(redactor.flush(), out);
      return result(out);
    },
  };
}
