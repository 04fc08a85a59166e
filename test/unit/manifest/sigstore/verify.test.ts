import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../packages/core/src/errors.js';
import { parsePublicKey } from '../../../../packages/core/src/manifest/keys.js';
import { PUBLIC_GOOD_ROOT_NAME, verifySigstoreBundle, type SigstoreVerifyInput } from '../../../../packages/core/src/manifest/sigstore/index.js';
import type { SigningIdentity } from '../../../../packages/core/src/policy/types.js';
import { FAKE_ISSUER, FakeSigstore, type FakeCert } from './fake-sigstore.js';

const artifact = Buffer.from('model: claude-sonnet-4-5-20250929\nseed: 7\n');
const minutes = (n: number): number => n * 60_000;
const t0 = new Date('2025-03-01T10:00:00Z');
const V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
const V02 = 'application/vnd.dev.sigstore.bundle+json;version=0.2';
const V03 = 'application/vnd.dev.sigstore.bundle+json;version=0.3';
const V03_NEW = 'application/vnd.dev.sigstore.bundle.v0.3+json';

let fake: FakeSigstore;
let user: FakeCert;

beforeAll(() => {
  fake = new FakeSigstore();
  // Valid ten minutes, long expired now: as Fulcio issues them.
  user = fake.issue({ email: 'user@example.com' }, FAKE_ISSUER, t0, new Date(t0.getTime() + minutes(10)));
});

afterAll(() => fake.dispose());

function input(json: string, identities: readonly SigningIdentity[], overrides: Partial<SigstoreVerifyInput> = {}): SigstoreVerifyInput {
  return {
    artifact,
    bundle: { name: 'model_manifest.yaml.sigstore.json', json },
    trustedRoot: { name: 'fake/trusted_root.json', json: fake.trustedRoot() },
    identities,
    keys: [],
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'verification passed but must fail').toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toContain('model_manifest.yaml.sigstore.json');
  return error as ConfigError;
}

const exactUser: SigningIdentity = { issuer: FAKE_ISSUER, subject: 'user@example.com' };

describe('certificate identity', () => {
  it('an exact identity never accepts a look-alike: user@example.com refuses evil-user@example.com', async () => {
    const evil = fake.issue({ email: 'evil-user@example.com' }, FAKE_ISSUER, t0, new Date(t0.getTime() + minutes(10)));
    const json = fake.bundle({ artifact, signer: { cert: evil }, signedAt: new Date(t0.getTime() + minutes(1)) });
    const error = await failure(verifySigstoreBundle(input(json, [exactUser])));
    expect(error.code).toBe('E_IDENTITY');
    expect(error.message).toContain('evil-user@example.com');
  });

  it('a regexp is anchored: user@example\\.com accepts user@example.com and refuses evil-user@example.com and user@example.com.evil', async () => {
    const byRegexp: SigningIdentity = { issuer: FAKE_ISSUER, subjectRegex: 'user@example\\.com' };
    const good = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(1)) });
    await expect(verifySigstoreBundle(input(good, [byRegexp]))).resolves.toMatchObject({
      signer: { kind: 'certificate', identity: 'user@example.com', issuer: FAKE_ISSUER },
    });
    for (const email of ['evil-user@example.com', 'user@example.com.evil']) {
      const other = fake.issue({ email }, FAKE_ISSUER, t0, new Date(t0.getTime() + minutes(10)));
      const json = fake.bundle({ artifact, signer: { cert: other }, signedAt: new Date(t0.getTime() + minutes(1)) });
      expect((await failure(verifySigstoreBundle(input(json, [byRegexp])))).code).toBe('E_IDENTITY');
    }
  });

  it('an alternation stays inside the anchors: a|b matches all of a or all of b', async () => {
    const json = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(1)) });
    await expect(verifySigstoreBundle(input(json, [{ issuer: FAKE_ISSUER, subjectRegex: 'admin@example\\.com|user@example\\.com' }]))).resolves.toBeDefined();
    expect((await failure(verifySigstoreBundle(input(json, [{ issuer: FAKE_ISSUER, subjectRegex: 'admin@example\\.com|user' }])))).code).toBe('E_IDENTITY');
  });

  it('the issuer must match exactly (E_IDENTITY), even when the subject does', async () => {
    const json = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(1)) });
    for (const issuer of ['https://issuer.test.example/', 'https://issuer.test.exampl', 'https://token.actions.githubusercontent.com']) {
      const error = await failure(verifySigstoreBundle(input(json, [{ issuer, subject: 'user@example.com' }])));
      expect(error.code).toBe('E_IDENTITY');
      expect(error.message).toContain('not an accepted issuer');
    }
  });

  it('a keyless bundle with no accepted identity is refused (E_IDENTITY), never passed', async () => {
    const json = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(1)) });
    expect((await failure(verifySigstoreBundle(input(json, [])))).code).toBe('E_IDENTITY');
  });

  it('any one of several identities may match', async () => {
    const json = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(1)) });
    const result = await verifySigstoreBundle(input(json, [{ issuer: 'https://token.actions.githubusercontent.com', subjectRegex: '.*' }, exactUser]));
    expect(result.signer).toEqual({ kind: 'certificate', identity: 'user@example.com', issuer: FAKE_ISSUER });
  });
});

describe('certificate validity is judged at the signing time', () => {
  it('a certificate that has since expired passes when it was valid when the log recorded the signature', async () => {
    const notAfter = new Date(new X509Certificate(user.der).validTo);
    expect(notAfter.getTime()).toBeLessThan(Date.now());
    const json = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(5)) });
    const result = await verifySigstoreBundle(input(json, [exactUser]));
    expect(result.signedAt).toBe('2025-03-01T10:05:00.000Z');
    expect(result.timestamps).toEqual(['tlog']);
  });

  it('a signature logged after the certificate expired fails (E_SIGNATURE)', async () => {
    const json = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(11)) });
    const error = await failure(verifySigstoreBundle(input(json, [exactUser])));
    expect(error.code).toBe('E_SIGNATURE');
    expect(error.message).toContain('not valid at the verified signing time');
  });

  it('a signature logged before the certificate was valid fails (E_SIGNATURE)', async () => {
    const json = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() - minutes(1)) });
    expect((await failure(verifySigstoreBundle(input(json, [exactUser])))).code).toBe('E_SIGNATURE');
  });
});

describe('bundle versions and contents', () => {
  for (const mediaType of [V01, V02, V03, V03_NEW]) {
    for (const content of ['message', 'dsse'] as const) {
      it(`${mediaType.replace('application/vnd.dev.sigstore.', '')}, ${content === 'message' ? 'message signature' : 'DSSE in-toto attestation'}: passes`, async () => {
        const json = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(1)), content, mediaType });
        const result = await verifySigstoreBundle(input(json, [exactUser]));
        expect(result.bundleVersion).toBe(mediaType.includes('0.1') ? 'v0.1' : mediaType.includes('0.2') ? 'v0.2' : 'v0.3');
        expect(result.content).toBe(content === 'message' ? 'message-signature' : 'dsse');
        if (content === 'dsse') expect(result.predicateType).toBe('https://slsa.dev/provenance/v1');
      });
    }
  }

  it('a DSSE attestation whose subjects do not name the manifest fails (E_SIGNATURE)', async () => {
    const other = createHash('sha256').update('another file').digest('hex');
    const json = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(1)), content: 'dsse', subjectSha256: other });
    const error = await failure(verifySigstoreBundle(input(json, [exactUser])));
    expect(error.code).toBe('E_SIGNATURE');
    expect(error.message).toContain('no subject of its in-toto statement');
  });

  it('a message signature over other bytes fails (E_SIGNATURE)', async () => {
    const json = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(1)) });
    const tampered = Buffer.from(artifact.toString().replace('seed: 7', 'seed: 8'));
    expect((await failure(verifySigstoreBundle(input(json, [exactUser], { artifact: tampered })))).code).toBe('E_SIGNATURE');
  });

  it('a bundle version that is not v0.1 to v0.3 is refused (E_BUNDLE), even one sigstore-js would read', async () => {
    const json = fake.bundle({
      artifact,
      signer: { cert: user },
      signedAt: new Date(t0.getTime() + minutes(1)),
      mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.4',
    });
    expect((await failure(verifySigstoreBundle(input(json, [exactUser])))).code).toBe('E_BUNDLE');
  });

  it('empty, truncated, non-object and oversized bundles are refused (E_BUNDLE)', async () => {
    const good = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(1)) });
    for (const json of ['', good.slice(0, good.length / 2), '[]', 'null', '"x"', `{"mediaType":"${V03}"}`, ' '.repeat(2 * 1024 * 1024)]) {
      expect((await failure(verifySigstoreBundle(input(json, [exactUser])))).code).toBe('E_BUNDLE');
    }
  });
});

describe('managed keys', () => {
  const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = signing.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('verifies with the key its hint names, and reports that key', async () => {
    const json = fake.bundle({ artifact, signer: { key: signing.privateKey }, signedAt: new Date() });
    const result = await verifySigstoreBundle(
      input(json, [], {
        keys: [
          { name: 'other.pub', pem: other },
          { name: 'signing.pub', pem },
        ],
      }),
    );
    expect(result.signer).toEqual({ kind: 'key', fingerprint: parsePublicKey(pem, 'x').fingerprint, keyName: 'signing.pub' });
  });

  it('with only other keys it fails (E_SIGNATURE)', async () => {
    const json = fake.bundle({ artifact, signer: { key: signing.privateKey }, signedAt: new Date() });
    expect((await failure(verifySigstoreBundle(input(json, [], { keys: [{ name: 'other.pub', pem: other }] })))).code).toBe('E_SIGNATURE');
  });

  it('a hint that names none of the keys does not decide: the signature does (cosign ignores the hint)', async () => {
    const bundle = JSON.parse(fake.bundle({ artifact, signer: { key: signing.privateKey }, signedAt: new Date() })) as {
      verificationMaterial: { publicKey: { hint: string } };
    };
    bundle.verificationMaterial.publicKey.hint = 'bm90IGEga2V5IGhpbnQ=';
    const json = JSON.stringify(bundle);
    await expect(verifySigstoreBundle(input(json, [], { keys: [{ name: 'signing.pub', pem }] }))).resolves.toMatchObject({
      signer: { kind: 'key', keyName: 'signing.pub' },
    });
    expect((await failure(verifySigstoreBundle(input(json, [], { keys: [{ name: 'other.pub', pem: other }] })))).code).toBe('E_SIGNATURE');
  });

  it('a private key or a certificate given as the key is refused (E_KEY)', async () => {
    const json = fake.bundle({ artifact, signer: { key: signing.privateKey }, signedAt: new Date() });
    const privatePem = signing.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const certPem = `-----BEGIN CERTIFICATE-----\n${user.der.toString('base64')}\n-----END CERTIFICATE-----\n`;
    for (const bad of [privatePem, certPem]) {
      expect((await failure(verifySigstoreBundle(input(json, [], { keys: [{ name: 'bad.pub', pem: bad }] })))).code).toBe('E_KEY');
    }
  });

  it('a DSSE attestation signed with a managed key passes', async () => {
    const json = fake.bundle({ artifact, signer: { key: signing.privateKey }, signedAt: new Date(), content: 'dsse' });
    await expect(verifySigstoreBundle(input(json, [], { keys: [{ name: 'signing.pub', pem }] }))).resolves.toMatchObject({
      content: 'dsse',
      signer: { kind: 'key' },
    });
  });
});

describe('trusted root', () => {
  it('a root of another instance (neither its log nor its CA) is E_TRUST_ROOT', async () => {
    const elsewhere = new FakeSigstore();
    try {
      const json = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(1)) });
      const error = await failure(verifySigstoreBundle(input(json, [exactUser], { trustedRoot: { name: 'elsewhere.json', json: elsewhere.trustedRoot() } })));
      expect(error.code).toBe('E_TRUST_ROOT');
      expect(error.message).toContain('elsewhere.json');
      // The same log, another CA: the certificate does not chain to the root.
      const mixed = JSON.parse(fake.trustedRoot()) as Record<string, unknown>;
      mixed.certificateAuthorities = (JSON.parse(elsewhere.trustedRoot()) as Record<string, unknown>).certificateAuthorities;
      const caError = await failure(verifySigstoreBundle(input(json, [exactUser], { trustedRoot: { name: 'other-ca.json', json: JSON.stringify(mixed) } })));
      expect(caError.code).toBe('E_TRUST_ROOT');
      expect(caError.message).toContain('certificate authority in other-ca.json');
    } finally {
      elsewhere.dispose();
    }
  });

  it('an unreadable root is E_TRUST_ROOT', async () => {
    const json = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(1)) });
    for (const root of [
      '',
      '{',
      '[]',
      '{"mediaType":"application/json"}',
      JSON.stringify({ ...JSON.parse(fake.trustedRoot()), tlogs: [{ publicKey: { rawBytes: 'AAAA' } }] }),
    ]) {
      expect((await failure(verifySigstoreBundle(input(json, [exactUser], { trustedRoot: { name: 'root.json', json: root } })))).code).toBe('E_TRUST_ROOT');
    }
  });

  it('without a root the public-good one that ships with the action is used, and it refuses this instance', async () => {
    const json = fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(1)) });
    const { trustedRoot: _unused, ...rest } = input(json, [exactUser]);
    const error = await failure(verifySigstoreBundle(rest));
    expect(error.code).toBe('E_TRUST_ROOT');
    expect(error.message).toContain(PUBLIC_GOOD_ROOT_NAME);
  });

  it('the shipped public-good root is the one in @sigstore/tuf 4.0.2 seeds.json, as ORIGIN.md states', () => {
    const dir = new URL('../../../../packages/core/src/manifest/sigstore/', import.meta.url);
    const bytes = readFileSync(new URL('public-good.trusted_root.json', dir));
    const digest = createHash('sha256').update(bytes).digest('hex');
    expect(digest).toBe('6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66');
    expect(readFileSync(new URL('ORIGIN.md', dir), 'utf8')).toContain(digest);
  });

  it('an entry with only an inclusion proof gives no signing time: its integrated time is not signed', async () => {
    const json = JSON.parse(fake.bundle({ artifact, signer: { cert: user }, signedAt: new Date(t0.getTime() + minutes(1)), mediaType: V03_NEW })) as {
      verificationMaterial: { tlogEntries: Record<string, unknown>[] };
    };
    delete json.verificationMaterial.tlogEntries[0]?.inclusionPromise;
    const error = await failure(verifySigstoreBundle(input(JSON.stringify(json), [exactUser])));
    expect(error.code).toBe('E_SIGNATURE');
    expect(error.message).toContain('no verified signing time');
  });
});
