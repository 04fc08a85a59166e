/** package.json, package-lock.json (v1–v3), pnpm-lock.yaml (v5–v9) and yarn.lock (v1 and Berry). */

import jsYaml from 'js-yaml';
import { minimumVersion } from '../versions.js';
import { record, str, UnparsedError, urlSource, type Dependency, type DependencyFile } from './model.js';

/** Where an npm requirement points: undefined for the registry, else `git host/path`, `url host`, `local`, `alias name`. */
export function npmSpecSource(spec: string): { source?: string; range?: string } {
  const s = spec.trim();
  if (/^npm:/.test(s)) {
    const target = s.slice(4);
    const at = target.lastIndexOf('@');
    return at > 0 ? { source: `alias ${target.slice(0, at)}`, range: target.slice(at + 1) } : { source: `alias ${target}` };
  }
  if (/^(?:workspace|file|link|portal|patch):/.test(s)) return { source: 'local' };
  if (/^(?:git\+|git:|github:|gitlab:|bitbucket:|gist:)/.test(s)) return { source: `git ${gitRepo(s)}` };
  if (/^https?:/.test(s)) return { source: `url ${urlSource(s)}` };
  if (/^[\w.-]+\/[\w.-]+(?:#.*)?$/.test(s)) return { source: `git github.com/${s.replace(/#.*$/, '')}` };
  return { range: s };
}

function gitRepo(spec: string): string {
  const short = /^(github|gitlab|bitbucket):([^#]+)/.exec(spec);
  if (short) return `${short[1]}.${short[1] === 'bitbucket' ? 'org' : 'com'}/${short[2]}`;
  return urlSource(spec.replace(/^git\+/, '').replace(/#.*$/, ''), true);
}

/** package.json: every dependency section and the override tables. */
export function parsePackageJson(text: string): DependencyFile {
  const json = parseJson(text, 'package.json');
  const dependencies: Dependency[] = [];
  for (const section of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    const table = record(json[section]);
    if (json[section] !== undefined && !table) throw new UnparsedError(`package.json: "${section}" is not an object`);
    for (const [name, value] of Object.entries(table ?? {})) {
      const spec = str(value);
      if (spec === undefined) throw new UnparsedError(`package.json: "${section}.${name}" is not a string`);
      dependencies.push(npmDependency(name, spec));
    }
  }
  // Overrides pin transitive versions: a lower pin there is a downgrade like any other.
  const overrides: Array<[string, unknown]> = [
    ...Object.entries(record(json.overrides) ?? {}),
    ...Object.entries(record(json.resolutions) ?? {}),
    ...Object.entries(record(record(json.pnpm)?.overrides) ?? {}),
  ];
  for (const [name, value] of overrides) {
    const spec = str(value);
    if (spec !== undefined) dependencies.push(npmDependency(`${name} (override)`, spec));
  }
  return { ecosystem: 'npm', format: 'package.json', dependencies, registries: new Map() };
}

function npmDependency(name: string, spec: string): Dependency {
  const { source, range } = npmSpecSource(spec);
  return { name, requirement: spec, version: range !== undefined ? minimumVersion('npm', range) : undefined, source };
}

function parseJson(text: string, format: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UnparsedError(`${format} is not valid JSON`);
  }
  const object = record(value);
  if (!object) throw new UnparsedError(`${format} is not a JSON object`);
  return object;
}

function resolvedSource(resolved: string | undefined, version: string | undefined): string | undefined {
  if (resolved === undefined) return version !== undefined && !/^\d/.test(version) ? npmSpecSource(version).source : undefined;
  if (/^(?:git\+|git:|github:)/.test(resolved)) return `git ${gitRepo(resolved)}`;
  if (/^file:/.test(resolved)) return 'local';
  return urlSource(resolved);
}

/** package-lock.json and npm-shrinkwrap.json, v1 (`dependencies` tree) and v2/v3 (`packages` by install path). */
export function parsePackageLock(text: string): DependencyFile {
  const json = parseJson(text, 'package-lock.json');
  const version = json.lockfileVersion;
  const dependencies: Dependency[] = [];
  const packages = record(json.packages);
  if (packages) {
    for (const [installPath, value] of Object.entries(packages)) {
      if (installPath === '') continue;
      const entry = record(value);
      if (!entry) throw new UnparsedError(`package-lock.json: packages["${installPath}"] is not an object`);
      const at = installPath.lastIndexOf('node_modules/');
      // Workspace folders (`packages/a`) are the project's own code, not dependencies.
      if (at === -1) continue;
      const name = str(entry.name) ?? installPath.slice(at + 'node_modules/'.length);
      if (entry.link === true) {
        dependencies.push({ name, source: 'local' });
        continue;
      }
      const v = str(entry.version);
      dependencies.push({ name, version: v !== undefined && /^\d/.test(v) ? v : undefined, requirement: v, source: resolvedSource(str(entry.resolved), v) });
    }
  } else {
    const walk = (tree: Record<string, unknown>, where: string): void => {
      for (const [name, value] of Object.entries(tree)) {
        const entry = record(value);
        if (!entry) throw new UnparsedError(`package-lock.json: dependencies of ${where || 'the root'} hold a non-object for "${name}"`);
        const v = str(entry.version);
        dependencies.push({ name, version: v !== undefined && /^\d/.test(v) ? v : undefined, requirement: v, source: resolvedSource(str(entry.resolved), v) });
        const nested = record(entry.dependencies);
        if (nested) walk(nested, `${where}/${name}`);
      }
    };
    const tree = record(json.dependencies);
    if (json.dependencies !== undefined && !tree) throw new UnparsedError('package-lock.json: "dependencies" is not an object');
    if (!tree && version === undefined) throw new UnparsedError('package-lock.json has neither "packages" nor "dependencies" nor "lockfileVersion"');
    walk(tree ?? {}, '');
  }
  return { ecosystem: 'npm', format: `package-lock.json v${str(version) ?? '?'}`, dependencies, registries: new Map() };
}

/**
 * js-yaml rather than the `yaml` package: on a 7 MB pnpm lockfile it takes about a tenth of the time
 * (seconds against tens of seconds on a loaded runner). The failsafe schema keeps every scalar a
 * string, so `1.10` stays a version instead of becoming the number 1.1; a duplicate key is an error.
 */
function yamlObject(text: string, format: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = jsYaml.load(text, { schema: jsYaml.FAILSAFE_SCHEMA, json: false });
  } catch (e) {
    const line = e instanceof jsYaml.YAMLException ? (e.mark as { line?: number } | undefined)?.line : undefined;
    throw new UnparsedError(`${format} is not valid YAML${line !== undefined ? ` (line ${line + 1})` : ''}`);
  }
  const object = record(value);
  if (!object) throw new UnparsedError(`${format} is not a YAML mapping`);
  return object;
}

/** `/name@1.2.3(peer@1)` (v6), `name@1.2.3` (v9), `/name/1.2.3_peer@1` (v5) -> name and version. */
function pnpmKey(key: string): { name: string; version: string } | undefined {
  const bare = key.replace(/^\//, '').replace(/\(.*$/, '');
  const at = bare.indexOf('@', 1);
  if (at > 0) return { name: bare.slice(0, at), version: bare.slice(at + 1) };
  const slash = bare.lastIndexOf('/');
  if (slash > 0) return { name: bare.slice(0, slash), version: bare.slice(slash + 1).replace(/_.*$/, '') };
  return undefined;
}

/** pnpm-lock.yaml, lockfile versions 5.x, 6.x and 9.x. */
export function parsePnpmLock(text: string): DependencyFile {
  const doc = yamlObject(text, 'pnpm-lock.yaml');
  if (doc.lockfileVersion === undefined) throw new UnparsedError('pnpm-lock.yaml has no lockfileVersion');
  const dependencies: Dependency[] = [];
  for (const [key, value] of Object.entries(record(doc.packages) ?? {})) {
    const entry = record(value) ?? {};
    const parsed = pnpmKey(key);
    const name = str(entry.name) ?? parsed?.name;
    if (!name) throw new UnparsedError(`pnpm-lock.yaml: cannot read the package key "${key.slice(0, 80)}"`);
    const resolution = record(entry.resolution) ?? {};
    const version = str(entry.version) ?? parsed?.version;
    const source =
      str(resolution.tarball) !== undefined
        ? urlSource(str(resolution.tarball)!)
        : str(resolution.repo) !== undefined
          ? `git ${urlSource(str(resolution.repo)!, true)}`
          : str(resolution.directory) !== undefined
            ? 'local'
            : undefined;
    dependencies.push({ name, version: version !== undefined && /^\d/.test(version) ? version : undefined, requirement: version, source });
  }
  // Direct dependencies as each importer resolved them: `link:` turns a registry package into local code.
  const importers = record(doc.importers) ?? { '.': doc };
  for (const importer of Object.values(importers)) {
    const project = record(importer) ?? {};
    for (const section of ['dependencies', 'devDependencies', 'optionalDependencies']) {
      for (const [name, value] of Object.entries(record(project[section]) ?? {})) {
        const resolved = str(record(value)?.version) ?? str(value);
        if (resolved === undefined) continue;
        const version = resolved.replace(/\(.*$/, '').replace(/_.*$/, '');
        if (/^(?:link|file):/.test(version)) dependencies.push({ name, source: 'local', requirement: version });
      }
    }
  }
  return { ecosystem: 'npm', format: `pnpm-lock.yaml v${str(doc.lockfileVersion)}`, dependencies, registries: new Map() };
}

/** The package name in a yarn descriptor (`@scope/a@^1`, `a@npm:^1`, `alias@npm:real@^1`). */
function descriptorName(descriptor: string): string {
  const at = descriptor.indexOf('@', 1);
  return at > 0 ? descriptor.slice(0, at) : descriptor;
}

/** yarn.lock: Berry's YAML, or v1's own format (an indentation-based list of `key value` pairs). */
export function parseYarnLock(text: string): DependencyFile {
  if (/^__metadata:/m.test(text)) return parseYarnBerry(text);
  return parseYarnV1(text);
}

function parseYarnBerry(text: string): DependencyFile {
  const doc = yamlObject(text, 'yarn.lock (Berry)');
  const dependencies: Dependency[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata') continue;
    const entry = record(value);
    if (!entry) throw new UnparsedError(`yarn.lock: entry "${key.slice(0, 80)}" is not a mapping`);
    const resolution = str(entry.resolution) ?? '';
    if (resolution.includes('@workspace:')) continue;
    const name = descriptorName(resolution || key.split(',')[0]!.trim());
    const protocol = /^(?:@[^@]+|[^@]+)@([a-z]+):(.*)$/.exec(resolution);
    let source: string | undefined;
    if (protocol && protocol[1] !== 'npm') {
      const target = decodeURIComponent(protocol[2]!);
      source = protocol[1] === 'patch' ? undefined : /^https?:|^git/.test(target) ? `git ${urlSource(target.replace(/#.*$/, ''), true)}` : protocol[1];
    }
    const version = str(entry.version);
    dependencies.push({ name, version: version !== undefined && /^\d/.test(version) ? version : undefined, requirement: version, source });
  }
  return { ecosystem: 'npm', format: 'yarn.lock (Berry)', dependencies, registries: new Map() };
}

function unquote(token: string): string {
  const t = token.trim();
  if (t.startsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      throw new UnparsedError('yarn.lock v1: a quoted value is not closed');
    }
  }
  return t;
}

function parseYarnV1(text: string): DependencyFile {
  const dependencies: Dependency[] = [];
  let current: { names: string[]; fields: Map<string, string> } | undefined;
  const flush = (): void => {
    if (!current) return;
    const version = current.fields.get('version');
    if (version === undefined) throw new UnparsedError(`yarn.lock v1: entry ${current.names[0]} has no version`);
    const resolved = current.fields.get('resolved');
    for (const name of new Set(current.names)) {
      dependencies.push({
        name,
        version: /^\d/.test(version) ? version : undefined,
        requirement: version,
        source: resolved ? resolvedSource(resolved, version) : undefined,
      });
    }
    current = undefined;
  };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      flush();
      if (!line.endsWith(':')) throw new UnparsedError(`yarn.lock v1: line ${i + 1} is neither an entry header nor a field`);
      const descriptors = splitDescriptors(line.slice(0, -1)).map(unquote);
      current = { names: descriptors.map(descriptorName), fields: new Map() };
    } else if (indent === 2) {
      if (!current) throw new UnparsedError(`yarn.lock v1: line ${i + 1} is a field outside any entry`);
      const body = line.trim();
      if (body.endsWith(':')) continue; // `dependencies:` and friends: their 4-space children name ranges, not resolutions.
      const m = /^("(?:[^"\\]|\\.)*"|[^\s"]+)\s+(.+)$/.exec(body);
      if (!m) throw new UnparsedError(`yarn.lock v1: line ${i + 1} is not a "key value" pair`);
      current.fields.set(unquote(m[1]!), unquote(m[2]!));
    } else if (indent >= 4) {
      if (!current) throw new UnparsedError(`yarn.lock v1: line ${i + 1} is indented outside any entry`);
    } else {
      throw new UnparsedError(`yarn.lock v1: line ${i + 1} has an unexpected indentation`);
    }
  }
  flush();
  return { ecosystem: 'npm', format: 'yarn.lock v1', dependencies, registries: new Map() };
}

function splitDescriptors(header: string): string[] {
  const parts: string[] = [];
  let currentPart = '';
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(currentPart);
      currentPart = '';
    } else currentPart += ch;
  }
  parts.push(currentPart);
  return parts.map((p) => p.trim()).filter(Boolean);
}
