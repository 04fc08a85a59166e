/**
 * Generates docs/policy.md from packages/core/schemas/policy.schema.json, so the reference cannot drift
 * from what the gates validate. `pnpm exec tsx scripts/docs-policy.ts` writes it; `--check` exits 1
 * when the committed file is stale. scripts/generate.ts imports generatePolicyDocs() for `pnpm generate`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { DEFAULT_POLICY_PATH, DEFAULT_PROTECTED_GROUPS, POLICY_FILE_ORIGIN } from '../packages/core/src/policy/index.js';
import { generatedNotice } from './generated-header.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const schemaFile = path.join(root, 'packages', 'core', 'schemas', 'policy.schema.json');
const docsFile = path.join(root, 'docs', 'policy.md');

export interface Schema {
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  type?: string;
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  definitions?: Record<string, Schema>;
}

function resolve(schema: Schema, rootSchema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/definitions/', '');
  const target = rootSchema.definitions?.[name];
  if (!target) throw new Error(`unresolved $ref ${schema.$ref}`);
  return { ...target, ...schema, description: schema.description ?? target.description };
}

/** Table cells: pipes would split the cell, new lines would end the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

function code(value: unknown): string {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

function typeOf(schemaIn: Schema, rootSchema: Schema): string {
  const schema = resolve(schemaIn, rootSchema);
  if (schema.const !== undefined) return `${code(schema.const)}`;
  if (schema.enum) return schema.enum.map(code).join(' \\| ');
  let text: string;
  switch (schema.type) {
    case 'array': {
      const item = resolve(schema.items ?? {}, rootSchema);
      text = item.type === 'object' ? 'list of entries' : item.enum ? `list of ${item.enum.map(code).join(', ')}` : `list of ${item.type ?? 'values'}s`;
      if (schema.uniqueItems) text += ', no repeats';
      if (schema.minItems) text += `, at least ${schema.minItems}`;
      if (schema.maxItems) text += `, at most ${schema.maxItems}`;
      return text;
    }
    case 'integer':
    case 'number':
      text = schema.type === 'integer' ? 'whole number' : 'number';
      if (schema.minimum !== undefined && schema.maximum !== undefined) text += ` ${schema.minimum}–${schema.maximum}`;
      else if (schema.minimum !== undefined) text += ` ≥ ${schema.minimum}`;
      return text;
    case 'object':
      return 'mapping';
    default:
      return schema.type ?? 'any';
  }
}

function defaultOf(schema: Schema, required: boolean): string {
  if (required) return 'required';
  if (schema.default === undefined) return '—';
  if (Array.isArray(schema.default) && schema.default.length === 0) return '`[]` (none)';
  return code(schema.default);
}

export function table(object: Schema, rootSchema: Schema, prefix: string): string[] {
  const lines = ['| Key | Type | Default | Description |', '|---|---|---|---|'];
  const nested: string[] = [];
  for (const [key, propIn] of Object.entries(object.properties ?? {})) {
    const prop = resolve(propIn, rootSchema);
    if (!prop.description) throw new Error(`${prefix}${key} has no description in the schema`);
    const required = object.required?.includes(key) ?? false;
    lines.push(`| \`${key}\` | ${cell(typeOf(prop, rootSchema))} | ${cell(defaultOf(prop, required))} | ${cell(prop.description)} |`);
    const item = prop.type === 'array' ? resolve(prop.items ?? {}, rootSchema) : undefined;
    if (item?.type === 'object') {
      nested.push('', `#### Each entry of \`${prefix}${key}\``, '', ...table(item, rootSchema, `${prefix}${key}[].`));
    }
  }
  return [...lines, ...nested];
}

/** The defaults as a policy file would spell them. */
function defaultsOf(schema: Schema, rootSchema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, propIn] of Object.entries(schema.properties ?? {})) {
    const prop = resolve(propIn, rootSchema);
    if (prop.type === 'object' && prop.properties) out[key] = defaultsOf(prop, rootSchema);
    else if (prop.const !== undefined) out[key] = prop.const;
    else if (prop.default !== undefined) out[key] = prop.default;
  }
  return out;
}

export function generatePolicyDocs(): string {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Schema;
  const out: string[] = [
    `<!-- ${generatedNotice('scripts/docs-policy.ts', 'packages/core/schemas/policy.schema.json')} -->`,
    '',
    '# Policy reference',
    '',
    schema.description ?? '',
    '',
    `Editors validate the file and complete its keys when it starts with this comment:`,
    '',
    '```yaml',
    `# yaml-language-server: $schema=${schema.$id ?? ''}`,
    'version: 1',
    '```',
    '',
    '## Rules of the file',
    '',
    `- The file is \`${DEFAULT_POLICY_PATH}\` unless a gate is pointed at another one, and is at most 256 KiB.`,
    '- On pull requests it is read from the base commit with git, never from the checked-out change; when the base commit has no policy file the defaults apply.',
    '- `version: 1` is required. A file that is empty or holds only comments is an error, not "no policy": delete it to use the defaults.',
    '- Unknown keys, duplicate keys, anchors and aliases (`&a`, `*a`), merge keys (`<<`), custom tags and the keys `__proto__`, `constructor` and `prototype` are errors.',
    '- Values to mask (`mask-values`) never belong in this file: pass them to capture-transcript from `${{ secrets.* }}`.',
    '- An empty list is strict: `models.allowed: []` allows no model and `transcript.allowed-tools: []` allows no tool. Use `["*"]` for "any".',
    '- Errors name the file, line, column and JSON pointer: `E_POLICY: .github/agent-gates.yml:12:5 /routing/auto-approve-threshold must be <= 1`.',
    '',
    '## Defaults at a glance',
    '',
    'With no policy file every gate applies exactly this:',
    '',
    '```yaml',
    stringify(defaultsOf(schema, schema), { lineWidth: 0, flowCollectionPadding: false }).trimEnd(),
    '```',
    '',
    'The default protected set, applied while `scope.protect-agent-instructions` is true. A path is judged by the first group that matches it, and a finding names that group (`decidedBy`); globs starting with `**/` match a base name anywhere:',
    '',
    ...DEFAULT_PROTECTED_GROUPS.flatMap((group) => [
      `- \`${group.origin}\` (risk tier \`${group.tier}\`): ${group.globs.map((glob) => `\`${glob}\``).join(', ')}`,
    ]),
    '',
    `\`${DEFAULT_POLICY_PATH}\` (or the policy file the gates were pointed at) is always protected, reported as \`${POLICY_FILE_ORIGIN}\`: a change to it is a violation, tier \`critical\`.`,
    '',
    '## Top level',
    '',
  ];
  const topLevel: Schema = { ...schema, properties: { version: schema.properties?.version ?? {} } };
  out.push(...table(topLevel, schema, ''));
  for (const [section, sectionSchemaIn] of Object.entries(schema.properties ?? {})) {
    if (section === 'version') continue;
    const sectionSchema = resolve(sectionSchemaIn, schema);
    out.push('', `## \`${section}\``, '', sectionSchema.description ?? '', '', ...table(sectionSchema, schema, `${section}.`));
  }
  return `${out.join('\n')}\n`;
}

function firstDifference(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    if (left[i] !== right[i]) {
      return `first difference at line ${i + 1}:\n  committed: ${left[i] ?? '(end of file)'}\n  generated: ${right[i] ?? '(end of file)'}`;
    }
  }
  return 'no difference';
}

function main(): void {
  const generated = generatePolicyDocs();
  const current = existsSync(docsFile) ? readFileSync(docsFile, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (current === generated) return;
    console.error(`docs/policy.md is stale: run \`pnpm exec tsx scripts/docs-policy.ts\` and commit the result.\n${firstDifference(current, generated)}`);
    process.exitCode = 1;
    return;
  }
  if (current !== generated) writeFileSync(docsFile, generated);
}

// Only as a command: scripts/generate.ts imports this module for generatePolicyDocs().
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
