import { artifactUrl, createArtifactStore, defineGate, maskSecrets, MIN_MASK_LENGTH, OutputSet, uploadArtifact, workerEntry } from '@agent-gates/action-kit';
import { captureUpload, planCapture, type CaptureInputs } from '@agent-gates/core/capture';
import { runCapture } from '@agent-gates/core/capture/run';
import { TRANSCRIPT_FORMATS, type TranscriptFormat } from '@agent-gates/core/transcript';
import { ACTION_SPEC, type OutputName } from './action-spec.generated.js';
import { renderDetails } from './summary.js';

/** capture-transcript: inputs, one core call, outputs. Every decision is in packages/core/src/capture. */
export const main = defineGate({
  spec: ACTION_SPEC,
  gate: 'capture-transcript',
  inputs: (input): CaptureInputs => ({
    path: input.string('path'),
    format: input.oneOf<TranscriptFormat | 'auto'>('format', ['auto', ...TRANSCRIPT_FORMATS]),
    redact: input.boolean('redact'),
    // Values, never comments: a password may start with `#`.
    maskValues: input.list('mask-values', { comments: false, minLength: MIN_MASK_LENGTH }),
    redactPatterns: input.list('redact-patterns', { comments: false }),
    allowedTools: input.list('allowed-tools', { splitCommas: true }),
    artifactName: input.optional('artifact-name'),
    retentionDays: input.integer('retention-days', { min: 1, max: 90 }),
    upload: input.boolean('upload'),
  }),
  secrets: (inputs) => inputs.maskValues,
  async run({ inputs, common, context, policy, log, tool }) {
    const fingerprintKey = process.env.AGENT_GATES_FINGERPRINT_KEY;
    const plan = planCapture(inputs, {
      context,
      policy,
      tool,
      failOn: common.failOn,
      workerEntry: workerEntry(import.meta.url),
      ...(fingerprintKey ? { fingerprintKey } : {}),
    });
    const result = await runCapture({ ...plan.options, onSecret: (value) => maskSecrets([value]) });

    const outputs = new OutputSet<OutputName>();
    const upload = captureUpload(plan, result);
    if (upload && 'skipped' in upload) log.warning(upload.skipped);
    else if (upload) {
      const uploaded = await uploadArtifact(createArtifactStore(), upload);
      outputs.set('artifact-id', String(uploaded.id)).set('artifact-url', artifactUrl(context, uploaded.id)).set('artifact-digest', uploaded.digest);
    }
    const s = result.summary;
    const more = (n: number) => `… ${n} more in summary.json`;
    outputs
      .set('transcript-file', result.transcriptFile)
      .set('transcript-digest', result.transcriptDigest)
      .set('source-digest', result.sourceDigest)
      .set('format', result.format)
      .set('agent', s.agent)
      .set('agent-version', s.agentVersion ?? '')
      .set('model', s.model ?? '')
      .setList('models', s.models, more)
      .set('session-id', s.sessionId ?? '')
      .set('turns', String(s.turns))
      .set('model-calls', s.modelCalls !== undefined ? String(s.modelCalls) : '')
      .set('tool-calls', String(s.toolCalls))
      .setRecord('tools', s.tools, (n) => [more(n), n])
      .setList('files-touched', result.filesTouched, more)
      .setList('outside-workspace', result.outsideWorkspace, more)
      .setList('tool-violations', result.violations, (n) => ({ tool: '…', rule: more(n), record: -1 }))
      .set('redactions', String(result.redactions))
      .set('usage', s.usage ?? {})
      .set('summary-file', result.summaryFile);

    for (const violation of result.violations.slice(0, 20)) {
      log.error(`Tool call outside policy: ${violation.tool}${violation.argument ? ` ${violation.argument}` : ''} (${violation.rule})`, {
        title: 'capture-transcript: tool violation',
      });
    }
    return {
      verdict: result.verdict,
      reasons: result.gateReasons,
      report: { path: result.captureFile, digest: result.captureDigest },
      outputs,
      details: (summary) => renderDetails(summary, result),
      logLine: `capture-transcript: ${result.verdict} (${result.format}, ${s.toolCalls} tool calls, ${result.redactions} redactions${result.redactedOnWorker ? ', redacted on a worker thread' : ''})`,
    };
  },
});
