/**
 * The manifest against the policy's `models` section, the clock, and the transcript. Pure: plain data
 * in, violations out.
 */
import { isPinnedModel, judgeModel, matchModelGlob } from '../policy/models.js';
import type { ModelsPolicy } from '../policy/types.js';
import type { ManifestViolation, ModelManifest } from './types.js';

/** How far a manifest's timestamp may run ahead of the runner's clock: machines disagree by seconds, not minutes. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const FLOATING_WORDS = /latest|stable|current|preview|nightly|head|main|master/i;

/**
 * An exact version: `1.4.2` (semver, with a pre-release or build part), a date (`2025-09-29`,
 * `20250929`), a digest, or a pinned model id. Never `latest`, a range (`^1.4`, `~1`, `>=2`), a
 * wildcard (`1.x`, `*`) or a version with fewer than three parts (`1.4` moves to `1.4.3`).
 */
export function isPinnedVersion(version: string): boolean {
  if (FLOATING_WORDS.test(version) || /[*^~<>=|\s]/.test(version)) return false;
  if (/^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/.test(version)) return !/(?:^|\.)x(?:\.|$)/i.test(version);
  if (/^20\d{2}-?(?:0[1-9]|1[0-2])-?(?:0[1-9]|[12]\d|3[01])$/.test(version)) return true;
  if (/^(?:sha256:)?[0-9a-f]{12,}$/.test(version)) return true;
  return isPinnedModel(version);
}

export function judgeModels(manifest: ModelManifest, policy: ModelsPolicy, file: string, now: Date): ManifestViolation[] {
  const violations: ManifestViolation[] = [];
  const fail = (code: `E_${Uppercase<string>}`, pointer: string, message: string) =>
    violations.push({ code, severity: 'fail', file, pointer, message: `${file}: ${message}` });

  const model = judgeModel(policy, manifest.model);
  if (model.reason === 'denied') fail('E_MODEL_DENIED', '/model', `model "${manifest.model}" is denied by the policy's models.denied glob "${model.rule}"`);
  else if (model.reason === 'not-allowed') {
    fail(
      'E_MODEL_NOT_ALLOWED',
      '/model',
      `model "${manifest.model}" matches none of the policy's models.allowed globs (${policy.allowed.join(', ') || 'none'})`,
    );
  }
  if (policy.requirePinned && !model.pinned && !isPinnedVersion(manifest.version)) {
    fail(
      'E_MODEL_UNPINNED',
      '/version',
      `model "${manifest.model}" at version "${manifest.version}" is not pinned (models.require-pinned): give a dated model id or an exact version such as 1.4.2`,
    );
  }
  if (policy.requireSeed && manifest.random_seed === undefined) {
    fail('E_SEED_MISSING', '/random_seed', 'records no random_seed, and the policy requires one (models.require-seed)');
  }
  if (policy.maxTemperature !== undefined && manifest.temperature !== undefined && manifest.temperature > policy.maxTemperature) {
    fail('E_TEMPERATURE', '/temperature', `temperature ${manifest.temperature} is above the policy's models.max-temperature ${policy.maxTemperature}`);
  }
  const at = Date.parse(manifest.timestamp);
  if (at > now.getTime() + CLOCK_SKEW_MS) {
    fail(
      'E_TIMESTAMP_FUTURE',
      '/timestamp',
      `timestamp ${manifest.timestamp} is in the future (now ${now.toISOString()}, ${CLOCK_SKEW_MS / 60_000} minutes of clock skew allowed)`,
    );
  } else if (policy.maxAgeMs !== undefined && now.getTime() - at > policy.maxAgeMs) {
    fail(
      'E_MANIFEST_TOO_OLD',
      '/timestamp',
      `timestamp ${manifest.timestamp} is older than the policy's models.max-age (${Math.round(policy.maxAgeMs / 3_600_000)} h)`,
    );
  }
  return violations;
}

/** What capture-transcript's summary.json says about models (schema: transcript-summary.schema.json). */
export interface TranscriptEvidence {
  /** The summary file, as messages name it. */
  readonly file?: string;
  readonly models?: readonly string[];
  /** capture-transcript's `transcript-digest` and/or `source-digest`. */
  readonly digests: readonly string[];
}

export function judgeTranscript(manifest: ModelManifest, transcript: TranscriptEvidence, file: string): ManifestViolation[] {
  const violations: ManifestViolation[] = [];
  const fail = (code: `E_${Uppercase<string>}`, pointer: string, message: string) =>
    violations.push({ code, severity: 'fail', file, pointer, message: `${file}: ${message}` });
  if (transcript.models !== undefined) {
    const seen = transcript.models;
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase() || matchModelGlob(a, b) || matchModelGlob(b, a);
    if (!seen.some((m) => same(m, manifest.model))) {
      fail(
        'E_TRANSCRIPT_MODEL',
        '/model',
        `model "${manifest.model}" is not among the models the transcript shows (${transcript.file ?? 'transcript-summary'}: ${seen.length > 0 ? seen.slice(0, 10).join(', ') : 'none'})`,
      );
    }
  }
  if (manifest.transcript_digest !== undefined && transcript.digests.length > 0) {
    const wanted = manifest.transcript_digest.toLowerCase();
    if (!transcript.digests.some((d) => d.toLowerCase() === wanted)) {
      fail(
        'E_TRANSCRIPT_DIGEST',
        '/transcript_digest',
        `transcript_digest ${manifest.transcript_digest} equals neither digest of the transcript given in transcript-digest (${transcript.digests.join(', ')})`,
      );
    }
  }
  return violations;
}
