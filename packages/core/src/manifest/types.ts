/**
 * What verify-manifest reads and concludes. The manifest's keys are snake_case as the seed's
 * `model_manifest.yaml` writes them (packages/core/schemas/model-manifest.schema.json).
 */

import type { SigningIdentity } from '../policy/types.js';

export interface ManifestSubject {
  readonly path: string;
  /** 64 hex digits, with or without `sha256:`. */
  readonly sha256: string;
}

export interface ModelManifest {
  readonly model: string;
  readonly version: string;
  readonly timestamp: string;
  readonly fingerprint?: string;
  readonly prompt_template?: string;
  readonly prompt_vars?: Readonly<Record<string, string | number | boolean>>;
  readonly random_seed?: number;
  readonly temperature?: number;
  readonly required_tools?: readonly string[];
  readonly author?: string;
  readonly agent?: string;
  readonly transcript_digest?: string;
  readonly subjects?: readonly ManifestSubject[];
}

/** One thing wrong with one manifest: a stable code, a message naming the file, and where in it. */
export interface ManifestViolation {
  readonly code: `E_${Uppercase<string>}`;
  readonly severity: 'fail' | 'warn';
  readonly message: string;
  /** The manifest (repository-relative), or the input that the violation concerns. */
  readonly file: string;
  /** JSON pointer into the manifest; `''` for the whole file. */
  readonly pointer: string;
}

export type SignatureKind = 'none' | 'cosign-key' | 'sigstore-bundle';

/** The gate's own inputs, as the action reads them (every one optional but `manifest`). */
export interface ManifestGateInputs {
  /** Path or glob, relative to the workspace. */
  readonly manifest: string;
  readonly signature?: string;
  readonly bundle?: string;
  /** Paths of PEM files, or inline PEM blocks. */
  readonly publicKeys: readonly string[];
  readonly certificateIdentity?: string;
  readonly certificateIdentityRegexp?: string;
  readonly certificateOidcIssuer?: string;
  readonly trustedRoot?: string;
  /** Unset: the policy's `signing.required`. */
  readonly requireSignature?: boolean;
  readonly transcriptSummary?: string;
  /** capture-transcript's `transcript-digest` and/or `source-digest`. */
  readonly transcriptDigests: readonly string[];
  readonly requireSignedCommits: boolean;
}

/** A commit of the pull request as GitHub reports its signature (REST `commit.verification`). */
export interface CommitVerification {
  readonly sha: string;
  readonly verified: boolean;
  readonly reason: string;
}

export interface CheckedSubject {
  readonly path: string;
  readonly digest: string;
  readonly matches: boolean;
}

/** One manifest, verified. */
export interface VerifiedManifest {
  /** Repository-relative path. */
  readonly file: string;
  /** `sha256:` of the manifest's bytes, the bytes any signature covers. */
  readonly digest: string;
  readonly model: string;
  readonly version: string;
  readonly fingerprint?: string;
  readonly agent?: string;
  readonly timestamp: string;
  readonly signatureKind: SignatureKind;
  /** Key fingerprint, or `identity (issuer)` of a certificate; absent when unsigned. */
  readonly signer?: string;
  /** The signature or bundle file verified. */
  readonly signatureFile?: string;
  /** Absent when the manifest lists no subjects: it then says nothing about files, and `subjectsNote` says so. */
  readonly subjects?: readonly CheckedSubject[];
  readonly subjectsNote?: string;
  readonly violations: readonly ManifestViolation[];
}

export type { SigningIdentity };
