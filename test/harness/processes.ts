import type { ChildProcess } from 'node:child_process';

// Children are started detached (own process group) so a timeout can take down the whole tree
// (an action may spawn git); this registry makes sure nothing outlives the test process even
// when a test throws before its own cleanup runs.
const live = new Set<ChildProcess>();
let hooked = false;

export function trackChild(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of live) killTree(c, 'SIGKILL');
    });
  }
  return child;
}

export function killTree(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}
