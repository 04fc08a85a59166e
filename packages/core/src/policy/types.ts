/**
 * The normalised policy every gate receives: every default applied, keys in camelCase, lists in the
 * order the file gave them. It is frozen, because its digest is recorded in the audit trail and a gate
 * that changed it afterwards would make that record lie; apply action-input overrides to a copy.
 */

import type { RiskTier } from '../diff/types.js';
import type { FailOn } from '../gate/verdict.js';

/** Signals that always send a change to a person (`routing.require-human-for`). */
export type HumanReviewSignal =
  | 'protected-path'
  | 'secret-finding'
  | 'tool-violation'
  | 'scope-violation'
  | 'missing-signal'
  | 'unsigned-manifest'
  | 'unpinned-model'
  | 'binary-file'
  | 'large-change'
  | 'dependency-change';

export interface ModelsPolicy {
  /** Globs over model ids; `*` matches any run of characters. */
  readonly allowed: readonly string[];
  readonly denied: readonly string[];
  readonly requirePinned: boolean;
  readonly requireSeed: boolean;
  /** Absent: no limit. */
  readonly maxTemperature?: number;
  /** Milliseconds; absent: no limit. */
  readonly maxAgeMs?: number;
}

export interface SigningIdentity {
  readonly issuer: string;
  /** Exactly one of subject and subjectRegex is set. */
  readonly subject?: string;
  readonly subjectRegex?: string;
}

export interface SigningPolicy {
  readonly required: boolean;
  readonly identities: readonly SigningIdentity[];
  readonly keys: readonly string[];
}

/** One protected glob and where it came from, so a finding can say which rule decided. */
export interface ProtectedPathRule {
  readonly glob: string;
  /**
   * `always: the policy file`, `default: <group>` (defaults.ts DEFAULT_PROTECTED_GROUPS) or
   * `scope.protected-paths[<i>]` for the file's own entries.
   */
  readonly origin: string;
  /** The risk tier a change to a matching path reaches at least. */
  readonly tier: RiskTier;
}

export interface ScopePolicy {
  readonly allowedPaths: readonly string[];
  /**
   * Every protected glob in effect: the policy file itself (always), the default protected set
   * (unless turned off), then the file's own `protected-paths`. Gates need not know where each came
   * from; `protectedRules` says it, in the same order.
   */
  readonly protectedPaths: readonly string[];
  /** `protectedPaths` with the origin and tier of each glob; the first rule that matches a path decides. */
  readonly protectedRules: readonly ProtectedPathRule[];
  readonly protectAgentInstructions: boolean;
  readonly maxFiles: number;
  readonly maxLines: number;
  readonly forbidBinary: boolean;
  /** Globs no change may touch: always a violation. */
  readonly deniedPaths: readonly string[];
  /** Most changed lines (added plus deleted) in one file: the "sweeping diff" check. */
  readonly maxLinesPerFile: number;
  readonly riskTiers: readonly { readonly paths: readonly string[]; readonly tier: RiskTier; readonly reason?: string }[];
  readonly requireTicket: readonly { readonly paths: readonly string[]; readonly pattern: string; readonly reason?: string }[];
  readonly forbid: readonly { readonly paths: readonly string[]; readonly regex: string; readonly message: string }[];
  readonly tests: { readonly allowDeleted: boolean; readonly allowSkipped: boolean; readonly allowFewer: boolean };
  readonly dependencies: { readonly allowDowngrade: boolean; readonly allowRegistryChange: boolean };
  readonly allowExecutable: boolean;
  readonly allowSymlinks: boolean;
  readonly allowSubmodules: boolean;
  /** Files changed that the agent never claimed are violations (when a claimed list is given). */
  readonly requireClaimed: boolean;
}

export interface SecretPattern {
  readonly id: string;
  readonly regex: string;
  readonly description?: string;
}

export interface SecretAllowance {
  readonly paths?: readonly string[];
  readonly regex?: string;
  readonly rules?: readonly string[];
  readonly reason: string;
}

export interface SecretsPolicy {
  readonly failOn: FailOn;
  readonly disabledRules: readonly string[];
  readonly patterns: readonly SecretPattern[];
  readonly allow: readonly SecretAllowance[];
}

export interface TranscriptPolicy {
  readonly redact: boolean;
  readonly allowedTools: readonly string[];
  readonly deniedTools: readonly string[];
  readonly redactPatterns: readonly string[];
  readonly retentionDays: number;
  readonly maxBytes: number;
  readonly allowOutsideWorkspace: boolean;
}

export type RoutingTier = 'low' | 'medium' | 'high' | 'critical';
export type RoutingGate = 'capture-transcript' | 'verify-manifest' | 'diff-scope';
/** Auto-approve thresholds per tier that can be approved at all (`critical` never is). */
export type TierThresholds = Readonly<Partial<Record<'low' | 'medium' | 'high', number>>>;

export interface RoutingPolicy {
  readonly autoApproveThreshold: number;
  readonly rejectThreshold: number;
  readonly thresholds: TierThresholds;
  readonly agentThresholds: TierThresholds;
  readonly humanThresholds: TierThresholds;
  readonly requireHumanFor: readonly HumanReviewSignal[];
  readonly unknown: 'human_review' | 'reject';
  readonly expectedSignals: readonly RoutingGate[];
  readonly onGateFail: Readonly<Record<RoutingGate, 'reject' | 'human_review'>>;
  readonly weights: Readonly<Record<'gates' | 'tests' | 'reviewScore' | 'agentConfidence' | 'vulnerabilities', number>>;
  readonly pathTiers: readonly { readonly paths: readonly string[]; readonly tier: RoutingTier }[];
  readonly reviewers: readonly { readonly paths: readonly string[]; readonly users: readonly string[]; readonly teams: readonly string[] }[];
  readonly agentAuthors: { readonly logins: readonly string[]; readonly branchPrefixes: readonly string[]; readonly trailers: readonly string[] };
}

/** One place audit events go (policy `audit.sinks`). */
export type AuditSinkPolicy =
  | { readonly type: 'artifact' | 'file' }
  | { readonly type: 'webhook'; readonly url: string; readonly format: 'native' | 'cloudevents'; readonly maxAttempts: number; readonly timeoutSeconds: number }
  | { readonly type: 'otlp'; readonly url: string; readonly protocol: 'protobuf' | 'json'; readonly maxAttempts: number; readonly timeoutSeconds: number };

export interface AuditPolicy {
  readonly sinks: readonly AuditSinkPolicy[];
  readonly path: string;
  readonly chain: boolean;
  readonly retentionDays: number;
  readonly spool: string;
}

export interface Policy {
  readonly version: 1;
  readonly models: ModelsPolicy;
  readonly signing: SigningPolicy;
  readonly scope: ScopePolicy;
  readonly secrets: SecretsPolicy;
  readonly transcript: TranscriptPolicy;
  readonly routing: RoutingPolicy;
  readonly audit: AuditPolicy;
}

export interface LoadedPolicy {
  readonly policy: Policy;
  /** 'default' when there is no policy file (at the base commit, when one was given). */
  readonly source: 'file' | 'default';
  /** The policy file as named in messages; absent for defaults. */
  readonly file?: string;
  /** Full SHA of the commit the policy was read from; absent when it came from the working tree. */
  readonly ref?: string;
  /** `sha256:<hex>` of the canonical JSON of `policy`, the value audit records bind. */
  readonly digest: string;
}

/** The policy as the schema shapes it, kebab-case, after defaults. */
export interface RawPolicy {
  version: 1;
  models: { allowed: string[]; denied: string[]; 'require-pinned': boolean; 'require-seed': boolean; 'max-temperature'?: number; 'max-age'?: string };
  signing: { required: boolean; identities: { issuer: string; subject?: string; 'subject-regex'?: string }[]; keys: string[] };
  scope: {
    'allowed-paths': string[];
    'protected-paths': string[];
    'protect-agent-instructions': boolean;
    'max-files': number;
    'max-lines': number;
    'forbid-binary': boolean;
    'denied-paths': string[];
    'max-lines-per-file': number;
    'risk-tiers': { paths: string[]; tier: RiskTier; reason?: string }[];
    'require-ticket': { paths: string[]; pattern: string; reason?: string }[];
    forbid: { paths: string[]; regex: string; message: string }[];
    tests: { 'allow-deleted': boolean; 'allow-skipped': boolean; 'allow-fewer': boolean };
    dependencies: { 'allow-downgrade': boolean; 'allow-registry-change': boolean };
    'allow-executable': boolean;
    'allow-symlinks': boolean;
    'allow-submodules': boolean;
    'require-claimed': boolean;
  };
  secrets: {
    'fail-on': 'fail' | 'warn' | 'never';
    'disabled-rules': string[];
    patterns: { id: string; regex: string; description?: string }[];
    allow: { paths?: string[]; regex?: string; rules?: string[]; reason: string }[];
  };
  transcript: {
    redact: boolean;
    'allowed-tools': string[];
    'denied-tools': string[];
    'redact-patterns': string[];
    'retention-days': number;
    'max-bytes': number;
    'allow-outside-workspace': boolean;
  };
  routing: {
    'auto-approve-threshold': number;
    'reject-threshold': number;
    thresholds: { low?: number; medium?: number; high?: number };
    'agent-thresholds': { low?: number; medium?: number; high?: number };
    'human-thresholds': { low?: number; medium?: number; high?: number };
    'require-human-for': Policy['routing']['requireHumanFor'][number][];
    unknown: 'human_review' | 'reject';
    'expected-signals': RoutingGate[];
    'on-gate-fail': Record<RoutingGate, 'reject' | 'human_review'>;
    weights: { gates: number; tests: number; 'review-score': number; 'agent-confidence': number; vulnerabilities: number };
    'path-tiers': { paths: string[]; tier: RoutingTier }[];
    reviewers: { paths: string[]; users: string[]; teams: string[] }[];
    'agent-authors': { logins: string[]; 'branch-prefixes': string[]; trailers: string[] };
  };
  audit: {
    sinks: {
      type: 'artifact' | 'file' | 'webhook' | 'otlp';
      url?: string;
      protocol: 'protobuf' | 'json';
      format: 'native' | 'cloudevents';
      'max-attempts': number;
      'timeout-seconds': number;
    }[];
    path: string;
    chain: boolean;
    'retention-days': number;
    spool: string;
  };
}
