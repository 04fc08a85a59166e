import { ConfigError, errorMessage } from '@agent-gates/core';
import { FAIL_ON_VALUES, failsStep, type FailOn, type GateReason, type Logger, type Verdict } from '@agent-gates/core/gate';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { applyPolicyFloor, loadPolicy, MAX_POLICY_BYTES, parsePolicy, resolvePolicyBase, type PullRequestRef } from '@agent-gates/core/policy';
import { commitOf } from '@agent-gates/core/git';
import type { LoadedPolicy } from '@agent-gates/core/policy';
import { createActionsLogger } from './annotations.js';
import { readEventPayload, readRunContext, type RunContext } from './context.js';
import { InputReader, type ActionSpec } from './inputs.js';
import { maskSecrets } from './mask.js';
import { createGitHubClient } from './octokit.js';
import { OutputSet } from './outputs.js';
import { SummaryBuilder, writeStepSummary } from './summary.js';

/** The inputs every gate declares with the same name, description and default (test/unit/actions/action-yml.test.ts). */
export const SHARED_INPUTS = ['policy', 'policy-floor', 'fail-on', 'summary', 'github-token'] as const;
/** The outputs every gate writes. */
export const SHARED_OUTPUTS = ['verdict', 'report', 'report-digest'] as const;

export interface CommonInputs {
  /** Repository-relative path of the policy file. */
  policy: string;
  /** A central policy that is a floor (see applyPolicyFloor): absolute, or workspace-relative read like `policy`. */
  policyFloor?: string;
  failOn: FailOn;
  summary: boolean;
  githubToken?: string;
}

type SharedInputName = (typeof SHARED_INPUTS)[number];
type SharedOutputName = (typeof SHARED_OUTPUTS)[number];
type GateSpec = ActionSpec & { inputs: Record<SharedInputName, unknown>; outputs: Record<SharedOutputName, unknown> };
type OutputOf<S extends ActionSpec> = keyof S['outputs'] & string;

/** What a gate's body gets: its own inputs, the run, and the policy read from the change's base. */
export interface GateContext<I, T = undefined> {
  inputs: I;
  common: CommonInputs;
  context: RunContext;
  policy: LoadedPolicy;
  log: Logger;
  tool: { name: string; version: string };
  /** What the gate's `start` began before the policy was loaded, if it began anything. */
  started?: T;
}

/** Work a gate begins before its policy is loaded; disposed of when the run ends, used or not. */
export interface StartedWork {
  dispose(): Promise<void>;
}

/** What a gate's body returns; the skeleton writes the shared outputs, the summary and the step result. */
export interface GateOutcome<O extends string> {
  verdict: Verdict;
  reasons: readonly GateReason[];
  /** The gate report written (GateReport envelope): its path and `sha256:` digest. */
  report: { path: string; digest: string };
  /** The gate's own outputs; `verdict`, `report` and `report-digest` are added by the skeleton. */
  outputs: OutputSet<O>;
  /** The gate's own part of the step summary, after the verdict and the reasons table. */
  details?: (summary: SummaryBuilder) => void;
  /** One line for the log once the gate is done. */
  logLine?: string;
  /**
   * File and line annotations, most severe first, already cut to GitHub's limits per level; `omitted`
   * findings past them are said to be in `elsewhere` (e.g. "the report and the SARIF file").
   */
  annotations?: { list: readonly GateAnnotation[]; omitted: number; elsewhere: string };
}

export interface GateAnnotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title: string;
  file?: string;
  line?: number;
}

export interface GateDefinition<S extends GateSpec, I, T extends StartedWork = StartedWork> {
  /** The action's generated spec (src/action-spec.generated.ts). */
  spec: S;
  /** The gate's name, as in `actions/<gate>`; titles the summary and names the tool in reports. */
  gate: string;
  /** Reads the gate's own inputs; every input is read here, once, before anything runs. */
  inputs: (input: InputReader<S>) => I;
  /** Values to mask before anything else can print (secrets passed as inputs). */
  secrets?: (inputs: I) => Iterable<string>;
  /**
   * When the event belongs to a change whose base cannot be found (an `issue_comment` on a pull
   * request without API access): `fail` (default) refuses to run rather than read the change's own
   * policy; `working-tree` is for a gate that judges nothing the change controls.
   */
  missingPolicyBase?: 'fail' | 'working-tree';
  /**
   * Begins work that needs only the inputs and the event (diff-scope starts git diffing), so it runs
   * while the policy is read from git. It must not write anything the run's outputs would show, nor
   * throw: a problem it meets is the run's to report, in the order the run meets it.
   */
  start?: (args: { inputs: I; context: RunContext; payload: unknown }) => T | undefined;
  run: (gate: GateContext<I, T>) => Promise<GateOutcome<OutputOf<S>>>;
}

export function readCommonInputs<S extends GateSpec>(input: InputReader<S>): CommonInputs {
  const token = input.optional('github-token');
  const floor = input.optional('policy-floor');
  return {
    policy: input.string('policy'),
    ...(floor ? { policyFloor: floor } : {}),
    failOn: input.oneOf('fail-on', FAIL_ON_VALUES),
    summary: input.boolean('summary'),
    ...(token ? { githubToken: token } : {}),
  };
}

/**
 * Loads the policy that judges this run from the change's base (resolvePolicyBase), looking the
 * pull request up through the REST API for an `issue_comment` on one. The pull request found that
 * way is added to the context, so reports name it as they do on `pull_request`.
 */
export async function loadGatePolicy(options: {
  context: RunContext;
  payload: unknown;
  path: string;
  /** A central policy the repository's may only tighten. */
  floor?: string;
  token?: string;
  missingBase?: 'fail' | 'working-tree';
  log?: Logger;
}): Promise<LoadedPolicy> {
  const { context } = options;
  const [owner, repo] = context.repository.split('/');
  const token = options.token;
  const fetchPullRequest =
    token && owner && repo
      ? async (number: number): Promise<PullRequestRef> => {
          const client = await createGitHubClient({ token, ...(options.log ? { log: options.log } : {}) });
          const { data } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner, repo, pull_number: number });
          const pr = data as { number?: number; base?: { sha?: string }; head?: { sha?: string } };
          return { number, baseSha: String(pr.base?.sha ?? ''), headSha: String(pr.head?.sha ?? '') };
        }
      : undefined;
  const missingBase = options.missingBase ?? 'fail';
  let base = await resolvePolicyBase(context.eventName, options.payload, {
    ...(fetchPullRequest ? { fetchPullRequest } : {}),
    missingBase,
    triggerSha: context.sha,
  });
  // The run's own commit must be in the checkout to read the policy there. A workspace made into a
  // repository of its own (a fixture committed by an earlier step) has not got it: its HEAD commit is
  // read instead, from git, and the log says so. Only with no commit at all is the working tree left,
  // and that may hold what an earlier step wrote.
  if (base.atTrigger && base.baseRef && (await commitOf(context.workspace, base.baseRef)) === undefined) {
    const head = await commitOf(context.workspace, 'HEAD');
    if (head) {
      options.log?.warning(
        `the commit this run started on (${base.baseRef.slice(0, 12)}) is not in the checkout: the policy is read at its HEAD commit ${head.slice(0, 12)} instead`,
      );
      base = { baseRef: head, origin: `HEAD commit of the checkout (the run's commit ${base.baseRef.slice(0, 12)} is not in it)` };
    } else if (missingBase === 'working-tree') {
      base = { origin: `working tree (the run's commit ${base.baseRef.slice(0, 12)} is not in the checkout, which has no commit)` };
    } else {
      throw new ConfigError(
        'E_POLICY',
        `the commit this run started on (${base.baseRef}) is not in ${context.workspace}, which has no commit at all, so the policy cannot be read from git, and the working tree may hold what an earlier step wrote: check the repository out (actions/checkout) before this step`,
      );
    }
  }
  if (base.pullRequest && !context.pullRequest) context.pullRequest = { ...base.pullRequest, baseRef: '', headRef: '' };
  options.log?.debug(`policy read from the ${base.origin}`);
  const baseRef = base.baseRef ? { baseRef: base.baseRef } : {};
  const local = await loadPolicy({ workspace: context.workspace, path: options.path, ...baseRef });
  if (!options.floor) return local;
  // A floor outside the workspace (a central repository checked out under runner.temp) is read as it
  // is; one inside is read like the policy, from the base, so the change cannot edit it.
  const floor = path.isAbsolute(options.floor)
    ? await parsePolicy(await readPolicyFile(options.floor), options.floor)
    : await loadPolicy({ workspace: context.workspace, path: options.floor, ...baseRef });
  return applyPolicyFloor(floor, local);
}

async function readPolicyFile(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new ConfigError('E_POLICY', `policy-floor ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (bytes.length > MAX_POLICY_BYTES)
    throw new ConfigError('E_TOO_LARGE', `policy-floor ${file} is ${bytes.length} bytes; a policy file may be at most ${MAX_POLICY_BYTES}`);
  return bytes.toString('utf8');
}

/** The gate's `start`, where it has one; one that throws has begun nothing, and the run does all the work. */
function startWork<I, T extends StartedWork>(
  definition: Pick<GateDefinition<GateSpec, I, T>, 'start' | 'gate'>,
  args: { inputs: I; context: RunContext; payload: unknown },
  log: Logger,
): T | undefined {
  try {
    return definition.start?.(args);
  } catch (error) {
    log.debug(`${definition.gate}: nothing begun before the policy was read: ${errorMessage(error)}`);
    return undefined;
  }
}

const ICON: Record<Verdict, string> = { pass: '✅', warn: '⚠️', fail: '❌' };

/** The summary every gate shares: title and verdict, the reasons table, then the gate's own details. */
export function renderGateSummary(gate: string, outcome: Pick<GateOutcome<string>, 'verdict' | 'reasons' | 'details'>): string {
  const b = new SummaryBuilder();
  b.raw(`## ${ICON[outcome.verdict]} ${gate}: ${outcome.verdict}\n`);
  if (outcome.reasons.length > 0) {
    b.table(
      ['severity', 'check', 'reason'],
      outcome.reasons.map((r) => [r.severity, r.code, r.message]),
    );
  }
  outcome.details?.(b);
  return b.render();
}

/**
 * The skeleton every gate's main.ts is built on: inputs, run context, policy from the change's
 * base, the gate's body, then `verdict`, `report` and `report-digest`, the step summary, and
 * `fail-on`. Pass the result to run() in src/index.ts.
 */
export function defineGate<S extends GateSpec, I, T extends StartedWork = StartedWork>(definition: GateDefinition<S, I, T>): () => Promise<void> {
  return async () => {
    const input = new InputReader(definition.spec);
    const common = readCommonInputs(input);
    const inputs = definition.inputs(input);
    // Before anything else can print: a secret passed as an input must never reach the log, even in an error.
    if (definition.secrets) maskSecrets(definition.secrets(inputs));
    const log = createActionsLogger();
    const context = readRunContext();
    const payload = readEventPayload();
    const started = startWork(definition, { inputs, context, payload }, log);
    let outcome: GateOutcome<OutputOf<S>>;
    try {
      const policy = await loadGatePolicy({
        context,
        payload,
        path: common.policy,
        ...(common.policyFloor ? { floor: common.policyFloor } : {}),
        ...(common.githubToken ? { token: common.githubToken } : {}),
        ...(definition.missingPolicyBase ? { missingBase: definition.missingPolicyBase } : {}),
        log,
      });
      const tool = { name: `agent-gates/${definition.gate}`, version: definition.spec.version };
      outcome = await definition.run({ inputs, common, context, policy, log, tool, ...(started ? { started } : {}) });
    } finally {
      // Never in place of the run's outcome or its error: work begun early is only ever an optimisation.
      await started
        ?.dispose()
        .catch((error: unknown) => log.warning(`${definition.gate}: stopping work begun before the policy was read failed: ${errorMessage(error)}`));
    }
    if (outcome.annotations) {
      const { list, omitted, elsewhere } = outcome.annotations;
      for (const a of list)
        log[a.level](a.message, { title: a.title, ...(a.file !== undefined ? { file: a.file } : {}), ...(a.line !== undefined ? { startLine: a.line } : {}) });
      if (omitted > 0) log.info(`${definition.gate}: ${omitted} more findings are in ${elsewhere}, beyond GitHub's annotation limits.`);
    }

    outcome.outputs.set('verdict', outcome.verdict).set('report', outcome.report.path).set('report-digest', outcome.report.digest).commit();
    for (const cut of outcome.outputs.truncated()) {
      log.warning(`Output "${cut.name}" lists ${cut.kept} of ${cut.total} items to stay under GitHub's job output limit; the report has them all.`);
    }
    if (common.summary) writeStepSummary(renderGateSummary(definition.gate, outcome));
    if (outcome.logLine) log.info(outcome.logLine);
    if (failsStep(outcome.verdict, common.failOn)) {
      throw new ConfigError('E_VERDICT', `${definition.gate} verdict is ${outcome.verdict}: ${outcome.reasons.map((r) => r.message).join('; ')}`);
    }
  };
}
