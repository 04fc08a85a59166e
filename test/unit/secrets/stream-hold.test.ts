import { describe, expect, it } from 'vitest';
import { createChunkRedactor, type ChunkResult } from '../../../packages/core/src/capture/chunks.js';
import { ALNUM, pick, rng } from './helpers.js';

const r = rng(9090);
const delta = (text: string) => JSON.stringify({ type: 'stream_event', event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } } });
const ping = JSON.stringify({ type: 'stream_event', event: { type: 'ping' } });

function store(lines: string[]): string {
  const redactor = createChunkRedactor({ engine: { fingerprintKey: 'k' }, kind: 'json', redact: true });
  const input = Buffer.from(lines.join('\n') + '\n');
  const results: ChunkResult[] = [];
  for (let at = 0; at < input.length; at += 512 * 1024) results.push(redactor.push(Uint8Array.from(input.subarray(at, at + 512 * 1024))));
  results.push(redactor.finish());
  return results.map((x) => Buffer.from(x.bytes).toString('utf8')).join('');
}

/** Neither the token nor either of its halves is stored. */
function expectGone(stored: string, token: string, cut: number): void {
  expect(stored).not.toContain(token);
  expect(stored).not.toContain(token.slice(0, cut));
  expect(stored).not.toContain(token.slice(cut));
}

describe('a secret streamed in pieces stays redacted whatever comes between them (issue 6 §5 item 3)', () => {
  it('joins pieces around a ping and other records', () => {
    const token = 'ghp_' + pick(r, ALNUM, 36);
    const stop = JSON.stringify({ type: 'stream_event', event: { type: 'content_block_stop', index: 0 } });
    expectGone(store([delta('export GH_TOKEN='), delta(token.slice(0, 20)), ping, delta(token.slice(20)), delta(' done')]), token, 20);
    expectGone(store([delta(token.slice(0, 12)), ping, ping, stop, delta(token.slice(12, 30)), ping, delta(token.slice(30))]), token, 12);
  });

  it('joins pieces cut across the 20,000-record hold, after 20,000 whitespace deltas', () => {
    for (const at of [19_998, 19_999, 20_000, 20_001, 20_002]) {
      const token = 'ghp_' + pick(r, ALNUM, 36);
      const lines = Array.from({ length: at }, () => delta(' '));
      lines.push(delta(token.slice(0, 20)), delta(token.slice(20)), JSON.stringify({ type: 'result', subtype: 'success' }));
      expectGone(store(lines), token, 20);
    }
  }, 60_000);

  it('joins pieces cut across the 4 MiB hold', () => {
    // Four records just under 4 MiB together, so the first piece is the record that crosses it.
    for (const slack of [60, 200, 400]) {
      const token = 'ghp_' + pick(r, ALNUM, 36);
      const big = ' '.repeat(Math.floor((4 * 1024 * 1024 - 4 * delta('').length - slack) / 4));
      const lines = [delta(big), delta(big), delta(big), delta(big), delta(token.slice(0, 10)), delta(token.slice(10, 20)), delta(token.slice(20)), ping];
      expectGone(store(lines), token, 10);
    }
  }, 60_000);
});
