import { createArtifactStore, defineGate, OutputSet, uploadArtifact } from '@agent-gates/action-kit';
import { runAuditEmit, type AuditEmitInputs } from '@agent-gates/core/audit';
import { ACTION_SPEC, type OutputName } from './action-spec.generated.js';
import { renderDetails } from './summary.js';

/** audit-emit: inputs, one core call, outputs. Every decision is in packages/core/src/audit. */
export const main = defineGate({
  spec: ACTION_SPEC,
  gate: 'audit-emit',
  // It records whatever happened, including a run whose base could not be read; it judges nothing the change controls.
  missingPolicyBase: 'working-tree',
  inputs: (input): AuditEmitInputs => {
    const optional = (name: Parameters<typeof input.optional>[0]) => input.optional(name);
    const eventType = input.oneOf<'decision' | 'outcome'>('event-type', ['decision', 'outcome']);
    const format = optional('format');
    return {
      signals: input.raw('signals'),
      overrides: {
        eventType,
        ...withValue('agentId', optional('agent-id')),
        ...withValue('action', optional('action')),
        ...withValue('outcome', optional('outcome')),
        ...withValue('decisionId', optional('decision-id')),
        ...withValue('humanReviewer', optional('human-reviewer')),
        ...withValue('policyApplied', optional('policy-applied')),
      },
      ...withValue('log', optional('log')),
      ...withValue('prev', optional('prev')),
      sinks: input.list('sinks'),
      // Values, never comments: a secret may start with `#`.
      sinkHeaders: input.list('sink-headers', { comments: false }),
      ...withValue('hmacKey', optional('hmac-key')),
      ...(format !== undefined ? { format: input.oneOf<'native' | 'cloudevents'>('format', ['native', 'cloudevents']) } : {}),
      ...withValue('attestationPredicate', optional('attestation-predicate')),
      ...withValue('spool', optional('spool')),
    };
  },
  secrets: (inputs) => [
    ...(inputs.hmacKey ? [inputs.hmacKey] : []),
    ...inputs.sinkHeaders.map((line) => line.slice(line.indexOf(':') + 1).trim()).filter((v) => v !== ''),
  ],
  async run({ inputs, context, policy, log, tool }) {
    const result = await runAuditEmit(inputs, {
      context,
      policy,
      tool,
      upload: (files, rootDirectory, name, retentionDays) => uploadArtifact(createArtifactStore(), { name, files, rootDirectory, retentionDays }),
    });
    for (const reason of result.reasons) if (reason.severity !== 'pass') log.warning(reason.message, { title: `audit-emit: ${reason.code}` });
    const outputs = new OutputSet<OutputName>()
      .set('event-id', result.event.event_id)
      .set('event-digest', result.event.digest)
      .set('chain-head', result.chainHead)
      .set('log', result.log ?? '')
      .set('artifact-id', result.artifactId !== undefined ? String(result.artifactId) : '')
      .set('delivered', result.delivered)
      .set('predicate', result.predicate ?? '');
    return {
      verdict: result.verdict,
      reasons: result.reasons,
      report: result.report,
      outputs,
      details: (summary) => renderDetails(summary, result),
      logLine: `audit-emit: ${result.verdict} (event ${result.event.event_id}, chain head ${result.chainHead}, ${result.spooled} spooled)`,
    };
  },
});

function withValue<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value !== undefined ? ({ [key]: value } as Record<K, string>) : {};
}
