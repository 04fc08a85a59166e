import { describe, expect, it } from 'vitest';
import { createSecretEngine } from '../../../packages/core/src/secrets/index.js';
import { ALNUM, pick, rng } from './helpers.js';

const r = rng(1422);
const engine = createSecretEngine({ fingerprintKey: 'split-key' });
const body = Array.from({ length: 4 }, () => pick(r, ALNUM + '+/', 64)).join('\n');
/** A Claude Code tool result: the key's three parts in three text items of one record. */
const record = JSON.stringify({
  type: 'user',
  message: {
    role: 'user',
    content: [
      {
        type: 'tool_result',
        tool_use_id: 'toolu_1',
        content: [
          { type: 'text', text: '-----BEGIN OPENSSH PRIVATE KEY-----\n' },
          { type: 'text', text: body },
          { type: 'text', text: '-----END OPENSSH PRIVATE KEY-----\n' },
        ],
      },
    ],
  },
});
const expected = record.replace(JSON.stringify(body).slice(1, -1), '[REDACTED:private-key-block]');

describe('a private key split over three values of one JSON record', () => {
  it('is redacted by redactJson, and by a line redactor with and without a verdict worked out ahead', () => {
    expect(expected).not.toBe(record);
    expect(engine.redactJson(record).text).toBe(expected);
    const plain = engine.createLineRedactor('json');
    expect([...plain.push(record), ...plain.flush()].map((x) => x.text)).toEqual([expected]);
    // The redaction thread reads the verdict the reading thread worked out (chunks.ts).
    const ahead = engine.createLineRedactor('json');
    expect([...ahead.push(record, undefined, engine.lineVerdict(record)), ...ahead.flush()].map((x) => x.text)).toEqual([expected]);
  });

  it('reports one private-key-block finding at the body, by its raw offsets', () => {
    const { findings } = engine.redactJson(record);
    const rawBody = JSON.stringify(body).slice(1, -1);
    expect(findings.map((f) => [f.ruleId, f.start, f.end])).toEqual([['private-key-block', record.indexOf(rawBody), record.indexOf(rawBody) + rawBody.length]]);
  });

  it('leaves a record whose header is followed by no key material byte for byte', () => {
    const line = JSON.stringify({
      content: [
        { type: 'text', text: '-----BEGIN PRIVATE KEY-----' },
        { type: 'text', text: 'Bash' },
        { type: 'text', text: 'see README' },
      ],
    });
    expect(engine.redactJson(line)).toEqual({ text: line, findings: [] });
    expect(engine.lineVerdict(line) & 32).toBe(32); // read for a split key, and found none
  });
});
