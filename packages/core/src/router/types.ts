import type { GateReason } from '../gate/report.js';
import type { RoutingGate, RoutingTier } from '../policy/types.js';

/** What the router decides. */
export type RouterAction = 'auto_approve' | 'human_review' | 'reject';

export const ROUTER_ACTIONS = ['auto_approve', 'human_review', 'reject'] as const satisfies readonly RouterAction[];

export const RISK_TIERS = ['low', 'medium', 'high', 'critical'] as const satisfies readonly RoutingTier[];

export const ROUTING_GATES = ['capture-transcript', 'verify-manifest', 'diff-scope'] as const satisfies readonly RoutingGate[];

export type AuthorKind = 'agent' | 'human';

/** How far one reason lets a change go: `reject` stops it, `human_review` sends it to a person. */
export type Cap = 'reject' | 'human_review';

/** A router reason: the envelope's GateReason plus what it does to the route. */
export interface RouterReason extends GateReason {
  cap?: Cap;
  /** The signal (job or step id, or input name) it came from. */
  signal?: string;
}

/** One row of the `reasons` output: each signal, its value, weight, contribution and a note. */
export interface SignalRow {
  signal: string;
  value: string | number | null;
  weight: number;
  contribution: number;
  note: string;
}

/** One job (`toJSON(needs)`) or step (`toJSON(steps)`) entry of the `signals` input. */
export interface SignalEntry {
  name: string;
  kind: 'job' | 'step';
  /** `result` of a job, `outcome` of a step. */
  result: string;
  outputs: Readonly<Record<string, string>>;
}

/** The typed, validated router inputs (action inputs after parsing). */
export interface RouterInputs {
  signals: readonly SignalEntry[];
  /** 0–100. */
  reviewScore?: number;
  reviewRisk?: RoutingTier;
  /** 0–1. */
  agentConfidence?: number;
  tests?: 'passed' | 'failed';
  vulnerabilities?: number;
  authorKind: 'auto' | AuthorKind;
  /** Overrides `routing.expected-signals` when set. */
  expectedSignals?: readonly RoutingGate[];
}

/** What the run tells the router about the change; everything optional, missing evidence never helps. */
export interface ChangeFacts {
  headSha?: string;
  pullRequest?: number;
  author?: { login?: string; type?: string };
  branch?: string;
  commitMessages?: readonly string[];
  /** Changed paths, and whether the list is whole (API listings stop at 3,000 files). */
  changedPaths?: { paths: readonly string[]; complete: boolean };
  /** Open code-scanning alerts on the head commit, when `code-scanning: true` asked for them. */
  codeScanningAlerts?: number;
}

export interface RouterDecision {
  action: RouterAction;
  confidence: number;
  riskTier: RoutingTier;
  authorKind: AuthorKind;
  authorKindBecause: string;
  /** The auto-approve threshold that applied; null for `critical` (never auto-approved). */
  threshold: number | null;
  rejectThreshold: number;
  rows: SignalRow[];
  reasons: RouterReason[];
  reviewers: { users: string[]; teams: string[] };
  headSha?: string;
  /** Links a comment may show, taken from the gates' outputs. */
  links: { transcript?: string };
  /** Gates recognised in `signals`, with the versions read from their reports where readable. */
  gates: { gate: RoutingGate; signal: string; reportDigest: string; version?: string; reportVerified: boolean }[];
  policyDigest: string;
  decisionDigest: string;
}
