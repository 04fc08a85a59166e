import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '@agent-gates/core/audit';
import { startArtifactService, type ArtifactService } from '../harness/artifact-service.js';
import { createGitRepo, pullRequestEvent } from '../harness/git-repo.js';
import { runAction } from '../harness/run-action.js';
import { linkToOutsideFile } from '../harness/temp.js';
import { readZip } from '../harness/zip.js';
import { deadUrl, startReceiver } from '../unit/audit/receivers.js';

const HMAC_KEY = 'bundle-hmac-key-3f9a7c1e';
const HEADER_SECRET = 'Bearer audit-token-8d2e6b';
const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** `${{ toJSON(needs) }}` of a workflow whose gates ran in other jobs. */
const signals = JSON.stringify({
  capture: {
    result: 'success',
    outputs: {
      verdict: 'pass',
      'report-digest': digest('1'),
      'transcript-digest': digest('2'),
      agent: 'claude-code',
      model: 'claude-opus-4-1',
      models: '["claude-opus-4-1"]',
      'session-id': 'sess-9',
      usage: '{"inputTokens":1000,"outputTokens":200,"costUsd":0.12}',
    },
  },
  scope: { result: 'success', outputs: { verdict: 'warn', 'report-digest': digest('3'), 'diff-digest': digest('4'), risk: 'medium', 'changed-files': '3' } },
  route: {
    result: 'success',
    outputs: {
      verdict: 'pass',
      'report-digest': digest('5'),
      action: 'human_review',
      confidence: '0.72',
      'risk-tier': 'medium',
      reasons: '[{"signal":"diff-scope","value":"medium"}]',
      'decision-digest': digest('6'),
    },
  },
  checkout: { result: 'success', outputs: {} },
});

let service: ArtifactService;
beforeAll(async () => {
  service = await startArtifactService();
});
afterEach(() => service.reset());
afterAll(async () => {
  await service?.close();
});

describe('audit-emit bundle', () => {
  it('writes a chained event to the log, the artifact and a signed webhook, and the next run extends the chain', async () => {
    const bodies: { body: Buffer; headers: Record<string, unknown> }[] = [];
    const receiver = await startReceiver((request, res) => {
      bodies.push(request);
      res.writeHead(200).end();
    });
    try {
      const repo = createGitRepo({ base: { a: '1' }, head: { a: '2' } });
      const run = await runAction({
        action: 'audit-emit',
        workspace: repo.dir,
        event: pullRequestEvent(repo),
        eventName: 'pull_request',
        inputs: {
          signals,
          sinks: `file\nartifact\n${receiver.url}`,
          'hmac-key': HMAC_KEY,
          'sink-headers': `Authorization: ${HEADER_SECRET}`,
          'human-reviewer': 'alice',
          'attestation-predicate': 'audit-predicate.json',
        },
        env: service.env,
      });
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(run.outputs.verdict).toBe('pass');
      const log = run.outputs.log!;
      expect(log).toBe(path.join(repo.dir, 'agent-gates-audit.jsonl'));
      const event = JSON.parse(readFileSync(log, 'utf8').trim()) as Record<string, unknown>;
      expect(event).toMatchObject({
        event_id: run.outputs['event-id'],
        digest: run.outputs['event-digest'],
        prev: null,
        agent_id: 'claude-code',
        model: 'claude-opus-4-1',
        prompt_id: 'sess-9',
        action: 'human_review',
        confidence_score: 0.72,
        risk_tier: 'medium',
        human_reviewer: 'alice',
        transcript_digest: digest('2'),
        diff_digest: digest('4'),
        decision_digest: digest('6'),
        usage: { input_tokens: 1000, output_tokens: 200, cost_usd: 0.12 },
        base_sha: repo.baseSha,
        head_sha: repo.headSha,
        policy_applied: 'default',
      });
      expect((event.gates as { name: string }[]).map((g) => g.name)).toEqual(['capture-transcript', 'diff-scope', 'confidence-router']);
      expect(run.outputs['chain-head']).toBe(run.outputs['event-digest']);
      expect(run.summary).toContain(run.outputs['chain-head']);

      // Webhook: signed, idempotency key, secret header sent but never printed.
      expect(bodies).toHaveLength(1);
      const sent = bodies[0]!;
      expect(sent.headers['idempotency-key']).toBe(run.outputs['event-id']);
      expect(sent.headers['authorization']).toBe(HEADER_SECRET);
      expect(sent.headers['x-agent-gates-signature-256']).toBe(`sha256=${createHmac('sha256', HMAC_KEY).update(sent.body).digest('hex')}`);
      expect(JSON.parse(sent.body.toString('utf8'))).toEqual(event);
      expect(run.masks).toEqual(expect.arrayContaining([HMAC_KEY, HEADER_SECRET]));
      for (const channel of [run.log, run.stderr, JSON.stringify(run.outputs), run.summary]) {
        expect(channel).not.toContain(HMAC_KEY);
        expect(channel).not.toContain(HEADER_SECRET);
      }

      // Artifact: the event, by its id.
      const [artifact] = service.artifacts();
      expect(run.outputs['artifact-id']).toBe(String(artifact!.id));
      const zip = readZip(await service.download(artifact!.name));
      expect(JSON.parse(zip.get('audit-event.json')!.toString())).toEqual(event);
      expect(JSON.parse(run.outputs.delivered!)).toMatchObject({ file: { line: 1 }, artifact: { id: artifact!.id } });

      // Attestation predicate and in-toto statement.
      expect(JSON.parse(readFileSync(run.outputs.predicate!, 'utf8'))).toEqual(event);
      const statement = JSON.parse(readFileSync(`${run.outputs.predicate!}.intoto.json`, 'utf8')) as { subject: { digest: { sha256: string } }[] };
      expect(`sha256:${statement.subject[0]!.digest.sha256}`).toBe(run.outputs['event-digest']);

      const next = await runAction({
        action: 'audit-emit',
        workspace: repo.dir,
        inputs: { 'event-type': 'outcome', outcome: 'reverted', 'decision-id': run.outputs['event-id']!, sinks: 'file', prev: run.outputs['chain-head']! },
      });
      expect(next.exitCode, next.stdout + next.stderr).toBe(0);
      expect(await verifyChain(log, { expectedHead: next.outputs['chain-head']! })).toMatchObject({ ok: true, events: 2 });
    } finally {
      await receiver.close();
    }
  }, 60_000);

  it('warns on signals that name no gate, and fails the step under fail-on: warn, naming input "signals"', async () => {
    const repo = createGitRepo({ base: { a: '1' }, head: { a: '2' } });
    const noGate = JSON.stringify({ checkout: { result: 'success', outputs: {} } });
    const warned = await runAction({ action: 'audit-emit', workspace: repo.dir, inputs: { signals: noGate, sinks: 'file' } });
    expect(warned.exitCode, warned.stdout + warned.stderr).toBe(0);
    expect(warned.outputs.verdict).toBe('warn');
    const failed = await runAction({ action: 'audit-emit', workspace: repo.dir, inputs: { signals: noGate, sinks: 'file', 'fail-on': 'warn' } });
    expect(failed.exitCode).toBe(1);
    expect(failed.outputs.verdict).toBe('warn');
    const error = failed.annotations.find((a) => a.level === 'error' && /E_VERDICT/.test(a.message));
    expect(error?.message).toContain('input "signals"');
    expect(error?.message).toContain('"checkout"');
    expect(JSON.parse(readFileSync(failed.outputs.report!, 'utf8'))).toMatchObject({ verdict: 'warn', reasons: [{ code: 'AUDIT_NO_GATE' }] });
  });

  it('refuses an attestation-predicate path the checkout made a symbolic link, before any sink is called', async () => {
    const repo = createGitRepo({ base: { a: '1' }, head: { a: '2' } });
    const victim = linkToOutsideFile(repo.dir, 'audit-predicate.json');
    const run = await runAction({
      action: 'audit-emit',
      workspace: repo.dir,
      event: pullRequestEvent(repo),
      eventName: 'pull_request',
      inputs: { signals, sinks: 'file', 'attestation-predicate': 'audit-predicate.json' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toBe(
      'E_INPUT: input "attestation-predicate": audit-predicate.json is a symbolic link; an output is never written through one',
    );
    expect(run.outputs).toEqual({});
    expect(existsSync(path.join(repo.dir, 'agent-gates-audit.jsonl'))).toBe(false);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
  });

  it('refuses a log or a spool the checked-out change committed, before any sink is called', async () => {
    const calls: string[] = [];
    const receiver = await startReceiver((request, res) => {
      calls.push(String(request.headers['idempotency-key']));
      res.writeHead(200).end();
    });
    try {
      // A forged event queued for delivery, and a forged chain head: both in the pull request's own commit.
      const forged = JSON.stringify({ sink: `webhook:${receiver.url}`, event: { event_id: 'forged' }, error: 'timeout', since: '2026-11-30T10:00:00.000Z' });
      for (const [file, text, names] of [
        ['.agent-gates/audit-spool.jsonl', `${forged}\n`, 'policy audit.spool: .agent-gates/audit-spool.jsonl'],
        ['agent-gates-audit.jsonl', '{"event_id":"forged"}\n', 'policy audit.path: agent-gates-audit.jsonl'],
      ] as const) {
        const repo = createGitRepo({ base: { a: '1' }, head: { a: '2', [file]: text } });
        const run = await runAction({
          action: 'audit-emit',
          workspace: repo.dir,
          event: pullRequestEvent(repo),
          eventName: 'pull_request',
          inputs: { signals, sinks: `file\n${receiver.url}` },
        });
        expect(run.exitCode, run.stdout + run.stderr).toBe(1);
        expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
          new RegExp(`^E_AUDIT_LOG: ${names.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a file the checked-out repository tracks`),
        );
        expect(run.outputs).toEqual({});
        expect(readFileSync(path.join(repo.dir, file), 'utf8')).toBe(text);
      }
      expect(calls).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('fails the step when a sink is down, spools the event, and the next run delivers the spool first', async () => {
    const repo = createGitRepo({ base: { a: '1' } });
    const url = await deadUrl();
    const down = await runAction({ action: 'audit-emit', workspace: repo.dir, inputs: { signals, sinks: `file\n${url}` } });
    expect(down.exitCode).toBe(1);
    expect(down.outputs.verdict).toBe('fail');
    expect(down.annotations.some((a) => a.level === 'error' && /E_VERDICT/.test(a.message))).toBe(true);
    const spool = path.join(repo.dir, '.agent-gates', 'audit-spool.jsonl');
    expect(readFileSync(spool, 'utf8')).toContain(down.outputs['event-id']!);

    const ids: string[] = [];
    const receiver = await startReceiver((request, res) => {
      ids.push(String(request.headers['idempotency-key']));
      res.writeHead(200).end();
    });
    try {
      // The receiver is back, on the same address.
      const port = new URL(url).port;
      await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
      await new Promise<void>((resolve) => receiver.server.listen(Number(port), '127.0.0.1', resolve));
      const up = await runAction({ action: 'audit-emit', workspace: repo.dir, inputs: { signals, sinks: `file\n${url}` } });
      expect(up.exitCode, up.stdout + up.stderr).toBe(0);
      expect(ids).toEqual([down.outputs['event-id'], up.outputs['event-id']]);
      expect(existsSync(spool)).toBe(false);
    } finally {
      await receiver.close();
    }
  }, 60_000);

  it.each([
    ['signals that are not JSON', { signals: '{not json', sinks: 'file' }, /^E_AUDIT_SIGNALS: input "signals" is not JSON/],
    [
      'an http webhook to another host',
      { sinks: 'file\nhttp://audit.example.com/hook' },
      /^E_AUDIT_SINK_INSECURE: input "sinks", line 2: plain http:\/\/ is allowed only to a loopback host/,
    ],
    [
      'a sink header without a value',
      { sinks: 'file', 'sink-headers': 'Authorization:' },
      /^E_AUDIT_HEADER: input "sink-headers": header "Authorization" has no value/,
    ],
    ['a prev that is not the head', { sinks: 'file', prev: digest('9') }, /^E_AUDIT_PREV: input "prev" is sha256:9+ but the head of .* is sha256:/],
    ['a prev that is not a digest', { sinks: 'file', prev: 'abc' }, /^E_AUDIT_PREV: input "prev" must be an event digest/],
    ['an outcome without its decision', { sinks: 'file', 'event-type': 'outcome', outcome: 'merged' }, /^E_AUDIT_INPUT: an `outcome` event needs/],
  ])(
    'exits 1 on %s with its own code, appends nothing, writes no outputs',
    async (_label, inputs, message) => {
      const repo = createGitRepo({ base: { a: '1' } });
      const first = await runAction({ action: 'audit-emit', workspace: repo.dir, inputs: { sinks: 'file' } });
      expect(first.exitCode, first.stderr).toBe(0);
      const before = readFileSync(first.outputs.log!, 'utf8');
      const run = await runAction({ action: 'audit-emit', workspace: repo.dir, inputs });
      expect(run.exitCode).toBe(1);
      const errors = run.annotations.filter((a) => a.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toMatch(message);
      expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
      expect(run.outputs).toEqual({});
      expect(readFileSync(first.outputs.log!, 'utf8')).toBe(before);
    },
    30_000,
  );

  it('refuses to extend a log whose last event was edited, naming the line, and writes nothing', async () => {
    const repo = createGitRepo({ base: { a: '1' } });
    for (let i = 0; i < 3; i++) expect((await runAction({ action: 'audit-emit', workspace: repo.dir, inputs: { sinks: 'file' } })).exitCode).toBe(0);
    const log = path.join(repo.dir, 'agent-gates-audit.jsonl');
    const edited = readFileSync(log, 'utf8').replace(/"repository":"([^"]+)"(?=[^\n]*\n$)/, '"repository":"evil/$1"');
    writeFileSync(log, edited);
    const run = await runAction({ action: 'audit-emit', workspace: repo.dir, inputs: { sinks: 'file' } });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /^E_AUDIT_CHAIN: refusing to extend a broken chain: .*agent-gates-audit\.jsonl:3: the event's digest does not match/,
    );
    expect(readFileSync(log, 'utf8')).toBe(edited);
    expect(run.outputs).toEqual({});
  }, 60_000);
});
