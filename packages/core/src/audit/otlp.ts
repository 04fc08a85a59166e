import { SeverityNumber } from '@opentelemetry/api-logs';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { canonicalJson } from '../digest/index.js';
import type { AuditEvent } from './event.js';

type Attributes = Record<string, string | number | boolean | string[]>;

/**
 * An event's attributes under OpenTelemetry's semantic-convention names where one exists
 * (`gen_ai.*` for agent, model and usage; `cicd.*` and `vcs.*` for the run and the change;
 * `log.record.uid` for the id a collector deduplicates on), and `agent_gates.*` for the rest.
 * The body is the event's canonical JSON, so a receiver can recompute its digest.
 */
export function otlpAttributes(event: AuditEvent): Attributes {
  const a: Attributes = {
    'event.name': `agent_gates.audit.${event.event_type}`,
    'log.record.uid': event.event_id,
    'agent_gates.schema_version': event.schema_version,
    'agent_gates.digest': event.digest,
    'vcs.repository.name': event.repository.split('/')[1] ?? event.repository,
    'vcs.repository.url.full': `https://github.com/${event.repository}`,
    'cicd.pipeline.run.id': event.run.id,
    'cicd.pipeline.run.attempt': event.run.attempt,
    'agent_gates.gates': canonicalJson(event.gates),
  };
  const set = (key: string, value: string | number | string[] | null | undefined) => {
    if (value !== undefined && value !== null) a[key] = value;
  };
  set('agent_gates.prev', event.prev);
  set('gen_ai.agent.name', event.agent_id);
  set('gen_ai.agent.version', event.agent_version);
  set('gen_ai.request.model', event.model);
  set('agent_gates.models', event.models);
  set('gen_ai.conversation.id', event.prompt_id);
  set('gen_ai.usage.input_tokens', event.usage?.input_tokens);
  set('gen_ai.usage.output_tokens', event.usage?.output_tokens);
  set('agent_gates.usage.cost_usd', event.usage?.cost_usd);
  set('user.name', event.user);
  set('agent_gates.action', event.action);
  set('agent_gates.confidence_score', event.confidence_score);
  set('agent_gates.risk_tier', event.risk_tier);
  set('agent_gates.reasons', event.reasons ? canonicalJson(event.reasons) : undefined);
  set('agent_gates.decision_digest', event.decision_digest);
  set('agent_gates.policy_applied', event.policy_applied);
  set('agent_gates.policy_digest', event.policy_digest);
  set('agent_gates.human_reviewer', event.human_reviewer);
  set('agent_gates.outcome', event.outcome);
  set('agent_gates.decision_id', event.decision_id);
  set('cicd.pipeline.name', event.run.workflow_ref);
  set('cicd.pipeline.task.name', event.run.job);
  set('agent_gates.event_name', event.event_name);
  set('vcs.ref.base.revision', event.base_sha);
  set('vcs.ref.head.revision', event.head_sha);
  set('vcs.change.id', event.pull_request !== undefined ? String(event.pull_request) : undefined);
  set('agent_gates.transcript_digest', event.transcript_digest);
  set('agent_gates.manifest_digest', event.manifest_digest);
  set('agent_gates.diff_digest', event.diff_digest);
  set('agent_gates.agent_run_at', event.agent_run_at);
  return a;
}

/** An OTLP/HTTP ExportLogsServiceRequest for events, encoded by OpenTelemetry's own serializers. */
export async function encodeOtlpLogs(
  events: readonly AuditEvent[],
  protocol: 'protobuf' | 'json',
  tool: { name: string; version: string },
): Promise<{ body: Uint8Array; contentType: string }> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'agent-gates', 'service.version': tool.version }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger(tool.name, tool.version);
  for (const event of events) {
    const time = new Date(event.timestamp);
    logger.emit({
      timestamp: time,
      observedTimestamp: time,
      severityNumber: event.action === 'reject' ? SeverityNumber.WARN : SeverityNumber.INFO,
      severityText: event.action === 'reject' ? 'WARN' : 'INFO',
      eventName: `agent_gates.audit.${event.event_type}`,
      body: canonicalJson(event),
      attributes: otlpAttributes(event),
    });
  }
  await provider.forceFlush();
  const records = exporter.getFinishedLogRecords();
  await provider.shutdown();
  const body = protocol === 'json' ? JsonLogsSerializer.serializeRequest(records) : ProtobufLogsSerializer.serializeRequest(records);
  if (!body) throw new Error('the OpenTelemetry serializer produced no request');
  return { body, contentType: protocol === 'json' ? 'application/json' : 'application/x-protobuf' };
}
