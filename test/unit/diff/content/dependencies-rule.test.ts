import { describe, expect, it } from 'vitest';
import { dependenciesRule, dependencyParser, MAX_ADDED_PER_FILE } from '@agent-gates/core/diff/content';
import { changeOf, summary, type FileSides } from './helpers.js';

const strict = { allowDowngrade: false, allowRegistryChange: false };

async function judge(files: FileSides[], options = strict) {
  const ctx = changeOf(files);
  return { findings: await dependenciesRule(options).run(ctx), reads: ctx.content.reads };
}

const PACKAGE_JSON = JSON.stringify({ name: 'app', dependencies: { lodash: '^4.17.21' } }, null, 2);
const CARGO_LOCK = 'version = 3\n\n[[package]]\nname = "serde"\nversion = "1.0.203"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n';
const GO_MOD = 'module example.com/app\n\ngo 1.22\n\nrequire github.com/google/uuid v1.6.0\n';

describe('dependency files', () => {
  it.each([
    ['package.json', true],
    ['web/package-lock.json', true],
    ['npm-shrinkwrap.json', true],
    ['pnpm-lock.yaml', true],
    ['yarn.lock', true],
    ['requirements.txt', true],
    ['requirements-dev.txt', true],
    ['requirements/prod.txt', true],
    ['svc/pyproject.toml', true],
    ['poetry.lock', true],
    ['uv.lock', true],
    ['go.mod', true],
    ['go.sum', true],
    ['crates/a/Cargo.toml', true],
    ['Cargo.lock', true],
    ['Gemfile.lock', true],
    ['docs/requirements.md', false],
    ['src/package.ts', false],
    ['notes.txt', false],
  ])('%s -> %s', (path, known) => {
    expect(dependencyParser(path) !== undefined).toBe(known);
  });
});

describe('dependencies rule', () => {
  it.each([
    ['package.json', PACKAGE_JSON, '{ "name": "app", "dependencies": { "lodash": '],
    ['package-lock.json', '{"lockfileVersion": 3, "packages": {}}', ''],
    ['pnpm-lock.yaml', "lockfileVersion: '9.0'\npackages: {}\n", "lockfileVersion: '9.0'\npackages:\n  lodash@4.17.21: {resolution: {integrity: x}\n"],
    ['yarn.lock', '# yarn lockfile v1\n\nlodash@^4.17.0:\n  version "4.17.21"\n', '# yarn lockfile v1\n\nlodash@^4.17.0\n  version "4.17.15"\n'],
    ['requirements.txt', 'requests==2.32.3\n', 'requests=2.31.0\n'],
    ['pyproject.toml', '[project]\nname = "a"\ndependencies = ["requests>=2.32"]\n', '[project]\nname = "a"\ndependencies = ["requests>=2.32"\n'],
    ['Cargo.lock', CARGO_LOCK, CARGO_LOCK.replace('version = "1.0.203"', 'version = 1.0.150"')],
    ['go.mod', GO_MOD, GO_MOD.replace('require', 'requires')],
    ['go.sum', 'a.example/m v1.0.0 h1:abc=\n', 'a.example/m v1.0.0\n'],
    [
      'Gemfile.lock',
      'GEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.2.1)\n',
      'GEMS\n  remote: https://rubygems.org/\n  specs:\n    rake (13.2.1)\n',
    ],
  ])('%s that fails to parse at head is a warning, never a silent pass', async (path, base, head) => {
    const { findings } = await judge([{ path, base, head }]);
    expect(summary(findings)).toEqual([`dependency-unparsed warn ${path}`]);
    expect(findings[0]!.message).toContain('could not be parsed at head');
  });

  it('a file that fails to parse at base is a warning too: nothing could be compared', async () => {
    const { findings } = await judge([{ path: 'package.json', base: '{ broken', head: PACKAGE_JSON }]);
    expect(summary(findings)).toEqual(['dependency-unparsed warn package.json']);
    expect(findings[0]!.message).toContain('at base');
  });

  it('a lockfile emptied at head is a warning, not a clean removal of everything', async () => {
    const { findings } = await judge([{ path: 'Cargo.lock', base: CARGO_LOCK, head: '' }]);
    expect(summary(findings)).toEqual(['dependency-unparsed warn Cargo.lock']);
    expect(findings[0]!.message).toContain('emptied or truncated');
  });

  it('reads only dependency files, and nothing of a deleted one', async () => {
    const { findings, reads } = await judge([
      { path: 'src/index.ts', base: 'export {};\n', head: 'export const a = 1;\n' },
      { path: 'README.md', base: 'a\n', head: 'b\n' },
      { path: 'old/package-lock.json', base: '{"lockfileVersion": 3, "packages": {}}' },
    ]);
    expect(findings).toEqual([]);
    expect(reads).toEqual([]);
  });

  it('a renamed manifest is compared with its old path', async () => {
    const { findings, reads } = await judge([{ oldPath: 'requirements.txt', path: 'requirements/base.txt', base: 'flask==3.0.3\n', head: 'flask==2.3.3\n' }]);
    expect(reads).toEqual(['head:requirements/base.txt', 'base:requirements.txt']);
    expect(findings.map((f) => f.message)).toEqual(['flask goes down from 3.0.3 to 2.3.3 in requirements/base.txt (was requirements.txt).']);
  });

  it('a new lockfile lists its first packages one by one and counts the rest', async () => {
    const packages: Record<string, unknown> = { '': { name: 'app' } };
    for (let i = 0; i < 120; i++)
      packages[`node_modules/pkg-${String(i).padStart(3, '0')}`] = { version: '1.0.0', resolved: `https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.0.0.tgz` };
    const { findings } = await judge([{ path: 'package-lock.json', head: JSON.stringify({ lockfileVersion: 3, packages }) }]);
    expect(findings).toHaveLength(MAX_ADDED_PER_FILE + 1);
    expect(findings.every((f) => f.code === 'dependency-added' && f.severity === 'pass' && f.tier === 'medium')).toBe(true);
    expect(findings.map((f) => f.message)).toContain('70 more new dependencies in package-lock.json (120 in all).');
  });

  it('credentials in an index URL never reach a message', async () => {
    const { findings } = await judge([
      {
        path: 'requirements.txt',
        base: '--index-url https://pypi.org/simple\nflask==3.0.3\n',
        head: '--index-url https://deploy:s3cr3t-t0ken@pypi.corp.example/simple\nflask==3.0.3\n',
      },
    ]);
    expect(summary(findings)).toEqual(['dependency-source-changed fail requirements.txt:1']);
    expect(JSON.stringify(findings)).not.toContain('s3cr3t');
    expect(findings[0]!.message).toBe('requirements.txt changes --index-url from pypi.org/simple to pypi.corp.example/simple.');
  });

  it('a new dependency from a URL with credentials is listed by name and cleaned source only', async () => {
    const { findings } = await judge([
      { path: 'requirements.txt', base: 'flask==3.0.3\n', head: 'flask==3.0.3\nbilling @ git+https://ci:ghp_s3cr3tT0ken@github.com/acme/billing.git@v2\n' },
    ]);
    expect(findings.map((f) => f.message)).toEqual(['New dependency billing from git github.com/acme/billing in requirements.txt.']);
    expect(JSON.stringify(findings)).not.toContain('s3cr3t');
  });

  it('editable and path installs are read, and a URL without a name is named by its cleaned location', async () => {
    const head = '-e .\n-e ./libs/common[test]\n./vendor/wheel-1.0.tar.gz\ngit+https://ci:ghp_s3cr3tT0ken@github.com/acme/tools.git@main\n';
    const { findings } = await judge([{ path: 'requirements.txt', base: '', head }]);
    expect(findings.map((f) => f.message)).toEqual([
      'New dependency . from local in requirements.txt.',
      'New dependency ./libs/common from local in requirements.txt.',
      'New dependency git github.com/acme/tools from git github.com/acme/tools in requirements.txt.',
      'New dependency wheel from local in requirements.txt.',
    ]);
    expect(JSON.stringify(findings)).not.toContain('s3cr3t');
  });

  it('an npm alias and a local file dependency are source changes', async () => {
    const head = JSON.stringify({ dependencies: { lodash: 'npm:lodash-es@^4.17.21' }, devDependencies: { chalk: 'file:../chalk' } });
    const base = JSON.stringify({ dependencies: { lodash: '^4.17.21' }, devDependencies: { chalk: '^5.3.0' } });
    const { findings } = await judge([{ path: 'package.json', base, head }]);
    expect(findings.map((f) => f.message)).toEqual([
      'chalk now comes from local instead of the npm registry in package.json.',
      'lodash now comes from alias lodash-es instead of the npm registry in package.json.',
    ]);
  });

  it('a gem moved from rubygems.org to a git repository is a source change', async () => {
    const base = 'GEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.2.1)\n    rack (3.1.3)\n\nPLATFORMS\n  ruby\n';
    const head =
      'GIT\n  remote: https://github.com/someone/rack.git\n  revision: 0123456789abcdef0123456789abcdef01234567\n  specs:\n    rack (3.1.3)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.2.1)\n\nPLATFORMS\n  ruby\n';
    const { findings } = await judge([{ path: 'Gemfile.lock', base, head }]);
    expect(findings.map((f) => f.message)).toEqual(['rack now comes from git github.com/someone/rack instead of rubygems.org in Gemfile.lock.']);
  });

  it('an upgrade, a reordering and an unchanged pin find nothing', async () => {
    const { findings } = await judge([
      { path: 'go.mod', base: GO_MOD, head: GO_MOD.replace('v1.6.0', 'v1.7.0') },
      { path: 'requirements.txt', base: 'b==1.0\na==2.0\n', head: 'A==2.0\nb==1.0\n' },
      {
        path: 'Cargo.lock',
        base: CARGO_LOCK,
        head: CARGO_LOCK.replace('registry+https://github.com/rust-lang/crates.io-index', 'sparse+https://index.crates.io/'),
      },
    ]);
    expect(findings).toEqual([]);
  });

  it('a lockfile that keeps two release lines is not downgraded by gaining an older copy', async () => {
    const lock = (versions: Record<string, string>) =>
      JSON.stringify({
        lockfileVersion: 3,
        packages: Object.fromEntries(Object.entries(versions).map(([p, v]) => [p, { version: v, resolved: `https://registry.npmjs.org/x/-/x-${v}.tgz` }])),
      });
    const base = lock({ 'node_modules/semver': '7.6.2', 'node_modules/a/node_modules/semver': '6.3.1' });
    const gained = lock({ 'node_modules/semver': '7.6.2', 'node_modules/a/node_modules/semver': '6.3.1', 'node_modules/b/node_modules/semver': '5.7.2' });
    expect((await judge([{ path: 'package-lock.json', base, head: gained }])).findings).toEqual([]);
    const pinnedBack = lock({ 'node_modules/semver': '7.6.2', 'node_modules/a/node_modules/semver': '6.0.0' });
    expect((await judge([{ path: 'package-lock.json', base, head: pinnedBack }])).findings.map((f) => f.message)).toEqual([
      'semver goes down from 6.3.1 to 6.0.0 in package-lock.json.',
    ]);
  });
});

describe('large lockfiles', () => {
  it('a 10 MB package-lock.json and a large pnpm-lock.yaml parse in bounded time and still catch the downgrade', async () => {
    const count = 32_000;
    const packages: Record<string, unknown> = { '': { name: 'monorepo' } };
    for (let i = 0; i < count; i++) {
      packages[`node_modules/pkg-${i}`] = {
        version: `1.${i % 40}.${i % 9}`,
        resolved: `https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.${i % 40}.${i % 9}.tgz`,
        integrity: `sha512-${'A'.repeat(86)}==`,
        dependencies: { [`pkg-${(i + 1) % count}`]: '^1.0.0' },
      };
    }
    const base = JSON.stringify({ name: 'monorepo', lockfileVersion: 3, packages }, null, 2);
    (packages['node_modules/pkg-777'] as { version: string }).version = '1.0.0';
    const head = JSON.stringify({ name: 'monorepo', lockfileVersion: 3, packages }, null, 2);
    expect(base.length).toBeGreaterThan(10_000_000);

    let pnpmBase = "lockfileVersion: '9.0'\n\npackages:\n\n";
    for (let i = 0; i < 10_000; i++)
      pnpmBase += `  pkg-${i}@2.${i % 30}.1:\n    resolution: {integrity: sha512-${'B'.repeat(86)}==}\n    engines: {node: '>=18'}\n\n`;
    const pnpmHead = pnpmBase.replace('  pkg-4242@2.12.1:', '  pkg-4242@2.11.0:');

    const started = performance.now();
    const { findings } = await judge([
      { path: 'package-lock.json', base, head },
      { path: 'pnpm-lock.yaml', base: pnpmBase, head: pnpmHead },
    ]);
    const elapsed = performance.now() - started;
    expect(findings.map((f) => f.message)).toEqual([
      'pkg-777 goes down from 1.17.3 to 1.0.0 in package-lock.json.',
      'pkg-4242 goes down from 2.12.1 to 2.11.0 in pnpm-lock.yaml.',
    ]);
    // Well under a second each on an idle machine; the bound leaves room for a loaded CI runner.
    expect(elapsed).toBeLessThan(45_000);
  }, 120_000);
});
