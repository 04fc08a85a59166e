/**
 * Redaction on content as it appears in real transcripts (issue 6, §3 and §5 item 8): credentials the
 * engine missed in the forms agents actually print, and identifiers it took for credentials.
 */
import { describe, expect, it } from 'vitest';
import { createSecretEngine, type Redaction } from '../../../packages/core/src/secrets/index.js';
import { ALNUM, DIGITS, HEX, LOWER, pick, rng, UPPER } from './helpers.js';

const r = rng(20261201);
const engine = createSecretEngine({ fingerprintKey: 'real-content' });
const byteEngine = createSecretEngine({ fingerprintKey: 'real-content', byteText: true });
const B64 = ALNUM + '+/';
const B64URL = ALNUM + '_-';

/** A typed password: letters, digits, a symbol; too short for generic-api-key's entropy floor. */
const password = () => `${pick(r, LOWER, 4)}${pick(r, DIGITS, 2)}${pick(r, UPPER, 2)}!${pick(r, LOWER, 1)}`;

/** Every line a JSONL line redactor returns for `lines`, joined back. */
function redactLines(lines: string[], kind: 'json' | 'text' = 'json', e = engine): Redaction {
  const redactor = e.createLineRedactor(kind);
  const out = [...lines.flatMap((l) => redactor.push(l)), ...redactor.flush()];
  return { text: out.map((x) => x.text).join('\n'), findings: out.flatMap((x) => x.findings) };
}

/** The text after redaction in every way the engine is used on a transcript. */
function everyRedaction(text: string): string[] {
  const json = JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', content: text }] } });
  return [engine.redact(text).text, engine.redactJson(json).text, redactLines([json]).text, redactLines(text.split('\n'), 'text').text];
}

describe('credentials in the forms real transcripts hold', () => {
  it('redacts a database URL password, percent-encoded or not, for every common scheme', () => {
    for (const scheme of ['postgresql', 'postgres', 'mysql', 'mongodb', 'mongodb+srv', 'redis', 'rediss', 'amqp', 'amqps']) {
      const pw = `p%23${password()}`;
      for (const user of ['app_user', '']) {
        const url = `${scheme}://${user}:${pw}@db.internal.example:5432/app`;
        for (const out of everyRedaction(`export DATABASE_URL="${url}"\npsql "$DATABASE_URL"`)) expect(out, url).not.toContain(pw);
      }
    }
  });

  it("keeps templates and the images' default accounts, which are nothing to rotate", () => {
    for (const url of [
      'postgresql://user:%(password)s@host/db',
      'postgres://postgres:postgres@localhost:5432/test',
      'mysql://root:root@127.0.0.1:3306/test',
      'amqp://guest:guest@localhost:5672/',
      'mongodb://admin:admin@localhost:27017',
      'postgres://app:%PGPASS%@host/db',
    ])
      expect(engine.scan(url), url).toEqual([]);
  });

  it('redacts PGPASSWORD and MYSQL_PWD values however the environment is written', () => {
    for (const name of ['PGPASSWORD', 'MYSQL_PWD', 'POSTGRES_PASSWORD']) {
      const pw = password();
      for (const text of [
        `${name}=${pw} psql -h db.internal -U app -c 'select 1'`,
        `export ${name}='${pw}'`,
        `env:\n  ${name}: ${pw}\n`,
        `os.environ["${name}"] = "${pw}"`,
        `docker run -e ${name}=${pw} postgres:16`,
      ])
        for (const out of everyRedaction(text)) expect(out, text).not.toContain(pw);
    }
    for (const text of ['PGPASSWORD=$PGPASS psql', 'PGPASSWORD: ${{ secrets.PG_PASSWORD }}', 'MYSQL_PWD="${MYSQL_PWD:-}"', 'POSTGRES_PASSWORD: postgres'])
      expect(engine.scan(text), text).toEqual([]);
  });

  describe('an OpenSSH private key', () => {
    const body = ['b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', ...Array.from({ length: 6 }, () => pick(r, B64, 70))];
    const lines = ['-----BEGIN OPENSSH PRIVATE KEY-----', ...body, '-----END OPENSSH PRIVATE KEY-----'];
    /** Claude Code's Read tool output: `     N→line`. */
    const gutter = (ls: string[], sep = '\u2192') => ls.map((l, i) => `${String(i + 1).padStart(6)}${sep}${l}`).join('\n');
    const leaks = (out: string) => [out.includes('BEGIN OPENSSH'), ...body.map((b) => out.includes(b.slice(8, 40)))].filter(Boolean).length;
    const record = (content: string) => JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', content }] } });

    it('is redacted header and body, whole or cut off, plain or JSON-escaped', () => {
      for (const text of [lines.join('\n'), lines.slice(0, 5).join('\n'), lines.slice(0, 5).join('\r\n')]) {
        expect(leaks(engine.redact(text).text)).toBe(0);
        expect(leaks(engine.redactJson(record(`$ cat ~/.ssh/id_ed25519\n${text}\n`)).text)).toBe(0);
        expect(leaks(redactLines([record(text)]).text)).toBe(0);
      }
    });

    it('is redacted when a tool shows it with line numbers and a read limit cuts the footer off', () => {
      for (const shown of [gutter(lines.slice(0, 5)), gutter(lines.slice(0, 5), '\t'), gutter(lines.slice(0, 5), ': '), gutter(lines)]) {
        expect(leaks(engine.redact(shown).text), shown.slice(0, 12)).toBe(0);
        expect(leaks(engine.redactJson(record(shown)).text), shown.slice(0, 12)).toBe(0);
        expect(leaks(redactLines([record(shown)]).text), shown.slice(0, 12)).toBe(0);
      }
      // Python's json.dumps writes the arrow as an escape; capture reads stored lines as one character per byte.
      const escaped = record(gutter(lines.slice(0, 5))).replace(/\u2192/g, '\\u2192');
      expect(leaks(redactLines([escaped]).text)).toBe(0);
      const asBytes = Buffer.from(record(gutter(lines.slice(0, 5))), 'utf8').toString('latin1');
      expect(leaks(redactLines([asBytes], 'json', byteEngine).text)).toBe(0);
    });
  });

  it('redacts SendGrid keys whatever follows them', () => {
    for (let i = 0; i < 10; i++) {
      const key = `SG.${pick(r, B64URL, 22)}.${pick(r, B64URL, 43)}`;
      for (const text of [`sgMail.setApiKey(${key})`, `keys: [${key}, other]`, `SENDGRID=${key}&debug=1`, `token_${key}`])
        for (const out of everyRedaction(text)) expect(out, text).not.toContain(key);
    }
  });

  it("redacts a Stripe key in Stripe's documented `curl -u sk_live_…:` form, and keys longer than 99 characters", () => {
    for (const body of [pick(r, ALNUM, 24), `51${pick(r, ALNUM, 105)}`]) {
      const key = `sk_live_${body}`;
      const command = `curl https://api.stripe.com/v1/charges -u ${key}: -d amount=2000 -d currency=usd`;
      for (const out of everyRedaction(command)) expect(out).not.toContain(body);
      const toolUse = JSON.stringify({ type: 'assistant', message: { content: [{ type: 'tool_use', name: 'Bash', input: { command } }] } });
      const res = redactLines([toolUse]);
      expect(res.text).not.toContain(body);
      expect(res.findings.map((f) => f.ruleId)).toEqual(['agent-gates-stripe-key']);
    }
  });
});

describe('generic-api-key on identifiers that are hashes', () => {
  const sha1 = () => pick(r, HEX, 40);
  const sha256 = () => pick(r, HEX, 64);
  const uuid = () => [8, 4, 4, 4, 12].map((n) => pick(r, HEX, n)).join('-');
  const figmaFileKey = () => pick(r, ALNUM, 22);

  it('reports nothing in design-tool data: `key`, `file_key`, `cache_key`, `componentKey` holding hashes', () => {
    const data = {
      document: { id: '0:1', name: 'Page 1' },
      components: {
        '12:34': { key: sha1(), name: 'Button/Primary', componentSetId: '12:30', remote: false },
        '12:35': { key: sha1(), name: 'Icon/Arrow', documentationLinks: [] },
      },
      componentSets: { '12:30': { key: sha1(), name: 'Button' } },
      styles: { '1:2': { key: sha1(), name: 'Brand/Blue', styleType: 'FILL' } },
      file_key: figmaFileKey(),
      fileKey: figmaFileKey(),
      cache_key: sha256(),
      cache_key_v2: sha256(),
      componentKey: sha1(),
      style_key: sha1(),
      node_key: uuid(),
      KEY: sha1().toUpperCase(),
    };
    const pretty = JSON.stringify(data, null, 2);
    // A Gemini CLI functionResponse holds the tool's output as a JSON string inside the record.
    const gemini = JSON.stringify({ functionResponse: { name: 'get_figma_data', response: { output: pretty } } });
    expect(engine.scan(pretty)).toEqual([]);
    expect(engine.redactJson(gemini)).toEqual({ text: gemini, findings: [] });
    expect(redactLines([gemini]).findings).toEqual([]);
    expect(engine.scan(`key: ${sha1()}\nfile_key: ${figmaFileKey()}\n`)).toEqual([]);
  });

  it('still reports credential names, unknown qualifiers, assignments and values that are not hashes', () => {
    const cases: [string, string][] = [];
    for (const name of ['api_key', 'secret_key', 'private_key', 'encryption_key', 'signing_key', 'datadog_key', 'hmac_key', 'access_key'])
      cases.push([`{"${name}": "${'VALUE'}"}`, sha1()]);
    cases.push(['{"key": "VALUE"}', pick(r, ALNUM, 32)]); // not hex: an opaque token under `key`
    cases.push(['{"key": "VALUE"}', `sk-${pick(r, ALNUM, 48)}`]);
    cases.push(['key = "VALUE"', pick(r, HEX, 32)]); // an assignment: how a symmetric key is written in code
    cases.push(['{"cache_key": "VALUE"}', `${pick(r, ALNUM, 20)}+${pick(r, ALNUM, 20)}=`]);
    for (const [template, value] of cases) {
      const text = template.replace('VALUE', value);
      expect(engine.redactJson(text).text, text).not.toContain(value);
      expect(engine.redact(text).text, text).not.toContain(value);
    }
  });
});
