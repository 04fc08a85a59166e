/**
 * Reading what the gate is given: manifests found by a glob, signature and bundle files, public keys
 * (inline, by path, or from the policy's commit), the trusted root and the transcript summary. Every
 * path stays inside the workspace, and every failure names the input or file.
 */
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { gitShowFileBytes } from '../git/index.js';
import { matchGlob } from '../policy/glob.js';
import type { LoadedPolicy } from '../policy/types.js';
import { parsePublicKey, type PublicKeyEntry } from './keys.js';

/** Files the glob walk looks at before it gives up: a manifest glob is not a search of the disk. */
const MAX_WALK_ENTRIES = 50_000;
const SKIP_DIRS = new Set(['.git', 'node_modules']);
/** Signature, bundle, key, trusted root and summary files are small; these caps keep a hostile one cheap. */
const MAX_SIDE_FILE_BYTES = 4 * 1024 * 1024;
const MAX_SUMMARY_BYTES = 64 * 1024 * 1024;

function within(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

// Manifests, signatures and keys are small files read one after the other: synchronous reads cost a
// thousand manifests far less than a round trip through the thread pool each.

/** A path an input names, made absolute inside the workspace; one outside it is E_INPUT. */
export function resolveInside(workspace: string, file: string, input: string): string {
  const root = realpathSync(workspace);
  const absolute = path.resolve(root, file);
  let real = absolute;
  try {
    real = realpathSync(absolute);
  } catch {
    // Missing: reported by the reader, with its own code.
  }
  if (!within(root, absolute) || !within(root, real)) {
    throw new ConfigError('E_INPUT', `input "${input}": ${file} is outside the workspace`);
  }
  return real;
}

export function readInputFile(workspace: string, file: string, input: string, maxBytes = MAX_SIDE_FILE_BYTES): Buffer {
  const absolute = resolveInside(workspace, file, input);
  let size: number;
  try {
    const stats = lstatSync(absolute);
    if (!stats.isFile()) throw new ConfigError('E_INPUT', `input "${input}": ${file} is not a regular file`);
    size = stats.size;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('E_NOT_FOUND', `input "${input}": ${file} does not exist`);
  }
  if (size > maxBytes) throw new ConfigError('E_TOO_LARGE', `input "${input}": ${file} is ${size} bytes, more than the ${maxBytes} bytes it may be`);
  return readFileSync(absolute);
}

const GLOB_CHARS = /[*?[\]{}]/;

/** Workspace-relative paths of the manifests `pattern` names, sorted; a plain path is returned when it exists. */
export async function findManifests(workspace: string, pattern: string): Promise<string[]> {
  const normalised = pattern.replace(/^\.\//, '');
  if (!GLOB_CHARS.test(normalised)) {
    resolveInside(workspace, normalised, 'manifest');
    return existsSync(path.resolve(workspace, normalised)) ? [path.relative(workspace, path.resolve(workspace, normalised)).split(path.sep).join('/')] : [];
  }
  if (normalised.startsWith('/') || normalised.split('/').includes('..')) {
    throw new ConfigError('E_INPUT', `input "manifest": the glob ${pattern} must be relative to the workspace, without ..`);
  }
  const segments = normalised.split('/');
  const fixed: string[] = [];
  while (segments.length > 1 && !GLOB_CHARS.test(segments[0] as string)) fixed.push(segments.shift() as string);
  const found: string[] = [];
  let seen = 0;
  const walk = async (relative: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(workspace, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (++seen > MAX_WALK_ENTRIES)
        throw new ConfigError('E_INPUT', `input "manifest": the glob ${pattern} walks more than ${MAX_WALK_ENTRIES} files; narrow it`);
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await walk(child);
      } else if (entry.isFile() && matchGlob(normalised, child)) found.push(child);
    }
  };
  await walk(fixed.join('/'));
  return found.sort();
}

/** `<manifest>.sig`, `<manifest>.sigstore.json`, `<manifest>.bundle`: the first that exists. */
export function companion(workspace: string, manifest: string, suffixes: readonly string[]): string | undefined {
  return suffixes.map((suffix) => `${manifest}${suffix}`).find((candidate) => existsSync(path.join(workspace, candidate)));
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g;

/** The `public-key` input: inline PEM blocks, or paths (one per line), or both. */
export function readInputKeys(workspace: string, entries: readonly string[]): { entry: PublicKeyEntry; pem: string }[] {
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
    const pem = readInputFile(workspace, file, 'public-key').toString('utf8');
    keys.push({ entry: parsePublicKey(pem, file), pem });
  }
  return keys;
}

function readOptional(workspace: string, file: string): Buffer | undefined {
  try {
    return readInputFile(workspace, file, 'signing.keys');
  } catch (error) {
    if (error instanceof ConfigError && error.code === 'E_NOT_FOUND') return undefined;
    throw error;
  }
}

/** The policy's `signing.keys`, read from the same commit as the policy (the working tree when it came from there). */
export async function readPolicyKeys(workspace: string, policy: LoadedPolicy): Promise<{ entry: PublicKeyEntry; pem: string }[]> {
  const keys: { entry: PublicKeyEntry; pem: string }[] = [];
  for (const file of policy.policy.signing.keys) {
    const where = policy.ref ? `${file} at ${policy.ref}` : file;
    const bytes = policy.ref ? await gitShowFileBytes(workspace, policy.ref, file, { maxBytes: MAX_SIDE_FILE_BYTES }) : readOptional(workspace, file);
    if (bytes === undefined) throw new ConfigError('E_KEY', `the policy's signing.keys names ${where}, which does not exist`);
    keys.push({ entry: parsePublicKey(bytes.toString('utf8'), `${where} (signing.keys)`), pem: bytes.toString('utf8') });
  }
  return keys;
}

/** capture-transcript's summary.json: the models it saw. Anything else in it is not needed here. */
export function readTranscriptModels(workspace: string, file: string): string[] {
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
