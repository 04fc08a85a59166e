import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where an action's worker bundle is: `dist/worker/index.js`, beside the bundle that calls this
 * (pass `import.meta.url`). scripts/build.mjs builds any action's `src/worker.ts` there.
 *
 * The folder name is assembled at run time on purpose: ncc's asset relocation rewrites a path it
 * can evaluate at build time (`path.join(dir, 'worker', 'index.js')`) into a copy of the file as an
 * asset, which would ship the worker bundle twice and point at the wrong one. ncc has no opt-out
 * for this (https://github.com/vercel/ncc/issues/390).
 */
export function workerEntry(moduleUrl: string): string {
  const folder = ['worker'][0]!;
  return path.join(path.dirname(fileURLToPath(moduleUrl)), folder, 'index.js');
}
