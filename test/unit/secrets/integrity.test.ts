import { isUtf8 } from 'node:buffer';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createChunkRedactor, type ChunkResult } from '../../../packages/core/src/capture/chunks.js';
import { createSecretEngine } from '../../../packages/core/src/secrets/index.js';
import { ALNUM, conformanceRoot, pick, rng } from './helpers.js';

/** The stored bytes of `input` as the capture path makes them (chunk redactor, redact on). */
function store(input: Buffer, kind: 'json' | 'text' = 'json', cuts: number[] = [], values: string[] = []): { bytes: Buffer; found: ChunkResult['found'] } {
  const redactor = createChunkRedactor({ engine: { fingerprintKey: 'integrity', values }, kind, redact: true });
  const results: ChunkResult[] = [];
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    results.push(redactor.push(Uint8Array.from(input.subarray(at, cut))));
    at = cut;
  }
  results.push(redactor.finish());
  return { bytes: Buffer.concat(results.map((r) => Buffer.from(r.bytes))), found: results.flatMap((r) => r.found) };
}

describe('a rewritten line keeps every byte outside the redaction (issue 6 §1)', () => {
  it("keeps \\u escapes of non-ASCII characters verbatim: the issue's reproduction", () => {
    const token = 'ghp_' + pick(rng(6), ALNUM, 36);
    // The assistant text of a Claude Code session record, as Python's json.dumps would escape it.
    const text = 'it\\u2019s \\uf192 caf\\u00e9 token ' + token;
    const line =
      '{"type":"assistant","sessionId":"s1","uuid":"u1","message":{"role":"assistant","model":"claude-sonnet-4-5",' +
      `"content":[{"type":"text","text":"${text}"}]}}`;
    const { bytes, found } = store(Buffer.from(`${line}\n`, 'utf8'));
    expect(found.map((f) => f.ruleId)).toEqual(['github-pat']);
    const stored = bytes.toString('latin1');
    expect(stored).toBe(`${line.replace(token, '[REDACTED:github-pat]')}\n`);
    expect(isUtf8(bytes)).toBe(true);
    expect(JSON.parse(stored).message.content[0].text).toBe('it\u2019s \uf192 caf\u00e9 token [REDACTED:github-pat]');
  });

  it('keeps the document path (single-JSON formats) as verbatim as the line path', () => {
    const token = 'ghp_' + pick(rng(7), ALNUM, 36);
    const doc = `{"messages":[{"text":"caf\\u00e9 \\ud83d\\ude00 \\/ \\u0041 ${token} \\u00e9"}]}`;
    const out = createSecretEngine({ fingerprintKey: 'k', byteText: true }).redactJson(doc);
    expect(out.text).toBe(doc.replace(token, '[REDACTED:github-pat]'));
  });
});

describe('spans that would cut a character or the JSON structure', () => {
  const storeWith = (line: string, engine: { patterns?: string[]; values?: string[] }) => {
    const redactor = createChunkRedactor({ engine: { fingerprintKey: 'k', ...engine }, kind: 'json', redact: true });
    const input = Buffer.from(`${line}\n`, 'utf8');
    const out = [redactor.push(Uint8Array.from(input)), redactor.finish()];
    return Buffer.concat(out.map((r) => Buffer.from(r.bytes)));
  };

  it('widens a match that ends inside a multi-byte character to the whole character', () => {
    // `.{5}` over bytes takes the first byte of the two-byte `é`.
    const bytes = storeWith('{"a":"tok=abcdé rest"}', { patterns: ['tok=.{5}'] });
    expect(isUtf8(bytes)).toBe(true);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ a: '[REDACTED:custom-pattern-1] rest' });
  });

  it('keeps the keys, quotes, commas and values a pattern runs on into after a string', () => {
    // Over the raw line the pattern runs on past the string into later members; those are the line's
    // structure, not the secret (see json-structure.test.ts). The string itself is redacted.
    const bytes = storeWith('{"cmd":"password=abc123","n":1,"ok":true}', { patterns: ['password=.*'] });
    const marker = '[REDACTED:custom-pattern-1]';
    expect(bytes.toString('utf8')).toBe(`{"cmd":"${marker}","n":1,"ok":true}\n`);
  });

  it('replaces a mask value that is a bare JSON number with a string, keeping the line JSON', () => {
    const pin = String(40000000 + Math.floor(rng(3)() * 9999999));
    const bytes = storeWith(`{"pin":${pin},"next":[${pin}, 2]}`, { values: [pin] });
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ pin: '[REDACTED:explicit-value]', next: ['[REDACTED:explicit-value]', 2] });
  });
});

// ---------------------------------------------------------------------------------------------
// The invariant as a property over every conformance transcript, whatever its reader.

const transcriptsDir = path.join(conformanceRoot, 'transcripts');
const present = existsSync(transcriptsDir);
if (!present && process.env.CI) throw new Error(`conformance transcripts missing at ${transcriptsDir}: the integrity property cannot run`);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const MARKER = /"?\[REDACTED:[A-Za-z0-9_.-]+\]"?/g;

/**
 * True when `stored` is `source` with some ranges replaced by markers and nothing else: the text
 * between markers appears in the source in order, the first piece at its start, the last at its end.
 */
function differsOnlyInMarkers(source: string, stored: string): boolean {
  const pieces = stored.split(MARKER);
  if (pieces.length === 1) return source === stored;
  if (!source.startsWith(pieces[0]!)) return false;
  let at = pieces[0]!.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    // Each marker replaces at least one character.
    const found = source.indexOf(pieces[i]!, at + 1);
    if (found < 0) return false;
    at = found + pieces[i]!.length;
  }
  const last = pieces[pieces.length - 1]!;
  return source.endsWith(last) && source.length - last.length > at;
}

const redacted = (s: string) => s.includes('[REDACTED:');

/** Same keys, types and values, except strings (values or keys) that now hold a marker. */
function sameShape(a: unknown, b: unknown, where = '$'): string | null {
  if (typeof a === 'string') return typeof b === 'string' && (a === b || redacted(b)) ? null : `${where}: string changed`;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return `${where}: array changed`;
    for (let i = 0; i < a.length; i++) {
      const d = sameShape(a[i], b[i], `${where}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a !== null && typeof a === 'object') {
    if (b === null || typeof b !== 'object' || Array.isArray(b)) return `${where}: object changed`;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return `${where}: keys changed`;
    for (let i = 0; i < ka.length; i++) {
      if (ka[i] !== kb[i] && !redacted(kb[i]!)) return `${where}: key ${i} changed`;
      const d = sameShape((a as Record<string, unknown>)[ka[i]!], (b as Record<string, unknown>)[kb[i]!], `${where}.${ka[i]}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${where}: ${String(a)} changed`;
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Every check of the invariant on one source/stored pair (a line, or a whole document). */
function checkPair(source: string, stored: string, label: string): void {
  expect(differsOnlyInMarkers(source, stored), `${label}: bytes outside the redactions changed`).toBe(true);
  if (isUtf8(Buffer.from(source, 'latin1'))) expect(isUtf8(Buffer.from(stored, 'latin1')), `${label}: no longer UTF-8`).toBe(true);
  const utf8 = (s: string) => Buffer.from(s, 'latin1').toString('utf8');
  const before = parse(utf8(source));
  if (before.ok) {
    const after = parse(utf8(stored));
    expect(after.ok, `${label}: no longer JSON`).toBe(true);
    if (after.ok) expect(sameShape(before.value, after.value), label).toBeNull();
  }
}

const ESCAPE = /(?<!\\)(?:\\\\)*(\\u[0-9a-fA-F]{4})/g;
const SURROGATE_PAIR = /(?<!\\)(?:\\\\)*(\\ud[89ab][0-9a-f]{2}\\ud[c-f][0-9a-f]{2})/gi;
/** A raw UTF-8 character of two to four bytes, in byte text. */
const MULTIBYTE = /[\xc2-\xf4][\x80-\xbf]{1,3}/g;
/** A JSON string literal in raw text. */
const LITERAL = /"(?:[^"\\]|\\.)*"/g;

/** Offsets of every match's group 1 (or whole match): where a plant goes right before or after. */
function edges(text: string, re: RegExp): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(re)) {
    const g = m[1] ?? m[0];
    const start = m.index + m[0].length - g.length;
    out.push(start, start + g.length);
  }
  return out;
}

/** Offsets inside string literals, between characters (never inside an escape or a UTF-8 sequence). */
function insideStrings(text: string, rnd: () => number, n: number): number[] {
  const literals = [...text.matchAll(LITERAL)].filter((m) => m[0].length > 2);
  const out: number[] = [];
  for (let k = 0; k < n && literals.length; k++) {
    const m = literals[Math.floor(rnd() * literals.length)]!;
    const inner = m[0];
    const cuts: number[] = [];
    for (let i = 1; i < inner.length;) {
      cuts.push(i);
      if (inner[i] === '\\') i += inner[i + 1] === 'u' ? 6 : 2;
      else if (inner.charCodeAt(i) >= 0xc0) {
        i++;
        while (i < inner.length && inner.charCodeAt(i) >= 0x80 && inner.charCodeAt(i) < 0xc0) i++;
      } else i++;
    }
    out.push(m.index + cuts[Math.floor(rnd() * cuts.length)]!);
  }
  return out;
}

const asBytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

interface Planted {
  text: string;
  /** Strings that must not appear in what is stored. */
  forbidden: string[];
}

/**
 * Plants fake secrets into `text` (byte text): GitHub tokens and a mask value with non-ASCII letters,
 * right before and after `\u` escapes, surrogate pairs and raw multi-byte characters (written there
 * when the file has none), inside string literals, and at any byte.
 */
function plant(text: string, rnd: () => number, maskValue: string): Planted {
  const forbidden: string[] = [];
  const spots: { at: number; insert: string }[] = [];
  const token = () => {
    const t = 'ghp_' + pick(rnd, ALNUM, 36);
    forbidden.push(t, t.slice(4));
    return t;
  };
  const escapes = edges(text, ESCAPE);
  const pairs = edges(text, SURROGATE_PAIR);
  const multibyte = edges(text, MULTIBYTE);
  const strings = insideStrings(text, rnd, 12);
  const any = (list: number[]) => list[Math.floor(rnd() * list.length)]!;
  for (let k = 0; k < 3; k++) {
    if (escapes.length) spots.push({ at: any(escapes), insert: token() });
    else if (strings.length) spots.push({ at: any(strings), insert: rnd() < 0.5 ? `\\u2019${token()}` : `${token()}\\u00e9` });
    if (pairs.length) spots.push({ at: any(pairs), insert: token() });
    else if (strings.length) spots.push({ at: any(strings), insert: rnd() < 0.5 ? `\\ud83d\\ude00${token()}` : `${token()}\\ud83d\\ude00` });
    if (multibyte.length) spots.push({ at: any(multibyte), insert: token() });
    else spots.push({ at: strings.length ? any(strings) : Math.floor(rnd() * text.length), insert: asBytes(rnd() < 0.5 ? `é${token()}` : `${token()}😀`) });
    if (strings.length) spots.push({ at: any(strings), insert: token() });
    spots.push({ at: Math.floor(rnd() * (text.length + 1)), insert: ` ${token()} ` });
  }
  // The mask value raw, escaped as Python's json.dumps writes it, and at any byte.
  const escaped = JSON.stringify(maskValue)
    .slice(1, -1)
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const maskSpots = strings.length ? [any(strings), any(strings)] : [Math.floor(rnd() * text.length)];
  spots.push({ at: maskSpots[0]!, insert: asBytes(maskValue) });
  if (maskSpots[1] !== undefined) spots.push({ at: maskSpots[1], insert: escaped });
  spots.push({ at: Math.floor(rnd() * (text.length + 1)), insert: ` ${asBytes(maskValue)} ` });
  forbidden.push(asBytes(maskValue), escaped, maskValue.slice(7, 19));
  spots.sort((a, b) => b.at - a.at);
  let out = text;
  for (const s of spots) out = out.slice(0, s.at) + s.insert + out.slice(s.at);
  return { text: out, forbidden };
}

(present ? describe : describe.skip)('the integrity property on every conformance transcript', () => {
  const files = present ? filesUnder(transcriptsDir).sort() : [];
  it('finds the transcripts', () => expect(files.length).toBeGreaterThan(40));

  for (const file of files) {
    const rel = path.relative(transcriptsDir, file);
    it(rel, () => {
      const seed = [...rel].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 17);
      const rnd = rng(seed);
      const maskValue = `Zürich-${pick(rnd, ALNUM, 12)}-naïve-✓`;
      const source = readFileSync(file).toString('latin1');
      const planted = plant(source, rnd, maskValue);
      const input = Buffer.from(planted.text, 'latin1');
      const kind = /\.(md|txt)$/.test(rel) ? 'text' : 'json';
      const cuts = Array.from({ length: 6 }, () => Math.floor(rnd() * input.length)).sort((a, b) => a - b);
      const { bytes } = store(input, kind, cuts, [maskValue]);
      const stored = bytes.toString('latin1');
      for (const f of planted.forbidden) expect(stored.includes(f), `${rel} (seed ${seed}): a planted secret is stored: ${f}`).toBe(false);
      const sourceLines = planted.text.split('\n');
      const storedLines = stored.split('\n');
      expect(storedLines.length).toBe(sourceLines.length);
      for (let i = 0; i < sourceLines.length; i++) {
        const a = sourceLines[i]!.replace(/\r$/, '');
        const b = storedLines[i]!.replace(/\r$/, '');
        if (a !== b) checkPair(a, b, `${rel} (seed ${seed}) line ${i + 1}`);
      }
      // Single-JSON formats are redacted as one document, from the decoded text.
      if (rel.endsWith('.json') && isUtf8(input)) {
        const engine = createSecretEngine({ fingerprintKey: 'integrity', values: [maskValue], byteText: true });
        const text = input.toString('utf8');
        const out = engine.redactJson(text).text;
        for (const f of planted.forbidden.map((s) => Buffer.from(s, 'latin1').toString('utf8')))
          expect(out.includes(f), `${rel} (seed ${seed}): a planted secret is in the document`).toBe(false);
        checkPair(asBytes(text), asBytes(out), `${rel} (seed ${seed}) as a document`);
      }
    });
  }
});
