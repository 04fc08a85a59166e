import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every gate imports @agent-gates/core/policy at start-up, and most runs have no policy file. The YAML
// readers and the validator cost a large share of a gate's cold start, so they must be reached only
// through load.ts's import() of parse.ts. ncc follows static imports into the main bundle, so a single
// static import of parse.ts from this graph would undo that: this walks the graph as a bundler does.
const policyDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../packages/core/src/policy');
const HEAVY = ['ajv', 'js-yaml', 'yaml'];

/** Modules a file loads when it is evaluated: static imports and re-exports, not `import type` or `import()`. */
function staticImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of source.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
    if (!match[1]) specifiers.push(match[2] as string);
  }
  return specifiers;
}

function startupGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.startsWith('/')) return;
    for (const specifier of staticImports(file)) {
      if (!specifier.startsWith('.')) {
        seen.add(specifier);
        continue;
      }
      const target = path.resolve(path.dirname(file), specifier);
      const ts = target.replace(/\.js$/, '.ts');
      visit(existsSync(ts) ? ts : target);
    }
  };
  visit(entry);
  return seen;
}

describe('loading @agent-gates/core/policy', () => {
  const graph = startupGraph(path.join(policyDir, 'index.ts'));

  it('reaches the loader and the defaults', () => {
    expect(graph).toContain(path.join(policyDir, 'load.ts'));
    expect(graph).toContain(path.join(policyDir, 'defaults.ts'));
  });

  it('does not load the YAML readers or the validator until a policy file exists', () => {
    const local = [...graph].filter((f) => f.startsWith(policyDir)).map((f) => path.relative(policyDir, f));
    expect(local).not.toContain('parse.ts');
    expect(local).not.toContain('yaml.ts');
    expect(local).not.toContain('policy-validate.generated.js');
    for (const name of HEAVY) expect([...graph].filter((s) => s === name || s.startsWith(`${name}/`))).toEqual([]);
  });

  it('finds parse.ts through the same walk when it is imported statically', () => {
    // Guards the walk itself: parse.ts does import the heavy packages.
    const parse = startupGraph(path.join(policyDir, 'parse.ts'));
    for (const name of ['js-yaml', 'yaml']) expect(parse).toContain(name);
    expect(parse).toContain(path.join(policyDir, 'policy-validate.generated.js'));
  });
});
