/**
 * The policy's `secrets` and `models` sections reach capture (issue 6, §5 item 6): docs/policy.md says the
 * secrets section governs the transcript and that capture-transcript reads `models`.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureTranscript, type CaptureOptions } from '@agent-gates/core/capture';
import type { ModelsPolicy, SecretsPolicy } from '../../../packages/core/src/policy/types.js';

// Built at run time so no credential-shaped literal sits in the repository.
const digest = (seed: string) =>
  createHash('sha256')
    .update(seed)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '');
const GITHUB_TOKEN = `ghp_${digest('policy-sections').slice(0, 36)}`;
const ACME_TOKEN = `acme_${digest('acme').slice(0, 32)}`;

function transcript(model: string | undefined, text: string): string {
  const records = [
    { type: 'system', subtype: 'init', session_id: 's-1', ...(model ? { model } : {}), cwd: '/ws', tools: ['Bash'] },
    {
      type: 'assistant',
      session_id: 's-1',
      message: {
        id: 'm1',
        role: 'assistant',
        ...(model ? { model } : {}),
        content: [
          { type: 'text', text },
          { type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'npm test' } },
        ],
      },
    },
    { type: 'user', session_id: 's-1', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] } },
    { type: 'result', subtype: 'success', session_id: 's-1', num_turns: 1 },
  ];
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

async function capture(content: string, overrides: Partial<CaptureOptions>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'capture-policy-'));
  const workspace = path.join(dir, 'ws');
  mkdirSync(workspace);
  const source = path.join(dir, 'claude.jsonl');
  writeFileSync(source, content);
  const result = await captureTranscript({
    source,
    workspace,
    format: 'auto',
    redact: true,
    maskValues: [],
    redactPatterns: [],
    allowedTools: ['*'],
    deniedTools: [],
    outputDir: path.join(dir, 'out'),
    fingerprintKey: 'policy-sections',
    policy: { source: 'file', digest: 'sha256:0' },
    context: {
      repository: 'acme/app',
      runId: '1',
      runAttempt: '1',
      job: 'agent',
      workflow: 'agent',
      workflowRef: 'acme/app/.github/workflows/agent.yml@refs/heads/main',
      eventName: 'push',
      sha: 'a'.repeat(40),
      actor: 'octocat',
      toolName: 'agent-gates/capture-transcript',
      toolVersion: '0.0.0-test',
    },
    ...overrides,
  });
  return { result, stored: readFileSync(result.transcriptFile, 'utf8') };
}

const secrets = (overrides: Partial<SecretsPolicy>): Pick<SecretsPolicy, 'patterns' | 'disabledRules' | 'allow'> => ({
  patterns: [],
  disabledRules: [],
  allow: [],
  ...overrides,
});
const models = (overrides: Partial<ModelsPolicy>): ModelsPolicy => ({ allowed: ['*'], denied: [], requirePinned: false, requireSeed: false, ...overrides });
const PINNED = 'claude-sonnet-4-5-20250929';

describe('the policy secrets section in capture', () => {
  it('runs its patterns, reported under their own ids', async () => {
    const { result, stored } = await capture(transcript(PINNED, `deploy with ${ACME_TOKEN} now`), {
      secrets: secrets({ patterns: [{ id: 'acme-deploy-token', regex: 'acme_[A-Za-z0-9]{32}' }] }),
    });
    expect(stored).not.toContain(ACME_TOKEN);
    expect(stored).toContain('[REDACTED:acme-deploy-token]');
    expect(result.findings.map((f) => f.ruleId)).toEqual(['acme-deploy-token']);
    expect(result.verdict).toBe('warn');
  });

  it('does not run disabled rules', async () => {
    const text = `the token is ${GITHUB_TOKEN}`;
    const before = await capture(transcript(PINNED, text), {});
    expect(before.result.findings.map((f) => f.ruleId)).toEqual(['github-pat']);
    const { result } = await capture(transcript(PINNED, text), { secrets: secrets({ disabledRules: ['github-pat'] }) });
    expect(result.findings.filter((f) => f.ruleId === 'github-pat')).toEqual([]);
  });

  it('accepts findings an allow entry with a regex names, and only for its rules', async () => {
    const text = `the token is ${GITHUB_TOKEN}`;
    const allow = (rules?: string[]) =>
      secrets({ allow: [{ regex: `^${GITHUB_TOKEN.slice(0, 12)}`, ...(rules ? { rules } : {}), reason: 'documented example' }] });
    const accepted = await capture(transcript(PINNED, text), { secrets: allow(['github-pat']) });
    expect(accepted.result.findings).toEqual([]);
    expect(accepted.stored).toContain(GITHUB_TOKEN);
    expect(accepted.result.verdict).toBe('pass');
    const otherRule = await capture(transcript(PINNED, text), { secrets: allow(['aws-access-token']) });
    expect(otherRule.stored).not.toContain(GITHUB_TOKEN);
  });

  it('never accepts through an entry that needs a path: a transcript finding has none', async () => {
    const { result, stored } = await capture(transcript(PINNED, `the token is ${GITHUB_TOKEN}`), {
      secrets: secrets({ allow: [{ paths: ['**'], regex: '.', reason: 'fixtures' }] }),
    });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['github-pat']);
    expect(stored).not.toContain(GITHUB_TOKEN);
  });
});

describe('the policy models section in capture', () => {
  it('fails a denied model, and a model no allowed glob names', async () => {
    const denied = await capture(transcript('claude-3-opus-20240229', 'hi'), { models: models({ denied: ['claude-3-opus*'] }) });
    expect(denied.result.verdict).toBe('fail');
    expect(denied.result.reasons.join('\n')).toMatch(/denied by the policy's models\.denied: "claude-3-opus-20240229"/);
    const notAllowed = await capture(transcript('gpt-5-codex', 'hi'), { models: models({ allowed: ['claude-*'] }) });
    expect(notAllowed.result.verdict).toBe('fail');
    expect(notAllowed.result.reasons.join('\n')).toMatch(/not in the policy's models\.allowed: "gpt-5-codex"/);
  });

  it('warns on an alias under require-pinned, and passes a pinned allowed model', async () => {
    const alias = await capture(transcript('claude-sonnet-4-5', 'hi'), { models: models({ requirePinned: true }) });
    expect(alias.result.verdict).toBe('warn');
    expect(alias.result.reasons.join('\n')).toMatch(/not pinned.*"claude-sonnet-4-5"/);
    const pinned = await capture(transcript(PINNED, 'hi'), { models: models({ allowed: ['claude-*'], requirePinned: true }) });
    expect(pinned.result.verdict).toBe('pass');
  });

  it('warns when the policy restricts models and the transcript names none', async () => {
    const { result } = await capture(transcript(undefined, 'hi'), { models: models({ allowed: ['claude-*'] }) });
    expect(result.verdict).toBe('warn');
    expect(result.reasons.join('\n')).toMatch(/names no model/);
  });

  it('quotes model ids from the transcript: a newline cannot start a line of its own', async () => {
    const { result } = await capture(transcript('evil\n::warning::x', 'hi'), { models: models({ denied: ['evil*'] }) });
    expect(result.verdict).toBe('fail');
    expect(result.reasons.join('\n')).not.toMatch(/^::/m);
  });
});
