import { describe, expect, it } from 'vitest';
import { canonicalDigest, canonicalPrevIs, parsedEventDigest, scanCanonical } from '../../../packages/core/src/audit/chain-line.js';
import { canonicalJson, sha256Hex } from '@agent-gates/core/digest';
import { sealEvent } from '@agent-gates/core/audit';
import { decisionEvent } from './events.js';

// The byte check may only say "canonical" of a line that is exactly canonicalJson(JSON.parse(line));
// anything it is unsure of goes to the full check, so a false "no" costs time, a false "yes" security.
function scan(text: string) {
  const bytes = Buffer.from(text);
  return scanCanonical(bytes, 0, bytes.length);
}
function isCanonical(text: string): boolean {
  try {
    return canonicalJson(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

const CANONICAL = [
  '{}',
  '{"a":1}',
  '{"a":[],"b":{},"c":[1,2,{"d":null}],"e":true,"f":false}',
  '{"n":[0,-1,0.5,-0.5,1e+21,1e-7,0.000001,123456789012345,1234567890123456,5e-324,1.7976931348623157e+308,0.30000000000000004]}',
  '{"s":"tab\\tnl\\nquote\\"back\\\\ctl\\u0001\\u001f del\u007f"}',
  '{"s":"é ü 中文 😀 \u2028"}',
  '{"A":1,"B":2,"_":3,"a":4}',
  '{"digest":"sha256:' + 'a'.repeat(64) + '","prev":null,"schema_version":1}',
];
const NOT_CANONICAL = [
  '{ "a":1}',
  '{"a":1 }',
  '{"b":1,"a":2}',
  '{"a":1,"a":2}',
  '{"a":1.0}',
  '{"a":1.50}',
  '{"a":-0}',
  '{"a":01}',
  '{"a":1E21}',
  '{"a":1e21}',
  '{"a":0.0000001}',
  '{"a":100000000000000000000000}',
  '{"a":12345678901234567}',
  '{"s":"\\/"}',
  '{"s":"\\u0041"}',
  '{"s":"\\u000A"}',
  '{"s":"\\u000a"}',
  '{"s":"\u0001"}',
  '{"a":tru}',
  '{"a":1}x',
  '{"a":[1,]}',
  '{"a":}',
  '{"a" :1}',
];

/** Canonical, but not what the byte check decides: a lone surrogate's escape, a line that is not an object. */
const LEFT_TO_FULL_CHECK = ['{"s":"\\ud800"}', '[1]', '"x"'];

describe('scanCanonical', () => {
  it.each(LEFT_TO_FULL_CHECK)('leaves %s to the full check', (text) => {
    expect(isCanonical(text)).toBe(true);
    expect(scan(text)).toBeUndefined();
  });

  it.each(CANONICAL)('accepts the canonical %s', (text) => {
    expect(isCanonical(text)).toBe(true);
    // Lone surrogates aside, every canonical text is recognised (no fall back to the slow path).
    expect(scan(text)).toBeDefined();
  });

  it.each(NOT_CANONICAL)('never accepts %s, which is not canonical', (text) => {
    expect(isCanonical(text)).toBe(false);
    expect(scan(text)).toBeUndefined();
  });

  it('never accepts invalid UTF-8, an overlong form or an encoded surrogate', () => {
    for (const bad of [[0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff]]) {
      const bytes = Buffer.concat([Buffer.from('{"s":"'), Buffer.from(bad), Buffer.from('"}')]);
      expect(scanCanonical(bytes, 0, bytes.length)).toBeUndefined();
    }
  });

  it('agrees with canonicalJson on random mutations of an event line', () => {
    const line = canonicalJson(sealEvent(decisionEvent(), null));
    const alphabet = ' {}[]",:0123456789.-+eEatrufnl\\/u\u00e9';
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 3000; i++) {
      const at = random(line.length);
      const text = line.slice(0, at) + alphabet[random(alphabet.length)] + line.slice(at + (random(2) === 0 ? 1 : 0));
      if (scan(text) !== undefined) expect(isCanonical(text)).toBe(true);
    }
  });

  it('finds the chain members and hashes the line without its digest member', () => {
    const event = sealEvent(decisionEvent(), `sha256:${'f'.repeat(64)}`);
    const bytes = Buffer.from(canonicalJson(event));
    const found = scanCanonical(bytes, 0, bytes.length)!;
    expect(found.versionOne).toBe(true);
    expect(bytes.toString('latin1', found.digestHex, found.digestHex + 64)).toBe(event.digest.slice(7));
    expect(bytes.toString('latin1', found.prev, found.prev + 64)).toBe('f'.repeat(64));
    expect(canonicalDigest(bytes, 0, bytes.length, found)?.toString('hex')).toBe(event.digest.slice(7));
    expect(canonicalPrevIs(bytes, found, Buffer.alloc(32, 0xff))).toBe(true);
    expect(canonicalPrevIs(bytes, found, Buffer.alloc(32, 0xfe))).toBe(false);
    expect(canonicalPrevIs(bytes, found, null)).toBe(false);
    // One byte of the content changed (same length, still canonical): the digest no longer matches.
    const edited = Buffer.from(bytes.toString().replace('"user":"octocat"', '"user":"octocas"'));
    expect(canonicalDigest(edited, 0, edited.length, scanCanonical(edited, 0, edited.length)!)).toBeUndefined();
    expect(parsedEventDigest(JSON.parse(bytes.toString()) as Record<string, unknown>)).toBe(event.digest);
    // A digest member first or last in the object: the comma after or before it is cut.
    for (const text of [`{"digest":"sha256:${sha256Hex('{"z":1}')}","z":1}`, `{"a":1,"digest":"sha256:${sha256Hex('{"a":1}')}"}`]) {
      const b = Buffer.from(text);
      expect(canonicalDigest(b, 0, b.length, scanCanonical(b, 0, b.length)!)).toBeDefined();
    }
  });

  it('reads a nested "digest" as data, not as the event digest', () => {
    const bytes = Buffer.from(`{"a":{"digest":"sha256:${'1'.repeat(64)}"},"digest":"sha256:${'2'.repeat(64)}"}`);
    const found = scanCanonical(bytes, 0, bytes.length)!;
    expect(bytes.toString('latin1', found.digestHex, found.digestHex + 64)).toBe('2'.repeat(64));
  });
});
