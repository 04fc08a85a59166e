/**
 * Generates docs/audit-event.md from packages/core/schemas/audit-event.schema.json, so the reference
 * cannot drift from what audit-emit validates. scripts/generate.ts calls generateAuditEventDocs().
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedNotice } from './generated-header.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

interface Schema {
  $ref?: string;
  title?: string;
  description?: string;
  type?: string;
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  oneOf?: Schema[];
  $defs?: Record<string, Schema>;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');

function typeOf(schema: Schema, defs: Record<string, Schema>): string {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/$defs/', '');
    return { text: 'string', digest: '`sha256:<64 hex>`', sha: 'commit SHA' }[name] ?? name;
  }
  if (schema.oneOf) return schema.oneOf.map((s) => typeOf(s, defs)).join(' or ');
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items, defs) : 'values'}`;
  if (schema.type === 'number' && schema.minimum !== undefined) return `number ${schema.minimum}–${schema.maximum ?? '∞'}`;
  if (schema.pattern?.startsWith('^[0-9a-f]{8}')) return 'UUID';
  if (schema.pattern?.startsWith('^\\d{4}')) return 'RFC 3339 UTC time';
  return schema.type ?? 'value';
}

function table(title: string, schema: Schema, defs: Record<string, Schema>): string[] {
  const required = new Set(schema.required ?? []);
  const lines = [`### ${title}`, '', '| Field | Type | Required | Description |', '|---|---|---|---|'];
  const nested: string[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    lines.push(`| \`${name}\` | ${typeOf(property, defs)} | ${required.has(name) ? 'yes' : 'no'} | ${cell(property.description ?? '')} |`);
    if (property.properties) nested.push(...table(`\`${name}\``, property, defs));
    if (property.items?.properties) nested.push(...table(`Each entry of \`${name}\``, property.items, defs));
  }
  return [...lines, '', ...nested];
}

export function generateAuditEventDocs(): string {
  const schema = JSON.parse(readFileSync(path.join(root, 'packages', 'core', 'schemas', 'audit-event.schema.json'), 'utf8')) as Schema;
  const defs = schema.$defs ?? {};
  const version = schema.properties?.schema_version?.const;
  return [
    `<!-- ${generatedNotice('scripts/docs-audit-event.ts', 'packages/core/schemas/audit-event.schema.json')} -->`,
    '',
    `# Audit event (schema version ${String(version)})`,
    '',
    cell(schema.description ?? ''),
    '',
    ...table('Fields', schema, defs),
  ].join('\n');
}
