import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deliverToSink,
  emitAudit,
  parseSink,
  parseSinkHeaders,
  postWithRetry,
  readSpool,
  retryAfterMs,
  sealEvent,
  SIGNATURE_HEADER,
  writeSpool,
  type AuditEvent,
  type DeliveryOptions,
  type HttpSink,
} from '@agent-gates/core/audit';
import { decisionEvent } from './events.js';
import { deadUrl, startReceiver, type Received } from './receivers.js';

const HMAC_KEY = 'test-hmac-key-0123456789';
const tool = { name: 'agent-gates/audit-emit', version: '0.1.0' };
const fast = { maxAttempts: 4, baseDelayMs: 2, maxDelayMs: 2_000, timeoutMs: 2_000, budgetMs: 120_000, concurrency: 16 };
const options = (extra: Partial<DeliveryOptions> = {}): DeliveryOptions => ({
  headers: { Authorization: 'Bearer t0ken-value' },
  hmacKey: HMAC_KEY,
  format: 'native',
  retry: fast,
  tool,
  ...extra,
});
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function events(count: number): AuditEvent[] {
  let prev: string | null = null;
  return Array.from({ length: count }, () => {
    const event = sealEvent(decisionEvent(), prev);
    prev = event.digest;
    return event;
  });
}
function idOf(request: Received): string {
  return (JSON.parse(request.body.toString('utf8')) as { event_id: string }).event_id;
}

describe('webhook delivery against real servers on loopback', () => {
  it('loses nothing under 503 with Retry-After, 429, slow replies, resets mid-body and 400, and the spool is delivered next run', async () => {
    const attemptsById = new Map<string, number>();
    const accepted = new Map<string, number>();
    const rejected = new Set<string>();
    let badSignatures = 0;
    const receiver = await startReceiver((request, res) => {
      const id = idOf(request);
      if (request.headers['idempotency-key'] !== id) badSignatures++;
      const expected = `sha256=${createHmac('sha256', HMAC_KEY).update(request.body).digest('hex')}`;
      if (request.headers[SIGNATURE_HEADER.toLowerCase()] !== expected) badSignatures++;
      const attempt = (attemptsById.get(id) ?? 0) + 1;
      attemptsById.set(id, attempt);
      const kind = parseInt(id.slice(0, 8), 16) % 20;
      const accept = () => accepted.set(id, (accepted.get(id) ?? 0) + 1);
      if (kind === 0) {
        rejected.add(id);
        res.writeHead(400).end('{"error":"bad"}');
      } else if (kind === 1 && attempt === 1) res.writeHead(503, { 'Retry-After': '0' }).end();
      else if (kind === 2 && attempt === 1) res.writeHead(429, { 'Retry-After': '0' }).end();
      else if (kind === 3 && attempt === 1) {
        // The receiver keeps the event, but the reply is cut: the sender must retry, the receiver dedupes.
        accept();
        res.writeHead(200, { 'Content-Length': '100' });
        res.write('{"ok":');
        setTimeout(() => res.socket?.destroy(), 5);
      } else if (kind === 4 && attempt === 1) setTimeout(() => (accept(), res.writeHead(200).end('{}')), 40);
      else if (kind === 5 && attempt <= 2) res.writeHead(502).end();
      else {
        accept();
        res.writeHead(200).end('{}');
      }
    });
    closers.push(receiver.close);
    const sink = parseSink(receiver.url) as HttpSink;
    const emitted = events(5000);
    const result = await deliverToSink(sink, emitted, options());

    expect(result.delivered.length + result.failed.length).toBe(emitted.length);
    const deliveredIds = new Set(result.delivered.map((e) => e.event_id));
    expect(deliveredIds.size).toBe(result.delivered.length);
    // Every event the sender counts as delivered is at the receiver, once after dedupe; none it spooled was accepted.
    expect(new Set(accepted.keys())).toEqual(deliveredIds);
    expect([...accepted.values()].some((n) => n > 1)).toBe(true); // resets did cause duplicates...
    expect(result.failed.map((f) => f.event.event_id).sort()).toEqual([...rejected].sort()); // ...and only 400s failed
    for (const id of rejected) expect(attemptsById.get(id)).toBe(1); // no retry on a 4xx
    expect(badSignatures).toBe(0);
    expect(result.failed[0]?.error).toBe('HTTP 400');

    // Next run: the receiver has been fixed; the spool goes first, then the new event.
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-spool-'));
    const spool = path.join(dir, 'spool.jsonl');
    writeSpool(
      spool,
      result.failed.map((f) => ({ sink: 'webhook:' + new URL(receiver.url).origin + '/audit', event: f.event, error: f.error, since: 'earlier' })),
    );
    rejected.clear();
    const healthy = await startReceiver((request, res) => {
      accepted.set(idOf(request), (accepted.get(idOf(request)) ?? 0) + 1);
      res.writeHead(200).end();
    });
    closers.push(healthy.close);
    // Same sink key: the fixed receiver listens where the spool says.
    const next = await emitAudit({
      event: decisionEvent(),
      sinks: [{ kind: 'webhook', url: receiver.url }],
      log: path.join(dir, 'none.jsonl'),
      chain: true,
      spool,
      delivery: options({
        fetch: ((url: string, init: RequestInit) => fetch(url.replace(new URL(receiver.url).host, new URL(healthy.url).host), init)) as typeof fetch,
      }),
    });
    expect(next.sinks[0]).toMatchObject({ delivered: result.failed.length + 1, spooled: 0 });
    expect(readSpool(spool).entries).toEqual([]);
    expect(accepted.size).toBe(emitted.length + 1);
  }, 120_000);

  it('spools every event when the sink is down, counts them, and delivers them when it is back', async () => {
    const url = await deadUrl();
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-down-'));
    const spool = path.join(dir, 'spool.jsonl');
    const emitted = events(5000);
    const down = await deliverToSink({ kind: 'webhook', url }, emitted, options({ retry: { ...fast, maxAttempts: 2 } }));
    expect(down.delivered).toEqual([]);
    expect(down.failed.length).toBe(5000);
    expect(down.failed[0]!.error).toMatch(/ECONNREFUSED/);
    writeSpool(
      spool,
      down.failed.map((f) => ({ sink: `webhook:${new URL(url).origin}/audit`, event: f.event, error: f.error, since: 'x' })),
    );

    // Spool twice over with the same event: delivered once.
    const received = new Map<string, number>();
    const up = await startReceiver((request, res) => {
      received.set(idOf(request), (received.get(idOf(request)) ?? 0) + 1);
      res.writeHead(200).end();
    });
    closers.push(up.close);
    const redirect = ((u: string, init: RequestInit) => fetch(u.replace(new URL(url).host, new URL(up.url).host), init)) as typeof fetch;
    const run = await emitAudit({
      event: decisionEvent(),
      sinks: [{ kind: 'webhook', url }],
      log: path.join(dir, 'x.jsonl'),
      chain: true,
      spool,
      delivery: options({ fetch: redirect }),
    });
    expect(run.sinks[0]).toMatchObject({ delivered: 5001, spooled: 0 });
    expect(run.spooled).toBe(0);
    expect(received.size).toBe(5001);
    expect([...received.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);

  it('waits as long as Retry-After says', async () => {
    let calls = 0;
    const receiver = await startReceiver((_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(503, { 'Retry-After': '1' }).end();
      else res.writeHead(200).end();
    });
    closers.push(receiver.close);
    const started = Date.now();
    const result = await postWithRetry({ url: receiver.url, headers: {}, body: '{}' }, { baseDelayMs: 1, maxAttempts: 3 });
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:58 GMT'))).toBe(2000);
  });

  it('spools an event whose Retry-After is longer than the sink waits', async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(429, { 'Retry-After': '3600' }).end());
    closers.push(receiver.close);
    const result = await postWithRetry({ url: receiver.url, headers: {}, body: '{}' }, { maxDelayMs: 1000 });
    expect(result).toMatchObject({ ok: false, status: 429, attempts: 1 });
  });

  it('gives up on a slow sink after its timeout and spools', async () => {
    const receiver = await startReceiver((_req, res) => setTimeout(() => res.writeHead(200).end(), 3000));
    closers.push(receiver.close);
    const result = await deliverToSink({ kind: 'webhook', url: receiver.url }, events(3), options({ retry: { ...fast, maxAttempts: 2, timeoutMs: 200 } }));
    expect(result.failed.length).toBe(3);
    expect(result.failed[0]!.error).toMatch(/Timeout|abort/i);
  });

  it('sends CloudEvents in structured mode', async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(200).end());
    closers.push(receiver.close);
    const [event] = events(1);
    await deliverToSink({ kind: 'webhook', url: receiver.url }, [event!], options({ format: 'cloudevents' }));
    const request = receiver.requests[0]!;
    expect(request.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
    expect(body).toMatchObject({
      specversion: '1.0',
      id: event!.event_id,
      type: 'dev.agentgates.audit.decision',
      source: 'https://github.com/acme/app/actions/runs/42',
      time: event!.timestamp,
      subject: 'pull/7',
    });
    expect(body.data).toEqual(event);
  });
});

describe('sink and header inputs', () => {
  it.each([
    ['file', { kind: 'file' }],
    ['artifact', { kind: 'artifact' }],
    ['https://hooks.example.com/audit?x=1', { kind: 'webhook', url: 'https://hooks.example.com/audit?x=1' }],
    ['http://127.0.0.1:8080/a', { kind: 'webhook', url: 'http://127.0.0.1:8080/a' }],
    ['http://[::1]:8080/a', { kind: 'webhook', url: 'http://[::1]:8080/a' }],
    ['otlp:https://otel.example.com/v1/logs', { kind: 'otlp', url: 'https://otel.example.com/v1/logs', protocol: 'protobuf' }],
    ['otlp-json:http://localhost:4318/v1/logs', { kind: 'otlp', url: 'http://localhost:4318/v1/logs', protocol: 'json' }],
  ])('reads %s', (text, expected) => expect(parseSink(text)).toEqual(expected));

  it.each([
    ['http://hooks.example.com/audit', 'E_AUDIT_SINK_INSECURE'],
    ['otlp:http://10.0.0.1:4318/v1/logs', 'E_AUDIT_SINK_INSECURE'],
    ['http://127.0.0.1.nip.io/a', 'E_AUDIT_SINK_INSECURE'],
    ['https://user:pw@hooks.example.com/', 'E_AUDIT_SINK'],
    ['s3://bucket', 'E_AUDIT_SINK'],
  ])('refuses %s with %s', (text, code) => expect(() => parseSink(text)).toThrow(expect.objectContaining({ code })));

  it('reads headers and refuses one without a value, never printing values', () => {
    expect(parseSinkHeaders(['Authorization: Bearer abc', 'X-Tenant:acme'])).toEqual({ Authorization: 'Bearer abc', 'X-Tenant': 'acme' });
    expect(() => parseSinkHeaders(['Authorization:'])).toThrow(
      expect.objectContaining({ code: 'E_AUDIT_HEADER', message: expect.stringContaining('"Authorization"') }),
    );
    expect(() => parseSinkHeaders(['no header here'])).toThrow(expect.objectContaining({ code: 'E_AUDIT_HEADER' }));
    try {
      parseSinkHeaders(['Bad Name: secret-value-123']);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('secret-value-123');
    }
  });
});

describe('emitAudit', () => {
  it('appends to the log, links to its head, and spools for a sink that is down', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-emit-'));
    const log = path.join(dir, 'audit.jsonl');
    const spool = path.join(dir, 'spool.jsonl');
    const url = await deadUrl();
    const first = await emitAudit({ event: decisionEvent(), sinks: [{ kind: 'file' }], log, chain: true, spool, delivery: options() });
    expect(first).toMatchObject({ line: 1, spooled: 0, sinks: [] });
    const second = await emitAudit({
      event: decisionEvent(),
      sinks: [{ kind: 'file' }, { kind: 'webhook', url }],
      log,
      chain: true,
      prev: first.chainHead,
      spool,
      delivery: options({ retry: { ...fast, maxAttempts: 1 } }),
    });
    expect(second.event.prev).toBe(first.chainHead);
    expect(second.line).toBe(2);
    expect(second.sinks[0]).toMatchObject({ delivered: 0, spooled: 1 });
    expect(readSpool(spool).entries.map((e) => e.event.event_id)).toEqual([second.event.event_id]);
    expect(readFileSync(log, 'utf8').split('\n').length).toBe(3);
  });

  it('without the file sink links to the given prev, refusing one that is not the log head', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-emit-'));
    const log = path.join(dir, 'audit.jsonl');
    const spool = path.join(dir, 'spool.jsonl');
    const first = await emitAudit({ event: decisionEvent(), sinks: [{ kind: 'file' }], log, chain: true, spool, delivery: options() });
    const linked = await emitAudit({ event: decisionEvent(), sinks: [{ kind: 'artifact' }], log, chain: true, spool, delivery: options() });
    expect(linked.event.prev).toBe(first.chainHead);
    await expect(
      emitAudit({ event: decisionEvent(), sinks: [{ kind: 'artifact' }], log, chain: true, prev: `sha256:${'9'.repeat(64)}`, spool, delivery: options() }),
    ).rejects.toMatchObject({ code: 'E_AUDIT_PREV' });
  });
});
