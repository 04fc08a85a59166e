/**
 * The `dependencies` rule: parses each changed manifest and lockfile at base and head and compares
 * them package by package. Lower versions and changed sources are violations unless the policy allows
 * them; new packages are listed as a risk signal; a file it cannot parse is never a silent pass.
 */

import {
  NO_FINDINGS,
  readOwn,
  runScan,
  withoutAddedLines,
  type ContentSource,
  type FileChange,
  type Finding,
  type LineScan,
  type Rule,
  type RuleContext,
} from '../types.js';
import { OrderedJobs } from './concurrency.js';
import { compareVersions, type Ecosystem } from './versions.js';
import { dependencyParser, UnparsedError, type Dependency, type DependencyFile } from './deps/index.js';

export interface DependenciesOptions {
  readonly allowDowngrade: boolean;
  readonly allowRegistryChange: boolean;
}

/** Beyond this a file is reported unread rather than parsed: it bounds the time and memory one file may take. */
export const MAX_DEPENDENCY_FILE_BYTES = 64 * 1024 * 1024;

/** New packages listed per file; a new lockfile may add thousands, and the report needs the count, not each one. */
export const MAX_ADDED_PER_FILE = 50;

const ADDED_DECIDED_BY = 'default: new dependencies are a risk signal';

const DEFAULT_SOURCE: Record<Ecosystem, string> = {
  npm: 'the npm registry',
  pypi: 'PyPI',
  go: 'the module proxy',
  cargo: 'crates.io',
  rubygems: 'rubygems.org',
};

function describeSource(ecosystem: Ecosystem, source: string | undefined): string {
  return source ?? DEFAULT_SOURCE[ecosystem];
}

/** The line of compatible releases a version belongs to: 1.x, or 0.4.x below 1.0. */
function releaseLine(version: string): string {
  const nums = version.replace(/^v/, '').match(/\d+/g) ?? [];
  return nums[0] === '0' ? `0.${nums[1] ?? '0'}` : (nums[0] ?? '');
}

function highest(ecosystem: Ecosystem, versions: Iterable<string>): string | undefined {
  let top: string | undefined;
  for (const v of versions) if (top === undefined || (compareVersions(ecosystem, v, top) ?? 0) > 0) top = v;
  return top;
}

function groupByName(dependencies: readonly Dependency[]): Map<string, Dependency[]> {
  const groups = new Map<string, Dependency[]>();
  for (const d of dependencies) {
    const list = groups.get(d.name);
    if (list) list.push(d);
    else groups.set(d.name, [d]);
  }
  return groups;
}

function comparable(ecosystem: Ecosystem, list: readonly Dependency[]): string[] {
  return [...new Set(list.map((d) => d.version).filter((v): v is string => v !== undefined && compareVersions(ecosystem, v, v) === 0))];
}

/**
 * A package is downgraded when a version it had at base is gone at head and what replaced it is lower:
 * the new versions in the same release line (1.x, or 0.4.x) if there are any, else every new version.
 * Comparing what left with what arrived keeps a lockfile that holds 1.x and 2.x side by side from
 * looking downgraded when it gains another 1.x, and still sees a nested copy pinned back.
 */
function downgrade(ecosystem: Ecosystem, base: readonly string[], head: readonly string[]): [string, string] | undefined {
  const kept = new Set(head);
  const left = base.filter((v) => !kept.has(v)).sort((a, b) => compareVersions(ecosystem, b, a) ?? 0);
  const was = new Set(base);
  const arrived = head.filter((v) => !was.has(v));
  if (arrived.length === 0) return undefined;
  for (const from of left) {
    const sameLine = arrived.filter((v) => releaseLine(v) === releaseLine(from));
    const to = highest(ecosystem, sameLine.length > 0 ? sameLine : arrived);
    if (to !== undefined && (compareVersions(ecosystem, to, from) ?? 0) < 0) return [from, to];
  }
  return undefined;
}

export function compareDependencyFiles(
  path: string,
  basePath: string,
  base: DependencyFile | undefined,
  head: DependencyFile,
  options: DependenciesOptions,
  headText?: string,
): Finding[] {
  const findings: Finding[] = [];
  // What to look for in the head text to give each finding a line: a package name, or a registry's new location.
  const subjects = new Map<Finding, string>();
  const push = (finding: Finding, subject: string): void => {
    findings.push(finding);
    subjects.set(finding, subject);
  };
  const ecosystem = head.ecosystem;
  const at = path === basePath ? path : `${path} (was ${basePath})`;
  const downgradeVerdict = options.allowDowngrade ? ({ severity: 'pass', tier: 'medium' } as const) : ({ severity: 'fail', tier: 'high' } as const);
  const sourceVerdict = options.allowRegistryChange ? ({ severity: 'pass', tier: 'medium' } as const) : ({ severity: 'fail', tier: 'critical' } as const);
  const sourceFinding = (message: string): Finding => ({
    rule: 'dependencies',
    code: 'dependency-source-changed',
    ...sourceVerdict,
    message,
    path,
    decidedBy: 'scope.dependencies.allow-registry-change',
  });

  const baseGroups = groupByName(base?.dependencies ?? []);
  const headGroups = groupByName(head.dependencies);
  const added: Array<{ name: string; what: string }> = [];
  for (const [name, headList] of [...headGroups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const baseList = baseGroups.get(name);
    if (!baseList) {
      const first = headList[0]!;
      const version = shownRequirement(first.requirement) ?? first.version;
      added.push({ name, what: `${name}${version ? ` ${version}` : ''}${first.source ? ` from ${first.source}` : ''}` });
      continue;
    }
    const fromTo = downgrade(ecosystem, comparable(ecosystem, baseList), comparable(ecosystem, headList));
    if (fromTo) {
      push(
        {
          rule: 'dependencies',
          code: 'dependency-downgrade',
          ...downgradeVerdict,
          message: `${name} goes down from ${fromTo[0]} to ${fromTo[1]} in ${at}.`,
          path,
          decidedBy: 'scope.dependencies.allow-downgrade',
        },
        name,
      );
    }
    const baseSources = new Set(baseList.map((d) => d.source));
    const newSources = [...new Set(headList.map((d) => d.source))].filter((s) => !baseSources.has(s));
    if (newSources.length > 0) {
      const was = [...baseSources].map((s) => describeSource(ecosystem, s)).join(', ');
      const now = newSources.map((s) => describeSource(ecosystem, s)).join(', ');
      push(sourceFinding(`${name} now comes from ${now} instead of ${was} in ${at}.`), name);
    }
    // The same version from the same place with another checksum: the artifact itself was swapped.
    const baseSums = new Map(baseList.filter((d) => d.checksum).map((d) => [`${d.version} ${d.source ?? ''} ${d.checksumOf ?? ''}`, d.checksum]));
    for (const d of headList) {
      const was = d.checksum ? baseSums.get(`${d.version} ${d.source ?? ''} ${d.checksumOf ?? ''}`) : undefined;
      if (was !== undefined && was !== d.checksum) {
        push(sourceFinding(`${name} ${d.version} has a different ${d.checksumOf ?? ''} checksum in ${at}: same version, different content.`), name);
        break;
      }
    }
  }
  if (base) {
    for (const [setting, value] of [...head.registries].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const was = base.registries.get(setting);
      if (was === value) continue;
      const needle = value.split(' ').reduce((a, b) => (b.length > a.length ? b : a), '');
      push(sourceFinding(was === undefined ? `${at} adds ${setting} ${value}.` : `${at} changes ${setting} from ${was} to ${value}.`), `${LITERAL}${needle}`);
    }
  }
  const listed = added.slice(0, MAX_ADDED_PER_FILE);
  for (const { name, what } of listed) {
    push(
      {
        rule: 'dependencies',
        code: 'dependency-added',
        severity: 'pass',
        tier: 'medium',
        message: `New dependency ${what} in ${at}.`,
        path,
        decidedBy: ADDED_DECIDED_BY,
      },
      name,
    );
  }
  if (added.length > listed.length) {
    findings.push({
      rule: 'dependencies',
      code: 'dependency-added',
      severity: 'pass',
      tier: 'medium',
      message: `${added.length - listed.length} more new dependencies in ${at} (${added.length} in all).`,
      path,
      decidedBy: ADDED_DECIDED_BY,
    });
  }
  const located = headText === undefined ? findings : withLines(findings, subjects, headText, ecosystem);
  // One order on every run and every reader: by code, then message (which starts with the package).
  return located.sort((a, b) => (a.code !== b.code ? (a.code < b.code ? -1 : 1) : a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

/** Marks a subject searched as plain text rather than as a whole-word package name. */
const LITERAL = '\u0000';

/** Lines looked up per file: each lookup scans the text, and a 10 MB lockfile may have many findings. */
const MAX_LOCATED_PER_FILE = 200;

/**
 * Gives each finding the first head line naming its subject as a whole word, so annotations land on
 * the dependency (in a manifest, its declaration; in a lockfile, its first mention). Python names
 * match case- and separator-insensitively, as pip does.
 */
function withLines(findings: readonly Finding[], subjects: ReadonlyMap<Finding, string>, text: string, ecosystem: Ecosystem): Finding[] {
  let lines: string[] | undefined;
  let folded: string[] | undefined;
  let starts: number[] | undefined;
  /** The 1-based line of offset `at` in `text` (`at` -1: none). */
  const lineOf = (at: number): number | undefined => {
    if (at === -1) return undefined;
    starts ??= lineStarts(text);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return findings.map((finding, index) => {
    const subject = subjects.get(finding)?.replace(/ \(override\)$/, '');
    if (!subject || index >= MAX_LOCATED_PER_FILE) return finding;
    // Searched in the whole text at once (a name holds no newline, so a match never spans lines, and a
    // line's edges are newlines, which bound a word as the line's ends do): one native search, not one per line.
    if (subject.startsWith(LITERAL)) {
      // A registry's cleaned location (`host/path`) sits inside a URL: found as plain text.
      const needle = subject.slice(LITERAL.length);
      const line = needle === '' || needle.includes('\n') ? undefined : lineOf(text.indexOf(needle));
      return line === undefined ? finding : { ...finding, line };
    }
    if (ecosystem !== 'pypi') {
      const line = subject.includes('\n') ? undefined : lineOf(wordAt(text, subject));
      return line === undefined ? finding : { ...finding, line };
    }
    lines ??= text.split('\n');
    const escaped = subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const body = escaped.replace(/\\?[-_.]/g, '[-_.]');
    let pattern: RegExp | undefined;
    // A line can only match if it holds the name's letters and digits in any case: a plain search rules
    // out most lines before the pattern is compiled or run. (Non-ASCII names skip it: their case
    // folding is the pattern's to decide.)
    const needle = /^[\x20-\x7e]*$/.test(subject) ? looseName(subject) : '';
    folded ??= lines.map(looseName);
    const at = folded.findIndex((text, i) => text.includes(needle) && (pattern ??= new RegExp(`(?<![\\w@/.-])${body}(?![\\w/-])`, 'i')).test(lines![i]!));
    return at === -1 ? finding : { ...finding, line: at + 1 };
  });
}

const WORD_BEFORE = /[\w@/.-]/;
const WORD_AFTER = /[\w/-]/;

/**
 * Where `name` first appears in `text` as a whole package name: not preceded by a word character, `@`, `/`,
 * `.` or `-`, nor followed by a word character, `/` or `-` (the pattern `(?<![\w@/.-])name(?![\w/-])`,
 * without compiling one per name).
 */
function wordAt(text: string, name: string): number {
  if (name === '') return -1;
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    if (at > 0 && WORD_BEFORE.test(text[at - 1]!)) continue;
    const after = at + name.length;
    if (after < text.length && WORD_AFTER.test(text[after]!)) continue;
    return at;
  }
  return -1;
}

/** Offsets at which each line of `text` starts. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/** A Python name's letters and digits, lower-cased: what pip's case- and separator-insensitive match keeps. */
function looseName(text: string): string {
  return text.toLowerCase().replace(/[-_.]/g, '');
}

/**
 * A requirement as written, when it is a version or a range. A URL or a path is left out: it may carry
 * credentials (`git+https://user:token@host/...`), and `source` already says where it points, cleaned.
 */
function shownRequirement(requirement: string | undefined): string | undefined {
  return requirement !== undefined && /^[\w.+^~<>=!*,| -]{1,80}$/.test(requirement) && /\d|\*/.test(requirement) ? requirement.trim() : undefined;
}

function unparsed(path: string, message: string): Finding {
  return {
    rule: 'dependencies',
    code: 'dependency-unparsed',
    severity: 'warn',
    tier: 'medium',
    message,
    path,
    decidedBy: 'default: a dependency file that cannot be read is never a pass',
  };
}

/** `path`: the change's own path at `side` (its old path at base for a rename). */
async function readText(ctx: Pick<RuleContext, 'content'>, side: 'base' | 'head', path: string, change: FileChange): Promise<string | undefined | Error> {
  const bytes = await readOwn(ctx.content, side, path, change);
  if (bytes === undefined) return undefined;
  if (bytes.length > MAX_DEPENDENCY_FILE_BYTES)
    return new Error(`${path} is ${bytes.length} bytes at ${side}, over the ${MAX_DEPENDENCY_FILE_BYTES}-byte limit`);
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

function parseMessage(error: unknown): string {
  // A parser's own message may quote the file; ours name the format and line only.
  return error instanceof UnparsedError ? error.message : 'the parser rejected it';
}

export function dependenciesRule(options: DependenciesOptions): Rule {
  const judge = async (ctx: Pick<RuleContext, 'content'>, change: FileChange): Promise<Finding[]> => {
    if (change.status === 'deleted') return [];
    const parser = dependencyParser(change.path);
    if (!parser) return [];
    const basePath = change.status === 'renamed' ? (change.oldPath ?? change.path) : change.path;
    const headText = await readText(ctx, 'head', change.path, change);
    if (headText === undefined) return [unparsed(change.path, `${change.path} could not be read at head, so its dependencies were not checked.`)];
    if (headText instanceof Error) return [unparsed(change.path, `${headText.message}: its dependencies were not checked.`)];
    let head: DependencyFile;
    try {
      head = parser(headText);
    } catch (e) {
      return [unparsed(change.path, `${change.path} could not be parsed at head (${parseMessage(e)}), so its dependencies were not checked.`)];
    }
    let base: DependencyFile | undefined;
    // An added or copied file has no base of its own; a rename from a file another parser reads is compared as new.
    if ((change.status === 'modified' || change.status === 'renamed' || change.status === 'type-changed') && dependencyParser(basePath) === parser) {
      const baseText = await readText(ctx, 'base', basePath, change);
      if (baseText instanceof Error) return [unparsed(change.path, `${baseText.message}: its dependencies were not compared.`)];
      if (baseText !== undefined) {
        try {
          base = parser(baseText);
        } catch (e) {
          return [unparsed(change.path, `${basePath} could not be parsed at base (${parseMessage(e)}), so its changes were not compared.`)];
        }
      }
    }
    // A lockfile that parses but lost every entry is more likely truncated than a project that
    // dropped all its dependencies: never a silent pass.
    if (base && base.dependencies.length > 0 && head.dependencies.length === 0) {
      return [
        unparsed(
          change.path,
          `${change.path} names no dependencies at head (${base.dependencies.length} at base): emptied or truncated, so nothing was compared.`,
        ),
      ];
    }
    return compareDependencyFiles(change.path, basePath, base, head, options, headText);
  };

  const begin = (): LineScan => {
    // Each manifest or lockfile is read and compared as it arrives, while the diff still streams, a few
    // at a time; findings stay in the change's order.
    const jobs = new OrderedJobs<readonly Finding[]>(8);
    return {
      file(change: FileChange, content: ContentSource) {
        if (change.status === 'deleted' || !dependencyParser(change.path)) {
          jobs.addResult(NO_FINDINGS);
          return;
        }
        const kept = withoutAddedLines(change);
        jobs.add(() => judge({ content }, kept));
      },
      async finish(ctx) {
        if (jobs.count !== ctx.changes.files.length) throw new Error(`dependencies rule: scanned ${jobs.count} files, judged ${ctx.changes.files.length}`);
        return (await jobs.all()).flat();
      },
    };
  };
  return { name: 'dependencies', begin, run: (ctx) => runScan(begin, ctx) };
}
