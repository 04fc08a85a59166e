import { jsonDigest } from '../digest/index.js';
import { DEFAULT_RAW_POLICY } from './default-policy.generated.js';
import type { RiskTier } from '../diff/types.js';
import type { AuditSinkPolicy, LoadedPolicy, Policy, ProtectedPathRule, RawPolicy } from './types.js';

/**
 * What every gate needs when there is no policy file, and the shaping every policy goes through.
 * This module must stay light: it is on every gate's start-up path, while the YAML readers and the
 * schema validator (parse.ts) load only when a policy file exists.
 */

export const DEFAULT_POLICY_PATH = '.github/agent-gates.yml';

/** A policy is a few kilobytes; the cap keeps a hostile file from costing the runner anything. */
export const MAX_POLICY_BYTES = 256 * 1024;

/**
 * Files that steer agents or CI, protected unless `scope.protect-agent-instructions: false`. Agents
 * read their instruction files from sub-folders too, hence the leading `**`. One entry per agent
 * convention: Claude Code, Copilot, Cursor, Windsurf, Cline, Roo, Continue, Aider, Gemini, Codex,
 * Amazon Q, Junie, Kiro, Goose, Zed, and the shared AGENTS.md and MCP server configurations.
 */
export const AGENT_INSTRUCTION_PATHS: readonly string[] = Object.freeze([
  '.github/workflows/**',
  '.github/actions/**',
  '.github/copilot-instructions.md',
  '.github/instructions/**',
  '.github/prompts/**',
  '.github/chatmodes/**',
  '.github/agents/**',
  '.github/skills/**',
  '.github/hooks/**',
  '.github/CODEOWNERS',
  'CODEOWNERS',
  'docs/CODEOWNERS',
  '**/CLAUDE.md',
  '**/CLAUDE.local.md',
  '**/AGENTS.md',
  '**/AGENT.md',
  '**/GEMINI.md',
  '**/.claude/**',
  '**/.cursor/**',
  '**/.cursorrules',
  '**/.cursorignore',
  '**/.windsurf/**',
  '**/.windsurfrules',
  '**/.clinerules',
  '**/.clinerules/**',
  '**/.roo/**',
  '**/.roorules',
  '**/.roomodes',
  '**/.continue/**',
  '**/.continuerules',
  '**/CONVENTIONS.md',
  '**/.aider.conf.yml',
  '**/.aiderignore',
  '**/.gemini/**',
  '**/.codex/**',
  '**/.amazonq/**',
  '**/.junie/**',
  '**/.kiro/**',
  '**/.agents/**',
  '**/.goosehints',
  '**/.rules',
  '**/.mcp.json',
  '**/.vscode/mcp.json',
]);

/**
 * Dependency manifests and lockfiles of every major ecosystem, matched by base name anywhere in the
 * repository (a monorepo has one per package). At least GitHub Agentic Workflows' (gh-aw) list of
 * runtime manifest files, which blocks agent patches touching them: a changed manifest or lockfile is
 * a supply-chain change a person must see.
 */
export const DEPENDENCY_MANIFEST_PATHS: readonly string[] = Object.freeze(
  [
    // JavaScript and TypeScript: npm, pnpm, Yarn, Bun, Deno
    'package.json',
    'package-lock.json',
    'npm-shrinkwrap.json',
    'pnpm-lock.yaml',
    'pnpm-workspace.yaml',
    'yarn.lock',
    '.yarnrc.yml',
    '.yarnrc',
    '.npmrc',
    'bun.lockb',
    'bun.lock',
    'bunfig.toml',
    'deno.json',
    'deno.jsonc',
    'deno.lock',
    // Python: pip, Pipenv, Poetry, uv, PDM, setuptools
    'requirements*.txt',
    'requirements/*.txt',
    'constraints*.txt',
    'Pipfile',
    'Pipfile.lock',
    'pyproject.toml',
    'poetry.lock',
    'uv.lock',
    'pdm.lock',
    'setup.py',
    'setup.cfg',
    // Go
    'go.mod',
    'go.sum',
    'go.work',
    'go.work.sum',
    // Rust
    'Cargo.toml',
    'Cargo.lock',
    'rust-toolchain',
    'rust-toolchain.toml',
    // Ruby
    'Gemfile',
    'Gemfile.lock',
    '*.gemspec',
    // PHP
    'composer.json',
    'composer.lock',
    // Java, Kotlin, Scala: Maven, Gradle, sbt
    'pom.xml',
    'build.gradle',
    'build.gradle.kts',
    'settings.gradle',
    'settings.gradle.kts',
    'gradle.properties',
    'libs.versions.toml',
    'gradle-wrapper.properties',
    'build.sbt',
    // .NET
    '*.csproj',
    '*.fsproj',
    '*.vbproj',
    'packages.lock.json',
    'packages.config',
    'Directory.Packages.props',
    'Directory.Build.props',
    'Directory.Build.targets',
    'global.json',
    'NuGet.Config',
    'nuget.config',
    // Elixir, Haskell, Dart, Swift and Apple platforms
    'mix.exs',
    'mix.lock',
    'stack.yaml',
    'stack.yaml.lock',
    'cabal.project',
    '*.cabal',
    'pubspec.yaml',
    'pubspec.lock',
    'Package.swift',
    'Package.resolved',
    'Podfile',
    'Podfile.lock',
    'Cartfile',
    'Cartfile.resolved',
    // C and C++, Nix, Bazel, toolchain pins
    'conanfile.txt',
    'conanfile.py',
    'vcpkg.json',
    'flake.nix',
    'flake.lock',
    'MODULE.bazel',
    'MODULE.bazel.lock',
    'WORKSPACE',
    'WORKSPACE.bazel',
    '.tool-versions',
    '.nvmrc',
    '.node-version',
    '.python-version',
  ].map((name) => `**/${name}`),
);

/** Files that decide who reviews and how vulnerabilities are reported (gh-aw's security configuration files). */
export const GOVERNANCE_PATHS: readonly string[] = Object.freeze(['**/CODEOWNERS', '**/SECURITY.md']);

/** Documents agents read as context, which gh-aw protects too: rewriting them misleads the next agent or reviewer. */
export const AGENT_CONTEXT_PATHS: readonly string[] = Object.freeze([
  '**/README.md',
  '**/CONTRIBUTING.md',
  '**/CODE_OF_CONDUCT.md',
  '**/CHANGELOG.md',
  '**/DESIGN.md',
]);

/** Build and repository configuration outside dot-folders that runs code or hides changes from review. */
export const CI_CONFIG_PATHS: readonly string[] = Object.freeze([
  '.gitlab-ci.yml',
  'azure-pipelines.yml',
  '**/Jenkinsfile',
  '.pre-commit-config.yaml',
  '.gitattributes',
  '.gitmodules',
  'lefthook.yml',
]);

/** Every top-level folder whose name starts with a dot (`.github/`, `.husky/`, `.devcontainer/`, `.vscode/`…), as gh-aw protects them. */
export const TOP_LEVEL_DOT_FOLDER_PATHS: readonly string[] = Object.freeze(['.*/**']);

/** A group of default protected paths: `origin` is what a finding's `decidedBy` says. */
export interface DefaultProtectedGroup {
  readonly origin: string;
  readonly tier: RiskTier;
  readonly globs: readonly string[];
}

/**
 * The default protected set, in the order a path is judged: the first group that matches decides, so
 * the most specific and most severe come first (`.claude/settings.json` is an agent instruction, not
 * merely a top-level dot-folder).
 */
export const DEFAULT_PROTECTED_GROUPS: readonly DefaultProtectedGroup[] = Object.freeze([
  { origin: 'default: agent instructions and CI workflows', tier: 'critical', globs: AGENT_INSTRUCTION_PATHS },
  { origin: 'default: dependency manifests', tier: 'high', globs: DEPENDENCY_MANIFEST_PATHS },
  { origin: 'default: repository governance', tier: 'high', globs: GOVERNANCE_PATHS },
  { origin: 'default: CI and repository configuration', tier: 'high', globs: CI_CONFIG_PATHS },
  { origin: 'default: top-level dot-folders', tier: 'high', globs: TOP_LEVEL_DOT_FOLDER_PATHS },
  { origin: 'default: documents agents read', tier: 'medium', globs: AGENT_CONTEXT_PATHS },
] satisfies DefaultProtectedGroup[]);

/** `decidedBy` of the policy file's own protection, which no setting removes. */
export const POLICY_FILE_ORIGIN = 'always: the policy file';

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The paths a policy always protects: the default location and wherever this one was read from. */
export function policyPathsFor(policyPath: string | undefined): string[] {
  return unique([DEFAULT_POLICY_PATH, ...(policyPath ? [policyPath] : [])]);
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Every protected glob with where it came from: the policy file first (a change to it is a violation,
 * not a warning), then the default groups (unless `protect-agent-instructions: false`), then the
 * file's own `protected-paths`, so the first rule that matches a path is the one that decided.
 */
function protectedRulesFor(scope: RawPolicy['scope'], policyPaths: readonly string[]): ProtectedPathRule[] {
  const rules: ProtectedPathRule[] = policyPaths.map((glob) => ({ glob, origin: POLICY_FILE_ORIGIN, tier: 'critical' }));
  if (scope['protect-agent-instructions']) {
    for (const group of DEFAULT_PROTECTED_GROUPS) for (const glob of group.globs) rules.push({ glob, origin: group.origin, tier: group.tier });
  }
  scope['protected-paths'].forEach((glob, i) => rules.push({ glob, origin: `scope.protected-paths[${i}]`, tier: 'high' }));
  return rules;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90m`, `36h`, `30d`, `2w` (the schema's pattern for `models.max-age`) in milliseconds. */
export function durationMs(text: string): number {
  return Number(text.slice(0, -1)) * (UNIT_MS[text.slice(-1)] ?? Number.NaN);
}

/** Copies every list, so the returned (frozen) policy shares nothing with `raw`. */
export function toPolicy(raw: RawPolicy, policyPaths: readonly string[]): Policy {
  const { models, signing, scope, secrets, transcript, routing, audit } = raw;
  const protectedRules = protectedRulesFor(scope, policyPaths);
  const policy: Policy = {
    version: 1,
    models: {
      allowed: [...models.allowed],
      denied: [...models.denied],
      requirePinned: models['require-pinned'],
      requireSeed: models['require-seed'],
      ...(models['max-temperature'] !== undefined ? { maxTemperature: models['max-temperature'] } : {}),
      ...(models['max-age'] !== undefined ? { maxAgeMs: durationMs(models['max-age']) } : {}),
    },
    signing: {
      required: signing.required,
      identities: signing.identities.map((identity) =>
        identity.subject !== undefined
          ? { issuer: identity.issuer, subject: identity.subject }
          : { issuer: identity.issuer, subjectRegex: identity['subject-regex'] as string },
      ),
      keys: [...signing.keys],
    },
    scope: {
      allowedPaths: [...scope['allowed-paths']],
      protectedPaths: unique(protectedRules.map((rule) => rule.glob)),
      protectedRules,
      protectAgentInstructions: scope['protect-agent-instructions'],
      maxFiles: scope['max-files'],
      maxLines: scope['max-lines'],
      forbidBinary: scope['forbid-binary'],
      deniedPaths: [...scope['denied-paths']],
      maxLinesPerFile: scope['max-lines-per-file'],
      riskTiers: scope['risk-tiers'].map((entry) => ({
        paths: [...entry.paths],
        tier: entry.tier,
        ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
      })),
      requireTicket: scope['require-ticket'].map((entry) => ({
        paths: [...entry.paths],
        pattern: entry.pattern,
        ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
      })),
      forbid: scope.forbid.map((entry) => ({ paths: [...entry.paths], regex: entry.regex, message: entry.message })),
      tests: {
        allowDeleted: scope.tests['allow-deleted'],
        allowSkipped: scope.tests['allow-skipped'],
        allowFewer: scope.tests['allow-fewer'],
      },
      dependencies: {
        allowDowngrade: scope.dependencies['allow-downgrade'],
        allowRegistryChange: scope.dependencies['allow-registry-change'],
      },
      allowExecutable: scope['allow-executable'],
      allowSymlinks: scope['allow-symlinks'],
      allowSubmodules: scope['allow-submodules'],
      requireClaimed: scope['require-claimed'],
    },
    secrets: {
      failOn: secrets['fail-on'],
      disabledRules: [...secrets['disabled-rules']],
      patterns: secrets.patterns.map((p) => ({ id: p.id, regex: p.regex, ...(p.description !== undefined ? { description: p.description } : {}) })),
      allow: secrets.allow.map((entry) => ({
        ...(entry.paths !== undefined ? { paths: [...entry.paths] } : {}),
        ...(entry.regex !== undefined ? { regex: entry.regex } : {}),
        ...(entry.rules !== undefined ? { rules: [...entry.rules] } : {}),
        reason: entry.reason,
      })),
    },
    transcript: {
      redact: transcript.redact,
      allowedTools: [...transcript['allowed-tools']],
      deniedTools: [...transcript['denied-tools']],
      redactPatterns: [...transcript['redact-patterns']],
      retentionDays: transcript['retention-days'],
      maxBytes: transcript['max-bytes'],
      allowOutsideWorkspace: transcript['allow-outside-workspace'],
    },
    routing: {
      autoApproveThreshold: routing['auto-approve-threshold'],
      rejectThreshold: routing['reject-threshold'],
      thresholds: { ...routing.thresholds },
      agentThresholds: { ...routing['agent-thresholds'] },
      humanThresholds: { ...routing['human-thresholds'] },
      requireHumanFor: [...routing['require-human-for']],
      unknown: routing.unknown,
      expectedSignals: [...routing['expected-signals']],
      onGateFail: { ...routing['on-gate-fail'] },
      weights: {
        gates: routing.weights.gates,
        tests: routing.weights.tests,
        reviewScore: routing.weights['review-score'],
        agentConfidence: routing.weights['agent-confidence'],
        vulnerabilities: routing.weights.vulnerabilities,
      },
      pathTiers: routing['path-tiers'].map((entry) => ({ paths: [...entry.paths], tier: entry.tier })),
      reviewers: routing.reviewers.map((entry) => ({ paths: [...entry.paths], users: [...entry.users], teams: [...entry.teams] })),
      agentAuthors: {
        logins: [...routing['agent-authors'].logins],
        branchPrefixes: [...routing['agent-authors']['branch-prefixes']],
        trailers: [...routing['agent-authors'].trailers],
      },
    },
    audit: {
      sinks: audit.sinks.map((sink): AuditSinkPolicy => {
        const retry = { maxAttempts: sink['max-attempts'], timeoutSeconds: sink['timeout-seconds'] };
        if (sink.type === 'webhook') return { type: 'webhook', url: sink.url as string, format: sink.format, ...retry };
        if (sink.type === 'otlp') return { type: 'otlp', url: sink.url as string, protocol: sink.protocol, ...retry };
        return { type: sink.type };
      }),
      path: audit.path,
      chain: audit.chain,
      retentionDays: audit['retention-days'],
      spool: audit.spool,
    },
  };
  return deepFreeze(policy);
}

export function loaded(policy: Policy, extra: Omit<LoadedPolicy, 'policy' | 'digest'>): LoadedPolicy {
  return Object.freeze({ policy, ...extra, digest: jsonDigest(policy) });
}

/**
 * The policy every gate applies when there is no policy file. The values are the schema's defaults,
 * generated ahead of time (scripts/gen-policy-artifacts.ts) so this path never loads the validator;
 * a unit test holds them equal to what a file with only `version: 1` gives.
 */
export function defaultPolicy(options: { policyPath?: string; ref?: string } = {}): LoadedPolicy {
  const policy = toPolicy(DEFAULT_RAW_POLICY, policyPathsFor(options.policyPath));
  return loaded(policy, { source: 'default', ...(options.ref ? { ref: options.ref } : {}) });
}
