import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { normaliseRepoPath } from '../policy/glob.js';
import { judgedPaths, normalPath } from './rules/common.js';
import type { ChangeSet, FileChange } from './types.js';

/** The files the agent says it changed, and where that list came from (for the report). */
export interface ClaimedFiles {
  /** `inline` for a JSON array given to the input, else the summary file as the input named it. */
  readonly source: string;
  /** Repository-relative, `/`-separated, in the order given, without duplicates. */
  readonly files: readonly string[];
}

/** capture-transcript's summary.json is small; anything far larger is not one. */
const MAX_SUMMARY_BYTES = 64 * 1024 * 1024;

const invalid = (message: string, cause?: unknown) =>
  new ConfigError('E_INPUT', `input "claimed-files" ${message}`, cause === undefined ? undefined : { cause });

/**
 * Reads the `claimed-files` input: a JSON array of paths, or the path of capture-transcript's
 * `summary-file` (its `filesTouched`). Empty means nothing was claimed and intent is not judged.
 * Anything else is refused rather than read as "claimed nothing", which would make every file unclaimed
 * for a typo, or worse, be skipped.
 */
export function parseClaimedFiles(value: string, workspace: string): ClaimedFiles | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  if (text.startsWith('[')) return { source: 'inline', files: normaliseAll(parseJson(text, 'is not a valid JSON array of paths'), workspace, 'inline') };

  const file = path.resolve(workspace, text);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw invalid(`names ${JSON.stringify(text)}, which is neither a JSON array nor a readable file`, error);
  }
  if (size > MAX_SUMMARY_BYTES) throw invalid(`names ${JSON.stringify(text)}, a file of ${size} bytes: not a capture-transcript summary`);
  const summary = parseJson(readFileSync(file, 'utf8'), `names ${JSON.stringify(text)}, which is not valid JSON`);
  if (typeof summary !== 'object' || summary === null || Array.isArray(summary) || !('filesTouched' in summary)) {
    throw invalid(`names ${JSON.stringify(text)}, which has no "filesTouched" list (expected capture-transcript's summary-file)`);
  }
  return { source: text, files: normaliseAll(summary.filesTouched, workspace, `${text}: filesTouched`) };
}

function parseJson(text: string, message: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalid(message, error);
  }
}

function normaliseAll(list: unknown, workspace: string, where: string): string[] {
  if (!Array.isArray(list)) throw invalid(`(${where}) must be a JSON array of paths`);
  const seen = new Set<string>();
  list.forEach((item, index) => {
    if (typeof item !== 'string' || item.trim() === '') throw invalid(`(${where}) item ${index} is not a non-empty path string`);
    seen.add(normaliseClaimedPath(item, workspace));
  });
  return [...seen];
}

/**
 * A claimed path as the diff names it: relative to the workspace, `/`-separated, without `.`, empty or
 * `..` segments (`./src//a.ts` is `src/a.ts`, as `normaliseRepoPath` spells every repository path). An
 * absolute path inside the workspace is made relative; one outside it, or one that leaves the workspace
 * (`../x`), stays as given: `compareClaim` finds it unusable, and it matches no file of the diff.
 */
export function normaliseClaimedPath(claimed: string, workspace: string): string {
  const p = claimed.replace(/\\/g, '/');
  if (!path.posix.isAbsolute(p)) return normaliseRepoPath(p) ?? claimed;
  const root = path.posix.normalize(workspace.replace(/\\/g, '/')).replace(/\/+$/, '');
  const absolute = path.posix.normalize(p);
  if (!absolute.startsWith(`${root}/`)) return claimed;
  return normaliseRepoPath(absolute.slice(root.length + 1)) ?? claimed;
}

/**
 * The change against the claim, whole (never capped like findings): the intent rule's findings and the
 * report's `claimed` section both come from this one comparison, so they name the same files.
 */
export interface ClaimComparison {
  /** Changed files the agent never claimed, in the change set's order; each is named by its (head) path. */
  readonly unclaimed: readonly FileChange[];
  /** Claimed paths (normalised) that no changed file answers to, in the order claimed. */
  readonly claimedNotChanged: readonly string[];
  /** Claimed entries that cannot be repository paths (absolute outside the workspace, empty, leaving it), as given. */
  readonly unusable: readonly string[];
}

/**
 * Compares a change with the files the agent claims to have changed. The rule:
 * - a claimed path is normalised as `normaliseRepoPath` does (`./` and duplicate slashes removed);
 *   `parseClaimedFiles` has already made absolute paths inside the workspace relative, so an absolute path
 *   left here is outside the workspace and, like one leaving it (`../x`), is unusable and matches nothing;
 * - a changed file is claimed when the agent named a path it is judged under (`judgedPaths`): a rename
 *   when the agent named its old or its new path (it moved the file, whichever name it used), a copy or
 *   any other change by its new path only;
 * - a claimed path no changed file is judged under was claimed but not changed.
 */
export function compareClaim(changes: ChangeSet, claimed: { readonly files: readonly string[] }): ClaimComparison {
  const wanted = new Set<string>();
  const unusable = new Set<string>();
  for (const entry of claimed.files) {
    const p = normalPath(entry);
    if (p === undefined) unusable.add(entry);
    else wanted.add(p);
  }
  const changed = new Set<string>();
  const unclaimed: FileChange[] = [];
  for (const file of changes.files) {
    const paths = judgedPaths(file).map((p) => normalPath(p) ?? p);
    for (const p of paths) changed.add(p);
    if (!paths.some((p) => wanted.has(p))) unclaimed.push(file);
  }
  return { unclaimed, claimedNotChanged: [...wanted].filter((p) => !changed.has(p)), unusable: [...unusable] };
}
