/**
 * Issue 6 §1: a value the engine decided is secret is redacted everywhere it occurs in the stored
 * transcript and the summary, also in the lines written before a rule first matched it (lines after
 * are redacted as they stream; lines before have already passed when the value is learned).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { captureTranscript, type CaptureOptions } from '@agent-gates/core/capture';
import { createSecretEngine } from '../../../packages/core/src/secrets/index.js';
import { ALNUM, DIGITS, pick, rng } from '../secrets/helpers.js';

// The second pass replaces a file it rewrites by renaming its temporary copy over it. A rewrite of
// identical bytes leaves the same digest and size behind, so the renames are what tells the tests
// whether a stored file was rewritten at all.
const renamedOnto = vi.hoisted(() => [] as string[]);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const renameSync: typeof fs.renameSync = (from, to) => {
    renamedOnto.push(String(to));
    fs.renameSync(from, to);
  };
  return { ...fs, default: { ...fs, renameSync }, renameSync };
});

const r = rng(6061);
/** A key generic-api-key accepts only after a credential-named key: elsewhere no rule reads it as a secret. */
const apiKey = () => pick(r, ALNUM, 30) + pick(r, DIGITS, 2);
const MARKER = '[REDACTED:generic-api-key]';

function capture(dir: string, source: string, workspace: string, extra: Partial<CaptureOptions> = {}) {
  return captureTranscript({
    source,
    workspace,
    format: 'auto',
    redact: true,
    maskValues: [],
    redactPatterns: [],
    allowedTools: [],
    deniedTools: [],
    outputDir: path.join(dir, 'out'),
    fingerprintKey: 'everywhere',
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
    ...extra,
  });
}

/** A Claude Code session whose first three texts hold `key` where no rule finds it, and whose fourth names it. */
function session(key: string, workspace: string): string[] {
  const user = (text: string) => ({ type: 'user', sessionId: 's', uuid: 'u', cwd: workspace, message: { role: 'user', content: text } });
  const assistant = (text: string) => ({
    type: 'assistant',
    sessionId: 's',
    uuid: 'a',
    message: { role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text }] },
  });
  return [
    user(`please check why /srv/${key}/data fails, caf\u00e9 \u2019`),
    assistant(`I see ${key} above; it\u2019s the one`),
    user(`echo ${key} | base64`),
    assistant(`export API_KEY="${key}"`),
    user('thanks'),
  ].map((record) => JSON.stringify(record));
}

/** `stored` equals `source` except where each occurrence of `key` became the marker. */
function differsOnlyInSpans(source: string, stored: string, key: string): void {
  expect(stored).toBe(source.split(key).join(MARKER));
}

describe('a learned value is redacted in the lines before it was learned (issue 6 §1)', () => {
  it('leaves it nowhere in the stored JSON Lines file or summary.json, with the digest of the rewritten file', async () => {
    const key = apiKey();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'capture-everywhere-'));
    const workspace = path.join(dir, 'ws');
    mkdirSync(workspace);
    const lines = session(key, workspace);
    // The premise: on their own, the first three lines hold no secret any rule finds.
    const engine = createSecretEngine({ fingerprintKey: 'k' });
    for (const line of lines.slice(0, 3)) expect(engine.redactJson(line).findings).toEqual([]);
    expect(engine.redactJson(lines[3]!).findings).toHaveLength(1);

    const source = path.join(dir, 'session.jsonl');
    writeFileSync(source, lines.join('\r\n') + '\r\n');
    renamedOnto.length = 0;
    const result = await capture(dir, source, workspace);
    const stored = readFileSync(result.transcriptFile);
    // The rename the test below relies on not seeing is how a rewritten file lands.
    expect(renamedOnto).toEqual([result.transcriptFile]);
    expect(stored.toString('utf8')).not.toContain(key);
    expect(readFileSync(result.summaryFile, 'utf8')).not.toContain(key);
    expect(JSON.stringify(result)).not.toContain(key);
    expect(result.transcriptDigest).toBe(`sha256:${createHash('sha256').update(stored).digest('hex')}`);
    const captureRecord = JSON.parse(readFileSync(result.captureFile, 'utf8'));
    expect(captureRecord.transcript.storedBytes).toBe(stored.length);
    expect(captureRecord.transcript.transcriptDigest).toBe(result.transcriptDigest);
    // Every line differs from its source only where the key was, and still parses.
    const storedLines = stored.toString('utf8').split('\r\n');
    expect(storedLines).toHaveLength(lines.length + 1);
    lines.forEach((line, i) => {
      differsOnlyInSpans(line, storedLines[i]!, key);
      expect(() => JSON.parse(storedLines[i]!)).not.toThrow();
    });
    // Each occurrence is counted, with the rule that found the value and one fingerprint.
    expect(result.redactions).toBe(4);
    expect(result.findings.map((f) => f.line).sort()).toEqual([1, 2, 3, 4]);
    expect(new Set(result.findings.map((f) => `${f.ruleId} ${f.fingerprint}`)).size).toBe(1);
  });

  it('redacts it inside a 12 MB string written before it was learned, without overflowing the stack', async () => {
    // Issue 6 §5.9 again: the earlier lines are searched for string literals, and a regex over a
    // literal this long overflows V8's stack; the pass must cope with any line the stream coped with.
    const key = apiKey();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'capture-everywhere-'));
    const workspace = path.join(dir, 'ws');
    mkdirSync(workspace);
    const lines = session(key, workspace);
    const bulk = JSON.stringify({
      type: 'user',
      sessionId: 's',
      uuid: 'b',
      cwd: workspace,
      message: { role: 'user', content: `see ${key} ` + 'x'.repeat(12e6) },
    });
    const source = path.join(dir, 'session.jsonl');
    writeFileSync(source, [lines[0]!, bulk, ...lines.slice(1)].join('\n') + '\n');
    const result = await capture(dir, source, workspace);
    const stored = readFileSync(result.transcriptFile, 'utf8');
    expect(stored).not.toContain(key);
    expect(stored.split('\n')[1]).toBe(bulk.replace(key, MARKER));
  }, 60_000);

  it('does the same in a text transcript (Aider)', async () => {
    const key = apiKey();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'capture-everywhere-'));
    const source = path.join(dir, '.aider.chat.history.md');
    const text = [
      '# aider chat started at 2025-01-01 10:00:00',
      '',
      `#### why does /srv/${key}/data fail`,
      '',
      `see ${key} above`,
      '',
      `> export API_KEY="${key}"`,
      '',
    ].join('\n');
    writeFileSync(source, text);
    const result = await capture(dir, source, dir, { format: 'aider' });
    const stored = readFileSync(result.transcriptFile, 'utf8');
    differsOnlyInSpans(text, stored, key);
    expect(readFileSync(result.summaryFile, 'utf8')).not.toContain(key);
    expect(result.transcriptDigest).toBe(`sha256:${createHash('sha256').update(stored).digest('hex')}`);
  });

  it('leaves a transcript where nothing was learned byte for byte as it came', async () => {
    const key = apiKey();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'capture-everywhere-'));
    const workspace = path.join(dir, 'ws');
    mkdirSync(workspace);
    const source = path.join(dir, 'session.jsonl');
    const text =
      session(key, workspace)
        .filter((_, i) => i !== 3)
        .join('\n') + '\n';
    writeFileSync(source, text);
    const result = await capture(dir, source, workspace);
    expect(readFileSync(result.transcriptFile, 'utf8')).toBe(text);
    expect(result.redactions).toBe(0);
  });
  it('keeps the stored file and its digest when the value learned occurs only after it was learned', async () => {
    const key = apiKey();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'capture-everywhere-'));
    const workspace = path.join(dir, 'ws');
    mkdirSync(workspace);
    const source = path.join(dir, 'session.jsonl');
    // The rule's match comes first: the stream redacts every later occurrence, the second pass has nothing left to do.
    const lines = session(key, workspace);
    writeFileSync(source, [lines[3], lines[0], lines[2], lines[4]].join('\n') + '\n');
    renamedOnto.length = 0;
    const result = await capture(dir, source, workspace);
    const stored = readFileSync(result.transcriptFile);
    expect(stored.toString('utf8')).not.toContain(key);
    // Kept means never rewritten: not even with the same bytes.
    expect(renamedOnto).not.toContain(result.transcriptFile);
    expect(result.redactions).toBe(3);
    expect(result.transcriptDigest).toBe(`sha256:${createHash('sha256').update(stored).digest('hex')}`);
    const captureRecord = JSON.parse(readFileSync(result.captureFile, 'utf8'));
    expect(captureRecord.transcript.storedBytes).toBe(stored.length);
  });
});
