import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithConformance } from '../../conformance-data.js';
import { decodeSignature, parsePublicKey, signBlob, verifyKeySignature } from '../../../packages/core/src/manifest/index.js';

// The signatures `agent-gates manifest sign` makes are cosign's and openssl's, byte for byte in format.
const dir = mkdtempSync(path.join(tmpdir(), 'manifest-interop-'));
const manifest = Buffer.from('model: claude-sonnet-4-5-20250929\nversion: 1.4.2\ntimestamp: 2026-01-12T14:22:00Z\n');
writeFileSync(path.join(dir, 'model_manifest.yaml'), manifest);

describe.each([
  ['ECDSA P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
  ['ECDSA P-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' })],
  ['RSA 2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
])('%s with openssl dgst -sha256', (name, make) => {
  const pair = make();
  const slug = name.replace(/\W/g, '');
  const privateFile = path.join(dir, `${slug}.key`);
  const publicFile = path.join(dir, `${slug}.pub`);
  writeFileSync(privateFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(publicFile, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  const key = parsePublicKey(readFileSync(publicFile, 'utf8'), publicFile);

  it('a signature made by signBlob verifies with openssl dgst -sha256 -verify', () => {
    const sigFile = path.join(dir, `${slug}.sig.der`);
    writeFileSync(sigFile, Buffer.from(signBlob(manifest, readFileSync(privateFile, 'utf8'), privateFile), 'base64'));
    const out = execFileSync('openssl', ['dgst', '-sha256', '-verify', publicFile, '-signature', sigFile, path.join(dir, 'model_manifest.yaml')]).toString();
    expect(out).toContain('Verified OK');
  });

  it('a signature made by openssl dgst -sha256 -sign verifies here, base64 or raw DER, and not over other bytes', () => {
    const der = execFileSync('openssl', ['dgst', '-sha256', '-sign', privateFile, path.join(dir, 'model_manifest.yaml')]);
    const b64 = Buffer.from(`${der.toString('base64')}\n`);
    expect(verifyKeySignature(manifest, decodeSignature(b64, 'sig'), [key], 'sig').fingerprint).toBe(key.fingerprint);
    expect(verifyKeySignature(manifest, decodeSignature(der, 'sig'), [key], 'sig').fingerprint).toBe(key.fingerprint);
    expect(() => verifyKeySignature(Buffer.concat([manifest, Buffer.from(' ')]), der, [key], 'sig')).toThrow(expect.objectContaining({ code: 'E_SIGNATURE' }));
  });
});

describeWithConformance('cosign-key conformance', 'signatures/cosign-key', (conformance) => {
  const read = (name: string) => readFileSync(path.join(conformance, name));
  const cosign = parsePublicKey(read('cosign.pub').toString(), 'cosign.pub');
  const signature = decodeSignature(read('blob.txt.sig'), 'blob.txt.sig');
  it('verifies blob.txt with cosign.pub', () => {
    expect(verifyKeySignature(read('blob.txt'), signature, [cosign], 'blob.txt.sig')).toBe(cosign);
  });
  it('refuses the tampered blob, and the wrong key', () => {
    expect(() => verifyKeySignature(read('blob-tampered.txt'), signature, [cosign], 'blob.txt.sig')).toThrow(expect.objectContaining({ code: 'E_SIGNATURE' }));
    const wrong = parsePublicKey(read('wrong-key.pub').toString(), 'wrong-key.pub');
    expect(() => verifyKeySignature(read('blob.txt'), signature, [wrong], 'blob.txt.sig')).toThrow(expect.objectContaining({ code: 'E_SIGNATURE' }));
  });
});
