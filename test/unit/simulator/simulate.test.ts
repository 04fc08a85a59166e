import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { simulate, WorkflowError, type Scenario } from '../../../packages/simulator/src/index.js';
import { condition, interpolate } from '../../../packages/simulator/src/expressions.js';
import { run } from '../../../packages/simulator/src/cli.js';
import { createGitRepo, pullRequestEvent } from '../../harness/git-repo.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const OK = { success: true, failure: false, cancelled: false };

function workflowFile(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sim-wf-'));
  const file = path.join(dir, 'wf.yml');
  writeFileSync(file, text);
  return file;
}

describe('expressions, evaluated by @actions/expressions', () => {
  it('keeps types for a whole expression and text for a template, and wraps conditions in success()', () => {
    const ctx = { needs: { a: { result: 'success', outputs: { n: '3' } } }, github: { event_name: 'push' } };
    expect(interpolate('${{ fromJSON(\'{"x":1}\') }}', ctx, OK)).toEqual({ x: 1 });
    expect(interpolate('n=${{ needs.a.outputs.n }} on ${{ github.event_name }}', ctx, OK)).toBe('n=3 on push');
    expect(condition("needs.a.outputs.n == '3'", ctx, OK)).toBe(true);
    expect(condition("${{ needs.a.outputs.n == '3' }}", ctx, { success: false, failure: true, cancelled: false })).toBe(false);
    expect(condition('${{ !cancelled() }}', ctx, { success: false, failure: true, cancelled: false })).toBe(true);
    expect(condition('always()', ctx, { success: false, failure: false, cancelled: true })).toBe(true);
  });
});

describe('simulate', () => {
  const repo = createGitRepo({ base: { 'README.md': '# w\n' }, head: { 'src/a.ts': 'export const a = 1;\n' } });
  const scenario = (): Scenario => ({
    name: 'unit',
    event: { name: 'pull_request', payload: pullRequestEvent(repo) },
    steps: {
      'actions/checkout': { files: { 'from-scenario/notes.txt': 'written by a simulated step\n' }, run: 'test -f from-scenario/notes.txt' },
      'acme/review': { outputs: { score: '87' } },
    },
  });

  it('runs jobs in needs order with matrix, if:, run steps, third-party steps and job outputs', async () => {
    const file = workflowFile(`name: t
on: pull_request
permissions: {}
jobs:
  second:
    needs: [first]
    runs-on: ubuntu-latest
    strategy:
      matrix:
        n: [1, 2]
    outputs:
      seen: \${{ steps.show.outputs.seen }}
    steps:
      - id: show
        env:
          FROM_FIRST: \${{ needs.first.outputs.word }}
          N: \${{ matrix.n }}
        run: echo "seen=$FROM_FIRST-$N" >> "$GITHUB_OUTPUT"
  first:
    runs-on: ubuntu-latest
    outputs:
      word: \${{ steps.say.outputs.word }}
      score: \${{ steps.review.outputs.score }}
    steps:
      - uses: actions/checkout@08eba0b27e820071cde6df949e0beb9ba4906955 # v4.3.0
        with:
          persist-credentials: false
      - id: review
        uses: acme/review@0123456789abcdef0123456789abcdef01234567
      - id: say
        run: |
          echo "word=hello" >> "$GITHUB_OUTPUT"
          echo "# first" >> "$GITHUB_STEP_SUMMARY"
      - if: \${{ failure() }}
        run: echo never
  last:
    needs: [second]
    if: \${{ !cancelled() && needs.second.result == 'success' }}
    runs-on: ubuntu-latest
    steps:
      - run: exit 3
        continue-on-error: true
      - run: echo "after a tolerated failure"
`);
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'sim-out-'));
    const lines: string[] = [];
    const result = await simulate({ workflow: file, scenario: scenario(), workspace: repo.dir, outDir, root, log: (l) => lines.push(l) });
    expect(result.jobs.map((j) => j.id)).toEqual(['first', 'second', 'second', 'last']);
    expect(result.results['first']).toEqual({ result: 'success', outputs: { word: 'hello', score: '87' } });
    expect(result.results['second']?.outputs['seen']).toMatch(/^hello-[12]$/);
    expect(result.jobs[0]!.steps.map((s) => [s.kind, s.outcome])).toEqual([
      ['simulated', 'success'],
      ['simulated', 'success'],
      ['run', 'success'],
      ['run', 'skipped'],
    ]);
    expect(result.jobs[3]!.steps.map((s) => [s.outcome, s.conclusion])).toEqual([
      ['failure', 'success'],
      ['success', 'success'],
    ]);
    expect(result.results['last']?.result).toBe('success');
    expect(readFileSync(result.jobs[0]!.steps[2]!.summaryFile!, 'utf8')).toBe('# first\n');
    expect(lines.some((l) => l.includes('(simulated)'))).toBe(true);
    expect(readFileSync(path.join(repo.dir, 'from-scenario/notes.txt'), 'utf8')).toBe('written by a simulated step\n');
  });

  it('refuses a misspelt needs or steps output before anything runs', async () => {
    const file = workflowFile(`on: pull_request
jobs:
  a:
    runs-on: ubuntu-latest
    outputs:
      verdict: \${{ steps.gate.outputs.verdict }}
    steps:
      - id: gate
        uses: acme/agent-gates/actions/capture-transcript@capture-transcript/v1
        with:
          path: t.jsonl
      - run: echo "\${{ steps.gate.outputs.verdikt }}"
  b:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.a.outputs.verdcit }} \${{ needs.c.outputs.x }}"
`);
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'sim-out-'));
    const run = simulate({ workflow: file, scenario: scenario(), workspace: repo.dir, outDir, root });
    await expect(run).rejects.toBeInstanceOf(WorkflowError);
    const message = await run.catch((e: Error) => e.message);
    expect(message).toContain('steps.gate.outputs.verdikt does not exist');
    expect(message).toContain('needs.a.outputs.verdcit does not exist');
    expect(message).toContain('needs.c is not in this job');
  });
});

describe('agent-gates simulate (command)', () => {
  const capture = () => {
    let text = '';
    const stream = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream;
    return { stream, text: () => text };
  };

  it('prints help, and refuses a missing scenario with one line and exit 1', async () => {
    const out = capture();
    const err = capture();
    expect(await run(['--help'], { stdout: out.stream, stderr: err.stream })).toBe(0);
    expect(out.text()).toContain('Usage: agent-gates simulate');
    expect(await run(['--workflow', 'x.yml', '--scenario', '/nonexistent/s.yml'], { stdout: out.stream, stderr: err.stream })).toBe(1);
    expect(err.text()).toBe('agent-gates simulate: scenario /nonexistent/s.yml does not exist\n');
  });
});
