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

/** The three ways a line is redacted: redactJson, a line redactor alone, and one with the verdict worked out ahead. */
function allPaths(line: string): string[] {
  // A body line right after a header value may be taken by a generic rule first (`KEY-----","…`): one marker for all.
  const one = (text: string) => text.replace(/\[REDACTED:[a-z-]+\]/g, MARK);
  const plain = engine.createLineRedactor('json');
  const ahead = engine.createLineRedactor('json');
  return [
    engine.redactJson(line).text,
    ...[...plain.push(line), ...plain.flush()].map((x) => x.text),
    ...[...ahead.push(line, undefined, engine.lineVerdict(line)), ...ahead.flush()].map((x) => x.text),
  ].map(one);
}

/** A 4096-bit RSA key as OpenSSL writes it: 48 lines of 64 base64 characters and a shorter last one. */
const r4096 = rng(4096);
const bigBody = [...Array.from({ length: 48 }, () => pick(r4096, ALNUM + '+/', 64)), pick(r4096, ALNUM + '+/', 44) + '=='];
const RSA_HEADER = '-----BEGIN RSA PRIVATE KEY-----';
const RSA_FOOTER = '-----END RSA PRIVATE KEY-----';
const MARK = '[REDACTED:private-key-block]';

function expectNoBodyLine(texts: string[], lines: string[]): void {
  for (const text of texts) for (const line of lines) expect(text).not.toContain(line);
}

describe('a private key split over more values than the search once reached', () => {
  it('has all 49 body lines of a 4096-bit key redacted when each is an item of one array', () => {
    expect(bigBody).toHaveLength(49);
    const line = JSON.stringify({ lines: [RSA_HEADER, ...bigBody, RSA_FOOTER] });
    const expected = JSON.stringify({ lines: [RSA_HEADER, ...bigBody.map(() => MARK), RSA_FOOTER] });
    for (const text of allPaths(line)) expect(text).toBe(expected);
  });

  it('has all 49 body lines redacted when each is the text of its own content item', () => {
    const items = (lines: string[]) => JSON.stringify({ type: 'tool_result', content: lines.map((text) => ({ type: 'text', text })) });
    const line = items([RSA_HEADER, ...bigBody, RSA_FOOTER]);
    const expected = items([RSA_HEADER, ...bigBody.map(() => MARK), RSA_FOOTER]);
    for (const text of allPaths(line)) expect(text).toBe(expected);
  });

  it('still stops at the footer: a short value of the same array after it stays', () => {
    const after = 'Ab12';
    const line = JSON.stringify({ lines: [RSA_HEADER, ...bigBody.slice(0, 3), RSA_FOOTER, after] });
    for (const text of allPaths(line)) {
      expect(text).toContain(`"${RSA_FOOTER}","${after}"`);
      expectNoBodyLine([text], bigBody.slice(0, 3));
    }
  });
});

describe('a private key whose header and first body lines share a value', () => {
  const content = (first: string, second: string) =>
    JSON.stringify({
      content: [
        { type: 'text', text: first },
        { type: 'text', text: second },
      ],
    });

  it('has the body lines of the later value redacted too, the footer kept', () => {
    const line = content([RSA_HEADER, ...bigBody.slice(0, 10)].join('\n'), [...bigBody.slice(10, 20), RSA_FOOTER, ''].join('\n'));
    for (const text of allPaths(line)) {
      expectNoBodyLine([text], bigBody.slice(0, 20));
      const items = (JSON.parse(text) as { content: { type: string; text: string }[] }).content;
      expect(items.map((i) => i.type)).toEqual(['text', 'text']);
      expect(items[1]!.text).toBe(`${MARK}\n${RSA_FOOTER}\n`);
    }
  });

  it('has a first value with too little body for the block rule redacted, and the rest', () => {
    // Header and one short line: no rule matches any value, or the raw line (its hit spans two values).
    const first = `${RSA_HEADER}\nMIIJKAIBAAKCAgEA`;
    const line = content(first, [...bigBody.slice(1, 12), RSA_FOOTER].join('\n'));
    for (const text of allPaths(line)) {
      expectNoBodyLine([text], ['MIIJKAIBAAKCAgEA', ...bigBody.slice(1, 12)]);
      // What is left is markers, and the header and footer where no rule took them with the body.
      const items = (JSON.parse(text) as { content: { text: string }[] }).content;
      for (const item of items) for (const l of item.text.split('\n')) expect([RSA_HEADER, RSA_FOOTER, MARK]).toContain(l);
      expect(items[1]!.text.endsWith(`\n${RSA_FOOTER}`)).toBe(true);
    }
  });

  it('leaves a header followed by prose in its value, and the values after it, as they were', () => {
    const line = content(`${RSA_HEADER}\nPaste the key here`, 'QmFzaCBzY3JpcHQgZm9yIHRoZSBkZXBsb3k=');
    for (const text of allPaths(line)) expect(text).toBe(line);
  });
});

describe('a split private key whose header is spelled with JSON escapes', () => {
  const body = bigBody.slice(0, 6).join('\n');
  const plain = JSON.stringify({ content: [RSA_HEADER, body, RSA_FOOTER].map((text) => ({ type: 'text', text })) });
  const expected = plain.replace(JSON.stringify(body).slice(1, -1), MARK);

  it.each([
    ['an escaped space', (s: string) => s.replace('BEGIN RSA PRIVATE KEY', 'BEGIN RSA PRIVATE\\u0020KEY')],
    ['escaped dashes', (s: string) => s.replace('-----BEGIN', '\\u002d\\u002d\\u002d\\u002d\\u002dBEGIN')],
  ])('has its body redacted when the header has %s', (_name, spell) => {
    const line = spell(plain);
    expect(line).not.toBe(plain);
    expect(JSON.parse(line)).toEqual(JSON.parse(plain));
    for (const text of allPaths(line)) {
      expectNoBodyLine([text], bigBody.slice(0, 6));
      expect(text).toBe(spell(expected));
    }
  });
});

describe('a split private key in JSON text that is itself a string value', () => {
  const body = bigBody.slice(0, 8);
  /** A Codex CLI rollout record: the tool call's arguments are JSON text in one string. */
  const codexCall = (lines: string[]) =>
    JSON.stringify({
      timestamp: '2026-01-02T03:04:09.000Z',
      type: 'response_item',
      payload: { type: 'function_call', name: 'apply_patch', arguments: JSON.stringify({ path: 'deploy/key.json', lines }), call_id: 'call_1' },
    });
  /** A Claude Code tool_use whose input holds a JSON file's text, pretty-printed (its line breaks escaped). */
  const claudeWrite = (lines: string[]) =>
    JSON.stringify({
      type: 'assistant',
      message: {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'Write', input: { file_path: 'deploy/key.json', content: JSON.stringify({ key: lines }, null, 2) } },
        ],
      },
    });

  it.each([
    ['a Codex function_call', codexCall, body],
    ['a Codex function_call with a 4096-bit key', codexCall, bigBody],
    ['a Claude Code tool_use input', claudeWrite, body],
  ])('has every body line of the key in %s redacted, the header, footer and structure kept', (_name, make, lines) => {
    const line = make([RSA_HEADER, ...lines, RSA_FOOTER]);
    const expected = make([RSA_HEADER, ...lines.map(() => MARK), RSA_FOOTER]);
    for (const text of allPaths(line)) {
      expectNoBodyLine([text], lines);
      expect(text).toBe(expected);
    }
  });

  it('has the body redacted when the inner JSON is cut short (no footer, not parseable)', () => {
    const full = JSON.stringify({ lines: [RSA_HEADER, ...body, RSA_FOOTER] });
    const cut = full.slice(0, full.indexOf(body[5]!) + 10);
    const line = JSON.stringify({ type: 'response_item', payload: { type: 'function_call', name: 'apply_patch', arguments: cut } });
    for (const text of allPaths(line)) {
      expectNoBodyLine([text], body.slice(0, 5));
      expect(text).not.toContain(body[5]!.slice(0, 10));
      expect(JSON.parse(text).payload.arguments).toContain(RSA_HEADER);
    }
  });

  it('is read for a split key when no rule takes any of it (no footer yet): a header before an escaped quote ends a value', () => {
    // Without the footer no key rule matches, and no generic rule takes these body lines: only the
    // split-key flag keeps the line redactor from storing it as clean.
    const lines = [RSA_HEADER, ...body.slice(0, 4)];
    const pretty = claudeWrite(lines);
    const ec = codexCall(['-----BEGIN EC PRIVATE KEY-----', ...body.slice(0, 2)]);
    for (const line of [pretty, ec]) {
      expect(engine.lineVerdict(line) & 32).toBe(32);
      for (const text of allPaths(line)) {
        expectNoBodyLine([text], body.slice(0, 4));
        expect(text).toContain('PRIVATE KEY-----');
      }
    }
    expect(allPaths(pretty)[1]).toBe(claudeWrite([RSA_HEADER, ...body.slice(0, 4).map(() => MARK)]));
  });

  it('leaves JSON text whose header is followed by ordinary values as it was', () => {
    const line = codexCall([RSA_HEADER, 'Paste the key here', 'Bash', RSA_FOOTER]);
    for (const text of allPaths(line)) expect(text).toBe(line);
    const prose = claudeWrite(['see', RSA_HEADER, 'in docs/keys.md']);
    for (const text of allPaths(prose)) expect(text).toBe(prose);
  });
});
