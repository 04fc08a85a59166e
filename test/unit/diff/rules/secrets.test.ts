import { describe, expect, it } from 'vitest';
import { secretsRule } from '../../../../packages/core/src/diff/rules/index.js';
import { ALNUM, pick, rng } from '../../secrets/helpers.js';
import { changes, codes, defaults, file, policyOf, run } from './helpers.js';

const r = rng(8080);
const ghToken = () => 'ghp_' + pick(r, ALNUM, 36);

describe('secrets in added lines', () => {
  it('finds a token with a suppression comment the change added, and never prints its value', async () => {
    const token = ghToken();
    const suppressed = [
      `const token = "${token}"; // gitleaks:allow`,
      `token = "${token}"  # nosecret`,
      `api_token = "${token}"  # pragma: allowlist secret`,
      `String token = "${token}"; // NOSONAR`,
    ];
    const found = await run(secretsRule(defaults()), changes([file('src/config.ts', { lines: ['// config', ...suppressed] })]));
    expect(codes(found)).toEqual(Array.from({ length: 4 }, () => 'fail secret src/config.ts'));
    expect(found.map((f) => f.line)).toEqual([2, 3, 4, 5]);
    expect(found[0]).toMatchObject({ rule: 'secrets', tier: 'critical' });
    expect(found[0]?.decidedBy).toMatch(/^secrets: built-in rule /);
    expect(JSON.stringify(found)).not.toContain(token);
    expect(JSON.stringify(found)).not.toContain(token.slice(4, 20));
  });

  it('gives the line number in the head file, not in the list of added lines', async () => {
    const token = ghToken();
    const lines = [
      { line: 10, text: 'const a = 1;' },
      { line: 42, text: `const key = "${token}";` },
    ];
    const found = await run(secretsRule(defaults()), changes([{ ...file('src/x.ts'), addedLines: lines, added: 2 }]));
    expect(found.map((f) => f.line)).toEqual([42]);
  });

  it('adds a fingerprint only when given a key, the same on every run', async () => {
    const token = ghToken();
    const set = changes([file('src/x.ts', { lines: [`token: "${token}"`] })]);
    const [withKey] = await run(secretsRule(defaults(), { fingerprintKey: 'k' }), set);
    const [again] = await run(secretsRule(defaults(), { fingerprintKey: 'k' }), set);
    expect(withKey?.message).toMatch(/fingerprint [0-9a-f]{32}/);
    expect(withKey?.message).toBe(again?.message);
    const [without] = await run(secretsRule(defaults()), set);
    expect(without?.message).not.toContain('fingerprint');
  });

  it('accepts findings only through the base policy allow-list, by path or by value, and says so', async () => {
    const token = ghToken();
    const policy = await policyOf(
      [
        'secrets:',
        '  allow:',
        '    - paths: ["test/fixtures/**"]',
        '      reason: fixture tokens are revoked',
        '    - regex: "^EXAMPLE"',
        '      reason: documented example',
        '',
      ].join('\n'),
    );
    const set = changes([file('test/fixtures/a.json', { lines: [`{"token": "${token}"}`] }), file('src/b.ts', { lines: [`const token = "${token}";`] })]);
    const found = await run(secretsRule(policy), set);
    expect(codes(found)).toEqual(['fail secret src/b.ts', 'pass secret-accepted test/fixtures/a.json']);
    expect(found[1]).toMatchObject({ decidedBy: 'secrets.allow[0]' });
    expect(found[1]?.message).toContain('fixture tokens are revoked');
  });

  it('applies the policy patterns and disabled rules', async () => {
    const policy = await policyOf('secrets:\n  patterns:\n    - id: acme-deploy\n      regex: "acme_[a-z0-9]{24}"\n');
    const found = await run(secretsRule(policy), changes([file('deploy.sh', { lines: [`ACME=acme_${pick(r, 'abcdefghij0123456789', 24)}`] })]));
    expect(found.map((f) => [f.code, f.decidedBy])).toEqual([['secret', 'secrets.patterns (acme-deploy)']]);
  });

  it('does not judge the lines of a deleted file', async () => {
    const set = changes([file('a.txt', { status: 'deleted', lines: [`token = "${ghToken()}"`] }), file('c.txt', { lines: ['no secret here'] })]);
    expect(await run(secretsRule(defaults()), set)).toEqual([]);
  });
});
