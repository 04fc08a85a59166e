import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkReferences, loadWorkflow, type Scenario } from '../../packages/simulator/src/index.js';
import { runDemo } from '../../scripts/demo/run.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const examples = readdirSync(path.join(root, 'workflows-examples')).filter((f) => f.endsWith('.yml'));
// The AI agent's and reviewer's outputs come from the scenario of whoever runs the example: declared here.
const noScenario: Scenario = {
  event: { name: 'pull_request', payload: {} },
  steps: { 'anthropics/claude-code-action': { outputs: { execution_file: '', score: '', risk: '' } } },
};

describe('example pipelines', () => {
  it.each(examples)('%s: every needs/steps output it reads exists, and every gate input it sets is declared', async (file) => {
    const workflow = await loadWorkflow(path.join(root, 'workflows-examples', file));
    // The AI reviewer's outputs come from the scenario of whoever runs it: declared here.
    const problems = checkReferences(workflow, root, {
      ...noScenario,
      steps: { 'anthropics/claude-code-action': { outputs: { execution_file: '', score: '', risk: '' } } },
    });
    expect(problems).toEqual([]);
  });

  it('a misspelt needs output in agent-in-ci.yml is refused before anything runs', async () => {
    const text = readFileSync(path.join(root, 'workflows-examples', 'agent-in-ci.yml'), 'utf8').replace(
      'needs.route.outputs.confidence',
      'needs.route.outputs.confidense',
    );
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'example-typo-')), 'agent-in-ci.yml');
    writeFileSync(file, text);
    const problems = checkReferences(await loadWorkflow(file), root, noScenario);
    expect(problems).toEqual([expect.stringContaining('needs.route.outputs.confidense does not exist')]);
  });

  it('agent-in-ci.yml in the simulator: auto-approves the clean change, sends the workflow edit to a person, rejects the leak, and chains the audit log', async () => {
    const demo = await runDemo();
    expect(demo.runs.map((r) => [r.name, r.action])).toEqual(demo.runs.map((r) => [r.name, r.expected]));
    expect(demo.chain).toMatchObject({ ok: true, events: 3 });
    const [clean, workflowEdit, leak] = demo.runs.map((r) => r.result.results);
    // The gates' verdicts behind each decision.
    expect([clean!['agent']?.outputs['verdict'], clean!['manifest']?.outputs['verdict'], clean!['scope']?.outputs['verdict']]).toEqual([
      'pass',
      'pass',
      'pass',
    ]);
    expect(workflowEdit!['scope']?.outputs['risk']).toBe('critical');
    expect(leak!['scope']?.outputs['verdict']).toBe('fail');
    expect(leak!['stop']?.result).toBe('failure');
    expect(clean!['merge']?.result).toBe('success');
    expect(workflowEdit!['review']?.result).toBe('success');
    // The reviewer's page never shows the planted key.
    expect(readFileSync(demo.page, 'utf8')).not.toMatch(/ghp_[A-Za-z0-9]{36}/);
  }, 600_000);
});
