/**
 * Binds diff-scope's real readers and rules into the gate (run.ts), so the action, the CLI and the
 * bench make one call. This file compiles once read/, rules/ and content/ are merged; everything it
 * plugs into is tested with fakes in test/unit/diff/.
 */
import { contentRules } from './content/index.js';
import { diffDigest, readApiChanges, readGitChanges, readWorkingTree } from './read/index.js';
import { riskTier, scopeRules } from './rules/index.js';
import { runDiffScopeWith, type DiffScopeParts, type DiffScopeRun, type DiffScopeRunOptions } from './run.js';

export const DIFF_SCOPE_PARTS: DiffScopeParts = {
  readGitChanges,
  readWorkingTree,
  readApiChanges,
  diffDigest,
  rules: (policy, options) => [...scopeRules(policy, options), ...contentRules({ tests: policy.scope.tests, dependencies: policy.scope.dependencies })],
  risk: (findings, changes, policy) => riskTier(findings, changes, policy),
};

/** diff-scope's one core call: read the change, judge it, write the report and SARIF. */
export function runDiffScope(options: DiffScopeRunOptions): Promise<DiffScopeRun> {
  return runDiffScopeWith(DIFF_SCOPE_PARTS, options);
}
