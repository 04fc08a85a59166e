/** requirements*.txt (pip's line format, PEP 508), pyproject.toml (PEP 621, PEP 735, Poetry, uv), poetry.lock, uv.lock. */

import { minimumVersion } from '../versions.js';
import { type Dependency, type DependencyFile, pep503, record, str, toml, UnparsedError, urlSource } from './model.js';

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*/;
const SPECIFIER = /^\(?\s*(?:(?:===|==|!=|~=|>=|<=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*(?:,\s*|(?=\)|$)))*\)?\s*$/;

/** One PEP 508 requirement (`name[extra] >=1.2,<2 ; python_version < "3.9"` or `name @ url`). */
export function pep508(requirement: string, where: string): Dependency {
  const m = NAME.exec(requirement.trim());
  if (!m) throw new UnparsedError(`${where}: not a PEP 508 requirement`);
  const name = pep503(m[1]!);
  let rest = requirement.trim().slice(m[0].length);
  if (rest.startsWith('@')) {
    const url = rest.slice(1).trim().split(/\s+;/)[0]!.trim();
    return {
      name,
      requirement: url,
      source: /^git\+/.test(url) ? `git ${urlSource(url.replace(/[@#][^/]*$/, ''), true)}` : /^file:/.test(url) ? 'local' : `url ${urlSource(url)}`,
    };
  }
  rest = rest.split(';')[0]!.trim();
  if (!SPECIFIER.test(rest)) throw new UnparsedError(`${where}: "${name}" has a version specifier that is not PEP 440`);
  const spec = rest.replace(/^\(|\)$/g, '').trim();
  return { name, requirement: spec || undefined, version: spec ? minimumVersion('pypi', spec) : undefined };
}

/** requirements.txt and friends: requirements, pip options, editable installs; `-r` includes are other files. */
export function parseRequirements(text: string): DependencyFile {
  const dependencies: Dependency[] = [];
  const registries = new Map<string, string>();
  const extraIndexes: string[] = [];
  const findLinks: string[] = [];
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  logical.forEach((raw, index) => {
    const where = `requirements line ${index + 1}`;
    const line = raw.replace(/(?:^|\s)#.*$/, '').trim();
    if (line === '') return;
    const option = /^(-[a-zA-Z]|--[a-z-]+)(?:\s*=\s*|\s+)?(.*)$/.exec(line);
    if (option && line.startsWith('-')) {
      const [, flag, value] = option;
      const argument = (value ?? '').trim().split(/\s+/)[0] ?? '';
      if (flag === '-i' || flag === '--index-url') registries.set('--index-url', urlSource(argument, true));
      else if (flag === '--extra-index-url') extraIndexes.push(urlSource(argument, true));
      else if (flag === '-f' || flag === '--find-links') findLinks.push(urlSource(argument, true));
      else if (flag === '--no-index') registries.set('--no-index', 'set');
      else if (flag === '-e' || flag === '--editable') dependencies.push(urlRequirement(argument, where));
      return;
    }
    const requirement = line.replace(/\s+--[a-z-]+(?:[= ]\S+)?/g, '');
    if (/^(?:[a-z+]+:\/\/|\.{1,2}(?:[/[]|$)|\/|git\+)/i.test(requirement)) dependencies.push(urlRequirement(requirement, where));
    else dependencies.push(pep508(requirement, where));
  });
  if (extraIndexes.length > 0) registries.set('--extra-index-url', [...new Set(extraIndexes)].sort().join(' '));
  if (findLinks.length > 0) registries.set('--find-links', [...new Set(findLinks)].sort().join(' '));
  return { ecosystem: 'pypi', format: 'requirements', dependencies, registries };
}

/** A bare URL or path requirement: the name comes from `#egg=` or the archive's file name. */
function urlRequirement(target: string, where: string): Dependency {
  const local = /^\.{1,2}(?:[/[]|$)|^\/|^file:/.test(target);
  if (!local && !/^[a-z+]+:\/\//i.test(target)) throw new UnparsedError(`${where}: not a requirement, option or URL`);
  const egg = /#egg=([A-Za-z0-9._-]+)/.exec(target)?.[1];
  const file = /([A-Za-z0-9_.]+?)-\d[^/]*\.(?:whl|tar\.gz|zip)$/.exec(target)?.[1];
  const source = local ? 'local' : /^git\+/.test(target) ? `git ${urlSource(target.replace(/[@#][^/]*$/, ''), true)}` : `url ${urlSource(target)}`;
  // Without `#egg=` or an archive name, the cleaned location names it: never the raw URL, which may hold credentials.
  const name = (egg ?? file) ? pep503((egg ?? file)!) : local ? target.replace(/\[.*$/, '') : source;
  return { name, requirement: target, source };
}

function poetryDependency(name: string, value: unknown): Dependency[] {
  if (Array.isArray(value)) return value.flatMap((v) => poetryDependency(name, v));
  const n = pep503(name);
  const spec = str(value);
  if (spec !== undefined) return [{ name: n, requirement: spec, version: minimumVersion('pypi', spec) }];
  const table = record(value) ?? {};
  const git = str(table.git);
  if (git) return [{ name: n, requirement: git, source: `git ${urlSource(git, true)}` }];
  const url = str(table.url);
  if (url) return [{ name: n, requirement: url, source: `url ${urlSource(url)}` }];
  if (str(table.path)) return [{ name: n, source: 'local' }];
  const version = str(table.version);
  const index = str(table.source);
  return [{ name: n, requirement: version, version: version ? minimumVersion('pypi', version) : undefined, source: index ? `index ${index}` : undefined }];
}

/** pyproject.toml: PEP 621 and PEP 735 lists, Poetry tables and sources, uv sources and indexes. */
export function parsePyproject(text: string): DependencyFile {
  const doc = toml(text, 'pyproject.toml');
  const dependencies: Dependency[] = [];
  const registries = new Map<string, string>();
  const project = record(doc.project) ?? {};
  const lists: unknown[] = [
    project.dependencies,
    ...Object.values(record(project['optional-dependencies']) ?? {}),
    ...Object.values(record(doc['dependency-groups']) ?? {}),
  ];
  for (const list of lists) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new UnparsedError('pyproject.toml: a dependency list is not an array');
    for (const item of list) if (typeof item === 'string') dependencies.push(pep508(item, 'pyproject.toml'));
  }
  const tool = record(doc.tool) ?? {};
  const poetry = record(tool.poetry) ?? {};
  const poetryTables = [poetry.dependencies, poetry['dev-dependencies'], ...Object.values(record(poetry.group) ?? {}).map((g) => record(g)?.dependencies)];
  for (const table of poetryTables) {
    for (const [name, value] of Object.entries(record(table) ?? {})) if (name !== 'python') dependencies.push(...poetryDependency(name, value));
  }
  for (const source of Array.isArray(poetry.source) ? poetry.source : []) {
    const s = record(source) ?? {};
    registries.set(`tool.poetry.source ${str(s.name) ?? '?'}`, urlSource(str(s.url) ?? '', true));
  }
  const uv = record(tool.uv) ?? {};
  for (const index of Array.isArray(uv.index) ? uv.index : []) {
    const s = record(index) ?? {};
    registries.set(`tool.uv.index ${str(s.name) ?? '?'}`, urlSource(str(s.url) ?? '', true));
  }
  for (const key of ['index-url', 'extra-index-url']) {
    const value = uv[key];
    if (value !== undefined) registries.set(`tool.uv.${key}`, (Array.isArray(value) ? value : [value]).map((v) => urlSource(str(v) ?? '', true)).join(' '));
  }
  for (const [name, value] of Object.entries(record(uv.sources) ?? {})) {
    const s = record(value) ?? {};
    const where = str(s.git)
      ? `git ${urlSource(str(s.git)!, true)}`
      : str(s.url)
        ? `url ${urlSource(str(s.url)!)}`
        : str(s.index)
          ? `index ${str(s.index)}`
          : 'local';
    registries.set(`tool.uv.sources ${pep503(name)}`, where);
  }
  return { ecosystem: 'pypi', format: 'pyproject.toml', dependencies, registries };
}

function lockPackages(doc: Record<string, unknown>, format: string): Record<string, unknown>[] {
  const packages = doc.package;
  if (packages === undefined) return [];
  if (!Array.isArray(packages)) throw new UnparsedError(`${format}: "package" is not an array of tables`);
  return packages.map((p) => record(p) ?? {});
}

/** poetry.lock: `[[package]]` with an optional `[package.source]` (type, url, reference). */
export function parsePoetryLock(text: string): DependencyFile {
  const doc = toml(text, 'poetry.lock');
  const dependencies = lockPackages(doc, 'poetry.lock').map((p): Dependency => {
    const name = str(p.name);
    if (!name) throw new UnparsedError('poetry.lock: a package has no name');
    const source = record(p.source);
    const type = str(source?.type);
    const url = str(source?.url);
    // The reference (a git commit, a legacy index's name) moves with every update; where packages come from does not.
    const where = !source
      ? undefined
      : type === 'git'
        ? `git ${urlSource(url ?? '', true)}`
        : type === 'directory' || type === 'file'
          ? 'local'
          : `${type ?? 'source'} ${urlSource(url ?? '', true)}`;
    return { name: pep503(name), version: str(p.version), requirement: str(p.version), source: where };
  });
  return { ecosystem: 'pypi', format: 'poetry.lock', dependencies, registries: new Map() };
}

/** uv.lock: `[[package]]` with `source = { registry | git | url | path | directory | editable | virtual }`. */
export function parseUvLock(text: string): DependencyFile {
  const doc = toml(text, 'uv.lock');
  if (doc.version === undefined) throw new UnparsedError('uv.lock has no version');
  const dependencies = lockPackages(doc, 'uv.lock').map((p): Dependency => {
    const name = str(p.name);
    if (!name) throw new UnparsedError('uv.lock: a package has no name');
    const source = record(p.source) ?? {};
    const registry = str(source.registry);
    const git = str(source.git);
    const url = str(source.url);
    const where = registry
      ? /^https:\/\/pypi\.org\/simple\/?$/.test(registry)
        ? undefined
        : `registry ${urlSource(registry, true)}`
      : git
        ? `git ${urlSource(git.replace(/[?#].*$/, ''), true)}`
        : url
          ? `url ${urlSource(url)}`
          : 'local';
    return { name: pep503(name), version: str(p.version), requirement: str(p.version), source: where };
  });
  return { ecosystem: 'pypi', format: 'uv.lock', dependencies, registries: new Map() };
}
