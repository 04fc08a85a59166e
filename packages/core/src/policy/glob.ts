/**
 * The one glob dialect of the policy file, so diff-scope, secrets allow-lists and tool rules agree on
 * what `src/**` means. Globs are anchored at the repository root: `*` and `?` stay within one path
 * segment, `**` as a whole segment spans any number of them (zero included), `[abc]`/`[!abc]` is one
 * character, `{a,b}` is either alternative. Dot files are not special: `src/**` covers `src/.env`,
 * because a protection that skipped dot files would skip `.claude/`.
 */

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 2000;

/** Why `glob` is not a usable path glob, or undefined when it is. */
export function globProblem(glob: string): string | undefined {
  if (glob.length === 0) return 'must not be empty';
  if (glob.includes('\0') || glob.includes('\\')) return 'must not contain a backslash or NUL (use / between folders)';
  if (glob.startsWith('/')) return 'must be relative to the repository root (no leading /)';
  const segments = stripDotSlash(glob).split('/');
  if (segments.some((s) => s === '..')) return 'must not contain a .. segment';
  if (segments.slice(0, -1).some((s) => s === '')) return 'must not contain an empty folder name (//)';
  let braces = 0;
  let inClass = false;
  let classBody = '';
  for (const ch of glob) {
    if (inClass) {
      if (ch === ']') {
        if (classBody === '' || classBody === '!' || classBody === '^') return 'has an empty [...]';
        inClass = false;
      } else if (ch === '/') return 'must not have a / inside [...]';
      else classBody += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      classBody = '';
    } else if (ch === '{') {
      braces += 1;
      if (braces > 1) return 'must not nest {...} inside {...}';
    } else if (ch === '}') {
      braces -= 1;
      if (braces < 0) return 'has a } without a matching {';
    }
  }
  if (inClass) return 'has a [ without a matching ]';
  if (braces !== 0) return 'has a { without a matching }';
  return undefined;
}

function stripDotSlash(value: string): string {
  let result = value;
  while (result.startsWith('./')) result = result.slice(2);
  return result;
}

function escapeRegExp(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

function translate(glob: string): string {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const ch = glob[i] as string;
    const atSegmentStart = i === 0 || glob[i - 1] === '/';
    if (ch === '*' && glob[i + 1] === '*' && atSegmentStart && (i + 2 === glob.length || glob[i + 2] === '/')) {
      if (i + 2 === glob.length) {
        out += '.*';
        i += 2;
      } else {
        out += '(?:[^/]*/)*';
        i += 3;
      }
      continue;
    }
    if (ch === '*') {
      while (glob[i + 1] === '*') i += 1;
      out += '[^/]*';
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      const escaped = body.replace(/[\\\]^]/g, (c) => `\\${c}`);
      out += negate ? `[^/${escaped}]` : `[${escaped}]`;
      i = end;
    } else if (ch === '{') {
      const end = glob.indexOf('}', i);
      const alternatives = glob.slice(i + 1, end).split(',');
      out += `(?:${alternatives.map(translate).join('|')})`;
      i = end;
    } else {
      out += escapeRegExp(ch);
    }
    i += 1;
  }
  return out;
}

/** The anchored RegExp for a glob. Throws a TypeError for a glob `globProblem` rejects. */
export function globToRegExp(glob: string): RegExp {
  const cached = cache.get(glob);
  if (cached) return cached;
  const problem = globProblem(glob);
  if (problem) throw new TypeError(`glob "${glob}" ${problem}`);
  let source = stripDotSlash(glob);
  // A trailing slash names a folder: everything inside it.
  if (source.endsWith('/')) source += '**';
  const regex = new RegExp(`^${translate(source)}$`, 's');
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(glob, regex);
  return regex;
}

/**
 * Normalises a repository-relative path for matching: `./` and duplicate slashes removed, `a/../b`
 * resolved. Returns undefined for a path that leaves the repository or is absolute, which then
 * matches no glob (so it is never "allowed" by one).
 */
export function normaliseRepoPath(file: string): string | undefined {
  if (file.length === 0 || file.includes('\0') || file.startsWith('/')) return undefined;
  const parts: string[] = [];
  for (const segment of file.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else {
      parts.push(segment);
    }
  }
  return parts.length === 0 ? undefined : parts.join('/');
}

/** True when the repository-relative `file` matches `glob`. An invalid glob matches nothing. */
export function matchGlob(glob: string, file: string): boolean {
  const normalised = normaliseRepoPath(file);
  if (normalised === undefined || globProblem(glob) !== undefined) return false;
  return globToRegExp(glob).test(normalised);
}

/** True when `file` matches any of `globs`. */
export function matchAnyGlob(globs: readonly string[], file: string): boolean {
  return globs.some((glob) => matchGlob(glob, file));
}
