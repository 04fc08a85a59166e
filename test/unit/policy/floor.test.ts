import { describe, expect, it } from 'vitest';
import { applyPolicyFloor, defaultPolicy, FLOOR_RULES, parsePolicy, settingPaths } from '@agent-gates/core/policy';

/** A central policy and a repository's, each over the defaults; then the merged policy. */
async function merge(central: string, local: string) {
  const floor = await parsePolicy(`version: 1\n${central}`, 'central/agent-gates.yml');
  const mine = await parsePolicy(`version: 1\n${local}`, '.github/agent-gates.yml');
  return applyPolicyFloor(floor, mine);
}

describe('a central policy is a floor: the repository may tighten it, never loosen it', () => {
  it('has a merge rule for every setting of the policy', () => {
    const missing = settingPaths(defaultPolicy().policy).filter((p) => !(p in FLOOR_RULES));
    expect(missing).toEqual([]);
  });

  it('keeps a requirement on whichever side turns it on, and a permission off whichever side refuses it', async () => {
    expect((await merge('models:\n  require-pinned: true\n', 'models:\n  require-pinned: false\n')).policy.models.requirePinned).toBe(true);
    expect((await merge('signing:\n  required: false\n', 'signing:\n  required: true\n')).policy.signing.required).toBe(true);
    const outside = await merge('transcript:\n  allow-outside-workspace: false\n', 'transcript:\n  allow-outside-workspace: true\n');
    expect(outside.policy.transcript.allowOutsideWorkspace).toBe(false);
    expect(outside.provenance['/transcript/allowOutsideWorkspace']).toBe('floor');
    expect((await merge('transcript:\n  redact: true\n', 'transcript:\n  redact: false\n')).policy.transcript.redact).toBe(true);
  });

  it('keeps an optional limit either side sets, the lower when both do', async () => {
    expect((await merge('', 'models:\n  max-temperature: 0.2\n')).policy.models.maxTemperature).toBe(0.2);
    expect((await merge('models:\n  max-temperature: 0.5\n', 'models:\n  max-temperature: 0.7\n')).policy.models.maxTemperature).toBe(0.5);
    expect((await merge('', '')).policy.models.maxTemperature).toBeUndefined();
    expect(FLOOR_RULES['/models/maxAgeMs']).toBe('min');
  });

  it('takes the lower limit and the higher threshold', async () => {
    const m = await merge(
      'scope:\n  max-files: 50\n  max-lines: 1000\nrouting:\n  auto-approve-threshold: 0.8\n  reject-threshold: 0.2\n',
      'scope:\n  max-files: 80\n  max-lines: 400\nrouting:\n  auto-approve-threshold: 0.95\n  reject-threshold: 0.1\n',
    );
    expect(m.policy.scope.maxFiles).toBe(50);
    expect(m.policy.scope.maxLines).toBe(400);
    expect(m.policy.routing.autoApproveThreshold).toBe(0.95);
    expect(m.policy.routing.rejectThreshold).toBe(0.2);
    expect(m.provenance['/scope/maxFiles']).toBe('floor');
    expect(m.provenance['/scope/maxLines']).toBe('local');
  });

  it("takes the higher threshold per tier, a tier left out standing at its side's auto-approve threshold", async () => {
    const m = await merge(
      'routing:\n  auto-approve-threshold: 0.9\n',
      'routing:\n  auto-approve-threshold: 0.8\n  thresholds:\n    low: 0.6\n    high: 0.95\n',
    );
    expect(m.policy.routing.thresholds).toEqual({ low: 0.9, medium: 0.9, high: 0.95 });
    expect(m.provenance['/routing/thresholds']).toBe('both');
  });

  it('orders enumerations strictest first', async () => {
    expect((await merge('secrets:\n  fail-on: fail\n', 'secrets:\n  fail-on: never\n')).policy.secrets.failOn).toBe('fail');
    expect((await merge('secrets:\n  fail-on: fail\n', 'secrets:\n  fail-on: warn\n')).policy.secrets.failOn).toBe('warn');
    expect((await merge('routing:\n  unknown: reject\n', 'routing:\n  unknown: human_review\n')).policy.routing.unknown).toBe('reject');
  });

  it('applies both deny lists and both sets of protected paths and detection rules', async () => {
    const m = await merge(
      "models:\n  denied: ['gpt-3*']\nscope:\n  protected-paths: ['infra/**']\nsecrets:\n  patterns:\n    - id: acme\n      regex: 'acme_[a-z]{8}'\n",
      "models:\n  denied: ['o1-*']\nscope:\n  protected-paths: ['db/**']\n",
    );
    expect(m.policy.models.denied).toEqual(['gpt-3*', 'o1-*']);
    expect(m.policy.scope.protectedPaths).toEqual(expect.arrayContaining(['infra/**', 'db/**', '.github/workflows/**']));
    expect(m.policy.secrets.patterns.map((p) => p.id)).toEqual(['acme']);
  });

  it('grants from an allow-list only what both grant; the everything-wildcard yields', async () => {
    const narrowed = await merge("models:\n  allowed: ['*']\n", "models:\n  allowed: ['claude-sonnet-4-5-*']\n");
    expect(narrowed.policy.models.allowed).toEqual(['claude-sonnet-4-5-*']);
    expect(narrowed.provenance['/models/allowed']).toBe('local');
    const widened = await merge("models:\n  allowed: ['claude-*']\n", "models:\n  allowed: ['*']\n");
    expect(widened.policy.models.allowed).toEqual(['claude-*']);
    const both = await merge("transcript:\n  allowed-tools: ['Read', 'Edit']\n", "transcript:\n  allowed-tools: ['Read', 'Bash']\n");
    expect(both.policy.transcript.allowedTools).toEqual(['Read']);
    // An allowance of a finding loosens: a repository cannot add one the central policy does not give.
    const allow = await merge('', "secrets:\n  allow:\n    - paths: ['test/**']\n      reason: fixtures\n");
    expect(allow.policy.secrets.allow).toEqual([]);
    const disabled = await merge('', 'secrets:\n  disabled-rules: [generic-api-key]\n');
    expect(disabled.policy.secrets.disabledRules).toEqual([]);
  });

  it('keeps the central audit sink, names both files and is frozen', async () => {
    const m = await merge('audit:\n  path: central.jsonl\n', 'audit:\n  path: mine.jsonl\n');
    expect(m.policy.audit.path).toBe('central.jsonl');
    expect(m.layers.floor.file).toBe('central/agent-gates.yml');
    expect(m.layers.local.file).toBe('.github/agent-gates.yml');
    expect(m.file).toBe('.github/agent-gates.yml over central/agent-gates.yml');
    expect(Object.isFrozen(m.policy.models.allowed)).toBe(true);
    expect(m.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
