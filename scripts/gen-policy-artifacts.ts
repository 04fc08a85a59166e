/**
 * Generates, from packages/core/schemas/policy.schema.json, what the policy loader would otherwise
 * compute at run time, so a gate's cold start pays for neither:
 *  - packages/core/src/policy/default-policy.generated.ts: the schema's defaults (the policy applied
 *    when there is no policy file), so that path never loads a YAML reader or a validator;
 *  - packages/core/src/policy/policy-validate.generated.js (+ .d.ts): the schema compiled ahead of time
 *    by ajv's standalone code generator, so reading a policy file does not load and run ajv's compiler;
 *    likewise the model manifest's and the audit event's validators.
 * `pnpm exec tsx scripts/gen-policy-artifacts.ts` writes them; `--check` exits 1 when one is stale.
 * scripts/generate.ts calls generatePolicyArtifacts() for `pnpm generate` / `pnpm generate:check`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generatedNotice } from './generated-header.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const policyDir = path.join(root, 'packages', 'core', 'src', 'policy');
const schemaFile = path.join(root, 'packages', 'core', 'schemas', 'policy.schema.json');

// ajv is a dependency of packages/core, not of the root: use the very copy the core tests use.
const requireFromCore = createRequire(path.join(root, 'packages', 'core', 'package.json'));

interface AjvInstance {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
}
type StandaloneCode = (ajv: AjvInstance, validate: unknown) => string;

/**
 * The options the loader has always validated with. useDefaults is what fills the defaults in;
 * verbose keeps `parentSchema` on errors, which the messages use to list the known keys.
 */
const AJV_OPTIONS = { allErrors: true, useDefaults: true, strict: true, verbose: true } as const;

function newAjv(options: object): AjvInstance {
  const { Ajv } = requireFromCore('ajv') as { Ajv: new (options: object) => AjvInstance };
  return new Ajv({ ...AJV_OPTIONS, ...options });
}

function readSchema(): object {
  return JSON.parse(readFileSync(schemaFile, 'utf8')) as object;
}

const HEADER = `// ${generatedNotice('scripts/gen-policy-artifacts.ts', 'packages/core/schemas/policy.schema.json')}\n`;

function defaultPolicySource(schema: object): string {
  const value = { version: 1 };
  const validate = newAjv({}).compile(schema);
  if (!validate(value)) throw new Error(`the schema rejects its own defaults: ${JSON.stringify(validate.errors)}`);
  return `${HEADER}import type { RawPolicy } from './types.js';

/** What ajv's useDefaults makes of a file holding only \`version: 1\`. */
export const DEFAULT_RAW_POLICY: RawPolicy = ${JSON.stringify(value, null, 2)};
`;
}

/**
 * ajv's standalone output requires its runtime helpers (ucs2length for string lengths) from the ajv
 * package as CommonJS, even with `esm: true`. They are small pure functions: inlining them keeps the
 * module plain ESM with no imports, which Node, vitest and ncc all load the same way.
 */
function inlineRuntimeHelpers(code: string): string {
  const helpers = new Map<string, string>();
  const replaced = code.replace(/require\("(ajv\/dist\/runtime\/[A-Za-z0-9_]+)"\)\.default/g, (_, id: string) => {
    const helper = (requireFromCore(id) as { default?: unknown }).default;
    const source = typeof helper === 'function' ? helper.toString() : '';
    const name = /^function ([A-Za-z0-9_$]+)\s*\(/.exec(source)?.[1];
    // A helper that closes over its module (fast-deep-equal's require, say) cannot be copied as text.
    if (!name || /\brequire\s*\(/.test(source)) throw new Error(`cannot inline ${id}: extend gen-policy-artifacts.ts`);
    helpers.set(name, source);
    return name;
  });
  if (/\brequire\s*\(/.test(replaced)) throw new Error('the generated validator still calls require()');
  return [...helpers.values()].join('\n') + (helpers.size > 0 ? '\n' : '') + replaced;
}

function validatorSource(schema: object, header = HEADER, ajv = newAjv({ code: { source: true, esm: true, lines: true } })): string {
  const standaloneCode = (requireFromCore('ajv/dist/standalone') as { default: StandaloneCode }).default;
  const code = inlineRuntimeHelpers(standaloneCode(ajv, ajv.compile(schema)).replace(/^"use strict";/, ''));
  return `${header}/* eslint-disable */\n${code.trimEnd()}\n`;
}

const VALIDATOR_TYPES = `${HEADER}import type { ErrorObject } from 'ajv';

export interface PolicyValidateFunction {
  /** True when \`data\` is a valid policy; fills in the schema's defaults in place, as ajv's useDefaults does. */
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export declare const validate: PolicyValidateFunction;
export default validate;
`;

// verify-manifest validates manifests the same way, compiled ahead of time for the same cold-start reason.
const manifestDir = path.join(root, 'packages', 'core', 'src', 'manifest');
const MANIFEST_HEADER = `// ${generatedNotice('scripts/gen-policy-artifacts.ts', 'packages/core/schemas/model-manifest.schema.json')}\n`;
const MANIFEST_VALIDATOR_TYPES = VALIDATOR_TYPES.replace(HEADER, MANIFEST_HEADER)
  .replace('PolicyValidateFunction', 'ManifestValidateFunction')
  .replace('PolicyValidateFunction', 'ManifestValidateFunction')
  .replace("is a valid policy; fills in the schema's defaults in place, as ajv's useDefaults does", 'is a valid model manifest');

// audit-emit validates every event before it writes it: the 2020-12 schema compiled ahead of time, with
// the options event.ts compiled it with at run time (no defaults filled in: an event is never altered).
const auditDir = path.join(root, 'packages', 'core', 'src', 'audit');
const AUDIT_HEADER = `// ${generatedNotice('scripts/gen-policy-artifacts.ts', 'packages/core/schemas/audit-event.schema.json')}\n`;
const AUDIT_VALIDATOR_TYPES = VALIDATOR_TYPES.replace(HEADER, AUDIT_HEADER)
  .replace('PolicyValidateFunction', 'AuditEventValidateFunction')
  .replace('PolicyValidateFunction', 'AuditEventValidateFunction')
  .replace("is a valid policy; fills in the schema's defaults in place, as ajv's useDefaults does", 'is a valid audit event');

function auditEventValidatorSource(): string {
  const { Ajv2020 } = requireFromCore('ajv/dist/2020') as { Ajv2020: new (options: object) => AjvInstance };
  const schema = JSON.parse(readFileSync(path.join(root, 'packages', 'core', 'schemas', 'audit-event.schema.json'), 'utf8')) as object;
  return validatorSource(schema, AUDIT_HEADER, new Ajv2020({ allErrors: true, strict: true, code: { source: true, esm: true, lines: true } }));
}

/** Every generated file, by absolute path, with the content it must have. */
export function generatePolicyArtifacts(): Record<string, string> {
  const schema = readSchema();
  const manifestSchema = JSON.parse(readFileSync(path.join(root, 'packages', 'core', 'schemas', 'model-manifest.schema.json'), 'utf8')) as object;
  return {
    [path.join(manifestDir, 'manifest-validate.generated.js')]: validatorSource(manifestSchema, MANIFEST_HEADER),
    [path.join(manifestDir, 'manifest-validate.generated.d.ts')]: MANIFEST_VALIDATOR_TYPES,
    [path.join(auditDir, 'event-validate.generated.js')]: auditEventValidatorSource(),
    [path.join(auditDir, 'event-validate.generated.d.ts')]: AUDIT_VALIDATOR_TYPES,
    [path.join(policyDir, 'default-policy.generated.ts')]: defaultPolicySource(schema),
    [path.join(policyDir, 'policy-validate.generated.js')]: validatorSource(schema),
    [path.join(policyDir, 'policy-validate.generated.d.ts')]: VALIDATOR_TYPES,
  };
}

function main(): void {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const [file, content] of Object.entries(generatePolicyArtifacts())) {
    if (existsSync(file) && readFileSync(file, 'utf8') === content) continue;
    if (check) stale.push(path.relative(root, file));
    else writeFileSync(file, content);
  }
  if (stale.length > 0) {
    console.error(`stale, run \`pnpm exec tsx scripts/gen-policy-artifacts.ts\` and commit:\n${stale.map((f) => `  ${f}`).join('\n')}`);
    process.exitCode = 1;
  }
}

// Only as a command: scripts/generate.ts imports this module for generatePolicyArtifacts().
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
