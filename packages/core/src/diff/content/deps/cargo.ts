/** Cargo.toml (every dependency table, `[patch]` and `[replace]`) and Cargo.lock. */

import { minimumVersion } from '../versions.js';
import { type Dependency, type DependencyFile, record, str, toml, UnparsedError, urlSource } from './model.js';

const TABLES = ['dependencies', 'dev-dependencies', 'build-dependencies', 'dev_dependencies', 'build_dependencies'];

function cargoDependency(name: string, value: unknown): Dependency {
  const spec = str(value);
  if (spec !== undefined) return { name, requirement: spec, version: minimumVersion('cargo', spec) };
  const table = record(value);
  if (!table) throw new UnparsedError(`Cargo.toml: dependency "${name}" is neither a string nor a table`);
  const git = str(table.git);
  const version = str(table.version);
  const source = git ? `git ${urlSource(git, true)}` : str(table.path) ? 'local' : str(table.registry) ? `registry ${str(table.registry)}` : undefined;
  return {
    name,
    requirement: version ?? (table.workspace === true ? 'workspace' : undefined),
    version: version ? minimumVersion('cargo', version) : undefined,
    source,
  };
}

export function parseCargoToml(text: string): DependencyFile {
  const doc = toml(text, 'Cargo.toml');
  const dependencies: Dependency[] = [];
  const registries = new Map<string, string>();
  const collect = (owner: Record<string, unknown>): void => {
    for (const table of TABLES) for (const [name, value] of Object.entries(record(owner[table]) ?? {})) dependencies.push(cargoDependency(name, value));
  };
  collect(doc);
  collect(record(doc.workspace) ?? {});
  for (const target of Object.values(record(doc.target) ?? {})) collect(record(target) ?? {});
  // `[patch.<registry>]` and `[replace]` swap where a crate comes from for the whole build.
  for (const [registry, patches] of Object.entries(record(doc.patch) ?? {})) {
    for (const [name, value] of Object.entries(record(patches) ?? {})) registries.set(`patch.${registry}.${name}`, describePatch(value));
  }
  for (const [name, value] of Object.entries(record(doc.replace) ?? {})) registries.set(`replace.${name}`, describePatch(value));
  return { ecosystem: 'cargo', format: 'Cargo.toml', dependencies, registries };
}

function describePatch(value: unknown): string {
  const table = record(value) ?? {};
  if (str(table.git)) return `git ${urlSource(str(table.git)!, true)}`;
  if (str(table.path)) return `local ${str(table.path)}`;
  return str(table.version) ?? str(value) ?? 'patched';
}

/** crates.io is reached through the git index or the sparse one: both are crates.io. */
function cargoSource(source: string | undefined): string | undefined {
  if (source === undefined) return 'local';
  const bare = source.replace(/#.*$/, '');
  if (bare === 'registry+https://github.com/rust-lang/crates.io-index' || bare === 'sparse+https://index.crates.io/') return undefined;
  if (bare.startsWith('git+')) return `git ${urlSource(bare.replace(/\?.*$/, ''), true)}`;
  return `registry ${urlSource(bare, true)}`;
}

export function parseCargoLock(text: string): DependencyFile {
  const doc = toml(text, 'Cargo.lock');
  const packages = doc.package;
  if (packages !== undefined && !Array.isArray(packages)) throw new UnparsedError('Cargo.lock: "package" is not an array of tables');
  const dependencies = (packages ?? []).map((value): Dependency => {
    const p = record(value) ?? {};
    const name = str(p.name);
    if (!name) throw new UnparsedError('Cargo.lock: a package has no name');
    return { name, version: str(p.version), requirement: str(p.version), source: cargoSource(str(p.source)), checksum: str(p.checksum), checksumOf: 'crate' };
  });
  return { ecosystem: 'cargo', format: 'Cargo.lock', dependencies, registries: new Map() };
}
