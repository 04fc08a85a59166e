/** Value checks shared by the rule lists; a leaf module, so rule lists can import it without a cycle. */

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
