/**
 * Go RE2 → JavaScript regex translation for gitleaks' rule set.
 *
 * Node 20 has no scoped inline modifiers, and no engine has RE2's "flag applies from here to the end of
 * the enclosing group" form (`p8e-(?i)[a-z0-9]{32}`). When a pattern mixes case-sensitive and
 * case-insensitive spans we drop the JS `i` flag and spell the insensitive spans out as explicit case
 * classes; when the whole pattern has one sensitivity we keep the cheap `i` flag.
 */

export interface TranslatedRegex {
  source: string;
  flags: string;
}

/**
 * JS backtracks where RE2 does not, so an unbounded `.*` after a common keyword (curl rules) can go
 * quadratic on a long line. A dot run longer than this is not part of any real credential context.
 */
export const DOT_RUN_LIMIT = 256;

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\t\\n\\v\\f\\r ',
  xdigit: '0-9a-fA-F',
  word: '\\w',
  punct: '!-\\/:-@\\[-`{-~',
};

interface Frame {
  ci: boolean;
  dotAll: boolean;
}

const isLetter = (c: string): boolean => /^[A-Za-z]$/.test(c);

/** Parses `(?flags)` / `(?flags:` at `i` (pointing at `(`); returns null when it is another group kind. */
function readFlagGroup(src: string, i: number): { on: string; off: string; scoped: boolean; end: number } | null {
  const m = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(src.slice(i, i + 16));
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return null;
  return { on: m[1] ?? '', off: m[2] ?? '', scoped: m[3] === ':', end: i + m[0].length };
}

function hasCaseToggles(src: string): boolean {
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '\\') {
      i++;
      continue;
    }
    if (src[i] === '(') {
      const g = readFlagGroup(src, i);
      if (g && (g.on.includes('i') || g.off.includes('i'))) return true;
    }
  }
  return false;
}

/** Adds the other case to every letter and letter range of a class body (already JS syntax). */
function foldClassBody(items: string[]): string {
  const extra: string[] = [];
  for (const item of items) {
    const range = /^([A-Za-z])-([A-Za-z])$/.exec(item);
    if (range) {
      const [, a, b] = range as unknown as [string, string, string];
      const bothLower = a >= 'a' && b <= 'z' && a <= b;
      const bothUpper = a >= 'A' && b <= 'Z' && a <= b;
      if (bothLower) extra.push(`${a.toUpperCase()}-${b.toUpperCase()}`);
      else if (bothUpper) extra.push(`${a.toLowerCase()}-${b.toLowerCase()}`);
    } else if (item.length === 1 && isLetter(item)) {
      extra.push(item === item.toLowerCase() ? item.toUpperCase() : item.toLowerCase());
    }
  }
  return items.join('') + extra.join('');
}

/** Reads a bracket class starting at `i` (`[`); returns its JS form and the index after `]`. */
function readClass(src: string, i: number, ci: boolean): { out: string; end: number } {
  let j = i + 1;
  let negate = '';
  if (src[j] === '^') {
    negate = '^';
    j++;
  }
  const items: string[] = [];
  let first = true;
  while (j < src.length && (src[j] !== ']' || first)) {
    first = false;
    if (src.startsWith('[:', j)) {
      const close = src.indexOf(':]', j);
      const name = src.slice(j + 2, close);
      const expansion = POSIX_CLASSES[name];
      if (close < 0 || expansion === undefined) throw new Error(`unsupported POSIX class at ${j}`);
      items.push(expansion);
      j = close + 2;
      continue;
    }
    let atom: string;
    if (src[j] === '\\') {
      atom = src.slice(j, j + 2);
      if (atom === '\\x') atom = src.slice(j, j + 4);
      j += atom.length;
    } else if (src[j] === '[') {
      atom = '\\[';
      j++;
    } else {
      atom = src[j] as string;
      j++;
    }
    // A range a-z: keep as one item so folding sees it.
    if (src[j] === '-' && src[j + 1] !== undefined && src[j + 1] !== ']') {
      let hi: string;
      if (src[j + 1] === '\\') {
        hi = src.slice(j + 1, j + 3);
        if (hi === '\\x') hi = src.slice(j + 1, j + 5);
      } else hi = src[j + 1] as string;
      items.push(`${atom}-${hi}`);
      j += 1 + hi.length;
      continue;
    }
    items.push(atom);
  }
  if (src[j] !== ']') throw new Error(`unterminated class at ${i}`);
  const body = ci ? foldClassBody(items) : items.join('');
  return { out: `[${negate}${body}]`, end: j + 1 };
}

/** Leading `[\w.-]{0,50}?` only widens where a match starts; dropping it keeps the same secrets and
 * removes 50 backtracking steps at every position of every line that holds a keyword. */
function dropLazyPrefix(src: string): string {
  const prefix = '[\\w.-]{0,50}?';
  let s = src;
  const lead = s.startsWith('(?i)') ? '(?i)' : '';
  s = s.slice(lead.length);
  if (s.startsWith(prefix)) s = s.slice(prefix.length);
  if (s.startsWith('(?i:' + prefix)) s = '(?i:' + s.slice(4 + prefix.length);
  return lead + s;
}

export function translateGoRegex(goSource: string, options: { dropLeadingContext?: boolean } = {}): TranslatedRegex {
  let src = options.dropLeadingContext ? dropLazyPrefix(goSource) : goSource;
  let leadingCi = false;
  if (src.startsWith('(?i)')) {
    leadingCi = true;
    src = src.slice(4);
  }
  const expand = hasCaseToggles(src);
  const stack: Frame[] = [{ ci: leadingCi, dotAll: false }];
  let out = '';
  const top = (): Frame => stack[stack.length - 1] as Frame;
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\\') {
      const next = src[i + 1];
      if (next === 'z') out += '$';
      else if (next === 'A') out += '^';
      else if (next === 'Q' || next === 'E' || next === 'C' || next === 'p' || next === 'P') throw new Error(`unsupported escape \\${next}`);
      else if (next === 'x') {
        out += src.slice(i, i + 4);
        i += 4;
        continue;
      } else if (expand && top().ci && next !== undefined && isLetter(next) && !/[wWdDsSbBnrtfv]/.test(next))
        out += `[${next.toLowerCase()}${next.toUpperCase()}]`;
      else out += src.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '[') {
      const cls = readClass(src, i, expand && top().ci);
      out += cls.out;
      i = cls.end;
      continue;
    }
    if (c === '(') {
      const flagGroup = readFlagGroup(src, i);
      if (flagGroup) {
        const f: Frame = { ...top() };
        if (flagGroup.on.includes('i')) f.ci = true;
        if (flagGroup.off.includes('i')) f.ci = false;
        if (flagGroup.on.includes('s')) f.dotAll = true;
        if (flagGroup.off.includes('s')) f.dotAll = false;
        for (const flag of flagGroup.on + flagGroup.off) if (flag !== 'i' && flag !== 's') throw new Error(`unsupported flag ${flag}`);
        if (flagGroup.scoped) {
          stack.push(f);
          out += '(?:';
        } else {
          stack[stack.length - 1] = f;
        }
        i = flagGroup.end;
        continue;
      }
      if (src.startsWith('(?P<', i)) {
        out += '(?<';
        i += 4;
      } else if (src.startsWith('(?:', i)) {
        out += '(?:';
        i += 3;
      } else {
        out += '(';
        i += 1;
      }
      stack.push({ ...top() });
      continue;
    }
    if (c === ')') {
      if (stack.length > 1) stack.pop();
      out += ')';
      i++;
      continue;
    }
    if (c === '.') {
      out += top().dotAll ? '[\\s\\S]' : '[^\\n]';
      i++;
      const q = src[i];
      if (q === '*' || q === '+') {
        out += q === '*' ? `{0,${DOT_RUN_LIMIT}}` : `{1,${DOT_RUN_LIMIT}}`;
        i++;
      }
      continue;
    }
    if (expand && top().ci && isLetter(c)) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
      i++;
      continue;
    }
    out += c;
    i++;
  }
  const flags = !expand && leadingCi ? 'i' : '';
  return { source: out, flags };
}
