import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { conformanceDir, describeWithConformance } from '../../conformance-data.js';
import { fakeToken, captureOptions } from '../../fixtures/builders.js';
import { captureTranscript } from '@agent-gates/core/capture';
import { detectFormat, readTranscript } from '../../../packages/core/src/transcript/index.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const transcriptsDir = conformanceDir('transcripts');
const expectedDir = path.join(repoRoot, 'test/fixtures/transcripts/expected');

/** The real files of the formats read whole (or as Markdown) that capture must read end to end. */
const REAL_FILES = [
  'gemini-cli/agentcmd-session-2025-10-27T19-55-981c87cb.json',
  'cline/gmfstu-api_conversation_history.json',
  'cline/gmfstu-ui_messages.json',
  'openhands/openhands-basic_gui_mode.json',
  'swe-agent/swe-agent-gpt4-pydicom-1458.traj',
  'mini-swe-agent/mini-swe-agent-github_issue.traj.json',
  'cursor-specstory/minsky-starting-work-on-project-004.md',
];

interface Golden {
  detect: string;
  summary: Record<string, unknown>;
  capture: { filesTouched: string[]; outsideWorkspace?: string[] };
}

const options = captureOptions;

function place(name: string, content: string | Buffer): { source: string; workspace: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'new-formats-'));
  const workspace = path.join(dir, 'ws');
  mkdirSync(workspace);
  const source = path.join(dir, name);
  writeFileSync(source, content);
  return { source, workspace };
}

const COUNTED = ['format', 'agent', 'turns', 'toolCalls', 'tools', 'models', 'usage', 'sessionId', 'records', 'skippedRecords', 'badLines'];

describeWithConformance('new formats through the capture path (real files)', 'transcripts', () => {
  for (const rel of REAL_FILES) {
    it(rel, async () => {
      const golden = JSON.parse(readFileSync(path.join(expectedDir, `${rel}.json`), 'utf8')) as Golden;
      const bytes = readFileSync(path.join(transcriptsDir, rel));
      const { source, workspace } = place(path.basename(rel), bytes);
      const result = await captureTranscript(options(source, workspace));
      expect(result.format).toBe(golden.detect);
      const summary = result.summary as unknown as Record<string, unknown>;
      for (const key of COUNTED) {
        const want = golden.summary[key];
        if (want === null) expect(summary[key], key).toBeUndefined();
        else expect(summary[key], key).toEqual(want);
      }
      expect(result.filesTouched).toEqual(golden.capture.filesTouched);
      expect(result.summary.outsideWorkspace ?? [], 'written outside the workspace').toEqual(golden.capture.outsideWorkspace ?? []);
      expect(result.reasons.join(' ')).not.toMatch(/unreadable/);
      // No secret in these files: what is stored is the source, byte for byte.
      if (result.redactions === 0) expect(readFileSync(result.transcriptFile).equals(bytes)).toBe(true);
    });
  }
});

/** The real legacy session with its messages repeated (fresh ids) until it is far over the 64 KiB head. */
function largeGeminiSession(copies: number): { text: string; calls: number; prompts: number } {
  const doc = JSON.parse(readFileSync(path.join(transcriptsDir, 'gemini-cli/agentcmd-session-2025-10-27T19-55-981c87cb.json'), 'utf8')) as {
    messages: Array<Record<string, unknown>>;
  };
  const messages: Array<Record<string, unknown>> = [];
  for (let i = 0; i < copies; i += 1) for (const m of doc.messages) messages.push({ ...m, id: `${String(m['id'])}-${i}` });
  const calls = messages.reduce((n, m) => n + (Array.isArray(m['toolCalls']) ? m['toolCalls'].length : 0), 0);
  const prompts = messages.filter((m) => m['type'] === 'user').length;
  return { text: `${JSON.stringify({ ...doc, messages }, null, 2)}\n`, calls, prompts };
}

// Built at run time so no credential-shaped literal sits in the repository.
const FAKE_GITHUB_TOKEN = fakeToken('new-formats-test');

describeWithConformance('a secret in a whole-document transcript', 'transcripts', () => {
  it('is redacted in the stored Cline export, which stays the same JSON with the same calls', async () => {
    const rel = 'cline/gmfstu-api_conversation_history.json';
    const doc = JSON.parse(readFileSync(path.join(transcriptsDir, rel), 'utf8')) as Array<{ role: string; content: Array<{ type: string; text?: string }> }>;
    const result0 = doc[2]?.content[0];
    if (!result0?.text) throw new Error('sample changed: no tool result text in message 2');
    result0.text = `${result0.text}\nexport GITHUB_TOKEN=${FAKE_GITHUB_TOKEN} caf\u00e9 \u2019`;
    const { source, workspace } = place('api_conversation_history.json', JSON.stringify(doc));
    const result = await captureTranscript(options(source, workspace));
    expect(result.format).toBe('cline-api-history');
    expect(result.redactions).toBeGreaterThan(0);
    const stored = readFileSync(result.transcriptFile, 'utf8');
    expect(stored).not.toContain(FAKE_GITHUB_TOKEN);
    const reparsed = JSON.parse(stored) as typeof doc;
    expect(reparsed).toHaveLength(doc.length);
    expect(reparsed[2]?.content[0]?.text).toContain('caf\u00e9 \u2019');
    expect(result.summary.toolCalls).toBe(47);
    expect(result.verdict).toBe('warn');
  });
});

describe('a secret in a SpecStory export (Markdown, streamed)', () => {
  it('is redacted as text: the rest of the line, quotes and escapes included, is stored as it was', async () => {
    const line = `export GITHUB_TOKEN="${FAKE_GITHUB_TOKEN}" && echo "caf\\u00e9 \\"q\\"" — done`;
    const text = [
      '<!-- Generated by SpecStory -->',
      '',
      '# T (2025-01-01 10:00:00)',
      '',
      '_**User**_',
      '',
      'go',
      '',
      '---',
      '',
      '_**Assistant**_',
      '',
      '```bash',
      line,
      '```',
      '',
    ].join('\n');
    const { source, workspace } = place('2025-01-01_10-00-t.md', text);
    const result = await captureTranscript(options(source, workspace));
    expect(result.format).toBe('cursor-specstory');
    expect(result.summary.toolCalls).toBe(1);
    const stored = readFileSync(result.transcriptFile, 'utf8');
    expect(stored).not.toContain(FAKE_GITHUB_TOKEN);
    const storedLine = stored.split('\n')[13] ?? '';
    const [before, after] = line.split(FAKE_GITHUB_TOKEN);
    expect(storedLine.startsWith(before ?? '')).toBe(true);
    expect(storedLine.endsWith(after ?? '')).toBe(true);
    expect(stored.split('\n').filter((l, i) => i !== 13)).toEqual(text.split('\n').filter((l, i) => i !== 13));
  });
});

describeWithConformance('Gemini CLI legacy session over 64 KiB', 'transcripts', () => {
  it('is detected from its opening and read whole by capture, not line by line', async () => {
    const { text, calls, prompts } = largeGeminiSession(6);
    expect(Buffer.byteLength(text)).toBeGreaterThan(256 * 1024);
    expect(detectFormat(text.slice(0, 64 * 1024), 'session-2025-10-27T19-55-981c87cb.json')).toBe('gemini-session-json');
    const { source, workspace } = place('session-2025-10-27T19-55-981c87cb.json', text);
    const result = await captureTranscript(options(source, workspace));
    expect(result.format).toBe('gemini-session-json');
    expect(result.summary.badLines).toBe(0);
    expect(result.summary.toolCalls).toBe(calls);
    expect(result.summary.turns).toBe(prompts);
    expect(result.summary.sessionId).toBe('981c87cb-90ef-4c7f-948d-23173ff43e4e');
    expect(result.reasons.join(' ')).not.toMatch(/unreadable/);
    expect(readFileSync(result.transcriptFile, 'utf8')).toBe(text);
  });

  it('is read whole when the user names it gemini-session, as the JSONL file is named', async () => {
    const { text, calls } = largeGeminiSession(2);
    const { source, workspace } = place('session.json', text);
    const result = await captureTranscript(options(source, workspace, { format: 'gemini-session' }));
    expect(result.format).toBe('gemini-session-json');
    expect(result.summary.toolCalls).toBe(calls);
    expect(result.summary.badLines).toBe(0);
    expect(readTranscript(text, 'gemini-session').toolCalls).toBe(calls);
  });

  it('is bounded by the policy max-bytes like every transcript', async () => {
    const { text } = largeGeminiSession(2);
    const { source, workspace } = place('session.json', text);
    await expect(captureTranscript(options(source, workspace, { maxBytes: 64 * 1024 }))).rejects.toThrow(/E_TOO_LARGE|max-bytes/);
  });
});
