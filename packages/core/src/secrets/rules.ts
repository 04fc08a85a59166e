/**
 * Compiled rule set: gitleaks' translated defaults plus the rules gitleaks does not have in the form a
 * transcript needs (key blocks inside JSON strings, truncated key blocks, passwords in URLs) and the
 * token formats it does not know yet (`extra-rules.ts`).
 */
import { gitleaksGlobalAllowlists, gitleaksRules } from './gitleaks-rules.generated.js';
import type { GitleaksAllowlistData } from './gitleaks-types.js';
import { extraRules } from './extra-rules.js';
import { isHashUnderIdentifierName } from './generic-context.js';

export interface CompiledAllowlist {
  and: boolean;
  target: 'secret' | 'match' | 'line';
  regexes: RegExp[];
  stopwords: string[];
  hasPaths: boolean;
}

export interface CompiledRule {
  id: string;
  re: RegExp;
  /** 0: first non-empty capture group, else the whole match (gitleaks' rule). */
  secretGroup: number;
  entropy: number;
  keywords: string[];
  allowlists: CompiledAllowlist[];
  /** gitleaks drops generic-rule secrets without a digit once an entropy threshold is set. */
  needsDigit: boolean;
  /**
   * Extra soundness check for built-in rules (placeholders, too short key bodies). `text` and `index` are
   * the scanned text and the match's offset in it, for rules that read what precedes the match.
   */
  accept?: (secret: string, match: string, text?: string, index?: number) => boolean;
}

export function compileAllowlist(a: GitleaksAllowlistData): CompiledAllowlist {
  const target = a.regexTarget === 'match' || a.regexTarget === 'line' ? a.regexTarget : 'secret';
  return {
    and: a.condition === 'AND',
    target,
    regexes: a.regexes.map((r) => new RegExp(r.source, r.flags)),
    stopwords: a.stopwords,
    hasPaths: a.hasPaths,
  };
}

export const globalAllowlists: CompiledAllowlist[] = gitleaksGlobalAllowlists.map(compileAllowlist);

/**
 * A line-number gutter a tool puts before each line of a file it shows: Claude Code's Read (`     2→`, the
 * arrow also as a `\u2192` escape or, in byte text, as its three UTF-8 bytes), `cat -n` (`     2<tab>`),
 * `nl` and editors (`2: `, `2 | `). A key read that way with a limit has no footer, and without skipping
 * the gutter its body was not seen at all.
 */
const GUTTER = '\\d{1,9}(?:\u2192|\u00e2\u0086\u0092|\\\\+u2192|\\t|\\\\+t|:[ \\t]|[ \\t]{0,4}\\|)[ \\t]*';

/**
 * Private key blocks: BEGIN header, then base64 lines or RFC 1421 headers (`Proc-Type: …`) separated by
 * real newlines, spaces or `\n` escapes (one or more backslashes: a key inside a JSON string inside a JSON
 * string), then an optional END footer. Without a footer the match stops at the end of the base64 run, so
 * a key cut off by truncation is still covered.
 */
const KEY_BLOCK =
  '-----BEGIN[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----' +
  // One line break (real or escaped, `\r\n` too) or spaces between tokens: a blank line ends a truncated block.
  `(?:(?:[ \\t]*(?:\\r?\\n|\\\\+r\\\\+n|\\\\+[nrt])[ \\t]*(?:${GUTTER})?|[ \\t]+)(?:[A-Za-z0-9+/=]+|[A-Za-z][A-Za-z-]{0,30}: [^\\r\\n\\\\"]{0,256}))*` +
  `(?:(?:\\s|\\\\+[nrt])*(?:${GUTTER})?-----END[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----)?`;
const GUTTER_TOKEN = new RegExp(`(^|\\s)${GUTTER}`, 'g');

/** Less than this much base64 is a placeholder (`xxx`, `...`, a 36-character example), not a key. */
export const MIN_KEY_BODY = 64;

function keyBodyLength(block: string): number {
  const body = block
    .replace(/^-----BEGIN[^-]*-----/, '')
    .replace(/-----END[^-]*-----$/, '')
    .replace(/\\+[nrt]/g, ' ')
    .replace(GUTTER_TOKEN, '$1 ')
    .split(/\s+/)
    .filter((tok) => /^[A-Za-z0-9+/=]+$/.test(tok));
  return body.reduce((n, tok) => n + tok.length, 0);
}

/**
 * Passwords in URLs. Placeholders are not credentials: templates (`${PASS}`, `{{pass}}`, `$(DB_PASS)`,
 * `<password>`), masks (`****`, `xxxx`, one repeated character) and the dictionary words documentation
 * uses (`password`, `pass`, `secret`, `changeme`, `YOUR_PASSWORD`…). That also drops `user:pass@`, which
 * secretlint reports but which no rule can tell from the `username:password@` it calls clean.
 * `x-oauth-basic` is GitHub's fixed literal that marks the *user name* as the token; the
 * `agent-gates-url-oauth-user` rule reports that instead.
 */
// The user may be empty: Redis documents `redis://:<password>@host` (AUTH with a password only).
const URL_CREDENTIALS =
  '\\b[a-z][a-z0-9+.-]{1,30}://([^\\s:@/"\'`<>\\\\]{0,128}):([^\\s/"\'`<>\\\\]{1,256})@(?=[\\w\\[-])';
const PLACEHOLDER_PASSWORDS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'secret', 'mypassword', 'yourpassword', 'changeme', 'example',
  'placeholder', 'redacted', 'token', 'apikey', 'api_key', 'test', 'dummy', 'none', 'null', 'undefined',
  'x-oauth-basic',
  // Database and broker images' default accounts (`postgres:postgres@`, `root:root@`, `guest:guest@` in CI
  // service containers): anyone can guess them, there is nothing to rotate, and masking `postgres` or `root`
  // would blank those words all over the job log.
  'postgres', 'mysql', 'root', 'admin', 'guest', 'user', 'username',
]);
/**
 * `YOUR_PASSWORD`, `REPLACE_WITH_PASSWORD`, `my-secret-token`: a stand-in word plus credential words and
 * nothing else. A digit means someone typed a value (`mySecret789`, `myC0mpl3xPwd`), so it is not one.
 */
const STAND_IN = /^(?:your|my|replace|insert|enter|change|example|sample|dummy|fake)[a-z_-]*$/;
export function isPlaceholderPassword(password: string): boolean {
  const p = password.toLowerCase();
  if (p.length < 4) return true;
  // `%` marks a template (`%(pass)s`, `%DB_PASS%`) unless it starts a URL percent-escape (`p%23ss` is `p#ss`).
  if (/[${}<>()]/.test(p) || /%(?![0-9a-f]{2})/.test(p) || p.startsWith(':')) return true;
  if (/^(.)\1*$/.test(p)) return true;
  if (PLACEHOLDER_PASSWORDS.has(p)) return true;
  if (STAND_IN.test(p) && /pass|pwd|secret|token/.test(p)) return true;
  return /redacted/.test(p);
}

export const BUILTIN_RULE_IDS = ['private-key-block', 'url-credentials'] as const;

function builtinRules(): CompiledRule[] {
  return [
    {
      id: 'private-key-block',
      re: new RegExp(KEY_BLOCK, 'gd'),
      secretGroup: 0,
      entropy: 0,
      keywords: ['-----begin'],
      allowlists: [],
      needsDigit: false,
      accept: (secret) => keyBodyLength(secret) >= MIN_KEY_BODY,
    },
    {
      id: 'url-credentials',
      re: new RegExp(URL_CREDENTIALS, 'gdi'),
      secretGroup: 2,
      entropy: 0,
      keywords: ['://'],
      allowlists: [],
      needsDigit: false,
      accept: (secret) => !isPlaceholderPassword(secret),
    },
  ];
}

export function defaultRules(): CompiledRule[] {
  const rules: CompiledRule[] = gitleaksRules.map((r) => ({
    id: r.id,
    re: new RegExp(r.source, r.flags + 'gd'),
    secretGroup: r.secretGroup,
    entropy: r.entropy,
    keywords: r.keywords,
    allowlists: r.allowlists.map(compileAllowlist),
    needsDigit: r.id.startsWith('generic') && r.entropy > 0,
    ...(r.id === 'generic-api-key'
      ? { accept: (secret: string, match: string, text = '', index = 0) => !isHashUnderIdentifierName(secret, match, text, index) }
      : {}),
  }));
  return [...rules, ...builtinRules(), ...extraRules()];
}

export function shannonEntropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}
