import { ConfigError } from '../errors.js';
import { ajvProblem, describeValue } from '../policy/parse.js';
import { formatLocation, readYaml, type YamlReader } from '../policy/yaml.js';
// Compiled ahead of time from packages/core/schemas/model-manifest.schema.json (scripts/gen-policy-artifacts.ts).
import validate from './manifest-validate.generated.js';
import type { ModelManifest } from './types.js';

/**
 * Reading a manifest with the policy file's reader (policy/yaml.ts): the same size discipline, no
 * aliases or merge keys, duplicate keys an error, reserved names refused, positions as file:line:col.
 * JSON is read by the same reader, as YAML 1.2 is a superset of it.
 */

/** A manifest is a few hundred bytes; a list of subjects makes it kilobytes. 1 MiB is generous. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** Decoding is stateless between calls (no `stream`), so one decoder serves every manifest. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const MANIFEST_READER: YamlReader = { code: 'E_MANIFEST', kind: 'a manifest' };
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function reservedKey(key: string): string | undefined {
  if (RESERVED_KEYS.has(key)) return `uses the reserved name "${key}" as a key, which is never a manifest field`;
  if (key === '<<') return 'uses a YAML merge key (<<), which is not supported: write the values out';
  return undefined;
}

/** What a field's pattern asks for, in words; keyed by the field name (the pointer's last part). */
const PATTERN_WORDS: Record<string, string> = {
  model: 'must be a model id: letters, digits and . _ : / @ + -',
  timestamp: 'must be an RFC 3339 date-time with a time zone, such as 2026-01-12T14:22:00Z',
  fingerprint: 'must be <algorithm>:<hex>, such as sha256:abcdef1234567890',
  transcript_digest: 'must be sha256: and 64 lower-case hex digits',
  sha256: 'must be 64 lower-case hex digits, with or without sha256:',
};

/** A schema violation, located: `file:line:col /pointer message`. */
export interface ManifestProblem {
  readonly pointer: string;
  readonly message: string;
  readonly location: string;
}

/** Decodes, reads and validates one manifest. Throws E_TOO_LARGE, E_MANIFEST (unreadable) or E_MANIFEST_SCHEMA (every violation listed). */
export function parseManifest(bytes: Buffer, file: string): ModelManifest {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new ConfigError('E_TOO_LARGE', `${file} is ${bytes.length} bytes; a manifest may be at most ${MAX_MANIFEST_BYTES} bytes (1 MiB)`);
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch (error) {
    throw new ConfigError('E_MANIFEST', `${file} is not valid UTF-8 text`, { cause: error });
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const source = readYaml(body, file, reservedKey, MANIFEST_READER);
  const data = source.value;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(
      'E_MANIFEST_SCHEMA',
      `${formatLocation(file, source.locate(''))} / must be a mapping with model, version and timestamp, not ${describeValue(data)}`,
    );
  }
  const problems: (ManifestProblem & { line: number; column: number })[] = [];
  const add = (pointer: string, at: 'key' | 'value', message: string) => {
    const position = source.locate(pointer, at);
    problems.push({ pointer, message, location: formatLocation(file, position), ...position });
  };
  if (!validate(data)) {
    for (const error of validate.errors ?? []) {
      // anyOf repeats each branch's failure; the anyOf error itself says it once.
      if (error.schemaPath.includes('/anyOf/')) continue;
      const problem = ajvProblem(error, data);
      const words = error.keyword === 'pattern' ? PATTERN_WORDS[problem.pointer.slice(problem.pointer.lastIndexOf('/') + 1)] : undefined;
      add(problem.pointer, problem.at, words ?? problem.message);
    }
  } else {
    const timestamp = (data as { timestamp: string }).timestamp;
    if (Number.isNaN(Date.parse(timestamp))) add('/timestamp', 'value', `is not a real date and time (${JSON.stringify(timestamp)})`);
  }
  if (problems.length > 0) {
    // In reading order, so the message reads the file top to bottom.
    problems.sort((a, b) => a.line - b.line || a.column - b.column || a.pointer.localeCompare(b.pointer));
    const seen = new Set<string>();
    const unique = problems.filter((p) => !seen.has(`${p.pointer} ${p.message}`) && seen.add(`${p.pointer} ${p.message}`));
    throw new ConfigError(
      'E_MANIFEST_SCHEMA',
      `${file} does not follow the manifest schema (${unique.length} problem${unique.length > 1 ? 's' : ''}): ${unique.map((p) => `${p.location} ${p.pointer || '/'} ${p.message}`).join('; ')}`,
    );
  }
  return data as ModelManifest;
}
