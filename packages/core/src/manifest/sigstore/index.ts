/**
 * Sigstore bundles, verified offline with sigstore-js against a trusted root. Only this folder imports
 * sigstore-js, and verify-manifest loads it with a dynamic `import()`, so a run without a bundle never
 * loads it.
 *
 * What passes: a bundle of a known version (v0.1, v0.2, v0.3) whose signature verifies over the
 * artifact (a message signature over its bytes, or a DSSE in-toto statement naming its sha256), whose
 * transparency-log entries verify against the root's logs (a signed entry timestamp or an inclusion
 * proof with a signed checkpoint), with at least one verified signing time (the integrated time of an
 * entry with a signed entry timestamp, or an RFC 3161 timestamp from one of the root's authorities),
 * and whose signer is accepted: a certificate chaining to one of the root's CAs, valid at that time
 * (it may have expired since), with its SCT when the root has CT logs, and with an identity and issuer
 * the caller accepts; or a managed key among the caller's keys.
 */

import { createHash } from 'node:crypto';
import { bundleFromJSON, ValidationError, type Bundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, VerificationError, Verifier, type SignedEntity, type Signer, type TrustMaterial } from '@sigstore/verify';
import { ConfigError } from '../../errors.js';
import type { SigningIdentity } from '../../policy/types.js';
import { parsePublicKey, type PublicKeyEntry } from '../keys.js';
import publicGoodRoot from './public-good.trusted_root.json' with { type: 'json' };
import type { SigstoreSigner, SigstoreVerifyInput, SigstoreVerifyResult } from './types.js';

export type { SigstoreSigner, SigstoreVerifyInput, SigstoreVerifyResult } from './types.js';

/** The name messages give the root that ships with the action (see ORIGIN.md beside it). */
export const PUBLIC_GOOD_ROOT_NAME = 'public-good sigstore trusted root (built in)';

/** Bundles are a few KiB (actions/attest's are ~10 KiB); anything near this is not a bundle. */
const MAX_BUNDLE_BYTES = 1024 * 1024;
const MAX_ROOT_BYTES = 1024 * 1024;

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  'application/vnd.dev.sigstore.bundle+json;version=0.1': 'v0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2': 'v0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3': 'v0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json': 'v0.3',
};

const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Fields of the bundle's JSON that hold bytes, in protobuf JSON's base64 (standard or URL-safe, padding optional). */
const BYTES_FIELDS = new Set([
  'rawBytes',
  'signature',
  'digest',
  'payload',
  'sig',
  'keyId',
  'canonicalizedBody',
  'signedEntryTimestamp',
  'rootHash',
  'hashes',
  'signedTimestamp',
]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const BASE64URL = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}(?:==)?|[A-Za-z0-9_-]{3}=?)?$/;

const DIGESTS: Readonly<Record<string, string>> = {
  SHA2_256: 'sha256',
  SHA2_384: 'sha384',
  SHA2_512: 'sha512',
};

/**
 * Verifies a sigstore bundle over `input.artifact`, offline against the trusted root. Throws a
 * ConfigError naming the bundle when it does not verify: `E_BUNDLE` (not JSON, unknown version,
 * missing or malformed part), `E_SIGNATURE` (does not verify over these bytes, log entry or timestamp
 * invalid, certificate not valid at signing time), `E_TRUST_ROOT` (root unreadable, or the signer's
 * CA or log is not in it: another sigstore instance), `E_IDENTITY` (keyless signer or issuer not
 * accepted, or no identity given), `E_KEY` (a managed-key bundle with no key, or a key that is not a
 * PEM public key).
 */
export function verifySigstoreBundle(input: SigstoreVerifyInput): Promise<SigstoreVerifyResult> {
  try {
    return Promise.resolve(verifySync(input));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function verifySync(input: SigstoreVerifyInput): SigstoreVerifyResult {
  const name = input.bundle.name;
  const { bundle, version } = parseBundle(input.bundle.json, name);
  const rootName = input.trustedRoot?.name ?? PUBLIC_GOOD_ROOT_NAME;
  const root = parseTrustedRoot(input.trustedRoot?.json, rootName, name);

  const content = checkContent(bundle, input.artifact, name);
  checkLogsKnown(bundle, root, name, rootName);

  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundle, input.artifact);
  } catch (error) {
    throw new ConfigError('E_BUNDLE', `${name}: unreadable certificate or timestamp in the bundle (${describe(error)})`);
  }
  // An integrated time is only evidence when the log signed it (the SET); an entry with only an
  // inclusion proof says nothing verified about when it was made. sigstore-js ignores such times too;
  // dropping them here keeps `timestamps` and `signedAt` of the result to verified times only.
  const timestamps = entity.timestamps.filter((t) => t.$case !== 'transparency-log' || t.tlogEntry.inclusionPromise !== undefined);
  entity = { ...entity, timestamps };

  const material = bundle.verificationMaterial.content;
  const options = {
    tlogThreshold: root.tlogs.length > 0 ? 1 : 0,
    ctlogThreshold: root.ctlogs.length > 0 ? 1 : 0,
    timestampThreshold: 1,
  };

  let signer: SigstoreSigner;
  if (material.$case === 'publicKey') {
    signer = verifyWithKeys(entity, root, options, material.publicKey.hint, input.keys, name, rootName);
  } else {
    const trust = trustMaterial(root, undefined, rootName, name);
    const verified = runVerifier(trust, options, entity, name, rootName, root);
    signer = matchIdentity(verified, input.identities, name);
  }

  return {
    signer,
    bundleVersion: version,
    timestamps: [...new Set(timestamps.map((t) => (t.$case === 'transparency-log' ? 'tlog' : 'tsa')))].sort(),
    content: content.kind,
    ...(content.predicateType !== undefined ? { predicateType: content.predicateType } : {}),
    signedAt: earliest(timestamps).toISOString(),
    trustedRoot: rootName,
  };
}

function parseBundle(json: string, name: string): { bundle: Bundle; version: string } {
  if (Buffer.byteLength(json) > MAX_BUNDLE_BYTES) throw new ConfigError('E_BUNDLE', `${name} is larger than ${MAX_BUNDLE_BYTES} bytes: not a sigstore bundle`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ConfigError('E_BUNDLE', `${name} is not valid JSON, so not a sigstore bundle`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError('E_BUNDLE', `${name} is not a sigstore bundle (expected a JSON object)`);
  const mediaType = (raw as Record<string, unknown>).mediaType;
  const version = typeof mediaType === 'string' ? MEDIA_TYPES[mediaType] : undefined;
  if (version === undefined) {
    const shown = typeof mediaType === 'string' ? JSON.stringify(mediaType.slice(0, 100)) : 'missing';
    throw new ConfigError('E_BUNDLE', `${name}: unknown sigstore bundle version (mediaType ${shown}; v0.1, v0.2 and v0.3 are supported)`);
  }
  const badBytes = findBadBase64(raw, '');
  if (badBytes !== undefined) throw new ConfigError('E_BUNDLE', `${name}: ${badBytes} is not valid base64`);
  try {
    return { bundle: bundleFromJSON(raw), version };
  } catch (error) {
    const fields = error instanceof ValidationError && error.fields ? ` (${error.fields.join(', ')})` : '';
    throw new ConfigError('E_BUNDLE', `${name} is not a valid ${version} sigstore bundle: ${describe(error)}${fields}`);
  }
}

/** protobuf's JSON reader decodes any string as base64, dropping what is not; a bundle must not pass on bytes it does not say. */
function findBadBase64(value: unknown, pointer: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const bad = findBadBase64(item, `${pointer}/${i}`);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const at = `${pointer}/${key}`;
    if (BYTES_FIELDS.has(key)) {
      const strings = typeof item === 'string' ? [item] : Array.isArray(item) && item.every((s) => typeof s === 'string') ? item : [];
      for (const s of strings) if (!BASE64.test(s) && !BASE64URL.test(s)) return at;
      if (strings.length > 0) continue;
    }
    const bad = findBadBase64(item, at);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

function parseTrustedRoot(json: string | undefined, rootName: string, name: string): TrustedRoot {
  let raw: unknown = publicGoodRoot;
  if (json !== undefined) {
    if (Buffer.byteLength(json) > MAX_ROOT_BYTES)
      throw new ConfigError('E_TRUST_ROOT', `${rootName} is larger than ${MAX_ROOT_BYTES} bytes: not a trusted root (verifying ${name})`);
    try {
      raw = JSON.parse(json);
    } catch {
      throw new ConfigError('E_TRUST_ROOT', `${rootName} is not valid JSON, so not a sigstore trusted root (verifying ${name})`);
    }
  }
  const mediaType = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).mediaType : undefined;
  if (typeof mediaType !== 'string' || !mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
    throw new ConfigError(
      'E_TRUST_ROOT',
      `${rootName} is not a sigstore trusted root (mediaType application/vnd.dev.sigstore.trustedroot…) (verifying ${name})`,
    );
  }
  try {
    const root = TrustedRoot.fromJSON(raw);
    // Build the material once here so that an unreadable key or certificate is the root's fault, said so.
    toTrustMaterial(root);
    return root;
  } catch (error) {
    throw new ConfigError('E_TRUST_ROOT', `${rootName} is not a readable sigstore trusted root: ${describe(error)} (verifying ${name})`);
  }
}

interface Content {
  readonly kind: 'message-signature' | 'dsse';
  readonly predicateType?: string;
}

/**
 * The bundle must be about these bytes. sigstore-js checks a message signature over the artifact but
 * not the digest the bundle states, and a DSSE envelope only over its own payload: the statement's
 * subjects are ours to match.
 */
function checkContent(bundle: Bundle, artifact: Buffer, name: string): Content {
  const content = bundle.content;
  if (content.$case === 'messageSignature') {
    const stated = content.messageSignature.messageDigest;
    if (stated === undefined) throw new ConfigError('E_BUNDLE', `${name}: message signature without messageDigest`);
    const algorithm = DIGESTS[algorithmName(stated.algorithm)];
    if (algorithm === undefined) throw new ConfigError('E_BUNDLE', `${name}: unsupported message digest algorithm ${String(stated.algorithm)}`);
    const actual = createHash(algorithm).update(artifact).digest();
    if (!actual.equals(Buffer.from(stated.digest))) {
      throw new ConfigError('E_SIGNATURE', `${name} is for other bytes: its message digest is not the ${algorithm} of the manifest`);
    }
    return { kind: 'message-signature' };
  }
  const envelope = content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new ConfigError(
      'E_BUNDLE',
      `${name}: DSSE payload type ${JSON.stringify(envelope.payloadType)} is not an in-toto statement (${IN_TOTO_PAYLOAD_TYPE})`,
    );
  }
  let statement: unknown;
  try {
    statement = JSON.parse(Buffer.from(envelope.payload).toString('utf8'));
  } catch {
    throw new ConfigError('E_BUNDLE', `${name}: the DSSE payload is not JSON`);
  }
  const record = typeof statement === 'object' && statement !== null ? (statement as Record<string, unknown>) : {};
  const subjects = Array.isArray(record.subject) ? (record.subject as unknown[]) : [];
  const sha256 = createHash('sha256').update(artifact).digest('hex');
  const covered = subjects.some((subject) => {
    const digest = typeof subject === 'object' && subject !== null ? (subject as Record<string, unknown>).digest : undefined;
    const value = typeof digest === 'object' && digest !== null ? (digest as Record<string, unknown>).sha256 : undefined;
    return typeof value === 'string' && value.toLowerCase() === sha256;
  });
  if (!covered) {
    throw new ConfigError('E_SIGNATURE', `${name} is for other bytes: no subject of its in-toto statement has the manifest's sha256 ${sha256}`);
  }
  const predicateType = typeof record.predicateType === 'string' ? record.predicateType : undefined;
  return { kind: 'dsse', ...(predicateType !== undefined ? { predicateType } : {}) };
}

function algorithmName(value: unknown): string {
  // protobuf-specs gives the enum as a number; its JSON name is what DIGESTS knows.
  const names: Record<number, string> = { 1: 'SHA2_256', 2: 'SHA2_384', 3: 'SHA2_512' };
  return typeof value === 'number' ? (names[value] ?? String(value)) : String(value);
}

/** A log the root does not know is another sigstore instance (staging, private), not a bad signature. */
function checkLogsKnown(bundle: Bundle, root: TrustedRoot, name: string, rootName: string): void {
  const known = new Set<string>();
  for (const log of root.tlogs) {
    if (log.logId) known.add(Buffer.from(log.logId.keyId).toString('hex'));
    if (log.checkpointKeyId) known.add(Buffer.from(log.checkpointKeyId.keyId).toString('hex'));
  }
  for (const entry of bundle.verificationMaterial.tlogEntries) {
    const id = Buffer.from(entry.logId.keyId).toString('hex');
    if (!known.has(id)) {
      throw new ConfigError(
        'E_TRUST_ROOT',
        `${name}: its transparency log (key id ${Buffer.from(entry.logId.keyId).toString('base64')}) is not in ${rootName}: signed on another sigstore instance?`,
      );
    }
  }
}

function trustMaterial(root: TrustedRoot, key: PublicKeyEntry | undefined, rootName: string, name: string): TrustMaterial {
  try {
    return toTrustMaterial(
      root,
      key === undefined
        ? undefined
        : () => ({
            publicKey: key.key,
            // A managed key has no validity period of its own; the caller's list is what trusts it.
            validFor: () => true,
          }),
    );
  } catch (error) {
    throw new ConfigError('E_TRUST_ROOT', `${rootName} is not a readable sigstore trusted root: ${describe(error)} (verifying ${name})`);
  }
}

interface VerifierOptions {
  readonly tlogThreshold: number;
  readonly ctlogThreshold: number;
  readonly timestampThreshold: number;
}

function verifyWithKeys(
  entity: SignedEntity,
  root: TrustedRoot,
  options: VerifierOptions,
  hint: string,
  pems: SigstoreVerifyInput['keys'],
  name: string,
  rootName: string,
): SigstoreSigner {
  if (pems.length === 0) {
    throw new ConfigError(
      'E_KEY',
      `${name} is signed with a managed key (hint ${hint || 'none'}), and no public key was given to verify it (set public-key or signing.keys)`,
    );
  }
  const keys = pems.map((k) => {
    try {
      return parsePublicKey(k.pem, k.name);
    } catch (error) {
      if (error instanceof ConfigError) throw new ConfigError(error.code, `${error.message} (verifying ${name})`);
      throw error;
    }
  });
  // The hint names the key; cosign ignores it, so a bundle whose hint matches none of the keys is
  // still tried with each of them: only the signature decides.
  const hinted = keys.filter((k) => k.hint === hint);
  const candidates = hinted.length > 0 ? hinted : keys;
  let first: ConfigError | undefined;
  for (const key of candidates) {
    try {
      runVerifier(trustMaterial(root, key, rootName, name), options, entity, name, rootName, root);
      return { kind: 'key', fingerprint: key.fingerprint, keyName: key.name };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      first ??= error;
    }
  }
  if (first !== undefined && first.code !== 'E_SIGNATURE') throw first;
  const tried = candidates.map((k) => k.name).join(', ');
  throw new ConfigError(
    'E_SIGNATURE',
    `${name} does not verify with ${candidates.length === 1 ? 'the key' : 'any of the keys'} ${tried}${first ? `: ${first.message}` : ''}`,
  );
}

function runVerifier(trust: TrustMaterial, options: VerifierOptions, entity: SignedEntity, name: string, rootName: string, root: TrustedRoot): Signer {
  try {
    return new Verifier(trust, options).verify(entity);
  } catch (error) {
    throw mapVerificationError(error, name, rootName, root);
  }
}

function mapVerificationError(error: unknown, name: string, rootName: string, root: TrustedRoot): ConfigError {
  if (!(error instanceof VerificationError)) {
    return new ConfigError('E_SIGNATURE', `${name} does not verify: ${describe(error)}`);
  }
  const detail = [error.message, error.cause instanceof Error ? error.cause.message : undefined].filter(Boolean).join(': ');
  switch (error.code) {
    case 'CERTIFICATE_ERROR':
      if (/no (valid|trusted) certificate path/.test(detail)) {
        return new ConfigError(
          'E_TRUST_ROOT',
          `${name}: its certificate was not issued by a certificate authority in ${rootName}: signed on another sigstore instance?`,
        );
      }
      if (/not valid or expired/.test(detail)) {
        return new ConfigError('E_SIGNATURE', `${name}: its certificate was not valid at the verified signing time`);
      }
      if (/SCT/.test(detail) && root.ctlogs.length > 0) {
        return new ConfigError('E_SIGNATURE', `${name}: its certificate has no valid certificate-transparency timestamp from a log in ${rootName} (${detail})`);
      }
      return new ConfigError('E_SIGNATURE', `${name}: its certificate does not verify (${detail})`);
    case 'TIMESTAMP_ERROR':
      return new ConfigError(
        'E_SIGNATURE',
        `${name}: no verified signing time (${detail}); a transparency-log entry with a signed entry timestamp, or an RFC 3161 timestamp from an authority in ${rootName}, is required`,
      );
    case 'TLOG_INCLUSION_PROMISE_ERROR':
    case 'TLOG_INCLUSION_PROOF_ERROR':
    case 'TLOG_MISSING_INCLUSION_ERROR':
      return new ConfigError('E_SIGNATURE', `${name}: its transparency-log entry does not verify against ${rootName} (${detail})`);
    case 'TLOG_BODY_ERROR':
      return new ConfigError('E_SIGNATURE', `${name}: its transparency-log entry is for another signature or digest (${detail})`);
    case 'TLOG_ERROR':
      return new ConfigError('E_SIGNATURE', `${name}: no transparency-log entry, and ${rootName} has logs (${detail})`);
    default:
      return new ConfigError('E_SIGNATURE', `${name} does not verify over the manifest (${detail})`);
  }
}

/** Issuer exactly; subject exactly, or by the regexp matched against the whole subject. */
function matchIdentity(verified: Signer, identities: readonly SigningIdentity[], name: string): SigstoreSigner {
  const subject = verified.identity?.subjectAlternativeName ?? '';
  const issuer = verified.identity?.extensions?.issuer ?? '';
  const found = `identity ${JSON.stringify(subject)}, issuer ${JSON.stringify(issuer)}`;
  if (identities.length === 0) {
    throw new ConfigError(
      'E_IDENTITY',
      `${name} is signed keylessly (${found}), and no accepted identity was given (set certificate-identity and certificate-oidc-issuer, or signing.identities)`,
    );
  }
  if (subject === '' || issuer === '') {
    throw new ConfigError(
      'E_IDENTITY',
      `${name}: its certificate has no ${subject === '' ? 'subject alternative name' : 'OIDC issuer'}, so it matches no accepted identity`,
    );
  }
  for (const identity of identities) {
    if (identity.issuer !== issuer) continue;
    if (identity.subject !== undefined && identity.subject === subject) return { kind: 'certificate', identity: subject, issuer };
    if (identity.subjectRegex !== undefined && anchored(identity.subjectRegex, name).test(subject)) return { kind: 'certificate', identity: subject, issuer };
  }
  const issuerKnown = identities.some((i) => i.issuer === issuer);
  throw new ConfigError('E_IDENTITY', `${name}: signed by ${found}, which ${issuerKnown ? 'matches no accepted identity' : 'is not an accepted issuer'}`);
}

function anchored(source: string, name: string): RegExp {
  try {
    // Compiled alone first: a valid pattern has balanced groups, so `^(?:…)$` anchors all of it and
    // `a)|(b` cannot escape the anchors.
    new RegExp(source);
    return new RegExp(`^(?:${source})$`);
  } catch (error) {
    throw new ConfigError('E_IDENTITY', `certificate identity regexp ${JSON.stringify(source)} is not valid (${describe(error)}), verifying ${name}`);
  }
}

function earliest(timestamps: SignedEntity['timestamps']): Date {
  const times = timestamps.map((t) => (t.$case === 'transparency-log' ? new Date(Number(t.tlogEntry.integratedTime) * 1000) : t.timestamp.signingTime));
  return new Date(Math.min(...times.map((d) => d.getTime())));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
