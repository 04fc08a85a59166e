import { describe, expect, it } from 'vitest';
import { createChunkRedactor, type ChunkResult } from '../../../packages/core/src/capture/chunks.js';
import { fakeToken as token } from '../../fixtures/builders.js';

function run(input: Buffer, cuts: number[]): { bytes: Buffer; text: string; found: number } {
  const redactor = createChunkRedactor({ engine: { fingerprintKey: 'k' }, kind: 'json', redact: true });
  const results: ChunkResult[] = [];
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    // A fresh copy per push, as a transferred chunk would be.
    results.push(redactor.push(Uint8Array.from(input.subarray(at, cut))));
    at = cut;
  }
  results.push(redactor.finish());
  return {
    bytes: Buffer.concat(results.map((r) => Buffer.from(r.bytes))),
    text: results.map((r) => r.redactedText ?? Buffer.from(r.bytes).toString()).join(''),
    found: results.reduce((n, r) => n + r.found.length, 0),
  };
}

function transcript(withSecrets: boolean): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const text = withSecrets && i % 97 === 5 ? `export GH_TOKEN=${token(`c${i}`)}` : `line ${i} naïve ✓ ${'x'.repeat((i * 37) % 300)}`;
    lines.push(JSON.stringify({ type: 'user', sessionId: 's', uuid: `u${i}`, message: { role: 'user', content: text } }));
  }
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n') + '\n' + lines[0])]);
}

describe('createChunkRedactor', () => {
  it('stores a clean file byte for byte however the reads are cut', () => {
    const input = transcript(false);
    for (const cuts of [[], [1], [2, 3, 4], [100, 5000, 5001, 20000], Array.from({ length: 200 }, (_, i) => i * 173 + 1)]) {
      const out = run(
        input,
        cuts.filter((c) => c < input.length),
      );
      expect(out.bytes.equals(input), `cuts ${cuts.slice(0, 5).join(',')}`).toBe(true);
      expect(out.found).toBe(0);
      expect(out.text.split('\n').length - 1).toBe(400);
    }
  });

  it('redacts the same whatever the cuts, including a cut inside a secret', () => {
    const input = transcript(true);
    const whole = run(input, []);
    expect(whole.found).toBe(5);
    for (const cuts of [[7], [300, 301, 302], Array.from({ length: 300 }, (_, i) => i * 97 + 3)]) {
      const out = run(
        input,
        cuts.filter((c) => c < input.length),
      );
      expect(out.bytes.equals(whole.bytes)).toBe(true);
      expect(out.found).toBe(5);
    }
    expect(whole.bytes.toString()).not.toMatch(/ghp_[A-Za-z0-9]{36}/);
  });
});

describe('createChunkRedactor on non-ASCII text', () => {
  it('redacts next to multi-byte characters and keeps every other byte, and finds non-ASCII mask values', () => {
    const secret = token('utf8');
    const lines = [
      JSON.stringify({ type: 'user', text: `日本語のトークン:${secret}✓ café` }),
      JSON.stringify({ type: 'user', text: 'mot de passe: «Größe-geheim-Wert» 🙂' }),
      JSON.stringify({ type: 'user', text: 'nothing here — naïve' }),
    ];
    const input = Buffer.from(lines.join('\n') + '\n');
    const redactor = createChunkRedactor({ engine: { fingerprintKey: 'k', values: ['Größe-geheim-Wert'] }, kind: 'json', redact: true });
    const results = [redactor.push(Uint8Array.from(input)), redactor.finish()];
    const out = Buffer.concat(results.map((r) => Buffer.from(r.bytes))).toString('utf8');
    const outLines = out.split('\n');
    expect(outLines[0]).not.toContain(secret);
    expect(outLines[0]).toContain('日本語のトークン:');
    expect(outLines[0]).toContain('✓ café');
    expect(outLines[1]).not.toContain('Größe-geheim-Wert');
    expect(outLines[1]).toContain('🙂');
    expect(outLines[2]).toBe(lines[2]);
    const values = results.flatMap((r) => r.found.map((f) => f.value));
    expect(values).toEqual(expect.arrayContaining([secret, 'Größe-geheim-Wert']));
    for (const line of outLines.slice(0, 3)) expect(() => JSON.parse(line)).not.toThrow();
  });
});
