/**
 * Generates docs/manifest.md from packages/core/schemas/model-manifest.schema.json with the policy
 * reference's table renderer, so the manifest reference cannot drift from what verify-manifest
 * validates. scripts/generate.ts calls generateManifestDocs() for `pnpm generate` / `generate:check`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { table, type Schema } from './docs-policy.js';
import { generatedNotice } from './generated-header.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const schemaFile = path.join(root, 'packages', 'core', 'schemas', 'model-manifest.schema.json');

const EXAMPLE = `model: claude-sonnet-4-5-20250929
version: 1.4.2
fingerprint: sha256:abcdef1234567890
agent: claude-code
prompt_template: bump_version_and_add_tests
prompt_vars:
  module: billing
  change_type: minor
random_seed: 12345
temperature: 0.2
required_tools: [git, docker]
author: alice
timestamp: 2026-01-12T14:22:00Z
transcript_digest: sha256:<capture-transcript's transcript-digest>
subjects:
  - path: src/billing.ts
    sha256: <sha256 of the file's bytes>`;

export function generateManifestDocs(): string {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Schema;
  return `${[
    `<!-- ${generatedNotice('scripts/docs-manifest.ts', 'packages/core/schemas/model-manifest.schema.json')} -->`,
    '',
    '# Model manifest reference',
    '',
    schema.description ?? '',
    '',
    '```yaml',
    `# yaml-language-server: $schema=${schema.$id ?? ''}`,
    EXAMPLE,
    '```',
    '',
    '## Rules of the file',
    '',
    "- YAML or JSON, at most 1 MiB, UTF-8. It is read with the policy file's reader: duplicate keys, anchors and aliases, merge keys (`<<`), custom tags and the keys `__proto__`, `constructor` and `prototype` are errors (`E_MANIFEST`).",
    '- Every schema violation is listed with its `file:line:col` and JSON pointer (`E_MANIFEST_SCHEMA`), not only the first.',
    "- A signature covers the file's exact bytes: `cosign sign-blob --key cosign.key model_manifest.yaml > model_manifest.yaml.sig`, `agent-gates manifest sign --key key.pem`, or a sigstore bundle beside it (`model_manifest.yaml.sigstore.json`).",
    '',
    '## Fields',
    '',
    ...table(schema, schema, ''),
  ].join('\n')}\n`;
}
