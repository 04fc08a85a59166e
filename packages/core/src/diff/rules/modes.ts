import type { Policy } from '../../policy/types.js';
import { runScan, type FileChange, type Finding, type LineScan, type Rule } from '../types.js';
import { Findings, judgedPaths, settingIn, shown, unsafeNameProblem } from './common.js';

const EXECUTABLE = '100755';
const SYMLINK = '120000';
const SUBMODULE = '160000';

/**
 * Where a symbolic link at `path` pointing at `target` leads, as a problem: out of the repository (an
 * absolute target, a drive, `~`, or more `..` than there are folders above it) or into `.git`.
 * Targets are resolved as git checks them out: relative to the link's folder, `/`-separated (a
 * backslash is treated as a separator too, as Windows would).
 */
export function symlinkProblem(path: string, target: string): string | undefined {
  if (target === '') return 'has an empty target';
  if (/^(?:[/\\~]|[A-Za-z]:)/.test(target)) return `points outside the repository, to the absolute path ${JSON.stringify(shown(target))}`;
  const parts = path.split('/').slice(0, -1);
  for (const segment of target.split(/[/\\]/)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) return `points outside the repository (${JSON.stringify(shown(target))} climbs above its root)`;
      parts.pop();
    } else {
      parts.push(segment);
    }
  }
  if (parts[0]?.toLowerCase() === '.git') return `points into .git (${JSON.stringify(shown(target))}), git's own configuration and hooks`;
  return undefined;
}

/**
 * File modes and names: executable bits set, symbolic links added or moved (and where they point),
 * submodules added, moved, removed or updated, binary files, and names that would mislead a reader.
 * The `allow-*` settings turn a violation into a listed fact; a link out of the repository and a
 * name with control or bidirectional-override characters are violations whatever they say.
 */
export function modesRule(policy: Policy, policyFile?: string): Rule {
  const scope = policy.scope;
  const setting = settingIn(policyFile);
  const judge = (file: FileChange, out: Findings): void => {
    for (const path of judgedPaths(file)) {
      const problem = unsafeNameProblem(path);
      if (problem) {
        out.add({
          code: 'unsafe-file-name',
          severity: 'fail',
          message: `the file name ${JSON.stringify(shown(path))} ${problem}`,
          path,
          tier: 'high',
          decidedBy: 'always: file names',
        });
      } else if (path.includes('\ufffd') || (file.pathBytes !== undefined && path === file.path)) {
        out.add({
          code: 'non-utf8-file-name',
          severity: 'warn',
          message: `the file name ${JSON.stringify(shown(path))} is not valid UTF-8${file.pathBytes ? ` (bytes ${file.pathBytes.slice(0, 200)})` : ''}: a reviewer may not see it as git stores it`,
          path,
          tier: 'medium',
          decidedBy: 'always: file names',
        });
      }
    }
    if (file.newMode === SUBMODULE || file.oldMode === SUBMODULE) {
      const what =
        file.oldMode !== SUBMODULE
          ? 'adds'
          : file.newMode !== SUBMODULE || file.status === 'deleted'
            ? 'removes'
            : file.status === 'renamed'
              ? 'moves'
              : 'updates';
      out.add({
        code: 'submodule-changed',
        severity: scope.allowSubmodules ? 'pass' : 'fail',
        message: `the change ${what} the submodule ${shown(file.path)}${file.newBlob && what !== 'removes' ? ` (now at commit ${file.newBlob})` : ''}`,
        path: file.path,
        tier: scope.allowSubmodules ? 'medium' : 'high',
        decidedBy: setting('scope.allow-submodules'),
      });
    }
    if (file.status === 'deleted') return;
    if (file.newMode === EXECUTABLE && file.oldMode !== EXECUTABLE) {
      out.add({
        code: 'executable-added',
        severity: scope.allowExecutable ? 'pass' : 'fail',
        message: `${shown(file.path)} ${file.oldMode === undefined ? 'is added as an executable' : 'is made executable'}`,
        path: file.path,
        tier: scope.allowExecutable ? 'medium' : 'high',
        decidedBy: setting('scope.allow-executable'),
      });
    }
    if (file.newMode === SYMLINK) {
      const target = file.symlinkTarget;
      const problem = target === undefined ? undefined : symlinkProblem(file.path, target);
      const pointsTo = target === undefined ? 'to a target the change does not show' : `to ${JSON.stringify(shown(target))}`;
      if (problem) {
        out.add({
          code: 'symlink-outside-repository',
          severity: 'fail',
          message: `the symbolic link ${shown(file.path)} ${problem}`,
          path: file.path,
          tier: 'critical',
          decidedBy: 'always: symbolic links',
        });
      } else {
        out.add({
          code: 'symlink-added',
          // A link whose target the reader did not give cannot be shown to stay inside the repository.
          severity: !scope.allowSymlinks ? 'fail' : target === undefined ? 'warn' : 'pass',
          message: `${file.oldMode === SYMLINK ? 'the symbolic link' : 'a symbolic link'} ${shown(file.path)} points ${pointsTo}`,
          path: file.path,
          tier: scope.allowSymlinks && target !== undefined ? 'medium' : 'high',
          decidedBy: setting('scope.allow-symlinks'),
        });
      }
    }
    if (file.binary) {
      out.add({
        code: 'binary-file',
        severity: scope.forbidBinary ? 'fail' : 'pass',
        message: `${shown(file.path)} is a binary file (${file.status}): a reviewer cannot read it`,
        path: file.path,
        tier: scope.forbidBinary ? 'high' : 'medium',
        decidedBy: setting('scope.forbid-binary'),
      });
    }
  };
  /**
   * Judged file by file as the diff streams (the end of the run, where one core idles, then only adds
   * up), except a symbolic link at head: its target is known only once the read is done, so it is
   * judged then, in its place among the others.
   */
  const begin = (): LineScan => {
    const parts: Array<Finding[] | number> = [];
    let index = 0;
    return {
      file(file: FileChange) {
        const at = index++;
        if (file.newMode === SYMLINK && file.status !== 'deleted') {
          parts.push(at);
          return;
        }
        const out = new Findings('modes');
        judge(file, out);
        const found = out.done();
        if (found.length > 0) parts.push(found);
      },
      finish(ctx) {
        const findings: Finding[] = [];
        for (const part of parts) {
          if (typeof part !== 'number') {
            findings.push(...part);
            continue;
          }
          const out = new Findings('modes');
          judge(ctx.changes.files[part]!, out);
          findings.push(...out.done());
        }
        const out = new Findings('modes');
        // The REST listing of a pull request's files carries no file modes: nothing above could see an
        // executable bit, a symbolic link or a submodule, and that must read as unchecked, not as clean.
        if (ctx.changes.mode === 'api' && ctx.changes.files.length > 0) {
          out.add({
            code: 'modes-unchecked',
            severity: 'warn',
            message:
              'API mode: the pull request files listing carries no file modes, so the executable-bit, symbolic-link and submodule checks did not run (use git mode, actions/checkout with fetch-depth: 0, to run them)',
            tier: 'medium',
            decidedBy: 'always: file modes are checked in git and working-tree modes only',
          });
        }
        findings.push(...out.done());
        return Promise.resolve(findings);
      },
    };
  };
  return { name: 'modes', begin, run: (ctx) => runScan(begin, ctx) };
}
