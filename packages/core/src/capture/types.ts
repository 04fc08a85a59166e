import type { GateReason, GateRunContext, ReportPolicy } from '../gate/report.js';
import type { Verdict } from '../gate/verdict.js';
import type { ModelsPolicy, SecretsPolicy } from '../policy/types.js';
import type { SecretFinding } from '../secrets/index.js';
import type { TranscriptFormat, TranscriptSummary } from '../transcript/index.js';

export interface ToolViolation {
  tool: string;
  argument?: string;
  /** Why it is a violation: the deny rule that matched, or that no allow rule did. */
  rule: string;
  record: number;
}

/** The run a capture belongs to, and the tool that made it, as capture.json records them. */
export interface CaptureContext extends GateRunContext {
  toolName: string;
  toolVersion: string;
}

export interface CaptureOptions {
  /** Absolute path of the transcript (already resolved). */
  source: string;
  workspace: string;
  format: TranscriptFormat | 'auto';
  /**
   * A transcript in no supported format is stored anyway (redacted as text line by line, hashed,
   * `format: unknown`, verdict warn) instead of failing with E_FORMAT. A forced format never is.
   */
  storeUnknown?: boolean;
  redact: boolean;
  maskValues: readonly string[];
  redactPatterns: readonly string[];
  /**
   * The policy's `secrets` section, which governs the transcript too: its patterns are extra rules,
   * disabled rules do not run, and `allow` entries with a regex accept matching findings.
   */
  secrets?: Pick<SecretsPolicy, 'patterns' | 'disabledRules' | 'allow'>;
  /** The policy's `models` section: every model the transcript names is judged against it. */
  models?: ModelsPolicy;
  /** Claude Code permission patterns; `*` allows every tool, an empty list allows none. */
  allowedTools: readonly string[];
  /** Deny rules win over allow rules, and are checked against each part of a chained command. */
  deniedTools: readonly string[];
  /** A write outside the workspace (the home directory, /etc) fails the gate unless this is true. */
  allowWritesOutsideWorkspace?: boolean;
  /** Directory that receives the redacted transcript, summary.json and capture.json. */
  outputDir: string;
  /** HMAC key for secret fingerprints; a random per-run key when absent. */
  fingerprintKey?: string;
  /** Largest transcript accepted (policy transcript.max-bytes); larger fails, never truncated. */
  maxBytes?: number;
  /** Largest transcript accepted for a single-JSON format, which must be read whole. */
  maxDocumentBytes?: number;
  policy: ReportPolicy;
  context: CaptureContext;
  /**
   * A script that serves redaction when started as a worker (see worker.ts); large line-oriented
   * transcripts are then redacted on a second thread. Without it everything runs inline.
   */
  workerEntry?: string;
  /** Called with each secret value found, so the runtime can mask it; the value is never stored. */
  onSecret?: (value: string) => void;
  now?: () => Date;
}

/** What capture reports of a transcript: the reader's summary, or an empty one of `format: unknown` for a transcript kept unread. */
export type CaptureSummary = Omit<TranscriptSummary, 'format'> & { format: TranscriptFormat | 'unknown' };

export interface CaptureResult {
  verdict: Verdict;
  /** Each reason's message, in the order they were found. */
  reasons: string[];
  /** The same reasons with their codes and severities, as capture.json records them. */
  gateReasons: GateReason[];
  format: TranscriptFormat | 'unknown';
  summary: CaptureSummary;
  filesTouched: string[];
  /** Paths written outside the workspace, home directory shown as `~`. */
  outsideWorkspace: string[];
  violations: ToolViolation[];
  findings: Array<Pick<SecretFinding, 'ruleId' | 'fingerprint' | 'line'>>;
  redactions: number;
  sourceDigest: string;
  transcriptDigest: string;
  summaryDigest: string;
  captureDigest: string;
  transcriptFile: string;
  /** Subagent transcripts stored beside the session (`transcript/<session>/subagents/agent-<id>.jsonl`); upload them with it. */
  subagentFiles: string[];
  summaryFile: string;
  captureFile: string;
  /** False when redact is off and a secret was found: the file must not leave the runner. */
  uploadable: boolean;
  /** Redaction ran on a second thread (large line-oriented transcripts). */
  redactedOnWorker: boolean;
}
