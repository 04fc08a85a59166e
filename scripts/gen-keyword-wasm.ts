/**
 * Compiles packages/core/src/secrets/wasm/keyword-scan.wat into a TypeScript module holding the wasm
 * bytes (base64), so the bundle needs no file next to it and no toolchain at run time. wabt (the
 * WebAssembly Binary Toolkit, built to JavaScript) is a dev dependency only. `--check` fails when the
 * generated file is stale; `pnpm generate` runs this too.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { generatedNotice } from './generated-header.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const source = path.join(root, 'packages/core/src/secrets/wasm/keyword-scan.wat');
const target = path.join(root, 'packages/core/src/secrets/wasm/keyword-scan.generated.ts');

export async function generateKeywordWasm(): Promise<{ file: string; content: string }> {
  const wabt = await wabtInit();
  const module = wabt.parseWat('keyword-scan.wat', readFileSync(source, 'utf8'));
  module.validate();
  const { buffer } = module.toBinary({ log: false, write_debug_names: false });
  module.destroy();
  const base64 = Buffer.from(buffer).toString('base64');
  const content = `// ${generatedNotice('scripts/gen-keyword-wasm.ts', 'packages/core/src/secrets/wasm/keyword-scan.wat')}
export const KEYWORD_SCAN_WASM = '${base64}';
`;
  return { file: target, content };
}

/** The default rule set's keyword automaton, built once here instead of at every action start. */
export async function generateKeywordAutomaton(): Promise<{ file: string; content: string }> {
  const { defaultEngineRules, engineKeywordLists } = await import('../packages/core/src/secrets/engine.js');
  const { KeywordIndex } = await import('../packages/core/src/secrets/keyword-index.js');
  const lists = engineKeywordLists(defaultEngineRules());
  const snapshot = new KeywordIndex(lists).toSnapshot(lists);
  const content = `// ${generatedNotice('scripts/gen-keyword-wasm.ts', 'the default secret rules')}
import type { KeywordIndexSnapshot } from './keyword-index.js';

export const KEYWORD_AUTOMATON: KeywordIndexSnapshot = ${JSON.stringify(snapshot)};
`;
  return { file: path.join(root, 'packages/core/src/secrets/keyword-automaton.generated.ts'), content };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const { file, content } of [await generateKeywordWasm(), await generateKeywordAutomaton()]) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (process.argv.includes('--check')) {
      if (current !== content) {
        console.error(`${path.relative(root, file)} is stale: run pnpm exec tsx scripts/gen-keyword-wasm.ts`);
        process.exit(1);
      }
    } else if (current !== content) writeFileSync(file, content);
  }
}
