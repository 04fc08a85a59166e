import type { SecretAllowEntry } from './allow.js';
import type { LearnedSpelling } from './learned-values.js';
/** The secret engine's public surface. */

export interface SecretFinding {
  ruleId: string;
  /** UTF-16 offsets into the scanned text. */
  start: number;
  end: number;
  /** 1-based. */
  line: number;
  /** 0-based. */
  column: number;
  /** HMAC-SHA256(key, ruleId + '\0' + secret), hex, first 32 characters. */
  fingerprint: string;
}

export interface SecretEngineOptions {
  fingerprintKey: string | Uint8Array;
  /**
   * Lines given to the line redactor are Latin-1 decodings of their UTF-8 bytes (one character per
   * byte). Every rule matches ASCII, so it finds the same secrets; decoding is a plain copy, strings
   * stay one byte wide, and writing back with Latin-1 restores the exact bytes.
   */
  byteText?: boolean;
  values?: string[];
  /** Extra rules: a bare regex is reported as `custom-pattern-<n>`, an entry under its own id. */
  patterns?: (string | { id: string; regex: string })[];
  disabledRules?: string[];
  /** Findings to accept (the policy's `secrets.allow`); never applied to `values`. */
  allow?: SecretAllowEntry[];
  /**
   * Run every rule over the whole text instead of over windows around its anchors (windows.ts): slower,
   * the same findings. Tests compare the two.
   */
  matchWholeLines?: boolean;
}

export interface Redaction {
  text: string;
  findings: SecretFinding[];
}

export interface LineRedactor {
  /**
   * Takes the next line and returns the lines now final, in order: none while a line is held back
   * (a secret may continue in the next record), or several when a held stream ends. Every line
   * pushed comes out exactly once, through push or flush. `bytes`, the line's UTF-8 bytes when the
   * caller has them, make the keyword pass faster.
   */
  push(line: string, bytes?: Uint8Array, ahead?: number): Redaction[];
  /** Returns every line still held. */
  flush(): Redaction[];
  /**
   * The values this stream decided are secret, in every spelling it searched for: lines that passed
   * before a value was learned may hold it, and a caller keeping the whole stream redacts them too.
   */
  learned(): LearnedSpelling[];
}

export interface SecretEngine {
  scan(text: string): SecretFinding[];
  redact(text: string): Redaction;
  redactJson(jsonText: string): Redaction;
  /** Findings carry offsets into the returned line's original text and `line` = its 1-based number in the stream. */
  createLineRedactor(kind: 'json' | 'text'): LineRedactor;
  /**
   * The LineVerdict flags of a JSON line: the part of its redaction that depends on the line alone, for a
   * thread ahead of the redaction thread to work out (`ahead` in LineRedactor.push of a 'json' redactor).
   */
  lineVerdict(line: string, bytes?: Uint8Array): number;
}
