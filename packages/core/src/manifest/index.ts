/**
 * verify-manifest's decisions: reading the model manifest, judging it against the policy, its
 * signature, its subjects and the transcript, and writing the report. sigstore-js is not imported
 * from here: verify.ts loads ./sigstore/index.js with import() only when a bundle is verified.
 */
export { CLOCK_SKEW_MS, isPinnedVersion, judgeModels, judgeTranscript, type TranscriptEvidence } from './checks.js';
export { decodeSignature, parsePublicKey, signBlob, verifyKeySignature, type PublicKeyEntry } from './keys.js';
export { MAX_MANIFEST_BYTES, parseManifest } from './parse.js';
export { findManifests } from './sources.js';
export { checkSubjects, subjectPathProblem } from './subjects.js';
export type * from './types.js';
export {
  assertManifestsPass,
  manifestOutputs,
  reportTimeFrom,
  verifyManifests,
  type ManifestReportDetails,
  type VerifyManifestsOptions,
  type VerifyManifestsResult,
} from './verify.js';
