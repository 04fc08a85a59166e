import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import {
  artifactUrl,
  createActionsLogger,
  createArtifactStore,
  InputReader,
  maskSecrets,
  OutputSet,
  readRunContext,
  writeStepSummary,
  type ArtifactStore,
} from '@agent-gates/action-kit';
import { ConfigError } from '@agent-gates/core';
import { captureTranscript, resolveTranscriptPath, type CaptureOptions } from '@agent-gates/core/capture';
import { captureInWorker } from '@agent-gates/core/capture/worker';
import { loadPolicy } from '@agent-gates/core/policy';
import { TRANSCRIPT_FORMATS, type TranscriptFormat } from '@agent-gates/core/transcript';
import { ACTION_SPEC, type OutputName } from './action-spec.generated.js';
import { renderSummary } from './summary.js';

const FAIL_ON = ['fail', 'warn', 'never'] as const;
/** From here a transcript is captured on worker threads (the same threshold the redaction worker uses). */
const LARGE_TRANSCRIPT_BYTES = 8 * 1024 * 1024;

/**
 * Large transcripts are redacted on a second thread running dist/worker/index.js, a bundle of its
 * own. The path is assembled at run time: ncc would otherwise treat a literal as an asset to copy.
 */
function redactionWorkerEntry(): string {
  const folder = ['worker'][0]!;
  return path.join(path.dirname(fileURLToPath(import.meta.url)), folder, 'index.js');
}

/** Every input, read and validated once. */
export function getInputs(env: Readonly<Record<string, string | undefined>> = process.env) {
  const input = new InputReader(ACTION_SPEC, env);
  return {
    path: input.string('path'),
    format: input.oneOf<TranscriptFormat | 'auto'>('format', ['auto', ...TRANSCRIPT_FORMATS]),
    policy: input.string('policy'),
    redact: input.boolean('redact'),
    maskValues: input.list('mask-values'),
    redactPatterns: input.list('redact-patterns'),
    allowedTools: input.list('allowed-tools', { splitCommas: true }),
    artifactName: input.optional('artifact-name'),
    retentionDays: input.integer('retention-days', { min: 1, max: 90 }),
    upload: input.boolean('upload'),
    summary: input.boolean('summary'),
    failOn: input.oneOf('fail-on', FAIL_ON),
    githubToken: input.optional('github-token'),
  };
}

export async function main(deps: { store?: ArtifactStore } = {}): Promise<void> {
  const inputs = getInputs();
  // Mask before anything else can print: a mask value must never reach the log, even in an error.
  maskSecrets(inputs.maskValues);
  const log = createActionsLogger();
  const context = readRunContext();
  const policy = await loadPolicy({
    workspace: context.workspace,
    path: inputs.policy,
    ...(context.pullRequest ? { baseRef: context.pullRequest.baseSha } : {}),
  });
  const transcriptPolicy = policy.policy.transcript;
  const source = resolveTranscriptPath(inputs.path, context.workspace);
  const outputDir = path.join(context.runnerTemp || os.tmpdir(), 'agent-gates', 'capture-transcript', randomUUID());

  const captureOptions: CaptureOptions = {
    source,
    workspace: context.workspace,
    format: inputs.format,
    // Either the input or the policy can turn redaction off; with it off a secret fails the gate and nothing is uploaded.
    redact: inputs.redact && transcriptPolicy.redact,
    maskValues: inputs.maskValues,
    redactPatterns: [...inputs.redactPatterns, ...transcriptPolicy.redactPatterns],
    allowedTools: inputs.allowedTools.length > 0 ? inputs.allowedTools : transcriptPolicy.allowedTools,
    deniedTools: transcriptPolicy.deniedTools,
    outputDir,
    workerEntry: redactionWorkerEntry(),
    maxBytes: transcriptPolicy.maxBytes,
    ...(process.env.AGENT_GATES_FINGERPRINT_KEY ? { fingerprintKey: process.env.AGENT_GATES_FINGERPRINT_KEY } : {}),
    policy: { source: policy.source, digest: policy.digest },
    context: {
      repository: context.repository,
      runId: context.runId,
      runAttempt: context.runAttempt,
      job: context.job,
      workflow: context.workflow,
      workflowRef: context.workflowRef,
      eventName: context.eventName,
      sha: context.sha,
      actor: context.actor,
      ...(context.pullRequest
        ? { pullRequest: { number: context.pullRequest.number, baseSha: context.pullRequest.baseSha, headSha: context.pullRequest.headSha } }
        : {}),
      toolName: 'agent-gates/capture-transcript',
      toolVersion: ACTION_SPEC.version,
    },
  };
  // A large line-oriented transcript is captured on worker threads with bounded heaps (see
  // captureInWorker); a small one inline, where starting threads would cost more than it saves.
  const large = statSync(source).size >= LARGE_TRANSCRIPT_BYTES;
  const result = large
    ? await captureInWorker(captureOptions, captureOptions.workerEntry!, (value) => maskSecrets([value]))
    : await captureTranscript({ ...captureOptions, onSecret: (value) => maskSecrets([value]) });

  const outputs = new OutputSet<OutputName>();
  if (inputs.upload && result.uploadable) {
    const name = inputs.artifactName ?? `agent-transcript-${context.job || 'job'}-${context.runId || 'local'}-${context.runAttempt}`;
    const store = deps.store ?? createArtifactStore();
    const retentionDays = inputs.retentionDays ?? transcriptPolicy.retentionDays;
    let uploaded;
    try {
      uploaded = await store.upload(name, [result.transcriptFile, result.summaryFile, result.captureFile], outputDir, {
        ...(retentionDays !== undefined ? { retentionDays } : {}),
      });
    } catch (error) {
      throw new ConfigError('E_UPLOAD', `artifact "${name}" could not be uploaded: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    outputs
      .set('artifact-id', String(uploaded.id))
      .set('artifact-url', artifactUrl(context, uploaded.id))
      .set('artifact-digest', uploaded.digest ? `sha256:${uploaded.digest.replace(/^sha256:/, '')}` : undefined);
  } else if (inputs.upload) {
    log.warning('The transcript holds secrets and redact is false: it was not uploaded.');
  }

  const s = result.summary;
  outputs
    .set('verdict', result.verdict)
    .set('transcript-file', result.transcriptFile)
    .set('transcript-digest', result.transcriptDigest)
    .set('source-digest', result.sourceDigest)
    .set('format', result.format)
    .set('agent', s.agent)
    .set('agent-version', s.agentVersion ?? '')
    .set('model', s.model ?? '')
    .set('models', s.models)
    .set('session-id', s.sessionId ?? '')
    .set('turns', String(s.turns))
    .set('tool-calls', String(s.toolCalls))
    .set('tools', s.tools)
    .set('files-touched', result.filesTouched)
    .set('tool-violations', result.violations)
    .set('redactions', String(result.redactions))
    .set('usage', s.usage ?? {})
    .set('summary-file', result.summaryFile);
  outputs.commit();

  for (const violation of result.violations.slice(0, 20)) {
    log.error(`Tool call outside policy: ${violation.tool}${violation.argument ? ` ${violation.argument}` : ''} (${violation.rule})`, {
      title: 'capture-transcript: tool violation',
    });
  }
  if (inputs.summary) writeStepSummary(renderSummary(result));
  log.info(
    `capture-transcript: ${result.verdict} (${result.format}, ${s.toolCalls} tool calls, ${result.redactions} redactions${result.redactedOnWorker ? ', redacted on a worker thread' : ''})`,
  );

  const failing = inputs.failOn === 'never' ? false : inputs.failOn === 'warn' ? result.verdict !== 'pass' : result.verdict === 'fail';
  if (failing) throw new ConfigError('E_VERDICT', `capture-transcript verdict is ${result.verdict}: ${result.reasons.join('; ')}`);
}
