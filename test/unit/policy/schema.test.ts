import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { policySchema } from '@agent-gates/core/policy';
import { generatePolicyDocs } from '../../../scripts/docs-policy.js';
import { generatePolicyArtifacts } from '../../../scripts/gen-policy-artifacts.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// ajv is a dependency of packages/core, not of the root: load the very copy the policy loader uses.
const { Ajv } = createRequire(path.join(root, 'packages/core/package.json'))('ajv') as {
  Ajv: new (options?: object) => { compile(schema: object): (data: unknown) => boolean };
};

interface Node {
  description?: string;
  properties?: Record<string, Node>;
  items?: Node;
  definitions?: Record<string, Node>;
}

function undocumented(node: Node, at: string): string[] {
  const missing: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (!child.description) missing.push(`${at}/${key}`);
    missing.push(...undocumented(child, `${at}/${key}`));
  }
  if (node.items) missing.push(...undocumented(node.items, `${at}[]`));
  return missing;
}

describe('policy.schema.json', () => {
  it('compiles in strict mode, as editors and other tools will load it', () => {
    expect(() => new Ajv({ strict: true }).compile(policySchema)).not.toThrow();
    expect(policySchema.$id).toBe('https://agent-gates.dev/schemas/policy.schema.json');
  });

  it('describes every property, because the reference is generated from it', () => {
    expect(undocumented(policySchema as Node, '')).toEqual([]);
  });

  it('accepts its own defaults', () => {
    const validate = new Ajv({ useDefaults: true }).compile(policySchema);
    const value = { version: 1 };
    expect(validate(value)).toBe(true);
  });
});

describe('docs/policy.md', () => {
  it('is up to date with the schema (pnpm exec tsx scripts/docs-policy.ts)', () => {
    expect(readFileSync(path.join(root, 'docs', 'policy.md'), 'utf8')).toBe(generatePolicyDocs());
  });
});

describe('files generated from the schema (scripts/gen-policy-artifacts.ts)', () => {
  const artifacts = Object.entries(generatePolicyArtifacts()).map(([file, content]) => [path.relative(root, file), content] as const);
  it.each(artifacts)('%s is up to date', (file, content) => {
    expect(existsSync(path.join(root, file)), `${file} is missing: run pnpm exec tsx scripts/gen-policy-artifacts.ts`).toBe(true);
    expect(readFileSync(path.join(root, file), 'utf8'), `${file} is stale: run pnpm exec tsx scripts/gen-policy-artifacts.ts`).toBe(content);
  });
});
