/**
 * The `tests` rule: no deleted test files, no net loss of test cases in a test file, no newly skipped
 * or focused tests. Every judgement is made on text with comments and strings blanked, and only in
 * test files: `.skip()` in production code is somebody's API, not a skipped test.
 */

import {
  addedLineCount,
  addedLineNumbers,
  addedText,
  NO_FINDINGS,
  readOwn,
  runScan,
  withoutAddedLines,
  type ContentSource,
  type FileChange,
  type Finding,
  type LineScan,
  type Rule,
  type RuleContext,
} from '../types.js';
import { OrderedJobs } from './concurrency.js';
import { blankCommentsAndStrings, type SourceLanguage } from './lexer.js';
import { rustHasTests, sourceLanguage, testPathKind } from './test-files.js';

export interface TestsOptions {
  readonly allowDeleted: boolean;
  readonly allowSkipped: boolean;
  readonly allowFewer: boolean;
}

/** Patterns that each count one test case, per language. */
const CASE_PATTERNS: Record<SourceLanguage, readonly RegExp[]> = {
  js: [/(?<![\w$.])(?:it|test|specify|fit|xit|xtest)\s*(?:\.\s*\w+\s*)*\(/g],
  python: [/^[ \t]*(?:async[ \t]+)?def[ \t]+test\w*[ \t]*\(/gm],
  go: [/^func[ \t]+(?:Test|Fuzz)(?![a-z])\w*[ \t]*\(/gm],
  jvm: [/@\s*(?:Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\b/g],
  rust: [/#\s*\[\s*(?:\w+\s*::\s*)*(?:test|test_case|rstest)\b/g],
  ruby: [/^[ \t]*(?:it|specify|example|scenario|its|fit|xit)\b(?=[ \t]*(?:\(|['"{]|do\b))/gm, /^[ \t]*def[ \t]+test_\w*/gm, /^[ \t]*test[ \t]+['"]/gm],
};

export interface Marker {
  readonly pattern: RegExp;
  readonly code: 'test-skipped' | 'test-focused';
  readonly what: string;
}

export const MARKERS: Record<SourceLanguage, readonly Marker[]> = {
  js: [
    { pattern: /\.\s*only\b(?=\s*[(.`])/, code: 'test-focused', what: '`.only`' },
    { pattern: /(?<![\w$.])(?:fit|fdescribe|fcontext)\s*\(/, code: 'test-focused', what: '`fit`/`fdescribe`' },
    {
      pattern: /(?<![\w$])(?:it|test|describe|context|suite|specify|bench)\s*\.\s*(?:skip|skipIf|todo|fixme)\b/,
      code: 'test-skipped',
      what: '`.skip`/`.todo`/`.fixme`',
    },
    { pattern: /(?<![\w$.])(?:xit|xtest|xdescribe|xcontext|xspecify)\s*\(/, code: 'test-skipped', what: '`xit`/`xdescribe`' },
    { pattern: /\bthis\s*\.\s*skip\s*\(|(?<![\w$.])pending\s*\(/, code: 'test-skipped', what: '`this.skip()`/`pending()`' },
  ],
  python: [
    // `@pytest.mark.skip`, `@mark.skip`, a module's `pytestmark = pytest.mark.skip(…)`, `marks=pytest.mark.xfail`.
    { pattern: /(?<![\w.])(?:pytest\s*\.\s*)?mark\s*\.\s*(?:skip|skipif|xfail)\b/, code: 'test-skipped', what: '`pytest.mark.skip`' },
    { pattern: /@\s*(?:unittest\s*\.\s*)?(?:skip|skipIf|skipUnless|expectedFailure)\b/, code: 'test-skipped', what: '`@unittest.skip`' },
    { pattern: /\bpytest\s*\.\s*(?:skip|xfail)\s*\(|\bself\s*\.\s*skipTest\s*\(/, code: 'test-skipped', what: '`pytest.skip()`' },
    { pattern: /\bSkipTest\s*\(/, code: 'test-skipped', what: '`raise unittest.SkipTest()`' },
  ],
  go: [{ pattern: /\b\w+\s*\.\s*Skip(?:f|Now)?\s*\(/, code: 'test-skipped', what: '`t.Skip`' }],
  jvm: [{ pattern: /@\s*(?:Disabled\w*|Ignore)\b/, code: 'test-skipped', what: '`@Disabled`/`@Ignore`' }],
  rust: [{ pattern: /#\s*\[\s*ignore\b/, code: 'test-skipped', what: '`#[ignore]`' }],
  ruby: [
    { pattern: /(?<![\w.])(?:fit|fdescribe|fcontext|fspecify|fexample|fscenario)\b/, code: 'test-focused', what: '`fit`/`fdescribe`' },
    { pattern: /\bfocus\s*:\s*true\b|(?<![\w:]):focus\b/, code: 'test-focused', what: '`focus: true`' },
    { pattern: /(?<![\w.])(?:xit|xdescribe|xcontext|xspecify|xexample|xscenario)\b/, code: 'test-skipped', what: '`xit`/`xdescribe`' },
    { pattern: /(?:^|[\s;{(])(?:skip|pending)(?=[\s(]|$)/, code: 'test-skipped', what: '`skip`/`pending`' },
    { pattern: /\bskip\s*:\s*(?:true\b|['"])|(?<![\w:]):skip\b/, code: 'test-skipped', what: '`skip: true`' },
  ],
};

/**
 * Per language, words every marker's match contains (a marker is made of code: its letters are never
 * blanked into being). An added line without one cannot hold a marker once blanked. The markers
 * themselves cannot be tested on the raw line instead: blanking turns a comment or a string into
 * spaces, and a raw `skip#flaky` matches no marker where the blanked `skip      ` does.
 */
export const MARKER_WORDS: Record<SourceLanguage, RegExp> = {
  js: /only|fit|fdescribe|fcontext|skip|todo|fixme|xit|xtest|xdescribe|xcontext|xspecify|pending/,
  python: /skip|Skip|xfail|expectedFailure/,
  go: /Skip/,
  jvm: /Disabled|Ignore/,
  rust: /ignore/,
  ruby: /fit|fdescribe|fcontext|fspecify|fexample|fscenario|focus|xit|xdescribe|xcontext|xspecify|xexample|xscenario|skip|pending/,
};

/** Whether `line` (raw, not blanked) could hold one of the language's markers once blanked. */
export function mayHoldMarker(line: string, language: SourceLanguage): boolean {
  return MARKER_WORDS[language].test(line);
}

/** The first marker on one line of blanked code, if any. */
export function markerOnLine(code: string, language: SourceLanguage): Marker | undefined {
  return MARKERS[language].find((marker) => marker.pattern.test(code));
}

/** Counts the test cases in source text that has been through `blankCommentsAndStrings`. */
export function countTestCases(code: string, language: SourceLanguage): number {
  let count = 0;
  for (const pattern of CASE_PATTERNS[language]) {
    // test() with /g walks the matches like matchAll without building a match array for each
    // (every pattern consumes at least one character, so lastIndex always moves on).
    pattern.lastIndex = 0;
    while (pattern.test(code)) count++;
  }
  return count;
}

/** One side of a file, read once and blanked once. */
interface Side {
  readonly code: string;
  readonly cases: number;
  readonly isTest: boolean;
}

/** `path`: the change's own path at `side` (its old path at base for a rename). */
async function readSide(ctx: Pick<RuleContext, 'content'>, side: 'base' | 'head', path: string, change: FileChange): Promise<Side | undefined> {
  const language = sourceLanguage(path);
  const kind = testPathKind(path);
  if (!language || (!kind && language !== 'rust')) return undefined;
  const bytes = await readOwn(ctx.content, side, path, change);
  if (!bytes) return undefined;
  // Blanked from the bytes: most source files are ASCII, and are then never decoded into a string first.
  const code = blankCommentsAndStrings(bytes, language);
  const cases = countTestCases(code, language);
  // A file that is a test only by its folder (`tests/helpers.py`) counts when it holds test cases.
  const isTest = kind === 'name' || (kind === 'folder' && cases > 0) || (language === 'rust' && rustHasTests(code));
  return { code, cases, isTest };
}

/** Whether the path could be a test file at all, before reading it (cheap: no content read otherwise). */
function mayBeTest(path: string | undefined): boolean {
  if (path === undefined) return false;
  return testPathKind(path) !== undefined || sourceLanguage(path) === 'rust';
}

/** Files judged at once: enough to keep the content reader busy, few enough that their text stays small. */
const CONCURRENT_FILES = 64;

export function testsRule(options: TestsOptions): Rule {
  const verdict = (allowed: boolean) =>
    allowed ? { severity: 'pass' as const, tier: 'medium' as const } : { severity: 'fail' as const, tier: 'high' as const };

  /** What a file's added lines say, kept from the scan: their head line numbers, and whether one could hold a marker. */
  interface Added {
    readonly lines: Uint32Array;
    readonly markerCandidate: boolean;
  }
  const judge = async (ctx: Pick<RuleContext, 'content'>, change: FileChange, added: Added | undefined): Promise<Finding[]> => {
    const findings: Finding[] = [];
    const basePath = change.status === 'renamed' ? change.oldPath : change.status === 'added' || change.status === 'copied' ? undefined : change.path;
    const headPath = change.status === 'deleted' ? undefined : change.path;
    if (!mayBeTest(basePath) && !mayBeTest(headPath)) return findings;

    // Any change to the content can lose a test case, lines only added included: a `/*` line before a
    // test and a `*/` line after it (or a pair of `"""` lines in Python) turn it into a comment or a
    // string without deleting a line. Only a file whose content did not change (a mode change) keeps
    // its count without its base being read.
    const contentChanged = change.added > 0 || change.deleted > 0 || change.oldBlob === undefined || change.oldBlob !== change.newBlob;
    const needBase = basePath !== undefined && mayBeTest(basePath) && (change.status === 'deleted' || change.status === 'renamed' || contentChanged);
    // The head is read to compare counts, or when an added line could hold a marker (mayHoldMarker).
    const headLanguage = headPath !== undefined ? sourceLanguage(headPath) : undefined;
    const markerCandidate = headLanguage !== undefined && (added?.markerCandidate ?? false);
    // A base named as a test is a test whenever it exists: its head is then asked for beside it, not
    // after it, so a file costs one round trip to the content reader instead of two.
    const headEarly =
      headPath !== undefined &&
      mayBeTest(headPath) &&
      (markerCandidate || (needBase && testPathKind(basePath) === 'name' && sourceLanguage(basePath) !== undefined))
        ? readSide(ctx, 'head', headPath, change)
        : undefined;
    // Handled whether or not it is awaited below (the base read may fail first, or the head turn out unneeded).
    headEarly?.catch(() => undefined);
    const base = needBase ? await readSide(ctx, 'base', basePath, change) : undefined;
    const needHead = headPath !== undefined && mayBeTest(headPath) && ((base?.isTest ?? false) || markerCandidate);
    const head = needHead ? await (headEarly ?? readSide(ctx, 'head', headPath, change)) : undefined;

    if (base?.isTest && (!head || !head.isTest)) {
      const how = change.status === 'deleted' || !headPath ? 'deleted' : `renamed to ${headPath}, which is not a test file`;
      findings.push({
        rule: 'tests',
        code: 'test-deleted',
        ...verdict(options.allowDeleted),
        message: `Test file ${basePath} ${how} (${base.cases} test case${base.cases === 1 ? '' : 's'} at base).`,
        path: headPath ?? basePath,
        decidedBy: 'scope.tests.allow-deleted',
      });
      return findings;
    }
    if (base?.isTest && head?.isTest && head.cases < base.cases) {
      const lost = base.cases - head.cases;
      findings.push({
        rule: 'tests',
        code: 'test-cases-removed',
        ...verdict(options.allowFewer),
        message: `${headPath} has ${lost} test case${lost === 1 ? '' : 's'} fewer: ${base.cases} at base, ${head.cases} at head${basePath !== headPath ? ` (was ${basePath})` : ''}.`,
        path: headPath,
        decidedBy: 'scope.tests.allow-fewer',
      });
    }
    if (head?.isTest && headPath && added && added.markerCandidate && added.lines.length > 0) {
      const language = sourceLanguage(headPath)!;
      const lines = head.code.split('\n');
      for (const line of added.lines) {
        // The line's text is never echoed: a test line may hold a credential the secrets rule reports.
        const code = lines[line - 1];
        if (code === undefined) continue;
        const marker = markerOnLine(code, language);
        if (!marker) continue;
        findings.push({
          rule: 'tests',
          code: marker.code,
          ...verdict(options.allowSkipped),
          message: `${headPath}:${line} adds a ${marker.code === 'test-focused' ? 'focused test' : 'skipped test'} (${marker.what}).`,
          path: headPath,
          line,
          decidedBy: 'scope.tests.allow-skipped',
        });
      }
    }
    return findings;
  };

  const begin = (): LineScan => {
    // Each file is judged as it arrives (its reads pipelined through the content reader while the diff
    // still streams), a few at a time, and its findings kept in the change's order.
    const jobs = new OrderedJobs<readonly Finding[]>(CONCURRENT_FILES);
    return {
      file(change: FileChange, content: ContentSource) {
        let added: Added | undefined;
        if (change.status !== 'deleted' && addedLineCount(change) > 0 && mayBeTest(change.path)) {
          const language = sourceLanguage(change.path);
          added = {
            lines: addedLineNumbers(change),
            // The marker words are plain words, never across a line break: one test over the joined
            // lines says whether any line holds one.
            markerCandidate: language !== undefined && mayHoldMarker(addedText(change), language),
          };
        }
        // Binary changes are judged too: a test file that git calls binary (a NUL byte, a
        // `.gitattributes` entry) and is deleted is still a deleted test. It has no added lines to scan.
        if (!mayBeTest(change.path) && !mayBeTest(change.oldPath ?? change.path)) {
          jobs.addResult(NO_FINDINGS);
          return;
        }
        // The job keeps the file without its lines: only the numbers above are needed later.
        const kept = withoutAddedLines(change);
        jobs.add(() => judge({ content }, kept, added));
      },
      async finish(ctx) {
        if (jobs.count !== ctx.changes.files.length) throw new Error(`tests rule: scanned ${jobs.count} files, judged ${ctx.changes.files.length}`);
        return (await jobs.all()).flat();
      },
    };
  };
  return { name: 'tests', begin, run: (ctx) => runScan(begin, ctx) };
}
