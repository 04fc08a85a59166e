/**
 * Regenerates packages/core/src/secrets/gitleaks-rules.generated.ts from gitleaks' default config.
 *   pnpm exec tsx scripts/gen-gitleaks-rules.ts [path/to/gitleaks.toml]
 * The output is data only; the engine compiles it at load time so a bad translation fails in tests,
 * not in a user's workflow.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { translateGoRegex } from '../packages/core/src/secrets/translate.js';
import { generatedNotice } from './generated-header.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const tomlPath = path.resolve(process.argv[2] ?? path.resolve(repoRoot, '../shared/conformance/secrets/gitleaks/gitleaks.toml'));
const outPath = path.join(repoRoot, 'packages/core/src/secrets/gitleaks-rules.generated.ts');
const licencePath = path.join(repoRoot, 'packages/core/src/secrets/LICENSE-gitleaks.txt');

interface TomlAllowlist {
  description?: string;
  condition?: string;
  regexTarget?: string;
  regexes?: string[];
  stopwords?: string[];
  paths?: string[];
}
interface TomlRule {
  id: string;
  description?: string;
  regex?: string;
  path?: string;
  secretGroup?: number;
  entropy?: number;
  keywords?: string[];
  allowlists?: TomlAllowlist[];
}

const config = parse(readFileSync(tomlPath, 'utf8')) as unknown as {
  allowlist?: TomlAllowlist;
  allowlists?: TomlAllowlist[];
  rules: TomlRule[];
};

function translateAllowlist(a: TomlAllowlist) {
  return {
    description: a.description ?? '',
    condition: (a.condition ?? 'OR').toUpperCase() === 'AND' ? 'AND' : 'OR',
    regexTarget: a.regexTarget ?? 'secret',
    regexes: (a.regexes ?? []).map((r) => translateGoRegex(r)),
    stopwords: (a.stopwords ?? []).map((s) => s.toLowerCase()),
    // No file paths reach the engine (it scans text), so path conditions can never hold.
    hasPaths: (a.paths ?? []).length > 0,
  };
}

const rules = [];
const excluded: { id: string; reason: string }[] = [];
for (const r of config.rules) {
  if (!r.regex) {
    excluded.push({ id: r.id, reason: `path-only rule (${r.path ?? ''}): flags whole files by name, the engine scans text` });
    continue;
  }
  const t = translateGoRegex(r.regex, { dropLeadingContext: true });
  rules.push({
    id: r.id,
    description: r.description ?? '',
    goRegex: r.regex,
    source: t.source,
    flags: t.flags,
    secretGroup: r.secretGroup ?? 0,
    entropy: r.entropy ?? 0,
    keywords: [...new Set((r.keywords ?? []).map((k) => k.toLowerCase()))],
    allowlists: (r.allowlists ?? []).map(translateAllowlist),
  });
}
const globals = [...(config.allowlist ? [config.allowlist] : []), ...(config.allowlists ?? [])].map(translateAllowlist);

const licence = readFileSync(licencePath, 'utf8').trimEnd();
const header = [
  `// ${generatedNotice('scripts/gen-gitleaks-rules.ts', "gitleaks' default config (gitleaks.toml)", 'pnpm rules:gitleaks')}`,
  '// Regexes are translated from Go RE2 to JavaScript; `goRegex` keeps the original for tests.',
  '//',
  '// The rule data below comes from gitleaks (https://github.com/gitleaks/gitleaks), used under its licence:',
  '//',
  ...licence.split('\n').map((l) => (l ? `// ${l}` : '//')),
  '',
].join('\n');

const body = `import type { GitleaksAllowlistData, GitleaksRuleData } from './gitleaks-types.js';

export const gitleaksGlobalAllowlists: readonly GitleaksAllowlistData[] = ${JSON.stringify(globals, null, 2)};

export const gitleaksRules: readonly GitleaksRuleData[] = ${JSON.stringify(rules, null, 2)};

/** Rules of the config the engine cannot apply to text, with the reason. */
export const gitleaksExcludedRules: readonly { id: string; reason: string }[] = ${JSON.stringify(excluded, null, 2)};
`;
writeFileSync(outPath, header + body);
console.log(`wrote ${path.relative(repoRoot, outPath)}: ${rules.length} rules, ${excluded.length} excluded (${excluded.map((e) => e.id).join(', ')})`);
