import type { Policy } from '../../policy/types.js';
import { compareClaim } from '../claimed.js';
import type { Rule } from '../types.js';
import { Findings, settingIn, shown } from './common.js';

/**
 * Intent: the change against what the agent says it touched (capture-transcript's claimed files). A
 * changed file it never claimed is a violation under `require-claimed` (a warning otherwise): it came
 * from somewhere the transcript does not show. A claimed file the change does not hold is a warning:
 * the agent believes it made a change that is not there. Without a claimed list there is nothing to
 * compare, and the rule finds nothing. Which files are claimed is `compareClaim`'s to say (a rename by
 * either of its paths, a copy by its new one): the report's `claimed` section is the same comparison, so
 * it lists exactly the files these findings name.
 */
export function intentRule(policy: Policy, claimedList: readonly string[] | undefined, policyFile?: string): Rule {
  const setting = settingIn(policyFile);
  const require = policy.scope.requireClaimed;
  return {
    name: 'intent',
    run(ctx) {
      if (claimedList === undefined) return Promise.resolve([]);
      const out = new Findings('intent');
      const { unclaimed, claimedNotChanged, unusable } = compareClaim(ctx.changes, { files: claimedList });
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
          message: `${shown(file.path)} (${file.status}${file.status === 'renamed' && file.oldPath !== undefined ? ` from ${shown(file.oldPath)}` : ''}) is in the change, but the agent never claimed to change it`,
          path: file.path,
          tier: require ? 'high' : 'medium',
          decidedBy: setting('scope.require-claimed'),
        });
      }
      for (const path of claimedNotChanged) {
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
