// Golden cases for diff-scope: one folder per case with case.json (the repository, built with real git,
// and the base policy), expect.json (facts stated by hand) and expected-report.json (the judgement, written
// by `UPDATE_GOLDEN=1 pnpm exec vitest run test/golden/diff-scope` and reviewed like code). A missing
// expected-report.json fails: a golden test without its expectation proves nothing.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planDiffScope, runDiffScopeWith, stableReport, type DiffScopeRun } from '@agent-gates/core/diff';
import { loadPolicy } from '@agent-gates/core/policy';
import { git } from '../../harness/git-repo.js';
import { registerTempDir } from '../../harness/temp.js';
import { buildCase, readCase, type GoldenCase } from './build.js';

const here = import.meta.dirname;
const cases = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(here, d.name, 'case.json')))
  .map((d) => d.name)
  .sort();
const update = process.env.UPDATE_GOLDEN === '1';
const context = {
  repository: 'acme/widgets',
  runId: '1',
  runAttempt: '1',
  job: 'golden',
  workflow: 'golden',
  workflowRef: '',
  eventName: 'pull_request',
  sha: '',
  actor: 'agent-bot[bot]',
};

function apiListing(spec: GoldenCase): { pull: Record<string, unknown>; files: Array<Record<string, unknown>> } {
  const api = spec.api!;
  const files = [...api.files];
  for (let i = files.length; api.generateFiles && i < api.generateFiles.count; i++) {
    files.push({
      filename: `${api.generateFiles.prefix}${i}.ts`,
      status: 'modified',
      additions: 1,
      deletions: 1,
      changes: 2,
      patch: `@@ -1 +1 @@\n-a${i}\n+b${i}`,
    });
  }
  return { pull: api.pull, files };
}

async function judge(name: string, spec: GoldenCase): Promise<{ run: DiffScopeRun; secrets: string[] }> {
  // The real readers and rules; this import resolves once read/, rules/ and content/ are merged.
  const { DIFF_SCOPE_PARTS } = await import('@agent-gates/core/diff/wire');
  const built = buildCase(name, spec);
  const policy = await loadPolicy({ workspace: built.workspace, path: '.github/agent-gates.yml', baseRef: built.baseSha });
  const headSha = built.headSha ?? git(built.workspace, 'rev-parse', 'HEAD');
  const payload =
    spec.mode === 'api'
      ? {
          pull_request: { number: 42, title: 'change', body: '', base: { sha: built.baseSha }, head: { sha: headSha, ref: 'agent/change' }, ...spec.api!.pull },
        }
      : { pull_request: { number: 42, title: 'change', body: '', base: { sha: built.baseSha }, head: { sha: headSha, ref: 'agent/change' } } };
  const plan = planDiffScope(
    {
      mode: spec.mode === 'api' ? 'api' : 'git',
      workingTree: spec.mode === 'working-tree',
      annotations: true,
      ...(spec.mode === 'working-tree' ? { base: built.baseSha } : {}),
      ...(spec.claimed ? { claimedFiles: JSON.stringify(spec.claimed) } : {}),
    },
    { eventName: 'pull_request', payload, workspace: built.workspace, runnerTemp: registerTempDir(`${built.workspace}.out`), runId: '1' },
    policy,
  );
  const listing = spec.mode === 'api' ? apiListing(spec) : undefined;
  const run = await runDiffScopeWith(DIFF_SCOPE_PARTS, {
    plan,
    policy,
    context,
    tool: { name: 'agent-gates/diff-scope', version: 'golden' },
    now: () => new Date('2026-01-01T00:00:00Z'),
    ...(listing ? { api: { pull: () => Promise.resolve(payload.pull_request), files: () => Promise.resolve(listing.files) } } : {}),
  });
  return { run, secrets: built.secrets };
}

describe('diff-scope golden cases', () => {
  it('has the cases the issue lists', () => {
    for (const name of [
      'filename-with-newline',
      'rename-allowed-into-protected',
      'lockfile-only-downgrade',
      'registry-switched-host',
      'deleted-test',
      'added-only',
      'secret-with-suppression-comment',
      'instruction-file-edit',
      'symlink-to-etc',
      'truncated-api-listing',
    ]) {
      expect(cases).toContain(name);
    }
  });

  it.each(cases.filter((c) => readCase(path.join(here, c)).spec.mode !== 'api'))('%s: builds its repository with real git', (name) => {
    const { spec } = readCase(path.join(here, name));
    const built = buildCase(name, spec);
    if (spec.mode === 'working-tree') expect(git(built.workspace, 'status', '--porcelain', '-z')).not.toBe('');
    else expect(built.headSha).not.toBe(built.baseSha);
  });

  it.each(cases)('%s', async (name) => {
    const dir = path.join(here, name);
    const { spec, expect: facts } = readCase(dir);
    const { run, secrets } = await judge(name, spec);
    const { judgement, details } = run;

    if (facts.verdict) expect(judgement.verdict).toBe(facts.verdict);
    if (facts.notVerdict) expect(judgement.verdict).not.toBe(facts.notVerdict);
    if (facts.complete !== undefined) expect(details.complete).toBe(facts.complete);
    if (facts.changedFiles !== undefined) expect(details.counts.files).toBe(facts.changedFiles);
    for (const [rule, severity] of Object.entries(facts.rules ?? {})) {
      const found = judgement.findings.filter((f) => f.rule === rule && (f.severity === 'fail' || f.severity === severity));
      expect(found, `a ${severity} finding of rule ${rule}`).not.toEqual([]);
    }
    for (const p of facts.paths ?? [])
      expect(
        judgement.findings.some((f) => f.path === p),
        `a finding on ${JSON.stringify(p)}`,
      ).toBe(true);

    const texts = [readFileSync(run.report.path, 'utf8'), readFileSync(run.sarif.path, 'utf8'), JSON.stringify(run.annotations)];
    for (const secret of secrets) for (const text of texts) expect(text.includes(secret), 'a secret value in an output').toBe(false);

    // The judgement without the run's time and place; SHAs are fixed by the harness's fixed git dates.
    const actual = `${JSON.stringify(JSON.parse(stableReport(details, judgement)), null, 2)}\n`;
    const file = path.join(dir, 'expected-report.json');
    if (update) writeFileSync(file, actual);
    else if (!existsSync(file)) throw new Error(`${name}: expected-report.json is missing; run UPDATE_GOLDEN=1 and review what it writes`);
    else expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});
