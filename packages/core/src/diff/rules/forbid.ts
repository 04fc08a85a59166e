import { ConfigError } from '../../errors.js';
import type { Policy } from '../../policy/types.js';
import { addedLineCount, addedText, forEachAddedLine, runScan, type FileChange, type LineScan, type Rule } from '../types.js';
import { Findings, GlobGroups, settingIn } from './common.js';

/**
 * Lines longer than this are tested in overlapping windows: a minified line of megabytes would make
 * even a linear pattern slow to report, and a match longer than the overlap is not a pattern a
 * reviewer wrote for one line.
 */
const WINDOW = 64 * 1024;
const OVERLAP = 4 * 1024;

function matches(regex: RegExp, text: string): boolean {
  if (text.length <= WINDOW) return regex.test(text);
  for (let start = 0; start < text.length; start += WINDOW - OVERLAP) {
    if (regex.test(text.slice(start, start + WINDOW))) return true;
  }
  return false;
}

/** A regex whose groups are numbered or named can change meaning inside a larger one. */
const NOT_COMBINABLE = /\\[1-9]|\\k<|\(\?<[A-Za-z_]/;

/**
 * A lookaround can see past a line's end: such a regex may match a line alone and not the same line
 * inside the file's joined lines. Matched loosely (an escaped `\(?=` counts too): a false positive
 * only sends the file the line-by-line way.
 */
const LOOKAROUND = /\(\?<?[=!]/;

/**
 * `forbid`: content not allowed in the lines a change adds to matching files, reported at the line with
 * the entry's message. The matched text is never shown: it may be anything the agent wrote.
 */
export function forbidRule(policy: Policy, policyFile?: string): Rule {
  const setting = settingIn(policyFile);
  const entries = policy.scope.forbid.map((entry, i) => {
    let regex: RegExp;
    try {
      regex = new RegExp(entry.regex);
    } catch {
      throw new ConfigError('E_POLICY', `scope.forbid[${i}].regex is not a valid regular expression`);
    }
    return { index: i, message: entry.message, regex };
  });
  const groups = new GlobGroups(
    policy.scope.forbid.map((entry) => entry.paths),
    (i, j) => `scope.forbid[${i}].paths[${j}]`,
  );
  /**
   * Built once per set of entries that apply to a file. `prefilter`: most lines match no entry, so one
   * regex joining the entries rules a line out in one test, and only a line it matches is tested entry
   * by entry to say which. `whole`: a file's added lines joined by \n, tested once, rule the whole file
   * out when nothing in it matches. A regex without lookarounds that matches a line matches that line
   * inside the joined text too (its neighbours are a \n, not a word character, as a string's ends are
   * for \b; with the m flag ^ and $ match at each line's ends). Only up to one window: a longer text
   * goes line by line, in windows.
   */
  const tests = new Map<string, { prefilter: RegExp | undefined; whole: RegExp[] | undefined }>();
  // The last file's groups and what was built for them: matching() gives the same array back for the
  // next file that matches the same globs, which is most files.
  let lastGroups: readonly number[] | undefined;
  let last: { applicable: typeof entries; prefilter: RegExp | undefined; whole: RegExp[] | undefined } | undefined;
  const forGroups = (matched: readonly number[]) => {
    if (matched === lastGroups && last) return last;
    const applicable = matched.map((i) => entries[i] as (typeof entries)[number]);
    lastGroups = matched;
    last = { applicable, ...testsFor(applicable) };
    return last;
  };
  const testsFor = (applicable: typeof entries) => {
    const key = applicable.map((entry) => entry.index).join(',');
    let built = tests.get(key);
    if (!built) {
      const combinable = applicable.length >= 2 && applicable.every((entry) => !NOT_COMBINABLE.test(entry.regex.source));
      const prefilter = combinable ? new RegExp(applicable.map((entry) => `(?:${entry.regex.source})`).join('|')) : undefined;
      const safe = applicable.every((entry) => !LOOKAROUND.test(entry.regex.source));
      const whole = !safe ? undefined : prefilter ? [new RegExp(prefilter.source, 'm')] : applicable.map((entry) => new RegExp(entry.regex.source, 'm'));
      tests.set(key, (built = { prefilter, whole }));
    }
    return built;
  };
  const begin = (): LineScan => {
    const out = new Findings('forbid');
    return {
      file(file: FileChange) {
        if (entries.length === 0 || file.status === 'deleted' || addedLineCount(file) === 0) return;
        const matched = groups.matching(file.path);
        if (matched.length === 0) return;
        const { applicable, prefilter, whole } = forGroups(matched);
        if (whole) {
          const text = addedText(file);
          if (text.length <= WINDOW && !whole.some((regex) => regex.test(text))) return;
        }
        forEachAddedLine(file, (line, text) => {
          if (prefilter && !matches(prefilter, text)) return;
          for (const entry of applicable) {
            if (!matches(entry.regex, text)) continue;
            out.add({
              code: 'forbidden-content',
              severity: 'fail',
              message: entry.message,
              path: file.path,
              line,
              tier: 'high',
              decidedBy: setting(`scope.forbid[${entry.index}]`),
            });
          }
        });
      },
      finish: () => Promise.resolve(entries.length === 0 ? [] : out.done()),
    };
  };
  return { name: 'forbid', begin, run: (ctx) => runScan(begin, ctx) };
}
