import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@agent-gates/core';
import {
  runDiffScopeWith,
  planDiffScope,
  type DiffScopeParts,
  type DiffScopeRunOptions,
  type ReadResult,
  type Rule,
  type StartedRead,
} from '@agent-gates/core/diff';
import { defaultPolicy } from '@agent-gates/core/policy';
import { BASE, HEAD, changeSet, file, fixedRule, noContent, prefixRule } from './fakes.js';

const reportSchema = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../packages/core/schemas/gate-report.schema.json'), 'utf8')) as object;
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateReport = ajv.compile(reportSchema);

const SECRET = 'AKIAZ7Q3EXAMPLEKEY42';
const context = {
  repository: 'acme/widgets',
  runId: '1',
  runAttempt: '1',
  job: 'j',
  workflow: 'w',
  workflowRef: 'r',
  eventName: 'pull_request',
  sha: HEAD,
  actor: 'bot',
};
const tool = { name: 'agent-gates/diff-scope', version: '0.1.0' };

function parts(read: ReadResult, overrides: Partial<DiffScopeParts> = {}): DiffScopeParts & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    readGitChanges: (o) => (calls.push(`git ${o.base}..${o.head}`), Promise.resolve(read)),
    readWorkingTree: (o) => (calls.push(`working-tree ${o.base}`), Promise.resolve(read)),
    readApiChanges: () => (calls.push('api'), Promise.resolve({ ...read, changes: { ...read.changes, mode: 'api' } })),
    diffDigest: (c) => `sha256:${String(c.files.length).padStart(64, '0')}`,
    rules: (_policy, o) => [
      prefixRule('.github/'),
      fixedRule('secrets', [
        { code: 'secret', severity: 'fail', message: 'aws-access-token in config/app.yml line 2', path: 'config/app.yml', line: 2, tier: 'critical' },
      ]),
      fixedRule(
        'intent',
        (o.claimed ?? []).includes('config/app.yml')
          ? []
          : [{ code: 'unclaimed-file', severity: 'fail', message: 'config/app.yml not claimed', path: 'config/app.yml' }],
      ),
    ],
    risk: () => ({ tier: 'medium', why: ['config changed'] }),
    ...overrides,
  };
}

function options(workspace: string, overrides: Partial<DiffScopeRunOptions> = {}, inputs: Record<string, unknown> = {}): DiffScopeRunOptions {
  const policy = defaultPolicy();
  const event = {
    eventName: 'pull_request',
    payload: { pull_request: { number: 3, title: 'T', body: '', base: { sha: BASE }, head: { sha: HEAD, ref: 'agent/x' } } },
    workspace,
    runnerTemp: workspace,
    runId: '1',
  };
  const plan = planDiffScope({ mode: 'auto', workingTree: false, annotations: true, ...inputs }, event, policy);
  return { plan, policy, context, tool, now: () => new Date('2026-01-01T00:00:00Z'), ...overrides };
}

const read: ReadResult = {
  changes: changeSet([
    file('.github/workflows/ci.yml'),
    file('config/app.yml', { addedLines: [{ line: 2, text: `aws_key: ${SECRET}` }] }),
    file('src/new.ts', { status: 'renamed', oldPath: 'src/old.ts' }),
  ]),
  content: noContent,
};

describe('runDiffScopeWith', () => {
  it('reads, judges and writes a schema-valid report and SARIF, with no added-line text in either', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'diff-run-'));
    const p = parts(read);
    const run = await runDiffScopeWith(p, options(ws, {}, { claimedFiles: '[".github/workflows/ci.yml", "src/new.ts", "src/gone.ts"]' }));
    expect(p.calls).toEqual([`git ${BASE}..${HEAD}`]);
    expect(run.judgement.verdict).toBe('fail');
    expect(run.judgement.violations).toBe(3);
    expect(run.judgement.risk.tier).toBe('critical');
    const report = JSON.parse(readFileSync(run.report.path, 'utf8')) as Record<string, unknown> & { details: Record<string, unknown> };
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.subjects).toEqual([
      { name: 'diff', digest: `sha256:${'3'.padStart(64, '0')}` },
      { name: 'claimed-files', digest: expect.stringMatching(/^sha256:/) as string },
    ]);
    expect(report.details).toMatchObject({
      mode: 'git',
      complete: true,
      renames: { detection: 'full' },
      counts: { files: 3 },
      risk: { tier: 'critical' },
      claimed: { unclaimed: ['config/app.yml'], claimedNotChanged: ['src/gone.ts'], unusable: [] },
      settings: { 'max-files': { from: 'default policy: scope.max-files' }, mode: { value: 'git', from: 'input mode: auto' } },
    });
    const rules = report.details.rules as Array<{ rule: string; decidedBy: string[] }>;
    expect(rules.map((r) => r.rule)).toEqual(['intent', 'paths', 'secrets']);
    expect(rules[1]!.decidedBy).toEqual(['scope.protected-paths[0]']);
    const sarif = readFileSync(run.sarif.path, 'utf8');
    expect(sarif).toContain('"ruleId": "secrets/secret"');
    for (const text of [readFileSync(run.report.path, 'utf8'), sarif]) expect(text).not.toContain(SECRET);
    expect(run.annotations[0]).toMatchObject({ level: 'error', file: '.github/workflows/ci.yml' });
  });

  it('adds the pull request title, body and branch to the messages require-ticket reads', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'diff-run-'));
    let seen: readonly string[] = [];
    const p = parts(read, { rules: () => [{ name: 'ticket', run: ({ changes }) => ((seen = changes.messages), Promise.resolve([])) }] });
    await runDiffScopeWith(p, options(ws));
    expect(seen).toEqual(['T', 'agent/x']);
  });

  it('turns to the API in auto mode only when local git cannot read the commits', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'diff-run-'));
    const missing = () => Promise.reject(new ConfigError('E_GIT', `commit ${BASE} is not in the checkout`));
    const api = { pull: () => Promise.resolve({ number: 3 }), files: () => Promise.resolve([]) };
    const p = parts(read, { readGitChanges: missing });
    const run = await runDiffScopeWith(p, options(ws, { api }));
    expect(run.mode).toBe('api');
    expect(run.fallback).toMatch(/not in the checkout/);
    expect(run.details.settings.mode!.from).toMatch(/REST API/);
    // Without an API there is nothing to fall back to, and the git error stands.
    await expect(runDiffScopeWith(parts(read, { readGitChanges: missing }), options(ws))).rejects.toThrow(/not in the checkout/);
    // A bug in the reader is not a reason to read another view.
    const bug = () => Promise.reject(new Error('boom'));
    await expect(runDiffScopeWith(parts(read, { readGitChanges: bug }), options(ws, { api }))).rejects.toThrow('boom');
  });

  it('ends the line scans a failed streamed read had started (the secret scan thread), before falling back or failing', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'diff-run-'));
    const disposed: string[] = [];
    const scanRule = (name: string): Rule => ({
      name,
      begin: () => ({ file: () => undefined, finish: () => Promise.resolve([]), dispose: () => (disposed.push(name), Promise.resolve()) }),
      run: () => Promise.resolve([]),
    });
    const streamedThenFailed: DiffScopeParts['readGitChanges'] = (o) => {
      o.onFile?.(read.changes.files[0]!, read.content);
      return Promise.reject(new ConfigError('E_GIT', 'the checkout is shallow'));
    };
    const api = { pull: () => Promise.resolve({ number: 3 }), files: () => Promise.resolve([]) };
    const p = parts(read, { readGitChanges: streamedThenFailed, rules: () => [scanRule('secrets')] });
    const run = await runDiffScopeWith(p, options(ws, { api }));
    expect(run.mode).toBe('api');
    expect(disposed).toEqual(['secrets']);
    await expect(runDiffScopeWith(parts(read, { readGitChanges: streamedThenFailed, rules: () => [scanRule('secrets')] }), options(ws))).rejects.toThrow(
      /shallow/,
    );
    expect(disposed).toEqual(['secrets', 'secrets']);
  });

  it('writes nothing when reading or judging fails', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'diff-run-'));
    const o = options(ws);
    await expect(runDiffScopeWith(parts(read, { rules: () => [{ name: 'tests', run: () => Promise.reject(new Error('parse')) }] }), o)).rejects.toThrow(
      'parse',
    );
    expect(existsSync(path.join(o.plan.outputDir, 'diff-scope.json'))).toBe(false);
    expect(existsSync(o.plan.sarifPath)).toBe(false);
  });

  it('closes the content source once the rules are done, whether the judgement succeeded or failed', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'diff-run-'));
    const closed: string[] = [];
    const source = (name: string) => ({ ...read, content: { read: () => Promise.resolve(undefined), close: () => (closed.push(name), Promise.resolve()) } });
    await runDiffScopeWith(parts(source('judged')), options(ws));
    expect(closed).toEqual(['judged']);
    // A rule that fails late: the source is closed only after every rule settled, never under a read.
    let settled = false;
    const slow: Rule = { name: 'slow', run: () => new Promise((resolve) => setTimeout(() => ((settled = true), resolve([])), 30)) };
    const failing: Rule = { name: 'tests', run: () => Promise.reject(new Error('parse')) };
    const check = {
      ...source('failed'),
      content: { ...source('failed').content, close: () => (closed.push(settled ? 'failed after settled' : 'failed early'), Promise.resolve()) },
    };
    await expect(runDiffScopeWith(parts(check, { rules: () => [slow, failing] }), options(ws))).rejects.toThrow('parse');
    expect(closed).toEqual(['judged', 'failed after settled']);
  });

  it('uses the working-tree reader in working-tree mode, and the API in api mode', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'diff-run-'));
    const p = parts({ ...read, changes: { ...read.changes, mode: 'working-tree', head: 'working-tree' } });
    await runDiffScopeWith(p, options(ws, {}, { workingTree: true, base: 'main' }));
    expect(p.calls).toEqual(['working-tree main']);
    const q = parts(read);
    await expect(runDiffScopeWith(q, options(ws, {}, { mode: 'api' }))).rejects.toThrow(/E_INPUT|github-token/);
    await runDiffScopeWith(q, options(ws, { api: { pull: () => Promise.resolve({}), files: () => Promise.resolve([]) } }, { mode: 'api' }));
    expect(q.calls).toEqual(['api']);
  });

  it('reads through a read begun before the policy when it compares the same commits, and disposes of any other', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'diff-run-'));
    const events: string[] = [];
    const begun = (base: string, head: string, workspace = ws): StartedRead => ({
      workspace,
      base,
      head,
      read: () => (events.push(`begun ${base}..${head}`), Promise.resolve(read)),
      dispose: () => Promise.resolve(void events.push(`disposed ${base}..${head}`)),
    });
    const p = parts(read);
    const used = await runDiffScopeWith(p, options(ws, { started: begun(BASE, HEAD) }));
    expect(events).toEqual([`begun ${BASE}..${HEAD}`]);
    expect(p.calls).toEqual([]);
    const direct = await runDiffScopeWith(parts(read), options(ws));
    expect(used.report.digest).toBe(direct.report.digest);

    // Another head (an input that changed between start and plan), another workspace, or the API: not used.
    events.length = 0;
    const q = parts(read);
    await runDiffScopeWith(q, options(ws, { started: begun(BASE, 'other') }));
    await runDiffScopeWith(q, options(ws, { started: begun(BASE, HEAD, `${ws}-elsewhere`) }));
    const api = { pull: () => Promise.resolve({}), files: () => Promise.resolve([]) };
    await runDiffScopeWith(q, options(ws, { api, started: begun(BASE, HEAD) }, { mode: 'api' }));
    expect(events).toEqual([`disposed ${BASE}..other`, `disposed ${BASE}..${HEAD}`, `disposed ${BASE}..${HEAD}`]);
    expect(q.calls).toEqual([`git ${BASE}..${HEAD}`, `git ${BASE}..${HEAD}`, 'api']);

    // Rules that cannot be built (a bad policy pattern): the run fails, and what was begun is stopped.
    events.length = 0;
    const broken = parts(read, {
      rules: () => {
        throw new ConfigError('E_POLICY', 'secrets: bad pattern');
      },
    });
    await expect(runDiffScopeWith(broken, options(ws, { started: begun(BASE, HEAD) }))).rejects.toMatchObject({ code: 'E_POLICY' });
    expect(events).toEqual([`disposed ${BASE}..${HEAD}`]);
  });

  it('writes the same report for the same change every time (times and run aside)', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'diff-run-'));
    const a = await runDiffScopeWith(parts(read), options(ws));
    const first = readFileSync(a.report.path, 'utf8');
    const b = await runDiffScopeWith(parts(read), options(ws));
    expect(readFileSync(b.report.path, 'utf8')).toBe(first);
    expect(b.report.digest).toBe(a.report.digest);
  });
});
