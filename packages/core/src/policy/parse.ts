import type { ErrorObject } from 'ajv';
import { ConfigError } from '../errors.js';
import { catastrophicShape } from '../secrets/pattern-safety.js';
import { translateGoRegex } from '../secrets/translate.js';
import { MAX_POLICY_BYTES, loaded, policyPathsFor, toPolicy } from './defaults.js';
import { globProblem } from './glob.js';
// The schema compiled ahead of time (scripts/gen-policy-artifacts.ts): loading ajv and compiling the
// schema here cost every run with a policy file well over 100 ms of its cold start.
import validate from './policy-validate.generated.js';
import { parseToolPattern } from './tools.js';
import type { LoadedPolicy, Policy, RawPolicy } from './types.js';
import { escapePointer, formatLocation, readYaml, type YamlSource } from './yaml.js';

/**
 * Reading and validating a policy file. This module and its dependencies (two YAML packages, the
 * validator) are loaded with import() only when a policy file exists: see load.ts.
 */

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function reservedKey(key: string): string | undefined {
  if (RESERVED_KEYS.has(key)) return `uses the reserved name "${key}" as a key, which is never a policy setting`;
  if (key === '<<') return 'uses a YAML merge key (<<), which is not supported: write the values out';
  if (key === 'mask-values') {
    return `must not be in the policy file: values to mask are secrets and this file is readable by anyone who can read the repository. Pass them to the gate's \`mask-values\` input from \${{ secrets.* }} instead`;
  }
  return undefined;
}

/** A schema violation at a JSON pointer, before it is located in the file. */
export interface Problem {
  pointer: string;
  at: 'key' | 'value';
  message: string;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  // Parsed YAML holds nothing else; say what it is rather than print it.
  return typeof value;
}

function valueAt(root: unknown, pointer: string): unknown {
  let current = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

function unknownKeyMessage(key: string, known: string[]): string {
  const close = known
    .map((candidate) => ({ candidate, distance: levenshtein(key.toLowerCase().replace(/_/g, '-'), candidate) }))
    .filter(({ distance }) => distance <= Math.max(2, Math.floor(key.length / 4)))
    .sort((a, b) => a.distance - b.distance)[0];
  if (close) return `is not a known key (did you mean "${close.candidate}"?)`;
  return `is not a known key (known keys: ${known.join(', ')})`;
}

const PATTERN_WORDS: Record<string, string> = {
  '\\S': 'must not be blank',
  '^[A-Za-z0-9][A-Za-z0-9._-]*$': 'must be a rule id: letters, digits, dots, underscores and hyphens',
  '^[A-Za-z0-9*?][A-Za-z0-9._:/@*?-]*$': 'must be a model id or glob: letters, digits and . _ : / @ - * ?',
};

/** An ajv error in words a person reads, at the pointer to blame (the unknown key itself, the missing one). */
export function ajvProblem(error: ErrorObject, data: unknown): Problem {
  const pointer = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      return { pointer: `${pointer}/${escapePointer(key)}`, at: 'key', message: unknownKeyMessage(key, known) };
    }
    case 'required':
      return { pointer: `${pointer}/${escapePointer(String(params.missingProperty))}`, at: 'value', message: 'is required' };
    case 'type': {
      const wanted = String(params.type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ');
      return { pointer, at: 'value', message: `must be ${wanted}, not ${describeValue(valueAt(data, pointer))}` };
    }
    case 'const':
      return pointer === '/version'
        ? { pointer, at: 'value', message: `must be 1, the policy version this release understands (got ${describeValue(valueAt(data, pointer))})` }
        : { pointer, at: 'value', message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'enum':
      return {
        pointer,
        at: 'value',
        message: `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')} (got ${describeValue(valueAt(data, pointer))})`,
      };
    case 'minLength':
      return { pointer, at: 'value', message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters` };
    case 'maxLength':
      return { pointer, at: 'value', message: `must be at most ${String(params.limit)} characters` };
    case 'minItems':
      return { pointer, at: 'value', message: params.limit === 1 ? 'must not be an empty list' : `must have at least ${String(params.limit)} items` };
    case 'maxItems':
      return { pointer, at: 'value', message: `must have at most ${String(params.limit)} items` };
    case 'uniqueItems': {
      const [first, repeat] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      return { pointer: `${pointer}/${String(repeat)}`, at: 'value', message: `repeats item ${String(first)}` };
    }
    case 'pattern':
      return { pointer, at: 'value', message: PATTERN_WORDS[String(params.pattern)] ?? `must match ${String(params.pattern)}` };
    default:
      // minimum/maximum read well as ajv words them: "must be <= 1".
      return { pointer, at: 'value', message: error.message ?? `fails ${error.keyword}` };
  }
}

function regexProblem(source: string, mayMatchEmpty: boolean): string | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(source);
  } catch (error) {
    return `is not a valid JavaScript regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
  if (!mayMatchEmpty && regex.test('')) return 'matches the empty string, so it would match everywhere';
  return undefined;
}

function backtracking(shape: string | undefined): string | undefined {
  return shape
    ? `${shape}: a line written by the agent could keep it running for hours. Rewrite it so no repeated part can match the same text in two ways (for example (a+)+ as a+)`
    : undefined;
}

/**
 * A regex that runs over lines a change adds (scope `forbid`, `require-ticket`): it must compile, must
 * not match everywhere, and must not have a shape that backtracks without end, since the agent chooses
 * the text it runs over.
 */
function lineRegexProblem(source: string): string | undefined {
  const problem = regexProblem(source, false);
  if (problem) return problem;
  return backtracking(catastrophicShape(source, ''));
}

/** A secrets pattern runs over every added line too; it is written in gitleaks' (Go) dialect, as the engine reads it. */
function secretPatternProblem(source: string): string | undefined {
  const problem = regexProblem(source, false);
  if (problem) return problem;
  let translated: { source: string; flags: string };
  try {
    translated = translateGoRegex(source);
  } catch {
    return 'is not a regular expression the secret engine can read';
  }
  return backtracking(catastrophicShape(translated.source, translated.flags));
}

function repoPathProblem(value: string): string | undefined {
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value)) return 'must be a repository-relative path, not an absolute one';
  if (value.includes('\\') || value.includes('\0')) return 'must use / between folders and contain no NUL';
  if (value.split('/').some((segment) => segment === '..')) return 'must not leave the repository (..)';
  return undefined;
}

/** Rules JSON Schema cannot say: regexes compile, globs parse, thresholds are ordered, exactly one of two keys. */
function semanticProblems(raw: Record<string, unknown>, value: RawPolicy): Problem[] {
  const problems: Problem[] = [];
  const add = (pointer: string, message: string | undefined): void => {
    if (message) problems.push({ pointer, at: 'value', message });
  };
  const given = (pointer: string): boolean => valueAt(raw, pointer) !== undefined;

  value.signing.identities.forEach((identity, i) => {
    const pointer = `/signing/identities/${i}`;
    if (identity.subject !== undefined && identity['subject-regex'] !== undefined) {
      add(pointer, 'gives both subject and subject-regex: keep one');
    } else if (identity.subject === undefined && identity['subject-regex'] === undefined) {
      add(pointer, 'needs subject or subject-regex: an issuer alone would accept any signer it certifies');
    }
    if (identity['subject-regex'] !== undefined) add(`${pointer}/subject-regex`, regexProblem(identity['subject-regex'], false));
  });
  value.signing.keys.forEach((key, i) => add(`/signing/keys/${i}`, repoPathProblem(key)));
  for (const list of ['allowed-paths', 'protected-paths', 'denied-paths'] as const) {
    value.scope[list].forEach((glob, i) => add(`/scope/${list}/${i}`, globProblem(glob)));
  }
  for (const list of ['risk-tiers', 'require-ticket', 'forbid'] as const) {
    value.scope[list].forEach((entry, i) => entry.paths.forEach((glob, j) => add(`/scope/${list}/${i}/paths/${j}`, globProblem(glob))));
  }
  value.scope['require-ticket'].forEach((entry, i) => add(`/scope/require-ticket/${i}/pattern`, lineRegexProblem(entry.pattern)));
  value.scope.forbid.forEach((entry, i) => add(`/scope/forbid/${i}/regex`, lineRegexProblem(entry.regex)));
  value.secrets.patterns.forEach((pattern, i) => add(`/secrets/patterns/${i}/regex`, secretPatternProblem(pattern.regex)));
  value.secrets.allow.forEach((entry, i) => {
    const pointer = `/secrets/allow/${i}`;
    if (entry.paths === undefined && entry.regex === undefined) {
      add(pointer, 'needs paths or regex: an entry with only rules would switch those rules off everywhere (use disabled-rules for that)');
    }
    entry.paths?.forEach((glob, j) => add(`${pointer}/paths/${j}`, globProblem(glob)));
    if (entry.regex !== undefined) add(`${pointer}/regex`, regexProblem(entry.regex, false));
  });
  for (const list of ['allowed-tools', 'denied-tools'] as const) {
    value.transcript[list].forEach((rule, i) => {
      const parsed = parseToolPattern(rule);
      if ('error' in parsed) add(`/transcript/${list}/${i}`, parsed.error);
    });
  }
  value.transcript['redact-patterns'].forEach((source, i) => add(`/transcript/redact-patterns/${i}`, regexProblem(source, false)));
  const { 'auto-approve-threshold': approve, 'reject-threshold': reject } = value.routing;
  if (reject >= approve) {
    const blameReject = given('/routing/reject-threshold') || !given('/routing/auto-approve-threshold');
    add(
      blameReject ? '/routing/reject-threshold' : '/routing/auto-approve-threshold',
      blameReject
        ? `must be lower than auto-approve-threshold (${approve}), or no change could ever be approved`
        : `must be higher than reject-threshold (${reject}), or no change could ever be approved`,
    );
  }
  for (const set of ['thresholds', 'agent-thresholds', 'human-thresholds'] as const) {
    for (const [tier, threshold] of Object.entries(value.routing[set])) {
      if (threshold !== undefined && threshold <= reject) {
        add(`/routing/${set}/${tier}`, `must be higher than reject-threshold (${reject}), or no ${tier}-risk change could ever be approved`);
      }
    }
  }
  if (Object.values(value.routing.weights).every((weight) => weight === 0)) {
    add('/routing/weights', 'gives every signal weight 0: the confidence would be undefined and no change could ever be approved');
  }
  for (const list of ['path-tiers', 'reviewers'] as const) {
    value.routing[list].forEach((entry, i) => entry.paths.forEach((glob, j) => add(`/routing/${list}/${i}/paths/${j}`, globProblem(glob))));
  }
  add('/audit/path', repoPathProblem(value.audit.path));
  add('/audit/spool', repoPathProblem(value.audit.spool));
  value.audit.sinks.forEach((sink, i) => {
    if ((sink.type === 'webhook' || sink.type === 'otlp') && sink.url === undefined) add(`/audit/sinks/${i}`, `must have a \`url\`: it is a ${sink.type} sink`);
  });
  return problems;
}

function throwProblems(file: string, source: YamlSource | undefined, problems: Problem[]): never {
  const located = problems.map((problem) => ({
    ...problem,
    position: source?.locate(problem.pointer, problem.at),
  }));
  // The first problem in reading order, so the message is stable and points where a reader starts.
  located.sort(
    (a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.column ?? 0) - (b.position?.column ?? 0) || a.pointer.localeCompare(b.pointer),
  );
  const seen = new Set<string>();
  const lines = located.filter((p) => {
    const key = `${p.pointer} ${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const first = lines[0] as (typeof lines)[number];
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : '';
  throw new ConfigError('E_POLICY', `${formatLocation(file, first.position)} ${first.pointer} ${first.message}${more}`);
}

/** Validates a parsed value and returns the normalised policy; `source` supplies positions for messages. */
function normalise(data: unknown, file: string, source: YamlSource | undefined, policyPaths: readonly string[]): Policy {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(
      'E_POLICY',
      `${formatLocation(file, source?.locate(''))} / must be a mapping with "version: 1" at the top, not ${describeValue(data)}`,
    );
  }
  // Keep the file's own values apart from the defaults ajv fills in, to tell which threshold was written.
  const raw = structuredClone(data) as Record<string, unknown>;
  if (!validate(data))
    throwProblems(
      file,
      source,
      (validate.errors ?? []).map((error) => ajvProblem(error, raw)),
    );
  const value = data as RawPolicy;
  const problems = semanticProblems(raw, value);
  if (problems.length > 0) throwProblems(file, source, problems);
  return toPolicy(value, policyPaths);
}

/**
 * Validates and defaults a policy file's text. `file` names the file in messages. `policyPath`, the
 * repository-relative path the text came from, is added to the protected paths (it always is).
 */
export function parsePolicyText(text: string, file: string, options: { policyPath?: string; ref?: string } = {}): LoadedPolicy {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_POLICY_BYTES) {
    throw new ConfigError('E_TOO_LARGE', `${file} is ${bytes} bytes; a policy file may be at most ${MAX_POLICY_BYTES} bytes (256 KiB)`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const source = readYaml(body, file, reservedKey);
  if (source.value === undefined || source.value === null) {
    throw new ConfigError('E_POLICY', `${file} is empty: an empty policy is not "no policy". Write "version: 1" to use the defaults, or delete the file`);
  }
  const policy = normalise(source.value, file, source, policyPathsFor(options.policyPath));
  return loaded(policy, { source: 'file', file, ...(options.ref ? { ref: options.ref } : {}) });
}
