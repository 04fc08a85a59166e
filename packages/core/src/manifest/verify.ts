import path from 'node:path';
import { reportPolicy } from '../gate/report.js';
import { bytesDigest } from '../digest/index.js';
import { ConfigError } from '../errors.js';
import {
  failsStep,
  gateReport,
  pickRunContext,
  worstVerdict,
  writeGateReport,
  type FailOn,
  type GateReason,
  type GateRunContext,
  type GateSubject,
  type Verdict,
} from '../gate/index.js';
import type { LoadedPolicy, SigningIdentity } from '../policy/types.js';
import { judgeModels, judgeTranscript, type TranscriptEvidence } from './checks.js';
import { decodeSignature, verifyKeySignature, type PublicKeyEntry } from './keys.js';
import { parseManifest } from './parse.js';
import { companion, findManifests, readInputKeys, readPolicyKeys, readTranscriptModels, readTrustFile, WorkspaceFiles } from './sources.js';
import { checkSubjects } from './subjects.js';
import type { CommitVerification, ManifestGateInputs, ManifestViolation, SignatureKind, VerifiedManifest } from './types.js';

export interface VerifyManifestsOptions {
  workspace: string;
  inputs: ManifestGateInputs;
  policy: LoadedPolicy;
  context: GateRunContext;
  tool: { name: string; version: string };
  /** Folder the report is written to. */
  outputDir: string;
  /** The clock the checks judge timestamps by; the runner's by default. */
  now?: () => Date;
  /**
   * The time the report records as its start and end. Left unset, the run's clock: two runs then write
   * reports that differ in those two fields only, which `report-digest` leaves out. Set
   * (SOURCE_DATE_EPOCH), the report file's bytes too are a function of the inputs alone.
   */
  reportTime?: Date;
  /** Every commit of the pull request with GitHub's verification; required by `requireSignedCommits`. */
  listPullRequestCommits?: () => Promise<readonly CommitVerification[]>;
}

export interface VerifyManifestsResult {
  verdict: Verdict;
  manifests: VerifiedManifest[];
  violations: ManifestViolation[];
  reasons: GateReason[];
  report: { path: string; digest: string };
  unsignedCommits?: readonly CommitVerification[];
}

export interface ManifestReportDetails {
  manifests: VerifiedManifest[];
  signedCommits?: { required: true; checked: number; unverified: readonly CommitVerification[] };
}

/** What the report says of a manifest without `subjects`. */
export const NO_SUBJECTS = 'the manifest lists no subjects: it says nothing about which files it covers';

const SIGNATURE_SUFFIXES = ['.sig'];
const BUNDLE_SUFFIXES = ['.sigstore.json', '.bundle'];

function identitiesFor(inputs: ManifestGateInputs, policy: LoadedPolicy): readonly SigningIdentity[] {
  const subject = inputs.certificateIdentity;
  const regexp = inputs.certificateIdentityRegexp;
  if (subject === undefined && regexp === undefined) {
    if (inputs.certificateOidcIssuer !== undefined) {
      throw new ConfigError(
        'E_INPUT',
        'input "certificate-oidc-issuer" needs certificate-identity or certificate-identity-regexp: an issuer alone would accept any signer it certifies',
      );
    }
    return policy.policy.signing.identities;
  }
  if (subject !== undefined && regexp !== undefined) throw new ConfigError('E_INPUT', 'give certificate-identity or certificate-identity-regexp, not both');
  if (inputs.certificateOidcIssuer === undefined)
    throw new ConfigError('E_INPUT', 'input "certificate-oidc-issuer" is required with certificate-identity(-regexp)');
  if (regexp !== undefined) {
    try {
      new RegExp(regexp);
    } catch {
      throw new ConfigError('E_INPUT', 'input "certificate-identity-regexp" is not a valid JavaScript regular expression');
    }
  }
  return [{ issuer: inputs.certificateOidcIssuer, ...(subject !== undefined ? { subject } : { subjectRegex: regexp }) }];
}

interface SigningMaterial {
  keys: { entry: PublicKeyEntry; pem: string }[];
  identities: readonly SigningIdentity[];
  trustedRoot?: { name: string; json: string };
  required: boolean;
}

async function verifySignature(
  workspace: WorkspaceFiles,
  file: string,
  bytes: Buffer,
  inputs: ManifestGateInputs,
  material: SigningMaterial,
): Promise<{ kind: SignatureKind; signer?: string; signatureFile?: string }> {
  const bundleFile = inputs.bundle ?? companion(workspace, file, BUNDLE_SUFFIXES);
  if (bundleFile !== undefined) {
    const json = workspace.read(bundleFile, 'bundle').toString('utf8');
    // sigstore-js is heavy: it is loaded only when there is a bundle to verify.
    const { verifySigstoreBundle } = await import('./sigstore/index.js');
    const result = await verifySigstoreBundle({
      artifact: bytes,
      bundle: { name: bundleFile, json },
      ...(material.trustedRoot ? { trustedRoot: material.trustedRoot } : {}),
      identities: material.identities,
      keys: material.keys.map((k) => ({ name: k.entry.name, pem: k.pem })),
    });
    const signer = result.signer.kind === 'certificate' ? `${result.signer.identity} (${result.signer.issuer})` : result.signer.fingerprint;
    return { kind: 'sigstore-bundle', signer, signatureFile: bundleFile };
  }
  const signatureFile = inputs.signature ?? companion(workspace, file, SIGNATURE_SUFFIXES);
  if (signatureFile !== undefined) {
    const signature = decodeSignature(workspace.read(signatureFile, 'signature'), signatureFile);
    const key = verifyKeySignature(
      bytes,
      signature,
      material.keys.map((k) => k.entry),
      `${signatureFile} (signature of ${file})`,
    );
    return { kind: 'cosign-key', signer: key.fingerprint, signatureFile };
  }
  return { kind: 'none' };
}

async function verifyOne(
  options: VerifyManifestsOptions,
  files: WorkspaceFiles,
  file: string,
  material: SigningMaterial,
  transcript: TranscriptEvidence,
  now: Date,
): Promise<VerifiedManifest> {
  const { workspace, inputs } = options;
  const bytes = files.read(file, 'manifest', Number.MAX_SAFE_INTEGER);
  const manifest = parseManifest(bytes, file);
  const signature = await verifySignature(files, file, bytes, inputs, material);
  const violations: ManifestViolation[] = [];
  if (signature.kind === 'none') {
    violations.push({
      code: 'E_UNSIGNED',
      severity: material.required ? 'fail' : 'warn',
      file,
      pointer: '',
      message: `${file} is not signed (no ${file}.sig, ${file}.sigstore.json or ${file}.bundle, and no signature or bundle input)${material.required ? ', and a signature is required' : ''}`,
    });
  }
  violations.push(...judgeModels(manifest, options.policy.policy.models, file, now));
  let subjects;
  if (manifest.subjects !== undefined) {
    const checked = await checkSubjects(workspace, manifest.subjects, file);
    subjects = checked.checked;
    violations.push(...checked.violations);
  }
  violations.push(...judgeTranscript(manifest, transcript, file));
  return {
    file,
    digest: bytesDigest(bytes),
    model: manifest.model,
    version: manifest.version,
    ...(manifest.fingerprint !== undefined ? { fingerprint: manifest.fingerprint } : {}),
    ...(manifest.agent !== undefined ? { agent: manifest.agent } : {}),
    timestamp: manifest.timestamp,
    signatureKind: signature.kind,
    ...(signature.signer !== undefined ? { signer: signature.signer } : {}),
    ...(signature.signatureFile !== undefined ? { signatureFile: signature.signatureFile } : {}),
    ...(subjects !== undefined ? { subjects } : { subjectsNote: NO_SUBJECTS }),
    violations,
  };
}

/** Every check verify-manifest makes, over every manifest the input names; writes the gate report. */
export async function verifyManifests(options: VerifyManifestsOptions): Promise<VerifyManifestsResult> {
  const now = (options.now ?? (() => new Date()))();
  const { workspace, inputs, policy } = options;
  // One view of the workspace for the run: each folder resolved and listed once.
  const files = new WorkspaceFiles(workspace);

  // Everything that can be wrong with the inputs is found before any manifest is judged. Keys are
  // parsed here, once each, not once per manifest.
  // Keys and a trusted root named by inputs come from the policy's commit, like the policy's own keys.
  const keys = [...(await readInputKeys(files, inputs.publicKeys, policy)), ...(await readPolicyKeys(workspace, policy))];
  const identities = identitiesFor(inputs, policy);
  const trustedRoot = inputs.trustedRoot
    ? { name: inputs.trustedRoot, json: (await readTrustFile(files, policy, inputs.trustedRoot, 'trusted-root')).toString('utf8') }
    : undefined;
  const manifestFiles = findManifests(files, inputs.manifest);
  if (manifestFiles.length === 0) throw new ConfigError('E_NO_MANIFEST', `input "manifest": ${inputs.manifest} matches no file in the workspace`);
  if (manifestFiles.length > 1 && (inputs.signature !== undefined || inputs.bundle !== undefined)) {
    throw new ConfigError(
      'E_INPUT',
      `input "manifest" matches ${manifestFiles.length} manifests: with several, each is signed beside it (<manifest>.sig, <manifest>.sigstore.json), not by the signature or bundle input`,
    );
  }
  const transcript: TranscriptEvidence = {
    ...(inputs.transcriptSummary ? { file: inputs.transcriptSummary, models: readTranscriptModels(files, inputs.transcriptSummary) } : {}),
    digests: inputs.transcriptDigests,
  };
  const material: SigningMaterial = {
    keys,
    identities,
    ...(trustedRoot ? { trustedRoot } : {}),
    required: inputs.requireSignature ?? policy.policy.signing.required,
  };

  const manifests: VerifiedManifest[] = [];
  for (const file of manifestFiles) manifests.push(await verifyOne(options, files, file, material, transcript, now));
  const violations = manifests.flatMap((m) => m.violations);

  let signedCommits: ManifestReportDetails['signedCommits'];
  if (inputs.requireSignedCommits) {
    if (!options.listPullRequestCommits) {
      throw new ConfigError('E_INPUT', 'input "require-signed-commits" needs a pull request event and a github-token to list its commits');
    }
    const commits = await options.listPullRequestCommits();
    const unverified = commits.filter((c) => !c.verified);
    signedCommits = { required: true, checked: commits.length, unverified };
    for (const commit of unverified) {
      violations.push({
        code: 'E_UNSIGNED_COMMIT',
        severity: 'fail',
        file: 'pull request',
        pointer: '',
        message: `commit ${commit.sha.slice(0, 12)} of the pull request is not verified by GitHub (${commit.reason})`,
      });
    }
  }

  const reasons: GateReason[] = violations.map((v) => ({
    code: v.code,
    severity: v.severity,
    message: v.message,
    ...(v.file !== 'pull request' ? { location: { file: v.file } } : {}),
  }));
  const verdict = worstVerdict(violations.map((v) => v.severity));
  const subjects: GateSubject[] = manifests.flatMap((m) => [
    { name: m.file, digest: m.digest },
    ...(m.subjects ?? []).map((s) => ({ name: s.path, digest: s.digest })),
  ]);
  const time = options.reportTime ?? now;
  const report = gateReport<ManifestReportDetails>({
    tool: options.tool,
    context: pickRunContext(options.context),
    startedAt: time,
    finishedAt: options.reportTime ?? (options.now ?? (() => new Date()))(),
    policy: reportPolicy(policy),
    verdict,
    reasons,
    subjects,
    details: { manifests, ...(signedCommits ? { signedCommits } : {}) },
  });
  const written = writeGateReport(path.join(options.outputDir, 'verify-manifest.json'), report);
  return { verdict, manifests, violations, reasons, report: written, ...(signedCommits ? { unsignedCommits: signedCommits.unverified } : {}) };
}

/**
 * The step fails with the first failing violation's own code (E_MODEL_NOT_ALLOWED, E_SUBJECT_DIGEST,
 * ...), before any output is written: a router never reads a half-told story. Under `fail-on: never`
 * nothing is thrown and the outputs carry the verdict and the violations.
 */
export function assertManifestsPass(result: VerifyManifestsResult, failOn: FailOn): void {
  if (!failsStep(result.verdict, failOn)) return;
  const failing = result.violations.filter((v) => v.severity === result.verdict);
  const first = failing[0] ?? result.violations[0];
  if (!first) return;
  const more = result.violations.length > 1 ? ` (and ${result.violations.length - 1} more; all in the report ${result.report.path})` : '';
  throw new ConfigError(first.code, `${first.message}${first.pointer ? ` [${first.pointer}]` : ''}${more}`);
}

/**
 * SOURCE_DATE_EPOCH (reproducible-builds.org), when set, is the time a report records, so the same
 * inputs give the same report file (its `report-digest` is the same either way). The checks still judge timestamps by the real clock.
 */
export function reportTimeFrom(sourceDateEpoch: string | undefined): Date | undefined {
  if (sourceDateEpoch === undefined || sourceDateEpoch === '') return undefined;
  if (!/^\d{1,12}$/.test(sourceDateEpoch)) throw new ConfigError('E_INPUT', 'SOURCE_DATE_EPOCH must be a whole number of seconds since 1970');
  return new Date(Number(sourceDateEpoch) * 1000);
}

/**
 * The router-facing outputs over every manifest verified: one manifest gives its values, several give
 * a JSON array of each, in the order of their paths.
 */
export function manifestOutputs(
  result: VerifyManifestsResult,
): Record<'model' | 'model-version' | 'fingerprint' | 'manifest-digest' | 'signer' | 'signature-kind', string> {
  const each = (value: (m: VerifiedManifest) => string) =>
    result.manifests.length === 1 ? value(result.manifests[0]!) : JSON.stringify(result.manifests.map(value));
  return {
    model: each((m) => m.model),
    'model-version': each((m) => m.version),
    fingerprint: each((m) => m.fingerprint ?? ''),
    'manifest-digest': each((m) => m.digest),
    signer: each((m) => m.signer ?? ''),
    'signature-kind': each((m) => m.signatureKind),
  };
}
