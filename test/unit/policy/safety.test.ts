import { describe, expect, it } from 'vitest';
import { ConfigError, formatError, jsonDigest } from '@agent-gates/core';
import { AGENT_INSTRUCTION_PATHS, MAX_POLICY_BYTES, defaultPolicy, matchAnyGlob, parsePolicy } from '@agent-gates/core/policy';

const FILE = '.github/agent-gates.yml';

async function refusal(text: string): Promise<string> {
  try {
    await parsePolicy(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return formatError(error);
  }
  throw new Error('the policy was accepted');
}

describe('hostile policy files', () => {
  it('refuses a file above 256 KiB before parsing it', async () => {
    const text = `version: 1\n# ${'x'.repeat(MAX_POLICY_BYTES)}\n`;
    expect(await refusal(text)).toBe(`E_TOO_LARGE: ${FILE} is ${Buffer.byteLength(text)} bytes; a policy file may be at most 262144 bytes (256 KiB)`);
  });

  it('counts bytes, not characters, against the cap', async () => {
    const text = `version: 1\n# ${'é'.repeat(MAX_POLICY_BYTES / 2)}\n`;
    expect(await refusal(text)).toMatch(/^E_TOO_LARGE: /);
  });

  it('refuses a billion-laughs expansion quickly, without expanding it', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 30; i += 1)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(',')}]`,
      );
    expect(await refusal(`version: 1\n${levels.join('\n')}\n`)).toMatch(/^E_POLICY: \.github\/agent-gates\.yml:3:\d+ \/l1\/0 uses the alias \*a/);
  });

  it.each([
    ['flow sequences', `version: 1\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`],
    ['flow mappings', `version: 1\nx: ${'{a: '.repeat(50_000)}1${'}'.repeat(50_000)}\n`],
    ['block mappings', `version: 1\n${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`],
  ])('refuses a nesting bomb of %s with a position, not a stack overflow', async (_, text) => {
    expect(await refusal(text)).toMatch(/^E_POLICY: \.github\/agent-gates\.yml:\d+:\d+ is not valid YAML: nesting is deeper than 32 levels$/);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s as a key anywhere and pollutes nothing', async (key) => {
    for (const text of [
      `version: 1\n${key}:\n  polluted: true\n`,
      `version: 1\nscope:\n  ${key}:\n    polluted: true\n`,
      `version: 1\nsecrets:\n  allow:\n    - reason: x\n      paths: [a]\n      ${key}: {polluted: true}\n`,
      `{"version": 1, "${key}": {"polluted": true}}`,
    ]) {
      expect(await refusal(text)).toMatch(new RegExp(`^E_POLICY: \\.github/agent-gates\\.yml:\\d+:\\d+ /\\S*${key} uses the reserved name "${key}"`));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('reports the line and column of a problem deep in the file', async () => {
    const text = ['version: 1', 'scope:', '  max-files: 10', 'routing:', '  require-human-for:', '    - protected-path', '    - made-up-signal'].join('\n');
    expect(await refusal(text)).toMatch(/^E_POLICY: \.github\/agent-gates\.yml:7:7 \/routing\/require-human-for\/1 must be one of: /);
  });
});

describe('defaults', () => {
  it('are the same object a file with only "version: 1" gives, and say where they came from', async () => {
    const defaults = defaultPolicy();
    const minimal = await parsePolicy('version: 1\n', FILE);
    expect(defaults.policy).toEqual(minimal.policy);
    expect(defaults.digest).toBe(minimal.digest);
    expect(defaults.digest).toBe(jsonDigest(defaults.policy));
    expect(defaults.source).toBe('default');
    expect(defaults.file).toBeUndefined();
  });

  it('are safe: agent instructions and the policy protected, secrets fail, unknowns go to a person', () => {
    const { policy } = defaultPolicy();
    for (const file of [
      '.github/workflows/release.yml',
      'CLAUDE.md',
      'packages/api/CLAUDE.md',
      'AGENTS.md',
      '.claude/settings.json',
      '.cursor/rules/style.mdc',
      '.github/copilot-instructions.md',
      '.github/agent-gates.yml',
    ]) {
      expect(matchAnyGlob(policy.scope.protectedPaths, file), file).toBe(true);
    }
    expect(matchAnyGlob(policy.scope.protectedPaths, 'src/index.ts')).toBe(false);
    expect(policy.secrets.failOn).toBe('fail');
    expect(policy.routing.unknown).toBe('human_review');
    expect(policy.routing.requireHumanFor).toContain('protected-path');
    expect(policy.transcript.redact).toBe(true);
    expect(policy.audit.chain).toBe(true);
    for (const glob of AGENT_INSTRUCTION_PATHS) expect(policy.scope.protectedPaths).toContain(glob);
  });

  it('keep the policy file protected even when agent-instruction protection is off', async () => {
    const { policy } = await parsePolicy('version: 1\nscope:\n  protect-agent-instructions: false\n', FILE);
    expect(policy.scope.protectedPaths).toEqual(['.github/agent-gates.yml']);
  });

  it('are frozen, so a gate cannot change what the digest describes', () => {
    const { policy } = defaultPolicy();
    expect(() => {
      (policy.routing as { autoApproveThreshold: number }).autoApproveThreshold = 0;
    }).toThrow(TypeError);
    expect(() => (policy.scope.protectedPaths as string[]).pop()).toThrow(TypeError);
  });

  it('give a digest that ignores key order and formatting in the file', async () => {
    const a = await parsePolicy('version: 1\nrouting: {reject-threshold: 0.2, auto-approve-threshold: 0.8}\n', FILE);
    const b = await parsePolicy('routing:\n  auto-approve-threshold: 0.80\n  reject-threshold: 2e-1\nversion: 1\n', FILE);
    expect(a.digest).toBe(b.digest);
    expect(a.digest).not.toBe(defaultPolicy().digest);
  });
});
