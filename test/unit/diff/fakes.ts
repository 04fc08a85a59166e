// Fake readers and rules for the gate's tests: the real ones live in packages/core/src/diff/{read,rules,content}
// and are tested there. These are plain data, so each test states exactly what the gate is given.
import type { ChangeSet, ContentSource, FileChange, Finding, Rule } from '@agent-gates/core/diff';

export const BASE = 'a'.repeat(40);
export const HEAD = 'b'.repeat(40);

export function file(path: string, fields: Partial<FileChange> = {}): FileChange {
  return { status: 'modified', path, binary: false, added: 1, deleted: 0, addedLines: [{ line: 1, text: 'x' }], ...fields };
}

export function changeSet(files: FileChange[], fields: Partial<ChangeSet> = {}): ChangeSet {
  return { mode: 'git', base: BASE, head: HEAD, files, complete: true, incomplete: [], renames: 'full', messages: [], ...fields };
}

export const noContent: ContentSource = { read: () => Promise.resolve(undefined) };

/** A rule that returns the same findings whatever it is shown. */
export function fixedRule(name: string, findings: Array<Omit<Finding, 'rule'>>): Rule {
  return { name, run: () => Promise.resolve(findings.map((f) => ({ rule: name, ...f }))) };
}

/** A rule that flags every path under a prefix, the way the protected-path rule would. */
export function prefixRule(prefix: string, decidedBy = 'scope.protected-paths[0]'): Rule {
  return {
    name: 'paths',
    run: ({ changes }) =>
      Promise.resolve(
        changes.files.flatMap((f) =>
          [f.path, ...(f.oldPath !== undefined ? [f.oldPath] : [])]
            .filter((p) => p.startsWith(prefix))
            .map((p): Finding => ({ rule: 'paths', code: 'protected-path', severity: 'fail', message: `${p} is protected`, path: p, tier: 'high', decidedBy })),
        ),
      ),
  };
}

export const lowRisk = () => ({ tier: 'low' as const, why: ['no risky path'] });
