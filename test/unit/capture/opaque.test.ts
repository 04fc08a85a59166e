import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureTranscript, planCapture, type CaptureRun } from '@agent-gates/core/capture';
import { fakeToken, captureOptions } from '../../fixtures/builders.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const TOKEN = fakeToken('opaque-test');
// Plain text no reader claims: not JSON, not an Aider or SpecStory chat.
const UNKNOWN = `agent log 2026-12-01\nstep 1: ran the tests\nexport GITHUB_TOKEN=${TOKEN}\nstep 2: café done\n`;

function setup(content = UNKNOWN) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opaque-test-'));
  const workspace = path.join(dir, 'ws');
  mkdirSync(workspace);
  const source = path.join(dir, 'session.log');
  writeFileSync(source, content);
  return { dir, workspace, source };
}

const options = captureOptions;

const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('a transcript in no supported format', () => {
  it('still fails with E_FORMAT by default', async () => {
    const { workspace, source } = setup();
    await expect(captureTranscript(options(source, workspace))).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringContaining('session.log') });
  });

  it('is stored opaque with storeUnknown: redacted line by line, hashed, format unknown, verdict warn', async () => {
    const { workspace, source } = setup();
    const secrets: string[] = [];
    const result = await captureTranscript(options(source, workspace, { storeUnknown: true, onSecret: (v) => secrets.push(v) }));
    expect(result.format).toBe('unknown');
    expect(result.verdict).toBe('warn');
    expect(result.gateReasons.map((r) => r.code)).toEqual(['format-unknown', 'secret-redacted']);
    expect(result.reasons[0]).toMatch(/not read/);
    expect(secrets).toEqual([TOKEN]);

    const stored = readFileSync(result.transcriptFile);
    expect(path.relative(path.join(path.dirname(source), 'out'), result.transcriptFile)).toBe(path.join('transcript', 'session.log'));
    expect(stored.toString('utf8')).not.toContain(TOKEN);
    // Only the secret's line changed; the rest is kept byte for byte.
    const lines = stored.toString('utf8').split('\n');
    const sourceLines = UNKNOWN.split('\n');
    expect(lines).toHaveLength(sourceLines.length);
    expect(lines.filter((line, i) => line !== sourceLines[i])).toHaveLength(1);
    expect(lines[2]).toMatch(/^export GITHUB_TOKEN=\S+$/);
    expect(result.sourceDigest).toBe(sha256(UNKNOWN));
    expect(result.transcriptDigest).toBe(sha256(stored));
    expect(result.uploadable).toBe(true);

    const summary = JSON.parse(readFileSync(result.summaryFile, 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ format: 'unknown', verdict: 'warn', toolCalls: 0, redactions: 1 });
    const capture = JSON.parse(readFileSync(result.captureFile, 'utf8')) as {
      verdict: string;
      subjects: Array<{ name: string; digest: string }>;
      transcript: Record<string, unknown>;
    };
    expect(capture.verdict).toBe('warn');
    expect(capture.transcript).toMatchObject({
      format: 'unknown',
      storedAs: 'transcript/session.log',
      sourceDigest: result.sourceDigest,
      transcriptDigest: result.transcriptDigest,
    });
    expect(capture.subjects).toContainEqual({ name: 'transcript/session.log', digest: result.transcriptDigest });

    // The summary stays valid against its published schema.
    const requireFromCore = createRequire(path.join(repoRoot, 'packages/core/package.json'));
    const Ajv2020 = (
      requireFromCore('ajv/dist/2020') as { default: new (o: object) => { compile(s: object): ((v: unknown) => boolean) & { errors?: unknown } } }
    ).default;
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(
      JSON.parse(readFileSync(path.join(repoRoot, 'packages/core/schemas/transcript-summary.schema.json'), 'utf8')) as object,
    );
    expect(validate(result.summary), JSON.stringify(validate.errors)).toBe(true);
  });

  it('with redact off and a secret in it, fails and is not left for upload', async () => {
    const { workspace, source } = setup();
    const result = await captureTranscript(options(source, workspace, { storeUnknown: true, redact: false }));
    expect(result.verdict).toBe('fail');
    expect(result.uploadable).toBe(false);
  });

  it('is never stored opaque under a forced format', async () => {
    const { workspace, source } = setup();
    await expect(captureTranscript(options(source, workspace, { storeUnknown: true, format: 'claude-session' }))).rejects.toMatchObject({ code: 'E_FORMAT' });
  });
});

describe('planCapture', () => {
  it('keeps an unknown transcript only when fail-on is never', () => {
    const { workspace, source } = setup();
    const run = (failOn?: CaptureRun['failOn']): CaptureRun => ({
      context: {
        repository: 'acme/app',
        runId: '1',
        runAttempt: '1',
        job: 'agent',
        workflow: 'agent',
        workflowRef: '',
        eventName: 'push',
        sha: 'a'.repeat(40),
        actor: 'octocat',
        workspace,
        runnerTemp: path.dirname(source),
      },
      policy: {
        policy: {
          transcript: { redact: true, redactPatterns: [], allowedTools: ['*'], deniedTools: [], retentionDays: 30 },
          secrets: undefined,
          models: undefined,
        },
        source: 'default',
        digest: 'sha256:0',
      } as unknown as CaptureRun['policy'],
      tool: { name: 'agent-gates/capture-transcript', version: '0' },
      ...(failOn ? { failOn } : {}),
    });
    const inputs = { path: source, format: 'auto' as const, redact: true, maskValues: [], redactPatterns: [], allowedTools: [], upload: false };
    expect(planCapture(inputs, run('never')).options.storeUnknown).toBe(true);
    expect(planCapture(inputs, run('fail')).options.storeUnknown).toBe(false);
    expect(planCapture(inputs, run('warn')).options.storeUnknown).toBe(false);
    expect(planCapture(inputs, run()).options.storeUnknown).toBe(false);
  });
});
