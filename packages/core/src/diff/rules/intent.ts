import type { Policy } from '../../policy/types.js';
import type { Rule } from '../types.js';
import { Findings, judgedPaths, normalPath, settingIn, shown } from './common.js';

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
      const claimed = new Set<string>();
      for (const entry of claimedList) {
        const path = normalPath(entry);
        if (path !== undefined) {
          claimed.add(path);
          continue;
        }
        // Said, not dropped: every file would otherwise look unclaimed without a word about why.
        out.add({
          code: 'claimed-path-unusable',
          severity: 'warn',
          message: `the claimed path ${JSON.stringify(shown(entry))} is not a repository-relative path (absolute, empty or leaving the repository), so it matches no changed file`,
          tier: 'medium',
          decidedBy: 'always: claimed files',
        });
      }
      const changed = new Set<string>();
      for (const file of ctx.changes.files) {
        const paths = judgedPaths(file).map((path) => normalPath(path) ?? path);
        for (const path of paths) changed.add(path);
        // A rename is claimed when the agent names either side: it moved the file, whichever name it used.
        if (paths.some((path) => claimed.has(path))) continue;
        out.add({
          code: 'unclaimed-file',
          severity: require ? 'fail' : 'warn',
          message: `${shown(file.path)} (${file.status}) is in the change, but the agent never claimed to change it`,
          path: file.path,
          tier: require ? 'high' : 'medium',
          decidedBy: setting('scope.require-claimed'),
        });
      }
      for (const path of claimed) {
        if (changed.has(path)) continue;
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
