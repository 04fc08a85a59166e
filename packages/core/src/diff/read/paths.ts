/**
 * File names are bytes in git. A name that is not valid UTF-8, or that holds control or
 * bidirectional-override characters, is one a reviewer cannot read as it will behave: such a change
 * carries `pathBytes` (hex of the raw name) so rules can flag it and nothing is silently normalised.
 */

const UTF8 = new TextDecoder('utf-8', { fatal: true });

// C0 and C1 controls, DEL, and the Unicode bidirectional controls (LRM/RLM, ALM, embeddings,
// overrides, isolates) that make a name display differently from how it sorts and matches.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

export interface DecodedPath {
  readonly path: string;
  readonly pathBytes?: string;
}

/** Decodes a path git printed as raw bytes (`-z`, `core.quotePath=false`). */
export function decodePath(bytes: Buffer): DecodedPath {
  let path: string;
  let valid = true;
  try {
    path = UTF8.decode(bytes);
  } catch {
    valid = false;
    path = bytes.toString('utf8');
  }
  if (!valid || UNSAFE_CHARS.test(path)) return { path, pathBytes: bytes.toString('hex') };
  return { path };
}

/** True when a path (as a string, e.g. from the REST API) holds control or bidirectional characters. */
export function hasUnsafeChars(path: string): boolean {
  return UNSAFE_CHARS.test(path) || path.includes('\ufffd');
}
