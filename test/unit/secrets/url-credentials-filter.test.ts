/** Issue 6 §4: url-credentials runs its regex only where a match is possible, and finds exactly what it found before. */
import { describe, expect, it } from 'vitest';
import { defaultRules, urlCredentialsPossible } from '../../../packages/core/src/secrets/rules.js';
import { ALNUM, pick, rng } from './helpers.js';

const rule = defaultRules().find((r) => r.id === 'url-credentials')!;
const matches = (text: string) => [...text.matchAll(new RegExp(rule.re.source, 'gi'))].length > 0;

describe('urlCredentialsPossible', () => {
  it('is true wherever the url-credentials regex matches (random texts of URLs, users, passwords and @ at every distance)', () => {
    const r = rng(4242);
    const noise = ['https://example.com/a', ' see ', '"', '\n', 'me@example.com', '://', '@', 'x'.repeat(200)];
    let matched = 0;
    for (let n = 0; n < 3000; n++) {
      const around = () => Array.from({ length: Math.floor(r() * 4) }, () => noise[Math.floor(r() * noise.length)]).join('');
      const user = pick(r, ALNUM, Math.floor(r() * 140));
      // Passwords may hold an @ of their own; lengths run past both bounds.
      const pass = pick(r, ALNUM, 1 + Math.floor(r() * 270)).replace(/q/g, '@');
      const text = `${around()}db://${user}:${pass}@host/x${around()}`;
      const m = matches(text);
      if (m) matched += 1;
      if (m) expect(urlCredentialsPossible(text), text).toBe(true);
    }
    // The premise: the generator makes matches, not only misses.
    expect(matched).toBeGreaterThan(100);
  });

  it('holds at the exact bound: 385 characters between :// and @ can match, 386 cannot', () => {
    const user = 'u'.repeat(128);
    const pass = 'p'.repeat(256);
    expect(matches(`db://${user}:${pass}@host`)).toBe(true);
    expect(urlCredentialsPossible(`db://${user}:${pass}@host`)).toBe(true);
    expect(urlCredentialsPossible(`db://${user}:${pass}p@host`)).toBe(false);
    expect(matches(`db://${user}:${pass}p@host`)).toBe(false);
    // A far @ after one URL does not hide a near one after a later URL.
    expect(urlCredentialsPossible(`a://${'x'.repeat(500)} b://u:${'p'.repeat(300)}@h`)).toBe(true);
    expect(urlCredentialsPossible('see https://example.com/docs and mail me@example.com later'.replace('later', 'x'.repeat(400)))).toBe(true);
    expect(urlCredentialsPossible(`see https://example.com/docs${' '.repeat(400)}me@example.com`)).toBe(false);
    expect(urlCredentialsPossible('no url here @ all')).toBe(false);
  });
});
