import type { Policy } from '../../policy/types.js';
import { runScan, type FileChange, type LineScan, type Rule } from '../types.js';
import { Findings, settingIn, shown } from './common.js';

/**
 * How big a change is: files touched, changed lines in all, and changed lines in any one file (the
 * "sweeping diff": an agent asked to fix one function that rewrote the file). Binary files count as
 * files, not lines.
 */
export function sizeRule(policy: Policy, policyFile?: string): Rule {
  const { maxFiles, maxLines, maxLinesPerFile } = policy.scope;
  const setting = settingIn(policyFile);
  // Counted file by file as the diff streams, so the end of the run (where one core idles) only adds up.
  const begin = (): LineScan => {
    const out = new Findings('size');
    let files = 0;
    let lines = 0;
    return {
      file(file: FileChange) {
        files++;
        const changed = file.added + file.deleted;
        lines += changed;
        if (changed > maxLinesPerFile) {
          out.add({
            code: 'sweeping-file',
            severity: 'fail',
            message: `${shown(file.path)} changes ${changed} lines (+${file.added} −${file.deleted}), over the ${maxLinesPerFile} one file may change`,
            path: file.path,
            tier: 'medium',
            decidedBy: setting('scope.max-lines-per-file'),
          });
        }
      },
      finish() {
        if (files > maxFiles) {
          out.add({
            code: 'too-many-files',
            severity: 'fail',
            message: `the change touches ${files} files, over the ${maxFiles} allowed`,
            tier: 'medium',
            decidedBy: setting('scope.max-files'),
          });
        }
        if (lines > maxLines) {
          out.add({
            code: 'too-many-lines',
            severity: 'fail',
            message: `the change has ${lines} changed lines, over the ${maxLines} allowed`,
            tier: 'medium',
            decidedBy: setting('scope.max-lines'),
          });
        }
        return Promise.resolve(out.done());
      },
    };
  };
  return { name: 'size', begin, run: (ctx) => runScan(begin, ctx) };
}
