import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesDigest, ConfigError } from '@agent-gates/core';
import { captureTranscript, resolveTranscriptPath } from '@agent-gates/core/capture';
import { CLAUDE_SESSION as SESSION, claudeStreamRecords, fakeToken, jsonl as streamJson, captureOptions } from '../../fixtures/builders.js';

const FAKE_GITHUB_TOKEN = fakeToken('capture-test');

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'capture-test-'));
}

const claudeRecords = (workspace: string, secretIn = 'tool-output'): object[] => claudeStreamRecords(workspace, FAKE_GITHUB_TOKEN, secretIn);

const options = captureOptions;

function setup(content: string, name = 'claude.jsonl') {
  const dir = tmp();
  const workspace = path.join(dir, 'ws');
  mkdirSync(workspace);
  const source = path.join(dir, name);
  writeFileSync(source, typeof content === 'string' ? content.replace(/__WS__/g, workspace) : content);
  return { dir, workspace, source };
}

describe('captureTranscript', () => {
  it('redacts, summarises and hashes what it stores', async () => {
    const { workspace, source } = setup('');
    writeFileSync(source, streamJson(claudeRecords(workspace)));
    const masked: string[] = [];
    const result = await captureTranscript(options(source, workspace, { onSecret: (v) => masked.push(v) }));

    const stored = readFileSync(result.transcriptFile);
    expect(stored.toString()).not.toContain(FAKE_GITHUB_TOKEN);
    expect(result.transcriptDigest).toBe(bytesDigest(stored));
    expect(result.sourceDigest).toBe(bytesDigest(readFileSync(source)));
    expect(result.sourceDigest).not.toBe(result.transcriptDigest);
    expect(result.redactions).toBe(1);
    expect(masked).toEqual([FAKE_GITHUB_TOKEN]);
    expect(result.verdict).toBe('warn');
    expect(result.format).toBe('claude-stream-json');
    expect(result.summary.model).toBe('claude-sonnet-4-5');
    expect(result.summary.sessionId).toBe(SESSION);
    expect(result.summary.toolCalls).toBe(2);
    expect(result.filesTouched).toEqual(['src/app.ts']);

    const summaryText = readFileSync(result.summaryFile, 'utf8');
    const captureText = readFileSync(result.captureFile, 'utf8');
    for (const text of [summaryText, captureText]) expect(text).not.toContain(FAKE_GITHUB_TOKEN);
    expect(JSON.stringify(result)).not.toContain(FAKE_GITHUB_TOKEN);
    const capture = JSON.parse(captureText);
    expect(capture.transcript.transcriptDigest).toBe(result.transcriptDigest);
    expect(capture.transcript.sourceDigest).toBe(result.sourceDigest);
    expect(capture.summaryDigest).toBe(bytesDigest(summaryText));
    expect(capture.pullRequest.number).toBe(7);
    expect(capture.run).toMatchObject({ id: '42', attempt: '1', job: 'agent' });
  });

  it('keeps a transcript without secrets byte for byte, and passes it', async () => {
    const { workspace, source } = setup('');
    const records = claudeRecords(workspace, 'none');
    writeFileSync(source, streamJson(records));
    const result = await captureTranscript(options(source, workspace));
    expect(readFileSync(result.transcriptFile).equals(readFileSync(source))).toBe(true);
    expect(result.transcriptDigest).toBe(result.sourceDigest);
    expect(result.verdict).toBe('pass');
  });

  it('fails a tool call outside allowed-tools, and a denied one', async () => {
    const { workspace, source } = setup('');
    writeFileSync(source, streamJson(claudeRecords(workspace, 'none')));
    const result = await captureTranscript(options(source, workspace, { allowedTools: ['Edit', 'Bash(npm run lint:*)'] }));
    expect(result.verdict).toBe('fail');
    expect(result.violations).toEqual([expect.objectContaining({ tool: 'Bash', argument: 'npm test', rule: 'not in allowed-tools' })]);
    const denied = await captureTranscript(options(source, workspace, { outputDir: path.join(tmp(), 'o'), deniedTools: ['Edit'] }));
    expect(denied.verdict).toBe('fail');
    expect(denied.violations[0]?.rule).toBe('denied by Edit');
  });

  it('with redact off, a secret fails the gate and the file is marked not uploadable', async () => {
    const { workspace, source } = setup('');
    writeFileSync(source, streamJson(claudeRecords(workspace)));
    const result = await captureTranscript(options(source, workspace, { redact: false }));
    expect(result.verdict).toBe('fail');
    expect(result.uploadable).toBe(false);
    // The summary is still built from redacted text.
    expect(readFileSync(result.summaryFile, 'utf8')).not.toContain(FAKE_GITHUB_TOKEN);
  });

  it('never passes a transcript cut off mid-record', async () => {
    const { workspace, source } = setup('');
    const text = streamJson(claudeRecords(workspace, 'none'));
    writeFileSync(source, text.slice(0, text.length - 40));
    const result = await captureTranscript(options(source, workspace));
    expect(result.verdict).not.toBe('pass');
    expect(result.reasons.join(' ')).toMatch(/unreadable line/);
  });

  it.each([
    ['an empty file', ''],
    ['a JSON object of no known format', '{"hello":"world"}\n'],
    ['plain prose', 'Dear reviewer,\nthis is not a transcript.\n'],
  ])('refuses %s with E_FORMAT naming the file', async (_label, content) => {
    const { workspace, source } = setup(content, 'agent-output.json');
    await expect(captureTranscript(options(source, workspace))).rejects.toThrowError(
      expect.objectContaining({ code: 'E_FORMAT', message: expect.stringContaining('agent-output.json') }),
    );
  });

  it('refuses a single-JSON transcript larger than the document limit', async () => {
    const { workspace, source } = setup('');
    writeFileSync(source, JSON.stringify(claudeRecords(workspace, 'none'), null, 2));
    await expect(captureTranscript(options(source, workspace, { maxDocumentBytes: 100 }))).rejects.toThrowError(
      expect.objectContaining({ code: 'E_TOO_LARGE' }),
    );
  });

  it('redacts a pretty-printed claude-code-action execution file and keeps it valid JSON', async () => {
    const { workspace, source } = setup('', 'claude-execution-output.json');
    writeFileSync(source, JSON.stringify(claudeRecords(workspace), null, 2));
    const result = await captureTranscript(options(source, workspace));
    expect(result.format).toBe('claude-code-action');
    const stored = readFileSync(result.transcriptFile, 'utf8');
    expect(stored).not.toContain(FAKE_GITHUB_TOKEN);
    expect(() => JSON.parse(stored)).not.toThrow();
    expect(result.redactions).toBe(1);
  });

  it('rejects an explicit format it does not know', async () => {
    const { workspace, source } = setup('');
    writeFileSync(source, streamJson(claudeRecords(workspace, 'none')));
    await expect(captureTranscript(options(source, workspace, { format: 'word-doc' as never }))).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('resolveTranscriptPath', () => {
  it('resolves a glob to its single match, and refuses none or several', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(path.join(dir, 'a', 'b', 'rollout-1.jsonl'), '{}');
    expect(resolveTranscriptPath('a/**/rollout-*.jsonl', dir)).toBe(path.join(dir, 'a', 'b', 'rollout-1.jsonl'));
    expect(() => resolveTranscriptPath('a/**/none-*.jsonl', dir)).toThrowError(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    writeFileSync(path.join(dir, 'a', 'rollout-2.jsonl'), '{}');
    expect(() => resolveTranscriptPath('a/**/rollout-*.jsonl', dir)).toThrow(/matches 2 files/);
    expect(() => resolveTranscriptPath('missing.json', dir)).toThrow(/no file at missing.json/);
  });
});

describe('captureTranscript keeps bytes it does not redact', () => {
  it('stores a BOM, CRLF endings and non-ASCII text exactly as they came', async () => {
    const { workspace, source } = setup('');
    const lines = claudeRecords(workspace, 'none').map((r) => JSON.stringify(r));
    lines[1] = lines[1]!.replace('Running tests.', 'Tests: ✓ naïve — 日本語 🙂');
    const original = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n') + '\r\n')]);
    writeFileSync(source, original);
    const result = await captureTranscript(options(source, workspace));
    expect(readFileSync(result.transcriptFile).equals(original)).toBe(true);
    expect(result.transcriptDigest).toBe(result.sourceDigest);
    expect(result.summary.badLines).toBe(0);
    // Lines are parsed as bytes; what the summary keeps is text again.
    expect(result.summary.conversation.map((c) => c.text).join('\n')).toContain('Tests: ✓ naïve — 日本語 🙂');
  });

  it('reports non-ASCII file paths and tool arguments as text', async () => {
    const { workspace, source } = setup('');
    const records = claudeRecords(workspace, 'none') as Array<Record<string, unknown>>;
    const edit = JSON.stringify(records[3]).replace('src/app.ts', 'src/café/日本.ts');
    writeFileSync(source, [JSON.stringify(records[0]), JSON.stringify(records[1]), edit].join('\n') + '\n');
    const result = await captureTranscript(options(source, workspace, { allowedTools: ['Bash'] }));
    expect(result.filesTouched).toEqual(['src/café/日本.ts']);
    expect(result.violations).toEqual([expect.objectContaining({ tool: 'Edit', argument: 'src/café/日本.ts' })]);
  });
});

describe('captureTranscript names', () => {
  it('stores a hidden file name (Aider’s .aider.chat.history.md) without its leading dot', async () => {
    const { workspace, source } = setup('# aider chat started at 2026-01-01 10:00:00\n\n#### fix the bug\n\nDone.\n', '.aider.chat.history.md');
    const result = await captureTranscript(options(source, workspace));
    expect(result.format).toBe('aider');
    expect(path.basename(result.transcriptFile)).toBe('aider.chat.history.md');
    const capture = JSON.parse(readFileSync(result.captureFile, 'utf8'));
    expect(capture.transcript).toMatchObject({ name: '.aider.chat.history.md', storedAs: 'transcript/aider.chat.history.md' });
  });
});
