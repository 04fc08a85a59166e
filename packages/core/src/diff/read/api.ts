import { ConfigError } from '../../errors.js';
import type { AddedLine, ChangeSet, ChangeStatus, ContentSource, FileChange } from '../types.js';
import { hasUnsafeChars } from './paths.js';

/**
 * Reads a pull request's change from the REST API's file listing (`GET /pulls/{n}/files`), for runs
 * without the commits in the checkout. The API is a lossy view: it stops at 3,000 files, leaves out
 * the patch of large files, and knows no modes. Every way it can fall short that can be detected
 * makes the change set `complete: false` with a reason, so the gate never passes on it.
 */

/** One item of GitHub's pull request files listing, as the REST API returns it. */
export interface PullFile {
  filename: string;
  status: string;
  previous_filename?: string;
  additions: number;
  deletions: number;
  changes: number;
  patch?: string;
  sha?: string | null;
}

export interface PullInfo {
  number: number;
  baseSha: string;
  headSha: string;
  /** The pull request's `changed_files`, `additions`, `deletions`: what the listing must add up to. */
  changedFiles: number;
  additions: number;
  deletions: number;
  title?: string;
  body?: string;
  headRef?: string;
  /** Merge base of base and head (the compare API's `merge_base_commit`); base-side reads use it when given. */
  mergeBaseSha?: string;
  /** Commit messages of the pull request, when the caller listed them. */
  messages?: string[];
}

export interface ReadApiOptions {
  pull: PullInfo;
  /** Pages of the listing, in order (action-kit's `listPullFiles`). */
  files: AsyncIterable<PullFile[]>;
  /** Reads a file at a commit (action-kit's contents API reader); undefined when it does not exist. */
  readContent?: (ref: string, path: string) => Promise<Buffer | undefined>;
}

/** GitHub's documented cap on the pull request files listing. */
export const API_FILE_CAP = 3000;

const STATUS: Record<string, ChangeStatus> = {
  added: 'added',
  removed: 'deleted',
  modified: 'modified',
  renamed: 'renamed',
  copied: 'copied',
  // `changed` is GitHub's word for a change of mode or type with no content change.
  changed: 'type-changed',
  unchanged: 'modified',
};

const BLOB_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export async function readApiChanges(options: ReadApiOptions): Promise<{ changes: ChangeSet; content: ContentSource }> {
  const { pull } = options;
  const incomplete: string[] = [];
  const files: FileChange[] = [];
  let additions = 0;
  let deletions = 0;
  for await (const page of options.files) {
    for (const item of page) {
      const file = await toChange(item, pull, options.readContent, incomplete);
      files.push(file);
      additions += item.additions;
      deletions += item.deletions;
    }
  }
  if (files.length >= API_FILE_CAP) {
    incomplete.push(
      `The API listed ${files.length} files, its cap of ${API_FILE_CAP}: files past the cap are not seen (use git mode: actions/checkout with fetch-depth: 0).`,
    );
  }
  if (files.length !== pull.changedFiles) {
    incomplete.push(`The API listed ${files.length} files but the pull request reports ${pull.changedFiles} changed files.`);
  }
  if (additions !== pull.additions || deletions !== pull.deletions) {
    incomplete.push(`The listed files add up to +${additions}/-${deletions} lines but the pull request reports +${pull.additions}/-${pull.deletions}.`);
  }
  const messages = [pull.title, pull.body, pull.headRef, ...(pull.messages ?? [])].filter(
    (text): text is string => typeof text === 'string' && text.length > 0,
  );
  const changes: ChangeSet = {
    mode: 'api',
    base: pull.baseSha,
    head: pull.headSha,
    ...(pull.mergeBaseSha && pull.mergeBaseSha !== pull.baseSha ? { diffBase: pull.mergeBaseSha } : {}),
    files,
    complete: incomplete.length === 0,
    incomplete,
    renames: 'api',
    messages,
  };
  return { changes, content: apiContentSource(pull, options.readContent) };
}

async function toChange(item: PullFile, pull: PullInfo, readContent: ReadApiOptions['readContent'], incomplete: string[]): Promise<FileChange> {
  let status = STATUS[item.status];
  if (!status) {
    incomplete.push(`The API reported status "${item.status}" for ${item.filename}, which this reader does not know.`);
    status = 'modified';
  }
  const renamedOrCopied = (status === 'renamed' || status === 'copied') && typeof item.previous_filename === 'string';
  const common = {
    status,
    path: item.filename,
    ...(renamedOrCopied ? { oldPath: item.previous_filename } : {}),
    ...(status !== 'deleted' && typeof item.sha === 'string' && BLOB_ID.test(item.sha) ? { newBlob: item.sha } : {}),
    ...(hasUnsafeChars(item.filename) ? { pathBytes: Buffer.from(item.filename, 'utf8').toString('hex') } : {}),
    ...(renamedOrCopied && hasUnsafeChars(item.previous_filename!) ? { oldPathBytes: Buffer.from(item.previous_filename!, 'utf8').toString('hex') } : {}),
  };
  if (typeof item.patch === 'string') {
    const parsed = parsePatch(item.patch);
    if (!parsed.ok || parsed.added !== item.additions || parsed.deleted !== item.deletions) {
      incomplete.push(`The API's patch for ${item.filename} does not match its counts (+${item.additions}/-${item.deletions}): it may be cut short.`);
    }
    return { ...common, binary: false, added: parsed.added, deleted: parsed.deleted, addedLines: status === 'deleted' ? [] : parsed.addedLines };
  }
  if (item.changes > 0 || item.additions > 0 || item.deletions > 0) {
    // GitHub leaves out the patch of large files: the lines are there but cannot be judged.
    incomplete.push(`The API left out the patch of ${item.filename} (+${item.additions}/-${item.deletions}): its added lines were not seen.`);
    return { ...common, binary: false, added: item.additions, deleted: item.deletions, addedLines: [] };
  }
  // No patch and no line changes: a binary file, an empty file, or a rename or mode change alone.
  const binary = status === 'renamed' || status === 'copied' || status === 'type-changed' ? false : await looksBinary(item, pull, readContent);
  return { ...common, binary, added: 0, deleted: 0, addedLines: [] };
}

/**
 * Whether a file the API gave no patch for is binary, sniffed as git does (a NUL byte in the first
 * 8,000 bytes). Without a content reader it is taken as binary: a forbidden binary must not slip
 * through as "probably empty".
 */
async function looksBinary(item: PullFile, pull: PullInfo, readContent: ReadApiOptions['readContent']): Promise<boolean> {
  if (!readContent) return true;
  const ref = item.status === 'removed' ? (pull.mergeBaseSha ?? pull.baseSha) : pull.headSha;
  const content = await readContent(ref, item.filename);
  if (content === undefined) return true;
  return content.subarray(0, 8000).includes(0);
}

function apiContentSource(pull: PullInfo, readContent: ReadApiOptions['readContent']): ContentSource {
  return {
    read(side, path) {
      if (!readContent) return Promise.reject(new ConfigError('E_INPUT', `API mode was given no way to read ${path}: pass readContent (needs github-token)`));
      return readContent(side === 'base' ? (pull.mergeBaseSha ?? pull.baseSha) : pull.headSha, path);
    },
  };
}

export interface ParsedPatch {
  /** False when the hunks do not add up to their headers (a cut-short or malformed patch). */
  ok: boolean;
  added: number;
  deleted: number;
  addedLines: AddedLine[];
}

const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Parses a unified diff's hunks (the API's `patch`, any context size) into added lines numbered as at head. */
export function parsePatch(patch: string): ParsedPatch {
  const addedLines: AddedLine[] = [];
  let added = 0;
  let deleted = 0;
  let ok = true;
  let oldLeft = 0;
  let newLeft = 0;
  let newLine = 0;
  let inHunk = false;
  const lines = patch.split('\n');
  // A patch ending in a newline splits into a last empty string that is not a line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    if (line.startsWith('@@')) {
      if (oldLeft !== 0 || newLeft !== 0) ok = false;
      const match = HUNK.exec(line);
      if (!match) {
        ok = false;
        inHunk = false;
        continue;
      }
      oldLeft = match[1] === undefined ? 1 : Number(match[1]);
      newLine = Number(match[2]);
      newLeft = match[3] === undefined ? 1 : Number(match[3]);
      inHunk = true;
      continue;
    }
    if (line.startsWith('\\')) continue;
    if (!inHunk || (oldLeft === 0 && newLeft === 0)) {
      ok = false;
      continue;
    }
    const marker = line[0];
    if (marker === '+') {
      addedLines.push({ line: newLine, text: line.slice(1) });
      added++;
      newLine++;
      newLeft--;
    } else if (marker === '-') {
      deleted++;
      oldLeft--;
    } else {
      // A context line (' '), or an empty one whose leading space was stripped on the way.
      newLine++;
      newLeft--;
      oldLeft--;
    }
    if (oldLeft < 0 || newLeft < 0) ok = false;
  }
  if (oldLeft !== 0 || newLeft !== 0) ok = false;
  return { ok, added, deleted, addedLines };
}
