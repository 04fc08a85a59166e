import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { secretsRule } from '../../../../packages/core/src/diff/rules/index.js';
import { SecretScanner, THREAD_AFTER_CHARS } from '../../../../packages/core/src/diff/rules/secrets-thread.js';
import { ALNUM, pick, rng } from '../../secrets/helpers.js';
import { changes, file, policyOf, run } from './helpers.js';

// The secret scan on its own thread: the same findings, in the same order, as on the calling thread,
// and a thread that dies fails the scan instead of leaving text unscanned.
const ENTRY = fileURLToPath(new URL('./secrets-worker-entry.mjs', import.meta.url));
const r = rng(4242);
const ghToken = () => 'ghp_' + pick(r, ALNUM, 36);
const engine = { fingerprintKey: 'k' };

/** Texts like a change's added lines, a token in some of them, past one batch's file count. */
function texts(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    [`const apiKey${i} = process.env.API_KEY;`, i % 7 === 0 ? `token: "${ghToken()}"` : `password = os.environ["DB_PASSWORD_${i}"]`, `// ${i}`].join('\n'),
  );
}

describe('the secret scan thread', () => {
  it('finds what the calling thread finds, text by text, across batches', async () => {
    const all = texts(1300);
    const here = new SecretScanner(engine, { workerEntry: ENTRY, threadAfterChars: Infinity });
    const there = new SecretScanner(engine, { workerEntry: ENTRY, threadAfterChars: 0 });
    const indexes = all.map((text) => [here.add(text), there.add(text)]);
    expect(indexes.every(([a, b], i) => a === i && b === i)).toBe(true);
    const [a, b] = await Promise.all([here.results(), there.results()]);
    expect(a.filter((hits) => hits.length > 0)).toHaveLength(Math.ceil(1300 / 7));
    expect(b).toEqual(a);
  });

  it('scans on the calling thread when the worker bundle is not there', async () => {
    const scanner = new SecretScanner(engine, { workerEntry: path.join(tmpdir(), 'no-such-worker.js'), threadAfterChars: 0 });
    const token = ghToken();
    const text = `token: "${token}"`;
    scanner.add(text);
    const [hits] = await scanner.results();
    expect(hits).toHaveLength(1);
    expect(text.slice(hits![0]!.start, hits![0]!.end)).toContain(token);
  });

  it('fails the scan when the thread dies, never answering with no findings', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'diff-secrets-'));
    const dying = path.join(dir, 'dying.mjs');
    writeFileSync(dying, 'process.exit(3);\n');
    const scanner = new SecretScanner(engine, { workerEntry: dying, threadAfterChars: 0 });
    for (const text of texts(20)) scanner.add(text);
    await expect(scanner.results()).rejects.toThrow(/secret scan thread failed/);
  });

  it('fails the scan when the thread answers a batch for another number of texts, or names a text outside it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'diff-secrets-'));
    for (const [name, reply] of [
      ['short.mjs', '{ ok: true, count: m.texts.length - 1, found: [] }'],
      ['outside.mjs', '{ ok: true, count: m.texts.length, found: [[m.texts.length, []]] }'],
    ] as const) {
      const entry = path.join(dir, name);
      writeFileSync(entry, `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', (m) => parentPort.postMessage(${reply}));\n`);
      const scanner = new SecretScanner(engine, { workerEntry: entry, threadAfterChars: 0 });
      for (const text of texts(5)) scanner.add(text);
      await expect(scanner.results(), name).rejects.toThrow(/wrong number of texts/);
    }
  });

  it('fails the scan when the thread answers an error', async () => {
    // A pattern the engine rejects: the thread cannot build its engine and says so for every batch.
    const scanner = new SecretScanner({ fingerprintKey: 'k', patterns: ['('] }, { workerEntry: ENTRY, threadAfterChars: 0 });
    scanner.add('token = 1');
    await expect(scanner.results()).rejects.toThrow(/secret scan thread failed/);
  });

  it('gives the rule the same findings through the thread on a change past the threshold', async () => {
    const policy = await policyOf(['secrets:', '  allow:', '    - paths: ["test/fixtures/**"]', '      reason: fixture tokens are revoked', ''].join('\n'));
    // Enough added text that the thread starts part way: files before it are scanned here, after it there.
    const line = `const apiKey = process.env.SERVICE_API_KEY ?? config.get('service.apiKey'); // padding padding`;
    const perFile = 400;
    const files = Math.ceil((THREAD_AFTER_CHARS * 2) / (line.length * perFile));
    const set = changes(
      Array.from({ length: files }, (_, i) => {
        const lines = Array.from({ length: perFile }, () => line);
        if (i % 5 === 0) lines[i % perFile] = `const token = "${ghToken()}";`;
        return file(i % 10 === 0 ? `test/fixtures/f${i}.ts` : `src/f${i}.ts`, { lines });
      }),
    );
    const one = await run(secretsRule(policy, { fingerprintKey: 'k' }), set);
    const two = await run(secretsRule(policy, { fingerprintKey: 'k', workerEntry: ENTRY }), set);
    expect(one.filter((f) => f.code === 'secret')).toHaveLength(Math.ceil(files / 5) - Math.ceil(files / 10));
    expect(one.some((f) => f.code === 'secret-accepted')).toBe(true);
    expect(two).toEqual(one);
  }, 60_000);

  it('gives each hit its value when asked, from either thread, and only then', async () => {
    const all = texts(300);
    const here = new SecretScanner(engine, { workerEntry: ENTRY, threadAfterChars: Infinity });
    const there = new SecretScanner(engine, { workerEntry: ENTRY, threadAfterChars: 0 });
    for (const [i, text] of all.entries()) {
      here.add(text, i % 2 === 0);
      there.add(text, i % 2 === 0);
    }
    const [a, b] = await Promise.all([here.results(), there.results()]);
    expect(b).toEqual(a);
    for (const [i, hits] of a.entries()) for (const hit of hits) expect(hit.value).toBe(i % 2 === 0 ? all[i]!.slice(hit.start, hit.end) : undefined);
    expect(there.threadTexts).toBe(300);
  });

  it('scans here whenever the thread is behind by more than its bound, with the same results', async () => {
    const all = texts(600);
    const reference = new SecretScanner(engine);
    for (const text of all) reference.add(text);
    // A bound of two batches' worth of small texts: the thread falls behind at once and the rest interleave.
    const bounded = new SecretScanner(engine, { workerEntry: ENTRY, threadAfterChars: 0, maxInFlightChars: 2000 });
    for (const text of all) bounded.add(text);
    const [a, b] = await Promise.all([reference.results(), bounded.results()]);
    expect(b).toEqual(a);
    expect(bounded.threadTexts).toBeGreaterThan(0);
    expect(bounded.threadTexts).toBeLessThan(600);
  });

  it('start() sends every text to the thread, the first included, with the same results; without a bundle it changes nothing', async () => {
    const all = texts(40);
    const reference = new SecretScanner(engine);
    const started = new SecretScanner(engine, { workerEntry: ENTRY });
    started.start();
    started.start();
    const missing = new SecretScanner(engine, { workerEntry: path.join(tmpdir(), 'no-such-worker.js') });
    missing.start();
    for (const text of all) {
      reference.add(text);
      started.add(text);
      missing.add(text);
    }
    const [a, b, c] = await Promise.all([reference.results(), started.results(), missing.results()]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(started.threadTexts).toBe(40);
    expect(missing.threadTexts).toBe(0);
    // Started and given no text at all: results() is empty and ends the thread.
    const idle = new SecretScanner(engine, { workerEntry: ENTRY });
    idle.start();
    await expect(idle.results()).resolves.toEqual([]);
  });

  it('rejects results after dispose() with texts unanswered, never answering with fewer hits', async () => {
    const scanner = new SecretScanner(engine, { workerEntry: ENTRY, threadAfterChars: 0 });
    for (const text of texts(50)) scanner.add(text);
    await scanner.dispose();
    await expect(scanner.results()).rejects.toThrow(/given up|ended before/);
  });
});
