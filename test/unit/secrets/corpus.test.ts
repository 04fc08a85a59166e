import path from 'node:path';
import { expect, it } from 'vitest';
import { createSecretEngine } from '../../../packages/core/src/secrets/index.js';
import { evaluateEngine, KNOWN_UNDETECTABLE, readCases, UNDETECTABLE_RANGES } from '../../../scripts/bench/secrets-corpus.js';
import { labelledSecrets } from '../../canary/labelled-secrets.js';
import { describeWithConformance } from '../../conformance-data.js';
import { conformanceRoot } from './helpers.js';

/** Measured on the secretlint snapshot corpus with default rules; raise when rules improve. */
const MIN_SECRET_CASES_HIT = 41;

/**
 * Clean cases where the engine reports something. All four are generic-api-key on a key-named value that
 * secretlint calls clean only through its own options (`allows`, `enableIDScanRule`) or because the value
 * is AWS's published example key; nothing marks them as examples for a rule without those options.
 */
const KNOWN_FALSE_POSITIVES = [
  'secretlint-rule-aws/ok.AWS_Access_Key_ID--enableIDScanRule-false',
  'secretlint-rule-aws/ok.AWS_Secret_Access_Key',
  'secretlint-rule-aws/options.allows',
  'secretlint-rule-groq/ok.allows',
];

describeWithConformance('secretlint preset-recommend corpus', 'secrets', () => {
  const cases = readCases();
  const results = evaluateEngine(cases);
  it('hits enough secret cases', () => {
    const hit = results.filter((r) => r.label === 'secret' && r.covered > 0).length;
    expect(hit).toBeGreaterThanOrEqual(MIN_SECRET_CASES_HIT);
  });
  it('covers every expected range except exactly the listed undetectable ones', () => {
    const uncovered: string[] = [];
    for (const r of results) if (r.label === 'secret') r.coveredRanges.forEach((covered, i) => covered || uncovered.push(`${r.case}#${i}`));
    expect(uncovered.sort()).toEqual(Object.keys(UNDETECTABLE_RANGES).sort());
    for (const name of Object.keys(KNOWN_UNDETECTABLE)) expect(results.find((x) => x.case === name)?.covered, name).toBe(0);
  });
  it('false positives on clean cases are exactly the listed ones', () => {
    const fps = results.filter((r) => r.label === 'clean' && r.reported > 0).map((r) => r.case);
    expect(fps.sort()).toEqual([...KNOWN_FALSE_POSITIVES].sort());
  });
});

describeWithConformance('labelledSecrets', 'secrets', () => {
  const all = labelledSecrets(path.join(conformanceRoot, 'secrets'));
  const engine = createSecretEngine({ fingerprintKey: 'labelled' });

  it('lists every expected range of every secret case and every resolved detect-secrets value, once', () => {
    const ranges = readCases()
      .filter((c) => c.label === 'secret')
      .reduce((n, c) => n + c.expected.length, 0);
    expect(all.filter((s) => s.source === 'secretlint')).toHaveLength(ranges);
    // 19 baseline findings in copied files, two of whose hashes no line of the copied files matches.
    expect(all.filter((s) => s.source === 'detect-secrets')).toHaveLength(17);
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);
    for (const s of all) expect(s.context.includes(s.value), s.id).toBe(true);
  });

  it('marks undetectable exactly the values the engine leaves in their context, as text and inside JSON', () => {
    const leaks: string[] = [];
    for (const s of all) {
      const inText = engine.redact(s.context).text.includes(s.value);
      const inJson = engine.redactJson(JSON.stringify({ text: s.context })).text.includes(JSON.stringify(s.value).slice(1, -1));
      if (inText || inJson) leaks.push(s.id);
    }
    expect(leaks.sort()).toEqual(
      all
        .filter((s) => s.undetectable)
        .map((s) => s.id)
        .sort(),
    );
  });
});
