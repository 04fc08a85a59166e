/**
 * The contract between verify-manifest and its sigstore part. sigstore-js is heavy, so the gate loads
 * `./index.js` with a dynamic `import()` only when a bundle is to be verified: a run without a bundle
 * never pays for it.
 */

import type { SigningIdentity } from '../../policy/types.js';

export interface SigstoreVerifyInput {
  /** The exact bytes the bundle must cover (the manifest file). */
  readonly artifact: Buffer;
  /** The bundle's JSON text, and its name for messages (a path or the input's name). */
  readonly bundle: { readonly name: string; readonly json: string };
  /**
   * `trusted_root.json` text for offline verification; absent means the public-good sigstore root that
   * ships with the action.
   */
  readonly trustedRoot?: { readonly name: string; readonly json: string };
  /** Identities accepted for keyless bundles; one must match (issuer exactly, subject exactly or by anchored regexp). */
  readonly identities: readonly SigningIdentity[];
  /** PEM public keys accepted for bundles signed with a managed key (bundle with a public-key hint). */
  readonly keys: readonly { readonly name: string; readonly pem: string }[];
}

/** Who signed, once the bundle verified. */
export type SigstoreSigner =
  { readonly kind: 'certificate'; readonly identity: string; readonly issuer: string } | { readonly kind: 'key'; readonly fingerprint: string };

export interface SigstoreVerifyResult {
  readonly signer: SigstoreSigner;
  /** Bundle media type version, e.g. `v0.3`. */
  readonly bundleVersion: string;
  /** Where the signing time came from: a transparency-log entry, a signed timestamp, or both. */
  readonly timestamps: readonly ('tlog' | 'tsa')[];
}
