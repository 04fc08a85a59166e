/**
 * diff-scope's content-aware rules: they read a changed file's bytes at base and head, and only for
 * files that are tests or dependency manifests and lockfiles.
 */

import type { Rule } from '../types.js';
import { dependenciesRule, type DependenciesOptions } from './dependencies-rule.js';
import { testsRule, type TestsOptions } from './tests-rule.js';

export interface ContentRuleOptions {
  /** The normalised policy's `scope.tests`. */
  readonly tests: TestsOptions;
  /** The normalised policy's `scope.dependencies`. */
  readonly dependencies: DependenciesOptions;
}

export function contentRules(options: ContentRuleOptions): Rule[] {
  return [testsRule(options.tests), dependenciesRule(options.dependencies)];
}

export { dependenciesRule, compareDependencyFiles, MAX_ADDED_PER_FILE, MAX_DEPENDENCY_FILE_BYTES, type DependenciesOptions } from './dependencies-rule.js';
export { testsRule, countTestCases, markerOnLine, mayHoldMarker, type TestsOptions } from './tests-rule.js';
export { testPathKind, sourceLanguage } from './test-files.js';
export { blankCommentsAndStrings, type SourceLanguage } from './lexer.js';
export { compareVersions, minimumVersion, type Ecosystem } from './versions.js';
export { dependencyParser, type Dependency, type DependencyFile } from './deps/index.js';
