// Child process: secretlint (preset-recommend, configured the way its CLI configures it) over one file.
// Run directly by Node 24 (type stripping, so only erasable TypeScript here), never through tsx, so the
// process holds nothing but secretlint.
//
// lintSource takes one string, and V8 caps a string at ~512 MiB (2^29 - 24 UTF-16 units), so the file is
// fed in consecutive ~16 MiB pieces cut at line boundaries. No credential in a JSONL transcript spans a
// line, so the cuts lose nothing. Only the time inside lintSource is summed: reading the file and loading
// secretlint are left out, which favours secretlint in the comparison.
//
// Usage: node secretlint-worker.ts <file> [--budget-seconds N] [--min-bytes N]
// Stops early after the budget once at least min-bytes were linted (throughput is the compared figure).
// Prints one JSON line: { bytes, lintSeconds, pieces, findings, byRule, stoppedEarly }.
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
// Node's type stripping loads the .ts file itself; the type is checked through its .js name.
const { linePieces } = (await import(new URL('./line-pieces.ts', import.meta.url).href)) as typeof import('./line-pieces.js');

const [file, ...rest] = process.argv.slice(2);
if (!file) throw new Error('usage: secretlint-worker.ts <file> [--budget-seconds N] [--min-bytes N]');
const option = (name: string, fallback: number) => {
  const i = rest.indexOf(name);
  return i >= 0 ? Number(rest[i + 1]) : fallback;
};
const budgetSeconds = option('--budget-seconds', Infinity);
const minBytes = option('--min-bytes', 0);
const PIECE = 16 * 1024 * 1024;

// @secretlint/core and config-loader are not root dependencies: reach them the way the secretlint CLI
// does, through its own @secretlint/node, so the versions are exactly the CLI's.
const root = path.resolve(import.meta.dirname, '..', '..');
const fromRoot = createRequire(path.join(root, 'package.json'));
const secretlintPkg = realpathSync(fromRoot.resolve('secretlint/package.json'));
const nodePkg = realpathSync(createRequire(secretlintPkg).resolve('@secretlint/node/package.json'));
const fromNode = createRequire(nodePkg);
// The slice of their API used here (the packages are not resolvable from this folder for type checking).
type LintSource = (args: {
  source: { filePath: string; content: string; ext: string; contentType: 'text' };
  options: { config: unknown; maskSecrets: boolean };
}) => Promise<{ messages: { ruleId: string }[] }>;
type LoadConfig = (args: { configDescriptor: { rules: { id: string }[] }; node_moduleDir: string }) => Promise<{ ok: boolean; config: unknown }>;
const { lintSource } = (await import(pathToFileURL(fromNode.resolve('@secretlint/core')).href)) as { lintSource: LintSource };
const { loadPackagesFromConfigDescriptor } = (await import(pathToFileURL(fromNode.resolve('@secretlint/config-loader')).href)) as {
  loadPackagesFromConfigDescriptor: LoadConfig;
};

// Equivalent of a .secretlintrc.json of { "rules": [{ "id": "@secretlint/secretlint-rule-preset-recommend" }] }.
const loaded = await loadPackagesFromConfigDescriptor({
  configDescriptor: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] },
  node_moduleDir: path.join(root, 'node_modules'),
});
if (!loaded.ok) throw new Error('secretlint config did not load');

let bytes = 0;
let lintNs = 0n;
let pieces = 0;
let findings = 0;
let stoppedEarly = false;
const byRule: Record<string, number> = {};
for (const { bytes: piece, atEnd } of linePieces(file, PIECE)) {
  const content = piece.toString('utf8');
  const started = process.hrtime.bigint();
  const result = await lintSource({
    source: { filePath: file, content, ext: path.extname(file), contentType: 'text' },
    options: { config: loaded.config, maskSecrets: false },
  });
  lintNs += process.hrtime.bigint() - started;
  bytes += piece.length;
  pieces++;
  for (const message of result.messages) {
    findings++;
    byRule[message.ruleId] = (byRule[message.ruleId] ?? 0) + 1;
  }
  if (Number(lintNs) / 1e9 > budgetSeconds && bytes >= minBytes && !atEnd) {
    stoppedEarly = true;
    break;
  }
}
console.log(JSON.stringify({ bytes, lintSeconds: Number(lintNs) / 1e9, pieces, findings, byRule, stoppedEarly }));
