import type { Policy } from '../../policy/types.js';
import type { ChangeSet, FileChange, Rule } from '../types.js';
import { Findings, judgedPaths, normalPath, settingIn, shown } from './common.js';

/** The change set against the agent's claimed files, whole: the gate's `unclaimed-files` output lists every one. */
export interface ClaimComparison {
  /** Changed files (head paths) the agent never claimed, in the change set's order. */
  readonly unclaimed: readonly FileChange[];
  /** Claimed paths (normalised) the change does not touch, in the order claimed. */
  readonly notChanged: readonly string[];
  /** Claimed entries that cannot be repository paths (absolute, empty, leaving the repository). */
  readonly unusable: readonly string[];
}

/**
 * Compares a change with the files the agent claims to have changed. A rename is claimed when the
 * agent names either side (it moved the file, whichever name it used); a copy by its new path.
 */
export function compareClaims(changes: ChangeSet, claimedList: readonly string[]): ClaimComparison {
  const claimed = new Set<string>();
  const unusable: string[] = [];
  for (const entry of claimedList) {
    const path = normalPath(entry);
    if (path === undefined) unusable.push(entry);
    else claimed.add(path);
  }
  const changed = new Set<string>();
  const unclaimed: FileChange[] = [];
  for (const file of changes.files) {
    const paths = judgedPaths(file).map((path) => normalPath(path) ?? path);
    for (const path of paths) changed.add(path);
    if (!paths.some((path) => claimed.has(path))) unclaimed.push(file);
  }
  return { unclaimed, notChanged: [...claimed].filter((path) => !changed.has(path)), unusable };
}

/**
 * Intent: the change against what the agent says it touched (capture-transcript's claimed files). A
 * changed file it never claimed is a violation under `require-claimed` (a warning otherwise): it came
 * from somewhere the transcript does not show. A claimed file the change does not hold is a warning:
 * the agent believes it made a change that is not there. Without a claimed list there is nothing to
 * compare, and the rule finds nothing.
 */
export function intentRule(policy: Policy, claimedList: readonly string[] | undefined, policyFile?: string): Rule {
  const setting = settingIn(policyFile);
  const require = policy.scope.requireClaimed;
  return {
    name: 'intent',
    run(ctx) {
      if (claimedList === undefined) return Promise.resolve([]);
      const out = new Findings('intent');
      const { unclaimed, notChanged, unusable } = compareClaims(ctx.changes, claimedList);
      // Said, not dropped: every file would otherwise look unclaimed without a word about why.
      for (const entry of unusable) {
        out.add({
          code: 'claimed-path-unusable',
          severity: 'warn',
          message: `the claimed path ${JSON.stringify(shown(entry))} is not a repository-relative path (absolute, empty or leaving the repository), so it matches no changed file`,
          tier: 'medium',
          decidedBy: 'always: claimed files',
        });
      }
      for (const file of unclaimed) {
        out.add({
          code: 'unclaimed-file',
          severity: require ? 'fail' : 'warn',
          message: `${shown(file.path)} (${file.status}) is in the change, but the agent never claimed to change it`,
          path: file.path,
          tier: require ? 'high' : 'medium',
          decidedBy: setting('scope.require-claimed'),
        });
      }
      for (const path of notChanged) {
        out.add({
          code: 'claimed-not-changed',
          severity: 'warn',
          message: `the agent claimed to change ${shown(path)}, but the change does not touch it`,
          path,
          tier: 'low',
          decidedBy: 'always: claimed files',
        });
      }
      return Promise.resolve(out.done());
    },
  };
}
