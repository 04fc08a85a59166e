import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';
import { canonicalJson } from '../digest/index.js';
import type { AuditEvent } from './event.js';
import { eachLimited, postWithRetry, type HttpResult, type RetryOptions } from './http.js';

/** Where events go. `file` and `artifact` are local; the others are HTTP and may spool. */
export type SinkSpec =
  | { kind: 'file' }
  | { kind: 'artifact' }
  | { kind: 'webhook'; url: string; format?: 'native' | 'cloudevents'; retry?: RetryOptions }
  | { kind: 'otlp'; url: string; protocol: 'protobuf' | 'json'; retry?: RetryOptions };

export type HttpSink = Extract<SinkSpec, { url: string }>;

function loopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** A sink URL: `https://`, or plain `http://` only to loopback; no credentials in it (use sink-headers). */
function checkUrl(text: string, where: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('E_AUDIT_SINK', `${where}: "${text.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol === 'http:' && !loopback(url.hostname)) {
    throw new ConfigError('E_AUDIT_SINK_INSECURE', `${where}: plain http:// is allowed only to a loopback host, not ${url.hostname}; use https://`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('E_AUDIT_SINK', `${where}: ${url.protocol} is not an HTTP sink`);
  if (url.username || url.password) throw new ConfigError('E_AUDIT_SINK', `${where}: put credentials in sink-headers, not in the URL`);
  return url.href;
}

/**
 * One sink as the `sinks` input spells it: `file`, `artifact`, an `https://` webhook URL,
 * `otlp:<url>` (OTLP/HTTP logs, protobuf) or `otlp-json:<url>` (OTLP/HTTP logs, JSON).
 */
export function parseSink(text: string, where = 'input "sinks"'): SinkSpec {
  const value = text.trim();
  if (value === 'file' || value === 'artifact') return { kind: value };
  const otlp = /^otlp(-json)?:(.*)$/.exec(value);
  if (otlp && !value.startsWith('otlp://')) return { kind: 'otlp', url: checkUrl(otlp[2]!, where), protocol: otlp[1] ? 'json' : 'protobuf' };
  if (/^https?:\/\//i.test(value)) return { kind: 'webhook', url: checkUrl(value, where) };
  throw new ConfigError(
    'E_AUDIT_SINK',
    `${where}: "${value.slice(0, 200)}" is not a sink (file, artifact, an https:// webhook, otlp:<url> or otlp-json:<url>)`,
  );
}

/** Stable name of an HTTP sink, for the spool and the `delivered` output: no query string, no secrets. */
export function sinkKey(sink: HttpSink): string {
  const url = new URL(sink.url);
  return `${sink.kind === 'otlp' ? (sink.protocol === 'json' ? 'otlp-json' : 'otlp') : 'webhook'}:${url.origin}${url.pathname}`;
}

/** `Name: value` lines; a header without a name or a value is E_AUDIT_HEADER (naming it, never its value). */
export function parseSinkHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [index, line] of lines.entries()) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : line.trim();
    const value = colon > 0 ? line.slice(colon + 1).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new ConfigError('E_AUDIT_HEADER', `input "sink-headers", line ${index + 1}: not a header name`);
    if (value === '') throw new ConfigError('E_AUDIT_HEADER', `input "sink-headers": header "${name}" has no value (is the secret it names set?)`);
    headers[name] = value;
  }
  return headers;
}

export interface DeliveryOptions {
  headers: Record<string, string>;
  hmacKey?: string;
  format: 'native' | 'cloudevents';
  retry: RetryOptions;
  tool: { name: string; version: string };
  fetch?: typeof fetch;
}

export interface SinkDelivery {
  delivered: AuditEvent[];
  failed: { event: AuditEvent; error: string }[];
}

/** The header a webhook receiver checks: HMAC-SHA256 of the exact body with the shared key. */
export const SIGNATURE_HEADER = 'X-Agent-Gates-Signature-256';

export function signBody(key: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

async function webhookBody(event: AuditEvent, format: DeliveryOptions['format']): Promise<{ body: string; contentType: string }> {
  if (format === 'native') return { body: canonicalJson(event), contentType: 'application/json' };
  const { CloudEvent, HTTP } = await import('cloudevents');
  const cloudEvent = new CloudEvent({
    specversion: '1.0',
    id: event.event_id,
    source: `https://github.com/${event.repository}/actions/runs/${event.run.id}`,
    type: `dev.agentgates.audit.${event.event_type}`,
    time: event.timestamp,
    ...(event.pull_request ? { subject: `pull/${event.pull_request}` } : {}),
    datacontenttype: 'application/json',
    data: event,
  });
  const message = HTTP.structured(cloudEvent);
  return { body: String(message.body), contentType: 'application/cloudevents+json; charset=utf-8' };
}

/** Events per OTLP export request. */
export const OTLP_BATCH = 100;

/**
 * Delivers events to one HTTP sink: a webhook gets one signed POST per event with the event id as
 * `Idempotency-Key`; an OTLP endpoint gets ExportLogsServiceRequests of up to OTLP_BATCH records.
 */
export async function deliverToSink(sink: HttpSink, events: readonly AuditEvent[], options: DeliveryOptions): Promise<SinkDelivery> {
  const result: SinkDelivery = { delivered: [], failed: [] };
  options = { ...options, retry: { ...options.retry, ...sink.retry }, ...(sink.kind === 'webhook' && sink.format ? { format: sink.format } : {}) };
  const deadline = Date.now() + (options.retry.budgetMs ?? 300_000);
  const retry = { ...options.retry, deadline, ...(options.fetch ? { fetch: options.fetch } : {}) };
  const record = (batch: readonly AuditEvent[], outcome: HttpResult) => {
    if (outcome.ok) result.delivered.push(...batch);
    else for (const event of batch) result.failed.push({ event, error: outcome.error ?? `HTTP ${outcome.status}` });
  };
  if (sink.kind === 'webhook') {
    await eachLimited(events, options.retry.concurrency ?? 8, async (event) => {
      const { body, contentType } = await webhookBody(event, options.format);
      const headers: Record<string, string> = {
        ...options.headers,
        'Content-Type': contentType,
        'User-Agent': `${options.tool.name}/${options.tool.version}`,
        'Idempotency-Key': event.event_id,
        'X-Agent-Gates-Event': event.event_type,
        ...(options.hmacKey ? { [SIGNATURE_HEADER]: signBody(options.hmacKey, body) } : {}),
      };
      record([event], await postWithRetry({ url: sink.url, headers, body }, retry));
    });
    return result;
  }
  const { encodeOtlpLogs } = await import('./otlp.js');
  const batches: AuditEvent[][] = [];
  for (let at = 0; at < events.length; at += OTLP_BATCH) batches.push(events.slice(at, at + OTLP_BATCH));
  await eachLimited(batches, Math.min(options.retry.concurrency ?? 8, 4), async (batch) => {
    const encoded = await encodeOtlpLogs(batch, sink.protocol, options.tool);
    const headers = { ...options.headers, 'Content-Type': encoded.contentType, 'User-Agent': `${options.tool.name}/${options.tool.version}` };
    record(batch, await postWithRetry({ url: sink.url, headers, body: encoded.body }, retry));
  });
  return result;
}
