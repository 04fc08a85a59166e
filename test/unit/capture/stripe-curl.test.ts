/**
 * Issue 6, §5 item 8: a Stripe live key in Stripe's documented `curl -u sk_live_…:` form was missed, then
 * printed in tool-violations, the summary and the stored transcript. Once found, it is redacted in every
 * place capture writes, because the reader only ever sees redacted text.
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureTranscript } from '@agent-gates/core/capture';
import { ALNUM, pick, rng } from '../secrets/helpers.js';

describe('a Stripe key in `curl -u sk_live_…:`', () => {
  it('is found, and kept out of violations, summary, capture record and stored transcript', async () => {
    const key = `sk_live_51${pick(rng(8), ALNUM, 97)}`;
    const command = `curl https://api.stripe.com/v1/customers -u ${key}: -d email=a@example.com`;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'capture-stripe-'));
    const workspace = path.join(dir, 'ws');
    mkdirSync(workspace);
    const source = path.join(dir, 'claude.jsonl');
    const records = [
      { type: 'system', subtype: 'init', session_id: 's', model: 'claude-sonnet-4-5-20250929', cwd: workspace, tools: ['Bash'] },
      {
        type: 'assistant',
        session_id: 's',
        message: { id: 'm', role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'Bash', input: { command } }] },
      },
      { type: 'user', session_id: 's', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: '{"id":"cus_1"}' }] } },
      { type: 'result', subtype: 'success', session_id: 's', num_turns: 1 },
    ];
    writeFileSync(source, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const masked: string[] = [];
    const result = await captureTranscript({
      source,
      workspace,
      format: 'auto',
      redact: true,
      maskValues: [],
      redactPatterns: [],
      allowedTools: ['Read'],
      deniedTools: [],
      outputDir: path.join(dir, 'out'),
      fingerprintKey: 'stripe',
      policy: { source: 'default', digest: 'sha256:0' },
      context: {
        repository: 'a/b',
        runId: '1',
        runAttempt: '1',
        job: 'j',
        workflow: 'w',
        workflowRef: 'r',
        eventName: 'push',
        sha: 'a'.repeat(40),
        actor: 'x',
        toolName: 't',
        toolVersion: '0',
      },
      onSecret: (v) => masked.push(v),
    });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['agent-gates-stripe-key']);
    expect(masked).toEqual([key]);
    expect(result.violations).toHaveLength(1);
    for (const text of [
      JSON.stringify(result),
      readFileSync(result.summaryFile, 'utf8'),
      readFileSync(result.captureFile, 'utf8'),
      readFileSync(result.transcriptFile, 'utf8'),
    ])
      expect(text).not.toContain(key.slice(8));
  });
});
