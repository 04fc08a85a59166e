import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ConfigError } from '../../../packages/core/src/errors.js';
import { decodeSignature, parsePublicKey, verifyKeySignature } from '../../../packages/core/src/manifest/keys.js';
import { verifySigstoreBundle } from '../../../packages/core/src/manifest/sigstore/index.js';
import { describeWithConformance } from '../../conformance-data.js';

/**
 * Every case of `../shared/conformance/signatures/` gives its stated verdict, for its stated reason.
 * A pass case must pass; a fail case must fail with the E_ code of the reason its README gives. A new
 * `_fail` case without an expected code here fails the suite, so none is silently taken as a pass.
 */

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).code;
  }
  return 'PASSED';
}

function codeOfSync(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).code;
  }
  return 'PASSED';
}

// The upstream defaults (sigstore-bundles/CONFORMANCE-README.md): the identity the beacon workflow signs as.
const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';

/** Why each `_fail` case fails, as the E_ code that says it (see the case's README). */
const EXPECTED_FAILURES: Readonly<Record<string, { code: string; message: RegExp }>> = {
  // A staging bundle against the production root: its log is not in the root.
  'bundle-from-wrong-instance_fail': { code: 'E_TRUST_ROOT', message: /not in .*another sigstore instance/ },
  'bundle-invalid-base64-signature_fail': { code: 'E_BUNDLE', message: /messageSignature\/signature is not valid base64/ },
  'bundle-malformed-json_fail': { code: 'E_BUNDLE', message: /not valid JSON/ },
  'bundle-unknown-version_fail': { code: 'E_BUNDLE', message: /unknown sigstore bundle version.*99\.9/ },
  // The key in the log entry was changed, so the log's signed entry timestamp no longer verifies.
  'incorrect-public-key_fail': { code: 'E_SIGNATURE', message: /transparency-log entry does not verify/ },
  'managed-key-no-key_fail': { code: 'E_KEY', message: /no public key was given/ },
  // Its key.pub is corrupted: not even a valid P-256 point, so it is refused as a key.
  'managed-key-wrong-key_fail': { code: 'E_KEY', message: /key\.pub is not a readable PEM public key/ },
  'message-digest-mismatch_fail': { code: 'E_SIGNATURE', message: /message digest is not the sha256/ },
  // Rekor v2 entries must carry their inclusion proof; the bundle is incomplete without it.
  'rekor2-no-inclusion-proof_fail': { code: 'E_BUNDLE', message: /inclusionProof/ },
  // Rekor v2 gives no integrated time, and the bundle has no signed timestamp: no signing time.
  'rekor2-no-timestamp_fail': { code: 'E_SIGNATURE', message: /no verified signing time/ },
  'signature-mismatch_fail': { code: 'E_SIGNATURE', message: /transparency-log entry is for another signature/ },
  'wrong-material_fail': { code: 'E_SIGNATURE', message: /message digest is not the sha256/ },
};

describeWithConformance('signature conformance: sigstore bundles', 'signatures/sigstore-bundles', (dir) => {
  const cases = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  it('has the cases this suite knows the verdicts of', () => {
    expect(cases.length).toBeGreaterThanOrEqual(18);
    for (const name of cases.filter((c) => c.endsWith('_fail'))) expect(Object.keys(EXPECTED_FAILURES)).toContain(name);
    for (const name of Object.keys(EXPECTED_FAILURES)) expect(cases).toContain(name);
  });

  function read(caseDir: string, file: string): string | undefined {
    const full = path.join(caseDir, file);
    return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
  }

  for (const name of cases) {
    const caseDir = path.join(dir, name);
    const expectFail = name.endsWith('_fail');
    it(`${name}: ${expectFail ? 'fails' : 'passes'}`, async () => {
      const artifact = readFileSync(existsSync(path.join(caseDir, 'artifact')) ? path.join(caseDir, 'artifact') : path.join(dir, 'a.txt'));
      const rootJson = read(caseDir, 'trusted_root.json');
      const keyPem = read(caseDir, 'key.pub');
      const identity = read(caseDir, 'identity')?.trim() ?? DEFAULT_IDENTITY;
      const issuer = read(caseDir, 'issuer')?.trim() ?? DEFAULT_ISSUER;
      const bundleName = `${name}/bundle.sigstore.json`;
      const run = verifySigstoreBundle({
        artifact,
        bundle: { name: bundleName, json: readFileSync(path.join(caseDir, 'bundle.sigstore.json'), 'utf8') },
        // Without its own root a case is verified against the root that ships with the action,
        // which is the production root the upstream suite uses.
        ...(rootJson !== undefined ? { trustedRoot: { name: `${name}/trusted_root.json`, json: rootJson } } : {}),
        identities: [{ issuer, subject: identity }],
        keys: keyPem !== undefined ? [{ name: `${name}/key.pub`, pem: keyPem }] : [],
      });
      if (!expectFail) {
        const result = await run;
        if (keyPem !== undefined) {
          expect(result.signer).toEqual({ kind: 'key', fingerprint: parsePublicKey(keyPem, 'key.pub').fingerprint, keyName: `${name}/key.pub` });
        } else {
          expect(result.signer).toEqual({ kind: 'certificate', identity, issuer });
        }
        expect(result.timestamps.length).toBeGreaterThan(0);
        return;
      }
      const expected = EXPECTED_FAILURES[name];
      expect(expected, `no expected failure recorded for ${name}`).toBeDefined();
      const error = await run.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, `${name} passed but must fail`).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe(expected?.code);
      expect((error as ConfigError).message).toMatch(expected?.message ?? /$^/);
      // Every message names the bundle (or, for a key that does not parse, the key and the bundle).
      expect((error as ConfigError).message).toContain(name);
    });
  }

  it('the beacon identity matches an anchored regexp over the whole subject, and a regexp matching only part of it fails (E_IDENTITY)', async () => {
    const json = readFileSync(path.join(dir, 'happy-path-v0.3', 'bundle.sigstore.json'), 'utf8');
    const artifact = readFileSync(path.join(dir, 'a.txt'));
    const verify = (subjectRegex: string, issuer = DEFAULT_ISSUER) =>
      verifySigstoreBundle({ artifact, bundle: { name: 'happy-path-v0.3', json }, identities: [{ issuer, subjectRegex }], keys: [] });
    await expect(verify('https://github\\.com/sigstore-conformance/.+@refs/heads/main')).resolves.toMatchObject({ signer: { identity: DEFAULT_IDENTITY } });
    // Unanchored, these would match a part of the subject; anchored, they match none of it.
    expect(await codeOf(verify('extremely-dangerous-public-oidc-beacon'))).toBe('E_IDENTITY');
    expect(await codeOf(verify('https://github\\.com/sigstore-conformance/.+\\.yml'))).toBe('E_IDENTITY');
    expect(await codeOf(verify('.*@refs/heads/main', 'https://token.actions.githubusercontent.com/'))).toBe('E_IDENTITY');
  });

  it('a production bundle is refused by a root of another instance (its CA and log are not there)', async () => {
    const json = readFileSync(path.join(dir, 'happy-path-v0.1', 'bundle.sigstore.json'), 'utf8');
    const staging = readFileSync(path.join(dir, 'rekor2-happy-path', 'trusted_root.json'), 'utf8');
    const error = await verifySigstoreBundle({
      artifact: readFileSync(path.join(dir, 'a.txt')),
      bundle: { name: 'happy-path-v0.1', json },
      trustedRoot: { name: 'staging/trusted_root.json', json: staging },
      identities: [{ issuer: DEFAULT_ISSUER, subject: DEFAULT_IDENTITY }],
      keys: [],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('E_TRUST_ROOT');
    expect((error as ConfigError).message).toMatch(/happy-path-v0\.1.*staging\/trusted_root\.json/);
  });
});

describeWithConformance('signature conformance: cosign sign-blob --key', 'signatures/cosign-key', (dir) => {
  const blob = readFileSync(path.join(dir, 'blob.txt'));
  const signatureFile = readFileSync(path.join(dir, 'blob.txt.sig'));
  const key = parsePublicKey(readFileSync(path.join(dir, 'cosign.pub'), 'utf8'), 'cosign.pub');

  it('blob.txt + blob.txt.sig + cosign.pub: passes', () => {
    const signer = verifyKeySignature(blob, decodeSignature(signatureFile, 'blob.txt.sig'), [key], 'blob.txt.sig');
    expect(signer.fingerprint).toBe(key.fingerprint);
  });

  it("cosign.pub's hint is the managed-key bundle's publicKey.hint (the same signature)", () => {
    expect(key.hint).toBe('TLMsSDfG3ajPsWge+z/vX5T/zluXnmvbkTkwLIV68Tk=');
  });

  it('blob.txt.sig with a trailing newline (cosign on stdout): passes', () => {
    const withNewline = Buffer.concat([signatureFile, Buffer.from('\n')]);
    expect(verifyKeySignature(blob, decodeSignature(withNewline, 'sig'), [key], 'sig').name).toBe('cosign.pub');
  });

  it('blob-tampered.txt: fails (E_SIGNATURE)', () => {
    const tampered = readFileSync(path.join(dir, 'blob-tampered.txt'));
    expect(codeOfSync(() => verifyKeySignature(tampered, decodeSignature(signatureFile, 'blob.txt.sig'), [key], 'blob.txt.sig'))).toBe('E_SIGNATURE');
  });

  it('wrong-key.pub: fails (E_SIGNATURE)', () => {
    const wrong = parsePublicKey(readFileSync(path.join(dir, 'wrong-key.pub'), 'utf8'), 'wrong-key.pub');
    expect(codeOfSync(() => verifyKeySignature(blob, decodeSignature(signatureFile, 'blob.txt.sig'), [wrong], 'blob.txt.sig'))).toBe('E_SIGNATURE');
  });

  it('blob.txt.sig with its base64 corrupted (last 4 characters dropped): fails (E_SIGNATURE)', () => {
    const corrupted = signatureFile.subarray(0, signatureFile.length - 4);
    expect(codeOfSync(() => verifyKeySignature(blob, decodeSignature(corrupted, 'blob.txt.sig'), [key], 'blob.txt.sig'))).toBe('E_SIGNATURE');
  });
});

describeWithConformance('signature conformance: cosign legacy keyless (detached signature + certificate)', 'signatures/cosign-legacy-keyless', (dir) => {
  // Not supported, by decision: a detached signature and a bare certificate carry no transparency-log
  // entry, so there is no verified time at which the (10-minute) certificate was valid, and no proof
  // the signature was ever logged. Such input must be refused, never passed. Sign with a bundle instead.
  const blob = readFileSync(path.join(dir, 'offline-rekor.txt'));
  const signature = readFileSync(path.join(dir, 'offline-rekor.txt.sig'));
  const certificate = readFileSync(path.join(dir, 'offline-rekor.txt.crt'), 'utf8');

  it('the certificate given as a public key is refused (E_KEY)', () => {
    expect(codeOfSync(() => parsePublicKey(certificate, 'offline-rekor.txt.crt'))).toBe('E_KEY');
  });

  it('the detached signature or the certificate given as a bundle is refused (E_BUNDLE)', async () => {
    for (const [name, json] of [
      ['offline-rekor.txt.sig', signature.toString('utf8')],
      ['offline-rekor.txt.crt', certificate],
    ] as const) {
      expect(await codeOf(verifySigstoreBundle({ artifact: blob, bundle: { name, json }, identities: [], keys: [] }))).toBe('E_BUNDLE');
    }
  });

  it('no key accepted elsewhere verifies it: without a key it is E_KEY, never a pass', () => {
    expect(codeOfSync(() => verifyKeySignature(blob, decodeSignature(signature, 'offline-rekor.txt.sig'), [], 'offline-rekor.txt.sig'))).toBe('E_KEY');
  });
});
