// Builds a golden case's repository with real git: base commit on `main`, the change on `agent/change`
// (or left uncommitted for working-tree cases). A case is data (case.json), so a new case needs no code.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { git } from '../../harness/git-repo.js';
import { registerTempDir } from '../../harness/temp.js';

/** A file as a case gives it: text, or text with a mode, a symlink, or bytes. `null` in head deletes it. */
export type FileSpec = string | { text: string; mode?: '100755' } | { symlink: string } | { base64: string };

export interface GoldenCase {
  description: string;
  /** `git` (default), `working-tree`, or `api` (the listing given below, as the REST API would return it). */
  mode?: 'git' | 'working-tree' | 'api';
  base: Record<string, FileSpec>;
  head?: Record<string, FileSpec | null>;
  /** The base policy, written to .github/agent-gates.yml in the base commit (absent: the defaults). */
  policy?: object;
  commitMessage?: string;
  claimed?: string[];
  /** For `api` cases: the pull request and its files as the REST API returns them; `generateFiles` pads the listing. */
  api?: { pull: Record<string, unknown>; files: Array<Record<string, unknown>>; generateFiles?: { count: number; prefix: string } };
}

/** What a case's expect.json states by hand: the few facts a reviewer can check without running anything. */
export interface GoldenExpect {
  verdict?: 'pass' | 'warn' | 'fail';
  notVerdict?: 'pass';
  complete?: boolean;
  /** Rule families that must report a finding at this severity or worse (`fail` or `warn`). */
  rules?: Record<string, 'fail' | 'warn'>;
  /** Paths that must appear in some finding. */
  paths?: string[];
  changedFiles?: number;
}

export interface BuiltCase {
  workspace: string;
  baseSha: string;
  headSha?: string;
  /** Secret values substituted into the files: none may appear in any report. */
  secrets: string[];
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * `{{secret:aws}}` and `{{secret:github}}` in a file become a credential of that shape, made at build time,
 * so no credential-shaped string is committed to this repository (push protection would stop it).
 */
function secretFor(kind: string, seed: string): string {
  const bytes = createHash('sha256').update(`${kind}:${seed}`).digest();
  if (kind === 'aws') return `AKIA${[...bytes.subarray(0, 16)].map((b) => BASE32[b % 32]).join('')}`;
  if (kind === 'github')
    return `ghp_${bytes
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 36)}`;
  throw new Error(`unknown secret kind ${kind}`);
}

function writeFiles(dir: string, files: Record<string, FileSpec | null>, secrets: Set<string>, seed: string): void {
  for (const [rel, spec] of Object.entries(files)) {
    if (path.isAbsolute(rel) || rel.split('/').includes('..')) throw new Error(`golden case path escapes the repository: ${rel}`);
    const file = path.join(dir, rel);
    rmSync(file, { force: true });
    if (spec === null) continue;
    mkdirSync(path.dirname(file), { recursive: true });
    if (typeof spec === 'object' && 'symlink' in spec) {
      symlinkSync(spec.symlink, file);
      continue;
    }
    if (typeof spec === 'object' && 'base64' in spec) {
      writeFileSync(file, Buffer.from(spec.base64, 'base64'));
      continue;
    }
    const text = (typeof spec === 'string' ? spec : spec.text).replace(/\{\{secret:(\w+)\}\}/g, (_m, kind: string) => {
      const value = secretFor(kind, seed);
      secrets.add(value);
      return value;
    });
    writeFileSync(file, text);
    if (typeof spec === 'object' && spec.mode === '100755') chmodSync(file, 0o755);
  }
}

export function readCase(dir: string): { spec: GoldenCase; expect: GoldenExpect } {
  const spec = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as GoldenCase;
  const expect = JSON.parse(readFileSync(path.join(dir, 'expect.json'), 'utf8')) as GoldenExpect;
  return { spec, expect };
}

export function buildCase(name: string, spec: GoldenCase): BuiltCase {
  const workspace = mkdtempSync(path.join(tmpdir(), `golden-${name}-`));
  registerTempDir(workspace);
  const secrets = new Set<string>();
  git(workspace, 'init', '-q', '-b', 'main');
  git(workspace, 'config', 'core.symlinks', 'true');
  const base = { ...spec.base, ...(spec.policy ? { '.github/agent-gates.yml': stringify(spec.policy) } : {}) };
  writeFiles(workspace, base, secrets, name);
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '-m', 'base');
  const baseSha = git(workspace, 'rev-parse', 'HEAD');
  git(workspace, 'checkout', '-q', '-b', 'agent/change');
  writeFiles(workspace, spec.head ?? {}, secrets, name);
  if (spec.mode === 'working-tree') return { workspace, baseSha, secrets: [...secrets] };
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '--allow-empty', '-m', spec.commitMessage ?? 'agent change');
  return { workspace, baseSha, headSha: git(workspace, 'rev-parse', 'HEAD'), secrets: [...secrets] };
}
