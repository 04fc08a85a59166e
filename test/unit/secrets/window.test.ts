import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createChunkRedactor } from '../../../packages/core/src/capture/chunks.js';
import { createSecretEngine } from '../../../packages/core/src/secrets/index.js';
import { defaultEngineRules } from '../../../packages/core/src/secrets/matching.js';
import { planWindows, WINDOW_MIN_TEXT, windowSlices } from '../../../packages/core/src/secrets/windows.js';
import { CREDENTIAL_KINDS, makeCredential, Random } from '../../../scripts/bench/generate.js';
import { labelledSecrets } from '../../canary/labelled-secrets.js';
import { ALNUM, conformanceRoot, pick, rng } from './helpers.js';

const transcripts = path.join(conformanceRoot, 'transcripts');
const present = existsSync(transcripts) && existsSync(path.join(conformanceRoot, 'secrets'));
if (!present) console.warn(`conformance data absent at ${conformanceRoot}: windowed-matching tests skipped`);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : /\.(jsonl|json|md|txt)$/.test(name) ? [p] : [];
  });
}

/** Every credential the bench plants, in the context it plants it in. */
function plantedCredentials(seed: number): string[] {
  const r = new Random(seed);
  return CREDENTIAL_KINDS.flatMap((kind) => [makeCredential(kind, r).line, makeCredential(kind, r).line]);
}

/** Long lines of the conformance transcripts (tool results holding files), of a few KB so the test stays quick. */
function longLines(count: number): string[] {
  const lines = filesUnder(transcripts).flatMap((f) => readFileSync(f, 'latin1').split('\n'));
  return lines
    .filter((l) => l.length >= 2 * WINDOW_MIN_TEXT && l.length <= 8 * WINDOW_MIN_TEXT)
    .sort((a, b) => b.length - a.length)
    .slice(0, count);
}

function redactBoth(bytes: Buffer, kind: 'json' | 'text') {
  const run = (matchWholeLines: boolean) => {
    const redactor = createChunkRedactor({ engine: { fingerprintKey: 'window-test', matchWholeLines }, kind, redact: true });
    const results = [];
    for (let at = 0; at < bytes.length; at += 64 * 1024) results.push(redactor.push(bytes.subarray(at, at + 64 * 1024)));
    results.push(redactor.finish());
    return {
      text: Buffer.concat(results.map((r) => Buffer.from(r.bytes))).toString('latin1'),
      found: results.flatMap((r) => r.found),
    };
  };
  return { windowed: run(false), whole: run(true) };
}

describe.skipIf(!present)('windowed rule matching finds exactly what whole-line matching finds', () => {
  it('the redacted conformance transcripts are byte-identical either way', () => {
    let compared = 0;
    for (const file of filesUnder(transcripts)) {
      const { windowed, whole } = redactBoth(readFileSync(file), file.endsWith('.md') || file.endsWith('.txt') ? 'text' : 'json');
      expect(windowed.text, file).toBe(whole.text);
      expect(windowed.found, file).toEqual(whole.found);
      compared++;
    }
    expect(compared).toBeGreaterThan(40);
  });

  it('a session built like the bench input, credentials planted in whole-file tool results, is redacted identically and completely', () => {
    const dir = path.join(transcripts, 'claude-code-session');
    const r = new Random(7);
    const out: string[] = [];
    const markers: string[] = [];
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.jsonl'))
      .sort()) {
      for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        if (!line) continue;
        const record = JSON.parse(line) as { type?: string; message?: { content?: { type?: string; content?: unknown }[] } };
        const result = Array.isArray(record.message?.content)
          ? record.message.content.find((c) => c.type === 'tool_result' && typeof c.content === 'string')
          : undefined;
        if (record.type === 'user' && result && JSON.stringify(record) === line) {
          const content = result.content as string;
          const kind = CREDENTIAL_KINDS[out.length % CREDENTIAL_KINDS.length]!;
          const planted = makeCredential(kind, r);
          markers.push(planted.marker);
          // Inside the text, at its start and at its end: windows clipped by the line's edges.
          const at = [Math.floor(content.length / 2), 0, content.length][out.length % 3]!;
          result.content = `${content.slice(0, at)}${planted.line}\n${content.slice(at)}`;
          out.push(JSON.stringify(record));
        } else out.push(line);
      }
    }
    const { windowed, whole } = redactBoth(Buffer.from(out.join('\n') + '\n', 'utf8'), 'json');
    expect(windowed.text).toBe(whole.text);
    expect(windowed.found).toEqual(whole.found);
    expect(markers.length).toBeGreaterThan(30);
    for (const m of markers) expect(windowed.text).not.toContain(m);
  });

  it('every match of every windowed rule lies inside a window, for labelled secrets planted at and near the edges of long real lines', () => {
    const rules = defaultEngineRules();
    const plans = rules.map((rule) => planWindows(rule.re));
    expect(plans.filter(Boolean).length).toBeGreaterThan(rules.length * 0.9);
    const hosts = longLines(3);
    expect(hosts.length).toBe(3);
    const secrets = [...labelledSecrets(path.join(conformanceRoot, 'secrets')).map((s) => s.context), ...plantedCredentials(11)];
    const windowed = createSecretEngine({ fingerprintKey: 'k' });
    const whole = createSecretEngine({ fingerprintKey: 'k', matchWholeLines: true });
    const r = rng(5);
    let matches = 0;
    let texts = 0;
    secrets.forEach((secret, n) => {
      const host = hosts[n % hosts.length]!;
      // Flush with the line's start and end, one and two characters in, and in the middle; with the
      // secret's context cut at a random point so windows also meet partial matches.
      const cut = secret.slice(0, Math.max(8, Math.floor(r() * secret.length) + 1));
      const placements: [string, string][] = [
        ['', host],
        [host, ''],
        [host.slice(0, 1), host.slice(1)],
        [host.slice(0, -2), host.slice(-2)],
        [host.slice(0, host.length >> 1), host.slice(host.length >> 1)],
        [`${pick(r, ALNUM, 300)} `, ` ${host}`],
      ];
      const [before, after] = placements[n % placements.length]!;
      {
        for (const text of [before + secret + after, before + cut + after, `${before}${secret} ${secret}${after}`]) {
          texts++;
          expect(windowed.scan(text)).toEqual(whole.scan(text));
          const lower = text.toLowerCase();
          rules.forEach((rule, i) => {
            const plan = plans[i];
            // Only rules whose keywords occur run at all.
            if (!plan || !rule.keywords.some((kw) => lower.includes(kw))) return;
            const slices = windowSlices(text, plan);
            if (slices === null) return; // searched whole
            const re = new RegExp(rule.re.source, rule.re.flags);
            for (let m = re.exec(text); m; m = re.exec(text)) {
              matches++;
              const end = m.index + m[0].length;
              let inside = false;
              for (let k = 0; k < slices.length && !inside; k += 2) inside = slices[k]! <= m.index && end <= slices[k + 1]!;
              expect(inside, `${rule.id} match at ${m.index}–${end} outside its windows`).toBe(true);
              re.lastIndex = m.index + 1;
            }
          });
        }
      }
    });
    expect(texts).toBeGreaterThan(300);
    expect(matches).toBeGreaterThan(100);
  });

  it('matches stretched to the edge of their window are found: bounded and unbounded rules, anchors at the window limit', () => {
    const windowed = createSecretEngine({ fingerprintKey: 'k' });
    const whole = createSecretEngine({ fingerprintKey: 'k', matchWholeLines: true });
    const r = rng(9);
    const filler = (n: number, alphabet: string) => pick(r, alphabet, n);
    const jwtPart = (n: number) => filler(n, `${ALNUM}_-`);
    const cases: string[] = [];
    for (let extra = 0; extra < 300; extra += 37) {
      // A JWT whose unbounded parts run far past any fixed cap, its anchor (`.ey`) near one end.
      const jwt = `ey${filler(17 + extra * 20, ALNUM)}.ey${jwtPart(17 + extra)}.${jwtPart(10 + extra * 7)}`;
      cases.push(`${filler(2000, 'ab ')} token=${jwt} ${filler(2000, 'cd ')}`);
      // A generic key with a long base64 value and up to 190 other characters around its keyword.
      cases.push(`${filler(1500, 'x ')}secret${' '.repeat(Math.min(20, extra))}= "${filler(200 + extra * 10, `${ALNUM}+/`)}"${filler(1500, 'y ')}`);
      // A URL password right at the bounded rule's maximum length, and one character past it.
      for (const len of [255, 256, 257]) cases.push(`${filler(1200, 'q ')}postgres://${filler(128, 'u')}:${filler(len, ALNUM)}@db${filler(1200, 'z ')}`);
      // A Vault token with other `s.` anchors at every distance around it.
      cases.push(`${filler(1100, 's. ')}s.${filler(24, ALNUM)}"${' s.'.repeat(extra)}${filler(1100, 'is.')}`);
    }
    for (const text of cases) {
      expect(text.length).toBeGreaterThanOrEqual(WINDOW_MIN_TEXT);
      expect(windowed.scan(text)).toEqual(whole.scan(text));
    }
    expect(cases.some((t) => whole.scan(t).length > 0)).toBe(true);
  });
});

describe('window plans', () => {
  const plan = (source: string, flags = '') => planWindows(new RegExp(source, flags));

  it('takes the longest literal every match holds, bounded by the match length', () => {
    expect(plan('(?:\\b|(?<=\\\\[nrtbf]))(SG\\.[a-z0-9=_\\-\\.A-Z]{66})(?:[\\x60\'"\\s;\\\\]|\\\\[nr]|$)')).toMatchObject({
      anchors: [{ s: 'sg.', b: 71, t: null }],
      context: 2,
    });
    // Per branch: a short token beside a long one keeps its own, smaller bound.
    expect(plan('((?:hvs\\.[\\w-]{90,120}|s\\.(?:[a-z0-9A-Z]{24})))')!.anchors.map((a) => [a.s, a.b])).toEqual([
      ['hvs.', 124],
      ['s.', 26],
    ]);
  });

  it('bounds an unbounded run by the characters it can hold', () => {
    const p = plan('ey[a-zA-Z0-9]{17,}\\.ey[a-zA-Z0-9_-]{17,}')!;
    expect(p.anchors).toHaveLength(1);
    expect(p.anchors[0]).toMatchObject({ s: '.ey', b: 5 });
    expect(p.anchors[0]!.t).not.toBeNull();
  });

  it('refuses what it cannot bound: no literal, an optional literal, a backreference, an unbounded lookaround, the u flag', () => {
    expect(plan('[a-z]{20,}')).toBeNull();
    expect(plan('(?:key)?[a-z]{20}')).toBeNull();
    expect(plan('(key)=\\1')).toBeNull();
    expect(plan('key(?=[a-z]*!)')).toBeNull();
    expect(plan('key[a-z]{4}', 'u')).toBeNull();
    expect(plan('k|key')).toBeNull();
  });

  it('reads case-insensitive literals in lowercase and an i-flag class as both cases', () => {
    expect(plan('[tT][oO][kK][eE][nN]=[a-z]{8}')!.anchors[0]).toMatchObject({ s: 'token=', b: 14 });
    expect(plan('TOKEN=[a-z]{8}', 'i')!.anchors[0]).toMatchObject({ s: 'token=' });
  });
});
