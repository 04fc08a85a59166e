/** Which parser reads a file, by its base name: the only files whose content the dependencies rule reads. */

import { parseCargoLock, parseCargoToml } from './cargo.js';
import { parseGoMod, parseGoSum } from './go.js';
import type { DependencyFile } from './model.js';
import { parsePackageJson, parsePackageLock, parsePnpmLock, parseYarnLock } from './npm.js';
import { parsePoetryLock, parsePyproject, parseRequirements, parseUvLock } from './python.js';
import { parseGemfileLock } from './ruby.js';

export type DependencyParser = (text: string) => DependencyFile;

const BY_NAME: Record<string, DependencyParser> = {
  'package.json': parsePackageJson,
  'package-lock.json': parsePackageLock,
  'npm-shrinkwrap.json': parsePackageLock,
  'pnpm-lock.yaml': parsePnpmLock,
  'yarn.lock': parseYarnLock,
  'pyproject.toml': parsePyproject,
  'poetry.lock': parsePoetryLock,
  'uv.lock': parseUvLock,
  'go.mod': parseGoMod,
  'go.sum': parseGoSum,
  'Cargo.toml': parseCargoToml,
  'Cargo.lock': parseCargoLock,
  'Gemfile.lock': parseGemfileLock,
};

/** The parser for a manifest or lockfile path, or undefined for any other file. */
export function dependencyParser(path: string): DependencyParser | undefined {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  const byName = Object.hasOwn(BY_NAME, base) ? BY_NAME[base] : undefined;
  if (byName) return byName;
  // requirements.txt, requirements-dev.txt, requirements/prod.txt; every other file (nearly all of a
  // large change) is known not to be one by its last four characters, without a regex.
  if (!base.endsWith('.txt')) return undefined;
  if (/^requirements.*\.txt$/.test(base) || (/\.txt$/.test(base) && /(?:^|\/)requirements\/[^/]+$/.test(path))) return parseRequirements;
  return undefined;
}

export type { Dependency, DependencyFile } from './model.js';
export { UnparsedError } from './model.js';
