/**
 * Key-based signatures as cosign makes them: `cosign sign-blob --key` hashes the blob with SHA-256 and
 * signs it; the signature is ASN.1 DER (ECDSA) or raw (Ed25519, RSA PKCS#1 v1.5), written as standard
 * base64. `cosign verify-blob --key` accepts the same bytes, as does `openssl dgst -sha256 -verify`.
 * Node's crypto does all of it; nothing cosign-specific is needed.
 */

import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { ConfigError } from '../errors.js';

/** A public key accepted for signatures, with the name messages use (a path or `public-key input #2`). */
export interface PublicKeyEntry {
  readonly name: string;
  readonly key: KeyObject;
  /** `sha256:<hex>` of the key's DER SubjectPublicKeyInfo: the signer a report names. */
  readonly fingerprint: string;
  /** base64 of the same SHA-256, the `publicKey.hint` sigstore bundles carry for managed keys. */
  readonly hint: string;
}

const SUPPORTED = new Set(['ec', 'ed25519', 'rsa', 'rsa-pss']);

/** Parses one PEM public key. A private key, a certificate or anything else is E_KEY naming `name`. */
export function parsePublicKey(pem: string, name: string): PublicKeyEntry {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new ConfigError('E_KEY', `${name} holds a private key; give the public key (never commit or pass a private key)`);
  }
  if (!/-----BEGIN PUBLIC KEY-----/.test(pem)) {
    throw new ConfigError('E_KEY', `${name} is not a PEM public key (expected a "-----BEGIN PUBLIC KEY-----" block)`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new ConfigError('E_KEY', `${name} is not a readable PEM public key`);
  }
  if (!key.asymmetricKeyType || !SUPPORTED.has(key.asymmetricKeyType)) {
    throw new ConfigError('E_KEY', `${name}: key type ${key.asymmetricKeyType ?? 'unknown'} is not supported (ECDSA, Ed25519 or RSA)`);
  }
  const digest = createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest();
  return { name, key, fingerprint: `sha256:${digest.toString('hex')}`, hint: digest.toString('base64') };
}

/**
 * Decodes a cosign signature file: standard base64 (line breaks and surrounding white space ignored,
 * as Go's decoder does), or raw DER when the bytes are not base64. An empty file is E_SIGNATURE.
 */
export function decodeSignature(bytes: Buffer, name: string): Buffer {
  const text = bytes.toString('latin1').replace(/[\r\n\t ]+/g, '');
  if (text.length === 0) throw new ConfigError('E_SIGNATURE', `${name} is empty`);
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0) return Buffer.from(text, 'base64');
  return bytes;
}

function verifyWith(entry: PublicKeyEntry, data: Buffer, signature: Buffer): boolean {
  try {
    // Ed25519 takes no digest name; every other type is SHA-256 over the bytes, as cosign signs.
    const algorithm = entry.key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
    return verify(algorithm, data, entry.key, signature);
  } catch {
    return false;
  }
}

/**
 * Returns the first key the signature verifies with over `data`. Throws E_SIGNATURE naming the
 * signature when none does: a tampered file, a signature over other bytes and a wrong key all end here.
 */
export function verifyKeySignature(data: Buffer, signature: Buffer, keys: readonly PublicKeyEntry[], name: string): PublicKeyEntry {
  if (keys.length === 0) throw new ConfigError('E_KEY', `${name}: no public key to verify it with (set public-key or signing.keys)`);
  for (const entry of keys) if (verifyWith(entry, data, signature)) return entry;
  const tried = keys.map((k) => k.name).join(', ');
  throw new ConfigError('E_SIGNATURE', `${name} does not verify over these bytes with ${keys.length === 1 ? 'the key' : 'any of the keys'} ${tried}`);
}

/**
 * Signs `data` as `cosign sign-blob --key` does, with a PEM private key (PKCS#8, SEC1 or PKCS#1; an
 * encrypted key needs `passphrase`). Returns standard base64 of the DER signature, no trailing newline.
 */
export function signBlob(data: Buffer, privateKeyPem: string, name: string, passphrase?: string): string {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: privateKeyPem, format: 'pem', ...(passphrase !== undefined ? { passphrase } : {}) });
  } catch {
    throw new ConfigError('E_KEY', `${name} is not a readable PEM private key${passphrase === undefined ? ' (is it encrypted?)' : ''}`);
  }
  if (!key.asymmetricKeyType || !SUPPORTED.has(key.asymmetricKeyType)) {
    throw new ConfigError('E_KEY', `${name}: key type ${key.asymmetricKeyType ?? 'unknown'} is not supported (ECDSA, Ed25519 or RSA)`);
  }
  const algorithm = key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  return sign(algorithm, data, key).toString('base64');
}
