/**
 * Every labelled secret value of the two conformance corpora, for tests that plant them and check nothing
 * leaks. Kept out of the package: it reads test data and states which labels the engine cannot honour.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DETECT_SECRETS_MISSES, evaluateDetectSecrets, type LabelledCase, linesAround, UNDETECTABLE_RANGES } from '../../scripts/bench/secrets-corpus.js';

export interface LabelledSecret {
  /** `<secretlint case>#<range index>` or `detect-secrets/<file>:<baseline line>:<type>`. */
  id: string;
  value: string;
  source: 'secretlint' | 'detect-secrets';
  /**
   * Why the engine does not redact `value` when it sits in `context`; absent means it must. Exact: a test
   * plants each `context` and fails if a listed value is redacted or an unlisted one survives.
   */
  undetectable?: string;
  /** The whole line(s) holding the value in its corpus file: a `password =` or `API_KEY=` that makes it a secret. */
  context: string;
}

/**
 * @param conformanceDir the `secrets` conformance folder (holding `secretlint-preset-recommend/` and
 *   `detect-secrets/`), e.g. `../shared/conformance/secrets`.
 */
export function labelledSecrets(conformanceDir: string): LabelledSecret[] {
  const out: LabelledSecret[] = [];
  const secretlint = path.join(conformanceDir, 'secretlint-preset-recommend');
  const cases = readFileSync(path.join(secretlint, 'labels.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LabelledCase);
  for (const c of cases) {
    if (c.label !== 'secret') continue;
    const text = readFileSync(path.join(secretlint, c.input_file), 'utf8');
    c.expected.forEach((e, i) => {
      const id = `${c.case}#${i}`;
      const [start, end] = e.range;
      const undetectable = UNDETECTABLE_RANGES[id];
      out.push({
        id,
        value: text.slice(start, end),
        source: 'secretlint',
        context: linesAround(text, start, end),
        ...(undetectable ? { undetectable } : {}),
      });
    });
  }
  for (const f of evaluateDetectSecrets(path.join(conformanceDir, 'detect-secrets'))) {
    // Unresolved hashes (the baseline saw other copies of two files) have no value to plant.
    if (f.value === null || f.context === null) continue;
    const undetectable = DETECT_SECRETS_MISSES[f.key];
    out.push({
      id: `detect-secrets/${f.key}`,
      value: f.value,
      source: 'detect-secrets',
      context: f.context,
      ...(undetectable ? { undetectable } : {}),
    });
  }
  return out;
}
