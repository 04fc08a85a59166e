/**
 * Windowed rule matching. A rule whose keyword is a common substring (`s.` for Vault tokens, `ey` for
 * JWTs, `api` for the generic rule) would otherwise run its regex over every long line that holds it:
 * tool results hold whole files. Instead the regex runs over windows around the occurrences of a literal
 * that every one of its matches contains, each window wide enough that no match can reach past it.
 *
 * Why a window cannot miss a match (nor find one the whole text does not have):
 *
 * 1. From the regex alone, `planRule` derives anchors {s, B, T}: every match contains an occurrence of some
 *    anchor's string s (case-insensitively) and has at most B characters outside the set T. Bounded parts of
 *    the regex count toward B; an unbounded repetition adds what it can consume to T instead. So a match
 *    holding the occurrence at q lies inside the span around q that holds at most B characters outside T on
 *    each side: the occurrence's interval I(q). For a rule with a computable maximum length, T is empty and
 *    I(q) is simply q ± that length.
 * 2. Intervals closer than 2C apart are merged into windows, where C is the farthest any assertion or
 *    lookaround reads beyond a match (`\b`, `$`: 1; `(?<=\\[nrtbf])`: 2). Each window W is searched in the
 *    slice that extends it by C on both sides.
 * 3. Every match the regex can find in a slice also holds an anchor occurrence, which lies in the slice, so
 *    the match lies in that occurrence's interval, and that interval is in W (any other window is more than
 *    2C away, the slice reaches only C past W). Any whole-text match starting in W likewise lies in W. A
 *    path of the regex engine that succeeds reads only its match and C characters around it, so inside W
 *    the slice and the whole text see the same characters, the same paths succeed, and the first in
 *    priority order is the same: the match at each start position in W is the same in both, and no whole-text
 *    match starts outside every window.
 * 4. The caller walks the windows in order with one `lastIndex` and one retry count, so the sequence of
 *    matches (and of rejected matches it retries after) is the one a whole-text search produces.
 *
 * A regex the analysis does not understand (backreferences, the `u`/`v` flags, a lookaround of unbounded
 * length, no anchor of two or more characters) runs over the whole text, as do texts where the windows
 * would cover most of the text anyway. `test/unit/secrets/window*.test.ts` compares both ways of matching.
 */

/** Membership over Latin-1 codes, plus one flag for every code above 255. */
interface CharSet {
  low: Uint8Array;
  high: boolean;
}

const emptySet = (): CharSet => ({ low: new Uint8Array(256), high: false });
const fullSet = (): CharSet => ({ low: new Uint8Array(256).fill(1), high: true });
/** The empty set the analysis shares: sets are never changed once made, so one serves every node. */
const NONE: CharSet = emptySet();

function union(a: CharSet, b: CharSet): CharSet {
  if (b === NONE || a === b) return a;
  if (a === NONE) return b;
  const low = new Uint8Array(256);
  for (let i = 0; i < 256; i++) low[i] = a.low[i]! | b.low[i]!;
  return { low, high: a.high || b.high };
}

export interface Anchor {
  /** Lowercase; found in a text case-insensitively. */
  s: string;
  /** At most this many characters of a match lie outside `t`. */
  b: number;
  t: CharSet;
}

interface Info {
  maxLen: number;
  /** Bound: at most `b` consumed characters lie outside `t`. */
  b: number;
  t: CharSet;
  /** Every character the node can consume. */
  chars: CharSet;
  /** The node matches exactly one of these strings (lowercase), when few. */
  exact: string[] | null;
  anchors: Anchor[] | null;
  /** How far beyond what it consumes the node reads (assertions, lookarounds). */
  ctx: number;
}

const EXACT_LIMIT = 16;

class Unsupported extends Error {}

/** A recursive-descent reader of the regex subset rule sources use, producing `Info` directly. */
class Analyser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly ignoreCase: boolean,
    private readonly dotAll: boolean,
  ) {}

  run(): Info {
    const info = this.alternation();
    if (this.i !== this.src.length) throw new Unsupported(`unexpected ${this.src[this.i]}`);
    return info;
  }

  private alternation(): Info {
    const branches = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? branches[0]! : alternationInfo(branches);
  }

  private sequence(): Info {
    const items: Info[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') items.push(this.quantified());
    return concatInfo(items);
  }

  private quantified(): Info {
    const atom = this.atom();
    const q = this.quantifier();
    if (!q) return atom;
    if (atom.maxLen === 0 && atom.ctx > 0) throw new Unsupported('quantified assertion');
    return repeatInfo(atom, q.min, q.max);
  }

  private quantifier(): { min: number; max: number } | null {
    const c = this.src[this.i];
    let q: { min: number; max: number } | null = null;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    if (q) this.i++;
    else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.i, this.i + 24));
      if (!m) return null; // a literal brace (not a quantifier, outside the `u` flag)
      q = { min: Number(m[1]), max: m[2] ? (m[3] ? Number(m[3]) : Infinity) : Number(m[1]) };
      this.i += m[0].length;
    } else return null;
    if (this.src[this.i] === '?') this.i++; // lazy: the same strings, in another order
    return q;
  }

  private atom(): Info {
    const src = this.src;
    const c = src[this.i]!;
    if (c === '(') {
      this.i++;
      let look: 'ahead' | 'behind' | null = null;
      if (src.startsWith('?:', this.i)) this.i += 2;
      else if (src.startsWith('?=', this.i) || src.startsWith('?!', this.i)) {
        look = 'ahead';
        this.i += 2;
      } else if (src.startsWith('?<=', this.i) || src.startsWith('?<!', this.i)) {
        look = 'behind';
        this.i += 3;
      } else if (src.startsWith('?<', this.i)) {
        const end = src.indexOf('>', this.i);
        if (end < 0) throw new Unsupported('group name');
        this.i = end + 1;
      } else if (src[this.i] === '?') throw new Unsupported('group kind');
      const inner = this.alternation();
      if (src[this.i] !== ')') throw new Unsupported('unclosed group');
      this.i++;
      return look ? lookInfo(inner) : inner;
    }
    if (c === '[') return this.charClass();
    this.i++;
    if (c === '.') {
      const set = fullSet();
      if (!this.dotAll) for (const n of [10, 13]) set.low[n] = 0; // U+2028/9 stay in `high`: a superset
      return charInfo(set, null);
    }
    if (c === '^' || c === '$') return assertionInfo(1);
    if (c === '\\') return this.escape();
    if (c === ')' || c === '|' || c === '*' || c === '+' || c === '?') throw new Unsupported(`bare ${c}`);
    return this.literal(c.charCodeAt(0));
  }

  private literal(code: number): Info {
    const set = emptySet();
    addCode(set, code, this.ignoreCase);
    return charInfo(set, exactOf(set));
  }

  private escape(): Info {
    const c = this.src[this.i++];
    if (c === undefined) throw new Unsupported('trailing backslash');
    if (c === 'b' || c === 'B') return assertionInfo(1);
    const set = this.classEscape(c);
    if (set) return charInfo(set, exactOf(set));
    if (/[1-9k]/.test(c)) throw new Unsupported('backreference');
    return this.literal(this.charEscape(c));
  }

  /** `\d`, `\w`, `\s` and their negations; null for other escapes. */
  private classEscape(c: string): CharSet | null {
    const set = emptySet();
    const lower = c.toLowerCase();
    if (lower === 'd') for (let n = 48; n <= 57; n++) set.low[n] = 1;
    else if (lower === 'w') {
      for (let n = 0; n < 128; n++) if (/\w/.test(String.fromCharCode(n))) set.low[n] = 1;
    } else if (lower === 's') {
      for (let n = 0; n < 256; n++) if (/\s/.test(String.fromCharCode(n))) set.low[n] = 1;
      set.high = true;
    } else return null;
    if (c !== lower) {
      for (let n = 0; n < 256; n++) set.low[n] = set.low[n] ? 0 : 1;
      set.high = true;
    }
    return set;
  }

  /** The code of a single-character escape (`\n`, `\x41`, `\u0041`, `\.`). */
  private charEscape(c: string): number {
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, v: 11, '0': 0 };
    if (c in simple && !(c === '0' && /\d/.test(this.src[this.i] ?? ''))) return simple[c]!;
    if (c === 'x' || c === 'u') {
      const len = c === 'x' ? 2 : 4;
      const hex = this.src.slice(this.i, this.i + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new Unsupported(`\\${c} escape`);
      this.i += len;
      return parseInt(hex, 16);
    }
    if (c === 'c' || /[a-zA-Z0-9]/.test(c)) throw new Unsupported(`\\${c}`);
    return c.charCodeAt(0);
  }

  private charClass(): Info {
    const src = this.src;
    this.i++;
    const negated = src[this.i] === '^';
    if (negated) this.i++;
    const set = emptySet();
    while (this.i < src.length && src[this.i] !== ']') {
      const from = this.classAtom(set);
      if (from !== null && src[this.i] === '-' && src[this.i + 1] !== ']' && this.i + 1 < src.length) {
        this.i++;
        const to = this.classAtom(set);
        if (to === null) throw new Unsupported('class range with a class escape');
        if (to < from) throw new Unsupported('reversed range');
        for (let n = from; n <= to; n++) addCode(set, n, this.ignoreCase);
      } else if (from !== null) addCode(set, from, this.ignoreCase);
    }
    if (src[this.i] !== ']') throw new Unsupported('unclosed class');
    this.i++;
    if (negated) {
      for (let n = 0; n < 256; n++) set.low[n] = set.low[n] ? 0 : 1;
      set.high = true;
    }
    return charInfo(set, negated ? null : exactOf(set));
  }

  /** One class member: its code, or null when it was a class escape (added to `set` already). */
  private classAtom(set: CharSet): number | null {
    const c = this.src[this.i++]!;
    if (c !== '\\') return c.charCodeAt(0);
    const e = this.src[this.i++];
    if (e === undefined) throw new Unsupported('trailing backslash');
    if (e === 'b') return 8;
    const cls = this.classEscape(e);
    if (cls) {
      for (let n = 0; n < 256; n++) if (cls.low[n]) set.low[n] = 1;
      if (cls.high) set.high = true;
      return null;
    }
    return this.charEscape(e);
  }
}

function addCode(set: CharSet, code: number, ignoreCase: boolean): void {
  if (code > 255) {
    set.high = true;
    return;
  }
  set.low[code] = 1;
  if (!ignoreCase) return;
  if (code >= 65 && code <= 90) set.low[code + 32] = 1;
  else if (code >= 97 && code <= 122) set.low[code - 32] = 1;
  else if (code >= 128) {
    // Outside ASCII, case folding reaches beyond Latin-1 (µ, ÿ): keep every such character in the set.
    for (let n = 128; n < 256; n++) set.low[n] = 1;
    set.high = true;
  }
}

/** The strings a one-character set stands for, lowercased, when it holds only a few ASCII characters. */
function exactOf(set: CharSet): string[] | null {
  if (set.high) return null;
  const out = new Set<string>();
  for (let n = 0; n < 256; n++) {
    if (!set.low[n]) continue;
    if (n >= 128) return null;
    out.add(String.fromCharCode(n).toLowerCase());
    if (out.size > 4) return null;
  }
  return out.size ? [...out] : null;
}

function charInfo(set: CharSet, exact: string[] | null): Info {
  return {
    maxLen: 1,
    b: 1,
    t: NONE,
    chars: set,
    exact,
    anchors: exact && exact.every((s) => s.length > 0) ? exact.map((s) => ({ s, b: 1, t: NONE })) : null,
    ctx: 0,
  };
}

function assertionInfo(ctx: number): Info {
  return { maxLen: 0, b: 0, t: NONE, chars: NONE, exact: [''], anchors: null, ctx };
}

function lookInfo(inner: Info): Info {
  return assertionInfo(inner.maxLen + inner.ctx);
}

function product(a: string[], b: string[]): string[] | null {
  if (a.length * b.length > EXACT_LIMIT) return null;
  const out: string[] = [];
  for (const x of a) for (const y of b) out.push(x + y);
  return [...new Set(out)];
}

/** Fewer, longer anchor strings find fewer places to search. */
function better(a: Anchor[] | null, b: Anchor[] | null): Anchor[] | null {
  if (!a) return b;
  if (!b) return a;
  const shortest = (x: Anchor[]) => Math.min(...x.map((y) => y.s.length));
  if (shortest(a) !== shortest(b)) return shortest(a) > shortest(b) ? a : b;
  return a.length <= b.length ? a : b;
}

function concatInfo(items: Info[]): Info {
  if (items.length === 1) return items[0]!;
  let maxLen = 0;
  let b = 0;
  let t = NONE;
  let chars = NONE;
  let ctx = 0;
  let exact: string[] | null = [''];
  for (const x of items) {
    maxLen += x.maxLen;
    b += x.b;
    t = union(t, x.t);
    chars = union(chars, x.chars);
    ctx = Math.max(ctx, x.ctx);
    exact = exact && x.exact ? product(exact, x.exact) : null;
  }
  // A match of the sequence holds a match of each item: any item's anchors serve, their bound widened
  // by what the other items can add. The other items' sets are the union of those before and those
  // after it, each built once (a union per pair of items made planning the rules' first use cost more
  // than scanning a large change's text for them).
  let anchors: Anchor[] | null = null;
  const after: CharSet[] = new Array<CharSet>(items.length + 1);
  after[items.length] = NONE;
  for (let k = items.length - 1; k >= 0; k--) after[k] = union(after[k + 1]!, items[k]!.t);
  let before = NONE;
  for (let j = 0; j < items.length; before = union(before, items[j]!.t), j++) {
    const x = items[j]!;
    if (!x.anchors) continue;
    const others = union(before, after[j + 1]!);
    anchors = better(
      anchors,
      x.anchors.map((a) => ({ s: a.s, b: a.b + b - x.b, t: union(a.t, others) })),
    );
  }
  // Runs of items that each match one of a few strings spell longer literals (`SG` `\.` → `sg.`), with
  // the bound of the whole sequence.
  for (let start = 0; start < items.length; start++) {
    let run: string[] | null = [''];
    for (let end = start; end < items.length && items[end]!.exact; end++) {
      run = product(run, items[end]!.exact!);
      if (!run) break;
      if (run.every((s) => s.length > 0))
        anchors = better(
          anchors,
          run.map((s) => ({ s, b, t })),
        );
    }
  }
  return { maxLen, b, t, chars, exact, anchors, ctx };
}

function alternationInfo(branches: Info[]): Info {
  let t = NONE;
  let chars = NONE;
  let exact: string[] | null = [];
  let anchors: Anchor[] | null = [];
  for (const x of branches) {
    t = union(t, x.t);
    chars = union(chars, x.chars);
    exact = exact && x.exact && exact.length + x.exact.length <= EXACT_LIMIT ? [...new Set([...exact, ...x.exact])] : null;
    // A match of the alternation is a match of one branch: that branch's anchors and bound hold for it.
    anchors = anchors && x.anchors ? [...anchors, ...x.anchors] : null;
  }
  return {
    maxLen: Math.max(...branches.map((x) => x.maxLen)),
    b: Math.max(...branches.map((x) => x.b)),
    t,
    chars,
    exact,
    anchors,
    ctx: Math.max(...branches.map((x) => x.ctx)),
  };
}

function repeatInfo(x: Info, min: number, max: number): Info {
  // Unbounded: every character it consumes is one the item can consume, however many there are.
  const bound = max === Infinity ? (x.b === 0 ? { b: 0, t: x.t } : { b: 0, t: x.chars }) : { b: x.b * max, t: x.t };
  let exact: string[] | null = null;
  if (max === 0) exact = [''];
  else if (x.exact && min === max && min <= 4) {
    exact = [''];
    for (let k = 0; k < min && exact; k++) exact = product(exact, x.exact);
  }
  return {
    maxLen: x.maxLen === 0 ? 0 : x.maxLen * max,
    ...bound,
    chars: x.chars,
    exact,
    anchors: min >= 1 && x.anchors ? x.anchors.map((a) => ({ s: a.s, b: bound.b, t: union(bound.t, a.t) })) : null,
    ctx: x.ctx,
  };
}

export interface WindowPlan {
  anchors: {
    s: string;
    b: number;
    /** Finds the anchor case-insensitively (ASCII only, as the rules' own `i` flag does). */
    re: RegExp;
    /** Null when the bound holds for every character (no unbounded run). */
    t: CharSet | null;
  }[];
  /** How far beyond a match the regex reads. */
  context: number;
}

/** Anchors and reach for windowed matching of `re`, or null when it must run over the whole text. */
export function planWindows(re: RegExp): WindowPlan | null {
  if (/[uv]/.test(re.flags)) return null;
  let info: Info;
  try {
    info = new Analyser(re.source, re.flags.includes('i'), re.flags.includes('s')).run();
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
  if (!info.anchors || !Number.isFinite(info.ctx) || info.anchors.some((a) => a.s.length < 2 || !Number.isFinite(a.b))) return null;
  // One anchor per string, with the loosest bound among its entries.
  const byString = new Map<string, Anchor>();
  for (const a of info.anchors) {
    const seen = byString.get(a.s);
    byString.set(a.s, seen ? { s: a.s, b: Math.max(seen.b, a.b), t: union(seen.t, a.t) } : a);
  }
  // Anchors with equal sets share one set object, so a text's positions outside it are found once.
  const sets = new Map<string, CharSet>();
  const anchors = [...byString.values()].map((a) => {
    const bounded = !a.t.high && a.t.low.every((v) => v === 0);
    const key = `${a.t.high ? 1 : 0}${a.t.low.join('')}`;
    if (!bounded && !sets.has(key)) sets.set(key, a.t);
    return { s: a.s, b: a.b, re: new RegExp(a.s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'), 'gi'), t: bounded ? null : sets.get(key)! };
  });
  return { anchors, context: Math.max(1, info.ctx) };
}

/** Below this length a text is searched whole: windows would not save the cost of finding them. */
export const WINDOW_MIN_TEXT = 1024;
/** Past this share of the text covered, searching the windows costs more than searching the whole. */
const MAX_COVERAGE = 0.5;

/** Positions of the characters outside `t`, in order. */
function outside(text: string, t: CharSet): Int32Array {
  const out: number[] = [];
  const { low, high } = t;
  for (let i = 0, n = text.length; i < n; i++) {
    const c = text.charCodeAt(i);
    if (!(c < 256 ? low[c] : high)) out.push(i);
  }
  return Int32Array.from(out);
}

/** The first index of `list` whose value is at least `value`. */
function lowerBound(list: Int32Array, value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The slices `[start, end)` of `text` to search, flattened and in order, or null to search the whole text. */
export function windowSlices(text: string, plan: WindowPlan): number[] | null {
  const n = text.length;
  const limit = n * MAX_COVERAGE;
  const spans: number[] = [];
  let lists = 0;
  const outsideOf = new Map<CharSet, Int32Array>();
  for (const a of plan.anchors) {
    const re = a.re;
    const k = a.s.length;
    let positions: Int32Array | undefined;
    const before = spans.length;
    re.lastIndex = 0;
    // `test` rather than `exec`: no match object for what may be thousands of occurrences.
    while (re.test(text)) {
      const q = re.lastIndex - k;
      re.lastIndex = q + 1; // overlapping occurrences count too
      let left: number;
      let right: number;
      // Found on the first occurrence: most texts hold none of a rare anchor.
      if (a.t && !positions) {
        positions = outsideOf.get(a.t);
        if (!positions) outsideOf.set(a.t, (positions = outside(text, a.t)));
      }
      if (!positions) {
        left = Math.max(0, q - a.b);
        right = Math.min(n, q + k + a.b);
      } else {
        // At most b characters outside t on each side of the occurrence: the window stops at the next one.
        const j = lowerBound(positions, q);
        left = j - a.b - 1 >= 0 ? positions[j - a.b - 1]! + 1 : 0;
        const i = lowerBound(positions, q + k);
        right = i + a.b < positions.length ? positions[i + a.b]! : n;
      }
      spans.push(left, right);
    }
    if (spans.length > before) lists++;
  }
  if (spans.length === 0) return [];
  // Each anchor's spans come in order; only several anchors' need sorting together.
  let order: number[] | null = null;
  if (lists > 1) order = Array.from({ length: spans.length / 2 }, (_, x) => x).sort((x, y) => spans[2 * x]! - spans[2 * y]!);
  const at = (x: number) => (order ? order[x]! : x);
  const c = plan.context;
  const out: number[] = [];
  let covered = 0;
  let start = spans[2 * at(0)]!;
  let end = spans[2 * at(0) + 1]!;
  for (let x = 1; x <= spans.length / 2; x++) {
    const s = x < spans.length / 2 ? spans[2 * at(x)]! : Infinity;
    // Windows nearer than 2C (plus one for good measure) are one window: see step 2 above.
    if (s - end <= 2 * c + 1) end = Math.max(end, spans[2 * at(x) + 1]!);
    else {
      const from = Math.max(0, start - c);
      const to = Math.min(n, end + c);
      out.push(from, to);
      covered += to - from;
      if (covered > limit) return null;
      if (x < spans.length / 2) {
        start = s;
        end = spans[2 * at(x) + 1]!;
      }
    }
  }
  return out;
}
