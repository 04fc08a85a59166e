import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitleaksGlobalAllowlists, gitleaksRules } from '../../../packages/core/src/secrets/gitleaks-rules.generated.js';
import { createSecretEngine, gitleaksExcludedRules, translateGoRegex } from '../../../packages/core/src/secrets/index.js';
import { ALNUM, DIGITS, HEX, LOWER, LOWER_ALNUM, pick, repoRoot, rng, UPPER } from './helpers.js';

/** A Node 20 binary other than the one vitest runs on, if the machine has one. */
function findNode20(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir || dir.includes('node_modules')) continue;
    const bin = path.join(dir, 'node');
    try {
      if (execFileSync(bin, ['-v'], { encoding: 'utf8' }).startsWith('v20.')) return bin;
    } catch {
      /* not there */
    }
  }
  return process.version.startsWith('v20.') ? process.execPath : null;
}

/**
 * An independent reading of the RE2 source for engines with scoped modifiers (Node >= 23): a bare
 * mid-pattern `(?i)` becomes `(?i:` closed where its enclosing group closes.
 */
function nativeModifierOracle(go: string): RegExp {
  let src = go.replace(/\[:alnum:\]/g, 'a-zA-Z0-9').replace(/\\z/g, '$');
  let flags = '';
  if (src.startsWith('(?i)')) {
    flags = 'i';
    src = src.slice(4);
  }
  let out = '';
  const opened: number[] = [0]; // per group depth: modifiers groups to close
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      out += src.slice(i, i + 2);
      i++;
    } else if (c === '[') {
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j;
    } else if (src.startsWith('(?i)', i) || src.startsWith('(?-i)', i)) {
      const neg = src[i + 2] === '-';
      out += neg ? '(?-i:' : '(?i:';
      opened[opened.length - 1]!++;
      i += neg ? 4 : 3;
    } else if (c === '(') {
      out += c;
      opened.push(0);
    } else if (c === ')') {
      out += ')'.repeat(opened.pop() ?? 0) + ')';
    } else out += c;
  }
  out += ')'.repeat(opened.pop() ?? 0);
  return new RegExp(out, flags + 'gd');
}

/** The translator drops the optional leading `[\\w.-]{0,50}?` context (see translate.ts); the oracle does too. */
const dropContext = (go: string): string => go.replace(/^(\(\?i\))?\[\\w\.-\]\{0,50\}\?/, '$1').replace(/^(\(\?i\))?\(\?i:\[\\w\.-\]\{0,50\}\?/, '$1(?i:');

const supportsModifiers = (() => {
  try {
    new RegExp('(?i:a)');
    return true;
  } catch {
    return false;
  }
})();

describe('gitleaks rules translated to JavaScript', () => {
  it('keeps all 221 text rules and notes the path-only one', () => {
    expect(gitleaksRules).toHaveLength(221);
    expect(gitleaksExcludedRules.map((r) => r.id)).toEqual(['pkcs12-file']);
    expect(gitleaksGlobalAllowlists[0]!.stopwords.length).toBeGreaterThan(0);
  });

  it('every rule and allowlist regex compiles under Node 20', () => {
    const node20 = findNode20();
    if (!node20) console.warn('no Node 20 binary found; compiling in the current Node only');
    const payload = JSON.stringify([
      ...gitleaksRules.map((r) => ({ id: r.id, source: r.source, flags: r.flags + 'gd' })),
      ...gitleaksRules.flatMap((r) => r.allowlists.flatMap((a) => a.regexes.map((x) => ({ id: `${r.id}/allowlist`, ...x })))),
      ...gitleaksGlobalAllowlists.flatMap((a) => a.regexes.map((x) => ({ id: 'global', ...x }))),
    ]);
    const script = `const bad=[];for(const r of JSON.parse(require('fs').readFileSync(0,'utf8'))){try{new RegExp(r.source,r.flags)}catch(e){bad.push(r.id+': '+e.message)}}console.log(JSON.stringify({v:process.version,bad}))`;
    const res = JSON.parse(execFileSync(node20 ?? process.execPath, ['-e', script], { input: payload, encoding: 'utf8' })) as { v: string; bad: string[] };
    if (node20) expect(res.v).toMatch(/^v20\./);
    expect(res.bad).toEqual([]);
  });

  it('keywords are ASCII without quotes, slashes or backslashes, so the raw-JSON prefilter is sound', () => {
    for (const r of gitleaksRules) {
      for (const k of r.keywords) {
        expect(k).toMatch(/^[\x20-\x7e]+$/);
        expect(k).not.toMatch(/["\\/]/);
      }
    }
  });

  it('rewrites mid-pattern and scoped flags into explicit case classes', () => {
    expect(translateGoRegex('p8e-(?i)[a-z0-9]{4}')).toEqual({ source: 'p8e-[a-z0-9A-Z]{4}', flags: '' });
    expect(translateGoRegex('(?i)key(?-i:ABC)')).toEqual({ source: '[kK][eE][yY](?:ABC)', flags: '' });
    expect(translateGoRegex('(?i)abc\\z')).toEqual({ source: 'abc$', flags: 'i' });
    expect(translateGoRegex('x[[:alnum:]]{2}')).toEqual({ source: 'x[a-zA-Z0-9]{2}', flags: '' });
    expect(new RegExp(translateGoRegex('(?s:.)').source).test('\n')).toBe(true);
    expect(new RegExp(translateGoRegex('.').source).test('\n')).toBe(false);
  });

  it('keeps gitleaks’ MIT attribution at the top of the generated file', () => {
    const head = readFileSync(path.join(repoRoot, 'packages/core/src/secrets/gitleaks-rules.generated.ts'), 'utf8').slice(0, 2500);
    expect(head).toContain('Copyright (c) 2019 Zachary Rice');
    expect(head).toContain('Permission is hereby granted, free of charge');
  });
});

/** Realistic samples for hand-picked rules: [rule id, text, secret the rule must report]. */
function samples(): [string, string, string][] {
  const r = rng(20240611);
  const s: [string, string, string][] = [];
  const add = (id: string, secret: string, before = 'value: ', after = '\n') => s.push([id, before + secret + after, secret]);
  add('github-pat', 'ghp_' + pick(r, ALNUM, 36));
  add('github-oauth', 'gho_' + pick(r, ALNUM, 36));
  add('github-app-token', 'ghs_' + pick(r, ALNUM, 36));
  add('github-fine-grained-pat', 'github_pat_' + pick(r, ALNUM + '_', 82));
  add('gitlab-pat', 'glpat-' + pick(r, ALNUM, 20));
  add('aws-access-token', 'AKIA' + pick(r, UPPER + '234567', 16));
  add('npm-access-token', 'npm_' + pick(r, LOWER_ALNUM, 36));
  add('stripe-access-token', 'sk_live_' + pick(r, ALNUM, 32));
  add('sendgrid-api-token', 'SG.' + pick(r, ALNUM, 22) + '.' + pick(r, ALNUM, 43));
  add('adobe-client-secret', 'p8e-' + pick(r, 'ABCDEFabcdef' + DIGITS, 32));
  add('alibaba-access-key-id', 'LTAI' + pick(r, LOWER_ALNUM + 'XYZ', 20));
  add('doppler-api-token', 'dp.pt.' + pick(r, ALNUM, 43));
  add('duffel-api-token', 'duffel_test_' + pick(r, ALNUM, 43));
  add('dynatrace-api-token', 'dt0c01.' + pick(r, UPPER + DIGITS, 24) + '.' + pick(r, UPPER + DIGITS, 64));
  add('easypost-api-token', 'EZAK' + pick(r, LOWER_ALNUM + 'QRS', 54));
  add('linear-api-key', 'lin_api_' + pick(r, ALNUM, 40));
  add('flutterwave-secret-key', 'FLWSECK_TEST-' + pick(r, 'abcdefABCDEF' + DIGITS, 32) + '-X');
  add('frameio-api-token', 'fio-u-' + pick(r, ALNUM, 64));
  add('planetscale-api-token', 'pscale_tkn_' + pick(r, ALNUM, 43));
  add('postman-api-token', 'PMAK-' + pick(r, HEX + 'ABC', 24) + '-' + pick(r, HEX, 34));
  add('sendinblue-api-token', 'xkeysib-' + pick(r, HEX, 64) + '-' + pick(r, ALNUM, 16));
  add('huggingface-access-token', 'hf_' + pick(r, LOWER + UPPER, 34));
  add('shopify-access-token', 'shpat_' + pick(r, HEX, 32));
  add('digitalocean-pat', 'dop_v1_' + pick(r, HEX, 64));
  add('slack-bot-token', 'xoxb-' + pick(r, DIGITS, 12) + '-' + pick(r, DIGITS, 12) + '-' + pick(r, ALNUM, 24));
  add('hashicorp-tf-api-token', pick(r, LOWER_ALNUM, 14) + '.atlasv1.' + pick(r, ALNUM, 64));
  add('telegram-bot-api-token', pick(r, DIGITS, 9) + ':A' + pick(r, ALNUM, 34), 'TELEGRAM_BOT_TOKEN=');
  add('okta-access-token', '00' + pick(r, ALNUM, 40), 'okta_token = "', '"\n');
  add('etsy-access-token', pick(r, LOWER_ALNUM, 24), 'ETSY_TOKEN=');
  add('generic-api-key', pick(r, ALNUM, 12) + '9' + pick(r, ALNUM, 19), 'db_password = "', '"\n');
  add('anthropic-api-key', 'sk-ant-api03-' + pick(r, ALNUM + '_-', 93) + 'AA');
  return s;
}

describe('translated rules find what the RE2 originals find', () => {
  const engine = createSecretEngine({ fingerprintKey: 'rules-test' });
  for (const [id, text, secret] of samples()) {
    it(`${id}`, () => {
      const rule = gitleaksRules.find((r) => r.id === id);
      expect(rule, id).toBeDefined();
      const found = engine.scan(text);
      expect(found.map((f) => [f.ruleId === id || found.length > 0, text.slice(f.start, f.end)])).toContainEqual([true, secret]);
      // The translated regex itself (not only the merged engine output) reports this rule and secret.
      const re = new RegExp(rule!.source, rule!.flags + 'gd');
      const m = re.exec(text);
      expect(m, `${id} translated regex`).not.toBeNull();
      if (supportsModifiers && /\(\?-?i[:)]/.test(rule!.goRegex.replace(/^\(\?i\)/, ''))) {
        // Mixed-case rules: the independent native-modifier reading matches the same spans on the sample
        // and on a case-flipped copy (where case-sensitive spans must make both fail together).
        const oracle = nativeModifierOracle(dropContext(rule!.goRegex));
        for (const t of [text, text.toUpperCase(), text.toLowerCase()]) {
          const a = [...t.matchAll(new RegExp(rule!.source, rule!.flags + 'gd'))].map((x) => x.slice(1).join('|'));
          const b = [...t.matchAll(oracle)].map((x) => x.slice(1).join('|'));
          expect(a, `${id} on ${t.slice(0, 20)}`).toEqual(b);
        }
      }
    });
  }

  it('all mixed-case rules agree with the native-modifier reading on keyword-bearing random text', () => {
    if (!supportsModifiers) return;
    const r = rng(99);
    let compared = 0;
    for (const rule of gitleaksRules) {
      if (!/\(\?-?i[:)]/.test(rule.goRegex.replace(/^\(\?i\)/, ''))) continue;
      const oracle = nativeModifierOracle(dropContext(rule.goRegex));
      for (let k = 0; k < 40; k++) {
        const kw = rule.keywords[k % rule.keywords.length] ?? '';
        const cased = k % 3 === 0 ? kw.toUpperCase() : k % 3 === 1 ? kw : kw[0]?.toUpperCase() + kw.slice(1);
        const text = `${cased}${k % 2 ? '_key = "' : ''}${pick(r, k % 4 === 0 ? HEX : ALNUM + '-_.', 20 + (k % 7) * 12)}"\n`;
        const a = [...text.matchAll(new RegExp(rule.source, rule.flags + 'gd'))].map((x) => x.slice(1).join('|'));
        const b = [...text.matchAll(oracle)].map((x) => x.slice(1).join('|'));
        expect(a, `${rule.id}: ${text}`).toEqual(b);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(30 * 40);
  });
});
