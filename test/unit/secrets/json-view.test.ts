import { describe, expect, it } from 'vitest';
import { jsonView } from '../../../packages/core/src/secrets/json-literals.js';

const JSON_ESCAPE = /\\(?:u([0-9a-fA-F]{4})|([\s\S]))/g;
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/** jsonView as one regular-expression replacement: the reference the production loop is tested against. */
function jsonViewByRegex(text: string): string {
  return text.replace(JSON_ESCAPE, (_m, hex: string | undefined, ch: string) =>
    hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : (SIMPLE_ESCAPES[ch] ?? ch),
  );
}

// A small deterministic generator: the same strings on every run.
function* strings(count: number): Generator<string> {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const pieces = [
    '\\',
    '\\\\',
    '\\u',
    '\\u00',
    '\\u0041',
    '\\u00e9',
    '\\uD83D\\uDE00',
    '\\uZZZZ',
    '\\uaBcD',
    '\\n',
    '\\t',
    '\\"',
    '\\/',
    '\\x',
    'u',
    '0',
    'f',
    'a',
    ' ',
    '"',
    'é',
    '😀',
    '\n',
  ];
  for (let k = 0; k < count; k++) {
    let s = '';
    const length = Math.floor(next() * 24);
    for (let i = 0; i < length; i++) s += pieces[Math.floor(next() * pieces.length)];
    yield s;
  }
}

describe('jsonView', () => {
  it('decodes exactly as the regular-expression replacement it replaced', () => {
    for (const s of strings(20_000)) expect(jsonView(s), JSON.stringify(s)).toBe(jsonViewByRegex(s));
  });

  it('handles escapes at both ends and a text without any', () => {
    for (const s of ['', 'plain', '\\', 'a\\', '\\u004', '\\u0041', 'x\\u0041', '\\\\u0041', '\\u0041\\']) expect(jsonView(s)).toBe(jsonViewByRegex(s));
  });
});
