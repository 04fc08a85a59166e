import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, isPinnedVersion, judgeModels, judgeTranscript } from '../../../packages/core/src/manifest/index.js';
import type { ModelManifest } from '../../../packages/core/src/manifest/index.js';
import type { ModelsPolicy } from '../../../packages/core/src/policy/types.js';

const NOW = new Date('2026-02-01T00:00:00Z');
const manifest = (fields: Partial<ModelManifest> = {}): ModelManifest => ({
  model: 'claude-sonnet-4-5-20250929',
  version: '1.4.2',
  timestamp: '2026-01-12T14:22:00Z',
  ...fields,
});
const policy = (fields: Partial<ModelsPolicy> = {}): ModelsPolicy => ({ allowed: ['*'], denied: [], requirePinned: true, requireSeed: false, ...fields });
const codes = (m: ModelManifest, p: ModelsPolicy, now = NOW) => judgeModels(m, p, 'm.yaml', now).map((v) => `${v.code} ${v.pointer}`);

describe('isPinnedVersion', () => {
  it.each(['1.4.2', 'v2.0.0', '1.4.2-rc.1', '2025-09-29', '20250929', 'sha256:0123456789abcdef', 'claude-sonnet-4-5-20250929'])('%s is pinned', (v) => {
    expect(isPinnedVersion(v)).toBe(true);
  });
  it.each(['latest', '1.4', '1', '^1.4.2', '~1.4.2', '>=1.0.0', '1.x', '1.4.x', '*', 'stable', '1.4.2 || 2.0.0', 'main'])('%s floats', (v) => {
    expect(isPinnedVersion(v)).toBe(false);
  });
});

describe('judgeModels', () => {
  it('passes an allowed, pinned, fresh manifest', () => {
    expect(codes(manifest(), policy({ allowed: ['claude-*'], maxAgeMs: 30 * 86_400_000 }))).toEqual([]);
  });

  it('refuses a denied or not-allowed model, at /model', () => {
    expect(codes(manifest({ model: 'gpt-4o-2024-08-06' }), policy({ allowed: ['claude-*'] }))).toEqual(['E_MODEL_NOT_ALLOWED /model']);
    expect(codes(manifest(), policy({ denied: ['claude-sonnet-*'] }))).toEqual(['E_MODEL_DENIED /model']);
  });

  it('accepts an alias with an exact version, refuses one with a floating version', () => {
    expect(codes(manifest({ model: 'cowork-local', version: '1.4.2' }), policy())).toEqual([]);
    expect(codes(manifest({ model: 'cowork-local', version: 'latest' }), policy())).toEqual(['E_MODEL_UNPINNED /version']);
    expect(codes(manifest({ model: 'cowork-local', version: 'latest' }), policy({ requirePinned: false }))).toEqual([]);
  });

  it('requires a seed only when the policy does, and caps the temperature', () => {
    expect(codes(manifest(), policy({ requireSeed: true }))).toEqual(['E_SEED_MISSING /random_seed']);
    expect(codes(manifest({ random_seed: 0 }), policy({ requireSeed: true }))).toEqual([]);
    expect(codes(manifest({ temperature: 0.9 }), policy({ maxTemperature: 0.5 }))).toEqual(['E_TEMPERATURE /temperature']);
    expect(codes(manifest({ temperature: 0.5 }), policy({ maxTemperature: 0.5 }))).toEqual([]);
  });

  it('allows a few minutes of clock skew, not more; and enforces max-age', () => {
    const ahead = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
    expect(codes(manifest({ timestamp: ahead(CLOCK_SKEW_MS - 1000) }), policy())).toEqual([]);
    expect(codes(manifest({ timestamp: ahead(CLOCK_SKEW_MS + 1000) }), policy())).toEqual(['E_TIMESTAMP_FUTURE /timestamp']);
    expect(codes(manifest(), policy({ maxAgeMs: 86_400_000 }))).toEqual(['E_MANIFEST_TOO_OLD /timestamp']);
  });
});

describe('judgeTranscript', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  it('finds the model among the transcript models, provider prefixes aside', () => {
    expect(judgeTranscript(manifest(), { models: ['claude-sonnet-4-5-20250929'], digests: [] }, 'm.yaml')).toEqual([]);
    expect(judgeTranscript(manifest(), { models: ['anthropic/claude-sonnet-4-5-20250929'], digests: [] }, 'm.yaml')).toEqual([]);
    const [violation] = judgeTranscript(manifest(), { file: 'summary.json', models: ['gpt-5-codex'], digests: [] }, 'm.yaml');
    expect(violation).toMatchObject({ code: 'E_TRANSCRIPT_MODEL', pointer: '/model', message: expect.stringContaining('summary.json: gpt-5-codex') });
    expect(judgeTranscript(manifest(), { models: [], digests: [] }, 'm.yaml')[0]?.code).toBe('E_TRANSCRIPT_MODEL');
  });

  it('matches transcript_digest against either digest given', () => {
    const m = manifest({ transcript_digest: digest });
    expect(judgeTranscript(m, { digests: [`sha256:${'b'.repeat(64)}`, digest] }, 'm.yaml')).toEqual([]);
    expect(judgeTranscript(m, { digests: [`sha256:${'b'.repeat(64)}`] }, 'm.yaml')[0]).toMatchObject({
      code: 'E_TRANSCRIPT_DIGEST',
      pointer: '/transcript_digest',
    });
    expect(judgeTranscript(m, { digests: [] }, 'm.yaml')).toEqual([]);
  });
});
