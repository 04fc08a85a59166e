import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeCommandTranscript, fakeToken } from '../fixtures/builders.js';
import { createGitRepo, pullRequestEvent } from '../harness/git-repo.js';
import { runAction } from '../harness/run-action.js';

// The router reading a real sibling: capture-transcript's bundle runs first in the same job, and its
// outputs go to the router as `toJSON(steps)` would give them.
describe('confidence-router on capture-transcript outputs (toJSON(steps))', () => {
  it('recognises the gate, verifies its report digest and routes its findings', { timeout: 120_000 }, async () => {
    const repo = createGitRepo({ base: { 'src/a.ts': 'export const a = 1;\n' }, head: { 'src/a.ts': 'export const a = 2;\n' } });
    const file = path.join(repo.dir, '..', `claude-${path.basename(repo.dir)}.jsonl`);
    writeFileSync(file, claudeCommandTranscript(repo.dir, ['npm test'], fakeToken('router-siblings')));
    const event = pullRequestEvent(repo);
    const capture = await runAction({
      action: 'capture-transcript',
      workspace: repo.dir,
      event,
      eventName: 'pull_request',
      inputs: { path: file, 'allowed-tools': 'Bash(npm test:*)\nEdit(src/**)', upload: 'false', 'fail-on': 'never' },
    });
    expect(capture.exitCode, capture.stdout + capture.stderr).toBe(0);
    const steps = { capture: { outcome: 'success', conclusion: 'success', outputs: capture.outputs } };

    const run = await runAction({
      action: 'confidence-router',
      workspace: repo.dir,
      event,
      eventName: 'pull_request',
      inputs: {
        signals: JSON.stringify(steps),
        'expected-signals': 'capture-transcript',
        'review-score': '95',
        tests: 'passed',
        'agent-confidence': '1',
        vulnerabilities: '0',
        'github-token': '',
      },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    // The transcript held a token: capture redacted it and warned, so a person decides.
    expect(capture.outputs.verdict).toBe('warn');
    expect(run.outputs.action).toBe('human_review');
    const rows = JSON.parse(run.outputs.reasons!) as { signal: string; note: string }[];
    expect(rows.map((r) => r.signal)).toEqual(expect.arrayContaining(['gate-warned', 'require-human-secret-finding']));
    expect(rows.map((r) => r.signal)).not.toContain('signal-missing');
    expect(rows.map((r) => r.signal)).not.toContain('report-digest-mismatch');

    const report = JSON.parse(readFileSync(run.outputs.report!, 'utf8')) as { details: { gates: unknown[] }; subjects: { name: string; digest: string }[] };
    expect(report.details.gates).toEqual([
      { gate: 'capture-transcript', signal: 'capture', reportDigest: capture.outputs['report-digest'], version: '0.1.0', reportVerified: true },
    ]);
    expect(report.subjects).toContainEqual({ name: 'capture-transcript:capture', digest: capture.outputs['report-digest'] });

    // The same outputs with the report altered on disk: the digest no longer binds it.
    writeFileSync(capture.outputs.report!, '{"tampered":true}');
    const tampered = await runAction({
      action: 'confidence-router',
      workspace: repo.dir,
      event,
      eventName: 'pull_request',
      inputs: { signals: JSON.stringify(steps), 'expected-signals': 'capture-transcript', 'github-token': '' },
    });
    expect(JSON.parse(tampered.outputs.reasons!)).toEqual(expect.arrayContaining([expect.objectContaining({ signal: 'report-digest-mismatch' })]));
  });
});
