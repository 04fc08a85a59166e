import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createChunkRedactor, type ChunkRedactorOptions, type ChunkResult } from '../../../packages/core/src/capture/chunks.js';
import { ALNUM, pick, rng } from '../secrets/helpers.js';
import { describeWithConformance } from '../../conformance-data.js';

const r = rng(6060);
const engine = { fingerprintKey: 'split' };
const token = () => 'ghp_' + pick(r, ALNUM, 36);

interface Stored {
  bytes: string;
  found: string[];
  learned: number;
}

/** The file redacted in chunks of `size` by one redactor, as redactFile does inline. */
function alone(input: Buffer, size: number, options: Partial<ChunkRedactorOptions> = {}): Stored {
  const redactor = createChunkRedactor({ engine, kind: 'json', redact: true, ...options });
  const results: ChunkResult[] = [];
  for (let at = 0; at < input.length; at += size) results.push(redactor.push(Uint8Array.from(input.subarray(at, at + size))));
  results.push(redactor.finish());
  return summarise(results);
}

/** The same with the rules' verdicts worked out by a second redactor ahead, as the two worker threads do. */
function split(input: Buffer, size: number): Stored {
  const ahead = createChunkRedactor({ engine, kind: 'json', redact: true, verdicts: 'compute' });
  const redactor = createChunkRedactor({ engine, kind: 'json', redact: true, verdicts: 'take' });
  const results: ChunkResult[] = [];
  for (let at = 0; at < input.length; at += size) {
    const chunk = Uint8Array.from(input.subarray(at, at + size));
    results.push(redactor.push(chunk, ahead.push(chunk).verdicts));
  }
  results.push(redactor.finish(ahead.finish().verdicts));
  return summarise(results);
}

function summarise(results: ChunkResult[]): Stored {
  return {
    bytes: Buffer.concat(results.map((x) => x.bytes)).toString('latin1'),
    found: results.flatMap((x) => x.found.map((f) => `${f.line}:${f.ruleId}:${f.fingerprint}`)),
    learned: results.at(-1)!.learned?.length ?? 0,
  };
}

const delta = (text: string) => JSON.stringify({ type: 'stream_event', event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } } });

describe('redaction shared by a verdict thread and a redaction thread stores what one thread stores', () => {
  it('on lines that exercise every branch of the verdict: escapes, nested JSON, streams, learned values, CRLF, a BOM', () => {
    const a = token();
    const b = token();
    const streamed = token();
    const lines = [
      JSON.stringify({ type: 'user', message: { content: `export GITHUB_TOKEN=${a}` } }),
      // A keyword spelled by an escape (`\u0067hp_`), a token after `\/`.
      `{"type":"assistant","text":"\\u0067hp_${b.slice(4)} and https:\\/\\/x"}`,
      // JSON in a string in a JSON string: context escaped twice.
      JSON.stringify({ type: 'tool', output: JSON.stringify({ args: JSON.stringify({ api_key: 'Zx81Qw93Lk27Vb56Nm04' }) }) }),
      // A learned value again, where no rule would see it.
      JSON.stringify({ type: 'tool', output: `cat log: ${a}` }),
      delta('export T='),
      delta(streamed.slice(0, 15)),
      delta(streamed.slice(15)),
      JSON.stringify({ type: 'result', text: 'clean line with no keyword at all' }),
      JSON.stringify({ type: 'tool', output: 'é café 日本 \u2192 ' + 'x'.repeat(3000) + ` ${b}` }),
    ];
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n') + '\n' + lines.slice(0, 4).join('\n'))]);
    for (const size of [7, 64, 1000, 1 << 20]) {
      const expected = alone(input, size);
      expect(expected.found.length).toBeGreaterThan(4);
      expect(split(input, size), `chunks of ${size}`).toEqual(expected);
    }
  });

  describeWithConformance('on every conformance transcript with planted secrets', 'transcripts', (dir) => {
    it('stores the same bytes and findings', () => {
      const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(jsonl|json|traj)$/.test(f));
      expect(files.length).toBeGreaterThan(10);
      for (const file of files) {
        const text = readFileSync(path.join(dir, file), 'utf8');
        const planted = text.split('\n').map((line, i) => (i % 7 === 3 ? line.replace(/"([^"\\]{12,})"/, `"$1 ${token()}"`) : line));
        const input = Buffer.from(planted.join('\n'));
        expect(split(input, 4096), file).toEqual(alone(input, 4096));
      }
    });
  });

  it('fails rather than apply a verdict to another line', () => {
    const redactor = createChunkRedactor({ engine, kind: 'json', redact: true, verdicts: 'take' });
    expect(() => redactor.push(Buffer.from('{"a":1}\n'), Int32Array.from([6, 0]))).toThrow(/out of step/);
    const missing = createChunkRedactor({ engine, kind: 'json', redact: true, verdicts: 'take' });
    expect(() => missing.push(Buffer.from('{"a":1}\n'))).toThrow(/out of step/);
  });
});
