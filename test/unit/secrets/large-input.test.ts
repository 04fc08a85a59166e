import { describe, expect, it } from 'vitest';
import { createChunkRedactor, MAX_LINE_BYTES, type ChunkResult } from '../../../packages/core/src/capture/chunks.js';
import { ConfigError } from '../../../packages/core/src/errors.js';
import { createSecretEngine } from '../../../packages/core/src/secrets/index.js';
import { ALNUM, pick, rng } from './helpers.js';

const r = rng(1212);
/** A 12 MB tool result: a whole file's output, with escaped quotes, non-ASCII escapes and raw UTF-8. */
function toolResult(secret: string): string {
  const body = 'line of tool output with \\"quotes\\" and \\u00e9 é\\n'.repeat((12 * 1024 * 1024) / 50);
  return JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'X' }] } }).replace(
    '"X"',
    `"${body}export GH_TOKEN=${secret}\\n${body.slice(0, 1000)}"`,
  );
}

describe('a JSON string of about 12 MB (issue 6 §5 item 9)', () => {
  it('is redacted as a single JSON document, without a stack overflow', () => {
    const secret = 'ghp_' + pick(r, ALNUM, 36);
    const doc = `{"messages":[${toolResult(secret)}]}`;
    const out = createSecretEngine({ fingerprintKey: 'k', byteText: true }).redactJson(doc);
    expect(out.findings).toHaveLength(1);
    expect(out.text).toBe(doc.replace(secret, `[REDACTED:${out.findings[0]!.ruleId}]`));
  }, 60_000);

  it('is redacted as one line of a JSON Lines transcript, read in 512 KiB chunks', () => {
    const secret = 'ghp_' + pick(r, ALNUM, 36);
    const input = Buffer.from(`${JSON.stringify({ type: 'system', subtype: 'init' })}\n${toolResult(secret)}\n`, 'utf8');
    const redactor = createChunkRedactor({ engine: { fingerprintKey: 'k' }, kind: 'json', redact: true });
    const results: ChunkResult[] = [];
    for (let at = 0; at < input.length; at += 512 * 1024) results.push(redactor.push(Uint8Array.from(input.subarray(at, at + 512 * 1024))));
    results.push(redactor.finish());
    const stored = Buffer.concat(results.map((x) => Buffer.from(x.bytes)));
    const found = results.flatMap((x) => x.found);
    expect(found).toHaveLength(1);
    expect(stored.equals(Buffer.from(input.toString('latin1').replace(secret, `[REDACTED:${found[0]!.ruleId}]`), 'latin1'))).toBe(true);
  }, 60_000);

  it('fails with E_TOO_LARGE naming the transcript and the line once a line outgrows the bound, before holding it all', () => {
    const redactor = createChunkRedactor({ engine: { fingerprintKey: 'k' }, kind: 'json', redact: true });
    redactor.push(Buffer.from('{"a":1}\n{"b":"'));
    const chunk = Buffer.alloc(4 * 1024 * 1024, 0x61);
    let pushed = 0;
    try {
      for (; pushed <= MAX_LINE_BYTES; pushed += chunk.length) redactor.push(chunk);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('E_TOO_LARGE');
      expect((error as Error).message).toMatch(/^transcript line 2 is over 64 MiB/);
    }
    expect(pushed).toBeLessThanOrEqual(MAX_LINE_BYTES);
  }, 60_000);
});
