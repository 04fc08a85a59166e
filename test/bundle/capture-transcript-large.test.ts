import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureTranscript } from '@agent-gates/core/capture';
import { createGitRepo } from '../harness/git-repo.js';
import { runAction } from '../harness/run-action.js';
import { fakeToken as token } from '../fixtures/builders.js';

/**
 * A transcript over the 8 MiB at which the action hands redaction to a worker thread, with secrets
 * where chunking could lose them: lines that straddle the 1 MiB read boundaries, a secret cut
 * across two streamed delta records, and one in a JSON-escaped nested document.
 */
function largeTranscript(): { text: string; secrets: string[] } {
  const secrets: string[] = [];
  const lines: string[] = [];
  const filler = 'const value = compute(input); // keep the cache warm\\n'.repeat(40);
  let size = 0;
  let i = 0;
  while (size < 10 * 1024 * 1024) {
    let line: string;
    if (i % 997 === 0) {
      const secret = token(`large-${i}`, 'ghp_', 36);
      secrets.push(secret);
      line = JSON.stringify({
        type: 'user',
        sessionId: 's-large',
        uuid: `u${i}`,
        parentUuid: null,
        message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: `{"api_token": "${secret}", "ok": true}` }] },
      });
    } else if (i % 1501 === 0) {
      const secret = token(`split-${i}`, 'ghp_', 36);
      secrets.push(secret);
      const cut = 17;
      lines.push(
        JSON.stringify({
          type: 'stream_event',
          session_id: 's-large',
          event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `token ${secret.slice(0, cut)}` } },
        }),
      );
      line = JSON.stringify({
        type: 'stream_event',
        session_id: 's-large',
        event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `${secret.slice(cut)} done` } },
      });
    } else {
      line = JSON.stringify({
        type: 'assistant',
        sessionId: 's-large',
        uuid: `a${i}`,
        parentUuid: null,
        message: {
          id: `msg_${i}`,
          role: 'assistant',
          model: 'claude-sonnet-4-5',
          content: [{ type: 'text', text: filler.slice(0, 200 + ((i * 7919) % 2000)) }],
        },
      });
    }
    lines.push(line);
    size += line.length + 1;
    i += 1;
  }
  return { text: lines.join('\n') + '\n', secrets };
}

describe('capture-transcript on a large transcript', () => {
  it('redacts the same on the worker thread as inline, and loses nothing at chunk boundaries', async () => {
    const { text, secrets } = largeTranscript();
    const repo = createGitRepo({ base: { a: '1' } });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'large-transcript-'));
    const file = path.join(dir, 'session.jsonl');
    writeFileSync(file, text);

    const run = await runAction({
      action: 'capture-transcript',
      workspace: repo.dir,
      inputs: { path: file, upload: 'false', 'fail-on': 'never' },
      timeoutMs: 120_000,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('redacted on a worker thread');
    const stored = readFileSync(run.outputs['transcript-file']!, 'utf8');
    for (const secret of secrets) expect(stored.includes(secret) || stored.includes(secret.slice(0, 17)), 'a planted secret survived').toBe(false);
    expect(Number(run.outputs.redactions)).toBeGreaterThanOrEqual(secrets.length);

    const inline = await captureTranscript({
      source: file,
      workspace: repo.dir,
      format: 'auto',
      redact: true,
      maskValues: [],
      redactPatterns: [],
      allowedTools: ['*'],
      deniedTools: [],
      outputDir: path.join(dir, 'inline'),
      fingerprintKey: 'k',
      policy: { source: 'default', digest: 'sha256:0' },
      context: {
        repository: '',
        runId: '',
        runAttempt: '1',
        job: '',
        workflow: '',
        workflowRef: '',
        eventName: '',
        sha: '',
        actor: '',
        toolName: 't',
        toolVersion: '0',
      },
    });
    expect(run.outputs['transcript-digest']).toBe(inline.transcriptDigest);
    expect(run.outputs['source-digest']).toBe(inline.sourceDigest);
    expect(run.outputs.redactions).toBe(String(inline.redactions));
    expect(JSON.parse(run.outputs.tools!)).toEqual(inline.summary.tools);
  }, 180_000);
});
