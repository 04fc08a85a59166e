import { describe, expect, it } from 'vitest';
import { formatError } from '@agent-gates/core';
import {
  AGENT_INSTRUCTION_PATHS,
  DEFAULT_PROTECTED_GROUPS,
  DEPENDENCY_MANIFEST_PATHS,
  defaultPolicy,
  matchAnyGlob,
  parsePolicy,
} from '@agent-gates/core/policy';

const FILE = '.github/agent-gates.yml';

async function refusal(yaml: string): Promise<string> {
  try {
    await parsePolicy(`version: 1\n${yaml}`, FILE);
  } catch (error) {
    return formatError(error);
  }
  throw new Error('the policy was accepted');
}

describe('scope keys for diff-scope', () => {
  it('default to the documented values', () => {
    const { scope } = defaultPolicy().policy;
    expect(scope).toMatchObject({
      deniedPaths: [],
      maxLinesPerFile: 1000,
      riskTiers: [],
      requireTicket: [],
      forbid: [],
      tests: { allowDeleted: false, allowSkipped: false, allowFewer: false },
      dependencies: { allowDowngrade: false, allowRegistryChange: false },
      allowExecutable: false,
      allowSymlinks: false,
      allowSubmodules: false,
      requireClaimed: true,
    });
  });

  it('normalise from kebab-case, with forbid paths defaulting to every file', async () => {
    const { policy } = await parsePolicy(
      [
        'version: 1',
        'scope:',
        '  denied-paths: ["secrets/**"]',
        '  max-lines-per-file: 400',
        '  risk-tiers:',
        '    - paths: ["db/**"]',
        '      tier: critical',
        '      reason: schema',
        '  require-ticket:',
        '    - paths: ["infra/**/*.tf"]',
        '      pattern: "[A-Z]+-[0-9]+"',
        '  forbid:',
        '    - regex: "child_process"',
        '      message: no subprocesses in generated code',
        '  tests: {allow-deleted: true, allow-skipped: true, allow-fewer: true}',
        '  dependencies: {allow-downgrade: true, allow-registry-change: true}',
        '  allow-executable: true',
        '  allow-symlinks: true',
        '  allow-submodules: true',
        '  require-claimed: false',
        '',
      ].join('\n'),
      FILE,
    );
    expect(policy.scope).toMatchObject({
      deniedPaths: ['secrets/**'],
      maxLinesPerFile: 400,
      riskTiers: [{ paths: ['db/**'], tier: 'critical', reason: 'schema' }],
      requireTicket: [{ paths: ['infra/**/*.tf'], pattern: '[A-Z]+-[0-9]+' }],
      forbid: [{ paths: ['**'], regex: 'child_process', message: 'no subprocesses in generated code' }],
      tests: { allowDeleted: true, allowSkipped: true, allowFewer: true },
      dependencies: { allowDowngrade: true, allowRegistryChange: true },
      allowExecutable: true,
      allowSymlinks: true,
      allowSubmodules: true,
      requireClaimed: false,
    });
    expect(Object.isFrozen(policy.scope.forbid[0])).toBe(true);
  });

  it('keep protectedPaths as the globs of protectedRules, the policy file first and the file own entries last', async () => {
    const { policy } = await parsePolicy('version: 1\nscope:\n  protected-paths: [infra/**]\n', FILE);
    const { protectedPaths, protectedRules } = policy.scope;
    expect(protectedRules[0]).toEqual({ glob: FILE, origin: 'always: the policy file', tier: 'critical' });
    expect(protectedRules.at(-1)).toEqual({ glob: 'infra/**', origin: 'scope.protected-paths[0]', tier: 'high' });
    expect(protectedPaths).toEqual([...new Set(protectedRules.map((r) => r.glob))]);
    for (const glob of [...AGENT_INSTRUCTION_PATHS, ...DEPENDENCY_MANIFEST_PATHS, '.*/**', '**/CODEOWNERS']) expect(protectedPaths).toContain(glob);
    for (const group of DEFAULT_PROTECTED_GROUPS) expect(group.origin).toMatch(/^default: /);
  });

  it('protect what gh-aw protects: manifests by base name anywhere, instruction files, dot-folders', () => {
    const { protectedPaths } = defaultPolicy().policy.scope;
    for (const path of [
      'apps/web/package.json',
      'pnpm-lock.yaml',
      'svc/requirements-test.txt',
      'go.sum',
      'crates/a/Cargo.toml',
      'Gemfile.lock',
      'composer.lock',
      'pom.xml',
      'build.gradle.kts',
      'src/App.csproj',
      'global.json',
      'NuGet.Config',
      'Directory.Packages.props',
      'mix.lock',
      'stack.yaml.lock',
      'deno.lock',
      'bunfig.toml',
      'setup.cfg',
      'gradle.properties',
      'README.md',
      'docs/SECURITY.md',
      'CHANGELOG.md',
      '.githooks/pre-push',
      '.agents/skills/x.md',
    ]) {
      expect(matchAnyGlob(protectedPaths, path), path).toBe(true);
    }
    expect(matchAnyGlob(protectedPaths, 'src/package.ts')).toBe(false);
  });
});

describe('scope globs and regexes are checked when the policy loads', () => {
  it.each([
    ['  denied-paths: ["../outside/**"]\n', '/scope/denied-paths/0 must not contain a .. segment'],
    ['  risk-tiers:\n    - paths: ["src/{a,{b}}"]\n      tier: high\n', '/scope/risk-tiers/0/paths/0 must not nest'],
    ['  require-ticket:\n    - paths: ["infra/["]\n      pattern: "X-1"\n', '/scope/require-ticket/0/paths/0 has a [ without a matching ]'],
    ['  forbid:\n    - paths: ["/abs/**"]\n      regex: "x"\n      message: m\n', '/scope/forbid/0/paths/0 must be relative'],
  ])('refuses the glob in %j', async (yaml, words) => {
    const message = await refusal(`scope:\n${yaml}`);
    expect(message).toMatch(/^E_POLICY: \.github\/agent-gates\.yml:\d+:\d+ /);
    expect(message).toContain(words);
  });

  it('refuses a forbid regex that backtracks without end, quickly', async () => {
    const started = Date.now();
    const message = await refusal('scope:\n  forbid:\n    - regex: "(a+)+$"\n      message: m\n');
    expect(message).toContain('/scope/forbid/0/regex');
    expect(message).toMatch(/^E_POLICY: /);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([
    ['  require-ticket:\n    - paths: [infra/**]\n      pattern: "(\\\\w+\\\\s?)*$"\n', '/scope/require-ticket/0/pattern'],
    ['  require-ticket:\n    - paths: [infra/**]\n      pattern: "[A-Z]*"\n', '/scope/require-ticket/0/pattern matches the empty string'],
    ['  forbid:\n    - regex: "eval("\n      message: m\n', '/scope/forbid/0/regex is not a valid JavaScript regular expression'],
    ['  forbid:\n    - regex: "x"\n      message: "  "\n', '/scope/forbid/0/message must not be blank'],
    ['  risk-tiers:\n    - paths: [a]\n      tier: severe\n', '/scope/risk-tiers/0/tier must be one of: low, medium, high, critical'],
  ])('refuses %j', async (yaml, words) => {
    const message = await refusal(`scope:\n${yaml}`);
    expect(message).toMatch(/^E_POLICY: /);
    expect(message).toContain(words);
  });

  it('refuses a secrets pattern that backtracks without end at load, not when the engine is built', async () => {
    const message = await refusal('secrets:\n  patterns:\n    - id: bad\n      regex: "(x+x+)+y"\n');
    expect(message).toMatch(/^E_POLICY: .*\/secrets\/patterns\/0\/regex/);
  });
});
