// The two passes of capture-transcript's work that each run on one thread, timed alone over the
// benchmark transcript in memory: the secret engine's per-line verdict (what the verdict thread does
// for every JSON line, packages/core/src/capture/chunks.ts) and JSON.parse of every line (what reading
// a session record costs at least). They bound capture's throughput from above on a given CPU: the
// verdict of every line is worked out on one thread, so capture cannot pass that thread's speed, and
// splitting it perfectly over two cores would at most double it.
//
// Bundled to plain JS (bundleForBench) and run by Node 24 in a child process, like the other tools.
// Usage: node capture-parts.mjs <file>. Prints one JSON line: { bytes, lines, verdictSeconds, parseSeconds }.
import { createSecretEngine } from '@agent-gates/core/secrets';
import { linePieces } from './line-pieces.js';

const file = process.argv[2];
if (!file) throw new Error('usage: capture-parts.mjs <file>');
const PIECE = 16 * 1024 * 1024;
// As capture builds it for a line-oriented transcript (capture/index.ts): bytes as Latin-1 text.
const engine = createSecretEngine({ fingerprintKey: 'bench', byteText: true });

let bytes = 0;
let lines = 0;
let verdictNs = 0n;
let parseNs = 0n;
let flagged = 0;
for (const { bytes: piece } of linePieces(file, PIECE)) {
  // The lines of this piece, cut outside the timed loops: the same strings and byte views capture makes.
  const texts: string[] = [];
  const bodies: Buffer[] = [];
  for (let start = 0; start < piece.length;) {
    let end = piece.indexOf(0x0a, start);
    if (end < 0) end = piece.length;
    const body = piece.subarray(start, end > start && piece[end - 1] === 0x0d ? end - 1 : end);
    if (body.length > 0) {
      texts.push(body.toString('latin1'));
      bodies.push(body);
    }
    start = end + 1;
  }
  let started = process.hrtime.bigint();
  for (let i = 0; i < texts.length; i++) if (engine.lineVerdict(texts[i]!, bodies[i]!) !== 0) flagged++;
  verdictNs += process.hrtime.bigint() - started;
  started = process.hrtime.bigint();
  for (let i = 0; i < bodies.length; i++) JSON.parse(bodies[i]!.toString('utf8'));
  parseNs += process.hrtime.bigint() - started;
  bytes += piece.length;
  lines += texts.length;
}
console.log(JSON.stringify({ bytes, lines, flagged, verdictSeconds: Number(verdictNs) / 1e9, parseSeconds: Number(parseNs) / 1e9 }));
