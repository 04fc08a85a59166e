/**
 * The normalised policy every gate receives: every default applied, keys in camelCase, lists in the
 * order the file gave them. It is frozen, because its digest is recorded in the audit trail and a gate
 * that changed it afterwards would make that record lie; apply action-input overrides to a copy.
 */

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

export interface ScopePolicy {
  readonly allowedPaths: readonly string[];
  /**
   * Every protected glob in effect: the agent-instruction paths (unless turned off), the policy file
   * itself (always), then the file's own `protected-paths`. Gates need not know where each came from.
   */
  readonly protectedPaths: readonly string[];
  readonly protectAgentInstructions: boolean;
  readonly maxFiles: number;
  readonly maxLines: number;
  readonly forbidBinary: boolean;
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
}

export interface RoutingPolicy {
  readonly autoApproveThreshold: number;
  readonly rejectThreshold: number;
  readonly requireHumanFor: readonly HumanReviewSignal[];
  readonly unknown: 'human_review' | 'reject';
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
  models: { allowed: string[]; denied: string[]; 'require-pinned': boolean };
  signing: { required: boolean; identities: { issuer: string; subject?: string; 'subject-regex'?: string }[]; keys: string[] };
  scope: {
    'allowed-paths': string[];
    'protected-paths': string[];
    'protect-agent-instructions': boolean;
    'max-files': number;
    'max-lines': number;
    'forbid-binary': boolean;
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
  };
  routing: {
    'auto-approve-threshold': number;
    'reject-threshold': number;
    'require-human-for': Policy['routing']['requireHumanFor'][number][];
    unknown: 'human_review' | 'reject';
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
