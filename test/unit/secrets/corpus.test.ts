import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateEngine, KNOWN_UNDETECTABLE, readCases } from '../../../scripts/bench/secrets-corpus.js';
import { conformanceRoot } from './helpers.js';

const present = existsSync(path.join(conformanceRoot, 'secrets'));
if (!present) console.warn(`secret conformance corpus absent at ${conformanceRoot}/secrets: corpus tests skipped`);

/** Measured on the secretlint snapshot corpus with default rules; raise when rules improve. */
const MIN_SECRET_CASES_HIT = 34;

/** Clean cases where the engine reports something, with why (generic-api-key on AWS-style example keys). */
const KNOWN_FALSE_POSITIVES = [
  'secretlint-rule-aws/ok.AWS_Access_Key_ID--enableIDScanRule-false',
  'secretlint-rule-aws/ok.AWS_Secret_Access_Key',
  'secretlint-rule-aws/options.allows',
  'secretlint-rule-groq/ok.allows',
];

(present ? describe : describe.skip)('secretlint preset-recommend corpus', () => {
  const results = present ? evaluateEngine(readCases()) : [];
  it('hits enough secret cases, and misses only the listed ones plus measured gaps', () => {
    const secret = results.filter((r) => r.label === 'secret');
    const hit = secret.filter((r) => r.covered > 0).length;
    expect(hit).toBeGreaterThanOrEqual(MIN_SECRET_CASES_HIT);
    for (const name of Object.keys(KNOWN_UNDETECTABLE)) {
      const r = results.find((x) => x.case === name);
      expect(r, name).toBeDefined();
      expect(r!.covered, name).toBe(0);
    }
  });
  it('false positives on clean cases are exactly the listed ones', () => {
    const fps = results.filter((r) => r.label === 'clean' && r.reported > 0).map((r) => r.case);
    expect(fps.sort()).toEqual([...KNOWN_FALSE_POSITIVES].sort());
  });
});
