import { beforeAll, describe, expect, it } from 'vitest';
import { readGitChanges } from '@agent-gates/core/diff/read';
import { contentRules } from '../../../../packages/core/src/diff/content/index.js';
import { OrderedJobs } from '../../../../packages/core/src/diff/content/concurrency.js';
import { scopeRules } from '../../../../packages/core/src/diff/rules/index.js';
import { judgeDiff } from '../../../../packages/core/src/diff/judge.js';
import { runDiffScopeWith, type DiffScopeParts } from '../../../../packages/core/src/diff/run.js';
import type { ContentSource, FileChange, LineScan, Rule } from '../../../../packages/core/src/diff/types.js';
import type { Policy } from '../../../../packages/core/src/policy/index.js';
import { policyOf } from '../rules/helpers.js';
import { ScratchRepo } from './repo.js';

// The git reader streams: each file reaches the rules' line scans, lines included, as soon as the diff
// has all of it, and the change set it returns then holds no lines. Judging the streamed change must
// give exactly what judging the whole one gives.

let POLICY: Policy;
const policy = () => POLICY;
beforeAll(async () => {
  POLICY = await policyOf("scope:\n  forbid:\n    - paths: ['**/*.ts']\n      regex: 'eval\\('\n      message: no eval\n");
});

function buildRepo(): { repo: ScratchRepo; base: string; head: string } {
  const repo = new ScratchRepo();
  repo
    .write('src/a.ts', 'export const a = 1;\n')
    .write('test/a.test.ts', "it('one', () => {});\nit('two', () => {});\n")
    .write('package-lock.json', JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { 'node_modules/left-pad': { version: '2.0.0' } } }, null, 2))
    .write('docs/old.md', 'old\n');
  const base = repo.commit('base');
  repo
    .write('src/a.ts', 'export const a = 1;\nconst k = "AKIAQYLPMN5HFIQR7XYA";\neval(input);\n')
    .write('test/a.test.ts', "it.only('one', () => {});\n")
    .write('package-lock.json', JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { 'node_modules/left-pad': { version: '1.0.0' } } }, null, 2))
    .remove('docs/old.md');
  const head = repo.commit('change');
  return { repo, base, head };
}

const rulesOf = (): Rule[] => {
  const p = policy();
  return [...scopeRules(p, { fingerprintKey: 'k' }), ...contentRules({ tests: p.scope.tests, dependencies: p.scope.dependencies })];
};

describe('streaming the git diff through the rules', () => {
  it('feeds each file once, in order, with its lines, and returns the files without them', async () => {
    const { repo, base, head } = buildRepo();
    const seen: FileChange[] = [];
    const counted: Array<[number, number]> = [];
    let source: ContentSource | undefined;
    const { changes, content } = await readGitChanges({
      workspace: repo.dir,
      base,
      head,
      onFile: (file, c) => {
        seen.push(file);
        source ??= c;
      },
      onRecords: (files) => counted.push([files, seen.length]),
    });
    expect(seen.map((f) => f.path)).toEqual(changes.files.map((f) => f.path));
    // The file count before the first file (large changes start their threads on it): git's count of
    // the changed paths as it streams (the estimate), then the exact number once git has listed them.
    expect(counted.length).toBeGreaterThanOrEqual(2);
    expect(counted.every(([, fed]) => fed === 0)).toBe(true);
    expect(counted.at(0)![0]).toBeGreaterThan(0);
    expect(counted.at(-1)).toEqual([4, 0]);
    expect(seen.find((f) => f.path === 'src/a.ts')?.addedLines.map((l) => l.line)).toEqual([2, 3]);
    expect(changes.files.every((f) => f.addedLines.length === 0)).toBe(true);
    expect(changes.files.find((f) => f.path === 'src/a.ts')).toMatchObject({ added: 2, deleted: 0 });
    // The source handed out while streaming is the one returned, and reads what the diff named.
    expect(source).toBe(content);
    expect((await content.read('base', 'test/a.test.ts'))?.toString()).toContain("it('two'");
    await content.close?.();
  });

  it('judges the streamed change exactly as the whole one', async () => {
    const { repo, base, head } = buildRepo();
    const whole = await readGitChanges({ workspace: repo.dir, base, head });
    const expected = await judgeDiff({ changes: whole.changes, content: whole.content, rules: rulesOf(), risk: () => ({ tier: 'low', why: [] }) });
    const rules = rulesOf();
    const scans = new Map<Rule, LineScan>(rules.filter((r) => r.begin).map((r) => [r, r.begin!()]));
    expect([...scans.keys()].map((r) => r.name).sort()).toEqual(['dependencies', 'forbid', 'modes', 'paths', 'secrets', 'size', 'tests', 'ticket']);
    const streamed = await readGitChanges({ workspace: repo.dir, base, head, onFile: (f, c) => scans.forEach((s) => s.file(f, c)) });
    const got = await judgeDiff({ changes: streamed.changes, content: streamed.content, rules, scans, risk: () => ({ tier: 'low', why: [] }) });
    expect(got.findings).toEqual(expected.findings);
    expect(got.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(['secret', 'forbidden-content', 'test-focused', 'test-cases-removed', 'dependency-downgrade']),
    );
    await whole.content.close?.();
    await streamed.content.close?.();
  });

  it('refuses a verdict when a reader streamed only some of the files it returned', async () => {
    const { repo, base, head } = buildRepo();
    const parts = {
      readGitChanges: async (o: { workspace: string; base: string; head: string; onFile?: (f: FileChange, c: ContentSource) => void }) => {
        const read = await readGitChanges({ workspace: o.workspace, base: o.base, head: o.head });
        o.onFile?.(read.changes.files[0]!, read.content);
        return read;
      },
      rules: () => rulesOf(),
    } as unknown as DiffScopeParts;
    await expect(
      runDiffScopeWith(parts, {
        plan: { mode: 'git', workspace: repo.dir, base, head, policy: policy() } as never,
        policy: { source: 'default', policy: policy() } as never,
        context: {} as never,
        tool: { name: 't', version: '0' },
      }),
    ).rejects.toThrow(/streamed 1 files but returned 4/);
  });
});

describe('OrderedJobs', () => {
  it('keeps results in the order jobs were added, runs at most the limit at once, and rethrows a failure', async () => {
    const jobs = new OrderedJobs<number>(2);
    let running = 0;
    let most = 0;
    for (let i = 0; i < 6; i++) {
      jobs.add(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, (6 - i) * 2));
        running--;
        return i;
      });
    }
    expect(await jobs.all()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    const failing = new OrderedJobs<number>(3);
    failing.add(() => Promise.resolve(1));
    failing.add(() => Promise.reject(new Error('read failed')));
    await expect(failing.all()).rejects.toThrow('read failed');
  });

  it('runs every job of a long queue once, in order, added while others run and after the queue ran dry', async () => {
    const jobs = new OrderedJobs<number>(3);
    const started: number[] = [];
    const job = (i: number) => async () => {
      started.push(i);
      await Promise.resolve();
      return i * 2;
    };
    for (let i = 0; i < 5000; i++) jobs.add(job(i));
    // The queue empties and starts again from its front while these are added.
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (let i = 5000; i < 5010; i++) jobs.add(job(i));
    const results = await jobs.all();
    expect(results).toHaveLength(5010);
    expect(results.every((r, i) => r === i * 2)).toBe(true);
    expect(started).toEqual(Array.from({ length: 5010 }, (_, i) => i));
    expect(jobs.count).toBe(5010);
  });

  it('keeps results known already in their place among running jobs, counted, and waited for with them', async () => {
    const jobs = new OrderedJobs<string>(1);
    jobs.addResult('a');
    jobs.add(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 'b';
    });
    jobs.addResult('c');
    jobs.add(() => Promise.resolve('d'));
    jobs.addResult('e');
    expect(jobs.count).toBe(5);
    expect(await jobs.all()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const only = new OrderedJobs<string>(2);
    only.addResult('x');
    expect(await only.all()).toEqual(['x']);
    const failing = new OrderedJobs<string>(2);
    failing.addResult('x');
    failing.add(() => Promise.reject(new Error('read failed')));
    failing.addResult('y');
    await expect(failing.all()).rejects.toThrow('read failed');
  });
});
