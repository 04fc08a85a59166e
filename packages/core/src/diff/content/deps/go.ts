/** go.mod (the directive grammar of golang.org/x/mod/modfile, line by line) and go.sum. */

import { UnparsedError, type Dependency, type DependencyFile } from './model.js';

const DIRECTIVES = new Set(['module', 'go', 'toolchain', 'godebug', 'require', 'replace', 'exclude', 'retract', 'tool', 'ignore']);

/** Splits a go.mod line into tokens; quoted module paths (`"path"`) are unquoted. */
function tokens(line: string): string[] {
  return (line.match(/"(?:[^"\\]|\\.)*"|`[^`]*`|\S+/g) ?? []).map((t) =>
    t.startsWith('"') ? (JSON.parse(t) as string) : t.startsWith('`') ? t.slice(1, -1) : t,
  );
}

export function parseGoMod(text: string): DependencyFile {
  const dependencies: Dependency[] = [];
  const registries = new Map<string, string>();
  let block: string | undefined;
  let sawModule = false;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const comment = raw.indexOf('//');
    const indirect = comment !== -1 && /^\/\/\s*indirect\b/.test(raw.slice(comment));
    const line = (comment === -1 ? raw : raw.slice(0, comment)).trim();
    if (line === '') return;
    const where = `go.mod line ${index + 1}`;
    let words = tokens(line);
    let verb: string;
    if (block !== undefined) {
      if (line === ')') {
        block = undefined;
        return;
      }
      verb = block;
    } else {
      verb = words[0]!;
      if (!DIRECTIVES.has(verb)) throw new UnparsedError(`${where}: unknown directive "${verb.slice(0, 40)}"`);
      words = words.slice(1);
      if (words.length === 1 && words[0] === '(') {
        block = verb;
        return;
      }
    }
    if (verb === 'module') sawModule = true;
    if (verb === 'require') {
      if (words.length !== 2) throw new UnparsedError(`${where}: require needs a module path and a version`);
      dependencies.push({ name: words[0]!, version: words[1]!, requirement: indirect ? `${words[1]} (indirect)` : words[1] });
    } else if (verb === 'replace') {
      const arrow = words.indexOf('=>');
      if (arrow < 1 || arrow > 2 || words.length - arrow - 1 < 1 || words.length - arrow - 1 > 2)
        throw new UnparsedError(`${where}: replace needs "old [version] => new [version]"`);
      registries.set(`replace ${words.slice(0, arrow).join(' ')}`, words.slice(arrow + 1).join(' '));
    }
  });
  if (block !== undefined) throw new UnparsedError(`go.mod: a "${block} (" block is never closed`);
  if (!sawModule) throw new UnparsedError('go.mod has no module directive');
  return { ecosystem: 'go', format: 'go.mod', dependencies, registries };
}

export function parseGoSum(text: string): DependencyFile {
  const dependencies: Dependency[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const m = /^(\S+) (v\S+?)(\/go\.mod)? (h\d+:\S+)$/.exec(line.trim());
    if (!m) throw new UnparsedError(`go.sum line ${index + 1} is not "module version hash"`);
    dependencies.push({ name: m[1]!, version: m[2]!, requirement: m[2]!, checksum: m[4]!, checksumOf: m[3] ? 'go.mod' : 'module' });
  });
  return { ecosystem: 'go', format: 'go.sum', dependencies, registries: new Map() };
}
