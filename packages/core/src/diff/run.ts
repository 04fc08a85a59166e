import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { canonicalJson, jsonDigest } from '../digest/index.js';
import { ConfigError, isConfigError } from '../errors.js';
import { reportPolicy, type GateRunContext } from '../gate/report.js';
import type { Logger } from '../gate/logger.js';
import type { LoadedPolicy, Policy } from '../policy/types.js';
import { planAnnotations, type PlannedAnnotation } from './annotations.js';
import { judgeDiff, type DiffJudgement } from './judge.js';
import type { DiffScopePlan } from './plan.js';
import { diffScopeDetails, writeDiffScopeReport, writeTextFile, type DiffScopeDetails } from './report.js';
import { toSarif } from './sarif.js';
import type { ChangeSet, ContentSource, FileChange, Finding, LineScan, RiskTier, Rule } from './types.js';

/** Each file with its added lines as the diff streams, and the content source that can already read it. */
export type OnFile = (file: FileChange, content: ContentSource) => void;
/** The number of files, or an estimate of it, before the first file (a hint; see LineScan.expect). */
export type OnRecords = (files: number) => void;

export interface ReadResult {
  changes: ChangeSet;
  content: ContentSource;
}

/**
 * A local git read begun before the policy was loaded (wire.ts: startDiffScope), so git is already
 * diffing while the policy is read. The run uses it when the plan compares the same commits in the
 * same workspace with local git, and disposes of it otherwise.
 */
export interface StartedRead {
  workspace: string;
  base: string;
  head: string;
  /**
   * As DiffScopeParts.readGitChanges with these commits (a commit missing locally is fetched then). It
   * stands in for that part: a run given a started read never calls `parts.readGitChanges`.
   */
  read(callbacks: { onFile?: OnFile; onRecords?: OnRecords }): Promise<ReadResult>;
  /** Stops what was started; once read() was called, only waits for the read's own clean-up (its temporary folders). */
  dispose(): Promise<void>;
}

/**
 * The parts diff-scope is built from, passed in so the gate is tested on plain data and the readers
 * and rules on theirs. packages/core/src/diff/wire.ts binds the real ones (`runDiffScope`). Methods,
 * not function properties: the real readers take narrower option types than `unknown`.
 */
export interface DiffScopeParts {
  /** `onFile`: each file with its added lines as the diff streams; the files returned may then hold none. */
  readGitChanges(options: { workspace: string; base: string; head: string; deepen?: boolean; onFile?: OnFile; onRecords?: OnRecords }): Promise<ReadResult>;
  readWorkingTree(options: { workspace: string; base: string; onFile?: OnFile; onRecords?: OnRecords }): Promise<ReadResult>;
  readApiChanges(options: { pull: unknown; files: unknown; readContent?: unknown }): Promise<ReadResult>;
  diffDigest(changes: ChangeSet): string;
  /** diffDigest fed file by file as a git reader streams (optional: without it the digest is worked out at the end). */
  digestStream?(): { add(file: FileChange): void; digest(changes: ChangeSet): string };
  /** Every rule the policy asks for (scope and content rules). */
  rules(policy: Policy, options: { claimed?: readonly string[]; policyFile?: string; workerEntry?: string }): readonly Rule[];
  /** The risk tier's part that depends on the files alone, fed as a git reader streams (optional: else `risk` reads every file at the end). */
  riskFiles?(policy: Policy): RiskFilesFeed;
  /** `files`: what `riskFiles` returned, fed every file of `changes`. */
  risk(findings: readonly Finding[], changes: ChangeSet, policy: Policy, files?: RiskFilesFeed): { tier: RiskTier; why: readonly string[] };
}

/** What the risk tier gathers from each file, fed as the change streams. */
export interface RiskFilesFeed {
  add(file: FileChange): void;
}

/** The pull request through the REST API (action-kit's Octokit, paginated, retried), as callbacks. */
export interface PullRequestApi {
  pull(): Promise<unknown>;
  files(): Promise<unknown>;
  readContent?: unknown;
}

export interface DiffScopeRunOptions {
  plan: DiffScopePlan;
  policy: LoadedPolicy;
  context: GateRunContext;
  tool: { name: string; version: string };
  /** Present when a token and a pull request are: needed for `mode: api`, and for `auto` without the commits. */
  api?: PullRequestApi;
  log?: Logger;
  /** Cap per annotation level (action-kit's MAX_ANNOTATIONS_PER_LEVEL). */
  annotationsPerLevel?: number;
  now?: () => Date;
  /** The action's worker bundle: a large change's secret scan then runs on a second thread (rules/secrets-thread.ts). */
  workerEntry?: string;
  /** The read begun before the policy was loaded, if one was (the run disposes of it if it does not use it). */
  started?: StartedRead;
}

export interface DiffScopeRun {
  judgement: DiffJudgement;
  details: DiffScopeDetails;
  report: { path: string; digest: string };
  sarif: { path: string; digest: string };
  diffDigest: string;
  /** The reader that ran, and why, when `auto` had to turn to the API. */
  mode: ChangeSet['mode'];
  fallback?: string;
  annotations: PlannedAnnotation[];
  omittedAnnotations: number;
}

interface Streamed {
  read: ReadResult;
  fallback?: string;
  /** The line scans the git readers fed file by file, by rule; absent when the change was read whole (API). */
  scans?: Map<Rule, LineScan>;
  /** The digest the streamed files were fed to, when they were. */
  digest?: { digest(changes: ChangeSet): string };
  /** The risk tier's part the streamed files were fed to, when they were. */
  riskFiles?: RiskFilesFeed;
}

/**
 * Reads the change. The git readers stream it: each file goes through every rule's line scan as soon
 * as the diff has all of it, so its added lines are judged while git is still producing the rest and
 * are not held for the whole change.
 */
async function readChanges(parts: DiffScopeParts, options: DiffScopeRunOptions, rules: readonly Rule[]): Promise<Streamed> {
  const { plan, started } = options;
  const begun =
    started && (plan.mode === 'auto' || plan.mode === 'git') && started.workspace === plan.workspace && started.base === plan.base && started.head === plan.head
      ? started
      : undefined;
  if (started && !begun) await started.dispose();
  const streaming = () => {
    const scans = new Map<Rule, LineScan>();
    for (const rule of rules) if (rule.begin) scans.set(rule, rule.begin());
    const all = [...scans.values()];
    const digest = parts.digestStream?.();
    const riskFiles = parts.riskFiles?.(plan.policy);
    let fed = 0;
    const onFile: OnFile = (file, content) => {
      fed++;
      digest?.add(file);
      riskFiles?.add(file);
      for (const scan of all) scan.file(file, content);
    };
    const onRecords: OnRecords = (files) => {
      for (const scan of all) scan.expect?.(files);
    };
    // A reader that fed no file kept the lines in its change set: the rules run on it whole. One that
    // fed some but not all would leave lines unjudged: never a verdict on that.
    const settle = (read: ReadResult): Streamed => {
      if (fed === 0) {
        void dispose();
        return { read };
      }
      if (fed !== read.changes.files.length) throw new Error(`the diff reader streamed ${fed} files but returned ${read.changes.files.length}`);
      return { read, scans, ...(digest ? { digest } : {}), ...(riskFiles ? { riskFiles } : {}) };
    };
    // Scans given up end what they started (the secret scan's thread), whatever the reason.
    const dispose = async () => {
      for (const scan of all) if (scan.dispose) await scan.dispose();
    };
    return { onFile, onRecords, settle, dispose };
  };
  if (plan.mode === 'working-tree') {
    const { onFile, onRecords, settle, dispose } = streaming();
    try {
      return settle(await parts.readWorkingTree({ workspace: plan.workspace, base: plan.base, onFile, onRecords }));
    } catch (error) {
      await dispose();
      throw error;
    }
  }
  const viaApi = async () => {
    if (!options.api) throw new ConfigError('E_INPUT', 'input "mode" needs the REST API, but there is no pull request or "github-token" to read it with');
    const [pull, files] = await Promise.all([options.api.pull(), options.api.files()]);
    return parts.readApiChanges({ pull, files, ...(options.api.readContent !== undefined ? { readContent: options.api.readContent } : {}) });
  };
  if (plan.mode === 'api') return { read: await viaApi() };
  const head = plan.head!;
  const { onFile, onRecords, settle, dispose } = streaming();
  try {
    return settle(
      await (begun
        ? begun.read({ onFile, onRecords })
        : parts.readGitChanges({ workspace: plan.workspace, base: plan.base, head, deepen: true, onFile, onRecords })),
    );
  } catch (error) {
    await dispose();
    // A fallback reads the change whole through the API; what the git attempt scanned is dropped with its scans.
    // Only "the commits are not here" sends auto mode to the API; a bad ref or a broken git is the user's to see.
    if (plan.mode !== 'auto' || !options.api || !isConfigError(error) || error.code !== 'E_GIT') throw error;
    const fallback = `local git could not read the change (${error.message}); read it through the REST API instead`;
    options.log?.warning(`diff-scope: ${fallback}`);
    return { read: await viaApi(), fallback };
  }
}

/**
 * The gate's one core call: read the change, judge it, and write the report and SARIF. Nothing is
 * written until every step before succeeded, so a failure leaves no partial report behind.
 */
export async function runDiffScopeWith(parts: DiffScopeParts, options: DiffScopeRunOptions): Promise<DiffScopeRun> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const { plan } = options;
  const policyFile = options.policy.source === 'file' ? options.policy.file : undefined;
  // Built before the read (they need only the policy), so the readers can feed them file by file.
  let rules: readonly Rule[];
  try {
    rules = parts.rules(plan.policy, {
      ...(plan.claimed ? { claimed: plan.claimed.files } : {}),
      ...(policyFile !== undefined ? { policyFile } : {}),
      ...(options.workerEntry !== undefined ? { workerEntry: options.workerEntry } : {}),
    });
  } catch (error) {
    await options.started?.dispose();
    throw error;
  }
  const { read, fallback, scans, digest, riskFiles } = await readChanges(parts, options, rules);
  const pr = plan.pullRequest;
  // require-ticket looks in the pull request's title, body and branch too, which only the event knows in git mode.
  const extraMessages = pr && read.changes.mode !== 'api' ? [pr.title, pr.body, pr.headRef].filter((m) => m !== '') : [];
  const changes: ChangeSet = extraMessages.length > 0 ? { ...read.changes, messages: [...read.changes.messages, ...extraMessages] } : read.changes;

  const judging = judgeDiff({
    changes,
    content: read.content,
    rules,
    ...(scans ? { scans } : {}),
    risk: (findings, c) => parts.risk(findings, c, plan.policy, riskFiles),
    ...(plan.claimed ? { claimed: plan.claimed } : {}),
  });
  let diffDigest: string;
  let judgement: DiffJudgement;
  try {
    // Worked out while the rules' last reads and the secret scan's thread finish, not after them.
    diffDigest = digest ? digest.digest(read.changes) : parts.diffDigest(read.changes);
    judgement = await judging;
  } finally {
    // Every rule has settled (judgeDiff waits for all, even when one failed), so none reads any more:
    // the source's reader (git mode: a `git cat-file`) ends here, not when the process does.
    await judging.catch(() => undefined);
    await read.content.close?.();
  }
  const details = diffScopeDetails(judgement, {
    diffDigest,
    settings: { ...plan.settings, mode: { value: changes.mode, from: fallback ?? `input mode: ${plan.mode}` } },
  });
  const policyRecord = reportPolicy(options.policy);

  mkdirSync(plan.outputDir, { recursive: true });
  mkdirSync(path.dirname(plan.sarifPath), { recursive: true });
  const sarifLog = toSarif(judgement.findings, { tool: options.tool, policyFile: policyFile ?? '.github/agent-gates.yml' });
  const sarifDigest = writeTextFile(plan.sarifPath, `${JSON.stringify(sarifLog, null, 2)}\n`);
  const report = writeDiffScopeReport({
    outputDir: plan.outputDir,
    tool: options.tool,
    context: options.context,
    policy: policyRecord,
    startedAt,
    finishedAt: now(),
    judgement,
    details,
    ...(plan.claimed ? { claimedDigest: jsonDigest(plan.claimed.files) } : {}),
  });
  const planned = plan.annotations ? planAnnotations(judgement.findings, options.annotationsPerLevel ?? 10) : { annotations: [], omitted: 0 };
  return {
    judgement,
    details,
    report,
    sarif: { path: plan.sarifPath, digest: sarifDigest },
    diffDigest,
    mode: changes.mode,
    ...(fallback ? { fallback } : {}),
    annotations: planned.annotations,
    omittedAnnotations: planned.omitted,
  };
}

/** The report's judgement without the parts that change from run to run (times, run ids): what the bench and golden tests compare. */
export function stableReport(details: DiffScopeDetails, judgement: Pick<DiffJudgement, 'verdict' | 'reasons'>): string {
  return canonicalJson({ verdict: judgement.verdict, reasons: judgement.reasons, details });
}
