import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonDigest, sha256Hex } from '@agent-gates/core';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and normalises numbers', () => {
    // RFC 8785 §3.2.3 example ordering and §3.2.2.3 number serialisation.
    expect(canonicalJson({ b: 1, a: [1e21, 0.000001, -0], '\u20ac': 'x', '\r': 2 })).toBe('{"\\r":2,"a":[1e+21,0.000001,0],"b":1,"€":"x"}');
  });
  it('gives the same digest whatever the key order', () => {
    expect(jsonDigest({ x: 1, y: { b: 2, a: 1 } })).toBe(jsonDigest({ y: { a: 1, b: 2 }, x: 1 }));
    expect(jsonDigest({ x: 1 })).toBe(`sha256:${sha256Hex('{"x":1}')}`);
  });
  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson(undefined)).toThrow();
  });
});
