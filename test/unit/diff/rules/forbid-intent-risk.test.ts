import { describe, expect, it } from 'vitest';
import { compareClaim } from '../../../../packages/core/src/diff/claimed.js';
import { forbidRule, intentRule, riskTier, RiskTierFiles, scopeRules } from '../../../../packages/core/src/diff/rules/index.js';
import type { Finding } from '../../../../packages/core/src/diff/types.js';
import type { Policy } from '../../../../packages/core/src/policy/index.js';
import { POLICY_FILE, changes, codes, defaults, file, policyOf, run } from './helpers.js';

describe('forbid', () => {
  it('finds every line a regex matches alone, whether the file is ruled out whole or read line by line', async () => {
    // The rule first tests a file's lines joined by \n; anchors, word boundaries and lookarounds must
    // never make it miss a line that matches on its own.
    const regexes = ['^import\\b', 'eval\\($', '\\bskip\\b', '(?<![\\s\\S])done', 'end(?![\\s\\S])', '^$', '^\\s*#', 'a\\s+b', '(x)\\1'];
    const words = ['import', 'eval(', 'skip', 'done', 'end', '', '  # c', 'a b', 'xx', ' ', 'q', 'imports'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 40; round++) {
      const files = Array.from({ length: 6 }, (_, f) => {
        const lines = Array.from({ length: 1 + Math.floor(next() * 6) }, () =>
          Array.from({ length: Math.floor(next() * 3) }, () => words[Math.floor(next() * words.length)]).join(next() < 0.5 ? '' : ' '),
        );
        return file(`src/f${f}.js`, { lines });
      });
      for (const [i, source] of regexes.entries()) {
        const base = defaults();
        const policy = { ...base, scope: { ...base.scope, forbid: [{ paths: ['**'], regex: source, message: `m${i}` }] } } as unknown as Policy;
        const found = await run(forbidRule(policy), changes(files));
        const expected = files.flatMap((f) => f.addedLines.filter((added) => new RegExp(source).test(added.text)).map((added) => `${f.path}:${added.line}`));
        expect(
          found.map((finding) => `${finding.path}:${finding.line}`),
          source,
        ).toEqual(expected);
      }
    }
  });

  const yaml = [
    'scope:',
    '  forbid:',
    '    - paths: ["test/generated/**"]',
    '      regex: "\\\\bfetch\\\\(|https?://"',
    '      message: generated tests must not call the network',
    '    - regex: "\\\\beval\\\\("',
    '      message: no eval',
    '',
  ].join('\n');

  it('fails each added line that matches, at its line, with the message and never the text', async () => {
    const policy = await policyOf(yaml);
    const set = changes([
      file('test/generated/api.test.ts', { lines: ['const token = 1;', 'await fetch("https://internal.example/secret-token-123")', 'ok'] }),
      file('src/run.js', { lines: ['', 'return eval(input)'] }),
      file('src/net.js', { lines: ['await fetch(url)'] }),
      file('src/old.js', { status: 'deleted', lines: [] }),
    ]);
    const found = await run(forbidRule(policy, POLICY_FILE), set);
    expect(found.map((f) => [f.code, f.path, f.line, f.message, f.decidedBy])).toEqual([
      ['forbidden-content', 'test/generated/api.test.ts', 2, 'generated tests must not call the network', 'scope.forbid[0] in .github/agent-gates.yml'],
      ['forbidden-content', 'src/run.js', 2, 'no eval', 'scope.forbid[1] in .github/agent-gates.yml'],
    ]);
    expect(JSON.stringify(found)).not.toContain('secret-token-123');
  });

  it('judges each entry on its own when several apply, including one with a backreference', async () => {
    const policy = await policyOf(
      [
        'scope:',
        '  forbid:',
        "    - regex: '([''\"])https?://\\S+\\1'",
        '      message: no hard-coded URLs',
        '    - paths: ["src/**"]',
        '      regex: "child_process"',
        '      message: no subprocesses',
        '    - paths: ["src/**"]',
        '      regex: "debugger"',
        '      message: no debugger',
        '',
      ].join('\n'),
    );
    const set = changes([
      file('src/a.js', { lines: ['x', "fetch('http://a.example/x')", 'require("child_process"); debugger;', 'ok'] }),
      file('lib/b.js', { lines: ['debugger', '"https://b"'] }),
    ]);
    const found = await run(forbidRule(policy), set);
    expect(found.map((f) => [f.path, f.line, f.message])).toEqual([
      ['src/a.js', 2, 'no hard-coded URLs'],
      ['src/a.js', 3, 'no subprocesses'],
      ['src/a.js', 3, 'no debugger'],
      ['lib/b.js', 2, 'no hard-coded URLs'],
    ]);
  });

  it('finds a match deep in a minified line longer than one window', async () => {
    const policy = await policyOf(yaml);
    const line = `${'a'.repeat(200_000)};eval(x);${'b'.repeat(10)}`;
    expect(codes(await run(forbidRule(policy), changes([file('dist/app.min.js', { lines: [line] })])))).toEqual(['fail forbidden-content dist/app.min.js']);
  });
});

describe('intent', () => {
  const set = changes([
    file('src/a.ts'),
    file('src/b.ts', { status: 'renamed', oldPath: 'src/old-b.ts' }),
    file('src/c.ts', { status: 'added' }),
    file('src/gone.ts', { status: 'deleted' }),
  ]);

  it('fails files the agent never claimed and warns on claims the change does not hold', async () => {
    const found = await run(intentRule(defaults(), ['./src/a.ts', 'src/old-b.ts', 'src/gone.ts', 'src/never.ts'], POLICY_FILE), set);
    expect(codes(found)).toEqual(['fail unclaimed-file src/c.ts', 'warn claimed-not-changed src/never.ts']);
    expect(found[0]?.decidedBy).toBe('scope.require-claimed in .github/agent-gates.yml');
  });

  it('compares claims whole, beyond the findings listed, for the unclaimed-files output', () => {
    const many = changes(Array.from({ length: 300 }, (_, i) => file(`src/f${i}.ts`)));
    const result = compareClaim(many, { files: ['src/f0.ts', 'src/none.ts', '/abs'] });
    expect(result.unclaimed).toHaveLength(299);
    expect(result.claimedNotChanged).toEqual(['src/none.ts']);
    expect(result.unusable).toEqual(['/abs']);
  });

  it('says so when a claimed path cannot be a repository path', async () => {
    const found = await run(intentRule(defaults(), ['/home/runner/work/repo/src/a.ts', '../x', 'src/a.ts', 'src/b.ts', 'src/c.ts', 'src/gone.ts']), set);
    expect(codes(found)).toEqual(['warn claimed-path-unusable', 'warn claimed-path-unusable']);
    expect(found[0]?.message).toContain('"/home/runner/work/repo/src/a.ts"');
  });

  it('only warns on unclaimed files when require-claimed is false', async () => {
    const policy = await policyOf('scope:\n  require-claimed: false\n');
    const found = await run(intentRule(policy, ['src/a.ts', 'src/b.ts', 'src/gone.ts']), set);
    expect(codes(found)).toEqual(['warn unclaimed-file src/c.ts']);
  });

  it('finds nothing without a claimed list, but treats an empty one as claiming nothing', async () => {
    expect(await run(intentRule(defaults(), undefined), set)).toEqual([]);
    expect(codes(await run(intentRule(defaults(), []), set))).toHaveLength(4);
  });
});

describe('risk tier', () => {
  const finding = (fields: Partial<Finding>): Finding => ({ rule: 'x', code: 'y', severity: 'warn', message: 'm', ...fields });

  it('is low for a change nothing flags', async () => {
    expect(riskTier([], changes([file('src/a.ts')]), defaults())).toEqual({ tier: 'low', why: [] });
  });

  it('is the highest tier any finding or risk-tiers entry reaches, and never lowered by a lower entry', async () => {
    const policy = await policyOf(
      'scope:\n  risk-tiers:\n    - paths: ["src/**"]\n      tier: low\n      reason: routine code\n    - paths: ["db/**"]\n      tier: high\n      reason: schema changes\n',
    );
    const set = changes([file('src/a.ts'), file('db/001.sql'), file('db/002.sql')]);
    const result = riskTier(
      [finding({ rule: 'paths', code: 'protected-path', tier: 'critical', decidedBy: 'default: agent instructions and CI workflows', path: 'CLAUDE.md' })],
      set,
      policy,
    );
    expect(result.tier).toBe('critical');
    expect(result.why).toEqual([
      'critical: paths/protected-path (default: agent instructions and CI workflows) — CLAUDE.md',
      'high: scope.risk-tiers[1]: schema changes — db/001.sql and 1 more',
    ]);
    expect(riskTier([], set, policy).tier).toBe('high');
  });

  it('is the same when the files were fed as the change streamed (RiskTierFiles), renames and repeats included', async () => {
    const policy = await policyOf(
      'scope:\n  risk-tiers:\n    - paths: ["src/**"]\n      tier: medium\n    - paths: ["db/**", "**/*.sql"]\n      tier: high\n      reason: schema\n    - paths: ["docs/**"]\n      tier: low\n',
    );
    const set = changes([
      file('db/001.sql'),
      file('src/a.ts'),
      file('db/moved.sql', { status: 'renamed', oldPath: 'src/old.sql' }),
      file('docs/x.md'),
      file('src/b.ts'),
    ]);
    const findings = [finding({ rule: 'paths', code: 'protected-path', tier: 'high', path: 'db/001.sql' }), finding({ severity: 'fail', path: 'src/a.ts' })];
    const fed = new RiskTierFiles(policy);
    for (const f of set.files) fed.add(f);
    const whole = riskTier(findings, set, policy);
    expect(riskTier(findings, set, policy, fed)).toEqual(whole);
    expect(whole.why).toEqual([
      'high: paths/protected-path — db/001.sql',
      'high: x/y — src/a.ts',
      'high: scope.risk-tiers[1]: schema — db/001.sql and 1 more',
      'medium: scope.risk-tiers[0] — src/a.ts and 2 more',
    ]);
  });

  it('counts an untiered failure as high and an untiered warning as medium, and an incomplete view as high', () => {
    expect(riskTier([finding({ severity: 'fail' })], changes([]), defaults()).tier).toBe('high');
    expect(riskTier([finding({ severity: 'warn' })], changes([]), defaults()).tier).toBe('medium');
    expect(riskTier([finding({ severity: 'pass' })], changes([]), defaults()).tier).toBe('low');
    const incomplete = riskTier([], changes([], { complete: false, incomplete: ['the API listed 3,000 files'] }), defaults());
    expect(incomplete).toEqual({ tier: 'high', why: ['high: the view of the change may be incomplete'] });
  });
});

describe('scopeRules', () => {
  it('refuses, with E_POLICY naming the setting, a glob or regex a policy object built without the loader holds', () => {
    const base = structuredClone(defaults()) as unknown as { scope: Record<string, unknown> };
    const withGlob = { ...base, scope: { ...base.scope, deniedPaths: ['ok/**', 'a/../../b'] } } as unknown as Policy;
    expect(() => scopeRules(withGlob)).toThrow(expect.objectContaining({ code: 'E_POLICY', message: expect.stringContaining('scope.denied-paths[1]') }));
    const withRegex = { ...base, scope: { ...base.scope, forbid: [{ paths: ['**'], regex: '(', message: 'm' }] } } as unknown as Policy;
    expect(() => scopeRules(withRegex)).toThrow(expect.objectContaining({ code: 'E_POLICY', message: expect.stringContaining('scope.forbid[0].regex') }));
  });

  it('runs every rule family over one change', async () => {
    const rules = scopeRules(defaults(), { claimed: ['src/a.ts'], policyFile: POLICY_FILE });
    expect(rules.map((r) => r.name)).toEqual(['paths', 'size', 'ticket', 'modes', 'forbid', 'secrets', 'intent']);
    const found = await run(rules, changes([file('src/a.ts'), file('CLAUDE.md'), file('bin/x', { status: 'added', newMode: '100755' })]));
    expect(codes(found)).toEqual([
      'warn protected-path CLAUDE.md',
      'fail executable-added bin/x',
      'fail unclaimed-file CLAUDE.md',
      'fail unclaimed-file bin/x',
    ]);
  });
});
