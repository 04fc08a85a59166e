import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { assertOutputPath } from '../files.js';
import { resolveSetting } from '../gate/settings.js';
import type { LoadedPolicy, Policy } from '../policy/types.js';
import { parseClaimedFiles, type ClaimedFiles } from './claimed.js';

export const DIFF_MODES = ['auto', 'git', 'api'] as const;
export type DiffMode = (typeof DIFF_MODES)[number];

/** The action's own inputs, read and typed by action-kit, not yet joined with the event or the policy. */
export interface DiffScopeInputs {
  base?: string;
  head?: string;
  mode: DiffMode;
  workingTree: boolean;
  claimedFiles?: string;
  maxFiles?: number;
  maxLines?: number;
  sarif?: string;
  annotations: boolean;
}

export interface DiffScopeEvent {
  eventName: string;
  payload: unknown;
  workspace: string;
  runnerTemp: string;
  runId: string;
}

/** Everything the run needs, every input checked: nothing is read or written before this succeeds. */
export interface DiffScopePlan {
  /** Which reader runs: `auto` tries local git first and turns to the API only when that cannot work. */
  mode: DiffMode | 'working-tree';
  base: string;
  /** Absent in working-tree mode. */
  head?: string;
  /** Where base and head came from, for the report. */
  refsFrom: string;
  pullRequest?: { number: number; changedFiles?: number; title: string; body: string; headRef: string };
  claimed?: ClaimedFiles;
  /** The policy with the inputs that override it applied (a copy: the loaded one is frozen). */
  policy: Policy;
  settings: Record<string, { value: unknown; from: string }>;
  outputDir: string;
  sarifPath: string;
  annotations: boolean;
  workspace: string;
}

const ZERO_SHA = /^0+$/;
/** A commit SHA or a ref name a user may type: checked again by the reader before git sees it. */
const REF = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/;

const isRef = (value: string) => REF.test(value) && !value.includes('..') && !value.endsWith('.lock') && !value.endsWith('/');

function checkRef(input: 'base' | 'head', value: string): string {
  if (!isRef(value)) {
    throw new ConfigError('E_DIFF_REF', `input "${input}" is ${JSON.stringify(value.slice(0, 80))}, not a commit SHA or ref name`);
  }
  return value;
}

interface EventRefs {
  base?: string;
  head?: string;
  from: string;
  pullRequest?: DiffScopePlan['pullRequest'];
}

/** base/head the event implies: a pull request's base and head SHAs, or a push's before and after. */
export function eventRefs(eventName: string, payload: unknown): EventRefs {
  const p = (payload ?? {}) as Record<string, unknown>;
  const pr = p.pull_request as Record<string, unknown> | undefined;
  if (pr && typeof pr === 'object') {
    const base = (pr.base as { sha?: unknown } | undefined)?.sha;
    const head = pr.head as { sha?: unknown; ref?: unknown } | undefined;
    const number = typeof pr.number === 'number' ? pr.number : undefined;
    return {
      ...(typeof base === 'string' ? { base } : {}),
      ...(typeof head?.sha === 'string' ? { head: head.sha } : {}),
      from: `the ${eventName} event's pull request`,
      ...(number !== undefined
        ? {
            pullRequest: {
              number,
              ...(typeof pr.changed_files === 'number' ? { changedFiles: pr.changed_files } : {}),
              title: typeof pr.title === 'string' ? pr.title : '',
              body: typeof pr.body === 'string' ? pr.body : '',
              headRef: typeof head?.ref === 'string' ? head.ref : '',
            },
          }
        : {}),
    };
  }
  if (eventName === 'push') {
    const before = typeof p.before === 'string' && !ZERO_SHA.test(p.before) ? p.before : undefined;
    const after = typeof p.after === 'string' && !ZERO_SHA.test(p.after) ? p.after : undefined;
    return { ...(before ? { base: before } : {}), ...(after ? { head: after } : {}), from: 'the push event (before and after)' };
  }
  return { from: `the ${eventName || 'unknown'} event, which names no base or head` };
}

/**
 * The commits planDiffScope will compare in local git (`auto` or `git` mode, not the working tree),
 * from the inputs and the event alone, when both are there and well formed; undefined otherwise
 * (planDiffScope then says what is wrong). For starting the read before the policy is loaded.
 */
export function plannedGitRefs(inputs: DiffScopeInputs, event: Pick<DiffScopeEvent, 'eventName' | 'payload'>): { base: string; head: string } | undefined {
  if (inputs.workingTree || inputs.mode === 'api') return undefined;
  const refs = eventRefs(event.eventName, event.payload);
  const base = inputs.base ?? refs.base;
  const head = inputs.head ?? refs.head;
  return base !== undefined && head !== undefined && isRef(base) && isRef(head) ? { base, head } : undefined;
}

/**
 * Joins the inputs with the event and the policy. Every mistake a user can make here is a ConfigError
 * naming the input, raised before anything is read or written.
 */
export function planDiffScope(inputs: DiffScopeInputs, event: DiffScopeEvent, loaded: LoadedPolicy): DiffScopePlan {
  const refs = eventRefs(event.eventName, event.payload);
  const base = inputs.base ?? refs.base;
  if (base === undefined) {
    throw new ConfigError(
      'E_DIFF_REF',
      `input "base" is empty and ${refs.from}${event.eventName === 'push' ? ' has no previous commit (a new branch?)' : ''}: set "base" to the commit to compare with`,
    );
  }
  checkRef('base', base);
  let head: string | undefined;
  if (!inputs.workingTree) {
    head = inputs.head ?? refs.head;
    if (head === undefined) throw new ConfigError('E_DIFF_REF', `input "head" is empty and ${refs.from}: set "head", or "working-tree: true"`);
    checkRef('head', head);
  } else if (inputs.head !== undefined) {
    throw new ConfigError('E_INPUT', 'inputs "head" and "working-tree" exclude each other: the working tree is the head');
  }
  if (inputs.workingTree && inputs.mode === 'api') {
    throw new ConfigError('E_INPUT', 'input "working-tree: true" reads the local checkout and cannot be combined with "mode: api"');
  }
  if (inputs.mode === 'api' && !refs.pullRequest) {
    throw new ConfigError('E_INPUT', `input "mode: api" needs a pull request event; ${refs.from}`);
  }

  const scope = loaded.policy.scope;
  const maxFiles = resolveSetting(inputs.maxFiles, scope.maxFiles);
  const maxLines = resolveSetting(inputs.maxLines, scope.maxLines);
  const policyName = loaded.source === 'default' ? 'default policy' : `${loaded.file ?? 'policy'}`;
  const settings = {
    'max-files': { value: maxFiles, from: inputs.maxFiles !== undefined ? 'input max-files' : `${policyName}: scope.max-files` },
    'max-lines': { value: maxLines, from: inputs.maxLines !== undefined ? 'input max-lines' : `${policyName}: scope.max-lines` },
  };
  const policy: Policy = { ...loaded.policy, scope: { ...scope, maxFiles, maxLines } };

  const claimed = inputs.claimedFiles !== undefined ? parseClaimedFiles(inputs.claimedFiles, event.workspace) : undefined;
  const outputDir = path.join(event.runnerTemp || os.tmpdir(), 'agent-gates', `diff-scope-${event.runId || 'local'}`);
  const sarifPath = inputs.sarif !== undefined ? path.resolve(event.workspace, inputs.sarif) : path.join(outputDir, 'diff-scope.sarif');
  // A path in the checkout could be a link the change committed: refused before any work is done.
  if (inputs.sarif !== undefined) assertOutputPath(event.workspace, sarifPath, 'sarif');
  return {
    mode: inputs.workingTree ? 'working-tree' : inputs.mode,
    base,
    ...(head !== undefined ? { head } : {}),
    refsFrom: inputs.base !== undefined ? 'inputs' : refs.from,
    ...(refs.pullRequest ? { pullRequest: refs.pullRequest } : {}),
    ...(claimed ? { claimed } : {}),
    policy,
    settings,
    outputDir,
    sarifPath,
    annotations: inputs.annotations,
    workspace: event.workspace,
  };
}
