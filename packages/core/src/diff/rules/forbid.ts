import { ConfigError } from '../../errors.js';
import type { Policy } from '../../policy/types.js';
import type { Rule } from '../types.js';
import { Findings, GlobSet, settingIn } from './common.js';

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
    return {
      index: i,
      message: entry.message,
      regex,
      all: entry.paths.includes('**'),
      globs: new GlobSet(entry.paths, (j) => `scope.forbid[${i}].paths[${j}]`),
    };
  });
  return {
    name: 'forbid',
    run(ctx) {
      const out = new Findings('forbid');
      if (entries.length === 0) return Promise.resolve([]);
      for (const file of ctx.changes.files) {
        if (file.status === 'deleted' || file.addedLines.length === 0) continue;
        const applicable = entries.filter((entry) => entry.all || entry.globs.has(file.path));
        if (applicable.length === 0) continue;
        for (const added of file.addedLines) {
          for (const entry of applicable) {
            if (!matches(entry.regex, added.text)) continue;
            out.add({
              code: 'forbidden-content',
              severity: 'fail',
              message: entry.message,
              path: file.path,
              line: added.line,
              tier: 'high',
              decidedBy: setting(`scope.forbid[${entry.index}]`),
            });
          }
        }
      }
      return Promise.resolve(out.done());
    },
  };
}
