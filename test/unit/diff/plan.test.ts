import { describe, expect, it } from 'vitest';
import { ConfigError } from '@agent-gates/core';
import { eventRefs, planDiffScope, plannedGitRefs, type DiffScopeInputs } from '@agent-gates/core/diff';
import { defaultPolicy } from '@agent-gates/core/policy';
import { BASE, HEAD } from './fakes.js';

const loaded = defaultPolicy();
const inputs: DiffScopeInputs = { mode: 'auto', workingTree: false, annotations: true };
const prEvent = {
  eventName: 'pull_request',
  payload: { pull_request: { number: 7, changed_files: 3, title: 'PROJ-12 fix', body: 'b', base: { sha: BASE }, head: { sha: HEAD, ref: 'agent/x' } } },
  workspace: '/ws',
  runnerTemp: '/tmp/rt',
  runId: '42',
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return `${(error as ConfigError).code}: ${(error as ConfigError).message}`;
  }
  throw new Error('expected a ConfigError');
}

describe('eventRefs', () => {
  it('takes a pull request base and head, and a push before and after', () => {
    expect(eventRefs('pull_request', prEvent.payload)).toMatchObject({
      base: BASE,
      head: HEAD,
      pullRequest: { number: 7, changedFiles: 3, headRef: 'agent/x' },
    });
    expect(eventRefs('push', { before: BASE, after: HEAD })).toMatchObject({ base: BASE, head: HEAD });
    // A new branch's push has no previous commit.
    expect(eventRefs('push', { before: '0'.repeat(40), after: HEAD }).base).toBeUndefined();
    expect(eventRefs('workflow_dispatch', {})).toEqual({ from: 'the workflow_dispatch event, which names no base or head' });
  });
});

describe('planDiffScope', () => {
  it('defaults base and head from the event and writes under RUNNER_TEMP', () => {
    const plan = planDiffScope(inputs, prEvent, loaded);
    expect(plan).toMatchObject({ mode: 'auto', base: BASE, head: HEAD, refsFrom: "the pull_request event's pull request" });
    expect(plan.outputDir).toBe('/tmp/rt/agent-gates/diff-scope-42');
    expect(plan.sarifPath).toBe('/tmp/rt/agent-gates/diff-scope-42/diff-scope.sarif');
  });

  it('lets max-files and max-lines override the policy, and says which decided', () => {
    const plan = planDiffScope({ ...inputs, maxFiles: 5 }, prEvent, loaded);
    expect(plan.policy.scope.maxFiles).toBe(5);
    expect(plan.policy.scope.maxLines).toBe(loaded.policy.scope.maxLines);
    expect(plan.settings['max-files']).toEqual({ value: 5, from: 'input max-files' });
    expect(plan.settings['max-lines']!.from).toBe('default policy: scope.max-lines');
    // The loaded policy is frozen and recorded by digest: it is never changed in place.
    expect(loaded.policy.scope.maxFiles).not.toBe(5);
  });

  it('names the input for each mistake, before anything is read', () => {
    expect(codeOf(() => planDiffScope(inputs, { ...prEvent, eventName: 'workflow_dispatch', payload: {} }, loaded))).toMatch(
      /^E_DIFF_REF: input "base" is empty/,
    );
    expect(codeOf(() => planDiffScope(inputs, { ...prEvent, eventName: 'push', payload: { before: '0'.repeat(40), after: HEAD } }, loaded))).toMatch(
      /input "base".*new branch/,
    );
    expect(codeOf(() => planDiffScope({ ...inputs, base: '--upload-pack=x' }, prEvent, loaded))).toMatch(/^E_DIFF_REF: input "base"/);
    expect(codeOf(() => planDiffScope({ ...inputs, head: 'a..b' }, prEvent, loaded))).toMatch(/^E_DIFF_REF: input "head"/);
    expect(codeOf(() => planDiffScope({ ...inputs, workingTree: true, mode: 'api' }, prEvent, loaded))).toMatch(/^E_INPUT: input "working-tree/);
    expect(codeOf(() => planDiffScope({ ...inputs, workingTree: true, head: HEAD }, prEvent, loaded))).toMatch(/"head" and "working-tree"/);
    expect(codeOf(() => planDiffScope({ ...inputs, mode: 'api', base: BASE, head: HEAD }, { ...prEvent, eventName: 'push', payload: {} }, loaded))).toMatch(
      /^E_INPUT: input "mode: api" needs a pull request/,
    );
    expect(codeOf(() => planDiffScope({ ...inputs, claimedFiles: '[oops' }, prEvent, loaded))).toMatch(/^E_INPUT: input "claimed-files"/);
  });

  it('in working-tree mode needs only a base', () => {
    const plan = planDiffScope({ ...inputs, workingTree: true, base: 'main' }, { ...prEvent, eventName: 'workflow_dispatch', payload: {} }, loaded);
    expect(plan).toMatchObject({ mode: 'working-tree', base: 'main', refsFrom: 'inputs' });
    expect(plan.head).toBeUndefined();
  });
});

describe('plannedGitRefs', () => {
  it('names the commits planDiffScope compares in local git, from the inputs and the event alone', () => {
    expect(plannedGitRefs(inputs, prEvent)).toEqual({ base: BASE, head: HEAD });
    const plan = planDiffScope(inputs, prEvent, loaded);
    expect(plannedGitRefs(inputs, prEvent)).toEqual({ base: plan.base, head: plan.head });
    expect(plannedGitRefs({ ...inputs, base: 'main', head: 'agent/x' }, prEvent)).toEqual({ base: 'main', head: 'agent/x' });
    expect(plannedGitRefs({ ...inputs, mode: 'git' }, { eventName: 'push', payload: { before: BASE, after: HEAD } })).toEqual({ base: BASE, head: HEAD });
  });

  it('names none where planDiffScope reads no two commits, or will refuse the inputs', () => {
    expect(plannedGitRefs({ ...inputs, mode: 'api' }, prEvent)).toBeUndefined();
    expect(plannedGitRefs({ ...inputs, workingTree: true }, prEvent)).toBeUndefined();
    expect(plannedGitRefs(inputs, { eventName: 'workflow_dispatch', payload: {} })).toBeUndefined();
    expect(plannedGitRefs({ ...inputs, base: '--upload-pack=x' }, prEvent)).toBeUndefined();
    expect(plannedGitRefs({ ...inputs, head: 'a..b' }, prEvent)).toBeUndefined();
    expect(plannedGitRefs(inputs, { eventName: 'push', payload: { before: '0'.repeat(40), after: HEAD } })).toBeUndefined();
  });
});
