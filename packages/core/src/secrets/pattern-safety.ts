/**
 * User patterns (`redact-patterns`, the policy's `secrets.patterns`) run over every line an agent
 * wrote, so a hostile agent chooses their input. JavaScript regular expressions backtrack and have no
 * time limit: `(a+)+$` over 40 `a`s and a `b` never ends. The shapes that backtrack exponentially are
 * refused when the patterns are loaded:
 *  - a repeated group whose body repeats too (`(a+)+`, `(\w+\s?)*`), unless the body has a character
 *    that must occur once per repetition and that none of its repeated parts can match, which splits
 *    the input unambiguously (`(?:[a-z0-9]+\.)+`, `(?:\s*,\s*\w+)*`);
 *  - a repeated alternation whose branches can start with the same character (`(a|a)*`, `(a|ab)+`).
 * The check is conservative: it may refuse a pattern that would have been fine, and says how to fix it.
 */

interface Quant {
  min: number;
  max: number;
}
type Node = { kind: 'atom'; src: string; quant?: Quant } | { kind: 'group'; alts: Node[][]; zeroWidth: boolean; quant?: Quant };

/** A repetition bound above this backtracks as badly as an unbounded one on a line of a few hundred characters. */
const MANY = 10;
const ASCII = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));

function parse(source: string): Node[][] {
  let i = 0;
  function quantifier(): Quant | undefined {
    const c = source[i];
    let q: Quant | undefined;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (!m) return undefined;
      const min = Number(m[1]);
      q = { min, max: m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity };
      i += m[0].length - 1;
    }
    if (!q) return undefined;
    i++;
    if (source[i] === '?') i++;
    return q;
  }
  function sequence(): Node[][] {
    const alts: Node[][] = [[]];
    while (i < source.length) {
      const c = source[i]!;
      if (c === ')') break;
      if (c === '|') {
        alts.push([]);
        i++;
        continue;
      }
      let node: Node;
      if (c === '(') {
        const prefix = /^\((?:\?(?::|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>))?/.exec(source.slice(i))![0];
        i += prefix.length;
        const inner = sequence();
        i++; // ')'
        node = { kind: 'group', alts: inner, zeroWidth: /^\(\?(?:=|!|<=|<!)/.test(prefix) };
      } else if (c === '[') {
        let j = i + 1;
        if (source[j] === '^') j++;
        if (source[j] === ']') j++;
        while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
        node = { kind: 'atom', src: source.slice(i, j + 1) };
        i = j + 1;
      } else if (c === '\\') {
        const m = /^\\(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|[pP]\{[^}]*\}|k<[^>]*>|\d+|[\s\S])/.exec(source.slice(i))!;
        node = { kind: 'atom', src: m[0] };
        i += m[0].length;
      } else {
        node = { kind: 'atom', src: c };
        i++;
      }
      const q = quantifier();
      if (q) node.quant = q;
      alts[alts.length - 1]!.push(node);
    }
    return alts;
  }
  const alts = sequence();
  return alts;
}

const ZERO_WIDTH = /^(?:\^|\$|\\[bB])$/;

/** The ASCII characters an atom can match (all of them when that cannot be told). */
function matches(src: string, flags: string): Set<string> {
  if (ZERO_WIDTH.test(src)) return new Set();
  if (/^\\(?:\d|k<)/.test(src)) return new Set(ASCII);
  try {
    const re = new RegExp(`^(?:${src})$`, flags.replace(/[gyd]/g, ''));
    return new Set(ASCII.filter((ch) => re.test(ch)));
  } catch {
    return new Set(ASCII);
  }
}

function leaves(nodes: readonly Node[], out: string[] = []): string[] {
  for (const n of nodes) {
    if (n.kind === 'atom') out.push(n.src);
    else if (!n.zeroWidth) for (const alt of n.alts) leaves(alt, out);
  }
  return out;
}

/** The atoms under a repetition (max above one) anywhere in `nodes`. */
function repeatedLeaves(nodes: readonly Node[], out: string[] = []): string[] {
  for (const n of nodes) {
    if (n.kind === 'group' && n.zeroWidth) continue;
    if (n.quant && n.quant.max > 1) leaves([n], out);
    else if (n.kind === 'group') for (const alt of n.alts) repeatedLeaves(alt, out);
  }
  return out;
}

function firstLeaf(nodes: readonly Node[]): string | null {
  for (const n of nodes) {
    if (n.kind === 'atom') {
      if (ZERO_WIDTH.test(n.src)) continue;
      return n.src;
    }
    if (n.zeroWidth) continue;
    return n.alts.length === 1 ? firstLeaf(n.alts[0]!) : null;
  }
  return null;
}

function problemIn(alts: readonly Node[][], flags: string): string | undefined {
  for (const alt of alts)
    for (const n of alt) {
      if (n.kind !== 'group' || n.zeroWidth) continue;
      if (n.quant && n.quant.max > MANY) {
        if (n.alts.length > 1) {
          const firsts = n.alts.map((a) => firstLeaf(a));
          const sets = firsts.map((f) => (f === null ? new Set(ASCII) : matches(f, flags)));
          for (let a = 0; a < sets.length; a++)
            for (let b = a + 1; b < sets.length; b++)
              if ([...sets[a]!].some((ch) => sets[b]!.has(ch))) return 'repeats an alternation whose branches can start with the same character (like (a|a)*)';
        }
        const inner = repeatedLeaves(n.alts.flat());
        if (inner.length) {
          const innerSets = inner.map((src) => matches(src, flags));
          const separated =
            n.alts.length === 1 &&
            n.alts[0]!.some((m) => {
              if (m.kind !== 'atom' || (m.quant && m.quant.min === 0) || (m.quant && m.quant.max > 1)) return false;
              const own = matches(m.src, flags);
              return own.size > 0 && [...own].every((ch) => innerSets.every((s) => !s.has(ch)));
            });
          if (!separated) return 'repeats a group that repeats inside too (like (a+)+), which can take exponential time';
        }
      }
      const nested = problemIn(n.alts, flags);
      if (nested) return nested;
    }
  return undefined;
}

/** Why a JavaScript pattern could backtrack without end on a hostile line, or undefined when it cannot. */
export function catastrophicShape(source: string, flags = ''): string | undefined {
  return problemIn(parse(source), flags);
}
