import { describe, expect, it } from 'vitest';
import { auditEventProblems, eventDigest, sealEvent, eventLine } from '@agent-gates/core/audit';
import { canonicalJson, sha256Hex } from '@agent-gates/core';
import { decisionEvent } from './events.js';

describe('audit event schema', () => {
  it('accepts a full decision event and a minimal outcome event', () => {
    expect(auditEventProblems(sealEvent(decisionEvent(), null))).toEqual([]);
    const outcome = sealEvent(
      {
        schema_version: 1,
        event_id: decisionEvent().event_id,
        event_type: 'outcome',
        timestamp: '2026-12-01T00:00:00Z',
        repository: 'acme/app',
        run: { id: '1', attempt: '1' },
        gates: [],
        outcome: 'reverted',
        decision_id: decisionEvent().event_id,
      },
      `sha256:${'a'.repeat(64)}`,
    );
    expect(auditEventProblems(outcome)).toEqual([]);
  });

  it.each([
    ['an unknown member', { color: 'red' }, '/'],
    ['another schema version', { schema_version: 2 }, '/schema_version'],
    ['a confidence above 1', { confidence_score: 1.5 }, '/confidence_score'],
    ['a digest that is not sha256', { diff_digest: 'md5:abc' }, '/diff_digest'],
    ['a gate verdict outside the set', { gates: [{ name: 'x', verdict: 'ok' }] }, '/gates/0/verdict'],
    ['an event id that is not a UUID', { event_id: 'nope' }, '/event_id'],
    ['a timestamp with an offset', { timestamp: '2026-11-30T10:00:00+02:00' }, '/timestamp'],
    ['an empty agent id', { agent_id: '' }, '/agent_id'],
  ])('rejects %s', (_name, change, pointer) => {
    const event = { ...sealEvent(decisionEvent(), null), ...change };
    expect(auditEventProblems(event).join('\n')).toContain(pointer);
  });

  it('rejects an event without a digest or prev', () => {
    const { digest: _d, prev: _p, ...rest } = sealEvent(decisionEvent(), null);
    const problems = auditEventProblems(rest).join('\n');
    expect(problems).toContain('digest');
    expect(problems).toContain('prev');
  });

  it('refuses to seal an invalid event (nothing invalid is written)', () => {
    expect(() => sealEvent(decisionEvent({ confidence_score: 7 }), null)).toThrow(/E_AUDIT_SCHEMA|not a valid audit event/);
  });

  it('digests the canonical form without the digest member, and writes the canonical line', () => {
    const event = sealEvent(decisionEvent(), `sha256:${'f'.repeat(64)}`);
    const { digest, ...rest } = event;
    expect(digest).toBe(`sha256:${sha256Hex(canonicalJson(rest))}`);
    expect(eventDigest({ ...event, digest: 'ignored' })).toBe(digest);
    expect(eventLine(event)).toBe(`${canonicalJson(event)}\n`);
  });
});
