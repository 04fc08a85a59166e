import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createActionsLogger,
  defineGate,
  escapeMarkdown,
  InputReader,
  loadGatePolicy,
  logLine,
  MAX_ANNOTATIONS_PER_LEVEL,
  OutputSet,
  readRunContext,
  renderGateSummary,
  workerEntry,
} from '@agent-gates/action-kit';
import { resolvePolicyBase, type FlooredPolicy } from '@agent-gates/core/policy';
import { createGitRepo } from '../../harness/git-repo.js';

afterEach(() => vi.restoreAllMocks());

function captureStdout(): string[] {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return written;
}

describe('log lines carrying untrusted text (issue 6, 5.4)', () => {
  const hostile = 'npm test\n::warning::pwned\r::add-mask::curl\u2028::stop-commands::t0k\n##[error]legacy';

  it('never let an error past the annotation cap start a workflow command', () => {
    const written = captureStdout();
    const log = createActionsLogger();
    for (let i = 0; i < MAX_ANNOTATIONS_PER_LEVEL + 5; i++) log.error(`Tool call outside policy: Bash ${hostile} ${i}`);
    log.info(hostile);
    const lines = written.join('').split('\n');
    expect(lines.filter((l) => l.startsWith('::error'))).toHaveLength(MAX_ANNOTATIONS_PER_LEVEL);
    for (const line of lines) expect(line).not.toMatch(/^\s*(::(warning|add-mask|stop-commands)|##\[)/);
    expect(log.suppressed()).toBe(5);
  });

  it('escapes line breaks visibly and prefixes a line that would start with a command', () => {
    expect(logLine('a\nb\r\nc\rd')).toBe('a\\nb\\nc\\rd');
    expect(logLine('::add-mask::x')).toBe('| ::add-mask::x');
    expect(logLine('  ##[group]x')).toBe('|   ##[group]x');
    expect(logLine('capture-transcript: pass (std::string)')).toBe('capture-transcript: pass (std::string)');
  });
});

describe('list inputs (issue 6, 5.5)', () => {
  const SPEC = {
    name: 't',
    version: '0',
    inputs: { 'mask-values': { description: 'm', default: '', sensitive: true }, 'allowed-tools': { description: 'a', default: '' } },
    outputs: {},
  } as const;

  it('keeps # lines as values where asked, and still drops them as comments elsewhere', () => {
    const input = new InputReader(SPEC, { 'INPUT_MASK-VALUES': '#Pa55-word\n\n  #second  \n', 'INPUT_ALLOWED-TOOLS': '# a note\nRead' });
    expect(input.list('mask-values', { comments: false })).toEqual(['#Pa55-word', '#second']);
    expect(input.list('allowed-tools')).toEqual(['Read']);
  });

  it('refuses a value under the minimum length, naming the input and line, never the value', () => {
    const input = new InputReader(SPEC, { 'INPUT_MASK-VALUES': 'long-enough\nq7z' });
    expect(() => input.list('mask-values', { comments: false, minLength: 4 })).toThrow(
      /^input "mask-values": line 2 holds a value of 3 character\(s\); each value must be at least 4$/,
    );
    expect(() => input.list('mask-values', { comments: false, minLength: 4 })).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => input.list('mask-values', { comments: false, minLength: 4 })).not.toThrow(/q7z/);
  });
});

describe('summary text from a transcript (issue 6, 5.13)', () => {
  it('a lone CR or a line separator cannot start a new table row', () => {
    const out = escapeMarkdown('a\r| x | y |\u2028| z |');
    expect(out).not.toMatch(/[\r\n\u2028\u2029]/);
  });

  it('bare URLs are not linked', () => {
    const out = escapeMarkdown('see https://evil.example/login and www.evil.example or HTTP://X.Y');
    expect(out).not.toMatch(/:\/\/|www\./i);
    expect(out.replace(/\u200b/g, '')).toContain('https://evil.example/login');
  });

  it('the shared skeleton: title and verdict, reasons table, then the gate details', () => {
    const text = renderGateSummary('test-gate', {
      verdict: 'warn',
      reasons: [{ code: 'odd-thing', severity: 'warn', message: 'an odd | thing\rhere' }],
      details: (b) => b.raw('### Details\n'),
    });
    expect(text.indexOf('## ⚠️ test-gate: warn')).toBe(0);
    expect(text).toContain('| severity | check | reason |');
    expect(text).toContain('| warn | odd-thing | an odd \\| thing here |');
    expect(text.indexOf('### Details')).toBeGreaterThan(text.indexOf('odd-thing'));
  });
});

describe('outputs under the job output limit (issue 6, 5.13)', () => {
  it('cuts a long list with a marker item and remembers it was cut', () => {
    const files = Array.from({ length: 20_000 }, (_v, i) => `src/${'d'.repeat(40)}/file-${i}.ts`);
    const outputs = new OutputSet<'files-touched' | 'models'>()
      .setList('files-touched', files, (n) => `… ${n} more`)
      .setList('models', ['a', 'b'], (n) => `… ${n}`);
    const cut = JSON.parse(outputs.get('files-touched')!) as string[];
    expect(Buffer.byteLength(outputs.get('files-touched')!)).toBeLessThanOrEqual(128 * 1024);
    expect(cut.at(-1)).toBe(`… ${files.length - (cut.length - 1)} more`);
    expect(cut.slice(0, -1)).toEqual(files.slice(0, cut.length - 1));
    expect(outputs.get('models')).toBe('["a","b"]');
    expect(outputs.truncated()).toEqual([{ name: 'files-touched', kept: cut.length - 1, total: files.length }]);
  });

  it('refuses to write a set over the limit rather than have GitHub drop part of it', () => {
    const outputs = new OutputSet<'a'>().set('a', 'x'.repeat(600 * 1024));
    expect(() => outputs.commit()).toThrow(/over the 524288 a gate may write/);
  });
});

describe('workerEntry', () => {
  it('finds dist/worker/index.js beside the calling bundle', () => {
    const bundle = pathToFileURL(path.join('/opt', 'actions', 'gate', 'dist', 'index.js')).href;
    expect(workerEntry(bundle)).toBe(path.join('/opt', 'actions', 'gate', 'dist', 'worker', 'index.js'));
  });
});

describe('policy base (issue 6, 5.7)', () => {
  it('resolves every event that carries a change to its base, and fails closed when it cannot', async () => {
    const sha = (c: string) => c.repeat(40);
    // A push is a change: the commit before it holds the policy; a push that creates a branch has none.
    expect(await resolvePolicyBase('push', { before: sha('a').toUpperCase() })).toEqual({ baseRef: sha('a'), origin: 'the commit before the push' });
    await expect(resolvePolicyBase('push', { before: '0'.repeat(40) })).rejects.toMatchObject({
      code: 'E_POLICY',
      message: expect.stringMatching(/created the branch/),
    });
    await expect(resolvePolicyBase('push', {})).rejects.toMatchObject({ code: 'E_POLICY' });
    expect(await resolvePolicyBase('push', {}, { missingBase: 'working-tree' })).toMatchObject({ origin: expect.stringMatching(/^working tree/) });
    // Events without a change read the run's own commit from git, never a working tree an earlier step may have edited.
    expect(await resolvePolicyBase('workflow_dispatch', {}, { triggerSha: sha('d') })).toEqual({
      baseRef: sha('d'),
      origin: 'the commit the run started on (workflow_dispatch)',
      atTrigger: true,
    });
    expect(await resolvePolicyBase('schedule', {})).toEqual({ origin: 'working tree (schedule)' });
    await expect(resolvePolicyBase('workflow_run', {}, { triggerSha: 'main' })).rejects.toMatchObject({
      code: 'E_POLICY',
      message: expect.stringMatching(/not a SHA/),
    });
    expect(await resolvePolicyBase('merge_group', { merge_group: { base_sha: sha('b') } })).toMatchObject({ baseRef: sha('b') });
    await expect(resolvePolicyBase('merge_group', { merge_group: {} })).rejects.toMatchObject({
      code: 'E_POLICY',
      message: expect.stringMatching(/no merge_group.base_sha/),
    });
    expect(await resolvePolicyBase('issue_comment', { issue: { number: 3 } })).toEqual({ origin: 'working tree (comment on an issue)' });
    await expect(resolvePolicyBase('issue_comment', { issue: { number: 3, pull_request: {} } })).rejects.toMatchObject({ code: 'E_POLICY' });
    expect(await resolvePolicyBase('issue_comment', { issue: { number: 3, pull_request: {} } }, { missingBase: 'working-tree' })).toMatchObject({
      origin: expect.stringMatching(/^working tree/),
    });
    const fetched = await resolvePolicyBase(
      'issue_comment',
      { issue: { number: 3, pull_request: {} } },
      { fetchPullRequest: async (n) => ({ number: n, baseSha: sha('b'), headSha: sha('c') }) },
    );
    expect(fetched).toMatchObject({ baseRef: sha('b'), pullRequest: { number: 3, headSha: sha('c') } });
    await expect(resolvePolicyBase('pull_request_target', { pull_request: { number: 1 } })).rejects.toMatchObject({ code: 'E_POLICY' });
  });

  it('reads the run’s own commit on events without a change, not a working tree an agent in the same job edited', async () => {
    const strict = 'version: 1\ntranscript:\n  allowed-tools: [Edit]\n';
    const loose = 'version: 1\ntranscript:\n  allowed-tools: [Edit, Bash]\nsecrets:\n  allow:\n    - regex: "ghp_.*"\n      reason: fixtures\n';
    // The run started on baseSha; the agent then committed headSha (checked out) and edited the tree again.
    const repo = createGitRepo({ base: { '.github/agent-gates.yml': strict }, head: { '.github/agent-gates.yml': loose } });
    writeFileSync(path.join(repo.dir, '.github/agent-gates.yml'), loose);
    for (const event of ['workflow_dispatch', 'workflow_run', 'schedule']) {
      const context = readRunContext({ GITHUB_REPOSITORY: 'acme/widgets', GITHUB_EVENT_NAME: event, GITHUB_WORKSPACE: repo.dir, GITHUB_SHA: repo.baseSha });
      const policy = await loadGatePolicy({ context, payload: {}, path: '.github/agent-gates.yml' });
      expect(policy.ref).toBe(repo.baseSha);
      expect(policy.policy.transcript.allowedTools).toEqual(['Edit']);
      expect(policy.policy.secrets.allow).toEqual([]);
    }
    // A push reads the commit before it, whoever pushed.
    const pushed = readRunContext({ GITHUB_REPOSITORY: 'acme/widgets', GITHUB_EVENT_NAME: 'push', GITHUB_WORKSPACE: repo.dir, GITHUB_SHA: repo.headSha });
    const atPush = await loadGatePolicy({ context: pushed, payload: { before: repo.baseSha, after: repo.headSha }, path: '.github/agent-gates.yml' });
    expect(atPush.policy.transcript.allowedTools).toEqual(['Edit']);
    // The run's commit missing from the checkout (a fixture made its own repository): its HEAD commit, from git.
    const lost = readRunContext({
      GITHUB_REPOSITORY: 'acme/widgets',
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_WORKSPACE: repo.dir,
      GITHUB_SHA: 'e'.repeat(40),
    });
    const warnings: string[] = [];
    const log = {
      debug: () => undefined,
      info: () => undefined,
      notice: () => undefined,
      error: () => undefined,
      warning: (m: string) => void warnings.push(m),
    };
    const atHead = await loadGatePolicy({ context: lost, payload: {}, path: '.github/agent-gates.yml', log });
    expect(atHead.ref).toBe(repo.headSha);
    expect(warnings).toEqual([expect.stringMatching(/^the commit this run started on \(eeeeeeeeeeee\) is not in the checkout/)]);
    // No commit at all: refused, unless the gate must always run (audit-emit), which then reads the tree.
    const empty = mkdtempSync(path.join(os.tmpdir(), 'agent-gates-nogit-'));
    const bare = readRunContext({
      GITHUB_REPOSITORY: 'acme/widgets',
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_WORKSPACE: empty,
      GITHUB_SHA: 'e'.repeat(40),
    });
    await expect(loadGatePolicy({ context: bare, payload: {}, path: '.github/agent-gates.yml' })).rejects.toMatchObject({
      code: 'E_POLICY',
      message: expect.stringMatching(/^the commit this run started on \(e{40}\) is not in .*, which has no commit at all/),
    });
    const anyway = await loadGatePolicy({ context: bare, payload: {}, path: '.github/agent-gates.yml', missingBase: 'working-tree' });
    expect(anyway.ref).toBeUndefined();
  });

  describe('through the REST API, mocked on loopback', () => {
    let calls: string[] = [];
    let reply: (url: string) => [number, object] = () => [404, {}];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      calls.push(`${req.method} ${req.url}`);
      const [status, body] = reply(req.url ?? '');
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      vi.stubEnv('GITHUB_API_URL', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
    afterAll(() => {
      vi.unstubAllEnvs();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const strict = 'version: 1\ntranscript:\n  allowed-tools: [Edit]\n';
    const loose = 'version: 1\ntranscript:\n  allowed-tools: [Edit, Bash]\n';

    it('reads the policy of an issue_comment on a pull request at the PR base, not the checked-out head', async () => {
      const repo = createGitRepo({ base: { '.github/agent-gates.yml': strict }, head: { '.github/agent-gates.yml': loose } });
      calls = [];
      reply = (url) => (url === '/repos/acme/widgets/pulls/9' ? [200, { number: 9, base: { sha: repo.baseSha }, head: { sha: repo.headSha } }] : [404, {}]);
      const context = readRunContext({ GITHUB_REPOSITORY: 'acme/widgets', GITHUB_EVENT_NAME: 'issue_comment', GITHUB_WORKSPACE: repo.dir });
      const payload = { issue: { number: 9, pull_request: { url: 'x' } } };
      const policy = await loadGatePolicy({ context, payload, path: '.github/agent-gates.yml', token: 't' });
      expect(calls).toEqual(['GET /repos/acme/widgets/pulls/9']);
      expect(policy.ref).toBe(repo.baseSha);
      expect(policy.policy.transcript.allowedTools).toEqual(['Edit']);
      expect(context.pullRequest).toMatchObject({ number: 9, baseSha: repo.baseSha, headSha: repo.headSha });
    });

    it('fails closed with E_POLICY when the API has no such pull request, or there is no token', async () => {
      const repo = createGitRepo({ base: { '.github/agent-gates.yml': strict }, head: { '.github/agent-gates.yml': loose } });
      reply = () => [404, { message: 'Not Found' }];
      const context = readRunContext({ GITHUB_REPOSITORY: 'acme/widgets', GITHUB_EVENT_NAME: 'issue_comment', GITHUB_WORKSPACE: repo.dir });
      const payload = { issue: { number: 10, pull_request: { url: 'x' } } };
      await expect(loadGatePolicy({ context, payload, path: '.github/agent-gates.yml', token: 't' })).rejects.toMatchObject({
        code: 'E_POLICY',
        message: expect.stringMatching(/^the base of pull request #10 could not be read from the GitHub API/),
      });
      await expect(loadGatePolicy({ context, payload, path: '.github/agent-gates.yml' })).rejects.toMatchObject({ code: 'E_POLICY' });
    });
  });
});

describe('policy-floor: a central policy the repository may only tighten', () => {
  it('merges an absolute floor with the base policy, and reads a workspace floor at the base like the policy', async () => {
    const central = 'version: 1\ntranscript:\n  allowed-tools: [Edit, Read]\nscope:\n  max-files: 10\n';
    const repo = createGitRepo({
      base: { '.github/agent-gates.yml': 'version: 1\ntranscript:\n  allowed-tools: [Edit, Bash]\nscope:\n  max-files: 500\n', 'central.yml': central },
      head: { 'central.yml': 'version: 1\n' },
    });
    const floorFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'floor-')), 'central.yml');
    writeFileSync(floorFile, central);
    const context = readRunContext({ GITHUB_REPOSITORY: 'acme/widgets', GITHUB_EVENT_NAME: 'pull_request', GITHUB_WORKSPACE: repo.dir });
    const payload = { pull_request: { number: 1, base: { sha: repo.baseSha }, head: { sha: repo.headSha } } };
    for (const floor of [floorFile, 'central.yml']) {
      const policy = await loadGatePolicy({ context, payload, path: '.github/agent-gates.yml', floor });
      expect(policy.policy.transcript.allowedTools, floor).toEqual(['Edit']);
      expect(policy.policy.scope.maxFiles, floor).toBe(10);
      expect((policy as FlooredPolicy).provenance['/scope/maxFiles']).toBe('floor');
    }
    await expect(loadGatePolicy({ context, payload, path: '.github/agent-gates.yml', floor: '/nonexistent/central.yml' })).rejects.toMatchObject({
      code: 'E_POLICY',
      message: 'policy-floor /nonexistent/central.yml cannot be read: ENOENT',
    });
  });
});

describe('object outputs under the job output limit (issue 6, 5.13)', () => {
  it('cuts a large map of tool names with a marker entry', () => {
    const tools = Object.fromEntries(Array.from({ length: 20_000 }, (_v, i) => [`mcp__server__${'t'.repeat(30)}_${i}`, 1]));
    const outputs = new OutputSet<'tools'>().setRecord('tools', tools, (n) => [`… ${n} more`, n]);
    const cut = JSON.parse(outputs.get('tools')!) as Record<string, number>;
    expect(Buffer.byteLength(outputs.get('tools')!)).toBeLessThanOrEqual(128 * 1024);
    const keys = Object.keys(cut);
    const omitted = 20_000 - (keys.length - 1);
    expect(keys.at(-1)).toBe(`… ${omitted} more`);
    expect(cut[`… ${omitted} more`]).toBe(omitted);
    expect(outputs.truncated()).toEqual([{ name: 'tools', kept: keys.length - 1, total: 20_000 }]);
  });
});

describe("a gate's start: work begun before the policy is read", () => {
  const SPEC = {
    name: 'g',
    version: '0',
    inputs: {
      policy: { description: 'p', default: '.github/agent-gates.yml' },
      'policy-floor': { description: 'f', default: '' },
      'fail-on': { description: 'x', default: 'never' },
      summary: { description: 's', default: 'false' },
      'github-token': { description: 't', default: '' },
    },
    outputs: { verdict: { description: 'v' }, report: { description: 'r' }, 'report-digest': { description: 'd' } },
  } as const;
  afterEach(() => vi.unstubAllEnvs());

  const gateRecording = (events: string[]) =>
    defineGate({
      spec: SPEC,
      gate: 'g',
      inputs: () => ({}),
      start: ({ context }) => {
        events.push(`start in ${path.basename(context.workspace)}`);
        return { dispose: () => Promise.resolve(void events.push('dispose')) };
      },
      run: ({ started, policy }) => {
        events.push(`run (${started ? 'started' : 'nothing started'}, policy from ${policy.source})`);
        return Promise.resolve({ verdict: 'pass' as const, reasons: [], report: { path: 'r.json', digest: 'sha256:00' }, outputs: new OutputSet() });
      },
    });

  function stubRun(policyText: string): string {
    const repo = createGitRepo({ base: { '.github/agent-gates.yml': policyText } });
    const temp = mkdtempSync(path.join(os.tmpdir(), 'gate-start-'));
    vi.stubEnv('GITHUB_WORKSPACE', repo.dir);
    vi.stubEnv('GITHUB_EVENT_NAME', 'workflow_dispatch');
    vi.stubEnv('GITHUB_EVENT_PATH', '');
    vi.stubEnv('GITHUB_SHA', repo.baseSha);
    writeFileSync(path.join(temp, 'output'), '');
    vi.stubEnv('GITHUB_OUTPUT', path.join(temp, 'output'));
    vi.stubEnv('RUNNER_TEMP', temp);
    return repo.dir;
  }

  it('is begun before the policy is read, given to the run, and disposed of once the run is done', async () => {
    const dir = stubRun('version: 1\n');
    captureStdout();
    const events: string[] = [];
    await gateRecording(events)();
    expect(events).toEqual([`start in ${path.basename(dir)}`, 'run (started, policy from file)', 'dispose']);
  });

  it('never stands in for the run: a start that throws begins nothing, and a dispose that fails is only a warning', async () => {
    stubRun('version: 1\n');
    const written = captureStdout();
    const events: string[] = [];
    const gate = (start: () => { dispose(): Promise<void> }) =>
      defineGate({
        spec: SPEC,
        gate: 'g',
        inputs: () => ({}),
        start,
        run: ({ started }) => {
          events.push(`run (${started ? 'started' : 'nothing started'})`);
          return Promise.resolve({ verdict: 'pass' as const, reasons: [], report: { path: 'r.json', digest: 'sha256:00' }, outputs: new OutputSet() });
        },
      });
    await gate(() => {
      throw new Error('no commits to start with');
    })();
    await gate(() => ({ dispose: () => Promise.reject(new Error('could not stop git')) }))();
    expect(events).toEqual(['run (nothing started)', 'run (started)']);
    expect(written.join('')).toContain('::warning::g: stopping work begun before the policy was read failed: could not stop git');
    expect(readFileSync(process.env.GITHUB_OUTPUT!, 'utf8')).toContain('verdict');
  });

  it('is disposed of when the policy cannot be read, and the run never starts', async () => {
    stubRun('version: [1\n');
    captureStdout();
    const events: string[] = [];
    await expect(gateRecording(events)()).rejects.toMatchObject({ code: 'E_POLICY' });
    expect(events).toHaveLength(2);
    expect(events[1]).toBe('dispose');
  });
});
