import path from 'node:path';
import { bytesDigest } from '../digest/index.js';
import { writeFileNoFollow } from '../files.js';
import { gateReport, writeGateReport, type GateRunContext, type GateSubject } from '../gate/report.js';
import type { Verdict } from '../gate/verdict.js';
import type { DiffJudgement } from './judge.js';
import type { Finding, RiskTier } from './types.js';

/** Findings of one rule family, as the report lists them. */
export interface RuleFindings {
  rule: string;
  verdict: Verdict;
  /** Every policy setting that decided one of the findings (`scope.protected-paths[3]`, `default: agent instructions`). */
  decidedBy: string[];
  /** Every finding of the rule, listed or not (a code lists at most MAX_FINDINGS_PER_CODE, then one closing finding). */
  found: number;
  /** Of those, the violations (severity `fail`). */
  violations: number;
  findings: Array<Pick<Finding, 'code' | 'severity' | 'message' | 'path' | 'line' | 'tier' | 'decidedBy'>>;
}

/** diff-scope's `details` in the GateReport envelope (documented in actions/diff-scope/README.md). */
export interface DiffScopeDetails {
  mode: 'git' | 'working-tree' | 'api';
  base: string;
  head: string;
  complete: boolean;
  incomplete: string[];
  /** How renames were detected, and what that means for the rules. */
  renames: { detection: 'full' | 'exact-only' | 'api'; note: string };
  counts: { files: number; added: number; deleted: number; binary: number; byStatus: Record<string, number> };
  diffDigest: string;
  risk: { tier: RiskTier; why: string[] };
  violations: number;
  rules: RuleFindings[];
  /**
   * The intent rule's comparison (`compareClaim`), whole: `unclaimed` are the paths of its `unclaimed-file`
   * findings, `claimedNotChanged` of its `claimed-not-changed`, `unusable` of its `claimed-path-unusable`.
   */
  claimed?: { source: string; claimed: number; unclaimed: string[]; claimedNotChanged: string[]; unusable: string[] };
  /** Which setting, input or policy, gave each limit the action lets an input override. */
  settings: Record<string, { value: unknown; from: string }>;
}

const RENAME_NOTES: Record<DiffScopeDetails['renames']['detection'], string> = {
  full: 'Renames and copies were detected exactly and by similarity; a rename is judged under its old and its new path.',
  'exact-only':
    'git gave up detecting renames by similarity on a diff this large (diff.renameLimit): only exact renames are paired, other renames are judged as a deletion plus an addition, so both paths are still judged.',
  api: 'Renames are as GitHub reported them; a rename is judged under its old and its new path.',
};

export function diffScopeDetails(judgement: DiffJudgement, extra: { diffDigest: string; settings: DiffScopeDetails['settings'] }): DiffScopeDetails {
  const { changes } = judgement;
  const rules = new Map<string, RuleFindings>();
  for (const f of judgement.findings) {
    let group = rules.get(f.rule);
    if (!group) {
      const t = judgement.tallies.get(f.rule);
      if (!t) throw new Error(`finding of rule ${f.rule} without a tally`);
      group = { rule: f.rule, verdict: t.verdict, decidedBy: [...t.decidedBy], found: t.found, violations: t.violations, findings: [] };
      rules.set(f.rule, group);
    }
    // Only the fields the contract names: a rule cannot slip an added line's text (a secret) into the report.
    group.findings.push({
      code: f.code,
      severity: f.severity,
      message: f.message,
      ...(f.path !== undefined ? { path: f.path } : {}),
      ...(f.line !== undefined ? { line: f.line } : {}),
      ...(f.tier !== undefined ? { tier: f.tier } : {}),
      ...(f.decidedBy !== undefined ? { decidedBy: f.decidedBy } : {}),
    });
  }
  const claim = judgement.claim;
  return {
    mode: changes.mode,
    base: changes.base,
    head: changes.head,
    complete: changes.complete,
    incomplete: [...changes.incomplete],
    renames: { detection: changes.renames, note: RENAME_NOTES[changes.renames] },
    counts: { ...judgement.counts, byStatus: { ...judgement.counts.byStatus } },
    diffDigest: extra.diffDigest,
    risk: judgement.risk,
    violations: judgement.violations,
    rules: [...rules.values()].sort((a, b) => a.rule.localeCompare(b.rule)),
    ...(claim
      ? {
          claimed: {
            source: claim.source,
            claimed: claim.claimed,
            unclaimed: claim.unclaimed.map((file) => file.path),
            claimedNotChanged: [...claim.claimedNotChanged],
            unusable: [...claim.unusable],
          },
        }
      : {}),
    settings: extra.settings,
  };
}

export interface WriteDiffScopeReportOptions {
  outputDir: string;
  tool: { name: string; version: string };
  context: GateRunContext;
  policy: { source: string; digest: string };
  startedAt: Date;
  finishedAt: Date;
  judgement: DiffJudgement;
  details: DiffScopeDetails;
  /** `claimed-files` as read, when given: its digest is a subject, so a later gate can tell which claim was judged. */
  claimedDigest?: string;
}

/** Writes `diff-scope.json` (GateReport envelope, canonical JSON); returns its path and digest. */
export function writeDiffScopeReport(options: WriteDiffScopeReportOptions): { path: string; digest: string } {
  const subjects: GateSubject[] = [{ name: 'diff', digest: options.details.diffDigest }];
  if (options.claimedDigest) subjects.push({ name: 'claimed-files', digest: options.claimedDigest });
  const report = gateReport({
    tool: options.tool,
    context: options.context,
    startedAt: options.startedAt,
    finishedAt: options.finishedAt,
    policy: options.policy,
    verdict: options.judgement.verdict,
    reasons: options.judgement.reasons,
    subjects,
    details: options.details,
  });
  return writeGateReport(path.join(options.outputDir, 'diff-scope.json'), report);
}

/** Writes a text file and returns its `sha256:` digest (for SARIF beside the report). */
export function writeTextFile(file: string, text: string): string {
  writeFileNoFollow(file, text);
  return bytesDigest(text);
}
