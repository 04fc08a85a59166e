import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The project's own eslint.config.js, run on small modules written for the occasion. They live in a
// folder under packages/core/src (gitignored, removed afterwards) because that is where the shipped
// code's rules apply, and type-aware rules need a file the tsconfig includes: outside it the
// project service has no program to answer type questions from.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const probe = path.join(root, 'packages', 'core', 'src', `lint-probe-${process.pid}`);

const files: Record<string, string> = {
  // A two-module value cycle: each reads the other's export.
  'cycle-a.ts': "import { b } from './cycle-b.js';\n\nexport function a(): number {\n  return b() + 1;\n}\n",
  'cycle-b.ts': "import { a } from './cycle-a.js';\n\nexport function b(): number {\n  return 1;\n}\n\nexport function c(): number {\n  return a();\n}\n",
  'floating.ts': [
    'async function work(): Promise<void> {}',
    '',
    'export function start(): void {',
    '  work();',
    "  process.on('exit', async () => {",
    '    await work();',
    '  });',
    '}',
    '',
  ].join('\n'),
  // The same shapes done right: an import that goes one way, a promise awaited.
  'clean-a.ts': "import { d } from './clean-b.js';\n\nexport async function run(): Promise<number> {\n  await Promise.resolve();\n  return d() + 1;\n}\n",
  'clean-b.ts': 'export function d(): number {\n  return 1;\n}\n',
};

let results: ESLint.LintResult[];

function rulesFiredOn(name: string): string[] {
  const result = results.find((r) => r.filePath === path.join(probe, name));
  if (!result) throw new Error(`${name} was not linted`);
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('eslint.config.js', () => {
  beforeAll(async () => {
    mkdirSync(probe, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(probe, name), text);
    const eslint = new ESLint({ cwd: root });
    results = await eslint.lintFiles(Object.keys(files).map((name) => path.join(probe, name)));
  }, 180_000);

  afterAll(() => {
    rmSync(probe, { recursive: true, force: true });
  });

  it('fails on a two-module import cycle, on both sides', () => {
    expect(rulesFiredOn('cycle-a.ts')).toEqual(['import-x/no-cycle']);
    expect(rulesFiredOn('cycle-b.ts')).toEqual(['import-x/no-cycle']);
  });

  it('fails on a promise nobody awaits, and on an async callback where a void one is expected', () => {
    expect(rulesFiredOn('floating.ts').sort()).toEqual(['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises']);
  });

  it('passes the same shapes written without the mistakes', () => {
    expect(rulesFiredOn('clean-a.ts')).toEqual([]);
    expect(rulesFiredOn('clean-b.ts')).toEqual([]);
  });

  it('reports them as errors, so `pnpm lint` exits non-zero', () => {
    const severities = results.flatMap((r) => r.messages.map((m) => m.severity));
    expect(severities.length).toBeGreaterThan(0);
    expect(new Set(severities)).toEqual(new Set([2]));
  });
});
