import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../packages/core/src/errors.js';
import { decodeSignature, parsePublicKey, signBlob, verifyKeySignature } from '../../../packages/core/src/manifest/keys.js';

/**
 * Interop with the openssl CLI, which signs and verifies exactly as `cosign sign-blob --key` /
 * `verify-blob --key` do (SHA-256, DER ECDSA, PKCS#1 v1.5 RSA, raw Ed25519): what openssl signs
 * verifies here, and what signBlob signs verifies with openssl.
 */

let dir: string;
const data = Buffer.from('model: claude-sonnet-4-5-20250929\nversion: "20250929"\nseed: 42\n');
const tampered = Buffer.from(data.toString().replace('seed: 42', 'seed: 43'));

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function file(name: string): string {
  return path.join(dir, name);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).code;
  }
  return 'PASSED';
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'keys-interop-'));
  writeFileSync(file('data'), data);
  writeFileSync(file('tampered'), tampered);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KINDS = [
  { name: 'ECDSA P-256', genpkey: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], type: 'ec' },
  { name: 'ECDSA P-384', genpkey: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], type: 'ec' },
  { name: 'Ed25519', genpkey: ['-algorithm', 'ED25519'], type: 'ed25519' },
  { name: 'RSA 2048', genpkey: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], type: 'rsa' },
] as const;

/** openssl's own verdict on a DER/raw signature file over a file: true when it prints Verified OK. */
function opensslVerifies(kind: (typeof KINDS)[number], pub: string, sig: string, over: string): boolean {
  const args =
    kind.type === 'ed25519'
      ? ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', over, '-sigfile', sig]
      : ['dgst', '-sha256', '-verify', pub, '-signature', sig, over];
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  return result.status === 0 && /Verified OK|Signature Verified Successfully/.test(result.stdout);
}

for (const kind of KINDS) {
  describe(`${kind.name} interop with openssl`, () => {
    const slug = kind.name.replace(/\W+/g, '-');
    let privatePem: string;
    let publicPem: string;

    beforeAll(() => {
      openssl(['genpkey', ...kind.genpkey, '-out', `${slug}.key`]);
      openssl(['pkey', '-in', `${slug}.key`, '-pubout', '-out', `${slug}.pub`]);
      privatePem = readFileSync(file(`${slug}.key`), 'utf8');
      publicPem = readFileSync(file(`${slug}.pub`), 'utf8');
    });

    it('openssl signs, verifyKeySignature accepts (base64 as cosign writes it, and raw DER); tampered bytes fail', () => {
      const args =
        kind.type === 'ed25519'
          ? ['pkeyutl', '-sign', '-inkey', `${slug}.key`, '-rawin', '-in', 'data', '-out', `${slug}.openssl.sig`]
          : ['dgst', '-sha256', '-sign', `${slug}.key`, '-out', `${slug}.openssl.sig`, 'data'];
      openssl(args);
      const raw = readFileSync(file(`${slug}.openssl.sig`));
      const key = parsePublicKey(publicPem, `${slug}.pub`);
      const fromBase64 = decodeSignature(Buffer.from(raw.toString('base64')), 'sig');
      expect(verifyKeySignature(data, fromBase64, [key], 'sig').fingerprint).toBe(key.fingerprint);
      expect(verifyKeySignature(data, raw, [key], 'sig').name).toBe(`${slug}.pub`);
      expect(codeOf(() => verifyKeySignature(tampered, fromBase64, [key], 'sig'))).toBe('E_SIGNATURE');
    });

    it('signBlob signs, openssl verifies; and openssl refuses it over tampered bytes', () => {
      const signature = signBlob(data, privatePem, `${slug}.key`);
      expect(signature).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      writeFileSync(file(`${slug}.ours.sig`), Buffer.from(signature, 'base64'));
      expect(opensslVerifies(kind, `${slug}.pub`, `${slug}.ours.sig`, 'data')).toBe(true);
      expect(opensslVerifies(kind, `${slug}.pub`, `${slug}.ours.sig`, 'tampered')).toBe(false);
    });

    it('the private key given as the public key is E_KEY', () => {
      expect(codeOf(() => parsePublicKey(privatePem, `${slug}.key`))).toBe('E_KEY');
    });
  });
}

describe('what is not a public key', () => {
  beforeAll(() => {
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'sec1.key']);
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-aes-256-cbc', '-pass', 'pass:secret', '-out', 'enc.key']);
  });

  it('a certificate given as the public key is E_KEY, though it holds one', () => {
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'cert.key',
      '-out',
      'cert.pem',
      '-subj',
      '/CN=test',
      '-days',
      '1',
    ]);
    expect(codeOf(() => parsePublicKey(readFileSync(file('cert.pem'), 'utf8'), 'cert.pem'))).toBe('E_KEY');
  });

  it('a traditional (SEC1) EC private key and an encrypted PKCS#8 key are E_KEY', () => {
    for (const name of ['sec1.key', 'enc.key']) expect(codeOf(() => parsePublicKey(readFileSync(file(name), 'utf8'), name))).toBe('E_KEY');
  });

  it('text that is no PEM, and a PEM public block that is not a key, are E_KEY', () => {
    for (const pem of ['', 'not a key', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n']) {
      expect(codeOf(() => parsePublicKey(pem, 'key.pub'))).toBe('E_KEY');
    }
  });

  it('an encrypted private key signs with its passphrase, and without it is E_KEY', () => {
    const pem = readFileSync(file('enc.key'), 'utf8');
    expect(codeOf(() => signBlob(data, pem, 'enc.key'))).toBe('E_KEY');
    const signature = signBlob(data, pem, 'enc.key', 'secret');
    openssl(['pkey', '-in', 'enc.key', '-passin', 'pass:secret', '-pubout', '-out', 'enc.pub']);
    writeFileSync(file('enc.sig'), Buffer.from(signature, 'base64'));
    expect(opensslVerifies(KINDS[0], 'enc.pub', 'enc.sig', 'data')).toBe(true);
  });
});
