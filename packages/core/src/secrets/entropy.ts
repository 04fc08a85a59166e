/** Value checks shared by the rule lists; a leaf module, so rule lists can import it without a cycle. */

export function shannonEntropy(s: string): number {
  if (!s) return 0;
  // The common case, ASCII text, counts in a typed array instead of a Map keyed by one-character
  // strings (the generic rules ask this of every candidate value). The terms are summed in the order
  // each character first appears, as the Map's iteration order did, so the float is the same to the bit.
  const counts = ASCII_COUNTS;
  const order = ASCII_ORDER;
  let distinct = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 128) break;
    const seen = counts[code]!;
    counts[code] = seen + 1;
    if (seen === 0) order[distinct++] = code;
  }
  if (i < s.length) {
    for (let k = 0; k < distinct; k++) counts[order[k]!] = 0;
    return entropyByCodePoint(s);
  }
  let h = 0;
  const n = s.length;
  for (let k = 0; k < distinct; k++) {
    const code = order[k]!;
    const p = counts[code]! / n;
    counts[code] = 0;
    h -= p * Math.log2(p);
  }
  return h;
}

const ASCII_COUNTS = new Int32Array(128);
const ASCII_ORDER = new Uint8Array(128);

/** Entropy over code points (a surrogate pair counts as one character). */
function entropyByCodePoint(s: string): number {
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

const PLACEHOLDER_PASSWORDS = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'secret',
  'mypassword',
  'yourpassword',
  'changeme',
  'example',
  'placeholder',
  'redacted',
  'token',
  'apikey',
  'api_key',
  'test',
  'dummy',
  'none',
  'null',
  'undefined',
  'x-oauth-basic',
  // Database and broker images' default accounts (`postgres:postgres@`, `root:root@`, `guest:guest@` in CI
  // service containers): anyone can guess them, there is nothing to rotate, and masking `postgres` or `root`
  // would blank those words all over the job log.
  'postgres',
  'mysql',
  'root',
  'admin',
  'guest',
  'user',
  'username',
]);
/**
 * `YOUR_PASSWORD`, `REPLACE_WITH_PASSWORD`, `my-secret-token`: a stand-in word plus credential words and
 * nothing else. A digit means someone typed a value (`mySecret789`, `myC0mpl3xPwd`), so it is not one.
 */
const STAND_IN = /^(?:your|my|replace|insert|enter|change|example|sample|dummy|fake)[a-z_-]*$/;

/**
 * Placeholders are not credentials: templates (`${PASS}`, `{{pass}}`, `$(DB_PASS)`, `<password>`), masks
 * (`****`, `xxxx`, one repeated character) and the dictionary words documentation uses (`password`,
 * `pass`, `secret`, `changeme`, `YOUR_PASSWORD`…).
 */
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
