import { describe, expect, it } from 'vitest';
import { MAX_MANIFEST_BYTES, parseManifest } from '../../../packages/core/src/manifest/index.js';

const SEED = `model: cowork-local
version: 1.4.2
fingerprint: sha256:abcdef1234567890
prompt_template: bump_version_and_add_tests
prompt_vars:
  module: billing
  change_type: minor
random_seed: 12345
required_tools:
  - git
  - docker
author: alice
timestamp: 2026-01-12T14:22:00Z
`;

const refusal = (text: string | Buffer) => {
  try {
    parseManifest(Buffer.isBuffer(text) ? text : Buffer.from(text), 'model_manifest.yaml');
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('parsed');
};

describe('parseManifest', () => {
  it("reads the seed's manifest as it is written, and the same fields as JSON", () => {
    const manifest = parseManifest(Buffer.from(SEED), 'model_manifest.yaml');
    expect(manifest).toMatchObject({ model: 'cowork-local', version: '1.4.2', random_seed: 12345, timestamp: '2026-01-12T14:22:00Z' });
    expect(parseManifest(Buffer.from(JSON.stringify(manifest)), 'm.json')).toEqual(manifest);
  });

  it('lists every schema violation with its line, column and JSON pointer, not only the first', () => {
    const error = refusal(`model: ""\nversion: 1.4.2\ntimestamp: yesterday\ntemperature: hot\nrandom-seed: 1\nsubjects:\n  - path: a.ts\n    sha256: nothex\n`);
    expect(error.code).toBe('E_MANIFEST_SCHEMA');
    expect(error.message).toContain('(6 problems)');
    for (const part of [
      'model_manifest.yaml:1:8 /model must not be empty',
      'model_manifest.yaml:3:12 /timestamp must be an RFC 3339 date-time with a time zone',
      'model_manifest.yaml:4:14 /temperature must be a number, not the string "hot"',
      'model_manifest.yaml:5:1 /random-seed is not a known key (did you mean "random_seed"?)',
      'model_manifest.yaml:8:13 /subjects/0/sha256 must be 64 lower-case hex digits',
      'model_manifest.yaml:1:8 /model must be a model id',
    ]) {
      expect(error.message).toContain(part);
    }
  });

  it('names a missing required field and an impossible date', () => {
    expect(refusal('model: a\n').message).toMatch(/\/timestamp is required; .*\/version is required/);
    expect(refusal('model: a\nversion: 1.0.0\ntimestamp: 2026-13-45T00:00:00Z\n').message).toContain('/timestamp is not a real date');
  });

  it('keeps x- keys for other tools', () => {
    expect(parseManifest(Buffer.from(`${SEED}x-cowork: { run: 7 }\n`), 'm.yaml')).toMatchObject({ 'x-cowork': { run: 7 } });
  });

  it.each([
    ['an alias', `${SEED}x-a: &a [1]\nx-b: *a\n`, /alias \*a: anchors and aliases are not supported in a manifest/],
    ['a merge key', `${SEED}x-a: &a { b: 1 }\nx-c:\n  <<: *a\n`, /alias|merge key/],
    ['a duplicate key', `${SEED}model: other\n`, /model_manifest.yaml:14:1 is not valid YAML: the key "model" appears twice/],
    ['__proto__', `${SEED}__proto__: { polluted: true }\n`, /reserved name "__proto__"/],
    // No character that sends the reader down its full walk: the reserved name is still found.
    ['a nested reserved name', `${SEED}x-tool:\n  prototype: 1\n`, /model_manifest.yaml:15:3 \/x-tool\/prototype uses the reserved name "prototype"/],
    ['invalid UTF-8', Buffer.concat([Buffer.from(SEED), Buffer.from([0xff, 0xfe])]), /not valid UTF-8/],
  ])('refuses %s with E_MANIFEST', (_name, text, message) => {
    const error = refusal(text);
    expect(error.code).toBe('E_MANIFEST');
    expect(error.message).toMatch(message);
  });

  it('refuses a file over 1 MiB before reading it, and a list or scalar as the whole file', () => {
    expect(refusal(Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20)).code).toBe('E_TOO_LARGE');
    expect(refusal('- model: a\n')).toMatchObject({ code: 'E_MANIFEST_SCHEMA', message: expect.stringContaining('must be a mapping') });
    expect(refusal('')).toMatchObject({ code: 'E_MANIFEST_SCHEMA' });
  });
});
