/**
 * Precision on real transcripts: the engine runs over every conformance transcript the way capture reads it,
 * and its findings must be exactly those listed in test/fixtures/known-secrets.json. A finding not listed is
 * a false positive (a value masked in the job log and a user told to rotate a secret that is not one); a
 * listed one not found is a regression in recall.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compareWithKnownSecrets,
  readKnownSecrets,
  scanConformanceTranscripts,
  transcriptsDir,
  type TranscriptScan,
} from '../../../scripts/bench/secrets-corpus.js';

const present = existsSync(transcriptsDir);
if (!present) console.warn(`transcript conformance corpus absent at ${transcriptsDir}: known-secrets test skipped`);

describe('compareWithKnownSecrets', () => {
  const finding = { rule: 'github-pat', line: 3, fingerprint: 'f'.repeat(32) };
  const scan = (findings: TranscriptScan['findings']): TranscriptScan[] => [{ file: 'a/b.jsonl', bytes: 1024 * 1024, mode: 'json-lines', findings }];
  const known = { 'a/b.jsonl': [{ ...finding, note: 'a classic PAT the fixture author left in' }] };

  it('accepts exactly the listed findings', () => {
    const result = compareWithKnownSecrets(scan([finding]), known);
    expect(result).toMatchObject({ unexpected: [], missed: [], falsePositivesPerMB: 0 });
  });

  it('reports a finding not listed as a false positive, per MiB, and a listed one not found as missed', () => {
    const other = { ...finding, line: 9, fingerprint: 'e'.repeat(32) };
    const result = compareWithKnownSecrets(scan([other]), known);
    expect(result.unexpected).toEqual([{ file: 'a/b.jsonl', ...other }]);
    expect(result.missed.map((m) => m.file)).toEqual(['a/b.jsonl']);
    expect(result.falsePositivesPerMB).toBe(1);
    // A listed file that is no longer there is missed too, not forgotten.
    expect(compareWithKnownSecrets([], known).missed).toHaveLength(1);
  });
});

(present ? describe : describe.skip)('conformance transcripts', () => {
  it('hold exactly the known secrets: no false positive, nothing listed missed', () => {
    const scans = scanConformanceTranscripts();
    expect(scans.length).toBeGreaterThan(40);
    const result = compareWithKnownSecrets(scans, readKnownSecrets());
    expect(result.unexpected).toEqual([]);
    expect(result.missed).toEqual([]);
  });
});
