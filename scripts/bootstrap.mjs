// `npm run demo` and `npm test` on a machine with only Node and npm: installs the pinned pnpm and the
// locked dependencies when they are missing, then runs the named package script with pnpm.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const [script, ...args] = process.argv.slice(2);
const pnpmVersion = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const run = (cmd, argv) => spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;
const pnpm = (argv) =>
  spawnSync('pnpm', ['--version'], { encoding: 'utf8' }).stdout?.trim() === pnpmVersion
    ? run('pnpm', argv)
    : run('npx', ['--yes', `pnpm@${pnpmVersion}`, ...argv]);

if (!existsSync(path.join(root, 'node_modules', '.modules.yaml'))) {
  console.log(`installing the locked dependencies with pnpm ${pnpmVersion} (once)…`);
  const status = pnpm(['install', '--frozen-lockfile']);
  if (status !== 0) process.exit(status);
}
process.exit(pnpm(['run', script, ...args]));
