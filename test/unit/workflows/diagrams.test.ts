import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../../packages/simulator/src/workflow.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const diagrams = readdirSync(path.join(root, 'docs', 'diagrams')).filter((f) => f.endsWith('.md'));

/** Jobs a job waits for, directly or through others. */
function upstream(needs: Map<string, readonly string[]>, job: string, seen = new Set<string>()): Set<string> {
  for (const n of needs.get(job) ?? []) if (!seen.has(n)) upstream(needs, n, seen.add(n));
  return seen;
}

describe('docs/diagrams: each diagram matches the example it describes', () => {
  it('has the three diagrams', () => {
    expect(diagrams.sort()).toEqual(['agent-in-ci.md', 'agent-pr.md', 'hotfix.md']);
  });

  it.each(diagrams)('%s: every participant is a job of its workflow, and every message goes down a needs: edge', async (file) => {
    const text = readFileSync(path.join(root, 'docs', 'diagrams', file), 'utf8');
    const workflowFile = /%% workflow: (\S+)/.exec(text)?.[1];
    expect(workflowFile, 'a %% workflow: line').toBeDefined();
    const workflow = await loadWorkflow(path.join(root, workflowFile!));
    const needs = new Map(workflow.jobs.map((j) => [j.id, j.needs]));
    const participants = [...text.matchAll(/^\s*participant (\S+)/gm)].map((m) => m[1]!);
    expect(participants.filter((p) => !needs.has(p))).toEqual([]);
    const messages = [...text.matchAll(/^\s*(\S+)->>(\S+):/gm)].map((m) => [m[1]!, m[2]!] as const);
    expect(messages.length).toBeGreaterThan(0);
    for (const [from, to] of messages) expect(upstream(needs, to).has(from), `${from} → ${to}: ${to} does not need ${from}`).toBe(true);
  });
});
