// Builds every action's ncc bundle (without ncc's build cache, whose state made licenses.txt differ
// between a fresh clone and a warm machine) into actions/<gate>/dist. With --check it builds into a
// temporary directory and fails on any difference from the committed dist/, printing it:
// users run dist/, never src/, so a stale bundle is a release bug.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const check = process.argv.includes('--check');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

function listFiles(dir, prefix = '') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

let stale = 0;
for (const gate of readdirSync(path.join(root, 'actions'))) {
  const dir = path.join(root, 'actions', gate);
  if (!existsSync(path.join(dir, 'action.yml')) || (only.length > 0 && !only.includes(gate))) continue;
  const out = check ? mkdtempSync(path.join(os.tmpdir(), `dist-${gate}-`)) : path.join(dir, 'dist');
  if (!check) rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, [ncc, 'build', path.join(dir, 'src', 'index.ts'), '-o', out, '--license', 'licenses.txt', '--quiet', '--no-cache'], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // The worker convention: an action's src/worker.ts is the code of its worker threads, built as a
  // small bundle of its own into dist/worker/, where action-kit's workerEntry() finds it.
  if (existsSync(path.join(dir, 'src', 'worker.ts'))) {
    execFileSync(process.execPath, [ncc, 'build', path.join(dir, 'src', 'worker.ts'), '-o', path.join(out, 'worker'), '--quiet', '--no-cache'], {
      cwd: dir,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  if (!check) {
    console.log(`built actions/${gate}/dist`);
    continue;
  }
  const committed = path.join(dir, 'dist');
  const names = new Set([...listFiles(out), ...listFiles(committed)]);
  for (const name of [...names].sort()) {
    const fresh = path.join(out, name);
    const old = path.join(committed, name);
    if (!existsSync(old)) console.error(`actions/${gate}/dist/${name}: missing from the committed bundle`);
    else if (!existsSync(fresh)) console.error(`actions/${gate}/dist/${name}: committed but no longer built`);
    else if (!readFileSync(fresh).equals(readFileSync(old))) {
      console.error(`actions/${gate}/dist/${name}: differs from a fresh build`);
      try {
        execFileSync('git', ['diff', '--no-index', '--stat', old, fresh], { stdio: 'inherit' });
      } catch {
        // git diff exits 1 when files differ; the stat is what we wanted printed.
      }
    } else continue;
    stale += 1;
  }
  rmSync(out, { recursive: true, force: true });
}
if (check) {
  if (stale > 0) {
    console.error(`\n${stale} file(s) in dist/ are stale. Run \`pnpm build\` and commit dist/.`);
    process.exit(1);
  }
  console.log('dist/ matches a fresh build');
}
