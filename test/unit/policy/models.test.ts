import { describe, expect, it } from 'vitest';
import { isPinnedModel, judgeModel, matchModelGlob, restrictsModels } from '../../../packages/core/src/policy/models.js';
import { defaultPolicy } from '../../../packages/core/src/policy/index.js';
import type { ModelsPolicy } from '../../../packages/core/src/policy/types.js';

const policy = (overrides: Partial<ModelsPolicy>): ModelsPolicy => ({ allowed: ['*'], denied: [], requirePinned: true, requireSeed: false, ...overrides });

describe('models policy', () => {
  it('tells dated snapshots from moving aliases', () => {
    for (const id of [
      'claude-sonnet-4-5-20250929',
      'gpt-4o-2024-08-06',
      'claude-3-5-sonnet@20240620',
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'gemini-1.5-pro-002',
    ])
      expect(isPinnedModel(id), id).toBe(true);
    for (const id of ['claude-sonnet-4-5', 'gpt-5-codex', 'claude-3-5-sonnet-latest', 'gemini-2.5-pro', 'o3', 'gpt-4o-latest-20240101', 'model-20251399'])
      expect(isPinnedModel(id), id).toBe(false);
  });

  it('matches globs over the whole id, across provider prefixes and case', () => {
    expect(matchModelGlob('claude-sonnet-4-5-*', 'claude-sonnet-4-5-20250929')).toBe(true);
    expect(matchModelGlob('claude-sonnet-4-5-*', 'claude-sonnet-4-5')).toBe(false);
    expect(matchModelGlob('gpt-4o*', 'openrouter/openai/GPT-4o-mini')).toBe(true);
    expect(matchModelGlob('gpt-4o', 'gpt-4o-mini')).toBe(false);
    expect(matchModelGlob('claude.*', 'claude-x')).toBe(false); // `.` is literal, not a regex
  });

  it('denies before it allows, and allows only what a glob names', () => {
    const p = policy({ allowed: ['claude-*'], denied: ['claude-3-opus*'] });
    expect(judgeModel(p, 'claude-3-opus-20240229')).toMatchObject({ allowed: false, reason: 'denied', rule: 'claude-3-opus*' });
    expect(judgeModel(p, 'gpt-5-codex')).toMatchObject({ allowed: false, reason: 'not-allowed' });
    expect(judgeModel(p, 'claude-sonnet-4-5-20250929')).toEqual({ model: 'claude-sonnet-4-5-20250929', allowed: true, pinned: true });
    expect(judgeModel(policy({ allowed: [] }), 'anything')).toMatchObject({ allowed: false, reason: 'not-allowed' });
  });

  it('says whether a section restricts models at all; the default does not', () => {
    expect(restrictsModels(defaultPolicy().policy.models)).toBe(false);
    expect(restrictsModels(policy({ denied: ['gpt-3*'] }))).toBe(true);
    expect(restrictsModels(policy({ allowed: ['claude-*'] }))).toBe(true);
  });
});
