import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureTranscript } from '../../../packages/core/src/capture/index.js';
import { ConfigError } from '../../../packages/core/src/errors.js';
import { createSecretEngine } from '../../../packages/core/src/secrets/index.js';
import { catastrophicShape } from '../../../packages/core/src/secrets/pattern-safety.js';

describe('user patterns that backtrack without end (issue 6 §5 item 10)', () => {
  it('fails fast with E_INPUT naming the input and the position when a capture is given (a+)+$', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pattern-safety-'));
    const source = path.join(dir, 'claude.jsonl');
    // The agent's line: 40 a's and one character the pattern cannot end on.
    writeFileSync(source, `${JSON.stringify({ type: 'user', sessionId: 's', message: { role: 'user', content: `${'a'.repeat(40)}!` } })}\n`);
    const capture = captureTranscript({
      source,
      workspace: dir,
      format: 'auto',
      redact: true,
      maskValues: [],
      redactPatterns: ['INTERNAL-[0-9]{6}', '(a+)+$'],
      allowedTools: ['*'],
      deniedTools: [],
      outputDir: path.join(dir, 'out'),
      fingerprintKey: 'k',
      policy: { source: 'default', digest: 'sha256:0' },
      context: {
        repository: 'acme/app',
        runId: '1',
        runAttempt: '1',
        job: 'j',
        workflow: 'w',
        workflowRef: 'w@main',
        eventName: 'push',
        sha: 'a'.repeat(40),
        actor: 'octocat',
        toolName: 'agent-gates/capture-transcript',
        toolVersion: '0.0.0-test',
      },
    });
    const error = await capture.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('E_INPUT');
    expect((error as Error).message).toMatch(/^redact pattern #2 \(index 1, counting the redact-patterns input, then the policy's patterns\) repeats a group/);
    expect((error as Error).message).not.toContain('(a+)+$');
  });

  it('refuses nested and overlapping repetitions, and keeps patterns whose repetitions are separated', () => {
    for (const bad of ['(a+)+$', '(a|a)*', '(a|ab)+', '(\\w+\\s?)*$', '((ab)*)*', '(?:x+x+)+y', '([a-z]+)*$', '(a+){2,50}'])
      expect(catastrophicShape(bad), bad).toBeDefined();
    for (const good of [
      '(?:[a-z0-9]+\\.)+[a-z]+',
      '(?:\\s*,\\s*\\w+)*',
      'INTERNAL-[0-9]{6}',
      'password=.*',
      '(foo|bar)*',
      'pin=([0-9]{6})',
      '(?=(a+))\\1b',
      '(a+){2}',
    ])
      expect(catastrophicShape(good), good).toBeUndefined();
  });

  it('still compiles and applies the patterns it keeps', () => {
    const e = createSecretEngine({ fingerprintKey: 'k', patterns: ['(?:[a-z0-9]+\\.)+internal\\.example'] });
    expect(e.redact('host db1.eu.internal.example up').text).toBe('host [REDACTED:custom-pattern-1] up');
    expect(() => createSecretEngine({ fingerprintKey: 'k', patterns: ['(a|a)*b'] })).toThrowError(/redact pattern #1 .* alternation/);
    // The pattern may itself be secret: the error names its place, never its text.
    expect(() => createSecretEngine({ fingerprintKey: 'k', patterns: ['([zqx]+)+$'] })).toThrowError(/^(?!.*zqx)redact pattern #1 /);
  });
});
