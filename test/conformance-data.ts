import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/**
 * The conformance suite is a separate repository checked out beside this one (never copied in):
 * `.github/workflows/ci.yml` checks it out at a pinned commit and links it here.
 */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const conformanceRoot = path.resolve(repoRoot, '../shared/conformance');

/** A folder (or file) of the conformance suite, e.g. `transcripts` or `secrets/detect-secrets/baseline.json`. */
export function conformanceDir(sub: string): string {
  return path.join(conformanceRoot, sub);
}

/** GitHub and `.ci/run` set CI=true; `CI=false` or `CI=0` is how a contributor says it is not CI. */
export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

export function missingConformanceMessage(sub: string): string {
  return (
    `conformance data missing: ${conformanceDir(sub)} does not exist. ` +
    `Check out the conformance repository at its pinned commit (CONFORMANCE_REPOSITORY and CONFORMANCE_SHA in ` +
    `.github/workflows/ci.yml) so that ${conformanceRoot} is its root, as that workflow does.`
  );
}

/**
 * The one way a suite reads `../shared/conformance`. When the data is there, `fn` defines the suite
 * with the data's path. When it is not: in CI the suite fails, with a test that names the missing path
 * and how to get it, because a suite that skips on the runner passes without running; elsewhere it
 * is skipped, and says so.
 */
export function describeWithConformance(name: string, sub: string, fn: (dir: string) => void): void {
  const dir = conformanceDir(sub);
  if (existsSync(dir)) {
    describe(name, () => fn(dir));
    return;
  }
  const message = missingConformanceMessage(sub);
  if (inCI()) {
    describe(name, () => {
      it(`needs ${dir}`, () => {
        throw new Error(`${message} CI is set, so a suite without its data fails instead of skipping.`);
      });
    });
    return;
  }
  console.warn(`${name}: skipped. ${message}`);
  describe(name, () => {
    it.skip(`needs ${dir} (missing; skipped outside CI)`, () => {});
  });
}
