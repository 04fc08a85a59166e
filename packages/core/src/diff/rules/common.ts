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
  // Keyed by the expression's source: policies repeat a glob across entries (ten `forbid` entries
  // on `**/*.ts`), and each distinct one is tested once whatever the number of entries naming it.
  private readonly namePatterns = new Map<string, { regex: RegExp; indexes: number[] }>();
  private readonly patterns = new Map<string, { regex: RegExp; indexes: number[] }>();
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
          return pushPattern(this.namePatterns, globToRegExp(rest), index);
        }
        const middle = rest.endsWith('/**') ? rest.slice(0, -3) : undefined;
        if (middle !== undefined && middle !== '' && !middle.includes('/') && !SPECIAL.test(middle)) return push(this.segment, middle, index);
      }
      if (glob.endsWith('/**') && !SPECIAL.test(glob.slice(0, -3))) return push(this.folder, glob.slice(0, -3), index);
      pushPattern(this.patterns, globToRegExp(raw), index);
    });
    this.anyName = joined([...this.namePatterns.values()]);
    this.anyPattern = joined([...this.patterns.values()]);
  }

  /** The index of the first glob (in the order given) that matches `path`, or -1. */
  first(path: string): number {
    const found = this.collect(path);
    let best = -1;
    for (let k = 0; k < found.length; k++) if (best === -1 || found[k]! < best) best = found[k]!;
    return best;
  }

  has(path: string): boolean {
    return this.collect(path).length > 0;
  }

  /** The indexes of every glob that matches `path`, in no particular order, in the one list the next call reuses (read it, or copy it, at once). */
  hits(path: string): number[] {
    return this.collect(path);
  }

  /**
   * Every matching glob's index, in one list reused by the next call (read it before calling again).
   * No callback per hit: the three callers' closures made the lookup polymorphic, and V8 compiled it
   * three times on a large change.
   */
  private readonly found: number[] = [];

  private collect(path: string): number[] {
    const found = this.found;
    // Most lookups find nothing, and the list is then empty already: setting an array's length is a
    // call into the runtime, a sixth of a lookup's time on the bench's change.
    if (found.length > 0) found.length = 0;
    const { file, name, folders, segments } = partsOf(path);
    if (file === undefined) return found;
    if (this.exact.size > 0) append(found, this.exact.get(file));
    if (this.basename.size > 0) append(found, this.basename.get(name));
    if (this.anyName?.test(name)) for (const { regex, indexes } of this.namePatterns.values()) if (regex.test(name)) append(found, indexes);
    if (this.folder.size > 0) for (const folder of folders) append(found, this.folder.get(folder));
    if (this.segment.size > 0) for (const segment of segments) append(found, this.segment.get(segment));
    if (this.anyPattern?.test(file)) for (const { regex, indexes } of this.patterns.values()) if (regex.test(file)) append(found, indexes);
    return found;
  }
}

/** What a lookup reads of a path: its normal form, base name, the folders holding it and their names. */
interface PathParts {
  readonly file: string | undefined;
  readonly name: string;
  /** `a`, `a/b` for `a/b/c`. */
  readonly folders: readonly string[];
  /** `a`, `b` for `a/b/c`. */
  readonly segments: readonly string[];
}

// The last path taken apart: each rule's globs are asked about the same file in turn (eight sets on
// the bench's policy), and taking it apart again for each was most of what a lookup cost.
let lastPath: string | undefined;
let lastParts: PathParts | undefined;

function partsOf(path: string): PathParts {
  if (path === lastPath && lastParts) return lastParts;
  const file = normalPath(path);
  const folders: string[] = [];
  const segments: string[] = [];
  let name = '';
  if (file !== undefined) {
    const slash = file.lastIndexOf('/');
    name = slash === -1 ? file : file.slice(slash + 1);
    let from = 0;
    for (let at = file.indexOf('/'); at !== -1; at = file.indexOf('/', at + 1)) {
      folders.push(file.slice(0, at));
      segments.push(file.slice(from, at));
      from = at + 1;
    }
  }
  lastPath = path;
  lastParts = { file, name, folders, segments };
  return lastParts;
}

function append(found: number[], list: number[] | undefined): void {
  if (list) for (let k = 0; k < list.length; k++) found.push(list[k]!);
}

/** One expression matching what any of `patterns` does: each source is `^…$`, so the bodies join under one anchor pair. */
function joined(patterns: readonly { regex: RegExp }[]): RegExp | undefined {
  if (patterns.length === 0) return undefined;
  return new RegExp(`^(?:${patterns.map((p) => `(?:${p.regex.source.slice(1, -1)})`).join('|')})$`, 's');
}

function pushPattern(map: Map<string, { regex: RegExp; indexes: number[] }>, regex: RegExp, index: number): void {
  const key = `${regex.flags}/${regex.source}`;
  const entry = map.get(key);
  if (entry) entry.indexes.push(index);
  else map.set(key, { regex, indexes: [index] });
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

  /** The last answer, and the glob indexes it was for: most paths match the same globs as the one before. */
  private lastHits: number[] = [];
  private lastGroups: readonly number[] = NO_GROUPS;

  /**
   * The groups with a glob matching `path`, in ascending order (an array not to be changed: the same
   * one comes back for the next path that matches the same globs).
   */
  matching(path: string): readonly number[] {
    const hits = this.set.hits(path);
    if (hits.length === 0) return NO_GROUPS;
    // Globs were listed group by group, so owners only grow with the glob's index: sorted hits give
    // sorted owners, and a repeated owner is next to its twin. Hits come in ascending runs (each
    // lookup's list is); sorted only when they are not.
    let ascending = true;
    for (let k = 1; k < hits.length; k++) if (hits[k]! < hits[k - 1]!) ascending = false;
    if (!ascending) hits.sort((a, b) => a - b);
    const last = this.lastHits;
    let same = last.length === hits.length;
    for (let k = 0; same && k < hits.length; k++) same = hits[k] === last[k];
    if (same) return this.lastGroups;
    const groups: number[] = [];
    for (const hit of hits) {
      const group = this.owner[hit]!;
      if (group !== groups[groups.length - 1]) groups.push(group);
    }
    this.lastHits = hits.slice();
    this.lastGroups = Object.freeze(groups);
    return this.lastGroups;
  }
}

const NO_GROUPS: readonly number[] = Object.freeze([]);

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

/**
 * Most findings of one rule and code the report, SARIF and annotations list (`listFindings`); the rest
 * are counted in one closing finding, never dropped silently, and every count (`violations`, each
 * rule's `found`) still counts them all.
 */
export const MAX_FINDINGS_PER_CODE = 200;

const VERDICT_RANK: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };
const TIER_RANK: Record<RiskTier, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function higherTier(a: RiskTier, b: RiskTier): RiskTier {
  return TIER_RANK[b] > TIER_RANK[a] ? b : a;
}

export function tierRank(tier: RiskTier): number {
  return TIER_RANK[tier];
}

/** Collects a rule's findings, each under the rule's name; `listFindings` caps what is listed. */
export class Findings {
  private readonly listed: Finding[] = [];

  constructor(private readonly rule: string) {}

  add(finding: Omit<Finding, 'rule'>): void {
    this.listed.push({ rule: this.rule, ...finding });
  }

  done(): Finding[] {
    return this.listed;
  }
}

interface Overflow {
  rule: string;
  code: string;
  count: number;
  severity: Verdict;
  tier?: RiskTier;
  decidedBy?: string;
  /** Whether every finding counted here named the same `decidedBy`. */
  sameSetting: boolean;
}

/**
 * The findings to list: for each rule and code, at most `max`, the most severe first and, within a
 * severity, in the order the rule gave them; the rest of each code are counted in one closing finding
 * (its severity and tier the worst of theirs, its setting named only when one decided them all), placed
 * after the rule's last finding. Listed findings keep their order, so the result is deterministic
 * whenever the input is.
 */
export function listFindings(findings: readonly Finding[], max: number = MAX_FINDINGS_PER_CODE): Finding[] {
  const groups = new Map<string, number[]>();
  let over = false;
  findings.forEach((f, i) => {
    const key = `${f.rule}\u0000${f.code}`;
    const list = groups.get(key);
    if (list) {
      list.push(i);
      if (list.length > max) over = true;
    } else groups.set(key, [i]);
  });
  if (!over) return [...findings];

  const dropped = new Uint8Array(findings.length);
  const overflows = new Map<string, Overflow[]>();
  for (const list of groups.values()) {
    if (list.length <= max) continue;
    const worstFirst = list.slice().sort((a, b) => VERDICT_RANK[findings[b]!.severity] - VERDICT_RANK[findings[a]!.severity] || a - b);
    let overflow: Overflow | undefined;
    for (const i of worstFirst.slice(max)) {
      dropped[i] = 1;
      const f = findings[i]!;
      if (!overflow) {
        overflow = {
          rule: f.rule,
          code: f.code,
          count: 0,
          severity: f.severity,
          sameSetting: true,
          ...(f.decidedBy !== undefined ? { decidedBy: f.decidedBy } : {}),
        };
        const perRule = overflows.get(f.rule);
        if (perRule) perRule.push(overflow);
        else overflows.set(f.rule, [overflow]);
      }
      overflow.count += 1;
      if (overflow.decidedBy !== f.decidedBy) overflow.sameSetting = false;
      if (VERDICT_RANK[f.severity] > VERDICT_RANK[overflow.severity]) overflow.severity = f.severity;
      if (f.tier) overflow.tier = overflow.tier ? higherTier(overflow.tier, f.tier) : f.tier;
    }
  }
  const lastOfRule = new Map<string, number>();
  findings.forEach((f, i) => lastOfRule.set(f.rule, i));
  const out: Finding[] = [];
  findings.forEach((f, i) => {
    if (!dropped[i]) out.push(f);
    if (lastOfRule.get(f.rule) !== i) return;
    for (const o of overflows.get(f.rule) ?? []) {
      out.push({
        rule: o.rule,
        code: o.code,
        severity: o.severity,
        message: `${o.count} more ${o.code} finding${o.count === 1 ? '' : 's'} not listed (the first ${max} are)`,
        ...(o.tier ? { tier: o.tier } : {}),
        ...(o.sameSetting && o.decidedBy !== undefined ? { decidedBy: o.decidedBy } : {}),
      });
    }
  });
  return out;
}
