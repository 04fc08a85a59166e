/**
 * A sigstore instance of our own, for what the conformance set cannot show: an e-mail identity next to
 * a look-alike, a certificate used outside its validity, DSSE attestations. It has a CA (made with the
 * openssl CLI, which can back-date certificates), a transparency log key that signs entry timestamps
 * and checkpoints, and its own trusted_root.json. Bundles are built as Fulcio, Rekor and the sigstore
 * clients build them; nothing here is trusted by anything but the test that made it.
 */

import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const FAKE_ISSUER = 'https://issuer.test.example';
const LOG_URL = 'https://rekor.test.example';

export interface FakeCert {
  readonly der: Buffer;
  readonly key: KeyObject;
}

export interface BundleOptions {
  readonly artifact: Buffer;
  /** Signed with a certificate's key (keyless) or a managed key. */
  readonly signer: { readonly cert: FakeCert } | { readonly key: KeyObject };
  readonly signedAt: Date;
  readonly content?: 'message' | 'dsse';
  /** For DSSE: the sha256 the statement names; the artifact's by default. */
  readonly subjectSha256?: string;
  readonly mediaType?: string;
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64');
}

function sha256(bytes: Buffer | string): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function opensslTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export class FakeSigstore {
  private readonly dir: string;
  private readonly caDer: Buffer;
  private readonly logKey: KeyObject;
  private readonly logSpki: Buffer;
  private serial = 1;

  constructor() {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'fake-sigstore-'));
    writeFileSync(path.join(this.dir, 'index.txt'), '');
    writeFileSync(path.join(this.dir, 'serial'), '1000\n');
    writeFileSync(
      path.join(this.dir, 'ca.cnf'),
      [
        '[ca]',
        'default_ca = ca_default',
        '[ca_default]',
        `dir = ${this.dir}`,
        'database = $dir/index.txt',
        'new_certs_dir = $dir',
        'serial = $dir/serial',
        'default_md = sha256',
        'policy = policy_any',
        'unique_subject = no',
        'copy_extensions = none',
        '[policy_any]',
        'organizationName = optional',
        'commonName = optional',
        '[req]',
        'distinguished_name = dn',
        '[dn]',
        '[ca_ext]',
        'basicConstraints = critical, CA:TRUE',
        'keyUsage = critical, keyCertSign, cRLSign',
        'subjectKeyIdentifier = hash',
        '',
      ].join('\n'),
    );
    this.openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
    this.openssl(['req', '-new', '-key', 'ca.key', '-subj', '/O=fake-sigstore/CN=fake-ca', '-config', 'ca.cnf', '-out', 'ca.csr']);
    this.openssl([
      'ca',
      '-batch',
      '-selfsign',
      '-config',
      'ca.cnf',
      '-keyfile',
      'ca.key',
      '-in',
      'ca.csr',
      '-out',
      'ca.pem',
      '-notext',
      '-extensions',
      'ca_ext',
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20400101000000Z',
    ]);
    this.caDer = this.der('ca.pem');
    const log = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.logKey = log.privateKey;
    this.logSpki = log.publicKey.export({ type: 'spki', format: 'der' });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private openssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  }

  private der(pemFile: string): Buffer {
    const pem = readFileSync(path.join(this.dir, pemFile), 'utf8');
    const body = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem)?.[1] ?? '';
    return Buffer.from(body.replace(/\s+/g, ''), 'base64');
  }

  get logId(): Buffer {
    return sha256(this.logSpki);
  }

  /** The trusted_root.json of this instance: its CA and its log, no CT log, no TSA. */
  trustedRoot(): string {
    return JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [
        {
          baseUrl: LOG_URL,
          hashAlgorithm: 'SHA2_256',
          publicKey: { rawBytes: b64(this.logSpki), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00Z' } },
          logId: { keyId: b64(this.logId) },
        },
      ],
      certificateAuthorities: [
        {
          subject: { organization: 'fake-sigstore', commonName: 'fake-ca' },
          uri: 'https://ca.test.example',
          certChain: { certificates: [{ rawBytes: b64(this.caDer) }] },
          validFor: { start: '2020-01-01T00:00:00Z' },
        },
      ],
      ctlogs: [],
      timestampAuthorities: [],
    });
  }

  /** A Fulcio-like leaf: the SAN given, the OIDC issuer in Fulcio's extension, valid only from..to. */
  issue(san: { email: string } | { uri: string }, issuer: string, validFrom: Date, validTo: Date): FakeCert {
    const n = this.serial++;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(path.join(this.dir, `leaf${n}.key`), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const sanText = 'email' in san ? `email:${san.email}` : `URI:${san.uri}`;
    const issuerHex = Buffer.from(issuer, 'ascii')
      .toString('hex')
      .replace(/(..)(?!$)/g, '$1:');
    writeFileSync(
      path.join(this.dir, `leaf${n}.ext`),
      [
        '[leaf]',
        'keyUsage = critical, digitalSignature',
        'extendedKeyUsage = codeSigning',
        `subjectAltName = critical, ${sanText}`,
        'subjectKeyIdentifier = hash',
        'authorityKeyIdentifier = keyid',
        `1.3.6.1.4.1.57264.1.1 = DER:${issuerHex}`,
        '',
      ].join('\n'),
    );
    this.openssl(['req', '-new', '-key', `leaf${n}.key`, '-subj', '/O=fake-sigstore', '-config', 'ca.cnf', '-out', `leaf${n}.csr`]);
    this.openssl([
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-cert',
      'ca.pem',
      '-keyfile',
      'ca.key',
      '-in',
      `leaf${n}.csr`,
      '-out',
      `leaf${n}.pem`,
      '-notext',
      '-extfile',
      `leaf${n}.ext`,
      '-extensions',
      'leaf',
      '-startdate',
      opensslTime(validFrom),
      '-enddate',
      opensslTime(validTo),
    ]);
    return { der: this.der(`leaf${n}.pem`), key: createPrivateKey(readFileSync(path.join(this.dir, `leaf${n}.key`))) };
  }

  /** A bundle as cosign sign-blob (message) or actions/attest (DSSE) makes it, logged at `signedAt`. */
  bundle(options: BundleOptions): string {
    const contentKind = options.content ?? 'message';
    const signingKey = 'cert' in options.signer ? options.signer.cert.key : options.signer.key;
    const verifierPem =
      'cert' in options.signer
        ? `-----BEGIN CERTIFICATE-----\n${b64(options.signer.cert.der)}\n-----END CERTIFICATE-----\n`
        : createPublicKey(signingKey).export({ type: 'spki', format: 'pem' }).toString();
    const publicKey = 'cert' in options.signer ? undefined : createPublicKey(options.signer.key);

    let content: Record<string, unknown>;
    let body: Record<string, unknown>;
    if (contentKind === 'message') {
      const digest = sha256(options.artifact);
      const signature = sign('sha256', options.artifact, signingKey);
      content = { messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: b64(digest) }, signature: b64(signature) } };
      body = {
        apiVersion: '0.0.1',
        kind: 'hashedrekord',
        spec: {
          data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } },
          signature: { content: b64(signature), publicKey: { content: b64(Buffer.from(verifierPem)) } },
        },
      };
    } else {
      const statement = {
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: 'model_manifest.yaml', digest: { sha256: options.subjectSha256 ?? sha256(options.artifact).toString('hex') } }],
        predicateType: 'https://slsa.dev/provenance/v1',
        predicate: {},
      };
      const payload = Buffer.from(JSON.stringify(statement));
      const payloadType = 'application/vnd.in-toto+json';
      const pae = Buffer.concat([Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${payload.length} `), payload]);
      const signature = sign('sha256', pae, signingKey);
      const envelope = { payload: b64(payload), payloadType, signatures: [{ sig: b64(signature), keyid: '' }] };
      content = { dsseEnvelope: envelope };
      body = {
        apiVersion: '0.0.1',
        kind: 'dsse',
        spec: {
          envelopeHash: { algorithm: 'sha256', value: sha256(JSON.stringify(envelope)).toString('hex') },
          payloadHash: { algorithm: 'sha256', value: sha256(payload).toString('hex') },
          signatures: [{ signature: b64(signature), verifier: b64(Buffer.from(verifierPem)) }],
        },
      };
    }

    const canonicalizedBody = Buffer.from(canonical(body));
    const integratedTime = Math.floor(options.signedAt.getTime() / 1000);
    const set = sign(
      'sha256',
      Buffer.from(canonical({ body: b64(canonicalizedBody), integratedTime, logID: this.logId.toString('hex'), logIndex: 0 })),
      this.logKey,
    );
    // A one-leaf tree: the root hash is the leaf hash, and the proof has no hashes.
    const rootHash = createHash('sha256')
      .update(Buffer.from([0]))
      .update(canonicalizedBody)
      .digest();
    const note = `rekor.test.example - 1\n1\n${b64(rootHash)}\n`;
    const noteSignature = Buffer.concat([this.logId.subarray(0, 4), sign('sha256', Buffer.from(note), this.logKey)]);
    const envelope = `${note}\n\u2014 rekor.test.example ${b64(noteSignature)}\n`;

    const mediaType = options.mediaType ?? 'application/vnd.dev.sigstore.bundle.v0.3+json';
    const keyMaterial =
      publicKey !== undefined
        ? { publicKey: { hint: b64(sha256(publicKey.export({ type: 'spki', format: 'der' }))) } }
        : mediaType.endsWith('version=0.1') || mediaType.endsWith('version=0.2')
          ? { x509CertificateChain: { certificates: [{ rawBytes: b64((options.signer as { cert: FakeCert }).cert.der) }] } }
          : { certificate: { rawBytes: b64((options.signer as { cert: FakeCert }).cert.der) } };
    return JSON.stringify({
      mediaType,
      verificationMaterial: {
        ...keyMaterial,
        tlogEntries: [
          {
            logIndex: '0',
            logId: { keyId: b64(this.logId) },
            kindVersion: { kind: body.kind, version: '0.0.1' },
            integratedTime: String(integratedTime),
            inclusionPromise: { signedEntryTimestamp: b64(set) },
            inclusionProof: { logIndex: '0', rootHash: b64(rootHash), treeSize: '1', hashes: [], checkpoint: { envelope } },
            canonicalizedBody: b64(canonicalizedBody),
          },
        ],
      },
      ...content,
    });
  }
}
