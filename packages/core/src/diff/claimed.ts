import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { ChangeSet } from './types.js';

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
 * A claimed path as the diff names it: relative to the workspace, `/`-separated, no `./`. An absolute
 * path inside the workspace is made relative; one outside it stays as given (it can match no file of
 * the diff, so it is reported as claimed but not changed).
 */
export function normaliseClaimedPath(claimed: string, workspace: string): string {
  let p = claimed.replace(/\\/g, '/');
  const root = workspace.replace(/\\/g, '/').replace(/\/+$/, '');
  if (path.posix.isAbsolute(p) && (p === root || p.startsWith(`${root}/`))) p = p.slice(root.length + 1);
  if (!path.posix.isAbsolute(p)) p = path.posix.normalize(p).replace(/^(\.\/)+/, '');
  return p;
}

/** What the diff and the claim disagree on, both ways. */
export interface ClaimComparison {
  /** Paths the diff changed that the agent never claimed (a rename's old and new path both count). */
  readonly unclaimed: readonly string[];
  /** Paths the agent claimed that the diff does not change. */
  readonly claimedNotChanged: readonly string[];
}

export function compareClaim(changes: ChangeSet, claimed: ClaimedFiles): ClaimComparison {
  const claimedSet = new Set(claimed.files);
  const changed = new Set<string>();
  for (const file of changes.files) {
    changed.add(file.path);
    if (file.status === 'renamed' && file.oldPath !== undefined) changed.add(file.oldPath);
  }
  const unclaimed = [...changed].filter((p) => !claimedSet.has(p)).sort();
  const claimedNotChanged = claimed.files.filter((p) => !changed.has(p));
  return { unclaimed, claimedNotChanged };
}
