import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '@agent-gates/core/audit';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The writer bundled once to plain JS: 50 processes each transpiling TypeScript would measure the transpiler. */
function bundleWriter(dir: string): string {
  const esbuild = require(require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsx'))] })) as { buildSync: (options: object) => void };
  const outfile = path.join(dir, 'writer.mjs');
  esbuild.buildSync({
    entryPoints: [path.join(here, 'concurrent-writer.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'silent',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  return outfile;
}
const WRITERS = 50;
const EVENTS = 200;

describe('file sink under concurrent writers', () => {
  it(`${WRITERS} processes × ${EVENTS} events into one log: no torn or interleaved line, every event once, the chain verifies`, async () => {
    // On tmpfs when there is one: what is under test is the lock and whole-line appends, and 10,000
    // serialised fsyncs on a disk would take minutes without telling anything more.
    const dir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'audit-concurrent-'));
    const log = path.join(dir, 'audit.jsonl');
    const writer = bundleWriter(mkdtempSync(path.join(tmpdir(), 'audit-writer-')));
    const exits = await Promise.all(
      Array.from(
        { length: WRITERS },
        (_, w) =>
          new Promise<{ code: number | null; stderr: string }>((resolve) => {
            const child = spawn(process.execPath, [writer, log, String(EVENTS), String(w)], { stdio: ['ignore', 'ignore', 'pipe'] });
            let stderr = '';
            child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
            child.on('close', (code) => resolve({ code, stderr }));
          }),
      ),
    );
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);
    const lines = readFileSync(log, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(WRITERS * EVENTS);
    const seen = new Set<string>();
    for (const line of lines) {
      const event = JSON.parse(line) as { agent_id: string; action: string };
      seen.add(`${event.agent_id}/${event.action}`);
    }
    expect(seen.size).toBe(WRITERS * EVENTS);
    expect(await verifyChain(log)).toMatchObject({ ok: true, events: WRITERS * EVENTS });
    expect(readdirSync(dir)).toEqual(['audit.jsonl']); // no lock left behind, nothing set aside
    rmSync(dir, { recursive: true });
  }, 900_000);
});
