import { describe, expect, it } from 'vitest';
import { KeywordIndex } from '../../../packages/core/src/secrets/keyword-index.js';
import { defaultRules } from '../../../packages/core/src/secrets/rules.js';

// A seeded generator so a failure reproduces.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const rules = defaultRules();
const index = new KeywordIndex(rules.map((r) => r.keywords));
const keywords = [...new Set(rules.flatMap((r) => r.keywords))];

/** The plain definition the automaton must agree with. */
function expected(text: string): number[] {
  const lower = text.toLowerCase();
  return rules.flatMap((r, i) => (r.keywords.some((k) => lower.includes(k)) ? [i] : [])).sort((a, b) => a - b);
}

describe('KeywordIndex', () => {
  it('finds the same rules in strings, bytes (wasm and JavaScript) as a plain substring search', () => {
    const next = random(42);
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.:/"\\{}=\n';
    for (let round = 0; round < 300; round++) {
      const length = Math.floor(next() * 3000);
      let text = '';
      while (text.length < length) {
        if (next() < 0.02) {
          const kw = keywords[Math.floor(next() * keywords.length)]!;
          text += next() < 0.5 ? kw.toUpperCase() : kw;
        } else text += alphabet[Math.floor(next() * alphabet.length)];
      }
      const want = expected(text);
      expect([...index.candidates(text)].sort((a, b) => a - b)).toEqual(want);
      const bytes = Buffer.from(text);
      expect([...index.candidatesInBytes(bytes)].sort((a, b) => a - b)).toEqual(want);
    }
  });

  it('sees a keyword cut by the wasm scanner’s segment boundaries', () => {
    // Put one rare keyword at every offset around the quarter points of a long input.
    const kw = 'ghp_';
    const rule = rules.findIndex((r) => r.keywords.includes(kw));
    expect(rule).toBeGreaterThanOrEqual(0);
    const length = 4096;
    for (const quarter of [1, 2, 3]) {
      for (let shift = -40; shift <= 40; shift++) {
        const at = (length >> 2) * quarter + shift;
        const text = 'x'.repeat(at) + kw + 'y'.repeat(length - at - kw.length);
        expect(index.candidatesInBytes(Buffer.from(text)), `keyword at ${at}`).toContain(rule);
      }
    }
  });

  it('treats non-ASCII as a keyword break in both strings and bytes', () => {
    const text = `gh\u00e9p_ ${'z'.repeat(400)} tok\u{1F600}en`;
    expect(index.candidates(text)).toEqual(index.candidatesInBytes(Buffer.from(text)));
  });

  it('gives a string\u2019s rules in the order their first keywords end in it (which names a value two rules find)', () => {
    const next = random(11);
    /** Where the rule's first keyword occurrence ends, case-insensitively. */
    const firstEnd = (lower: string, rule: number) =>
      Math.min(...rules[rule]!.keywords.map((k) => (lower.includes(k) ? lower.indexOf(k) + k.length : Infinity)));
    for (let round = 0; round < 100; round++) {
      let text = '';
      while (text.length < 400 + round * 30) text += next() < 0.05 ? keywords[Math.floor(next() * keywords.length)]! : 'x = y; '[Math.floor(next() * 7)]!;
      const lower = text.toLowerCase();
      const ends = index.candidates(text).map((rule) => firstEnd(lower, rule));
      expect(
        ends.every((end, i) => i === 0 || end >= ends[i - 1]!),
        `round ${round}`,
      ).toBe(true);
    }
  });

  it('gives the rules of long strings and bytes (the wasm scanner) in exactly the order of the JavaScript loop', () => {
    const next = random(23);
    const fillers = ['x', ' ', '=', '_', 'k', 'e', 't', 'o', 'a', 'p', '\n', '\u00e9', '\u{1F600}'];
    for (let round = 0; round < 400; round++) {
      // From sparse to dense keywords, and short inputs (one walk) to long ones (four segments).
      const density = 0.01 + (round % 20) * 0.02;
      const length = 200 + Math.floor(next() * (round % 2 === 0 ? 600 : 12000));
      let text = '';
      while (text.length < length) {
        if (next() < density) {
          const kw = keywords[Math.floor(next() * keywords.length)]!;
          text += next() < 0.3 ? kw.toUpperCase() : kw;
        } else text += fillers[Math.floor(next() * fillers.length)]!;
      }
      const want = index.candidatesJs(text);
      expect(index.candidates(text), `round ${round}`).toEqual(want);
      expect(index.candidatesInBytes(Buffer.from(text)), `round ${round}, bytes`).toEqual(want);
    }
  });

  it('keeps the order of two rules whose keywords sit on either side of a segment cut', () => {
    // A keyword ending just before a cut lies in the next segment's warm-up, where that walk records
    // nothing; the walk before the cut records it, and the order stays the one a single walk gives.
    const first = 'sk_live_';
    const second = 'ghp_';
    const a = rules.findIndex((r) => r.keywords.includes(first));
    const b = rules.findIndex((r) => r.keywords.includes(second));
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThanOrEqual(0);
    const length = 4096;
    for (const quarter of [1, 2, 3]) {
      for (let shift = -30; shift <= 30; shift++) {
        const at = (length >> 2) * quarter + shift;
        const gap = 3 + (shift & 7);
        const text = `${'x'.repeat(at)}${first}${'y'.repeat(gap)}${second}`.padEnd(length, 'z');
        const want = index.candidatesJs(text);
        expect(want.indexOf(a)).toBeLessThan(want.indexOf(b));
        expect(index.candidates(text), `keywords at ${at}`).toEqual(want);
        expect(index.candidatesInBytes(Buffer.from(text)), `keywords at ${at}, bytes`).toEqual(want);
      }
    }
  });

  it('reads long strings with characters outside ASCII as the plain search does', () => {
    const next = random(9);
    const pieces = ['\u00e9', '\u4e2d', '\u{1F600}', '\ud800', ' ', 'x', '=', '\n'];
    for (let round = 0; round < 60; round++) {
      // From a few characters outside ASCII to mostly such characters, lone surrogates among them.
      const share = round / 60;
      let text = '';
      while (text.length < 300 + round * 40) {
        const r = next();
        if (r < 0.03) text += keywords[Math.floor(next() * keywords.length)]!;
        else text += r < 0.03 + share ? pieces[Math.floor(next() * 4)]! : pieces[4 + Math.floor(next() * 4)]!;
      }
      expect(
        [...index.candidates(text)].sort((a, b) => a - b),
        `round ${round}`,
      ).toEqual(expected(text));
    }
  });

  it('finds every rule when one text ends more keywords than the wasm scanner has room to record', () => {
    // 6,000 rules of one keyword each, all in one text: more keyword-ending states than the 4,096 the
    // first scan records, so the scanner makes room and scans again.
    const words = Array.from({ length: 6000 }, (_, i) => `k${i.toString(36).padStart(3, '0')}`);
    const many = new KeywordIndex(words.map((w) => [w]));
    const text = words.join(' ');
    expect([...many.candidates(text)].sort((a, b) => a - b)).toEqual(words.map((_, i) => i));
    expect([...many.candidatesInBytes(Buffer.from(text))].sort((a, b) => a - b)).toEqual(words.map((_, i) => i));
    // And the next scan, with room to spare, still sees a state the one before recorded.
    expect(many.candidates(`${'-'.repeat(300)} k000`)).toEqual([0]);
  });
});

describe('the generated keyword automaton', () => {
  it('is the automaton of the default rule set, and answers like a freshly built one', async () => {
    const { defaultEngineRules, engineKeywordLists } = await import('../../../packages/core/src/secrets/engine.js');
    const { KEYWORD_AUTOMATON } = await import('../../../packages/core/src/secrets/keyword-automaton.generated.js');
    const { keywordSignature } = await import('../../../packages/core/src/secrets/keyword-index.js');
    const lists = engineKeywordLists(defaultEngineRules());
    // Stale after a rule change: `pnpm generate` regenerates it (and generate:check fails until then).
    expect(KEYWORD_AUTOMATON.signature).toBe(keywordSignature(lists));
    const built = new KeywordIndex(lists);
    const loaded = new KeywordIndex(lists, KEYWORD_AUTOMATON);
    const next = random(7);
    for (let round = 0; round < 100; round++) {
      let text = '';
      while (text.length < 2000) text += next() < 0.03 ? keywords[Math.floor(next() * keywords.length)]! : String.fromCharCode(32 + Math.floor(next() * 95));
      const bytes = Buffer.from(text);
      expect(loaded.candidatesInBytes(bytes)).toEqual(built.candidatesInBytes(bytes));
      expect(loaded.candidates(text)).toEqual(built.candidates(text));
    }
  });
});
