import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CheckedSubject, ManifestSubject, ManifestViolation } from './types.js';

/** Why a subject path may not be read, or undefined when it is a plain repository-relative path. */
export function subjectPathProblem(subject: string): string | undefined {
  if (subject.startsWith('/') || /^[A-Za-z]:/.test(subject)) return 'is an absolute path; subjects are relative to the repository root';
  if (subject.includes('\\') || subject.includes('\0')) return 'must use / between folders and contain no NUL';
  if (subject.split('/').some((segment) => segment === '..')) return 'leaves the repository (..)';
  return undefined;
}

function within(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Each subject exists inside the workspace (a symbolic link is followed only while it stays inside)
 * and its bytes have the digest the manifest gives.
 */
export async function checkSubjects(
  workspace: string,
  subjects: readonly ManifestSubject[],
  file: string,
): Promise<{ checked: CheckedSubject[]; violations: ManifestViolation[] }> {
  const root = await realpath(workspace);
  const checked: CheckedSubject[] = [];
  const violations: ManifestViolation[] = [];
  for (const [index, subject] of subjects.entries()) {
    const pointer = `/subjects/${index}/path`;
    const fail = (code: `E_${Uppercase<string>}`, message: string, at = pointer) =>
      violations.push({ code, severity: 'fail', file, pointer: at, message: `${file}: subject "${subject.path}" ${message}` });
    const problem = subjectPathProblem(subject.path);
    if (problem) {
      fail('E_SUBJECT_PATH', problem);
      continue;
    }
    const absolute = path.join(root, subject.path);
    try {
      await lstat(absolute);
    } catch {
      fail('E_SUBJECT_MISSING', 'does not exist in the workspace');
      continue;
    }
    let real: string;
    try {
      real = await realpath(absolute);
    } catch {
      fail('E_SUBJECT_PATH', 'is a symbolic link that leads nowhere');
      continue;
    }
    if (!within(root, real)) {
      fail('E_SUBJECT_PATH', 'is reached through a symbolic link out of the workspace');
      continue;
    }
    if (!(await stat(real)).isFile()) {
      fail('E_SUBJECT_PATH', 'is not a regular file');
      continue;
    }
    const digest = await fileDigest(real);
    const wanted = `sha256:${subject.sha256.replace(/^sha256:/, '')}`;
    const matches = digest === wanted;
    checked.push({ path: subject.path, digest, matches });
    if (!matches) fail('E_SUBJECT_DIGEST', `has digest ${digest}, not ${wanted} as the manifest says`, `/subjects/${index}/sha256`);
  }
  return { checked, violations };
}
