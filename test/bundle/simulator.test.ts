import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { simulate } from '../../packages/simulator/src/index.js';
import { claudeCommandTranscript } from '../fixtures/builders.js';
import { createGitRepo, pullRequestEvent } from '../harness/git-repo.js';
import { nodeForBundles } from '../harness/run-action.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('runs a project action from its dist bundle, referenced as a user would, and chains its outputs', async () => {
  const repo = createGitRepo({ base: { 'README.md': '# w\n' }, head: { 'src/a.ts': 'export const a = 1;\n' } });
  writeFileSync(path.join(repo.dir, 'transcript.jsonl'), claudeCommandTranscript(repo.dir, ['npm test'], 'no-secret-here'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sim-wf-'));
  const file = path.join(dir, 'wf.yml');
  writeFileSync(
    file,
    `on: pull_request
permissions: {}
jobs:
  capture:
    runs-on: ubuntu-latest
    outputs:
      verdict: \${{ steps.capture.outputs.verdict }}
      tools: \${{ steps.capture.outputs.tool-calls }}
    steps:
      - id: capture
        uses: agent-gates/agent-gates/actions/capture-transcript@capture-transcript/v1
        with:
          path: transcript.jsonl
          upload: false
          fail-on: never
  report:
    needs: capture
    if: \${{ !cancelled() }}
    runs-on: ubuntu-latest
    steps:
      - env:
          VERDICT: \${{ needs.capture.outputs.verdict }}
        run: test -n "$VERDICT" && echo "verdict $VERDICT"
`,
  );
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'sim-out-'));
  const result = await simulate({
    workflow: file,
    scenario: { event: { name: 'pull_request', payload: pullRequestEvent(repo) } },
    workspace: repo.dir,
    outDir,
    root,
    node: nodeForBundles().path,
  });
  const step = result.jobs[0]!.steps[0]!;
  expect(step.kind).toBe('action');
  expect(step.outcome).toBe('success');
  expect(step.summaryFile).toBeDefined();
  expect(['pass', 'warn']).toContain(result.results['capture']?.outputs['verdict']);
  expect(Number(result.results['capture']?.outputs['tools'])).toBeGreaterThan(0);
  expect(result.results['report']?.result).toBe('success');
});
