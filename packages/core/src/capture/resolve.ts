import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { globToRegExp } from '../policy/glob.js';

const GLOB_CHARS = /[*?[\]{}]/;

/**
 * Resolves the `path` input to exactly one regular file. A glob that matches nothing or several
 * files is the user's mistake: guessing which transcript to judge would judge the wrong one.
 */
export function resolveTranscriptPath(input: string, workspace: string): string {
  const absolute = path.resolve(workspace, input);
  if (!GLOB_CHARS.test(input)) {
    if (!existsSync(absolute)) throw new ConfigError('E_NOT_FOUND', `input "path": no file at ${input}`);
    if (!statSync(absolute).isFile()) throw new ConfigError('E_INPUT', `input "path": ${input} is not a regular file`);
    return absolute;
  }
  const posix = absolute.split(path.sep).join('/');
  const firstGlob = posix.search(GLOB_CHARS);
  const baseDir = posix.slice(0, posix.lastIndexOf('/', firstGlob)) || '/';
  let pattern: RegExp;
  try {
    pattern = globToRegExp(posix.slice(baseDir.length).replace(/^\/+/, ''));
  } catch (error) {
    throw new ConfigError('E_INPUT', `input "path": ${error instanceof Error ? error.message : 'invalid glob'}`);
  }
  const matches: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 32 || matches.length > 100) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = `${dir === '/' ? '' : dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && entry.name !== 'node_modules') walk(full, depth + 1);
      } else if (entry.isFile() && pattern.test(full.slice(baseDir.length).replace(/^\/+/, ''))) matches.push(full);
    }
  };
  walk(baseDir, 0);
  if (matches.length === 0) throw new ConfigError('E_NOT_FOUND', `input "path": the glob ${input} matches no file`);
  if (matches.length > 1) {
    throw new ConfigError(
      'E_INPUT',
      `input "path": the glob ${input} matches ${matches.length > 100 ? 'over 100' : matches.length} files; it must match exactly one`,
    );
  }
  return matches[0]!;
}
