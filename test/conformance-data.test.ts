import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { conformanceDir, inCI } from './conformance-data.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const fixtureConfig = path.join(repoRoot, 'test/fixtures/conformance-idiom/vitest.config.ts');
const missing = conformanceDir('no-such-folder-agent-gates-idiom-test');

/** Runs the fixture suite (data always missing) in its own vitest, with CI set or not. */
function runFixture(ci: string | undefined): { status: number | null; output: string } {
  const env: NodeJS.ProcessEnv = {};
  // The parent's CI and vitest worker variables must not leak into the child's decision.
  for (const [key, value] of Object.entries(process.env)) if (key !== 'CI' && !key.startsWith('VITEST') && key !== 'NODE_OPTIONS') env[key] = value;
  if (ci !== undefined) env.CI = ci;
  const vitest = path.join(repoRoot, 'node_modules/vitest/vitest.mjs');
  const run = spawnSync(process.execPath, [vitest, 'run', '--config', fixtureConfig, '--no-color'], { cwd: repoRoot, env, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

describe('describeWithConformance', () => {
  it('fails a suite whose conformance data is missing when CI is set, naming the path and how to get it', () => {
    const run = runFixture('true');
    expect(run.status, run.output).toBe(1);
    expect(run.output).toContain(`needs ${missing}`);
    expect(run.output).toContain(`conformance data missing: ${missing} does not exist`);
    expect(run.output).toContain('CONFORMANCE_SHA');
    expect(run.output).not.toContain('the suite body ran');
  });

  it('skips it visibly outside CI', () => {
    const run = runFixture(undefined);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/1 skipped/);
    expect(run.output).toContain(`suite whose data is missing: skipped. conformance data missing: ${missing}`);
  });

  it('reads CI as GitHub and .ci/run set it, and lets CI=false or CI=0 mean not CI', () => {
    expect(inCI({ CI: 'true' })).toBe(true);
    expect(inCI({ CI: '1' })).toBe(true);
    expect(inCI({})).toBe(false);
    expect(inCI({ CI: '' })).toBe(false);
    expect(inCI({ CI: 'false' })).toBe(false);
    expect(inCI({ CI: '0' })).toBe(false);
  });
});
