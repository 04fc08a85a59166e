import { describe, expect, it } from 'vitest';
import { createChunkRedactor, type ChunkResult } from '../../../packages/core/src/capture/chunks.js';
import { createSecretEngine } from '../../../packages/core/src/secrets/index.js';
import { ALNUM, DIGITS, pick, rng } from './helpers.js';

const r = rng(5150);
/** A key generic-api-key accepts (entropy, a digit) only after a credential-named key. */
const apiKey = () => pick(r, ALNUM, 30) + pick(r, DIGITS, 2);
/** Places no rule reads as a credential's context. */
const plainContexts = (v: string) => [`see ${v} above`, `echo ${v} | base64`, `/srv/${v}/data`, `Authorization: Bearer ${v}`, v];
const engine = createSecretEngine({ fingerprintKey: 'k' });

function store(lines: string[], kind: 'json' | 'text' = 'json'): { text: string; found: ChunkResult['found'] } {
  const redactor = createChunkRedactor({ engine: { fingerprintKey: 'k' }, kind, redact: true });
  const results = [redactor.push(Buffer.from(lines.join('\n') + '\n')), redactor.finish()];
  return { text: results.map((x) => Buffer.from(x.bytes).toString('utf8')).join(''), found: results.flatMap((x) => x.found) };
}

const record = (text: string) => JSON.stringify({ type: 'user', message: { role: 'user', content: text } });

describe('a value found secret is redacted wherever it occurs after (issue 6 §1)', () => {
  it('redacts five later occurrences that no rule matches, in JSON lines', () => {
    const key = apiKey();
    const contexts = plainContexts(key);
    // The premise: on their own, no rule finds the key in these places.
    for (const c of contexts) expect(engine.redactJson(record(c)).findings, c).toEqual([]);
    const { text, found } = store([record(`export API_KEY="${key}"`), ...contexts.map(record), record('unrelated')]);
    expect(text).not.toContain(key);
    expect(found.map((f) => f.line)).toEqual([1, 2, 3, 4, 5, 6]);
    // Every occurrence carries the rule that found the value and the same fingerprint.
    expect(new Set(found.map((f) => `${f.ruleId} ${f.fingerprint}`)).size).toBe(1);
    for (const c of contexts) expect(text).toContain(JSON.stringify(c.replace(key, '[REDACTED:generic-api-key]')));
  });

  it('redacts an occurrence earlier in the same line and in held stream records', () => {
    const key = apiKey();
    const same = JSON.stringify({ a: `see ${key}`, b: `api_key="${key}"` });
    expect(store([same]).text).not.toContain(key);
    const delta = (t: string) => JSON.stringify({ type: 'content_block_delta', delta: { type: 'text_delta', text: t } });
    const { text } = store([delta(`first ${key} `), delta('then '), delta(`api_key="${key}"`), record('after')]);
    expect(text).not.toContain(key);
  });

  it('redacts later occurrences in text transcripts (Aider)', () => {
    const key = apiKey();
    const { text, found } = store([`> export API_KEY="${key}"`, '', ...plainContexts(key).map((c) => `#### ${c}`)], 'text');
    expect(text).not.toContain(key);
    expect(found).toHaveLength(6);
  });

  it('redacts every occurrence in a single JSON document, before and after the match', () => {
    const key = apiKey();
    const doc = JSON.stringify({ messages: [{ text: `see ${key}` }, { text: `api_key="${key}"` }, { text: `/srv/${key}/data` }] });
    const out = engine.redactJson(doc);
    expect(out.text).not.toContain(key);
    expect(out.findings).toHaveLength(3);
  });

  it('finds many learned values at once (the automaton path), each where it occurs', () => {
    const keys = Array.from({ length: 40 }, apiKey);
    const lines = [...keys.map((k, i) => record(`export API_KEY_${i}="${k}"`)), ...keys.map((k, i) => record(`${i}: see ${k}, ${k.toLowerCase()}`))];
    const { text, found } = store(lines);
    for (const k of keys) expect(text).not.toContain(k);
    // Exact values only: the automaton folds case, the search after it does not.
    for (const k of keys) expect(text).toContain(k.toLowerCase());
    expect(found).toHaveLength(80);
  });

  it('finds every earlier value while new ones keep arriving (values waiting, the small and the large automaton)', () => {
    // A credential every other record, each line after it naming one learned before: every size of
    // the waiting list and of both automata is crossed, and every value must be found in each.
    // Only keys a rule finds on their own line: generic-api-key drops a random key that holds one of
    // gitleaks' stopwords (`str`, `null`…), and such a key is never learned.
    const keys: string[] = [];
    while (keys.length < 300) {
      const k = apiKey();
      if (store([record(`export API_KEY_0="${k}"`)]).found.length === 1) keys.push(k);
    }
    const lines = keys.flatMap((k, i) => [record(`export API_KEY_${i}="${k}"`), record(`${i}: see ${keys[(i * 7919) % (i + 1)]!} and ${keys[i >> 1]!}`)]);
    const { text } = store(lines);
    for (const k of keys) expect(text).not.toContain(k);
  });

  it('keeps what it learned to its own stream, and learns neither short values nor mask values', () => {
    const key = apiKey();
    store([record(`export API_KEY="${key}"`)]);
    expect(store([record(`see ${key}`)]).text).toContain(key);
    // A value a rule found that is short or holds spaces is not searched for everywhere.
    const e = createSecretEngine({ fingerprintKey: 'k', patterns: ['pin=([0-9]{6})', 'phrase="([a-z ]+)"'] });
    const red = e.createLineRedactor('json');
    const lines = [record('pin=123456 phrase="open the door"'), record('123456 open the door')];
    const out = [...lines.flatMap((l) => red.push(l)), ...red.flush()];
    expect(out[1]!.text).toBe(lines[1]);
  });
});

describe('the learned-value filter reads one aligned word in four (issue 6 §4)', () => {
  it('finds a value at every offset, in bytes at every alignment, whatever the length of its anchor', async () => {
    const { LearnedValues } = await import('../../../packages/core/src/secrets/learned-values.js');
    // Anchors of 8, 7 and 5 letters and digits (the last is searched one by one).
    const values = [pick(r, ALNUM, 20), `${pick(r, ALNUM, 7)}-${pick(r, ALNUM, 3)}-x`, `${pick(r, ALNUM, 5)}-${pick(r, ALNUM, 3)}.y`];
    const learned = LearnedValues.of(values.map((text) => ({ ruleId: 'r', text })));
    for (const value of values)
      for (let align = 0; align < 4; align++)
        for (let at = 0; at < 9; at++) {
          const text = `${'.'.repeat(at)}${value}${'.'.repeat(at % 3)}`;
          const backing = Buffer.alloc(text.length + align + 8);
          backing.write(text, align, 'latin1');
          const bytes = backing.subarray(align, align + text.length);
          expect(learned.mayHoldBytes(bytes), `${value} at ${at}, alignment ${align}`).toBe(true);
          expect(learned.hits(text).map((h) => [h.start, h.end])).toEqual([[at, at + value.length]]);
          // A near miss (one character changed) is not a hit.
          const miss = text.slice(0, at) + (value[0] === 'Z' ? 'Y' : 'Z') + text.slice(at + 1);
          expect(learned.hits(miss)).toEqual([]);
        }
    // Without a short anchor to search one by one, a line holding no anchor's gram is passed over.
    const filteredOnly = LearnedValues.of(values.slice(0, 2).map((text) => ({ ruleId: 'r', text })));
    expect(filteredOnly.mayHoldBytes(Buffer.from('nothing learned lives in this line at all', 'latin1'))).toBe(false);
    expect(filteredOnly.mayHoldBytes(Buffer.from(`a line with ${values[1]} in it`, 'latin1'))).toBe(true);
  });
});
