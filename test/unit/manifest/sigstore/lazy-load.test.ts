import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * sigstore-js is loaded only when a bundle is verified: only packages/core/src/manifest/sigstore/
 * imports it, and everything else reaches that folder's index with a dynamic `import()` (a type-only
 * import is erased and costs nothing). A static import anywhere would put sigstore-js on every cold start.
 */

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const sigstoreDir = path.join(root, 'packages/core/src/manifest/sigstore');

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(name) ? [full] : [];
  });
}

function productionSources(): string[] {
  const files: string[] = [];
  for (const top of ['packages', 'actions']) {
    const base = path.join(root, top);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) files.push(...sourceFiles(path.join(base, name, 'src')));
  }
  return files;
}

/** Static (value) imports and re-exports: `import x from 'm'`, `import 'm'`, `export * from 'm'`; not `import type`, not `import('m')`. */
function staticImports(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?([^'";]*?\bfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) {
    const [, keyword, typeOnly, from, specifier] = match;
    if (typeOnly !== undefined) continue;
    if (keyword === 'export' && from === undefined) continue;
    // `import { type A, type B } from 'm'` is erased too.
    if (from !== undefined && /^\{\s*(type\s+[\w$]+\s*(as\s+[\w$]+\s*)?,?\s*)+\}\s*from\s+$/.test(from)) continue;
    specifiers.push(specifier ?? '');
  }
  return specifiers;
}

function reachesSigstoreIndex(file: string, specifier: string): boolean {
  if (specifier === '@agent-gates/core/manifest/sigstore' || specifier.startsWith('@agent-gates/core/manifest/sigstore/index')) return true;
  if (!specifier.startsWith('.')) return false;
  const target = path.resolve(path.dirname(file), specifier).replace(/\.(js|ts)$/, '');
  return target === sigstoreDir || target === path.join(sigstoreDir, 'index');
}

describe('sigstore-js is loaded only when a bundle is verified', () => {
  const files = productionSources();

  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files).toContain(path.join(sigstoreDir, 'index.ts'));
  });

  it('only packages/core/src/manifest/sigstore/ imports @sigstore/* packages', () => {
    const offenders = files
      .filter((file) => !file.startsWith(sigstoreDir + path.sep))
      .filter((file) => /['"]@sigstore\//.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(offenders).toEqual([]);
  });

  it('nothing imports manifest/sigstore/index statically (a dynamic import() or import type is fine)', () => {
    const offenders: string[] = [];
    for (const file of files) {
      if (file.startsWith(sigstoreDir + path.sep)) continue;
      for (const specifier of staticImports(readFileSync(file, 'utf8'))) {
        if (reachesSigstoreIndex(file, specifier)) offenders.push(`${path.relative(root, file)} imports ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the import scanner sees static imports and lets dynamic and type-only ones through', () => {
    const sample = [
      "import { verifySigstoreBundle } from './sigstore/index.js';",
      "import type { SigstoreVerifyInput } from './sigstore/index.js';",
      "import { type SigstoreVerifyResult } from './sigstore/index.js';",
      "export * from './sigstore/index.js';",
      "export { verifySigstoreBundle } from '@agent-gates/core/manifest/sigstore';",
      "import './sigstore/index.js';",
      "const sigstore = await import('./sigstore/index.js');",
    ].join('\n');
    expect(staticImports(sample)).toEqual(['./sigstore/index.js', './sigstore/index.js', '@agent-gates/core/manifest/sigstore', './sigstore/index.js']);
    const file = path.join(root, 'packages/core/src/manifest/verify.ts');
    expect(reachesSigstoreIndex(file, './sigstore/index.js')).toBe(true);
    expect(reachesSigstoreIndex(file, './sigstore')).toBe(true);
    expect(reachesSigstoreIndex(file, './sigstore/types.js')).toBe(false);
    expect(reachesSigstoreIndex(file, './keys.js')).toBe(false);
  });
});
