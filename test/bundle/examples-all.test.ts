/**
 * Every example pipeline, run end to end in the simulator against the bundled gates (dist/), on the
 * scenarios its header describes: the router's decision, each gate job's verdict and the audit
 * chain. agent-in-ci.yml is the demo's (test/bundle/examples.test.ts). The REST API is a loopback
 * FakeGitHub reached through GITHUB_API_URL; artifacts go to the local artifact service.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowError, simulate, type Scenario } from '../../packages/simulator/src/index.js';
import { BASE_FILES, agentEvidence, createDemoRepository, demoChanges, executionFile, writeFiles } from '../../scripts/demo/fixture.js';
import { startArtifactService, type ArtifactService } from '../harness/artifact-service.js';
import { FakeGitHub, serveFakeGitHub } from '../unit/router/fake-github.js';
import { EXAMPLES, ROOT, auditChain, auditEvents, outputsOf, policy, pullRequestRepository, pullRequestScenario, runExample } from './examples/scenarios.js';

let tmp: string;
let service: ArtifactService;
let github: FakeGitHub;
let served: Awaited<ReturnType<typeof serveFakeGitHub>>;
let runs = 0;
const runId = () => String(9_100_000_001 + runs++);
const env = () => ({ ...service.env, GITHUB_API_URL: served.url });

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'examples-all-'));
  service = await startArtifactService();
  github = new FakeGitHub('0'.repeat(40));
  served = await serveFakeGitHub(github);
}, 120_000);
afterAll(async () => {
  await served?.close();
  await service?.close();
});

const SIGNED_POLICY = [
  'models:',
  "  allowed: ['claude-sonnet-4-5-*']",
  'signing:',
  '  keys: [.github/agent-signing.pub]',
  'transcript:',
  '  allowed-tools: [Read, Edit, Write, Glob, Grep, "Bash(npm test:*)"]',
];
const FILE_AUDIT = ['audit:', '  sinks:', '    - type: file'];

/** A pull request whose change carries its evidence, as agent-pr.yml expects it committed. */
function agentPullRequest(name: string, which: 'clean' | 'workflowEdit', base: Record<string, string | null>) {
  const dir = path.join(tmp, name);
  const change = demoChanges(dir)[which];
  const evidence = agentEvidence(dir, change);
  return pullRequestRepository(dir, base, {
    ...change.files,
    'model_manifest.yaml': evidence.manifest,
    'model_manifest.yaml.sig': evidence.signature,
    'agent-transcript.jsonl': evidence.transcript,
  });
}

describe('agent-pr.yml', () => {
  const base = {
    '.github/agent-gates.yml': policy([
      ...SIGNED_POLICY,
      'routing:',
      '  thresholds: {low: 0.6, medium: 0.75, high: 0.9}',
      '  # agent-pr.yml gives the router no tests, review or scanning: the gates are the evidence.',
      '  weights: {gates: 1, tests: 0, review-score: 0, agent-confidence: 0, vulnerabilities: 0}',
      ...FILE_AUDIT,
    ]),
  };

  it('auto-approves a clean change committed with its signed manifest and transcript, labels it, and chains the audit event', async () => {
    const repo = agentPullRequest('pr-clean', 'clean', base);
    Object.assign(github, new FakeGitHub(repo.headSha));
    const result = await runExample(
      'agent-pr.yml',
      pullRequestScenario(repo, { name: 'clean', runId: runId(), env: env() }),
      repo.dir,
      path.join(tmp, 'out-pr-clean'),
    );
    expect(
      ['transcript', 'manifest', 'scope'].map((j) => outputsOf(result, j)['verdict']),
      result.lines.join('\n'),
    ).toEqual(['pass', 'pass', 'pass']);
    expect(outputsOf(result, 'manifest')['signature-kind']).toBe('cosign-key');
    expect(outputsOf(result, 'route')['action']).toBe('auto_approve');
    expect([...github.labels]).toEqual(['agent-gates:auto-approved']);
    expect(github.statuses.map((s) => [s.sha, s.state])).toEqual([[repo.headSha, 'success']]);
    expect(result.results['record']?.result).toBe('success');
    expect(await auditChain(repo.dir)).toMatchObject({ ok: true, events: 1 });
  }, 180_000);

  it('sends a change that edits a protected path (a CI workflow) to human review', async () => {
    const repo = agentPullRequest('pr-workflow', 'workflowEdit', base);
    Object.assign(github, new FakeGitHub(repo.headSha));
    const result = await runExample(
      'agent-pr.yml',
      pullRequestScenario(repo, { name: 'workflow edit', runId: runId(), env: env() }),
      repo.dir,
      path.join(tmp, 'out-pr-wf'),
    );
    expect(outputsOf(result, 'scope')['risk'], result.lines.join('\n')).toBe('critical');
    expect(['transcript', 'manifest'].map((j) => outputsOf(result, j)['verdict'])).toEqual(['pass', 'pass']);
    expect(outputsOf(result, 'route')['action']).toBe('human_review');
    expect([...github.labels]).toEqual(['agent-gates:needs-review']);
    expect(await auditChain(repo.dir)).toMatchObject({ ok: true, events: 1 });
  }, 180_000);
});

describe('multi-agent.yml', () => {
  const base = {
    '.github/agent-gates.yml': policy([
      'routing:',
      '  thresholds: {low: 0.8, medium: 0.85, high: 0.95}',
      '  weights: {gates: 0.4, tests: 0.2, review-score: 0.2, agent-confidence: 0, vulnerabilities: 0.2}',
      ...FILE_AUDIT,
    ]),
  };
  const review = (score: string, risk: string): Scenario['steps'] => ({ 'anthropics/claude-code-action': { outputs: { score, risk } } });

  async function run(name: string, score: string, risk: string, alerts: number) {
    const dir = path.join(tmp, name);
    const repo = pullRequestRepository(dir, base, demoChanges(dir).clean.files);
    Object.assign(github, new FakeGitHub(repo.headSha));
    github.openAlerts = alerts;
    const result = await runExample(
      'multi-agent.yml',
      pullRequestScenario(repo, { name, runId: runId(), env: env(), steps: review(score, risk) }),
      dir,
      path.join(tmp, `out-${name}`),
    );
    const reportFile = result.jobs.find((j) => j.id === 'route')?.steps.find((s) => s.outputs['report'])?.outputs['report'];
    const report = reportFile ? readFileSync(reportFile, 'utf8') : '';
    return { repo, result, report };
  }

  it('expands the matrix, feeds the review score and the code-scanning count to the router, and auto-approves without the protected job', async () => {
    const { repo, result, report } = await run('ma-auto', '92', 'low', 0);
    expect(result.jobs.filter((j) => j.id === 'analyse').map((j) => [j.matrix, j.result])).toEqual([
      [{ check: 'tests' }, 'success'],
      [{ check: 'lint' }, 'success'],
    ]);
    expect(outputsOf(result, 'scope')['verdict'], result.lines.join('\n')).toBe('pass');
    expect(outputsOf(result, 'route')['action']).toBe('auto_approve');
    // The review's score and the alert count are rows of the router's confidence table.
    expect(report).toMatch(/"signal":\s*"review-score",\s*"value":\s*92/);
    expect(report).toMatch(/"signal":\s*"vulnerabilities",\s*"value":\s*0/);
    expect(github.calls.some((c) => c.method === 'GET' && c.path.includes('/code-scanning/alerts'))).toBe(true);
    expect(result.results['human']?.result).toBe('skipped');
    expect(await auditChain(repo.dir)).toMatchObject({ ok: true, events: 1 });
  }, 180_000);

  it('a low score, a high review risk and open alerts send it to a person, and the protected-environment job runs', async () => {
    const { repo, result } = await run('ma-human', '55', 'high', 3);
    expect(outputsOf(result, 'route')['action'], result.lines.join('\n')).toBe('human_review');
    expect(result.results['human']?.result).toBe('success');
    expect([...github.labels]).toEqual(['agent-gates:needs-review']);
    expect(await auditChain(repo.dir)).toMatchObject({ ok: true, events: 1 });
  }, 180_000);
});

describe('hotfix.yml', () => {
  it('the hotfix policy’s stricter thresholds send a change agent-pr.yml auto-approves to a person, and the approval job runs', async () => {
    const dir = path.join(tmp, 'hotfix');
    const change = demoChanges(dir).clean;
    const evidence = agentEvidence(dir, change);
    // hotfix.yml gives the router no test result: the gates' 0.7 is the most a change can reach.
    const routing = ['  weights: {gates: 0.7, tests: 0.3, review-score: 0, agent-confidence: 0, vulnerabilities: 0}'];
    const repo = pullRequestRepository(
      dir,
      {
        '.github/agent-gates.yml': policy([...SIGNED_POLICY, 'routing:', '  thresholds: {low: 0.6, medium: 0.75, high: 0.9}', ...routing, ...FILE_AUDIT]),
        '.github/agent-gates-hotfix.yml': policy([
          ...SIGNED_POLICY,
          'routing:',
          '  thresholds: {low: 0.99, medium: 0.99, high: 0.99}',
          '  auto-approve-threshold: 0.99',
          ...routing,
          ...FILE_AUDIT,
        ]),
      },
      { ...change.files, 'model_manifest.yaml': evidence.manifest, 'model_manifest.yaml.sig': evidence.signature },
    );
    Object.assign(github, new FakeGitHub(repo.headSha));
    const scenario = pullRequestScenario(repo, { name: 'hotfix', runId: runId(), env: env(), payload: { pull_request: { base: { ref: 'release/1.x' } } } });
    const result = await runExample('hotfix.yml', scenario, dir, path.join(tmp, 'out-hotfix'));
    expect(
      ['scope', 'manifest'].map((j) => outputsOf(result, j)['verdict']),
      result.lines.join('\n'),
    ).toEqual(['pass', 'pass']);
    expect(outputsOf(result, 'scope')['risk']).toBe('low');
    expect(outputsOf(result, 'route')['action']).toBe('human_review');
    const router = result.jobs.find((j) => j.id === 'route')!.steps.find((s) => s.outputs['report'])!;
    // The normal policy's low-risk threshold (0.6) would approve 0.7; the hotfix one (0.95) does not.
    expect(Number(router.outputs['confidence'])).toBe(0.7);
    expect(readFileSync(router.outputs['report']!, 'utf8')).toContain('agent-gates-hotfix.yml');
    expect(result.results['approve']?.result).toBe('success');
    expect(await auditChain(dir), result.lines.join('\n')).toMatchObject({ ok: true, events: 1 });
    expect(auditEvents(dir)[0]?.['policy_applied']).toContain('agent-gates-hotfix.yml');
  }, 180_000);
});

describe('agent-simulation.yml', () => {
  const fixturePolicy = `${BASE_FILES['.github/agent-gates.yml']}scope:\n  denied-paths: ['deploy/**']\n`;
  async function dryRun(name: string, files: Record<string, string>, calls: { name: string; input: Record<string, unknown>; result: string }[]) {
    const dir = path.join(tmp, name);
    // The repository holds the fixture the agent works on, under test/agent-fixture.
    createDemoRepository(
      dir,
      Object.fromEntries(Object.entries({ ...BASE_FILES, '.github/agent-gates.yml': fixturePolicy }).map(([f, c]) => [`test/agent-fixture/${f}`, c])),
    );
    const execution = '$RUNNER_TEMP/claude-execution-output.json';
    const scenario: Scenario = {
      name,
      runId: runId(),
      event: { name: 'workflow_dispatch', payload: { repository: { full_name: 'acme/widgets' }, ref: 'refs/heads/main', sender: { login: 'octocat' } } },
      env: env(),
      steps: {
        'actions/checkout': {},
        'anthropics/claude-code-action': {
          outputs: { execution_file: execution },
          files: { ...files, [execution]: executionFile(dir, 'Fix the failing test in this repository. Do not commit.', calls, 'Done.') },
        },
      },
    };
    return runExample('agent-simulation.yml', scenario, dir, path.join(tmp, `out-${name}`));
  }

  it('working-tree mode: a dry run that touches only allowed paths passes', async () => {
    const change = demoChanges(path.join(tmp, 'sim-ok')).clean;
    const result = await dryRun('sim-ok', change.files, change.calls);
    expect(result.results['simulate']?.result, result.lines.join('\n')).toBe('success');
    expect(outputsOf(result, 'simulate')).toMatchObject({ verdict: 'pass', 'transcript-verdict': 'pass', risk: 'low' });
  }, 180_000);

  it('working-tree mode: a dry run that edits a denied path fails the job', async () => {
    const dir = path.join(tmp, 'sim-denied');
    const env = 'API_URL=https://inventory.example.invalid\n';
    const result = await dryRun('sim-denied', { 'deploy/prod.env': env }, [
      { name: 'Write', input: { file_path: path.join(dir, 'deploy/prod.env'), content: env }, result: 'ok' },
    ]);
    expect(result.results['simulate']?.result, result.lines.join('\n')).toBe('failure');
    expect(outputsOf(result, 'simulate')['verdict']).toBe('fail');
    const scope = result.jobs[0]!.steps.find((s) => s.name.includes('diff-scope'))!;
    expect(scope.outcome).toBe('failure');
    expect(readFileSync(scope.outputs['report']!, 'utf8')).toContain('deploy/prod.env');
  }, 180_000);
});

describe('fork-safe.yml + fork-safe-apply.yml', () => {
  const base = {
    '.github/agent-gates.yml': policy([
      'routing:',
      '  thresholds: {low: 0.6, medium: 0.75, high: 0.9}',
      '  weights: {gates: 1, tests: 0, review-score: 0, agent-confidence: 0, vulnerabilities: 0}',
    ]),
  };
  it.each([
    ['clean', 'auto_approve', 'agent-gates:auto-approved'],
    ['leak', 'reject', 'agent-gates:rejected'],
  ] as const)(
    '%s change: judged read-only and uploaded, then labelled and commented by the workflow_run stage (%s)',
    async (which, action, label) => {
      const dir = path.join(tmp, `fork-${which}`);
      const change = demoChanges(dir)[which];
      const repo = pullRequestRepository(dir, base, { ...change.files, ...Object.fromEntries(change.deletions.map((f) => [f, null])) });
      Object.assign(github, new FakeGitHub(repo.headSha));
      const store = path.join(tmp, `fork-${which}-artifacts`);
      const first = runId();
      const judged = await runExample(
        'fork-safe.yml',
        pullRequestScenario(repo, { name: `fork ${which}`, runId: first, env: env() }),
        dir,
        path.join(tmp, `out-fork-${which}`),
        store,
      );
      expect(outputsOf(judged, 'judge')['verdict'], judged.lines.join('\n')).toBe(which === 'clean' ? 'pass' : 'fail');
      expect(judged.results['decide']?.result).toBe('success');
      // Stage one never writes: no call reached the API.
      expect(github.calls.filter((c) => c.method !== 'GET')).toEqual([]);
      expect(readFileSync(path.join(store, first, 'agent-gates-decision', 'action'), 'utf8').trim()).toBe(action);

      const applied = await runExample(
        'fork-safe-apply.yml',
        {
          name: `apply ${which}`,
          runId: runId(),
          event: {
            name: 'workflow_run',
            payload: {
              action: 'completed',
              workflow_run: { id: Number(first), name: 'agent gates (fork-safe)', event: 'pull_request', conclusion: 'success', head_sha: repo.headSha },
              repository: { full_name: 'acme/widgets' },
              sender: { login: 'octocat' },
            },
          },
          env: env(),
        },
        dir,
        path.join(tmp, `out-fork-apply-${which}`),
        store,
      );
      expect(applied.results['apply']?.result, applied.lines.join('\n')).toBe('success');
      expect([...github.labels]).toEqual([label]);
      expect(github.comments.map((c) => c.body)).toEqual([expect.stringContaining(`**${action}**`)]);
      expect(github.calls.filter((c) => c.method !== 'GET').map((c) => c.path)).toEqual([
        '/repos/acme/widgets/issues/42/labels',
        '/repos/acme/widgets/issues/42/comments',
      ]);
    },
    240_000,
  );
});

describe('reusable-gate.yml, called from a repository with the central policy as a floor', () => {
  it('tightens the repository’s looser rules back to the central ones, names the file that set them, and decides under the floor', async () => {
    const dir = path.join(tmp, 'reusable');
    const central = path.join(tmp, 'central-policy');
    const weights = '  weights: {gates: 0.7, tests: 0.3, review-score: 0, agent-confidence: 0, vulnerabilities: 0}';
    writeFiles(central, {
      'agent-gates.yml': policy([
        ...SIGNED_POLICY.slice(0, 2),
        'scope:',
        '  max-files: 20',
        'routing:',
        '  thresholds: {low: 0.9, medium: 0.9, high: 0.95}',
        weights,
      ]),
    });
    const change = demoChanges(dir).clean;
    const transcript = executionFile(dir, change.task, change.calls, 'Done.');
    const repo = pullRequestRepository(
      dir,
      {
        // Tries to loosen both: 500 files, and a low-risk change approved from 0.5.
        '.github/agent-gates.yml': policy([
          ...SIGNED_POLICY,
          'scope:',
          '  max-files: 500',
          'routing:',
          '  thresholds: {low: 0.5, medium: 0.5, high: 0.5}',
          weights,
          ...FILE_AUDIT,
        ]),
      },
      { ...change.files, 'agent-transcript.jsonl': transcript },
    );
    const webhook = await receiveWebhooks();
    try {
      const scenario: Scenario = {
        ...pullRequestScenario(repo, { name: 'reusable', runId: runId(), env: env(), secrets: { AGENT_AUDIT_WEBHOOK: webhook.url } }),
        workflows: { 'acme/platform/.github/workflows/reusable-gate.yml': path.join(EXAMPLES, 'reusable-gate.yml') },
        repositories: { 'acme/agent-policy': central },
      };
      const result = await runExample(path.join(ROOT, 'test/bundle/examples/caller.yml'), scenario, dir, path.join(tmp, 'out-reusable'));
      const gates = result.jobs.find((j) => j.id === 'gates')!;
      const reportOf = (gate: string) =>
        JSON.parse(readFileSync(gates.steps.find((s) => s.name.includes(gate) && s.outputs['report'])!.outputs['report']!, 'utf8')) as {
          policy: { layers?: unknown; provenance?: Record<string, string> };
        };
      const verdicts = gates.steps
        .filter((s) => s.kind === 'action' && s.outputs['verdict'])
        .map((s) => [s.name.split('@')[0]!.split('/').pop(), s.outputs['verdict']]);
      expect(verdicts, result.lines.join('\n')).toEqual([
        ['capture-transcript', 'pass'],
        ['diff-scope', 'pass'],
        ['confidence-router', 'warn'],
        ['audit-emit', 'pass'],
      ]);
      // The report names which file set each rule: the central floor for both loosened ones.
      const scope = reportOf('diff-scope').policy;
      expect(scope.layers).toBeDefined();
      expect(scope.provenance?.['/scope/maxFiles']).toBe('floor');
      const router = reportOf('confidence-router').policy;
      expect(Object.entries(router.provenance ?? {}).filter(([k]) => k.startsWith('/routing/thresholds'))).not.toEqual([]);
      expect(
        Object.entries(router.provenance ?? {})
          .filter(([k]) => k.startsWith('/routing/thresholds'))
          .every(([, v]) => v === 'floor'),
      ).toBe(true);
      // 0.7 reaches the repository's 0.5 but not the central 0.9: the floor decides.
      expect(result.results['gates']?.outputs['action']).toBe('human_review');
      expect(Number(result.results['gates']?.outputs['confidence'])).toBe(0.7);
      expect(result.results['report']?.result).toBe('success');
      expect(await auditChain(dir)).toMatchObject({ ok: true, events: 1 });
      expect(webhook.bodies()).toHaveLength(1);
    } finally {
      await webhook.close();
    }
  }, 300_000);
});

/** A loopback webhook that takes audit events. */
async function receiveWebhooks() {
  const { createServer } = await import('node:http');
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/audit`, bodies: () => bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('a misspelt output reference in any example fails before anything runs', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yml'));
  it.each(files)('%s', async (file) => {
    const text = readFileSync(path.join(EXAMPLES, file), 'utf8');
    // Rename one referenced output: a job output where the example reads one, else a step output.
    const ref = /\bneeds\.[\w-]+\.outputs\.([\w-]+)/.exec(text) ?? /\bsteps\.[\w-]+\.outputs\.([\w-]+)/.exec(text);
    if (!ref) {
      // fork-safe-apply.yml reads only the event and its downloaded files: nothing to misspell.
      expect(file).toBe('fork-safe-apply.yml');
      return;
    }
    const misspelt = ref[0].replace(/outputs\.([\w-]+)$/, 'outputs.$1x');
    const dir = mkdtempSync(path.join(tmp, 'typo-'));
    const mutated = path.join(dir, file);
    writeFileSync(mutated, text.replace(ref[0], misspelt));
    const outDir = path.join(dir, 'out');
    const error = await simulate({
      workflow: mutated,
      scenario: {
        event: { name: 'pull_request', payload: {} },
        steps: { 'anthropics/claude-code-action': { outputs: { execution_file: '', score: '', risk: '' } } },
      },
      workspace: dir,
      outDir,
      root: ROOT,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as Error).message).toContain(`${misspelt} does not exist`);
    // Nothing ran: no job's folder, no result.
    expect(readdirSync(dir)).toEqual([file]);
  });
});
