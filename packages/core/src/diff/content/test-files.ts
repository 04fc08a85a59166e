/**
 * Which changed files are tests, by each ecosystem's own conventions, and which language's counters
 * and markers apply to them. Only a recognised source extension makes a test file: a fixture
 * (`tests/data.json`) or a snapshot is test data, not a test.
 */

import type { SourceLanguage } from './lexer.js';

/** Source extensions (after a file's last dot) and their language. */
const EXTENSIONS = new Map<string, SourceLanguage>([
  // [cm]?[jt]sx?
  ...['', 'c', 'm'].flatMap((prefix) => ['js', 'jsx', 'ts', 'tsx'].map((ext): [string, SourceLanguage] => [prefix + ext, 'js'])),
  ['py', 'python'],
  ['go', 'go'],
  ...['java', 'kt', 'kts', 'groovy', 'scala'].map((ext): [string, SourceLanguage] => [ext, 'jvm']),
  ['rs', 'rust'],
  ['rb', 'ruby'],
]);

/**
 * The language of a source file by its extension, or undefined for anything else. Looked up by what
 * follows the last dot (a folder's dot is followed by a slash, so it names no extension): every file
 * of a change is asked, and a regex per language tested the whole path each time.
 */
export function sourceLanguage(path: string): SourceLanguage | undefined {
  const dot = path.lastIndexOf('.');
  return dot === -1 ? undefined : EXTENSIONS.get(path.slice(dot + 1));
}

// The tests rule asks about the same path several times in a row (is it a test, under which name,
// in which language): the last answer is kept.
let lastPath: string | undefined;
let lastKind: 'name' | 'folder' | undefined;

function segments(path: string): { dirs: string[]; base: string } {
  const parts = path.split('/');
  const base = parts.pop() ?? '';
  return { dirs: parts, base };
}

/**
 * Whether `path` is a test file by its path alone: `name` when the file name itself says so
 * (`*.test.ts`, `test_*.py`, `*_test.go`), `folder` when only its folder does (`tests/helpers.py`,
 * `src/test/java/Util.java`): such a file is a test file only if it holds test cases. Rust files
 * outside `tests/` are test files only when their content holds `#[test]` or `#[cfg(test)]`.
 */
export function testPathKind(path: string): 'name' | 'folder' | undefined {
  if (path === lastPath) return lastKind;
  lastKind = pathKind(path);
  lastPath = path;
  return lastKind;
}

/**
 * Text every test path below holds, in any language: `test` (`*.test.ts`, `test_*.py`, `*_test.go`,
 * `tests/`, `__tests__/`, `src/test/`), `Test` (`CartTest.java`, `src/androidTest/`), `spec`/`Spec`,
 * `IT.`, `.cy.`, `.e2e.`, `benches`. A path without any is no test by its path, and is known so
 * without splitting it into folders: most paths of a large change are that (pathKind's test compares).
 */
const TEST_PATH_HINT = /test|Test|spec|Spec|IT\.|\.cy\.|\.e2e\.|benches/;

function pathKind(path: string): 'name' | 'folder' | undefined {
  return TEST_PATH_HINT.test(path) ? pathKindByConventions(path) : undefined;
}

/** testPathKind's answer from each ecosystem's conventions, for any path (exported for the test of TEST_PATH_HINT). */
export function pathKindByConventions(path: string): 'name' | 'folder' | undefined {
  const language = sourceLanguage(path);
  if (!language) return undefined;
  const { dirs, base } = segments(path);
  switch (language) {
    case 'js':
      return by(/\.(?:test|spec|cy|e2e)\.[cm]?[jt]sx?$/.test(base), dirs.includes('__tests__') || dirs.includes('test') || dirs.includes('tests'));
    case 'python':
      return by(/^test_.*\.py$/.test(base) || /_test\.py$/.test(base), dirs.includes('tests') || dirs.includes('test'));
    case 'go':
      return by(base.endsWith('_test.go'), false);
    case 'jvm':
      return by(/(?:Tests?|IT|Spec)\.(?:java|kt|kts|groovy|scala)$/.test(base), inSourceSet(dirs, 'test') || inSourceSet(dirs, 'androidTest'));
    case 'rust':
      return by(false, dirs.includes('tests') || dirs.includes('benches'));
    case 'ruby':
      return by(/_(?:spec|test)\.rb$/.test(base) || /^test_.*\.rb$/.test(base), dirs.includes('spec') || dirs.includes('test'));
  }
}

function by(name: boolean, folder: boolean): 'name' | 'folder' | undefined {
  return name ? 'name' : folder ? 'folder' : undefined;
}

/** Gradle and Maven's `src/test/...` (or `src/androidTest/...`) source sets, at any depth. */
function inSourceSet(dirs: readonly string[], set: string): boolean {
  for (let i = 0; i + 1 < dirs.length; i++) if (dirs[i] === 'src' && dirs[i + 1] === set) return true;
  return false;
}

/** Rust keeps unit tests inside the source file; such a file is a test file too. Expects blanked text. */
export function rustHasTests(code: string): boolean {
  return /#\s*\[\s*cfg\s*\(\s*test\s*\)\s*\]/.test(code) || /#\s*\[\s*(?:[\w]+::)*test\s*[\]()]/.test(code);
}
