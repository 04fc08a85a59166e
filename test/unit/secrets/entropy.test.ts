import { describe, expect, it } from 'vitest';
import { shannonEntropy } from '../../../packages/core/src/secrets/entropy.js';

/** The definition, written the slow way: counts by code point in a Map, summed in first-seen order. */
function reference(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...s].length;
  let h = 0;
  for (const c of counts.values()) h -= (c / n) * Math.log2(c / n);
  return h;
}

describe('shannonEntropy', () => {
  it('is the code-point entropy, equal to the bit to the definition, for ASCII and non-ASCII text', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const alphabets = ['abc', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=', 'é漢😀a1', '\u0000\u007f\u0080 '];
    for (let i = 0; i < 3000; i++) {
      const alphabet = [...alphabets[i % alphabets.length]!];
      const length = next() % 80;
      let s = '';
      for (let k = 0; k < length; k++) s += alphabet[next() % alphabet.length];
      expect(Object.is(shannonEntropy(s), reference(s)), JSON.stringify(s)).toBe(true);
    }
  });

  it('counts a surrogate pair as one character, and leaves no state behind between calls', () => {
    expect(shannonEntropy('😀😀')).toBe(0);
    expect(shannonEntropy('ab😀')).toBe(reference('ab😀'));
    // A non-ASCII character after ASCII ones: the ASCII counts of that call must not leak into the next.
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcdé')).toBe(reference('abcdé'));
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('ab')).toBe(1);
  });
});
