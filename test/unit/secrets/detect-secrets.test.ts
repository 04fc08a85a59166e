import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addedLines,
  DETECT_SECRETS_DIFF_FILES,
  DETECT_SECRETS_MISSES,
  evaluateDetectSecrets,
  resolveHashedSecret,
  scanDiff,
} from '../../../scripts/bench/secrets-corpus.js';
import { describeWithConformance } from '../../conformance-data.js';
import { ALNUM, conformanceRoot, HEX, pick, rng } from './helpers.js';

const dir = path.join(conformanceRoot, 'secrets/detect-secrets');
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

describe('resolveHashedSecret', () => {
  const r = rng(11);
  it('finds quoted values, values after = or :, bare tokens and PEM headers by their sha1', () => {
    const v = pick(r, ALNUM, 24);
    for (const line of [`key = "${v}"`, `key: ${v}  # note`, `x=${v}`, `run ${v} now`, `'${v}'`]) expect(resolveHashedSecret(line, sha1(v)), line).toBe(v);
    expect(resolveHashedSecret('-----BEGIN EC PRIVATE KEY-----', sha1('BEGIN EC PRIVATE KEY'))).toBe('BEGIN EC PRIVATE KEY');
    expect(resolveHashedSecret(`key = "${v}"`, sha1(pick(r, HEX, 40)))).toBeNull();
  });
});

/** Words gitleaks' generic-api-key and detect-secrets' KeywordDetector treat as credential context. */
const CREDENTIAL_WORD = /key|secret|token|passw(?:or)?d|pwd|auth|api|credential|creds/i;

describeWithConformance('detect-secrets baseline', 'secrets/detect-secrets/baseline.json', () => {
  const findings = evaluateDetectSecrets(dir);

  it('resolves every finding whose hash a line of the copied file holds', () => {
    // 19 findings for the copied files; the .py files the baseline also names were not copied.
    expect(findings).toHaveLength(19);
    const unresolved = findings.filter((f) => f.value === null).map((f) => f.key);
    expect(unresolved.sort()).toEqual(['config.yaml:4:Hex High Entropy String', 'short_files/first_line.php:1:Secret Keyword']);
    for (const f of findings) {
      if (f.value === null) continue;
      const hashed = f.type === 'Private Key' ? /BEGIN[ A-Z]*PRIVATE KEY/.exec(f.value)![0] : f.value;
      expect(sha1(hashed), f.key).toBe(f.hashedSecret);
    }
    for (const key of unresolved) expect(DETECT_SECRETS_MISSES[key], key).toMatch(/^unresolved/);
  });

  it('the engine reports every finding except exactly the listed misses', () => {
    const missed = findings.filter((f) => !f.found).map((f) => f.key);
    expect(missed.sort()).toEqual(Object.keys(DETECT_SECRETS_MISSES).sort());
    expect(
      findings
        .filter((f) => f.found)
        .map((f) => f.key)
        .sort(),
    ).toEqual([
      'config.md:10:Base64 High Entropy String',
      'config.yaml:14:Base64 High Entropy String',
      'config2.yaml:2:Hex High Entropy String',
      'files/private_key:1:Private Key',
      'sample.diff:72:Hex High Entropy String',
      'sample.diff:72:Secret Keyword',
    ]);
  });

  it('the entropy-only misses really have no credential word on their line', () => {
    const entropyOnly = Object.entries(DETECT_SECRETS_MISSES).filter(([, why]) => why.startsWith('entropy-only'));
    expect(entropyOnly.length).toBe(6);
    for (const [key] of entropyOnly) {
      const f = findings.find((x) => x.key === key)!;
      const line = readFileSync(path.join(dir, f.file), 'utf8').split('\n')[f.line! - 1]!;
      expect(line.replace(f.value!, ''), key).not.toMatch(CREDENTIAL_WORD);
    }
  });

  it('sample.diff, added lines only: the one file whose added hex string has key context; nothing on other lines', () => {
    const diff = readFileSync(path.join(dir, 'sample.diff'), 'utf8');
    const { addedFiles, otherLineFindings } = scanDiff(dir);
    expect(addedFiles).toEqual(['.secrets.baseline']);
    expect(otherLineFindings).toBe(0);
    // detect-secrets' other two files hold only the entropy-only literals of sample.diff:10 and :34.
    const rest = DETECT_SECRETS_DIFF_FILES.filter((f) => !addedFiles.includes(f));
    for (const file of rest) {
      const hex = addedLines(diff).filter((l) => l.file === file && /"[0-9a-f]{10,}"/.test(l.text));
      expect(hex.length, file).toBeGreaterThan(0);
      for (const l of hex) {
        const value = /"([0-9a-f]{10,})"/.exec(l.text)![1]!;
        const f = findings.find((x) => x.file === 'sample.diff' && x.value === value)!;
        expect(DETECT_SECRETS_MISSES[f.key], file).toMatch(/^entropy-only/);
      }
    }
  });
});
