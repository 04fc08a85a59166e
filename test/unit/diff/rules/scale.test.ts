import { describe, expect, it } from 'vitest';
import { forbidRule, intentRule, modesRule, pathsRule, riskTier, sizeRule, ticketRule } from '../../../../packages/core/src/diff/rules/index.js';
import type { FileChange } from '../../../../packages/core/src/diff/types.js';
import { POLICY_FILE, changes, policyOf, run } from './helpers.js';

// A guard against a rule turning quadratic (every glob over every path, every entry over every line),
// not a benchmark: the bound is tens of times what the work takes (~0.3 s), so a loaded runner passes.
describe('scope rules at scale', () => {
  it('judge 20,000 files against a policy of 50 entries in well under the time git takes to list them', async () => {
    const yaml = [
      'scope:',
      '  max-files: 100000',
      '  max-lines: 10000000',
      '  allowed-paths: [src/**, lib/**, packages/**, services/**, test/**]',
      '  denied-paths: ["**/*.pem", "**/id_rsa", secrets/**, "**/.env"]',
      '  protected-paths: [infra/**, "db/migrations/**", "**/Dockerfile"]',
      '  risk-tiers:',
      ...Array.from({ length: 10 }, (_, i) => `    - paths: ["services/s${i}/**", "**/*.sql"]\n      tier: high`),
      '  require-ticket:',
      ...Array.from({ length: 10 }, (_, i) => `    - paths: ["infra/${i}/**/*.tf"]\n      pattern: "[A-Z]+-[0-9]+"`),
      '  forbid:',
      ...Array.from({ length: 20 }, (_, i) => `    - paths: ["src/**", "test/**"]\n      regex: "\\\\bforbidden${i}\\\\("\n      message: m${i}`),
      '',
    ].join('\n');
    const policy = await policyOf(yaml);
    const files: FileChange[] = Array.from({ length: 20_000 }, (_, f) => {
      const path = f % 1000 === 0 ? `packages/p${f}/package.json` : `${['src', 'lib', 'test', 'services/s3'][f % 4]}/m${f % 300}/file${f}.ts`;
      const addedLines = Array.from({ length: 10 }, (_, i) => ({
        line: i + 1,
        text: `  const token${i} = await secrets.get('key-${f}-${i}'); // password rotation`,
      }));
      return { status: 'modified', path, oldMode: '100644', newMode: '100644', binary: false, added: 10, deleted: 2, addedLines };
    });
    const set = changes(files, { messages: ['OPS-1 change'] });
    const rules = [
      pathsRule(policy, POLICY_FILE),
      sizeRule(policy),
      ticketRule(policy),
      modesRule(policy),
      forbidRule(policy),
      intentRule(
        policy,
        files.map((f) => f.path),
      ),
    ];
    const started = performance.now();
    const found = await run(rules, set);
    const risk = riskTier(found, set, policy);
    const elapsed = performance.now() - started;
    expect(found.filter((f) => f.code === 'protected-path')).toHaveLength(20);
    expect(risk.tier).toBe('high');
    expect(elapsed).toBeLessThan(15_000);
  });
});
