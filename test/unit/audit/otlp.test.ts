import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '@agent-gates/core';
import { deliverToSink, eventDigest, parseSink, sealEvent, type AuditEvent, type HttpSink } from '@agent-gates/core/audit';
import { decisionEvent } from './events.js';
import { startReceiver } from './receivers.js';

// The official opentelemetry-proto definitions as OpenTelemetry published them on npm (inside
// @opentelemetry/otlp-grpc-exporter-base 0.34, a devDependency for this), not the sender's encoder.
const protoRoot = path.join(
  path.dirname(createRequire(fileURLToPath(import.meta.url)).resolve('@opentelemetry/otlp-grpc-exporter-base/package.json')),
  'build',
  'protos',
);
async function exportRequestType(): Promise<protobuf.Type> {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(protoRoot, target);
  await root.load('opentelemetry/proto/collector/logs/v1/logs_service.proto', { keepCase: false });
  return root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}
interface DecodedRecord {
  timeUnixNano: string;
  severityText: string;
  eventName?: string;
  body: AnyValue;
  attributes: { key: string; value: AnyValue }[];
}
function plain(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  return undefined;
}

const tool = { name: 'agent-gates/audit-emit', version: '0.1.0' };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('OTLP/HTTP logs sink', () => {
  it.each(['protobuf', 'json'] as const)('delivers events a collector decodes with the OTLP %s definitions, every field present', async (protocol) => {
    const type = await exportRequestType();
    const bodies: { type: string; body: Buffer }[] = [];
    const receiver = await startReceiver((request, res) => {
      bodies.push({ type: String(request.headers['content-type']), body: request.body });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    closers.push(receiver.close);
    const sink = parseSink(`${protocol === 'json' ? 'otlp-json' : 'otlp'}:${receiver.url.replace('/audit', '/v1/logs')}`) as HttpSink;
    let prev: string | null = null;
    const events: AuditEvent[] = Array.from({ length: 150 }, () => {
      const e = sealEvent(decisionEvent(), prev);
      prev = e.digest;
      return e;
    });
    const result = await deliverToSink(sink, events, { headers: {}, format: 'native', retry: { maxAttempts: 1 }, tool });
    expect(result.delivered).toHaveLength(150);
    expect(bodies).toHaveLength(2); // batches of 100

    const records: (DecodedRecord & { resource: Record<string, unknown> })[] = [];
    for (const { type: contentType, body } of bodies) {
      const message = protocol === 'json' ? type.fromObject(JSON.parse(body.toString('utf8'))) : type.decode(body);
      expect(contentType).toBe(protocol === 'json' ? 'application/json' : 'application/x-protobuf');
      const decoded = type.toObject(message, { longs: String, defaults: false }) as {
        resourceLogs: { resource: { attributes: { key: string; value: AnyValue }[] }; scopeLogs: { scope: { name: string }; logRecords: DecodedRecord[] }[] }[];
      };
      for (const rl of decoded.resourceLogs) {
        const resource = Object.fromEntries(rl.resource.attributes.map((a) => [a.key, plain(a.value)]));
        for (const sl of rl.scopeLogs) {
          expect(sl.scope.name).toBe(tool.name);
          for (const r of sl.logRecords) records.push({ ...r, resource });
        }
      }
    }
    expect(records).toHaveLength(150);
    const byId = new Map(records.map((r) => [Object.fromEntries(r.attributes.map((a) => [a.key, plain(a.value)]))['log.record.uid'] as string, r]));
    for (const event of events) {
      const record = byId.get(event.event_id)!;
      expect(record, event.event_id).toBeDefined();
      expect(record.resource['service.name']).toBe('agent-gates');
      expect(BigInt(record.timeUnixNano)).toBe(BigInt(Date.parse(event.timestamp)) * 1_000_000n);
      // LogRecord.event_name is newer than these published protos: unknown to this decoder, so not checked here.
      // The body is the canonical event: every field, and the digest recomputes.
      expect(record.body.stringValue).toBe(canonicalJson(event));
      const fromBody = JSON.parse(record.body.stringValue!) as AuditEvent;
      expect(eventDigest(fromBody)).toBe(event.digest);
      const attributes = Object.fromEntries(record.attributes.map((a) => [a.key, plain(a.value)]));
      expect(attributes).toMatchObject({
        'gen_ai.agent.name': event.agent_id,
        'gen_ai.agent.version': event.agent_version,
        'gen_ai.request.model': event.model,
        'gen_ai.conversation.id': event.prompt_id,
        'gen_ai.usage.input_tokens': event.usage!.input_tokens,
        'gen_ai.usage.output_tokens': event.usage!.output_tokens,
        'agent_gates.usage.cost_usd': event.usage!.cost_usd,
        'cicd.pipeline.run.id': event.run.id,
        'cicd.pipeline.run.attempt': event.run.attempt,
        'cicd.pipeline.name': event.run.workflow_ref,
        'cicd.pipeline.task.name': event.run.job,
        'vcs.repository.url.full': 'https://github.com/acme/app',
        'vcs.ref.base.revision': event.base_sha,
        'vcs.ref.head.revision': event.head_sha,
        'vcs.change.id': String(event.pull_request),
        'user.name': event.user,
        'agent_gates.action': event.action,
        'agent_gates.confidence_score': event.confidence_score,
        'agent_gates.risk_tier': event.risk_tier,
        'agent_gates.digest': event.digest,
        'agent_gates.transcript_digest': event.transcript_digest,
        'agent_gates.manifest_digest': event.manifest_digest,
        'agent_gates.diff_digest': event.diff_digest,
        'agent_gates.policy_digest': event.policy_digest,
        'agent_gates.policy_applied': event.policy_applied,
        'agent_gates.human_reviewer': event.human_reviewer,
        'agent_gates.decision_digest': event.decision_digest,
        'agent_gates.agent_run_at': event.agent_run_at,
        'agent_gates.models': event.models,
        'agent_gates.gates': canonicalJson(event.gates),
        'agent_gates.reasons': canonicalJson(event.reasons),
      });
      expect(attributes['agent_gates.prev']).toBe(event.prev ?? undefined);
    }
  });

  it('spools a batch the collector refuses and retries one it is too busy for', async () => {
    let calls = 0;
    const receiver = await startReceiver((_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(503, { 'Retry-After': '0' }).end();
      else res.writeHead(400).end();
    });
    closers.push(receiver.close);
    const events = [sealEvent(decisionEvent(), null)];
    const result = await deliverToSink({ kind: 'otlp', url: receiver.url, protocol: 'protobuf' }, events, {
      headers: {},
      format: 'native',
      retry: { maxAttempts: 5, baseDelayMs: 1 },
      tool,
    });
    expect(calls).toBe(2);
    expect(result.failed.map((f) => f.error)).toEqual(['HTTP 400']);
  });
});
