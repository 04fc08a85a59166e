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
  const note = (reachedTier: RiskTier, text: string, example?: string): void => {
    tier = higherTier(tier, reachedTier);
    if (reachedTier === 'low') return;
    const key = `${reachedTier}\0${text}`;
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
    for (const file of changes.files) {
      const seen = new Set<number>();
      for (const path of judgedPaths(file)) {
        for (const i of groups.matching(path)) {
          if (seen.has(i)) continue;
          seen.add(i);
          const entry = entries[i] as (typeof entries)[number];
          note(entry.tier, `scope.risk-tiers[${i}]${entry.reason ? `: ${entry.reason}` : ''}`, path);
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
