/**
 * Compiled rule set: gitleaks' translated defaults plus the rules gitleaks does not have in the form a
 * transcript needs (key blocks inside JSON strings, truncated key blocks, passwords in URLs) and the
 * token formats it does not know yet (`extra-rules.ts`).
 */
import { gitleaksGlobalAllowlists, gitleaksRules } from './gitleaks-rules.generated.js';
import type { GitleaksAllowlistData } from './gitleaks-types.js';
import { extraRules } from './extra-rules.js';
import { isPlaceholderPassword } from './entropy.js';
import type { CompiledAllowlist, CompiledRule } from './rule-types.js';
import { isHashUnderIdentifierName } from './generic-context.js';

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
const URL_CREDENTIALS = '\\b[a-z][a-z0-9+.-]{1,30}://([^\\s:@/"\'`<>\\\\]{0,128}):([^\\s/"\'`<>\\\\]{1,256})@(?=[\\w\\[-])';
/** Characters a URL_CREDENTIALS match can hold between `://` and its `@`: a user (≤ 128), `:`, a password (≤ 256). */
const URL_CREDENTIALS_SPAN = 128 + 1 + 256;

/**
 * True when some `://` in `text` has an `@` at most URL_CREDENTIALS_SPAN characters after it: every
 * URL_CREDENTIALS match is one (the first `@` after its `://` is at or before its own). The regex tries
 * a scheme at every word start of a line; tool results hold whole files with URLs and no credential,
 * which made this rule a tenth of the rules' time on a real session.
 */
export function urlCredentialsPossible(text: string): boolean {
  let p = text.indexOf('://');
  while (p >= 0) {
    const at = text.indexOf('@', p + 3);
    if (at < 0) return false;
    if (at - (p + 3) <= URL_CREDENTIALS_SPAN) return true;
    // Every `://` before this point has the same first `@` after it, still too far.
    p = text.indexOf('://', Math.max(p + 1, at - 3 - URL_CREDENTIALS_SPAN));
  }
  return false;
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
      possible: urlCredentialsPossible,
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
