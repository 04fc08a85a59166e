import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { pathToUri, toSarif, type Finding } from '@agent-gates/core/diff';

// The OASIS SARIF 2.1.0 schema as published (rtm.5, the one code scanning validates uploads against),
// shipped in @microsoft/jest-sarif; draft-04, hence ajv-draft-04.
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
// The schema's `language` pattern has a stray `]` that is valid only without the u flag.
const ajv = new Ajv04.default({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

const tool = { name: 'agent-gates/diff-scope', version: '0.1.0' };
const findings: Finding[] = [
  {
    rule: 'paths',
    code: 'protected-path',
    severity: 'fail',
    message: 'CLAUDE.md is an agent instruction file',
    path: 'CLAUDE.md',
    tier: 'high',
    decidedBy: 'default: agent instructions',
  },
  {
    rule: 'secrets',
    code: 'secret',
    severity: 'fail',
    message: 'aws-access-token in config/app.yml line 4 (fingerprint 1a2b)',
    path: 'config/app.yml',
    line: 4,
  },
  { rule: 'tests', code: 'test-focused', severity: 'warn', message: '.only added', path: 'test/a b\n"c".test.ts', line: 12 },
  { rule: 'size', code: 'max-files', severity: 'fail', message: '1200 files changed, over 500' },
  { rule: 'dependencies', code: 'dependency-added', severity: 'pass', message: 'left-pad added', path: 'package.json', line: 9 },
  { rule: 'secrets', code: 'secret', severity: 'fail', message: 'generic-api-key in config/app.yml line 9', path: 'config/app.yml', line: 9 },
];

describe('toSarif', () => {
  const log = toSarif(findings, { tool, policyFile: '.github/agent-gates.yml' });

  it('is valid against the official SARIF 2.1.0 schema', () => {
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is checked by a validator that rejects what the schema forbids', () => {
    const broken = structuredClone(log) as unknown as { runs: Array<{ results: Array<{ level: string }> }> };
    broken.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(broken)).toBe(false);
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
  });

  it('still validates with no findings at all', () => {
    expect(validate(toSarif([], { tool, policyFile: 'p.yml' }))).toBe(true);
  });

  it('gives upload-sarif what it needs: rule ids with help, levels, a file and line per result, fingerprints', () => {
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([
      'paths/protected-path',
      'secrets/secret',
      'tests/test-focused',
      'size/max-files',
      'dependencies/dependency-added',
    ]);
    for (const rule of run.tool.driver.rules) expect(rule.help.text.length).toBeGreaterThan(40);
    expect(run.results.map((r) => r.level)).toEqual(['error', 'error', 'warning', 'error', 'note', 'error']);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.locations[0]!.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
      expect(Object.values(r.partialFingerprints)[0]).toMatch(/^[0-9a-f]{32}$/);
    }
    // A finding about the change as a whole is anchored on the policy file that decided it.
    expect(run.results[3]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('.github/agent-gates.yml');
    expect(run.results[0]!.properties).toEqual({ riskTier: 'high', decidedBy: 'default: agent instructions' });
  });

  it('encodes every path as a URI: spaces, quotes and newlines included', () => {
    const uri = log.runs[0]!.results[2]!.locations[0]!.physicalLocation.artifactLocation.uri;
    expect(uri).toBe('test/a%20b%0A%22c%22.test.ts');
    expect(decodeURIComponent(uri)).toBe('test/a b\n"c".test.ts');
    expect(pathToUri("it's (x)/ü.ts")).toBe('it%27s%20%28x%29/%C3%BC.ts');
  });

  it('gives two findings of one rule in one file different, stable fingerprints', () => {
    const again = toSarif(findings, { tool, policyFile: '.github/agent-gates.yml' });
    const fp = (l: typeof log) => l.runs[0]!.results.map((r) => r.partialFingerprints['agentGatesDiffScope/v1']);
    expect(fp(again)).toEqual(fp(log));
    expect(fp(log)[1]).not.toBe(fp(log)[5]);
    // The fingerprint does not move with the line: a finding keeps its alert when lines above it change.
    const moved = toSarif([{ ...findings[1]!, line: 40 }], { tool, policyFile: 'p' });
    expect(fp(moved)[0]).toBe(fp(log)[1]);
  });

  it('keeps the worst results when over the cap, and says how many were left out', () => {
    const capped = toSarif(findings, { tool, policyFile: 'p', maxResults: 3 });
    expect(capped.runs[0]!.results.map((r) => r.level)).toEqual(['error', 'error', 'error']);
    expect(capped.runs[0]!.properties).toEqual({ omittedResults: 3 });
    expect(validate(capped)).toBe(true);
  });

  it("raises a rule's default level to its worst result", () => {
    const mixed = toSarif(
      [
        { rule: 'tests', code: 'test-skipped', severity: 'warn', message: 'a', path: 'a' },
        { rule: 'tests', code: 'test-skipped', severity: 'fail', message: 'b', path: 'b' },
      ],
      { tool, policyFile: 'p' },
    );
    expect(mixed.runs[0]!.tool.driver.rules[0]!.defaultConfiguration.level).toBe('error');
  });
});
