import { jsonDigest } from '../digest/index.js';
import { DEFAULT_RAW_POLICY } from './default-policy.generated.js';
import type { AuditSinkPolicy, LoadedPolicy, Policy, RawPolicy } from './types.js';

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
 * read CLAUDE.md, AGENTS.md and .cursor rules from sub-folders too, hence the leading `**`.
 */
export const AGENT_INSTRUCTION_PATHS: readonly string[] = Object.freeze([
  '.github/workflows/**',
  '.github/actions/**',
  '.github/copilot-instructions.md',
  '.github/instructions/**',
  '.github/prompts/**',
  '.github/CODEOWNERS',
  'CODEOWNERS',
  'docs/CODEOWNERS',
  '**/CLAUDE.md',
  '**/CLAUDE.local.md',
  '**/AGENTS.md',
  '**/GEMINI.md',
  '**/.claude/**',
  '**/.cursor/**',
  '**/.cursorrules',
  '.mcp.json',
  '.gemini/**',
  '.codex/**',
]);

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The paths a policy always protects: the default location and wherever this one was read from. */
export function policyPathsFor(policyPath: string | undefined): string[] {
  return unique([DEFAULT_POLICY_PATH, ...(policyPath ? [policyPath] : [])]);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Copies every list, so the returned (frozen) policy shares nothing with `raw`. */
export function toPolicy(raw: RawPolicy, policyPaths: readonly string[]): Policy {
  const { models, signing, scope, secrets, transcript, routing, audit } = raw;
  const policy: Policy = {
    version: 1,
    models: { allowed: [...models.allowed], denied: [...models.denied], requirePinned: models['require-pinned'] },
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
      protectedPaths: unique([...(scope['protect-agent-instructions'] ? AGENT_INSTRUCTION_PATHS : []), ...policyPaths, ...scope['protected-paths']]),
      protectAgentInstructions: scope['protect-agent-instructions'],
      maxFiles: scope['max-files'],
      maxLines: scope['max-lines'],
      forbidBinary: scope['forbid-binary'],
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
    },
    routing: {
      autoApproveThreshold: routing['auto-approve-threshold'],
      rejectThreshold: routing['reject-threshold'],
      requireHumanFor: [...routing['require-human-for']],
      unknown: routing.unknown,
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
