import { posix } from 'node:path';
import type { TranscriptSummary } from './types.js';

function toPosix(path: string): string {
  return path.replace(/\\/g, '/');
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

function normalise(path: string): string {
  const drive = /^[A-Za-z]:/.exec(path)?.[0] ?? '';
  const rest = posix.normalize(path.slice(drive.length));
  const out = drive + rest;
  return out.length > 1 && out.endsWith('/') ? out.slice(0, -1) : out;
}

function under(path: string, root: string | undefined): string | undefined {
  if (!root) return undefined;
  const base = normalise(toPosix(root));
  if (path === base) return '.';
  const prefix = base.endsWith('/') ? base : `${base}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
}

/**
 * A home directory path, `/home/<name>`, `/Users/<name>`, `C:\Users\<name>` (either slash), up to
 * the user name. `/root` names no person but is a home all the same.
 */
const HOME = /(?:\/home|\/Users|\b[A-Za-z]:[\\/]+Users)[\\/]+[^\\/\s"'`<>|:;,()[\]{}]+|\/root(?=[\\/]|$|[\s"'`])/g;

/** Replaces the home directory in paths inside `text` by `~`, so a user name never reaches a report. */
export function withoutUserNames(text: string): string {
  return text.includes('/home') || text.includes('Users') || text.includes('/root') ? text.replace(HOME, '~') : text;
}

/**
 * The agent's cwd is where a transcript from another machine was rooted, but only when it is a
 * project folder: with a cwd of `/` or of a home directory itself, every system or dot file would
 * pass for a project file (`/etc/cron.d/x` as `etc/cron.d/x`).
 */
function projectRoot(cwd: string | undefined): string | undefined {
  if (!cwd) return undefined;
  const root = normalise(toPosix(cwd));
  if (!isAbsolute(root)) return undefined;
  if (root === '/' || /^[A-Za-z]:\/?$/.test(root)) return undefined;
  if (/^(?:\/home\/[^/]+|\/Users\/[^/]+|\/root|[A-Za-z]:\/Users\/[^/]+|\/home|\/Users)$/.test(root)) return undefined;
  return root;
}

type Resolved = { inside: true; path: string } | { inside: false; path: string };

/** The cwd relative paths were written from, and the cwd as a project root (see projectRoot). */
interface Cwd {
  base: string | undefined;
  root: string | undefined;
}

function cwdOf(cwd: string | undefined): Cwd {
  const base = cwd ? normalise(toPosix(cwd)) : undefined;
  return { base: base && isAbsolute(base) ? base : undefined, root: projectRoot(cwd) };
}

function resolve(raw: string, cwd: Cwd, workspace: string): Resolved {
  let path = toPosix(raw);
  // `~/…` is the user's home, never the project.
  if (path === '~' || path.startsWith('~/')) return { inside: false, path };
  if (!isAbsolute(path)) {
    if (cwd.base) path = normalise(posix.join(cwd.base, path));
    else {
      const relative = normalise(path);
      // A relative path that climbs out keeps its `..`, so the escape stays visible.
      return relative === '..' || relative.startsWith('../') ? { inside: false, path: relative } : { inside: true, path: relative };
    }
  } else {
    path = normalise(path);
  }
  const relative = under(path, workspace) ?? under(path, cwd.root);
  return relative !== undefined ? { inside: true, path: relative } : { inside: false, path };
}

/**
 * Turns the paths an agent recorded into paths a diff can be compared with: relative to the workspace
 * (or to the agent's own cwd, which is where a transcript from another machine was rooted). A path
 * outside both stays absolute, and a relative path that climbs out keeps its `..`, so a scope check
 * still sees the escape instead of a silently shortened path.
 */
export function filesRelativeToWorkspace(paths: string[], options: { cwd?: string; workspace: string }): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const cwd = cwdOf(options.cwd);
  for (const raw of paths) {
    if (raw.length === 0) continue;
    const result = resolve(raw, cwd, options.workspace).path;
    if (!seen.has(result)) {
      seen.add(result);
      out.push(result);
    }
  }
  return out;
}

/**
 * Splits written paths into the workspace's own files (relative, what `files-touched` reports) and
 * writes that landed anywhere else (`outside-workspace`: a dot file in the home directory, `/etc`, a
 * `..` escape), with the home directory shown as `~` so no user name leaves the runner.
 */
export function splitTouchedPaths(paths: string[], options: { cwd?: string; workspace: string }): { inside: string[]; outside: string[] } {
  const inside: string[] = [];
  const outside: string[] = [];
  const seen = new Set<string>();
  const cwd = cwdOf(options.cwd);
  for (const raw of paths) {
    if (raw.length === 0) continue;
    const resolved = resolve(raw, cwd, options.workspace);
    const path = resolved.inside ? resolved.path : withoutUserNames(resolved.path);
    const key = `${resolved.inside ? 'i' : 'o'}${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    (resolved.inside ? inside : outside).push(path);
  }
  return { inside, outside };
}

/**
 * The summary as a report may show it: files relative to the workspace, writes elsewhere apart, and
 * no home directory (so no user name) in the cwd, the paths or the conversation excerpts.
 */
export function workspaceView(summary: TranscriptSummary, workspace: string): TranscriptSummary {
  const { inside, outside } = splitTouchedPaths(summary.filesTouched, { workspace, ...(summary.cwd ? { cwd: summary.cwd } : {}) });
  const view: TranscriptSummary = {
    ...summary,
    filesTouched: inside,
    conversation: summary.conversation.map((entry) => ({ ...entry, text: withoutUserNames(entry.text) })),
  };
  if (summary.cwd !== undefined) view.cwd = withoutUserNames(summary.cwd);
  if (outside.length > 0) view.outsideWorkspace = outside;
  return view;
}
