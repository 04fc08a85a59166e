import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { appendToLog, eventLine, readLogHead, sealEvent, verifyChain } from '@agent-gates/core/audit';
import { decisionEvent } from './events.js';

let dir: string;
let log: string;
let lines: string[];

async function writeLog(count: number): Promise<string> {
  const result = await appendToLog(
    log,
    Array.from({ length: count }, () => decisionEvent()),
    { chain: true },
  );
  lines = readFileSync(log, 'utf8').split('\n').slice(0, -1);
  return result.head;
}
function rewrite(next: string[], end = '\n'): void {
  writeFileSync(log, next.join('\n') + (next.length > 0 ? end : ''));
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'audit-chain-'));
  log = path.join(dir, 'audit.jsonl');
});

describe('verifyChain', () => {
  it('verifies an intact log and returns its head', async () => {
    const head = await writeLog(10);
    expect(await verifyChain(log, { expectedHead: head })).toEqual({ ok: true, events: 10, head });
  });

  it('verifies an empty log', async () => {
    writeFileSync(log, '');
    expect(await verifyChain(log)).toEqual({ ok: true, events: 0, head: null });
  });

  it('finds an edited byte at its line', async () => {
    await writeLog(10);
    const edited = [...lines];
    edited[4] = edited[4]!.replace('"confidence_score":0.91', '"confidence_score":0.99');
    expect(edited[4]).not.toBe(lines[4]);
    rewrite(edited);
    const result = await verifyChain(log);
    expect(result.break).toMatchObject({ line: 5, kind: 'digest' });
    expect(result.events).toBe(4);
  });

  it('finds a byte edit that breaks the JSON at its line', async () => {
    await writeLog(10);
    const edited = [...lines];
    edited[6] = edited[6]!.slice(0, 20) + '\u0000' + edited[6]!.slice(21);
    rewrite(edited);
    expect((await verifyChain(log)).break).toMatchObject({ line: 7 });
  });

  it('finds a deleted event at the line after the gap', async () => {
    await writeLog(10);
    rewrite(lines.filter((_, i) => i !== 4));
    expect((await verifyChain(log)).break).toMatchObject({ line: 5, kind: 'prev' });
  });

  it('finds a deleted first event at line 1', async () => {
    await writeLog(3);
    rewrite(lines.slice(1));
    expect((await verifyChain(log)).break).toMatchObject({ line: 1, kind: 'prev' });
  });

  it('finds two events swapped at the first of them', async () => {
    await writeLog(10);
    const swapped = [...lines];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    rewrite(swapped);
    expect((await verifyChain(log)).break).toMatchObject({ line: 4, kind: 'prev' });
  });

  it('finds a copied line inserted at its line', async () => {
    await writeLog(10);
    rewrite([...lines.slice(0, 5), lines[2]!, ...lines.slice(5)]);
    expect((await verifyChain(log)).break).toMatchObject({ line: 6, kind: 'prev' });
  });

  it('finds a forged event linked to the line before it at the first link it breaks', async () => {
    await writeLog(10);
    const prev = (JSON.parse(lines[4]!) as { digest: string }).digest;
    const forged = eventLine(sealEvent(decisionEvent({ action: 'auto_approve' }), prev)).trimEnd();
    rewrite([...lines.slice(0, 5), forged, ...lines.slice(5)]);
    const result = await verifyChain(log);
    // Line 6 (the forgery) links correctly; line 7 no longer does.
    expect(result.break).toMatchObject({ line: 7, kind: 'prev' });
  });

  it('finds a log cut after whole lines only against the head kept outside it', async () => {
    const head = await writeLog(10);
    rewrite(lines.slice(0, 8));
    expect((await verifyChain(log)).ok).toBe(true);
    const result = await verifyChain(log, { expectedHead: head });
    expect(result.break).toMatchObject({ line: 9, kind: 'head' });
    expect(result.break?.message).toContain('missing');
  });

  it('finds a log cut mid-line at its last line', async () => {
    await writeLog(10);
    writeFileSync(log, lines.join('\n').slice(0, -30));
    expect((await verifyChain(log)).break).toMatchObject({ line: 10, kind: 'torn' });
  });

  it('accepts an event in another JSON spelling when its canonical digest matches', async () => {
    await writeLog(3);
    const respelled = [...lines];
    respelled[1] = JSON.stringify(JSON.parse(respelled[1]!), null, 0).replace('{', '{ ');
    rewrite(respelled);
    expect((await verifyChain(log)).ok).toBe(true);
  });

  it('refuses an event of an unknown schema version', async () => {
    await writeLog(2);
    const other = [...lines];
    other[1] = other[1]!.replace('"schema_version":1', '"schema_version":2');
    rewrite(other);
    expect((await verifyChain(log)).break).toMatchObject({ line: 2, kind: 'schema-version' });
  });

  it('reads a log from any byte stream, split anywhere', async () => {
    const head = await writeLog(5);
    const bytes = readFileSync(log);
    async function* pieces() {
      for (let at = 0; at < bytes.length; at += 7) yield bytes.subarray(at, at + 7);
    }
    expect(await verifyChain(pieces(), { expectedHead: head })).toMatchObject({ ok: true, events: 5 });
  });
});

describe('file sink', () => {
  it('appends linked events and continues the chain across runs', async () => {
    const first = await appendToLog(log, [decisionEvent()], { chain: true });
    const second = await appendToLog(log, [decisionEvent(), decisionEvent()], { chain: true, expectedPrev: first.head });
    expect(second.events[0]!.prev).toBe(first.head);
    expect(second.firstLine).toBe(2);
    expect(readLogHead(log)).toBe(second.head);
    expect(await verifyChain(log, { expectedHead: second.head })).toMatchObject({ ok: true, events: 3 });
  });

  it('sets a torn last line aside, keeps its bytes, and links to the last whole event', async () => {
    const first = await appendToLog(log, [decisionEvent(), decisionEvent()], { chain: true });
    const torn = '{"schema_version":1,"event_id":"cut-he';
    writeFileSync(log, readFileSync(log, 'utf8') + torn);
    const next = await appendToLog(log, [decisionEvent()], { chain: true });
    expect(next.tornSetAside).toBeDefined();
    expect(readFileSync(next.tornSetAside!, 'utf8')).toBe(torn);
    expect(next.events[0]!.prev).toBe(first.head);
    expect(await verifyChain(log)).toMatchObject({ ok: true, events: 3 });
  });

  it('refuses to extend a log whose last event does not verify, naming the line, and writes nothing', async () => {
    await appendToLog(log, [decisionEvent(), decisionEvent(), decisionEvent()], { chain: true });
    const text = readFileSync(log, 'utf8').replace(/"action":"auto_approve"(?![\s\S]*"action":"auto_approve")/, '"action":"reject"');
    writeFileSync(log, text);
    await expect(appendToLog(log, [decisionEvent()], { chain: true })).rejects.toMatchObject({ code: 'E_AUDIT_CHAIN', message: expect.stringContaining(':3') });
    expect(readFileSync(log, 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['audit.jsonl']);
  });

  it('refuses a prev that is not the head of the log', async () => {
    await appendToLog(log, [decisionEvent()], { chain: true });
    const before = readFileSync(log, 'utf8');
    await expect(appendToLog(log, [decisionEvent()], { chain: true, expectedPrev: `sha256:${'0'.repeat(64)}` })).rejects.toMatchObject({
      code: 'E_AUDIT_PREV',
    });
    expect(readFileSync(log, 'utf8')).toBe(before);
  });

  it('writes prev null for every event without chaining', async () => {
    const result = await appendToLog(log, [decisionEvent(), decisionEvent()], { chain: false });
    expect(result.events.map((e) => e.prev)).toEqual([null, null]);
  });
});
