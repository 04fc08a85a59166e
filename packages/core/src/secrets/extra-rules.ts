/**
 * Format rules for credential families gitleaks' default config does not cover (or covers with an older
 * shape). Each one keys on a vendor-documented prefix or a context that only a credential fills, so it can
 * run without an entropy threshold on the whole match; `accept` only drops placeholders.
 *
 * Shared conventions:
 * - `(?<![A-Za-z])` before the prefix: `MY_tskey-…` or `0tskey-…` is a key, `xtskey-…` is part of a word.
 * - A trailing negative lookahead on the body alphabet, so a longer run is not cut into a "token".
 * - Every quantifier is bounded and each rule is anchored on a literal (`tskey-`, `_authToken`, `://`,
 *   `!!binary`), so a failed match costs at most the bounded run after one occurrence of it (no
 *   catastrophic backtracking in JS).
 * - The keyword is a lowercase substring of every match: the engine's keyword pre-filter skips the regex
 *   on text without it.
 * These ids are not in `BUILTIN_RULE_IDS`, so the engine also applies gitleaks' global allowlist to them
 * (template variables, one repeated character, and its `abcdefghijklmnopqrstuvwxyz` stopword).
 */
import { isPlaceholderPassword, shannonEntropy } from './entropy.js';
import type { CompiledRule } from './rule-types.js';

/**
 * A real token's random part, 20 or more characters of base62 or hex, has a Shannon entropy above 3.3 with
 * overwhelming probability (expected ≈ 4.3 and ≈ 3.8); documentation fakes made of one or two repeated
 * characters (`AAAAAAAAAAAA-BBBB…`, `111111aaaa…`) stay below 1.
 */
export const MIN_BODY_ENTROPY = 2.5;

const randomEnough = (body: string): boolean => shannonEntropy(body) >= MIN_BODY_ENTROPY;

/** An environment-variable name or a `YOUR_TOKEN`-style stand-in where a value should go. */
const looksLikeName = (value: string): boolean =>
  /^[A-Z][A-Z0-9_]*$/.test(value) || /^(?:your|my|replace|insert|enter|example|sample|dummy|fake)[_-]?/i.test(value);

interface ExtraRuleSpec {
  id: string;
  source: string;
  flags?: string;
  secretGroup?: number;
  keywords: string[];
  /** Returns the part of the secret that is random; `null` rejects the match outright. */
  body: (secret: string) => string | null;
}

const afterPrefix =
  (prefix: RegExp) =>
  (secret: string): string =>
    secret.replace(prefix, '');

const SPECS: ExtraRuleSpec[] = [
  {
    // Anthropic documents `sk-ant-` as its key prefix: `sk-ant-api03-…` API keys, `sk-ant-admin01-…` admin
    // keys, and the OAuth tokens Claude Code stores (`sk-ant-oat01-…`, `sk-ant-ort01-…`). gitleaks only
    // knows api03/admin01 with a fixed 93-character body; secretlint's corpus already shows `api04`.
    id: 'agent-gates-anthropic-key',
    source: '(?<![A-Za-z0-9_-])(sk-ant-[a-z]{2,8}\\d{2}-[A-Za-z0-9_-]{40,200})(?![A-Za-z0-9_-])',
    keywords: ['sk-ant-'],
    body: afterPrefix(/^sk-ant-[a-z]+\d+-/),
  },
  {
    // Cloudflare's scannable credentials (developers.cloudflare.com/fundamentals/api/get-started/token-formats):
    // `cfk_` global API key, `cfut_` user token, `cfat_` account token, each followed by 40 characters and an
    // 8-hex-digit checksum. The exact length plus the checksum-shaped tail keeps ordinary `cfk_…` names out.
    id: 'agent-gates-cloudflare-token',
    source: '(?<![A-Za-z])(cf(?:k|ut|at)_[A-Za-z0-9]{40}[0-9a-fA-F]{8})(?![A-Za-z0-9_-])',
    keywords: ['cfk_', 'cfut_', 'cfat_'],
    body: (s) => s.slice(s.indexOf('_') + 1, -8),
  },
  {
    // Databricks personal access tokens: `dapi` + 32 hex digits, optionally `-<digit>`. gitleaks accepts only
    // lowercase hex; an uppercase copy (as in secretlint's corpus) is just as much a token.
    id: 'agent-gates-databricks-token',
    source: '(?<![A-Za-z0-9])(dapi[0-9a-fA-F]{32}(?:-\\d)?)(?![A-Za-z0-9_])',
    keywords: ['dapi'],
    body: (s) => s.slice(4, 36),
  },
  {
    // Docker Hub personal (`dckr_pat_`) and organisation (`dckr_oat_`) access tokens (docs.docker.com,
    // "Access tokens"): the prefix is Docker's own, the body 27 characters of base64url today.
    id: 'agent-gates-docker-token',
    source: '(?<![A-Za-z])(dckr_(?:pat|oat)_[A-Za-z0-9_-]{24,64})(?![A-Za-z0-9_-])',
    keywords: ['dckr_'],
    body: afterPrefix(/^dckr_[a-z]+_/),
  },
  {
    // Figma personal access tokens start with `figd_` (Figma REST API docs, "Access tokens"); the body is
    // 40+ base64url characters.
    id: 'agent-gates-figma-token',
    source: '(?<![A-Za-z])(figd_[A-Za-z0-9_-]{40,200})(?![A-Za-z0-9_-])',
    keywords: ['figd_'],
    body: afterPrefix(/^figd_/),
  },
  {
    // GitHub's new app installation token format (github.blog changelog 2026-04-24): `ghs_<app id>_<JWT>`.
    // gitleaks' github-app-token rule wants the classic 36-character body and misses it. Three dot-separated
    // base64url segments after a numeric id do not occur by chance.
    id: 'agent-gates-github-app-installation-token',
    source: '(?<![A-Za-z])(ghs_[0-9]{1,20}_[A-Za-z0-9_-]{8,2000}\\.[A-Za-z0-9_-]{8,8000}\\.[A-Za-z0-9_-]{8,2000})(?![A-Za-z0-9_-])',
    keywords: ['ghs_'],
    body: afterPrefix(/^ghs_[0-9]+_/),
  },
  {
    // Groq API keys: `gsk_` + 52 alphanumerics (console.groq.com keys; secretlint's groq rule). Exact length
    // and boundaries on both sides.
    id: 'agent-gates-groq-key',
    source: '(?<![A-Za-z])(gsk_[A-Za-z0-9]{52})(?![A-Za-z0-9])',
    keywords: ['gsk_'],
    body: afterPrefix(/^gsk_/),
  },
  {
    // Shopify app credentials: `shpat_` (admin API access token), `shpca_` (custom app), `shppa_` (private
    // app), `shpss_` (shared secret). gitleaks wants exactly 32 hex digits; Shopify documents only the
    // prefixes, and secretlint's corpus shows base62 bodies, so the body is any 32–64 alphanumerics.
    id: 'agent-gates-shopify-token',
    source: '(?<![A-Za-z])(shp(?:at|ca|pa|ss)_[A-Za-z0-9]{32,64})(?![A-Za-z0-9])',
    keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    body: afterPrefix(/^shp[a-z]{2}_/),
  },
  {
    // Tailscale keys (tailscale.com/kb/1277/key-prefixes): `tskey-<type>-<key id>-<secret>`, types api,
    // auth, client, scim, webhook — any lowercase type is accepted so a new one is not missed. Both random
    // segments are required, so `tskey-foo` or a bare `tskey-auth-…` mention is not a key.
    id: 'agent-gates-tailscale-key',
    source: '(?<![A-Za-z])(tskey-[a-z]{2,16}-[A-Za-z0-9]{6,40}-[A-Za-z0-9]{16,80})(?![A-Za-z0-9])',
    keywords: ['tskey-'],
    body: afterPrefix(/^tskey-[a-z]+-/),
  },
  {
    // Vercel's prefixed tokens (secretlint's vercel rule): `vcp_` personal access token, `vci_` integration
    // token, `vca_` app access token, `vcr_` app refresh token, `vck_` AI Gateway API key; 20–60
    // alphanumerics follow.
    id: 'agent-gates-vercel-token',
    source: '(?<![A-Za-z])(vc[pikra]_[A-Za-z0-9]{20,60})(?![A-Za-z0-9])',
    keywords: ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'],
    body: afterPrefix(/^vc[a-z]_/),
  },
  {
    // `.npmrc` registry credentials: `//registry/:_authToken=<token>` (docs.npmjs.com, "npmrc"). The key
    // names a credential whatever the token's shape (npm, GitHub, Azure, JFrog…). `${NPM_TOKEN}` and other
    // references are not values: the value may not start with `$`, `<`, `{` or `%`, and bare variable names
    // are dropped.
    id: 'agent-gates-npmrc-auth-token',
    // No trailing check: a failed lookahead would backtrack the whole run at every `_authToken=`, and a
    // greedy run that always succeeds lets the scan resume after it (linear on `_authToken=` repeated).
    source: '_authToken[ \\t]{0,4}=[ \\t]{0,4}["\']?([A-Za-z0-9_.~+/=-]{8,4096})',
    keywords: ['_authtoken'],
    body: (s) => (looksLikeName(s) || isPlaceholderPassword(s) ? null : s),
  },
  {
    // A YAML `!!binary` scalar under a credential-named key (`db_secret: !!binary <base64>`). gitleaks'
    // generic-api-key reads the same key words but allows only quotes and spaces before the value, so the
    // tag hides it; the key words and the 3.5 entropy floor are generic-api-key's own.
    id: 'agent-gates-yaml-binary-secret',
    source:
      '(?:access|auth|api|credential|creds|key|passw(?:or)?d|secret|token)[\\w.-]{0,40}[ \\t]{0,4}:[ \\t]{0,4}!!binary[ \\t]{1,4}([A-Za-z0-9+/]{16,4096}={0,2})(?![A-Za-z0-9+/=])',
    flags: 'i',
    keywords: ['!!binary'],
    body: (s) => (shannonEntropy(s) > 3.5 ? s : null),
  },
  {
    // GitHub's documented OAuth basic auth: `https://<token>:x-oauth-basic@github.com/…`. The literal
    // password says the user name is the token; `url-credentials` would only see `x-oauth-basic`.
    id: 'agent-gates-url-oauth-user',
    source: '://([A-Za-z0-9_]{20,255}):x-oauth-basic@',
    keywords: ['x-oauth-basic'],
    body: (s) => (looksLikeName(s) ? null : s),
  },
  {
    // The environment variables libpq (`PGPASSWORD`), the mysql client (`MYSQL_PWD`) and the official
    // postgres/mysql images (`POSTGRES_PASSWORD`, `MYSQL_PASSWORD`, `MYSQL_ROOT_PASSWORD`) read a password
    // from. The name says what the value is, so a short typed password counts, which generic-api-key's 3.5
    // entropy floor drops (`PGPASSWORD=strongp@ss psql …`). `=` or `:` (shell, .env, YAML, JSON), the name
    // optionally quoted or subscripted (`os.environ["PGPASSWORD"] = …`); references (`$PG`, `${{ secrets.X }}`)
    // and stand-ins are not values.
    id: 'agent-gates-db-password-env',
    source:
      '(?<![A-Za-z0-9_])(?:PGPASSWORD|MYSQL_PWD|POSTGRES_PASSWORD|MYSQL_(?:ROOT_)?PASSWORD)[\\\\"\'\\]]{0,4}[ \\t]{0,4}[=:][ \\t]{0,4}[\\\\"\']{0,3}([^\\s"\'`\\\\;&|<>]{4,256})',
    keywords: ['pgpassword', 'mysql_pwd', 'postgres_password', 'mysql_password', 'mysql_root_password'],
    body: (s) => (looksLikeName(s) || isPlaceholderPassword(s) ? null : s),
  },
  {
    // Stripe secret and restricted keys (`sk_live_…`, `rk_test_…`). gitleaks' rule wants a quote, space or `;`
    // after the key, so Stripe's own documented form `curl … -u sk_live_…:` (the key as the basic-auth user,
    // with an empty password) and a key followed by `,` `)` `}` are missed; it also stops at 99 characters,
    // while Stripe says keys may be longer. Here the key ends wherever its alphabet does.
    id: 'agent-gates-stripe-key',
    source: '(?<![A-Za-z0-9])((?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,247})(?![A-Za-z0-9_])',
    keywords: ['sk_live_', 'sk_test_', 'sk_prod_', 'rk_live_', 'rk_test_', 'rk_prod_'],
    body: afterPrefix(/^[a-z]{2}_[a-z]+_/),
  },
  {
    // SendGrid API keys: `SG.` + 22 + `.` + 43 base64url characters (SendGrid's documented shape).
    // gitleaks' rule wants `\b` before and a quote, space or `;` after, so `setApiKey(SG.…)`, `SG.…,` or
    // `key_SG.…` are missed; the two fixed-length parts are a shape no word has.
    id: 'agent-gates-sendgrid-key',
    source: '(?<![A-Za-z0-9])(SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])',
    keywords: ['sg.'],
    body: (s) => s.slice(3),
  },
];

export const EXTRA_RULE_IDS: readonly string[] = SPECS.map((s) => s.id);

export function extraRules(): CompiledRule[] {
  return SPECS.map((spec) => ({
    id: spec.id,
    re: new RegExp(spec.source, (spec.flags ?? '') + 'gd'),
    secretGroup: spec.secretGroup ?? 1,
    entropy: 0,
    keywords: spec.keywords,
    allowlists: [],
    needsDigit: false,
    accept: (secret: string) => {
      const body = spec.body(secret);
      return body !== null && randomEnough(body);
    },
  }));
}
