import { POLICY_FILE_ORIGIN } from '../../policy/defaults.js';
import { normaliseRepoPath } from '../../policy/glob.js';
import type { Policy, ProtectedPathRule } from '../../policy/types.js';
import { runScan, type FileChange, type LineScan, type Rule } from '../types.js';
import { Findings, GlobSet, judgedPaths, normalPath, settingIn, shown } from './common.js';

/**
 * Where a change may go. Each path a change is judged under (a rename's old and new path, a copy's new
 * one) must match `allowed-paths` and no `denied-paths` (both violations), and is checked against the
 * protected set: a protected path is a warning at its group's tier (never auto-approved), except the
 * policy file, whose change is a violation: the base commit's policy judges the change, and a change
 * that rewrites its own rules must not look like it passed them.
 */
export function pathsRule(policy: Policy, policyFile?: string): Rule {
  const scope = policy.scope;
  const setting = settingIn(policyFile);
  const allowAll = scope.allowedPaths.includes('**');
  const allowed = new GlobSet(scope.allowedPaths, (i) => `scope.allowed-paths[${i}]`);
  const denied = new GlobSet(scope.deniedPaths, (i) => `scope.denied-paths[${i}]`);
  const named = policyFile !== undefined ? normaliseRepoPath(policyFile) : undefined;
  // The file the policy was read from is compared as a path, not a glob: its name may hold `[` or `*`.
  const policyRule: ProtectedPathRule | undefined = named !== undefined ? { glob: named, origin: POLICY_FILE_ORIGIN, tier: 'critical' } : undefined;
  const rules = scope.protectedRules;
  const protectedSet = new GlobSet(
    rules.map((rule) => rule.glob),
    (i) => rules[i]?.origin ?? 'scope.protected-paths',
  );

  const decidedBy = (rule: ProtectedPathRule): string => {
    if (rule.origin === POLICY_FILE_ORIGIN) return `${POLICY_FILE_ORIGIN} (${rule.glob})`;
    return rule.origin.startsWith('scope.') ? setting(rule.origin) : rule.origin;
  };
  const how = (file: FileChange, path: string): string => {
    if (file.status === 'renamed' && file.oldPath !== undefined)
      return path === file.oldPath ? ` (renamed to ${shown(file.path)})` : ` (renamed from ${shown(file.oldPath)})`;
    if (file.status === 'copied' && file.oldPath !== undefined) return ` (copied from ${shown(file.oldPath)})`;
    return ` (${file.status})`;
  };

  // Judged file by file as the diff streams (a path needs nothing but its own file), so a large change's
  // paths are matched in the gaps while git produces the rest, not all at once after it.
  const begin = (): LineScan => {
    const out = new Findings('paths');
    return {
      file(file: FileChange) {
        for (const path of judgedPaths(file)) {
          if (!allowAll && !allowed.has(path)) {
            out.add({
              code: 'outside-allowed-paths',
              severity: 'fail',
              message: `${shown(path)}${how(file, path)} is outside the allowed paths`,
              path,
              tier: 'high',
              decidedBy: setting('scope.allowed-paths'),
            });
          }
          const deniedBy = denied.first(path);
          if (deniedBy !== -1) {
            out.add({
              code: 'denied-path',
              severity: 'fail',
              message: `${shown(path)}${how(file, path)} matches denied path ${JSON.stringify(scope.deniedPaths[deniedBy])}`,
              path,
              tier: 'high',
              decidedBy: setting(`scope.denied-paths[${deniedBy}]`),
            });
          }
          const protectedBy = policyRule && normalPath(path) === named ? -2 : protectedSet.first(path);
          if (protectedBy === -1) continue;
          const rule = protectedBy === -2 ? (policyRule as ProtectedPathRule) : (rules[protectedBy] as ProtectedPathRule);
          const isPolicy = rule.origin === POLICY_FILE_ORIGIN;
          out.add({
            code: 'protected-path',
            severity: isPolicy ? 'fail' : 'warn',
            message: isPolicy
              ? `${shown(path)}${how(file, path)} is the policy file: the base commit's policy judges this change, and a change to it needs a person`
              : `${shown(path)}${how(file, path)} is protected (${rule.origin.startsWith('scope.') ? JSON.stringify(rule.glob) : rule.origin.replace(/^default: /, '')}): a person must review it`,
            path,
            tier: rule.tier,
            decidedBy: decidedBy(rule),
          });
        }
      },
      finish: () => Promise.resolve(out.done()),
    };
  };
  return { name: 'paths', begin, run: (ctx) => runScan(begin, ctx) };
}
