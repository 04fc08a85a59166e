/**
 * Binds diff-scope's real readers and rules into the gate (run.ts), so the action, the CLI and the
 * bench make one call. This file compiles once read/, rules/ and content/ are merged; everything it
 * plugs into is tested with fakes in test/unit/diff/.
 */
import { contentRules } from './content/index.js';
import { plannedGitRefs, type DiffScopeEvent, type DiffScopeInputs } from './plan.js';
import { diffDigest, DiffDigestStream, readApiChanges, readGitChanges, readWorkingTree, startGitRead } from './read/index.js';
import { riskTier, RiskTierFiles, scopeRules } from './rules/index.js';
import { runDiffScopeWith, type DiffScopeParts, type DiffScopeRun, type DiffScopeRunOptions, type StartedRead } from './run.js';

type PullFilePage = Parameters<typeof readApiChanges>[0]['files'];
type PullInfoShape = Parameters<typeof readApiChanges>[0]['pull'];

/** The pull request as the API reader wants it, from action-kit's getPullInfo or from GitHub's own JSON. */
function pullInfo(pull: unknown): PullInfoShape {
  const p = (pull ?? {}) as Record<string, unknown> & { base?: { sha?: string }; head?: { sha?: string; ref?: string } };
  if (typeof p['baseSha'] === 'string') return p as unknown as PullInfoShape;
  const num = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);
  return {
    number: num(p['number']),
    baseSha: String(p.base?.sha ?? ''),
    headSha: String(p.head?.sha ?? ''),
    changedFiles: num(p['changed_files']),
    additions: num(p['additions']),
    deletions: num(p['deletions']),
    ...(typeof p['title'] === 'string' ? { title: p['title'] } : {}),
    ...(typeof p['body'] === 'string' ? { body: p['body'] } : {}),
    ...(typeof p.head?.ref === 'string' ? { headRef: p.head.ref } : {}),
  };
}

/** Pages of the listing: action-kit's listPullFiles as it is, or an array (one page, or a list of pages). */
function filePages(files: unknown): PullFilePage {
  if (Array.isArray(files)) {
    const pages = (files.length > 0 && files.every((f) => Array.isArray(f)) ? files : [files]) as unknown[];
    return {
      [Symbol.asyncIterator]: () => {
        let i = 0;
        return {
          next: () => Promise.resolve(i < pages.length ? { value: pages[i++] as never, done: false as const } : { value: undefined, done: true as const }),
        };
      },
    } as PullFilePage;
  }
  return files as PullFilePage;
}

export const DIFF_SCOPE_PARTS: DiffScopeParts = {
  readGitChanges,
  readWorkingTree,
  readApiChanges: ({ pull, files, readContent }) =>
    readApiChanges({
      pull: pullInfo(pull),
      files: filePages(files),
      ...(readContent ? { readContent: readContent as (ref: string, path: string) => Promise<Buffer | undefined> } : {}),
    }),
  diffDigest,
  digestStream: () => new DiffDigestStream(),
  rules: (policy, options) => [...scopeRules(policy, options), ...contentRules({ tests: policy.scope.tests, dependencies: policy.scope.dependencies })],
  riskFiles: (policy) => new RiskTierFiles(policy),
  risk: (findings, changes, policy, files) => riskTier(findings, changes, policy, files instanceof RiskTierFiles ? files : undefined),
};

/** diff-scope's one core call: read the change, judge it, write the report and SARIF. */
export function runDiffScope(options: DiffScopeRunOptions): Promise<DiffScopeRun> {
  return runDiffScopeWith(DIFF_SCOPE_PARTS, options);
}

/**
 * Begins reading the change in local git from the inputs and the event alone, before the policy is
 * loaded: git is diffing while the policy is read. Pass it to runDiffScope as `started`, and dispose
 * of it if the run never starts. Undefined when the inputs name no commits to compare in local git.
 */
export function startDiffScope(inputs: DiffScopeInputs, event: Pick<DiffScopeEvent, 'eventName' | 'payload' | 'workspace'>): StartedRead | undefined {
  const refs = plannedGitRefs(inputs, event);
  if (!refs) return undefined;
  return { workspace: event.workspace, ...refs, ...startGitRead({ workspace: event.workspace, ...refs, deepen: true }) };
}
