import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChunkResult } from '../../../packages/core/src/capture/chunks.js';
import { redactFile, safeCut } from '../../../packages/core/src/capture/worker.js';
import { CREDENTIAL_KINDS, makeCredential, Random } from '../../../scripts/bench/generate.js';
import { conformanceRoot, repoRoot } from './helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'perf-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A worker entry that runs the TypeScript sources through tsx, as the bundle's entry runs the built ones. */
function workerEntry(): string {
  // The ESM build of tsx's API (require.resolve finds its CommonJS twin).
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const worker = pathToFileURL(path.join(repoRoot, 'packages/core/src/capture/worker.ts')).href;
  const entry = path.join(dir, 'entry.mjs');
  writeFileSync(entry, `import { register } from ${JSON.stringify(tsx)};\nregister();\nconst w = await import(${JSON.stringify(worker)});\nif (w.isRedactionWorker()) w.serveRedaction();\n`);
  return entry;
}

/** Real session records with credentials planted, streamed replies whose secret is cut across deltas, and lines naming "Delta". */
function transcript(): Buffer {
  const sessions = path.join(conformanceRoot, 'transcripts/claude-code-session');
  const records = readdirSync(sessions)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => readFileSync(path.join(sessions, f), 'utf8').split('\n').filter(Boolean));
  const r = new Random(3);
  const out: string[] = [];
  let n = 0;
  while (out.join('\n').length < 3 * 1024 * 1024) {
    for (const line of records) {
      n++;
      if (n % 50 === 0) {
        const secret = makeCredential(CREDENTIAL_KINDS[n % 5]!, r).line;
        // A secret cut across three streamed records, the first and last long, so that chunk
        // boundaries often fall between the pieces: a cut there would lose the joined secret.
        const filler = (k: number) => 'lorem ipsum '.repeat(k);
        const pieces = [`${filler(4000 + (n % 7) * 1500)} ${secret.slice(0, 9)}`, secret.slice(9, 20), `${secret.slice(20)} ${filler(4000 + (n % 5) * 2000)}`];
        for (const text of ['Looking', ...pieces, ' done.']) {
          out.push(JSON.stringify({ type: 'stream_event', event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } } }));
        }
      }
      if (n % 77 === 0) out.push(JSON.stringify({ type: 'user', message: { role: 'user', content: `the Delta rollout key ${makeCredential('github-pat', r).line}` } }));
      out.push(n % 13 === 0 ? `${line}\r` : line);
    }
  }
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(out.join('\n') + '\n', 'utf8')]);
}

async function run(file: string, entry: string | undefined) {
  const results: ChunkResult[] = [];
  const digests = await redactFile({
    file,
    redaction: { engine: { fingerprintKey: 'perf-threads' }, kind: 'json', redact: true },
    ...(entry ? { workerEntry: entry } : {}),
    onResult: (result) => {
      results.push(result);
    },
  });
  return {
    digests,
    bytes: Buffer.concat(results.map((x) => Buffer.from(x.bytes))),
    found: results.flatMap((x) => x.found.map((f) => `${f.line} ${f.ruleId} ${f.fingerprint}`)),
    invalidLines: results.reduce((a, x) => a + x.invalidLines, 0),
    byteOrderMark: results.some((x) => x.byteOrderMark),
  };
}

describe('redaction on two threads', () => {
  it('gives the bytes, findings, line numbers and digests one thread gives', async () => {
    const file = path.join(dir, 'session.jsonl');
    writeFileSync(file, transcript());
    const inline = await run(file, undefined);
    const threaded = await run(file, workerEntry());
    expect(inline.found.length).toBeGreaterThan(20);
    expect(threaded.bytes.equals(inline.bytes)).toBe(true);
    expect(threaded.found).toEqual(inline.found);
    expect(threaded.digests).toEqual(inline.digests);
    expect(threaded.invalidLines).toBe(inline.invalidLines);
    expect(threaded.byteOrderMark).toBe(true);
  }, 120_000);

  it('cuts only before a complete line that is no streaming record and no byte order mark', () => {
    const lines = (...l: string[]) => new Uint8Array(Buffer.from(l.join('\n')));
    expect(safeCut(lines('{"a":1}', '{"b":2}', '{"c":'))).toBe(8);
    expect(safeCut(lines('{"a":1}', '{"delta":2}', '{"c":'))).toBe(-1);
    expect(safeCut(lines('{"a":1}', '{"b":2}', '{"DeLtA":2}', '{"c":'))).toBe(8);
    expect(safeCut(lines('{"a":1}', '\u{feff}{"b":2}', '{"c":'))).toBe(-1);
    expect(safeCut(lines('{"a":1}', '{"c":'))).toBe(-1);
  });
});
