import jsYaml from 'js-yaml';
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { ConfigError, type ErrorCode } from '../errors.js';

/**
 * Reading an untrusted YAML file safely, with positions. js-yaml produces the value (core schema: no
 * dates, no custom types, duplicate keys are errors, nesting is capped); the `yaml` package's document
 * only supplies line and column for each JSON pointer, and is where aliases and reserved keys are
 * found before anything walks the value.
 */

/** Nesting a policy file can need is 5 levels; anything near this is an attack or an accident. */
const MAX_YAML_DEPTH = 32;

export interface Position {
  line: number;
  column: number;
}

export interface YamlSource {
  value: unknown;
  /** Where the value (or, with 'key', the key) at a JSON pointer starts; the closest ancestor if unknown. */
  locate(pointer: string, at?: 'key' | 'value'): Position;
}

/** A key a policy file must never have, with the message that says why. */
export type ReservedKeyCheck = (key: string, pointer: string) => string | undefined;

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function formatLocation(file: string, position: Position | undefined): string {
  return position ? `${file}:${position.line}:${position.column}` : file;
}

// Duplicate keys are refused because YAML loaders disagree on which one wins: the reader of the
// file and the gate must not see different rules.
function duplicateKeyReason(text: string, mark: { line?: number; column?: number } | undefined): string {
  const line = mark?.line === undefined ? undefined : text.split(/\r?\n/)[mark.line];
  const key = line === undefined ? undefined : /^\s*(?:-\s+)?(["']?)([^"':#]+?)\1\s*:/.exec(line.slice(mark?.column ?? 0))?.[2];
  return key === undefined ? 'a key appears twice in the same mapping' : `the key "${key}" appears twice in the same mapping`;
}

/** Who reads the file, for messages and the error code: the policy (E_POLICY) or a manifest (E_MANIFEST). */
export interface YamlReader {
  code: ErrorCode;
  /** What the file is, as messages name it: `a policy file`, `a manifest`. */
  kind: string;
}

const POLICY_READER: YamlReader = { code: 'E_POLICY', kind: 'a policy file' };

export function readYaml(text: string, file: string, reservedKey: ReservedKeyCheck, reader: YamlReader = POLICY_READER): YamlSource {
  let value: unknown;
  try {
    // maxDepth arrived in js-yaml 4.1.1; @types/js-yaml predates it.
    const options: jsYaml.LoadOptions & { maxDepth: number } = {
      filename: file,
      schema: jsYaml.CORE_SCHEMA,
      json: false,
      maxDepth: MAX_YAML_DEPTH,
    };
    value = jsYaml.load(text, options);
  } catch (error) {
    if (error instanceof jsYaml.YAMLException) {
      const mark = error.mark as { line?: number; column?: number } | undefined;
      const where = mark && typeof mark.line === 'number' ? { line: mark.line + 1, column: (mark.column ?? 0) + 1 } : undefined;
      const reason = /exceeded maxDepth/.test(error.reason)
        ? `nesting is deeper than ${MAX_YAML_DEPTH} levels`
        : error.reason === 'duplicated mapping key'
          ? duplicateKeyReason(text, mark)
          : error.reason;
      throw new ConfigError(reader.code, `${formatLocation(file, where)} is not valid YAML: ${reason}`, { cause: error });
    }
    if (error instanceof RangeError) {
      throw new ConfigError(reader.code, `${file} is nested too deeply to read`, { cause: error });
    }
    throw error;
  }

  // Fast path: text that cannot hold an alias, anchor, merge key, tag or complex key, and whose keys
  // are none reserved, needs the positional document only for a message, so it is built on demand.
  // Anything else takes the full walk, which refuses what it must with its position.
  if (!MAY_NEED_WALK.test(text) && !hasReservedKey(value, '', reservedKey, 0)) {
    let located: YamlSource['locate'] | undefined;
    return { value, locate: (pointer, at) => (located ??= documentLocator(text, file, reservedKey, reader))(pointer, at) };
  }
  return { value, locate: documentLocator(text, file, reservedKey, reader) };
}

/** Characters without which YAML has no alias (`*`), anchor (`&`), complex key (`?`, `]:`, `}:`), tag (`!`) or merge key (`<<`). */
const MAY_NEED_WALK = /[*&?!]|<<|[\]}]\s*:/;

function hasReservedKey(value: unknown, pointer: string, reservedKey: ReservedKeyCheck, depth: number): boolean {
  if (value === null || typeof value !== 'object' || depth > MAX_YAML_DEPTH) return depth > MAX_YAML_DEPTH;
  if (Array.isArray(value)) return value.some((item, i) => hasReservedKey(item, `${pointer}/${i}`, reservedKey, depth + 1));
  return Object.keys(value).some((key) => {
    const child = `${pointer}/${escapePointer(key)}`;
    return reservedKey(key, child) !== undefined || hasReservedKey((value as Record<string, unknown>)[key], child, reservedKey, depth + 1);
  });
}

/** The `yaml` package's document: where each pointer is, and the refusals only it can see (aliases, reserved keys). */
function documentLocator(text: string, file: string, reservedKey: ReservedKeyCheck, reader: YamlReader): YamlSource['locate'] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, version: '1.2', schema: 'core', uniqueKeys: false, keepSourceTokens: false });
  const positions = new Map<string, { key?: number; value: number }>();
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const fail = (offset: number, pointer: string, message: string): never => {
    throw new ConfigError(reader.code, `${formatLocation(file, toPosition(offset))} ${pointer || '/'} ${message}`);
  };

  const walk = (node: unknown, pointer: string, depth: number): void => {
    if (depth > MAX_YAML_DEPTH) fail(0, pointer, `is nested deeper than ${MAX_YAML_DEPTH} levels`);
    if (isAlias(node)) {
      // Aliases are how "billion laughs" files expand; a policy or a manifest has no need for them, and a
      // reviewer should read in the file exactly what the gates apply.
      fail(node.range?.[0] ?? 0, pointer, `uses the alias *${node.source}: anchors and aliases are not supported in ${reader.kind}, write the values out`);
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const keyOffset = keyNode?.range?.[0] ?? node.range?.[0] ?? 0;
        if (isAlias(keyNode)) walk(keyNode, pointer, depth + 1);
        const key = isScalar(keyNode) ? String(keyNode.value) : keyNode === null ? '' : String(keyNode);
        const childPointer = `${pointer}/${escapePointer(key)}`;
        if (!isScalar(keyNode)) fail(keyOffset, pointer, 'has a key that is not a plain value');
        const reserved = reservedKey(key, childPointer);
        if (reserved) fail(keyOffset, childPointer, reserved);
        const valueNode = pair.value as Node | null;
        positions.set(childPointer, { key: keyOffset, value: valueNode?.range?.[0] ?? keyOffset });
        walk(valueNode, childPointer, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const childPointer = `${pointer}/${index}`;
        const offset = (item as Node | null)?.range?.[0] ?? node.range?.[0] ?? 0;
        positions.set(childPointer, { value: offset });
        walk(item, childPointer, depth + 1);
      });
    }
  };
  const root = document.contents as Node | null;
  positions.set('', { value: root?.range?.[0] ?? 0 });
  walk(root, '', 0);

  return (pointer: string, at: 'key' | 'value' = 'value'): Position => {
    let current = pointer;
    for (;;) {
      const found = positions.get(current);
      if (found) return toPosition(at === 'key' && current === pointer ? (found.key ?? found.value) : found.value);
      if (current === '') return { line: 1, column: 1 };
      current = current.slice(0, current.lastIndexOf('/'));
    }
  };
}
