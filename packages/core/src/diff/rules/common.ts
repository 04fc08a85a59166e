/**
 * What every scope rule shares: a compiled set of globs that answers "which entry matches this path
 * first" without running every glob over every path, the paths a change is judged under, a cap on
 * findings that never drops one silently, and the text a message may show of a path.
 */

import { ConfigError } from '../../errors.js';
import type { Verdict } from '../../gate/verdict.js';
import { globProblem, globToRegExp, normaliseRepoPath } from '../../policy/glob.js';
import type { FileChange, Finding, RiskTier } from '../types.js';

const SPECIAL = /[*?[\]{}]/;
const NEEDS_NORMALISING = /^$|^\/|\/$|\/\/|\\|\0|(?:^|\/)\.\.?(?:\/|$)/;

/**
 * Globs compiled once. Most policy globs are literal paths (`CODEOWNERS`), base names anywhere
 * (`**\/package.json`), folders (`infra/**`) or folder names anywhere (`**\/.claude/**`): those are
 * answered with map lookups, whatever their number. Base-name patterns (`**\/requirements*.txt`) are
 * joined into one expression over the base name, and the rest into one over the whole path, so a
 * path that matches none of them costs two tests; only a path that matches is tested glob by glob.
 */
export class GlobSet {
  private readonly exact = new Map<string, number[]>();
  private readonly basename = new Map<string, number[]>();
  private readonly folder = new Map<string, number[]>();
  private readonly segment = new Map<string, number[]>();
  private readonly namePatterns: { index: number; regex: RegExp }[] = [];
  private readonly patterns: { index: number; regex: RegExp }[] = [];
  private readonly anyName: RegExp | undefined;
  private readonly anyPattern: RegExp | undefined;
  readonly size: number;

  /** `key(i)` names the policy setting of glob `i` in the error thrown for an unusable glob. */
  constructor(globs: readonly string[], key: (index: number) => string) {
    this.size = globs.length;
    globs.forEach((raw, index) => {
      const problem = globProblem(raw);
      if (problem) throw new ConfigError('E_POLICY', `${key(index)}: glob ${JSON.stringify(raw)} ${problem}`);
      let glob = raw;
      while (glob.startsWith('./')) glob = glob.slice(2);
      if (glob.endsWith('/')) glob += '**';
      if (!SPECIAL.test(glob)) return push(this.exact, glob, index);
      if (glob.startsWith('**/')) {
        const rest = glob.slice(3);
        if (!rest.includes('/')) {
          if (!SPECIAL.test(rest)) return push(this.basename, rest, index);
          return this.namePatterns.push({ index, regex: globToRegExp(rest) });
        }
        const middle = rest.endsWith('/**') ? rest.slice(0, -3) : undefined;
        if (middle !== undefined && middle !== '' && !middle.includes('/') && !SPECIAL.test(middle)) return push(this.segment, middle, index);
      }
      if (glob.endsWith('/**') && !SPECIAL.test(glob.slice(0, -3))) return push(this.folder, glob.slice(0, -3), index);
      this.patterns.push({ index, regex: globToRegExp(raw) });
    });
    this.anyName = joined(this.namePatterns);
    this.anyPattern = joined(this.patterns);
  }

  /** The index of the first glob (in the order given) that matches `path`, or -1. */
  first(path: string): number {
    let best = Infinity;
    this.visit(path, (index) => {
      if (index < best) best = index;
    });
    return best === Infinity ? -1 : best;
  }

  has(path: string): boolean {
    return this.first(path) !== -1;
  }

  /** The indexes of every glob that matches `path`, in no particular order. */
  all(path: string): number[] {
    const out: number[] = [];
    this.visit(path, (index) => out.push(index));
    return out;
  }

  private visit(path: string, hit: (index: number) => void): void {
    const file = normalPath(path);
    if (file === undefined) return;
    const each = (list: number[] | undefined): void => {
      if (list) for (const index of list) hit(index);
    };
    each(this.exact.get(file));
    const slash = file.lastIndexOf('/');
    const name = slash === -1 ? file : file.slice(slash + 1);
    each(this.basename.get(name));
    if (this.anyName?.test(name)) for (const { index, regex } of this.namePatterns) if (regex.test(name)) hit(index);
    if (this.folder.size > 0 || this.segment.size > 0) {
      let from = 0;
      for (let at = file.indexOf('/'); at !== -1; at = file.indexOf('/', at + 1)) {
        if (this.folder.size > 0) each(this.folder.get(file.slice(0, at)));
        if (this.segment.size > 0) each(this.segment.get(file.slice(from, at)));
        from = at + 1;
      }
    }
    if (this.anyPattern?.test(file)) for (const { index, regex } of this.patterns) if (regex.test(file)) hit(index);
  }
}

/** One expression matching what any of `patterns` does: each source is `^…$`, so the bodies join under one anchor pair. */
function joined(patterns: readonly { regex: RegExp }[]): RegExp | undefined {
  if (patterns.length === 0) return undefined;
  return new RegExp(`^(?:${patterns.map((p) => `(?:${p.regex.source.slice(1, -1)})`).join('|')})$`, 's');
}

function push(map: Map<string, number[]>, key: string, index: number): void {
  const list = map.get(key);
  if (list) list.push(index);
  else map.set(key, [index]);
}

/**
 * Several entries, each with its own globs (`forbid`, `require-ticket`, `risk-tiers`), matched with one
 * GlobSet over all their globs: a path costs one lookup whatever the number of entries.
 */
export class GlobGroups {
  private readonly set: GlobSet;
  private readonly owner: number[] = [];

  constructor(groups: readonly (readonly string[])[], key: (group: number, index: number) => string) {
    const globs: string[] = [];
    const where: [number, number][] = [];
    groups.forEach((list, group) =>
      list.forEach((glob, index) => {
        globs.push(glob);
        this.owner.push(group);
        where.push([group, index]);
      }),
    );
    this.set = new GlobSet(globs, (i) => key(...(where[i] as [number, number])));
  }

  /** The groups with a glob matching `path`, in ascending order. */
  matching(path: string): number[] {
    const hits = this.set.all(path);
    if (hits.length === 0) return hits;
    return [...new Set(hits.map((i) => this.owner[i] as number))].sort((a, b) => a - b);
  }
}

/** `normaliseRepoPath`, skipped for the paths git gives, which are normal already. */
export function normalPath(path: string): string | undefined {
  return NEEDS_NORMALISING.test(path) ? normaliseRepoPath(path) : path;
}

/** The paths a change is judged under: a rename under its old and its new path, a copy under its new one. */
export function judgedPaths(file: FileChange): string[] {
  return file.status === 'renamed' && file.oldPath !== undefined && file.oldPath !== file.path ? [file.oldPath, file.path] : [file.path];
}

/** `scope.x in <policy file>` when the policy came from a file, else the bare key. */
export function settingIn(policyFile: string | undefined): (key: string) => string {
  return (key) => (policyFile ? `${key} in ${policyFile}` : key);
}

// C0 and C1 controls and DEL; bidirectional overrides, isolates and marks; invisible separators.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const INVISIBLE = /[\u200b-\u200d\u2028\u2029\ufeff]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE_GLOBAL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Why a file name would mislead a reader (control, bidirectional or invisible characters), if it would. */
export function unsafeNameProblem(path: string): string | undefined {
  if (BIDI.test(path)) return 'holds a bidirectional-override character, which makes a name read differently from what it is';
  if (CONTROL.test(path)) return 'holds a control character (a new line, tab, escape or the like)';
  if (INVISIBLE.test(path)) return 'holds an invisible character';
  return undefined;
}

/** A path as a message may show it: every character that could hide or reorder text spelled as `\u{…}`. */
export function shown(path: string): string {
  const escaped = path.replace(UNSAFE_GLOBAL, (ch) => `\\u{${(ch.codePointAt(0) as number).toString(16)}}`);
  return escaped.length > 300 ? `${escaped.slice(0, 300)}…` : escaped;
}

/** Most findings of one code a rule lists; the rest are counted in one closing finding, never dropped silently. */
export const MAX_FINDINGS_PER_CODE = 200;

const VERDICT_RANK: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };
const TIER_RANK: Record<RiskTier, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function higherTier(a: RiskTier, b: RiskTier): RiskTier {
  return TIER_RANK[b] > TIER_RANK[a] ? b : a;
}

export function tierRank(tier: RiskTier): number {
  return TIER_RANK[tier];
}

/** Collects a rule's findings, listing at most MAX_FINDINGS_PER_CODE of each code. */
export class Findings {
  private readonly listed: Finding[] = [];
  private readonly counts = new Map<string, number>();
  private readonly overflow = new Map<string, { count: number; severity: Verdict; tier?: RiskTier; decidedBy?: string }>();

  constructor(private readonly rule: string) {}

  add(finding: Omit<Finding, 'rule'>): void {
    const count = (this.counts.get(finding.code) ?? 0) + 1;
    this.counts.set(finding.code, count);
    if (count <= MAX_FINDINGS_PER_CODE) {
      this.listed.push({ rule: this.rule, ...finding });
      return;
    }
    const over = this.overflow.get(finding.code);
    if (!over) {
      this.overflow.set(finding.code, {
        count: 1,
        severity: finding.severity,
        ...(finding.tier ? { tier: finding.tier } : {}),
        ...(finding.decidedBy ? { decidedBy: finding.decidedBy } : {}),
      });
      return;
    }
    over.count += 1;
    // One setting is named only when it decided every finding counted here.
    if (over.decidedBy !== finding.decidedBy) delete over.decidedBy;
    if (VERDICT_RANK[finding.severity] > VERDICT_RANK[over.severity]) over.severity = finding.severity;
    if (finding.tier) over.tier = over.tier ? higherTier(over.tier, finding.tier) : finding.tier;
  }

  done(): Finding[] {
    const closing: Finding[] = [...this.overflow].map(([code, over]) => ({
      rule: this.rule,
      code,
      severity: over.severity,
      message: `${over.count} more ${code} finding${over.count === 1 ? '' : 's'} not listed (the first ${MAX_FINDINGS_PER_CODE} are)`,
      ...(over.tier ? { tier: over.tier } : {}),
      ...(over.decidedBy ? { decidedBy: over.decidedBy } : {}),
    }));
    return [...this.listed, ...closing];
  }
}
