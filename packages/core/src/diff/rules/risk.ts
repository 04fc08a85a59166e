import type { Verdict } from '../../gate/verdict.js';
import type { Policy } from '../../policy/types.js';
import type { ChangeSet, Finding, RiskTier } from '../types.js';
import { GlobGroups, higherTier, judgedPaths, shown, tierRank } from './common.js';

const DEFAULT_TIER: Record<Verdict, RiskTier> = { pass: 'low', warn: 'medium', fail: 'high' };

interface Reason {
  tier: RiskTier;
  text: string;
  count: number;
  example?: string;
}

/**
 * The change's risk tier: the highest any finding or `risk-tiers` entry reaches, and a view that may
 * be incomplete is at least `high`. Nothing lowers it: it is a floor the router may raise, never
 * lower. A finding without a tier counts as `high` when it fails and `medium` when it warns. `why`
 * lists every reason above `low`, highest first, one line per rule and setting (with how many files).
 */
export function riskTier(findings: readonly Finding[], changes: ChangeSet, policy: Policy): { tier: RiskTier; why: string[] } {
  let tier: RiskTier = 'low';
  const reasons = new Map<string, Reason>();
  /** `key`: the reason's key when the caller made it already (`${reachedTier}\0${text}`). */
  const note = (reachedTier: RiskTier, text: string, example?: string, key = `${reachedTier}\0${text}`): void => {
    tier = higherTier(tier, reachedTier);
    if (reachedTier === 'low') return;
    const seen = reasons.get(key);
    if (seen) seen.count += 1;
    else reasons.set(key, { tier: reachedTier, text, count: 1, ...(example !== undefined ? { example } : {}) });
  };

  if (!changes.complete) note('high', 'the view of the change may be incomplete');
  for (const finding of findings) {
    const reached = finding.tier ?? DEFAULT_TIER[finding.severity];
    note(reached, `${finding.rule}/${finding.code}${finding.decidedBy ? ` (${finding.decidedBy})` : ''}`, finding.path);
  }
  const entries = policy.scope.riskTiers;
  if (entries.length > 0) {
    const groups = new GlobGroups(
      entries.map((entry) => entry.paths),
      (i, j) => `scope.risk-tiers[${i}].paths[${j}]`,
    );
    // Each entry's line once, not once per file: this runs after everything else, over every file.
    const labels = entries.map((entry, i) => `scope.risk-tiers[${i}]${entry.reason ? `: ${entry.reason}` : ''}`);
    const keys = entries.map((entry, i) => `${entry.tier}\0${labels[i]}`);
    for (const file of changes.files) {
      const paths = judgedPaths(file);
      // matching() gives each entry once per path; only a rename's two paths can repeat one.
      const seen = paths.length > 1 ? new Set<number>() : undefined;
      for (const path of paths) {
        for (const i of groups.matching(path)) {
          if (seen) {
            if (seen.has(i)) continue;
            seen.add(i);
          }
          note(entries[i]!.tier, labels[i]!, path, keys[i]);
        }
      }
    }
  }

  const why = [...reasons.values()]
    .sort((a, b) => tierRank(b.tier) - tierRank(a.tier))
    .map(
      (r) =>
        `${r.tier}: ${r.text}${r.example !== undefined ? ` — ${shown(r.example)}${r.count > 1 ? ` and ${r.count - 1} more` : ''}` : r.count > 1 ? ` (${r.count} times)` : ''}`,
    );
  return { tier, why };
}
