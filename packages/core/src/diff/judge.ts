import type { GateReason } from '../gate/report.js';
import { worstVerdict, type Verdict } from '../gate/verdict.js';
import { compareClaim, type ClaimComparison, type ClaimedFiles } from './claimed.js';
import { listFindings, tierRank } from './rules/common.js';
import { RISK_TIERS, type ChangeSet, type ContentSource, type Finding, type LineScan, type RiskTier, type Rule } from './types.js';

/** The risk grader: a deterministic floor from the findings and the change (rules' `riskTier`). */
export type RiskGrader = (findings: readonly Finding[], changes: ChangeSet) => { tier: RiskTier; why: readonly string[] };

export interface JudgeInput {
  readonly changes: ChangeSet;
  readonly content: ContentSource;
  readonly rules: readonly Rule[];
  /**
   * Line scans the reader already fed every file of `changes` (with their added lines), by rule: those
   * rules finish their scan instead of running, since `changes` may no longer hold the lines.
   */
  readonly scans?: ReadonlyMap<Rule, LineScan>;
  readonly risk: RiskGrader;
  /** What the agent claimed to change; absent when `claimed-files` was not given. */
  readonly claimed?: ClaimedFiles;
}

export interface DiffCounts {
  readonly files: number;
  readonly added: number;
  readonly deleted: number;
  readonly binary: number;
  readonly byStatus: Readonly<Record<string, number>>;
}

export interface DiffJudgement {
  readonly verdict: Verdict;
  readonly reasons: GateReason[];
  /**
   * The findings listed (report, SARIF, annotations), in rule order then in the order each rule gave
   * them: at most MAX_FINDINGS_PER_CODE of each rule and code, the most severe first, and one closing
   * finding counting the rest (`listFindings`). Counts (`violations`, `tallies`, reasons) cover them all.
   */
  readonly findings: readonly Finding[];
  /** Per rule, in rule order: every finding counted, listed or not. */
  readonly tallies: ReadonlyMap<string, RuleTally>;
  readonly risk: { tier: RiskTier; why: string[] };
  readonly counts: DiffCounts;
  /** Findings with severity `fail`: the `violations` output. */
  readonly violations: number;
  readonly claim?: ClaimComparison & { source: string; claimed: number };
  readonly changes: ChangeSet;
}

/** What one rule found, counted over every finding (listed or not). */
export interface RuleTally {
  /** Findings of the rule, listed or not. */
  found: number;
  /** Of those, the ones with severity `fail`. */
  violations: number;
  verdict: Verdict;
  /** Every policy setting that decided one of the findings, in the order first seen. */
  decidedBy: string[];
}

export function isRiskTier(value: unknown): value is RiskTier {
  return typeof value === 'string' && (RISK_TIERS as readonly string[]).includes(value);
}

export function countChanges(changes: ChangeSet): DiffCounts {
  let added = 0;
  let deleted = 0;
  let binary = 0;
  const byStatus: Record<string, number> = {};
  for (const file of changes.files) {
    added += file.added;
    deleted += file.deleted;
    if (file.binary) binary += 1;
    byStatus[file.status] = (byStatus[file.status] ?? 0) + 1;
  }
  return { files: changes.files.length, added, deleted, binary, byStatus };
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Runs every rule on the change and concludes. The verdict is the worst finding's; a view that may be
 * incomplete, or an empty one, is never a pass; the risk tier is the grader's, raised to the highest tier
 * any finding names and never lowered. A rule that throws fails the whole run: a verdict without one of
 * its rules would pass what that rule was there to stop. It fails once every rule has settled (none is
 * still reading the content source its caller then closes), with the error of the first rule, in the
 * rules' order, that failed.
 */
export async function judgeDiff(input: JudgeInput): Promise<DiffJudgement> {
  const { changes } = input;
  const ctx = { changes, content: input.content };
  const settled = await Promise.allSettled(
    input.rules.map((rule) => {
      const scan = input.scans?.get(rule);
      return scan ? scan.finish(ctx) : rule.run(ctx);
    }),
  );
  const perRule = settled.map((outcome) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  });
  const findings: Finding[] = [];
  perRule.forEach((list, i) => {
    for (const finding of list) {
      if (!KEBAB.test(finding.code))
        throw new Error(`rule ${input.rules[i]!.name} returned a finding with code ${JSON.stringify(finding.code)}, not kebab-case`);
      findings.push(finding);
    }
  });

  const reasons = groupReasons(findings);
  if (!changes.complete) {
    const why = changes.incomplete.length > 0 ? changes.incomplete.join(' ') : 'the reader could not confirm it saw every file.';
    reasons.push({ code: 'diff-incomplete', severity: 'warn', message: `The view of the diff may be incomplete, so it cannot pass: ${why}` });
  }
  if (changes.files.length === 0) {
    reasons.push({
      code: 'diff-empty',
      severity: 'warn',
      message: `No file changed between ${short(changes.base)} and ${short(changes.head)}: there was nothing to judge, which is not a pass.`,
    });
  }

  let claim: DiffJudgement['claim'];
  if (input.claimed) {
    const comparison = compareClaim(changes, input.claimed);
    claim = { ...comparison, source: input.claimed.source, claimed: input.claimed.files.length };
  }

  const graded = input.risk(findings, changes);
  if (!isRiskTier(graded.tier)) throw new Error(`the risk grader returned ${JSON.stringify(graded.tier)}, not a risk tier`);
  let tier = graded.tier;
  const why = [...graded.why];
  for (const finding of findings) {
    if (finding.tier && tierRank(finding.tier) > tierRank(tier)) {
      tier = finding.tier;
      why.push(`${finding.rule}/${finding.code} raises the change to ${finding.tier}${finding.path !== undefined ? ` (${finding.path})` : ''}`);
    }
  }
  if (!changes.complete && tierRank(tier) < tierRank('high')) {
    tier = 'high';
    why.push('the view of the diff may be incomplete: what was not seen cannot be graded lower than high');
  }

  const verdict = worstVerdict(reasons.map((r) => r.severity));
  const tallies = tally(findings);
  let violations = 0;
  for (const t of tallies.values()) violations += t.violations;
  return {
    verdict,
    reasons,
    findings: listFindings(findings),
    tallies,
    risk: { tier, why },
    counts: countChanges(changes),
    violations,
    ...(claim ? { claim } : {}),
    changes,
  };
}

function tally(findings: readonly Finding[]): Map<string, RuleTally> {
  const tallies = new Map<string, RuleTally & { settings: Set<string> }>();
  for (const f of findings) {
    let t = tallies.get(f.rule);
    if (!t) {
      t = { found: 0, violations: 0, verdict: 'pass', decidedBy: [], settings: new Set() };
      tallies.set(f.rule, t);
    }
    t.found += 1;
    if (f.severity === 'fail') t.violations += 1;
    if (f.severity === 'fail' || (f.severity === 'warn' && t.verdict === 'pass')) t.verdict = f.severity;
    if (f.decidedBy !== undefined && !t.settings.has(f.decidedBy)) {
      t.settings.add(f.decidedBy);
      t.decidedBy.push(f.decidedBy);
    }
  }
  return new Map([...tallies].map(([rule, { settings: _settings, ...t }]) => [rule, t]));
}

function short(sha: string): string {
  return /^[0-9a-f]{40,64}$/.test(sha) ? sha.slice(0, 12) : sha;
}

/**
 * One reason per rule code and severity (a 20,000-file change must not carry 20,000 reasons): the first
 * finding's message and location, and how many more there are. `pass` findings are information and
 * never reasons. Worst first, then by code, so the order does not depend on the order rules ran in.
 */
export function groupReasons(findings: readonly Finding[]): GateReason[] {
  const groups = new Map<string, { first: Finding; count: number }>();
  for (const finding of findings) {
    if (finding.severity === 'pass') continue;
    const key = `${finding.severity}\u0000${finding.code}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { first: finding, count: 1 });
  }
  const rank: Record<Verdict, number> = { fail: 0, warn: 1, pass: 2 };
  return [...groups.values()]
    .sort((a, b) => rank[a.first.severity] - rank[b.first.severity] || a.first.code.localeCompare(b.first.code))
    .map(({ first, count }) => {
      const more = count > 1 ? ` (and ${count - 1} more like it)` : '';
      const location =
        first.path !== undefined ? { file: first.path, ...(first.line !== undefined && first.line >= 1 ? { line: first.line } : {}) } : undefined;
      return {
        code: first.code,
        severity: first.severity,
        message: `${first.message || `${first.rule}/${first.code}`}${more}`,
        ...(location ? { location } : {}),
      };
    });
}
