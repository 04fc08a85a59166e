import { rmSync } from 'node:fs';

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
