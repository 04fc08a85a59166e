import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// canonicalize is CommonJS with `module.exports = fn`; under NodeNext the default import is that fn.
const canonicalizeJson = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/** RFC 8785 (JCS) canonical JSON text of a value. Throws on values JSON cannot represent. */
export function canonicalJson(value: unknown): string {
  const text = canonicalizeJson(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `sha256:<hex>` of the canonical JSON of a value: the digest every gate emits for what it judged. */
export function jsonDigest(value: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(value))}`;
}

/** `sha256:<hex>` of raw bytes. */
export function bytesDigest(data: string | Uint8Array): string {
  return `sha256:${sha256Hex(data)}`;
}
