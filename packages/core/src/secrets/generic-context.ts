/**
 * Context for gitleaks' generic-api-key rule, which fires on any high-entropy value after a name holding
 * `key`, `token`, `secret`… Design-tool and build data are full of members such as `"key": "<sha1>"`
 * (a Figma component's key), `"file_key": …`, `"cache_key": "<sha256>"`: identifiers that happen to be
 * hashes. Reporting them masks the value all over the job log and tells the user to rotate a secret that
 * does not exist (39 of 41 findings in one real Gemini session).
 *
 * A finding is dropped only when all three hold:
 * - the value is hash-shaped: hex in one letter case (16 to 128 digits) or a UUID; under a `file` name
 *   (`file_key`, `fileKey`) also 16 to 64 letters and digits, the shape of a Figma file key, which is part of
 *   the file's share URL;
 * - it is an object member (`name: value`, JSON or YAML), not an assignment: `key = "2b7e…"` in code is
 *   how a symmetric key is written, and stays reported;
 * - every word of the member name is an identifier word (`key`, `id`, `hash`…) or a noun that names a
 *   non-credential thing (`file`, `cache`, `component`…). One word outside that list, a credential word
 *   (`api`, `secret`, `private`, `signing`…) or any unknown one such as a vendor name (`datadog_key`),
 *   keeps the finding.
 */

const HASH_SHAPED = /^(?:[0-9a-f]{16,128}|[0-9A-F]{16,128}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

/** A Figma file key (`https://www.figma.com/design/<file key>/…`): base62, 22 characters today. */
const FILE_KEY_SHAPED = /^[A-Za-z0-9]{16,64}$/;

const IDENTIFIER_WORDS = new Set([
  'key',
  'keys',
  'id',
  'ids',
  'uuid',
  'hash',
  'sha',
  'md',
  'digest',
  'checksum',
  'etag',
  'fingerprint',
  // Things whose key is an identifier: design tools, caches, stores, builds.
  'file',
  'cache',
  'component',
  'components',
  'style',
  'styles',
  'node',
  'sort',
  'row',
  'partition',
  'object',
  'idempotency',
  'dedup',
  'dedupe',
  'lookup',
  'content',
  'commit',
  'blob',
  'tree',
  'cell',
  'layer',
  'frame',
  'variable',
  'collection',
  'page',
  'asset',
  'document',
  'doc',
  'record',
  'item',
  'entry',
  'index',
  'unique',
  'group',
  'version',
  'revision',
  'state',
  'storage',
  'translation',
  'i18n',
  'message',
  'list',
  'query',
  'route',
  'field',
  'column',
  'event',
  'job',
  'task',
  'build',
  'artifact',
  'image',
  'media',
  'library',
  'team',
  'project',
  'instance',
  'parent',
  'child',
  'cursor',
  'mode',
  'prop',
  'property',
  'element',
  'section',
  'block',
  'template',
  'theme',
  'font',
  'color',
  'icon',
  'container',
  'primary',
  'foreign',
  'composite',
  'sequence',
  'bucket',
  'schema',
  'react',
]);

/** Characters a member name is made of, in text and in JSON (where it may end in `\"`). */
const NAME_CHAR = /[A-Za-z0-9_.-]/;
const NAME_BACK_LIMIT = 64;

/**
 * `file_key` → file, key; `componentKey` → component, key; `STYLE_KEY` → style, key. Numbers and version
 * tags (`key2`, `cache_key_v2`) say nothing about what the value is.
 */
function nameWords(name: string): string[] {
  const words = name.replace(/(^|[_.-])v[0-9]+(?=$|[_.-])/gi, '$1').match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g) ?? [];
  return words.map((w) => w.toLowerCase());
}

/**
 * True when a generic-api-key match is a hash under a non-credential member name. `match` starts at the
 * credential word the rule found; `text` and `index` give what precedes it (`file_` before `key`).
 */
export function isHashUnderIdentifierName(secret: string, match: string, text: string, index: number): boolean {
  const hashShaped = HASH_SHAPED.test(secret);
  if (!hashShaped && !FILE_KEY_SHAPED.test(secret)) return false;
  let start = index;
  const stop = Math.max(0, index - NAME_BACK_LIMIT);
  while (start > stop && NAME_CHAR.test(text[start - 1]!)) start--;
  const inMatch = /^[A-Za-z0-9_.-]*/.exec(match)![0];
  // The separator: after the name, optional quotes, backslashes (JSON in JSON) and spaces, a lone `:`.
  const separator = /^[\s'"\\]{0,6}(:{1,3}=?|=>|[=>,]|\|\||\?=)/.exec(match.slice(inMatch.length));
  if (!separator || separator[1] !== ':') return false;
  const words = nameWords(text.slice(start, index) + inMatch);
  if (!words.length || !words.every((w) => IDENTIFIER_WORDS.has(w))) return false;
  return hashShaped || words.includes('file');
}
