import { describe, expect, it } from 'vitest';
import { gitleaksRules } from '../../../packages/core/src/secrets/gitleaks-rules.generated.js';
import { holdsStopword } from '../../../packages/core/src/secrets/matching.js';

const generic = gitleaksRules.find((r) => r.id === 'generic-api-key')!.allowlists.find((a) => a.stopwords.length > 0)!.stopwords;

/** The definition: a value holds a stopword when one is a substring of it. */
const naive = (words: readonly string[], lower: string) => words.some((w) => lower.includes(w));

describe('holdsStopword', () => {
  it('agrees with a substring search for every stopword on values that hold one, hold a near miss, or none', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_.';
    expect(generic.length).toBeGreaterThan(1000);
    for (let round = 0; round < 3000; round++) {
      let value = '';
      const length = Math.floor(next() * 48);
      while (value.length < length) {
        const r = next();
        if (r < 0.05) value += generic[Math.floor(next() * generic.length)]!;
        // A stopword missing its last character: the prefix index must not call it a hit.
        else if (r < 0.1) value += generic[Math.floor(next() * generic.length)]!.slice(0, -1);
        else value += alphabet[Math.floor(next() * alphabet.length)];
      }
      expect(holdsStopword(generic, value), value).toBe(naive(generic, value));
    }
  });

  it('finds a stopword at the very start and end of a value, and words shorter than three characters', () => {
    const word = generic.find((w) => w.length >= 5)!;
    expect(holdsStopword(generic, word)).toBe(true);
    expect(holdsStopword(generic, `zz9${word}`)).toBe(true);
    expect(holdsStopword(generic, `${word}9zz`)).toBe(true);
    expect(holdsStopword(['ab', 'xyz'], 'qqabqq')).toBe(true);
    expect(holdsStopword(['ab', 'xyz'], 'qqxyq')).toBe(false);
    expect(holdsStopword([''], 'anything')).toBe(true);
    expect(holdsStopword(['xyz'], 'xy')).toBe(false);
  });
});
