import { posix } from 'node:path';

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
 * Turns the paths an agent recorded into paths a diff can be compared with: relative to the workspace
 * (or to the agent's own cwd, which is where a transcript from another machine was rooted). A path
 * outside both stays absolute, and a relative path that climbs out keeps its `..`, so a scope check
 * still sees the escape instead of a silently shortened path.
 */
export function filesRelativeToWorkspace(paths: string[], options: { cwd?: string; workspace: string }): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const cwd = options.cwd ? normalise(toPosix(options.cwd)) : undefined;
  for (const raw of paths) {
    if (raw.length === 0) continue;
    let path = toPosix(raw);
    if (!isAbsolute(path)) {
      path = cwd && isAbsolute(cwd) ? normalise(posix.join(cwd, path)) : normalise(path);
    } else {
      path = normalise(path);
    }
    let result = path;
    if (isAbsolute(path)) result = under(path, options.workspace) ?? under(path, cwd) ?? path;
    if (!seen.has(result)) {
      seen.add(result);
      out.push(result);
    }
  }
  return out;
}
