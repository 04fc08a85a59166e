/** Gemfile.lock: Bundler's sections (GEM, GIT, PATH, PLUGIN SOURCE with `remote:` and `specs:`), and CHECKSUMS. */

import { UnparsedError, urlSource, type Dependency, type DependencyFile } from './model.js';

const SOURCE_SECTIONS = new Set(['GEM', 'GIT', 'PATH', 'PLUGIN SOURCE']);
const OTHER_SECTIONS = new Set(['PLATFORMS', 'DEPENDENCIES', 'RUBY VERSION', 'BUNDLED WITH', 'CHECKSUMS']);

export function parseGemfileLock(text: string): DependencyFile {
  const dependencies: Dependency[] = [];
  const checksums = new Map<string, string>();
  let section: string | undefined;
  let remotes: string[] = [];
  let sectionDependencies: Dependency[] = [];
  const registries = new Map<string, string>();
  const close = (): void => {
    const where =
      section === 'GEM'
        ? remotes.map((r) => urlSource(r, true)).join(' ')
        : section === 'GIT'
          ? `git ${remotes.map((r) => urlSource(r, true)).join(' ')}`
          : 'local';
    // The first GEM section is the default source: a change of its remote is one file-level finding,
    // not one per gem. A gem that moves to another section (another GEM remote, GIT, PATH) is per gem.
    if (section === 'GEM' && !registries.has('GEM remote')) registries.set('GEM remote', where);
    const isDefault = section === 'GEM' && registries.get('GEM remote') === where;
    for (const d of sectionDependencies) dependencies.push({ ...d, source: isDefault ? undefined : where });
    sectionDependencies = [];
    remotes = [];
  };
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    if (!line.startsWith(' ')) {
      close();
      if (!SOURCE_SECTIONS.has(line.trim()) && !OTHER_SECTIONS.has(line.trim())) throw new UnparsedError(`Gemfile.lock line ${index + 1}: unknown section`);
      section = line.trim();
      return;
    }
    if (section === undefined) throw new UnparsedError(`Gemfile.lock line ${index + 1} is outside any section`);
    if (SOURCE_SECTIONS.has(section)) {
      const remote = /^ {2}remote: (.+)$/.exec(line);
      if (remote) remotes.push(remote[1]!.trim());
      // Four spaces: a gem this source provides; six: one of its own requirements.
      const spec = /^ {4}([^\s(]+) \(([^)]+)\)$/.exec(line);
      if (spec) sectionDependencies.push({ name: spec[1]!, version: spec[2]!, requirement: spec[2]! });
      else if (/^ {4}\S/.test(line) && !/^ {4}[^\s(]+$/.test(line)) throw new UnparsedError(`Gemfile.lock line ${index + 1} is not "name (version)"`);
    } else if (section === 'CHECKSUMS') {
      const m = /^ {2}(\S+) \(([^)]+)\)(?: (\S+))?$/.exec(line);
      if (m && m[3]) checksums.set(`${m[1]} ${m[2]}`, m[3]);
    }
  });
  close();
  if (!dependencies.length && !/^(?:GEM|GIT|PATH)$/m.test(text)) throw new UnparsedError('Gemfile.lock has no GEM, GIT or PATH section');
  const withChecksums = dependencies.map((d) => {
    const checksum = checksums.get(`${d.name} ${d.version}`);
    return checksum ? { ...d, checksum, checksumOf: 'gem' } : d;
  });
  return { ecosystem: 'rubygems', format: 'Gemfile.lock', dependencies: withChecksums, registries };
}
