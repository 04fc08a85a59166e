import { describe, expect, it } from 'vitest';
import { listFindings } from '../../../../packages/core/src/diff/rules/common.js';
import { pathsRule } from '../../../../packages/core/src/diff/rules/index.js';
import { POLICY_FILE, changes, codes, defaults, file, policyOf, run } from './helpers.js';

describe('paths: protected paths', () => {
  it('leaves an ordinary source change alone', async () => {
    expect(await run(pathsRule(defaults(), POLICY_FILE), changes([file('src/index.ts', { lines: ['x'] })]))).toEqual([]);
  });

  it('flags an instruction file edit as critical, naming the default group that decided', async () => {
    const [finding, ...rest] = await run(pathsRule(defaults(), POLICY_FILE), changes([file('packages/api/CLAUDE.md', { lines: ['report nothing'] })]));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      rule: 'paths',
      code: 'protected-path',
      severity: 'warn',
      path: 'packages/api/CLAUDE.md',
      tier: 'critical',
      decidedBy: 'default: agent instructions and CI workflows',
    });
  });

  it('judges a rename under its new path: from an allowed path into a protected one', async () => {
    const policy = await policyOf('scope:\n  allowed-paths: [src/**, docs/**]\n');
    const rename = file('.github/workflows/release.yml', { status: 'renamed', oldPath: 'docs/release.yml', similarity: 100 });
    const found = await run(pathsRule(policy, POLICY_FILE), changes([rename]));
    expect(codes(found)).toEqual(['fail outside-allowed-paths .github/workflows/release.yml', 'warn protected-path .github/workflows/release.yml']);
    expect(found[0]?.decidedBy).toBe('scope.allowed-paths in .github/agent-gates.yml');
    expect(found[0]?.message).toContain('renamed from docs/release.yml');
    expect(found[1]?.tier).toBe('critical');
  });

  it('judges a rename under its old path too, and a copy only under its new one', async () => {
    const rename = file('docs/notes.md', { status: 'renamed', oldPath: 'AGENTS.md' });
    const copy = file('docs/copy.md', { status: 'copied', oldPath: 'CLAUDE.md' });
    const found = await run(pathsRule(defaults(), POLICY_FILE), changes([rename, copy]));
    expect(codes(found)).toEqual(['warn protected-path AGENTS.md']);
    expect(found[0]?.message).toContain('renamed to docs/notes.md');
  });

  it.each([
    '.clinerules',
    '.clinerules/style.md',
    '.windsurfrules',
    '.windsurf/rules/a.md',
    '.roo/rules/a.md',
    '.roomodes',
    '.continue/config.yaml',
    'CONVENTIONS.md',
    '.aider.conf.yml',
    '.github/copilot-instructions.md',
    '.github/instructions/ts.instructions.md',
    '.github/prompts/fix.prompt.md',
    '.github/chatmodes/plan.chatmode.md',
    'GEMINI.md',
    '.gemini/settings.json',
    'web/AGENTS.md',
    '.codex/config.toml',
    '.amazonq/rules/a.md',
    '.junie/guidelines.md',
    '.kiro/steering/a.md',
    '.cursor/rules/a.mdc',
    'app/.cursorrules',
    '.claude/settings.json',
    'CLAUDE.local.md',
    '.mcp.json',
    '.vscode/mcp.json',
    '.goosehints',
    '.github/workflows/ci.yml',
    '.github/actions/setup/action.yml',
  ])('protects the agent instruction file %s as critical', async (path) => {
    const [finding] = await run(pathsRule(defaults()), changes([file(path)]));
    expect(finding).toMatchObject({ code: 'protected-path', severity: 'warn', tier: 'critical', decidedBy: 'default: agent instructions and CI workflows' });
  });

  it.each([
    'package.json',
    'packages/web/package.json',
    'package-lock.json',
    'pnpm-lock.yaml',
    'yarn.lock',
    'bun.lockb',
    'requirements.txt',
    'services/api/requirements-dev.txt',
    'pyproject.toml',
    'poetry.lock',
    'uv.lock',
    'Pipfile',
    'Pipfile.lock',
    'go.mod',
    'tools/go.sum',
    'Cargo.toml',
    'crates/core/Cargo.lock',
    'Gemfile',
    'Gemfile.lock',
    'lib/x.gemspec',
    'composer.json',
    'composer.lock',
    'pom.xml',
    'app/build.gradle',
    'app/build.gradle.kts',
    'src/App/App.csproj',
    'src/App/packages.lock.json',
    'Directory.Packages.props',
    'mix.lock',
    'pubspec.lock',
    'Package.resolved',
    'flake.lock',
  ])('protects the dependency manifest %s by base name anywhere', async (path) => {
    const [finding] = await run(pathsRule(defaults()), changes([file(path)]));
    expect(finding).toMatchObject({ code: 'protected-path', severity: 'warn', tier: 'high', decidedBy: 'default: dependency manifests' });
  });

  it('protects CODEOWNERS anywhere and every top-level dot-folder, but not a nested one', async () => {
    const found = await run(
      pathsRule(defaults()),
      changes([file('docs/CODEOWNERS'), file('.husky/pre-commit'), file('.devcontainer/devcontainer.json'), file('src/.cache/x.json'), file('src/main.go')]),
    );
    expect(found.map((f) => [f.path, f.decidedBy])).toEqual([
      ['docs/CODEOWNERS', 'default: agent instructions and CI workflows'],
      ['.husky/pre-commit', 'default: top-level dot-folders'],
      ['.devcontainer/devcontainer.json', 'default: top-level dot-folders'],
    ]);
  });

  it('makes a change to the policy file a violation, wherever the policy was read from', async () => {
    const found = await run(pathsRule(defaults(), 'config/gates.yml'), changes([file('.github/agent-gates.yml'), file('config/gates.yml')]));
    expect(codes(found)).toEqual(['fail protected-path .github/agent-gates.yml', 'fail protected-path config/gates.yml']);
    for (const finding of found) {
      expect(finding.tier).toBe('critical');
      expect(finding.decidedBy).toMatch(/^always: the policy file/);
    }
  });

  it('names the policy entry that decided for the file own protected-paths, and keeps the policy file when defaults are off', async () => {
    const policy = await policyOf('scope:\n  protect-agent-instructions: false\n  protected-paths: [infra/**, "db/migrations/*.sql"]\n');
    const found = await run(
      pathsRule(policy, POLICY_FILE),
      changes([file('CLAUDE.md'), file('db/migrations/001.sql'), file('.github/agent-gates.yml'), file('package.json')]),
    );
    expect(found.map((f) => [f.path, f.severity, f.decidedBy])).toEqual([
      ['db/migrations/001.sql', 'warn', 'scope.protected-paths[1] in .github/agent-gates.yml'],
      ['.github/agent-gates.yml', 'fail', 'always: the policy file (.github/agent-gates.yml)'],
    ]);
  });
});

describe('paths: allowed and denied paths', () => {
  it('fails a file outside allowed-paths and one matching denied-paths, each naming its setting', async () => {
    const policy = await policyOf('scope:\n  allowed-paths: [src/**]\n  denied-paths: ["**/*.pem", src/secrets/**]\n');
    const found = await run(pathsRule(policy, POLICY_FILE), changes([file('src/ok.ts'), file('lib/x.ts'), file('src/secrets/key.pem', { status: 'deleted' })]));
    expect(found.map((f) => [f.code, f.path, f.decidedBy])).toEqual([
      ['outside-allowed-paths', 'lib/x.ts', 'scope.allowed-paths in .github/agent-gates.yml'],
      ['denied-path', 'src/secrets/key.pem', 'scope.denied-paths[0] in .github/agent-gates.yml'],
    ]);
    expect(found.every((f) => f.severity === 'fail')).toBe(true);
  });

  it('shows a file name with control or bidirectional characters escaped in its message', async () => {
    const policy = await policyOf('scope:\n  allowed-paths: [src/**]\n');
    const [finding] = await run(pathsRule(policy), changes([file('lib/a\u202eexe.ts\nx')]));
    expect(finding?.message).toContain('lib/a\\u{202e}exe.ts\\u{a}x');
    expect(finding?.message).not.toMatch(/[\u202e\n]/);
  });

  it('lists at most 200 findings of one code and counts the rest in a closing finding', async () => {
    const policy = await policyOf('scope:\n  allowed-paths: [src/**]\n');
    const files = Array.from({ length: 250 }, (_, i) => file(`lib/f${i}.ts`));
    const all = await run(pathsRule(policy), changes(files));
    expect(all).toHaveLength(250);
    const found = listFindings(all);
    expect(found).toHaveLength(201);
    expect(found[200]).toMatchObject({ code: 'outside-allowed-paths', severity: 'fail', tier: 'high', decidedBy: 'scope.allowed-paths' });
    expect(found[200]?.message).toMatch(/^50 more outside-allowed-paths findings/);
  });
});
