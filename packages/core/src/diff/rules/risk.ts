import type { Verdict } from '../../gate/verdict.js';
import type { Policy } from '../../policy/types.js';
import type { ChangeSet, FileChange, Finding, RiskTier } from '../types.js';
import { GlobGroups, higherTier, judgedPaths, shown, tierRank } from './common.js';

const DEFAULT_TIER: Record<Verdict, RiskTier> = { pass: 'low', warn: 'medium', fail: 'high' };

interface Reason {
  tier: RiskTier;
  text: string;
  count: number;
  example?: string;
}

/**
 * The `risk-tiers` entries a change's files reach, fed file by file: as the diff streams (diff-scope's
 * git readers), so the end of the run does not match every path again (30-50 ms on a 20,000-file
 * change, where one core idles), or all at once by riskTier.
 */
export class RiskTierFiles {
  private readonly entries: Policy['scope']['riskTiers'];
  private readonly groups: GlobGroups | undefined;
  private readonly labels: string[];
  private readonly keys: string[];
  /** The reasons reached so far, by key, in the order first reached. */
  readonly reasons = new Map<string, Reason>();
  private readonly seen = new Set<number>();

  constructor(policy: Policy) {
    this.entries = policy.scope.riskTiers;
    this.groups =
      this.entries.length > 0
        ? new GlobGroups(
            this.entries.map((entry) => entry.paths),
            (i, j) => `scope.risk-tiers[${i}].paths[${j}]`,
          )
        : undefined;
    // Each entry's line once, not once per file.
    this.labels = this.entries.map((entry, i) => `scope.risk-tiers[${i}]${entry.reason ? `: ${entry.reason}` : ''}`);
    this.keys = this.entries.map((entry, i) => `${entry.tier}\0${this.labels[i]}`);
  }

  add(file: FileChange): void {
    if (!this.groups) return;
    const paths = judgedPaths(file);
    // matching() gives each entry once per path; only a rename's two paths can repeat one.
    const seen = this.seen;
    seen.clear();
    for (const path of paths) {
      for (const i of this.groups.matching(path)) {
        if (paths.length > 1) {
          if (seen.has(i)) continue;
          seen.add(i);
        }
        const key = this.keys[i]!;
        const reason = this.reasons.get(key);
        if (reason) reason.count += 1;
        else this.reasons.set(key, { tier: this.entries[i]!.tier, text: this.labels[i]!, count: 1, example: path });
      }
    }
  }
}

/**
 * The change's risk tier: the highest any finding or `risk-tiers` entry reaches, and a view that may
 * be incomplete is at least `high`. Nothing lowers it: it is a floor the router may raise, never
 * lower. A finding without a tier counts as `high` when it fails and `medium` when it warns. `why`
 * lists every reason above `low`, highest first, one line per rule and setting (with how many files).
 * `files`: the change's files fed already (as it streamed); else they are fed here.
 */
export function riskTier(findings: readonly Finding[], changes: ChangeSet, policy: Policy, files?: RiskTierFiles): { tier: RiskTier; why: string[] } {
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
  let byPath = files;
  if (!byPath) {
    byPath = new RiskTierFiles(policy);
    for (const file of changes.files) byPath.add(file);
  }
  // After the findings, as if each file's entries were noted one by one then.
  for (const [key, reached] of byPath.reasons) {
    tier = higherTier(tier, reached.tier);
    if (reached.tier === 'low') continue;
    const seen = reasons.get(key);
    if (seen) seen.count += reached.count;
    else reasons.set(key, { ...reached });
  }

  const why = [...reasons.values()]
    .sort((a, b) => tierRank(b.tier) - tierRank(a.tier))
    .map(
      (r) =>
        `${r.tier}: ${r.text}${r.example !== undefined ? ` — ${shown(r.example)}${r.count > 1 ? ` and ${r.count - 1} more` : ''}` : r.count > 1 ? ` (${r.count} times)` : ''}`,
    );
  return { tier, why };
}
