// The per-line check of verify-chain on bytes. Imports only node builtins and the digest helpers, so a
// worker thread that loads it stays small (no schema validator, no sinks).
import { isUtf8 } from 'node:buffer';
import { hash } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../digest/index.js';

/** Where a canonical line keeps the members the chain needs (byte offsets into the buffer). */
export interface CanonicalLine {
  /** Start of the `"digest":…` member, its end (after the value), and its value's hex (64 bytes) start. */
  digestStart: number;
  digestEnd: number;
  digestHex: number;
  /** The `prev` value: -1 absent, 0 `null`, else the start of its 64 hex digits. */
  prev: number;
  /** `schema_version` is the number 1. */
  versionOne: boolean;
}

// Scanner state: one line at a time, no allocation on the way.
let b: Uint8Array = new Uint8Array(0);
let p = 0;
let end = 0;
let sawHigh = false;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MAX_DEPTH = 64;

/** Top-level members the chain reads, as bytes of their key. */
const KEY_DIGEST = Buffer.from('digest');
const KEY_PREV = Buffer.from('prev');
const KEY_VERSION = Buffer.from('schema_version');

function keyIs(start: number, length: number, key: Uint8Array): boolean {
  if (length !== key.length) return false;
  for (let i = 0; i < length; i++) if (b[start + i] !== key[i]) return false;
  return true;
}

/** Compares two ASCII keys (no escapes) byte by byte, which is their UTF-16 order: < 0, 0 or > 0. */
function compareKeys(aStart: number, aLength: number, bStart: number, bLength: number): number {
  const n = aLength < bLength ? aLength : bLength;
  for (let i = 0; i < n; i++) {
    const d = b[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d;
  }
  return aLength - bLength;
}

function hexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
}

/**
 * A string at `p` (on its opening quote) in the form JSON.stringify writes it: the escapes it uses
 * and no other, every other character as itself. Leaves `p` after the closing quote; false when the
 * string is not in that form (or needs more than this scanner knows: a lone surrogate's escape).
 * `plain` asks for no escape and no non-ASCII byte at all (keys, whose order is then byte order).
 */
function scanString(plain: boolean): boolean {
  // Locals, not the module's state, in the loop that sees most of the bytes.
  const buf = b;
  const stop = end;
  let i = p + 1;
  while (i < stop) {
    const c = buf[i]!;
    if (c > QUOTE && c !== BACKSLASH && c < 0x80) {
      i++;
      continue;
    }
    if (c === QUOTE) {
      p = i + 1;
      return true;
    }
    if (c < 0x20) return false;
    if (c === BACKSLASH) {
      if (plain) return false;
      const e = buf[i + 1];
      if (e === QUOTE || e === BACKSLASH || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
        continue;
      }
      // \u00xx, lowercase, only for the control characters without a short escape.
      if (e !== 0x75 || buf[i + 2] !== 0x30 || buf[i + 3] !== 0x30 || !hexDigit(buf[i + 4] ?? 0) || !hexDigit(buf[i + 5] ?? 0)) return false;
      const code = Number.parseInt(String.fromCharCode(buf[i + 4]!, buf[i + 5]!), 16);
      if (code >= 0x20 || code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d) return false;
      i += 6;
      continue;
    }
    if (c >= 0x80) {
      if (plain) return false;
      sawHigh = true;
    }
    i++; // a space or "!"
  }
  return false;
}

/** A number at `p` exactly as ECMAScript's Number::toString writes its value (RFC 8785 §3.2.2.3). */
function scanNumber(): boolean {
  const start = p;
  if (b[p] === 0x2d) p++;
  const intStart = p;
  while (p < end && b[p]! >= 0x30 && b[p]! <= 0x39) p++;
  const intDigits = p - intStart;
  if (intDigits === 0) return false;
  let fracDigits = 0;
  let fracLeadingZeros = 0;
  let lastFrac = 0;
  if (p < end && b[p] === 0x2e) {
    p++;
    const fracStart = p;
    while (p < end && b[p]! >= 0x30 && b[p]! <= 0x39) p++;
    fracDigits = p - fracStart;
    if (fracDigits === 0) return false;
    while (fracLeadingZeros < fracDigits && b[fracStart + fracLeadingZeros] === 0x30) fracLeadingZeros++;
    lastFrac = b[p - 1]!;
  }
  const exponent = p < end && (b[p] === 0x65 || b[p] === 0x45);
  if (exponent) {
    p++;
    if (b[p] === 0x2b || b[p] === 0x2d) p++;
    const expStart = p;
    while (p < end && b[p]! >= 0x30 && b[p]! <= 0x39) p++;
    if (p === expStart) return false;
  }
  // The common forms, decided without a string: an integer of at most 15 digits without a leading
  // zero (exact in a double, printed as is), or a decimal of at most 15 digits in all whose fraction
  // ends in a non-zero digit and whose value is at least 1e-6 (printed without an exponent). Distinct
  // decimals of at most 15 significant digits are distinct doubles, so the shortest form is this one.
  const leadingZero = b[intStart] === 0x30 && intDigits > 1;
  if (!exponent && !leadingZero && intDigits + fracDigits <= 15) {
    const zeroInt = intDigits === 1 && b[intStart] === 0x30;
    if (fracDigits === 0) return !(zeroInt && start !== intStart); // "-0" is written "0"
    if (lastFrac !== 0x30 && (!zeroInt || fracLeadingZeros <= 5)) return true;
  }
  // Anything else: what the value prints as must be the text (never longer than 25 characters).
  if (p - start > 32) return false;
  const text = String.fromCharCode(...b.subarray(start, p));
  return String(Number(text)) === text;
}

function scanLiteral(word: string): boolean {
  for (let i = 0; i < word.length; i++) if (b[p + i] !== word.charCodeAt(i)) return false;
  p += word.length;
  return true;
}

function scanValue(depth: number): boolean {
  const c = b[p];
  if (c === QUOTE) return scanString(false);
  if (c === 0x7b) return scanObject(depth + 1, undefined);
  if (c === 0x5b) return scanArray(depth + 1);
  if (c === 0x74) return scanLiteral('true');
  if (c === 0x66) return scanLiteral('false');
  if (c === 0x6e) return scanLiteral('null');
  return scanNumber();
}

function scanArray(depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  p++;
  if (b[p] === 0x5d) {
    p++;
    return true;
  }
  for (;;) {
    if (!scanValue(depth)) return false;
    const c = b[p];
    p++;
    if (c === 0x5d) return true;
    if (c !== COMMA) return false;
  }
}

/** An object with its keys in strictly increasing order (so no duplicate); at depth 1 it records the chain's members. */
function scanObject(depth: number, top: CanonicalLine | undefined): boolean {
  if (depth > MAX_DEPTH) return false;
  p++;
  if (b[p] === 0x7d) {
    p++;
    return true;
  }
  let lastKey = -1;
  let lastLength = 0;
  for (;;) {
    if (b[p] !== QUOTE) return false;
    const memberStart = p;
    const keyStart = p + 1;
    if (!scanString(true)) return false;
    const keyLength = p - 1 - keyStart;
    if (lastKey >= 0 && compareKeys(lastKey, lastLength, keyStart, keyLength) >= 0) return false;
    lastKey = keyStart;
    lastLength = keyLength;
    if (b[p] !== COLON) return false;
    p++;
    const valueStart = p;
    if (!scanValue(depth)) return false;
    if (top) {
      if (keyIs(keyStart, keyLength, KEY_DIGEST)) {
        top.digestStart = memberStart;
        top.digestEnd = p;
        top.digestHex = digestHexAt(valueStart, p);
      } else if (keyIs(keyStart, keyLength, KEY_PREV)) {
        top.prev = p - valueStart === 4 && b[valueStart] === 0x6e ? 0 : digestHexAt(valueStart, p);
      } else if (keyIs(keyStart, keyLength, KEY_VERSION)) {
        top.versionOne = p - valueStart === 1 && b[valueStart] === 0x31;
      }
    }
    const c = b[p];
    p++;
    if (c === 0x7d) return true;
    if (c !== COMMA) return false;
  }
}

const SHA256_PREFIX = Buffer.from('"sha256:');

/** Start of the 64 hex digits when the value at [start, stop) is `"sha256:<64 lowercase hex>"`, else -2. */
function digestHexAt(start: number, stop: number): number {
  if (stop - start !== 73) return -2;
  for (let i = 0; i < 8; i++) if (b[start + i] !== SHA256_PREFIX[i]) return -2;
  for (let i = start + 8; i < stop - 1; i++) if (!hexDigit(b[i]!)) return -2;
  return start + 8;
}

/**
 * Whether the bytes [start, stop) are exactly the RFC 8785 canonical JSON of the object they parse to
 * (as canonicalJson writes it: keys in order, no whitespace, JSON.stringify's escapes and numbers,
 * valid UTF-8), with where its chain members are; undefined when they are not, or when this scanner
 * cannot tell (the caller then parses and canonicalises the line in full).
 */
export function scanCanonical(buffer: Uint8Array, start: number, stop: number): CanonicalLine | undefined {
  b = buffer;
  p = start;
  end = stop;
  sawHigh = false;
  if (b[p] !== 0x7b) return undefined;
  const found: CanonicalLine = { digestStart: -1, digestEnd: -1, digestHex: -2, prev: -1, versionOne: false };
  const ok = scanObject(1, found) && p === stop && (!sawHigh || isUtf8(buffer.subarray(start, stop)));
  b = EMPTY;
  return ok ? found : undefined;
}
const EMPTY = new Uint8Array(0);
let scratch = Buffer.allocUnsafe(64 * 1024);

/** Hex of the 32 bytes of `digest` equals the 64 hex digits at `at` in `buffer`. */
export function hexEquals(buffer: Uint8Array, at: number, digest: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) {
    const hi = buffer[at + 2 * i]!;
    const lo = buffer[at + 2 * i + 1]!;
    const v = ((hi <= 0x39 ? hi - 0x30 : hi - 0x57) << 4) | (lo <= 0x39 ? lo - 0x30 : lo - 0x57);
    if (v !== digest[i]) return false;
  }
  return true;
}

/**
 * The canonical line's digest (its 32 bytes) when it is sha256 of the line without its `digest`
 * member: the bytes before and after it (and one of the commas around it), hashed where they lie.
 * Undefined when the line carries another digest.
 */
export function canonicalDigest(buffer: Uint8Array, start: number, stop: number, line: CanonicalLine): Buffer | undefined {
  let cutFrom = line.digestStart;
  let cutTo = line.digestEnd;
  if (buffer[cutFrom - 1] === COMMA) cutFrom--;
  else if (buffer[cutTo] === COMMA) cutTo++;
  // One contiguous copy and a one-shot hash: cheaper than a Hash object and two updates per line.
  const length = cutFrom - start + (stop - cutTo);
  if (scratch.length < length) scratch = Buffer.allocUnsafe(Math.max(length, scratch.length * 2));
  scratch.set(buffer.subarray(start, cutFrom), 0);
  scratch.set(buffer.subarray(cutTo, stop), cutFrom - start);
  const digest = hash('sha256', scratch.subarray(0, length), 'buffer');
  return hexEquals(buffer, line.digestHex, digest) ? digest : undefined;
}

/** Whether the canonical line's `prev` is `expected` (null, or a digest's 32 bytes). */
export function canonicalPrevIs(buffer: Uint8Array, line: CanonicalLine, expected: Uint8Array | null): boolean {
  return expected === null ? line.prev === 0 : line.prev > 0 && hexEquals(buffer, line.prev, expected);
}

/** `sha256:` over the canonical form of a parsed event without its `digest` member (any line). */
export function parsedEventDigest(event: Record<string, unknown>): string {
  const { digest: _omitted, ...rest } = event;
  return `sha256:${sha256Hex(canonicalJson(rest))}`;
}
