import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bytesDigest, canonicalJson } from '@agent-gates/core';
import { captureTranscript, captureUpload, defaultArtifactName, planCapture, WORKER_MIN_BYTES, type CaptureInputs } from '@agent-gates/core/capture';
import {
  failsStep,
  gateReport,
  mergeSettings,
  normaliseSha256,
  reportPolicy,
  resolveSetting,
  worstVerdict,
  writeGateReport,
  type FailOn,
  type Verdict,
} from '@agent-gates/core/gate';
import { applyPolicyFloor, defaultPolicy, parsePolicy } from '@agent-gates/core/policy';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function reportValidator(): ((value: unknown) => boolean) & { errors?: unknown } {
  // ajv is a dependency of @agent-gates/core, not of the root: load the copy core uses.
  const requireFromCore = createRequire(path.join(root, 'packages/core/package.json'));
  const Ajv2020 = (requireFromCore('ajv/dist/2020') as { default: new (o: object) => { compile(s: object): ((v: unknown) => boolean) & { errors?: unknown } } })
    .default;
  const schema = JSON.parse(readFileSync(path.join(root, 'packages/core/schemas/gate-report.schema.json'), 'utf8')) as object;
  return new Ajv2020({ allErrors: true, strict: true }).compile(schema);
}

const CONTEXT = {
  repository: 'acme/app',
  runId: '42',
  runAttempt: '2',
  job: 'agent',
  workflow: 'agent',
  workflowRef: 'acme/app/.github/workflows/agent.yml@refs/heads/main',
  eventName: 'pull_request',
  sha: 'a'.repeat(40),
  actor: 'octocat',
  pullRequest: { number: 7, baseSha: 'b'.repeat(40), headSha: 'c'.repeat(40) },
};

describe('verdicts', () => {
  it('aggregates by one rule: the worst wins, nothing is a pass', () => {
    expect(worstVerdict([])).toBe('pass');
    expect(worstVerdict(['pass', 'pass'])).toBe('pass');
    expect(worstVerdict(['pass', 'warn', 'pass'])).toBe('warn');
    expect(worstVerdict(['warn', 'fail', 'warn'])).toBe('fail');
    expect(worstVerdict(['fail', 'pass'])).toBe('fail');
  });

  it.each<[Verdict, FailOn, boolean]>([
    ['pass', 'fail', false],
    ['warn', 'fail', false],
    ['fail', 'fail', true],
    ['pass', 'warn', false],
    ['warn', 'warn', true],
    ['fail', 'warn', true],
    ['pass', 'never', false],
    ['warn', 'never', false],
    ['fail', 'never', false],
  ])('a %s verdict with fail-on %s fails the step: %s', (verdict, failOn, fails) => {
    expect(failsStep(verdict, failOn)).toBe(fails);
  });
});

describe('input overrides policy', () => {
  it('takes a set input and ignores an unset one', () => {
    expect(resolveSetting('x', 'policy')).toBe('x');
    expect(resolveSetting(undefined, 'policy')).toBe('policy');
    expect(resolveSetting('', 'policy')).toBe('policy');
    expect(resolveSetting([], ['Read'])).toEqual(['Read']);
    expect(resolveSetting(['Bash'], ['Read'])).toEqual(['Bash']);
    expect(resolveSetting(0, 30)).toBe(0);
    expect(resolveSetting(false, true)).toBe(false);
  });

  it('merges an input object over a policy object, key by key, keeping the policy shape', () => {
    const policy = { retentionDays: 30, allowedTools: ['Read'] as readonly string[], redact: true };
    const merged = mergeSettings({ retentionDays: 7, allowedTools: [], redact: undefined, unknown: 1 } as never, policy);
    expect(merged).toEqual({ retentionDays: 7, allowedTools: ['Read'], redact: true });
    expect(policy.retentionDays).toBe(30);
  });
});

/** The canonical JSON report-digest covers: the report without startedAt and finishedAt. */
function withoutRunTimes(text: string): string {
  const report = JSON.parse(text) as Record<string, unknown>;
  expect(report.startedAt).toEqual(expect.any(String));
  delete report.startedAt;
  delete report.finishedAt;
  return canonicalJson(report);
}

describe('gate report', () => {
  it('is written as canonical JSON whose digest leaves out the run times', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gate-report-'));
    const report = gateReport({
      tool: { name: 'agent-gates/test', version: '1.0.0' },
      context: CONTEXT,
      startedAt: new Date(0),
      finishedAt: new Date(1000),
      policy: { source: 'default', digest: defaultPolicy().digest },
      verdict: 'warn',
      reasons: [{ code: 'thing-found', severity: 'warn', message: 'a thing', location: { file: 'a.ts', line: 3 } }],
      subjects: [{ name: 'input', digest: bytesDigest('x') }],
      details: { b: 1, a: [2, 1] },
    });
    const written = writeGateReport(path.join(dir, 'nested', 'report.json'), report);
    const bytes = readFileSync(written.path, 'utf8');
    expect(bytes).toBe(canonicalJson(report));
    expect(written.digest).toBe(`sha256:${createHash('sha256').update(withoutRunTimes(bytes)).digest('hex')}`);
    expect(JSON.parse(bytes)).toMatchObject({ run: { id: '42', attempt: '2' }, pullRequest: { number: 7 } });
    const validate = reportValidator();
    expect(validate(JSON.parse(bytes)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...report, verdict: 'ok' })).toBe(false);
    expect(validate({ ...report, reasons: [{ code: 'x', severity: 'fail' }] })).toBe(false);
    const { subjects: _s, ...noSubjects } = report;
    expect(validate(noSubjects)).toBe(false);
  });

  it('names both files and which one set each setting when a central floor applies', async () => {
    const floor = await parsePolicy('version: 1\nscope:\n  max-files: 5\n', 'central.yml');
    const local = await parsePolicy('version: 1\nscope:\n  max-files: 50\n', '.github/agent-gates.yml');
    const policy = reportPolicy(applyPolicyFloor(floor, local));
    expect(policy.layers).toEqual({ floor: { file: 'central.yml', digest: floor.digest }, local: { file: '.github/agent-gates.yml', digest: local.digest } });
    expect(policy.provenance?.['/scope/maxFiles']).toBe('floor');
    expect(reportPolicy(defaultPolicy())).toEqual({ source: 'default', digest: defaultPolicy().digest });
    const report = gateReport({
      tool: { name: 'agent-gates/test', version: '1' },
      context: CONTEXT,
      startedAt: new Date(0),
      finishedAt: new Date(1),
      policy,
      verdict: 'pass',
      reasons: [],
      subjects: [],
      details: {},
    });
    const validate = reportValidator();
    expect(validate(JSON.parse(canonicalJson(report))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('normalises a digest to sha256:<hex>', () => {
    expect(normaliseSha256('ABCDEF')).toBe('sha256:abcdef');
    expect(normaliseSha256('sha256:abcdef')).toBe('sha256:abcdef');
  });

  it("a real capture's capture.json is a gate report", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gate-capture-'));
    const workspace = path.join(dir, 'ws');
    mkdirSync(workspace);
    const source = path.join(dir, 'claude.jsonl');
    const token = `ghp_${createHash('sha256')
      .update('gate-report')
      .digest('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 36)}`;
    const records = [
      { type: 'system', subtype: 'init', session_id: 's', model: 'claude-sonnet-4-5', cwd: workspace, tools: ['Bash'] },
      {
        type: 'assistant',
        session_id: 's',
        message: {
          id: 'm',
          role: 'assistant',
          model: 'claude-sonnet-4-5',
          content: [{ type: 'tool_use', id: 't', name: 'Bash', input: { command: 'curl x | sh' } }],
        },
      },
      { type: 'user', session_id: 's', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: `TOKEN=${token}` }] } },
      { type: 'result', subtype: 'success', session_id: 's', num_turns: 1 },
    ];
    writeFileSync(source, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const policy = defaultPolicy();
    const result = await captureTranscript({
      source,
      workspace,
      format: 'auto',
      redact: true,
      maskValues: [],
      redactPatterns: [],
      allowedTools: ['Read'],
      deniedTools: [],
      outputDir: path.join(dir, 'out'),
      policy: { source: 'default', digest: policy.digest },
      context: { ...CONTEXT, toolName: 'agent-gates/capture-transcript', toolVersion: '0.0.0-test' },
    });
    const text = readFileSync(result.captureFile, 'utf8');
    const capture = JSON.parse(text) as Record<string, unknown>;
    const validate = reportValidator();
    expect(validate(capture), JSON.stringify(validate.errors)).toBe(true);
    expect(result.captureDigest).toBe(bytesDigest(withoutRunTimes(text)));
    expect(capture).toMatchObject({
      verdict: 'fail',
      reasons: [
        { code: 'tool-violation', severity: 'fail' },
        { code: 'secret-redacted', severity: 'warn' },
      ],
      subjects: expect.arrayContaining([
        { name: 'source', digest: result.sourceDigest },
        { name: 'transcript/claude.jsonl', digest: result.transcriptDigest },
      ]),
      details: { format: 'claude-stream-json', toolViolations: 1 },
    });
    expect(text).not.toContain(token);
  });
});

describe('planCapture', () => {
  const inputs: CaptureInputs = {
    path: 't.jsonl',
    format: 'auto',
    redact: true,
    maskValues: [],
    redactPatterns: ['in-[0-9]+'],
    allowedTools: [],
    upload: true,
  };
  const policyWith = (transcript: object) => {
    const base = defaultPolicy();
    return { ...base, policy: { ...base.policy, transcript: { ...base.policy.transcript, ...transcript } } };
  };
  function plan(overrides: Partial<CaptureInputs>, transcript: object = {}) {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    writeFileSync(path.join(workspace, 't.jsonl'), '{}\n');
    return planCapture(
      { ...inputs, ...overrides },
      {
        context: { ...CONTEXT, workspace, runnerTemp: workspace },
        policy: policyWith(transcript),
        tool: { name: 'agent-gates/capture-transcript', version: '1' },
      },
    );
  }

  it('lets inputs override single policy values and leaves the policy where they are unset', () => {
    expect(plan({}, { allowedTools: ['Read'], retentionDays: 9 })).toMatchObject({
      options: { allowedTools: ['Read'] },
      upload: { name: defaultArtifactName(CONTEXT), retentionDays: 9 },
    });
    expect(plan({ allowedTools: ['Bash'], retentionDays: 3, artifactName: 'mine' }, { allowedTools: ['Read'], retentionDays: 9 })).toMatchObject({
      options: { allowedTools: ['Bash'] },
      upload: { name: 'mine', retentionDays: 3 },
    });
    expect(plan({ upload: false }).upload).toBeUndefined();
  });

  it('adds redact patterns, and lets either side turn redaction off', () => {
    expect(plan({}, { redactPatterns: ['pol-[a-z]+'] }).options.redactPatterns).toEqual(['in-[0-9]+', 'pol-[a-z]+']);
    expect(plan({ redact: false }).options.redact).toBe(false);
    expect(plan({}, { redact: false }).options.redact).toBe(false);
    expect(plan({}).options.redact).toBe(true);
  });

  it('takes writes outside the workspace as a failure unless the policy accepts them', () => {
    expect(plan({}).options.allowWritesOutsideWorkspace).toBe(false);
    expect(plan({}, { allowOutsideWorkspace: true }).options.allowWritesOutsideWorkspace).toBe(true);
  });

  it('names the default artifact per job, run and attempt', () => {
    expect(defaultArtifactName(CONTEXT)).toBe('agent-transcript-agent-42-2');
    expect(defaultArtifactName({ job: '', runId: '', runAttempt: '' })).toBe('agent-transcript-job-local-1');
    expect(WORKER_MIN_BYTES).toBe(8 * 1024 * 1024);
  });
});

describe('captureUpload', () => {
  const plan = (upload: { name: string; retentionDays: number } | undefined) => ({ options: { outputDir: '/out' } as never, upload });
  const result = {
    uploadable: true,
    transcriptFile: '/out/transcript/t.jsonl',
    subagentFiles: [],
    summaryFile: '/out/summary.json',
    captureFile: '/out/capture.json',
  };

  it('uploads the evidence files, never an unredacted secret, and nothing when upload is off', () => {
    expect(captureUpload(plan({ name: 'n', retentionDays: 5 }), result)).toEqual({
      name: 'n',
      retentionDays: 5,
      files: ['/out/transcript/t.jsonl', '/out/summary.json', '/out/capture.json'],
      rootDirectory: '/out',
    });
    // A session's subagent files travel with it.
    const sub = '/out/transcript/s/subagents/agent-a.jsonl';
    expect(captureUpload(plan({ name: 'n', retentionDays: 5 }), { ...result, subagentFiles: [sub] })).toMatchObject({
      files: ['/out/transcript/t.jsonl', sub, '/out/summary.json', '/out/capture.json'],
    });
    expect(captureUpload(plan({ name: 'n', retentionDays: 5 }), { ...result, uploadable: false })).toEqual({ skipped: expect.stringMatching(/not uploaded/) });
    expect(captureUpload(plan(undefined), result)).toBeUndefined();
  });
});
