/**
 * Reading what the gate is given: manifests found by a glob, signature and bundle files, public keys
 * (inline, by path, or from the policy's commit), the trusted root and the transcript summary. Every
 * path stays inside the workspace, and every failure names the input or file.
 */
import { closeSync, fstatSync, openSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { readOpenedFile } from '../files.js';
import { assertSafeRepoPath, fileAtCommit } from '../git/index.js';
import { matchGlob } from '../policy/glob.js';
import type { LoadedPolicy } from '../policy/types.js';
import { parsePublicKey, type PublicKeyEntry } from './keys.js';

/** Files the glob walk looks at before it gives up: a manifest glob is not a search of the disk. */
const MAX_WALK_ENTRIES = 50_000;
const SKIP_DIRS = new Set(['.git', 'node_modules']);
/** Signature, bundle, key, trusted root and summary files are small; these caps keep a hostile one cheap. */
const MAX_SIDE_FILE_BYTES = 4 * 1024 * 1024;
const MAX_SUMMARY_BYTES = 64 * 1024 * 1024;

/** `target` is `root` or below it; both absolute and normalised (path.resolve, realpath), so a prefix test is exact. */
function within(root: string, target: string): boolean {
  return target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

// Manifests, signatures and keys are small files read one after the other: synchronous reads cost a
// thousand manifests far less than a round trip through the thread pool each.

type EntryKind = 'file' | 'symlink' | 'other';

interface Folder {
  /** The folder's real path, or undefined when it does not exist. */
  readonly real: string | undefined;
  readonly entries: ReadonlyMap<string, EntryKind>;
}

const kindOf = (entry: Dirent): EntryKind => (entry.isFile() ? 'file' : entry.isSymbolicLink() ? 'symlink' : 'other');

/**
 * The workspace as one run of the gate reads it. Each folder is resolved (realpath) and listed
 * (readdir) once, so a thousand manifests in one folder cost two calls there, not a realpath, an
 * lstat and three existence probes each; every file is still opened, checked to be a regular file
 * no larger than its cap, and required to lie inside the workspace after links are followed.
 */
export class WorkspaceFiles {
  readonly root: string;
  private readonly folders = new Map<string, Folder>();

  constructor(workspace: string) {
    this.root = realpathSync.native(workspace);
  }

  private folder(absolute: string): Folder {
    let found = this.folders.get(absolute);
    if (!found) {
      let real: string | undefined;
      const entries = new Map<string, EntryKind>();
      try {
        real = absolute === this.root ? this.root : realpathSync.native(absolute);
        for (const entry of readdirSync(real, { withFileTypes: true })) entries.set(entry.name, kindOf(entry));
      } catch {
        // Missing, or not a folder: nothing in it exists.
      }
      found = { real, entries };
      this.folders.set(absolute, found);
    }
    return found;
  }

  /** Records a folder the glob walk has listed already: `real` is its real path. */
  remember(absolute: string, real: string, entries: readonly Dirent[]): void {
    this.folders.set(absolute, { real, entries: new Map(entries.map((e) => [e.name, kindOf(e)])) });
  }

  /**
   * A path an input names, made absolute inside the workspace with its real path and what it is;
   * one outside the workspace (directly or through a link) is E_INPUT.
   */
  resolve(file: string, input: string): { real: string; kind: EntryKind | 'missing' } {
    const absolute = path.resolve(this.root, file);
    const outside = () => new ConfigError('E_INPUT', `input "${input}": ${file} is outside the workspace`);
    if (!within(this.root, absolute)) throw outside();
    const folder = this.folder(path.dirname(absolute));
    const name = path.basename(absolute);
    const entry = absolute === this.root ? 'other' : folder.entries.get(name);
    if (entry === undefined || folder.real === undefined) return { real: absolute, kind: 'missing' };
    let real = absolute === this.root ? this.root : path.join(folder.real, name);
    let kind: EntryKind | 'missing' = entry;
    if (entry === 'symlink') {
      try {
        real = realpathSync.native(real);
        kind = statSync(real).isFile() ? 'file' : 'other';
      } catch {
        // A dangling link: not a regular file, as lstat would say.
        return { real: absolute, kind: 'symlink' };
      }
    }
    if (!within(this.root, real)) throw outside();
    return { real, kind };
  }

  /** True when `file` names something that exists (a link is followed), as `existsSync` says. */
  exists(file: string): boolean {
    const absolute = path.resolve(this.root, file);
    if (!within(this.root, absolute)) return false;
    const folder = this.folder(path.dirname(absolute));
    const entry = folder.entries.get(path.basename(absolute));
    if (entry !== 'symlink' || folder.real === undefined) return entry !== undefined;
    try {
      statSync(path.join(folder.real, path.basename(absolute)));
      return true;
    } catch {
      return false;
    }
  }

  /** The bytes of a regular file inside the workspace, at most `maxBytes`; every failure names the input. */
  read(file: string, input: string, maxBytes = MAX_SIDE_FILE_BYTES): Buffer {
    const { real, kind } = this.resolve(file, input);
    if (kind === 'missing') throw new ConfigError('E_NOT_FOUND', `input "${input}": ${file} does not exist`);
    if (kind !== 'file') throw new ConfigError('E_INPUT', `input "${input}": ${file} is not a regular file`);
    let fd: number;
    try {
      fd = openSync(real, 'r');
    } catch {
      throw new ConfigError('E_NOT_FOUND', `input "${input}": ${file} does not exist`);
    }
    try {
      // The size is the opened file's own: what was checked is what is read.
      const stats = fstatSync(fd);
      if (!stats.isFile()) throw new ConfigError('E_INPUT', `input "${input}": ${file} is not a regular file`);
      if (stats.size > maxBytes) {
        throw new ConfigError('E_TOO_LARGE', `input "${input}": ${file} is ${stats.size} bytes, more than the ${maxBytes} bytes it may be`);
      }
      return readOpenedFile(fd, stats.size);
    } finally {
      closeSync(fd);
    }
  }
}

/** A path an input names, made absolute inside the workspace; one outside it is E_INPUT. */
export function resolveInside(workspace: string, file: string, input: string): string {
  return new WorkspaceFiles(workspace).resolve(file, input).real;
}

export function readInputFile(workspace: string | WorkspaceFiles, file: string, input: string, maxBytes = MAX_SIDE_FILE_BYTES): Buffer {
  return (typeof workspace === 'string' ? new WorkspaceFiles(workspace) : workspace).read(file, input, maxBytes);
}

const GLOB_CHARS = /[*?[\]{}]/;

/** Workspace-relative paths of the manifests `pattern` names, sorted; a plain path is returned when it exists. */
export function findManifests(workspace: string | WorkspaceFiles, pattern: string): string[] {
  const files = typeof workspace === 'string' ? new WorkspaceFiles(workspace) : workspace;
  const root = files.root;
  const normalised = pattern.replace(/^\.\//, '');
  if (!GLOB_CHARS.test(normalised)) {
    files.resolve(normalised, 'manifest');
    return !files.exists(normalised) ? [] : [path.relative(root, path.resolve(root, normalised)).split(path.sep).join('/')];
  }
  if (normalised.startsWith('/') || normalised.split('/').includes('..')) {
    throw new ConfigError('E_INPUT', `input "manifest": the glob ${pattern} must be relative to the workspace, without ..`);
  }
  const segments = normalised.split('/');
  const fixed: string[] = [];
  while (segments.length > 1 && !GLOB_CHARS.test(segments[0] as string)) fixed.push(segments.shift() as string);
  const found: string[] = [];
  let seen = 0;
  // Folders below the start are reached through folders only (links are not followed), so their real
  // path is the start's real path and the same relative path; the walk's listings serve the reads.
  const walk = (relative: string, real: string): void => {
    let entries;
    try {
      entries = readdirSync(real, { withFileTypes: true });
    } catch {
      return;
    }
    files.remember(path.resolve(root, relative), real, entries);
    for (const entry of entries) {
      if (++seen > MAX_WALK_ENTRIES)
        throw new ConfigError('E_INPUT', `input "manifest": the glob ${pattern} walks more than ${MAX_WALK_ENTRIES} files; narrow it`);
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(child, path.join(real, entry.name));
      } else if (entry.isFile() && matchGlob(normalised, child)) found.push(child);
    }
  };
  const start = fixed.join('/');
  let startReal: string;
  try {
    startReal = realpathSync.native(path.resolve(root, start));
  } catch {
    return [];
  }
  walk(start, startReal);
  return found.sort();
}

/** `<manifest>.sig`, `<manifest>.sigstore.json`, `<manifest>.bundle`: the first that exists. */
export function companion(workspace: string | WorkspaceFiles, manifest: string, suffixes: readonly string[]): string | undefined {
  const files = typeof workspace === 'string' ? new WorkspaceFiles(workspace) : workspace;
  return suffixes.map((suffix) => `${manifest}${suffix}`).find((candidate) => files.exists(candidate));
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g;

/**
 * A file that anchors trust (a `public-key` path, a `trusted-root`, a `signing.keys` entry), or
 * undefined when there is none. Read from the commit the policy came from when it came from one: the
 * change being judged could otherwise put its own key or root where the workflow or the policy points,
 * and sign its own manifest. Read from the workspace only when the policy came from there too.
 */
async function findTrustFile(workspace: string | WorkspaceFiles, policy: Pick<LoadedPolicy, 'ref'>, file: string, input: string): Promise<Buffer | undefined> {
  const files = typeof workspace === 'string' ? new WorkspaceFiles(workspace) : workspace;
  if (!policy.ref) {
    try {
      return files.read(file, input);
    } catch (error) {
      if (error instanceof ConfigError && error.code === 'E_NOT_FOUND') return undefined;
      throw error;
    }
  }
  // `./keys/a.pub` and `keys//a.pub` name the same file as `keys/a.pub`.
  const clean = path.posix.normalize(file);
  try {
    assertSafeRepoPath(clean);
  } catch {
    throw new ConfigError('E_INPUT', `input "${input}": ${file} must be a plain repository-relative path (it is read from the base commit ${policy.ref})`);
  }
  try {
    return await fileAtCommit(files.root, policy.ref, clean, { maxBytes: MAX_SIDE_FILE_BYTES });
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.code, `input "${input}": ${error.message}`, { cause: error });
    throw error;
  }
}

/** As findTrustFile, for a file an input names: a missing one is E_NOT_FOUND. */
export async function readTrustFile(workspace: string | WorkspaceFiles, policy: Pick<LoadedPolicy, 'ref'>, file: string, input: string): Promise<Buffer> {
  const bytes = await findTrustFile(workspace, policy, file, input);
  if (bytes !== undefined) return bytes;
  throw new ConfigError(
    'E_NOT_FOUND',
    policy.ref
      ? `input "${input}": ${file} is not in the base commit ${policy.ref}; a key or root the change itself adds is not trusted (commit it to the base branch first, or give a key inline as a PEM block)`
      : `input "${input}": ${file} does not exist`,
  );
}

/** The `public-key` input: inline PEM blocks, or paths (one per line, read as readTrustFile reads them), or both. */
export async function readInputKeys(
  workspace: string | WorkspaceFiles,
  entries: readonly string[],
  policy: Pick<LoadedPolicy, 'ref'> = {},
): Promise<{ entry: PublicKeyEntry; pem: string }[]> {
  const keys: { entry: PublicKeyEntry; pem: string }[] = [];
  const text = entries.join('\n');
  const inline = text.match(PEM_BLOCK) ?? [];
  inline.forEach((pem, i) => keys.push({ entry: parsePublicKey(pem, `public-key input #${i + 1}`), pem }));
  const rest = text
    .replace(PEM_BLOCK, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (rest.some((line) => line.startsWith('-----'))) throw new ConfigError('E_KEY', 'input "public-key" holds a PEM block that does not end');
  for (const file of rest) {
    const pem = (await readTrustFile(workspace, policy, file, 'public-key')).toString('utf8');
    keys.push({ entry: parsePublicKey(pem, policy.ref ? `${file} at ${policy.ref}` : file), pem });
  }
  return keys;
}

/** The policy's `signing.keys`, read from the same commit as the policy (the working tree when it came from there). */
export async function readPolicyKeys(workspace: string, policy: LoadedPolicy): Promise<{ entry: PublicKeyEntry; pem: string }[]> {
  const keys: { entry: PublicKeyEntry; pem: string }[] = [];
  for (const file of policy.policy.signing.keys) {
    const where = policy.ref ? `${file} at ${policy.ref}` : file;
    const bytes = await findTrustFile(workspace, policy, file, 'signing.keys');
    if (bytes === undefined) throw new ConfigError('E_KEY', `the policy's signing.keys names ${where}, which does not exist`);
    keys.push({ entry: parsePublicKey(bytes.toString('utf8'), `${where} (signing.keys)`), pem: bytes.toString('utf8') });
  }
  return keys;
}

/** capture-transcript's summary.json: the models it saw. Anything else in it is not needed here. */
export function readTranscriptModels(workspace: string | WorkspaceFiles, file: string): string[] {
  const bytes = readInputFile(workspace, file, 'transcript-summary', MAX_SUMMARY_BYTES);
  let summary: unknown;
  try {
    summary = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ConfigError('E_TRANSCRIPT_SUMMARY', `input "transcript-summary": ${file} is not JSON`);
  }
  const models = (summary as { models?: unknown } | null)?.models;
  if (!Array.isArray(models) || models.some((m) => typeof m !== 'string')) {
    throw new ConfigError('E_TRANSCRIPT_SUMMARY', `input "transcript-summary": ${file} has no "models" list; give capture-transcript's summary-file`);
  }
  const model = (summary as { model?: unknown }).model;
  return [...new Set([...(models as string[]), ...(typeof model === 'string' ? [model] : [])])];
}
