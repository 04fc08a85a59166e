/**
 * Version order per ecosystem, and the lowest version a requirement admits (`^1.2.3` -> 1.2.3,
 * `>=2,<3` -> 2, `~=1.4` -> 1.4), so a manifest's range is compared by its minimum. Anything that
 * cannot be ordered (a git ref, `*`, `latest`) compares as `undefined`: unknown, never "lower".
 */

export type Ecosystem = 'npm' | 'pypi' | 'go' | 'cargo' | 'rubygems';

interface SemVer {
  readonly nums: readonly number[];
  readonly pre: readonly string[];
}

const SEMVER = /^\s*[=v]*\s*(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$/;

/** A version part as a number; a wildcard (`x`, `*`) or a missing part is 0. */
function num(s: string | undefined): number {
  return s === undefined || s === 'x' || s === 'X' || s === '*' ? 0 : Number(s);
}

function parseSemver(text: string): SemVer | undefined {
  const m = SEMVER.exec(text);
  if (!m) return undefined;
  return { nums: [num(m[1]), num(m[2]), num(m[3]), num(m[4])], pre: m[5] ? m[5].split('.') : [] };
}

function compareIdentifiers(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Math.sign(Number(a) - Number(b));
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSemver(a: SemVer, b: SemVer): number {
  for (let i = 0; i < 4; i++) {
    const d = (a.nums[i] ?? 0) - (b.nums[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  // A pre-release sorts before its release; Go pseudo-versions are pre-releases whose timestamp
  // identifiers compare as text, which orders them in time.
  if (a.pre.length === 0 || b.pre.length === 0) return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const d = compareIdentifiers(x, y);
    if (d !== 0) return d;
  }
  return 0;
}

interface Pep440 {
  readonly epoch: number;
  readonly release: readonly number[];
  /** [phase rank, number]: a=0, b=1, rc=2; none sorts after all. */
  readonly pre?: readonly [number, number];
  readonly post?: number;
  readonly dev?: number;
}

function parsePep440(text: string): Pep440 | undefined {
  const m =
    /^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?(?:(?:-(\d+))|(?:[-_.]?(?:post|rev|r)[-_.]?(\d*)))?(?:[-_.]?dev[-_.]?(\d*))?(?:\+[a-z0-9.]+)?\s*$/i.exec(
      text,
    );
  if (!m) return undefined;
  const phase = m[3]?.toLowerCase();
  const rank = phase === undefined ? undefined : phase.startsWith('a') ? 0 : phase.startsWith('b') ? 1 : 2;
  return {
    epoch: m[1] ? Number(m[1]) : 0,
    release: m[2]!.split('.').map(Number),
    pre: rank === undefined ? undefined : [rank, Number(m[4] || 0)],
    post: m[5] !== undefined ? Number(m[5]) : m[6] !== undefined ? Number(m[6] || 0) : undefined,
    dev: m[7] !== undefined ? Number(m[7] || 0) : undefined,
  };
}

function comparePep440(a: Pep440, b: Pep440): number {
  if (a.epoch !== b.epoch) return Math.sign(a.epoch - b.epoch);
  for (let i = 0; i < Math.max(a.release.length, b.release.length); i++) {
    const d = (a.release[i] ?? 0) - (b.release[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  // PEP 440: X.devN < X.aN < X.bN < X.rcN < X < X.postN; a dev release of a pre or post sorts just before it.
  const preKey = (v: Pep440): number[] => (v.pre ? [v.pre[0], v.pre[1]] : v.dev !== undefined && v.post === undefined ? [-1, 0] : [3, 0]);
  const pa = preKey(a);
  const pb = preKey(b);
  for (let i = 0; i < 2; i++) if (pa[i] !== pb[i]) return Math.sign(pa[i]! - pb[i]!);
  const postA = a.post ?? -1;
  const postB = b.post ?? -1;
  if (postA !== postB) return Math.sign(postA - postB);
  const devA = a.dev ?? Infinity;
  const devB = b.dev ?? Infinity;
  return devA === devB ? 0 : devA < devB ? -1 : 1;
}

/** RubyGems' Gem::Version: segments of digits or letters; a segment of letters marks a pre-release. */
function compareGem(a: string, b: string): number | undefined {
  const split = (v: string) => v.trim().match(/\d+|[a-z]+/gi);
  if (!/^\s*\d[0-9a-z.-]*\s*$/i.test(a) || !/^\s*\d[0-9a-z.-]*\s*$/i.test(b)) return undefined;
  const x = split(a) ?? [];
  const y = split(b) ?? [];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? '0';
    const q = y[i] ?? '0';
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) {
      if (Number(p) !== Number(q)) return Math.sign(Number(p) - Number(q));
    } else if (pn !== qn) {
      return pn ? 1 : -1;
    } else if (p !== q) {
      return p < q ? -1 : 1;
    }
  }
  return 0;
}

/** -1, 0 or 1 when both versions can be ordered in the ecosystem; undefined when either cannot. */
export function compareVersions(ecosystem: Ecosystem, a: string, b: string): number | undefined {
  switch (ecosystem) {
    case 'pypi': {
      const x = parsePep440(a);
      const y = parsePep440(b);
      return x && y ? comparePep440(x, y) : undefined;
    }
    case 'rubygems':
      return compareGem(a.replace(/-(?:[a-z_]+[-\w]*)$/i, ''), b.replace(/-(?:[a-z_]+[-\w]*)$/i, ''));
    default: {
      const x = parseSemver(a);
      const y = parseSemver(b);
      return x && y ? compareSemver(x, y) : undefined;
    }
  }
}

/**
 * The lowest version a requirement admits, or the version itself for an exact one. For npm and Cargo
 * (`^1.2`, `~1.2.3`, `>=1 <2`, `1.x`, `1.2.3 - 2`, `a || b`), Python (`==1.2`, `>=1.2,<2`, `~=1.4`,
 * Poetry's `^1.2`), RubyGems (`~> 1.2`). Undefined when the requirement has no lower bound.
 */
export function minimumVersion(ecosystem: Ecosystem, requirement: string): string | undefined {
  const text = requirement.trim();
  if (text === '' || text === '*' || /^(?:latest|next|x|X)$/.test(text)) return undefined;
  const alternatives = text.split('||').map((alt) => lowerBound(ecosystem, alt.trim()));
  let lowest: string | undefined;
  for (const candidate of alternatives) {
    // An alternative without a lower bound admits anything: the requirement as a whole has none.
    if (candidate === undefined) return undefined;
    if (lowest === undefined || (compareVersions(ecosystem, candidate, lowest) ?? 0) < 0) lowest = candidate;
  }
  return lowest;
}

function lowerBound(ecosystem: Ecosystem, text: string): string | undefined {
  const hyphen = /^(\S+)\s+-\s+\S+$/.exec(text);
  if (hyphen) return clean(ecosystem, hyphen[1]!);
  const clauses = text.split(ecosystem === 'npm' ? /\s+(?=[<>=~^]|\d)/ : /\s*,\s*|\s+(?=[<>=~^!])/).filter(Boolean);
  let bound: string | undefined;
  for (const clause of clauses) {
    const m = /^(===|==|>=|~=|~>|\^|~|=|>|<=|<|!=)?\s*(.+)$/.exec(clause.trim());
    if (!m) continue;
    const op = m[1] ?? '';
    if (op === '<' || op === '<=' || op === '!=') continue;
    const value = clean(ecosystem, m[2]!);
    if (value === undefined) continue;
    if (bound === undefined || (compareVersions(ecosystem, value, bound) ?? 0) > 0) bound = value;
  }
  return bound;
}

function clean(ecosystem: Ecosystem, version: string): string | undefined {
  const v = version
    .trim()
    .replace(/^v(?=\d)/, ecosystem === 'go' ? 'v' : '')
    .replace(/\.\*$/, '');
  if (ecosystem === 'pypi' || ecosystem === 'rubygems') return /^\d/.test(v) ? v : undefined;
  const semver = v.replace(/^v/, '').replace(/(?:\.[xX*])+$/, '');
  return /^\d/.test(semver) ? semver : undefined;
}
