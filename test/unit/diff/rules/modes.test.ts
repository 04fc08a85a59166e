import { describe, expect, it } from 'vitest';
import { modesRule, symlinkProblem } from '../../../../packages/core/src/diff/rules/index.js';
import { POLICY_FILE, changes, codes, defaults, file, policyOf, run } from './helpers.js';

const link = (path: string, target: string | undefined, extra = {}) =>
  file(path, { status: 'added', newMode: '120000', ...(target !== undefined ? { symlinkTarget: target } : {}), ...extra });

describe('modes: symbolic links', () => {
  it('fails a symlink to /etc whatever allow-symlinks says', async () => {
    const policy = await policyOf('scope:\n  allow-symlinks: true\n');
    const found = await run(modesRule(policy, POLICY_FILE), changes([link('config/passwd', '/etc/passwd')]));
    expect(codes(found)).toEqual(['fail symlink-outside-repository config/passwd']);
    expect(found[0]).toMatchObject({ tier: 'critical', decidedBy: 'always: symbolic links' });
    expect(found[0]?.message).toContain('"/etc/passwd"');
  });

  it.each([
    ['a/link', '../../outside', 'climbs above its root'],
    ['link', '..', 'climbs above its root'],
    ['a/b/link', '../../../etc', 'climbs above its root'],
    ['link', 'C:\\Windows', 'absolute path'],
    ['link', '~/.ssh/id_rsa', 'absolute path'],
    ['docs/hooks', '../.git/hooks', 'points into .git'],
    ['x', '.GIT/config', 'points into .git'],
  ])('knows %s -> %s leaves the repository', (path, target, words) => {
    expect(symlinkProblem(path, target)).toContain(words);
  });

  it.each([
    ['a/link', '../b/file'],
    ['a/b/link', '../../README.md'],
    ['link', '.'],
    ['link', 'docs/./x'],
  ])('knows %s -> %s stays inside', (path, target) => {
    expect(symlinkProblem(path, target)).toBeUndefined();
  });

  it('fails a symlink inside the repository by default, and lists it when allowed', async () => {
    expect(codes(await run(modesRule(defaults()), changes([link('docs/latest', 'v2/index.md')])))).toEqual(['fail symlink-added docs/latest']);
    const allowed = await policyOf('scope:\n  allow-symlinks: true\n');
    const found = await run(modesRule(allowed), changes([link('docs/latest', 'v2/index.md')]));
    expect(codes(found)).toEqual(['pass symlink-added docs/latest']);
    expect(found[0]?.message).toContain('"v2/index.md"');
  });

  it('never passes a symlink whose target the reader did not give', async () => {
    const allowed = await policyOf('scope:\n  allow-symlinks: true\n');
    expect(codes(await run(modesRule(allowed), changes([link('docs/latest', undefined)])))).toEqual(['warn symlink-added docs/latest']);
  });
});

describe('modes: executables, submodules, binaries', () => {
  it('fails an added executable and a file made executable, but not one that already was', async () => {
    const set = changes([
      file('scripts/new.sh', { status: 'added', newMode: '100755' }),
      file('scripts/old.sh', { oldMode: '100644', newMode: '100755' }),
      file('scripts/kept.sh', { oldMode: '100755', newMode: '100755' }),
    ]);
    const found = await run(modesRule(defaults(), POLICY_FILE), set);
    expect(codes(found)).toEqual(['fail executable-added scripts/new.sh', 'fail executable-added scripts/old.sh']);
    expect(found[0]?.decidedBy).toBe('scope.allow-executable in .github/agent-gates.yml');
    const allowed = await policyOf('scope:\n  allow-executable: true\n');
    expect(codes(await run(modesRule(allowed), set))).toEqual(['pass executable-added scripts/new.sh', 'pass executable-added scripts/old.sh']);
  });

  it('fails a submodule added, updated or removed unless allowed', async () => {
    const set = changes([
      file('vendor/lib', { status: 'added', newMode: '160000', newBlob: 'c'.repeat(40) }),
      file('vendor/old', { oldMode: '160000', newMode: '160000', newBlob: 'd'.repeat(40) }),
      file('vendor/gone', { status: 'deleted', oldMode: '160000' }),
    ]);
    const found = await run(modesRule(defaults()), set);
    expect(codes(found)).toEqual(['fail submodule-changed vendor/lib', 'fail submodule-changed vendor/old', 'fail submodule-changed vendor/gone']);
    expect(found.map((f) => f.message.split(' ')[2])).toEqual(['adds', 'updates', 'removes']);
    const allowed = await policyOf('scope:\n  allow-submodules: true\n');
    expect((await run(modesRule(allowed), set)).every((f) => f.severity === 'pass')).toBe(true);
  });

  it('fails a binary file under forbid-binary, lists it otherwise, and ignores a deleted one', async () => {
    const set = changes([file('img/logo.png', { binary: true, status: 'added' }), file('img/old.png', { binary: true, status: 'deleted' })]);
    expect(codes(await run(modesRule(defaults()), set))).toEqual(['fail binary-file img/logo.png']);
    const allowed = await policyOf('scope:\n  forbid-binary: false\n');
    expect(codes(await run(modesRule(allowed), set))).toEqual(['pass binary-file img/logo.png']);
  });
});

describe('modes: file names', () => {
  it.each([
    ['src/invoice\u202egnp.js', 'bidirectional'],
    ['src/a\u2066b.ts', 'bidirectional'],
    ['docs/line\nbreak.md', 'control character'],
    ['docs/esc\u001b[31m.md', 'control character'],
    ['src/zero\u200bwidth.ts', 'invisible'],
  ])('fails the name %j', async (path, words) => {
    const found = await run(modesRule(defaults()), changes([file(path, { pathBytes: Buffer.from(path).toString('hex') })]));
    expect(codes(found)).toEqual([`fail unsafe-file-name ${path}`]);
    expect(found[0]?.message).toContain(words);
    // eslint-disable-next-line no-control-regex -- the point is that none is left
    expect(found[0]?.message).not.toMatch(/[\u0000-\u001f\u200b\u202e\u2066]/);
  });

  it('judges the old name of a rename too', async () => {
    const found = await run(modesRule(defaults()), changes([file('src/ok.ts', { status: 'renamed', oldPath: 'src/o\u202ek.ts' })]));
    expect(codes(found)).toEqual(['fail unsafe-file-name src/o\u202ek.ts']);
  });

  it('warns on a name that is not UTF-8', async () => {
    const found = await run(modesRule(defaults()), changes([file('data/caf\ufffd.txt', { pathBytes: '646174612f636166e92e747874' })]));
    expect(codes(found)).toEqual(['warn non-utf8-file-name data/caf\ufffd.txt']);
    expect(found[0]?.message).toContain('646174612f636166e92e747874');
  });
});

describe('modes: API mode', () => {
  it('says the mode checks did not run, as a warning, since the REST listing has no modes', async () => {
    const p = defaults();
    const found = await run(modesRule(p), changes([file('bin/run.sh', { status: 'added' })], { mode: 'api' }));
    expect(found).toEqual([
      expect.objectContaining({
        code: 'modes-unchecked',
        severity: 'warn',
        message: expect.stringMatching(/executable-bit, symbolic-link and submodule checks did not run/),
      }),
    ]);
  });

  it('adds nothing of the kind in git mode', async () => {
    const found = await run(modesRule(defaults()), changes([file('bin/run.sh', { status: 'added', newMode: '100644' })]));
    expect(codes(found)).toEqual([]);
  });
});
