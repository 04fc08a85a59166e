/**
 * What every manifest and lockfile parser returns: the dependencies it names, each with the version it
 * pins (or the lowest its requirement admits), where it comes from, and the file-level registries.
 * Parsers throw on anything they cannot read; the rule reports that as `dependency-unparsed`.
 */

import { parse as parseToml } from 'smol-toml';
import type { Ecosystem } from '../versions.js';

export interface Dependency {
  /** Normalised package name (Python names per PEP 503); several entries may share one name. */
  readonly name: string;
  /** An exact version, or the minimum of a requirement; undefined when it has none (`*`, a git ref). */
  readonly version?: string;
  /** The requirement as written, for messages (`^1.2.3`). */
  readonly requirement?: string;
  /** Where it comes from, normalised (`registry.npmjs.org`, `git github.com/a/b`, `local`); undefined is the ecosystem's default registry. */
  readonly source?: string;
  /** A recorded checksum of this exact version (go.sum, Cargo.lock, Gemfile.lock CHECKSUMS). */
  readonly checksum?: string;
  /** What the checksum is of, when one version has several (`go.mod` or the module zip). */
  readonly checksumOf?: string;
}

export interface DependencyFile {
  readonly ecosystem: Ecosystem;
  /** The format, for messages: `package-lock.json v3`, `yarn.lock v1`, `go.mod`. */
  readonly format: string;
  readonly dependencies: readonly Dependency[];
  /** File-level package sources (`--index-url`, `[[tool.poetry.source]]`, go.mod `replace`, Cargo `[patch]`), by setting. */
  readonly registries: ReadonlyMap<string, string>;
}

/** Thrown by a parser; the message names the format and, where known, the line, never the content. */
export class UnparsedError extends Error {
  override readonly name = 'UnparsedError';
}

/** A URL reduced to what identifies where packages come from: scheme-less host and path, never credentials. */
export function urlSource(url: string, keepPath = false): string {
  try {
    const u = new URL(url.replace(/^git\+/, '').replace(/^(?:registry|sparse)\+/, ''));
    const path = keepPath ? u.pathname.replace(/\.git$/, '').replace(/\/+$/, '') : '';
    return `${u.host}${path}`;
  } catch {
    // scp-like git URLs (git@github.com:a/b.git) and anything odd: drop a userinfo part and a fragment.
    return url
      .replace(/^[a-z+]+:\/\//i, '')
      .replace(/^[^@/]*@/, '')
      .replace(/[#?].*$/, '');
  }
}

/** Python package names compare case- and separator-insensitively (PEP 503). */
export function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** A TOML file parsed, or an UnparsedError naming the format and the line. */
export function toml(text: string, format: string): Record<string, unknown> {
  try {
    return parseToml(text);
  } catch (e) {
    const line = (e as { line?: number }).line;
    throw new UnparsedError(`${format} is not valid TOML${line ? ` (line ${line})` : ''}`);
  }
}
