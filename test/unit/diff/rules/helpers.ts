import type { ChangeSet, FileChange, Finding, Rule } from '../../../../packages/core/src/diff/types.js';
import { defaultPolicy } from '../../../../packages/core/src/policy/index.js';
import { parsePolicy } from '../../../../packages/core/src/policy/index.js';
import type { Policy } from '../../../../packages/core/src/policy/index.js';

export const POLICY_FILE = '.github/agent-gates.yml';

/** A modified text file with the given added lines (numbered from 1), unless the fields say otherwise. */
export function file(path: string, fields: Partial<FileChange> & { lines?: readonly string[] } = {}): FileChange {
  const { lines, ...rest } = fields;
  const addedLines = (lines ?? []).map((text, i) => ({ line: i + 1, text }));
  const status = rest.status ?? 'modified';
  return {
    status,
    path,
    oldMode: status === 'added' ? undefined : '100644',
    newMode: status === 'deleted' ? undefined : '100644',
    binary: false,
    added: addedLines.length,
    deleted: 0,
    addedLines,
    ...rest,
  };
}

export function changes(files: readonly FileChange[], extra: Partial<ChangeSet> = {}): ChangeSet {
  return {
    mode: 'git',
    base: 'a'.repeat(40),
    head: 'b'.repeat(40),
    files,
    complete: true,
    incomplete: [],
    renames: 'full',
    messages: [],
    ...extra,
  };
}

const noContent = { read: () => Promise.resolve(undefined) };

export async function run(rules: Rule | readonly Rule[], set: ChangeSet): Promise<Finding[]> {
  const list = Array.isArray(rules) ? (rules as readonly Rule[]) : [rules as Rule];
  const out: Finding[] = [];
  for (const rule of list) out.push(...(await rule.run({ changes: set, content: noContent })));
  return out;
}

export function defaults(): Policy {
  return defaultPolicy().policy;
}

/** A policy from YAML text, as the loader reads `.github/agent-gates.yml`. */
export async function policyOf(yaml: string): Promise<Policy> {
  return (await parsePolicy(`version: 1\n${yaml}`, POLICY_FILE)).policy;
}

export function codes(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.severity} ${f.code} ${f.path ?? ''}`.trim());
}
