import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { appendToLog, verifyChain, verifyChainInWorkers, type ChainResult } from '@agent-gates/core/audit';
import { decisionEvent } from './events.js';

// verify-chain on two worker threads: each half checked on its own, the link across the split and the
// line numbers joined by the coordinator. Every case is compared with the one-thread result.
// The CLI's own worker entry from source (it registers tsx in the worker, as `agent-gates verify-chain` runs it).
const ENTRY = new URL('../../../packages/cli/src/commands/verify-chain-worker-tsx.mjs', import.meta.url);

let log: string;
let lines: string[];
let head: string;

beforeEach(async () => {
  log = path.join(mkdtempSync(path.join(tmpdir(), 'audit-parallel-')), 'audit.jsonl');
  head = (
    await appendToLog(
      log,
      Array.from({ length: 12 }, (_, i) => decisionEvent({ prompt_id: `session-${i}`, confidence_score: (i + 1) / 20 })),
      { chain: true },
    )
  ).head;
  lines = readFileSync(log, 'utf8').split('\n').slice(0, -1);
});

function rewrite(next: string[], end = '\n'): void {
  writeFileSync(log, next.join('\n') + end);
}

/** The 1-based line the second half starts at: the first line after the middle byte (as verifyChain splits). */
function splitLine(bytes: Buffer = readFileSync(log)): number {
  const at = bytes.indexOf(0x0a, Math.floor(bytes.length / 2));
  return bytes
    .subarray(0, at + 1)
    .toString('utf8')
    .split('\n').length;
}

async function both(options: { expectedHead?: string } = {}): Promise<ChainResult> {
  const parallel = await verifyChainInWorkers(log, ENTRY, options);
  expect(parallel).toEqual(await verifyChain(log, { ...options, threads: 1 }));
  return parallel;
}

describe('verifyChain on two worker threads', () => {
  it('splits the log mid-way through a line and verifies it whole', async () => {
    const bytes = readFileSync(log);
    expect(bytes[Math.floor(bytes.length / 2) - 1]).not.toBe(0x0a); // the middle byte is inside a line
    expect(await both({ expectedHead: head })).toEqual({ ok: true, events: 12, head });
  });

  it('finds an edited byte in the second half at its line', async () => {
    const at = splitLine() + 2;
    const edited = [...lines];
    edited[at - 1] = edited[at - 1]!.replace('"user":"octocat"', '"user":"octocas"');
    rewrite(edited);
    expect((await both()).break).toMatchObject({ line: at, kind: 'digest' });
  });

  it('finds an edited byte in the first line of the second half (at the split)', async () => {
    const at = splitLine();
    const edited = [...lines];
    edited[at - 1] = edited[at - 1]!.replace('"user":"octocat"', '"user":"octocas"');
    rewrite(edited);
    const result = await both();
    expect(result.break).toMatchObject({ line: at, kind: 'digest' });
    expect(result.events).toBe(at - 1);
  });

  it('finds a deleted event whose gap is exactly the split: the link the coordinator checks', async () => {
    // Line k deleted, so that line k of the shorter log (the old k + 1) is the first of the second half.
    const k = [...lines.keys()].find((i) => i > 0 && splitLine(Buffer.from(lines.filter((_, j) => j !== i).join('\n') + '\n')) === i + 1);
    expect(k).toBeDefined();
    rewrite(lines.filter((_, j) => j !== k));
    expect(splitLine()).toBe(k! + 1);
    const result = await both();
    expect(result.break).toMatchObject({ line: k! + 1, kind: 'prev' });
    expect(result.break?.message).toContain(`(line ${k!})`);
  });

  it('finds the last line of the first half edited, just before the split', async () => {
    const at = splitLine() - 1;
    const edited = [...lines];
    edited[at - 1] = edited[at - 1]!.replace('"user":"octocat"', '"user":"octocas"');
    rewrite(edited);
    expect((await both()).break).toMatchObject({ line: at, kind: 'digest' });
  });

  it('finds two events swapped across the split at the first of them', async () => {
    const at = splitLine();
    const swapped = [...lines];
    [swapped[at - 2], swapped[at - 1]] = [swapped[at - 1]!, swapped[at - 2]!];
    rewrite(swapped);
    expect((await both()).break).toMatchObject({ line: at - 1, kind: 'prev' });
  });

  it('finds a copied line inserted in the second half at its line', async () => {
    const at = splitLine() + 1;
    rewrite([...lines.slice(0, at - 1), lines[1]!, ...lines.slice(at - 1)]);
    expect((await both()).break).toMatchObject({ line: at, kind: 'prev' });
  });

  it('finds a line that is not JSON in the second half at its line', async () => {
    const at = splitLine() + 1;
    const edited = [...lines];
    edited[at - 1] = edited[at - 1]!.slice(0, 30) + '\u0000' + edited[at - 1]!.slice(31);
    rewrite(edited);
    expect((await both()).break).toMatchObject({ line: at, kind: 'parse' });
  });

  it('finds a log cut mid-line at its last line, and one cut after whole lines against the head', async () => {
    rewrite(lines, '');
    writeFileSync(log, readFileSync(log, 'utf8').slice(0, -30));
    expect((await both()).break).toMatchObject({ line: 12, kind: 'torn' });
    rewrite(lines.slice(0, 10));
    expect((await both({ expectedHead: head })).break).toMatchObject({ line: 11, kind: 'head' });
  });

  it('finds a log that goes on past the expected head, which lies in the first half', async () => {
    const at = splitLine() - 1;
    const early = (JSON.parse(lines[at - 1]!) as { digest: string }).digest;
    const result = await both({ expectedHead: early });
    expect(result.break).toMatchObject({ line: at + 1, kind: 'head' });
    expect(result.break?.message).toContain(`the expected head is line ${at}`);
  });

  it('a worker entry that cannot load rejects, and verifyChain falls back to one thread', async () => {
    const missing = path.join(path.dirname(log), 'no-such-worker.mjs');
    await expect(verifyChainInWorkers(log, missing)).rejects.toThrow();
    expect(await verifyChain(log, { workerEntry: missing, workerMinBytes: 0 })).toEqual({ ok: true, events: 12, head });
  });
});
