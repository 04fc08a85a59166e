import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../packages/core/src/errors.js';
import { createSecretEngine, redactionMarker } from '../../../packages/core/src/secrets/index.js';
import { gitleaksRules } from '../../../packages/core/src/secrets/gitleaks-rules.generated.js';
import { ALNUM, pick, rng } from './helpers.js';

const r = rng(4242);
const ghToken = () => 'ghp_' + pick(r, ALNUM, 36);
const base64 = (n: number) => pick(r, ALNUM + '+/', n);
const pemBody = () => Array.from({ length: 6 }, () => base64(64)).join('\n');
const engine = createSecretEngine({ fingerprintKey: 'unit-key' });

describe('fingerprints', () => {
  it('are keyed: same key and secret agree, another key differs, the value appears nowhere', () => {
    const tok = ghToken();
    const a = engine.scan(`x ${tok}`);
    const b = createSecretEngine({ fingerprintKey: 'unit-key' }).scan(`y ${tok}`);
    const c = createSecretEngine({ fingerprintKey: new TextEncoder().encode('other') }).scan(`x ${tok}`);
    expect(a).toHaveLength(1);
    expect(a[0]!.fingerprint).toBe(b[0]!.fingerprint);
    expect(a[0]!.fingerprint).not.toBe(c[0]!.fingerprint);
    expect(a[0]!.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(a)).not.toContain(tok);
    expect(JSON.stringify(a)).not.toContain(tok.slice(4, 20));
  });
});

describe('scan and redact', () => {
  it('turns a value down once for itself, from every key word before it, and still judges the next value', () => {
    // High entropy, digits: a credential for generic-api-key wherever it follows a key word.
    const secret = pick(r, ALNUM, 30) + '7q';
    const text = [
      // No digit: turned down from `access`, then again from `Token`, `Secret` and `Key` (the search
      // resumes one character on after each rejection), without being judged again.
      `const accessTokenSecretKey = 'abcdefghijklmnopqrstuv';`,
      // The value after `credential:` is the next line's name, turned down; from `SECRET` inside that
      // name the search finds another value, which is judged and reported.
      'credential:',
      `  AWS_SECRET_ACCESS_KEY = "${secret}"`,
      // The same value as the first line's, after another name: turned down again.
      `const apiKey = 'abcdefghijklmnopqrstuv';`,
    ].join('\n');
    const found = engine.scan(text);
    expect(found.map((f) => [f.ruleId, f.line, text.slice(f.start, f.end)])).toEqual([['generic-api-key', 3, secret]]);
  });

  it('reports sorted, non-overlapping findings with 1-based lines and 0-based columns', () => {
    const t1 = ghToken();
    const t2 = ghToken();
    const text = `first\n  token ${t1}\n${t2}`;
    const f = engine.scan(text);
    expect(f.map((x) => [x.line, x.column])).toEqual([
      [2, 8],
      [3, 0],
    ]);
    expect(text.slice(f[0]!.start, f[0]!.end)).toBe(t1);
    const red = engine.redact(text);
    expect(red.text).toBe(`first\n  token ${redactionMarker('github-pat')}\n${redactionMarker('github-pat')}`);
  });

  it('redacts explicit values (ignoring short ones) and JSON-escaped spellings of them', () => {
    const e = createSecretEngine({ fingerprintKey: 'k', values: ['hunter2-xyz', 'ab', 'quote"d value'] });
    expect(e.redact('pw hunter2-xyz and ab').text).toBe('pw [REDACTED:explicit-value] and ab');
    expect(e.redactJson(JSON.stringify({ v: 'say quote"d value' })).text).toBe('{"v":"say [REDACTED:explicit-value]"}');
  });

  it('rejects an invalid custom pattern with E_INPUT naming its index, not its text', () => {
    const secretish = 'abc(def' + 'SECRETPATTERN';
    try {
      createSecretEngine({ fingerprintKey: 'k', patterns: ['ok-[0-9]+', secretish] });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe('E_INPUT');
      expect((err as Error).message).toContain('#2');
      expect((err as Error).message).not.toContain('SECRETPATTERN');
    }
    const e = createSecretEngine({ fingerprintKey: 'k', patterns: ['INTERNAL-[0-9]{6}'] });
    expect(e.scan('id INTERNAL-123456').map((f) => f.ruleId)).toEqual(['custom-pattern-1']);
  });

  it('honours disabledRules', () => {
    const e = createSecretEngine({ fingerprintKey: 'k', disabledRules: ['github-pat'] });
    expect(e.scan(ghToken())).toEqual([]);
  });

  it('finds PEM blocks with real newlines, JSON \\n escapes, and truncated ones; not placeholders', () => {
    const block = `-----BEGIN RSA PRIVATE KEY-----\n${pemBody()}\n-----END RSA PRIVATE KEY-----`;
    const f = engine.scan(`key:\n${block}\nafter`);
    // gitleaks' own private-key rule finds the same span; either id may win the tie.
    expect(f.some((x) => /^private-key/.test(x.ruleId) && x.end - x.start === block.length)).toBe(true);
    const escaped = JSON.stringify({ private_key: block });
    const raw = engine.scan(escaped); // raw JSON text, newlines are two-character escapes
    expect(raw.some((x) => escaped.slice(x.start, x.end).includes('-----END RSA PRIVATE KEY-----'))).toBe(true);
    const red = engine.redactJson(escaped);
    expect(JSON.parse(red.text).private_key).toMatch(/^\[REDACTED:private-key(?:-block)?\]$/);
    const truncated = `-----BEGIN OPENSSH PRIVATE KEY-----\n${pemBody()}`;
    const t = engine.redact(`${truncated}\n\nThe output was cut here.`);
    expect(t.text).toBe('[REDACTED:private-key-block]\n\nThe output was cut here.');
    for (const body of ['xxx', '***', '...', base64(36)]) expect(engine.scan(`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`)).toEqual([]);
  });

  it('redacts URL passwords but not placeholders', () => {
    const pw = pick(r, ALNUM, 14);
    const red = engine.redact(`postgres://app:${pw}@db.internal:5432/x`);
    expect(red.text).toBe('postgres://app:[REDACTED:url-credentials]@db.internal:5432/x');
    for (const p of ['password', 'pass', '${DB_PASS}', '{{pass}}', '****', 'YOUR_PASSWORD', '$(PGPASSWORD)'])
      expect(engine.scan(`https://user:${p}@example.com/`), p).toEqual([]);
  });

  it('does not flag its own markers or other sanitisers’ placeholders', () => {
    const markers = [...gitleaksRules.map((g) => redactionMarker(g.id)), redactionMarker('private-key-block')].join('\n');
    expect(engine.scan(`api_key = ${markers}`)).toEqual([]);
    expect(engine.scan('token = [REDACTED_TEXT len=12 sha=ab12]\nsecret: REDACTED_SIGNATURE\napi_key=REDACTED_SIGNATURE9')).toEqual([]);
  });

  it('leaves model reasoning signatures alone', () => {
    const rec = [
      JSON.stringify({ type: 'thinking', thinking: 'Let me check.', signature: pick(r, ALNUM + '+/', 344) + '==' }),
      JSON.stringify({ type: 'reasoning', encrypted_content: 'gAAAAA' + pick(r, ALNUM + '-_', 600) }),
      JSON.stringify({ thoughtSignature: pick(r, ALNUM + '+/', 200) }),
    ];
    for (const line of rec) expect(engine.redactJson(line).text, line.slice(0, 40)).toBe(line);
  });

  // A hang guard, not a speed test (speed is pnpm bench's): backtracking over 1 MB would run for
  // hours, far past the test timeout, while a linear scan takes well under a second even on a busy machine.
  // Finishing is not enough: a guard that stopped reading a long text early (or gave it back untouched)
  // would finish too. So each input carries a token past its adversarial megabyte (before it, where a
  // PEM block runs to the end), and every way of reading must return exactly the input with that token,
  // and only it, redacted.
  it('finishes pathological 1 MB inputs instead of backtracking without end, and redacts the token beside them', { timeout: 60_000 }, () => {
    const tok = ghToken();
    const pat = redactionMarker('github-pat');
    const pem = redactionMarker('private-key-block');
    // `see`: right after `key=`, the token alone would be the generic rule's value (and redacted under its id).
    const after = (hostile: string) => ({ text: `${hostile}\nsee ${tok}`, expected: `${hostile}\nsee ${pat}`, rules: ['github-pat'] });
    const cases = [
      after('a'.repeat(1 << 20)),
      after('key='.repeat(1 << 18)),
      // Far too long for a key: generic-api-key rejects it, and only the token is a secret.
      after(`api_key = ${pick(r, ALNUM, 1 << 20)}`),
      // A block without its END line runs to the end of the text: all of it is the secret.
      { text: `${tok}\n-----BEGIN PRIVATE KEY-----\n${'A'.repeat(1 << 20)}`, expected: `${pat}\n${pem}`, rules: ['github-pat', 'private-key-block'] },
      after(('curl -X POST ' + 'x'.repeat(1000) + '\n').repeat(1000)),
      after('"'.repeat(1 << 20)),
      (() => {
        const body = '\\\\'.repeat(1 << 19);
        return { text: `{"text":"${body} ${tok}"}`, expected: `{"text":"${body} ${pat}"}`, rules: ['github-pat'] };
      })(),
    ];
    for (const { text, expected, rules } of cases) {
      const label = text.slice(0, 20);
      const found = engine.scan(text);
      expect(found.map((f) => f.ruleId).sort(), label).toEqual(rules);
      const token = found.find((f) => f.ruleId === 'github-pat')!;
      expect(text.slice(token.start, token.end), label).toBe(tok);
      expect(engine.redact(text).text, label).toBe(expected);
      expect(engine.redactJson(text).text, label).toBe(expected);
    }
  });
});

describe('redactJson', () => {
  it('leaves a JSONL line without secrets byte-for-byte unchanged', () => {
    const line =
      '{"type":"assistant","message":{"content":[{"type":"text","text":"Run \\"pnpm test\\" \\u00e9 — the api key docs are in README.md"}]},"n":1.50}';
    expect(engine.redactJson(line)).toEqual({ text: line, findings: [] });
  });

  it('redacts inside decoded strings, keeps every other byte, and reports raw offsets', () => {
    const tok = ghToken();
    const line = `{"a": 1,  "out":"line1\\nexport GH=${tok}\\n", "z":[true]}`;
    const res = engine.redactJson(line);
    expect(res.text).toBe('{"a": 1,  "out":"line1\\nexport GH=[REDACTED:github-pat]\\n", "z":[true]}');
    expect(line.slice(res.findings[0]!.start, res.findings[0]!.end)).toBe(tok);
  });

  it('uses the "key": "value" context and catches secrets outside string literals', () => {
    const pw = pick(r, ALNUM, 10) + '7' + pick(r, ALNUM, 9);
    expect(engine.redactJson(`{"db_password": "${pw}"}`).text).toBe('{"db_password": "[REDACTED:generic-api-key]"}');
    const tok = ghToken();
    expect(engine.redactJson(`{"a": ${tok}}`).text).toBe('{"a": [REDACTED:github-pat]}');
  });

  it('finds a secret split across two adjacent string literals in one document', () => {
    const tok = ghToken();
    const doc = JSON.stringify([{ text: 'here ' + tok.slice(0, 12) }, { text: tok.slice(12) + ' done' }]);
    const res = engine.redactJson(doc);
    expect(res.text).not.toContain(tok.slice(0, 12));
    expect(res.text).not.toContain(tok.slice(12));
    expect(res.findings).toHaveLength(2);
  });
});

describe('line redactors', () => {
  it('json: a token split across two streamed records is redacted in both lines', () => {
    const tok = ghToken();
    const ev = (t: string) => JSON.stringify({ type: 'stream_event', event: { delta: { type: 'text_delta', text: t } }, session_id: 's1' });
    const lines = [ev('Hello'), ev('the token is ' + tok.slice(0, 20)), ev(tok.slice(20) + ', keep it safe'), ev('bye')];
    const red = engine.createLineRedactor('json');
    const out = [...lines.flatMap((l) => red.push(l)), ...red.flush()];
    expect(out.map((o) => o.text)).toEqual([lines[0], ev('the token is [REDACTED:github-pat]'), ev('[REDACTED:github-pat], keep it safe'), lines[3]]);
    expect(out.map((o) => o.findings.map((f) => f.line))).toEqual([[], [2], [3], []]);
  });

  it('text: PEM blocks spanning many lines are redacted line by line', () => {
    const body = pemBody().split('\n');
    const lines = ['Here is the key:', '-----BEGIN EC PRIVATE KEY-----', ...body, '-----END EC PRIVATE KEY-----', 'Done.'];
    const red = engine.createLineRedactor('text');
    const out = [...lines.flatMap((l) => red.push(l)), ...red.flush()].map((o) => o.text);
    expect(out[0]).toBe('Here is the key:');
    expect(out.at(-1)).toBe('Done.');
    for (const l of out.slice(1, -1)) expect(l).toBe('[REDACTED:private-key-block]');
  });

  it('text: a real line break ends a token, so halves on two lines are not joined into one', () => {
    const tok = ghToken();
    const red = engine.createLineRedactor('text');
    const out = [...red.push('a ' + tok.slice(0, 10)), ...red.push(tok.slice(10) + ' b'), ...red.flush()].map((o) => o.text);
    expect(out).toEqual(['a ' + tok.slice(0, 10), tok.slice(10) + ' b']);
  });
});
