import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Temp dirs outlive a single runAction on purpose: tests read report files from RUNNER_TEMP
// after the run. They go when the test process exits; AGENT_GATES_KEEP_TEMP=1 keeps them for
// post-mortems.
const dirs = new Set<string>();
let hooked = false;

export function registerTempDir(dir: string): string {
  dirs.add(dir);
  if (!hooked) {
    hooked = true;
    process.once('exit', cleanupTempDirs);
  }
  return dir;
}

export function cleanupTempDirs(): void {
  if (process.env['AGENT_GATES_KEEP_TEMP'] === '1') return;
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort: a leftover temp dir must not turn a green run red.
    }
  }
  dirs.clear();
}

/**
 * A file outside the workspace (a stand-in for a runner file such as ~/.bashrc, holding `untouched\n`)
 * and a symbolic link to it at `name` in `dir`, as a pull request can commit one where a gate writes an
 * output. Returns the file's path, to check it was left as it was.
 */
export function linkToOutsideFile(dir: string, name: string): string {
  const victim = path.join(registerTempDir(mkdtempSync(path.join(tmpdir(), 'agent-gates-victim-'))), 'bashrc');
  writeFileSync(victim, 'untouched\n');
  symlinkSync(victim, path.join(dir, name));
  return victim;
}
