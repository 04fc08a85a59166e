/**
 * A private key whose BEGIN line, base64 body and END line sit in separate string values of one
 * record: no rule sees a key block in any one value, and a raw-text match across values is dropped
 * (it would blank the structure between them). The body must still never be stored in the clear.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureTranscript } from '@agent-gates/core/capture';
import { captureOptions } from '../../fixtures/builders.js';
import { ALNUM, pick, rng } from '../secrets/helpers.js';

const r = rng(1421);
const HEADER = '-----BEGIN RSA PRIVATE KEY-----';
const FOOTER = '-----END RSA PRIVATE KEY-----';
/** 64-character base64 lines and a short last one, as OpenSSL writes them. */
const bodyLines = (): string[] => [...Array.from({ length: 6 }, () => pick(r, ALNUM + '+/', 64)), pick(r, ALNUM, 12) + '=='];

const SESSION = '5b0c2a44-7d1e-4f7a-9c1e-2f3a4b5c6d7e';
const base = (workspace: string, uuid: string) => ({ sessionId: SESSION, uuid, cwd: workspace, version: '2.1.38', timestamp: '2025-06-01T10:00:00.000Z' });
const askForKey = (workspace: string) => ({ ...base(workspace, 'u1'), type: 'user', message: { role: 'user', content: 'why does the deploy key not work?' } });
const toolUse = (workspace: string, input: object, name = 'Bash') => ({
  ...base(workspace, 'a1'),
  type: 'assistant',
  message: {
    id: 'msg_1',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [{ type: 'tool_use', id: 'toolu_1', name, input }],
  },
});
const toolResult = (workspace: string, content: unknown) => ({
  ...base(workspace, 'u2'),
  type: 'user',
  message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content }] },
});

async function captured(records: object[], spell: (line: string) => string = (line) => line) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'capture-split-key-'));
  const workspace = path.join(dir, 'ws');
  mkdirSync(workspace);
  const source = path.join(dir, 'session.jsonl');
  const lines = records.map((rec) => spell(JSON.stringify(rec).replaceAll('__WS__', workspace)));
  writeFileSync(source, lines.join('\n') + '\n');
  const result = await captureTranscript(captureOptions(source, workspace));
  const stored = readFileSync(result.transcriptFile, 'utf8').split('\n').slice(0, -1);
  return { result, lines, stored, summary: readFileSync(result.summaryFile, 'utf8') };
}

/** No line of the key body (the short last one included) is anywhere in what was stored. */
function expectNoBody(texts: string[], body: string[]): void {
  for (const text of texts) for (const line of body) expect(text).not.toContain(line);
}

describe('a private key split over several values of one record', () => {
  it('is redacted from a tool result whose content array holds the BEGIN line, the body and the END line as three text items', async () => {
    const body = bodyLines();
    const records = [
      askForKey('__WS__'),
      toolUse('__WS__', { command: 'cat deploy/id_rsa', description: 'Show the deploy key' }),
      toolResult('__WS__', [
        { type: 'text', text: HEADER },
        { type: 'text', text: body.join('\n') },
        { type: 'text', text: FOOTER },
      ]),
    ];
    const { result, lines, stored, summary } = await captured(records);
    expectNoBody([...stored, summary, JSON.stringify(result)], body);
    // Only the body value changed: the header, the footer and every other member are kept.
    expect(stored.slice(0, 2)).toEqual(lines.slice(0, 2));
    expect(JSON.parse(stored[2]!).message.content[0].content).toEqual([
      { type: 'text', text: HEADER },
      { type: 'text', text: '[REDACTED:private-key-block]' },
      { type: 'text', text: FOOTER },
    ]);
    expect(result.redactions).toBe(1);
    expect(result.findings.map((f) => [f.ruleId, f.line])).toEqual([['private-key-block', 3]]);
    expect(result.summary.toolCalls).toBe(1);
  });

  it('is redacted when each body line is its own text item, the short last one included', async () => {
    const body = bodyLines();
    const items = [HEADER, ...body, FOOTER].map((text) => ({ type: 'text', text }));
    const { result, stored } = await captured([askForKey('__WS__'), toolUse('__WS__', { command: 'cat deploy/id_rsa' }), toolResult('__WS__', items)]);
    expectNoBody(stored, body);
    const texts = JSON.parse(stored[2]!).message.content[0].content.map((item: { type: string; text: string }) => [item.type, item.text]);
    expect(texts).toEqual([['text', HEADER], ...body.map(() => ['text', '[REDACTED:private-key-block]']), ['text', FOOTER]]);
    expect(result.redactions).toBe(body.length);
  });

  it('is redacted when the parts are three fields of one tool call', async () => {
    const body = bodyLines();
    const input = { path: 'secret/deploy', header: HEADER, key: body.join('\n'), footer: FOOTER };
    const { stored } = await captured([askForKey('__WS__'), toolUse('__WS__', input, 'mcp__vault__write')]);
    expectNoBody(stored, body);
    expect(JSON.parse(stored[1]!).message.content[0]).toEqual({
      type: 'tool_use',
      id: 'toolu_1',
      name: 'mcp__vault__write',
      input: { ...input, key: '[REDACTED:private-key-block]' },
    });
  });

  it('is redacted when all three parts are in one string, as before', async () => {
    const body = bodyLines();
    const { result, stored } = await captured([
      askForKey('__WS__'),
      toolUse('__WS__', { command: 'cat deploy/id_rsa' }),
      toolResult('__WS__', [HEADER, ...body, FOOTER].join('\n') + '\n'),
    ]);
    expectNoBody(stored, body);
    expect(JSON.parse(stored[2]!).message.content[0].content).toMatch(/^\[REDACTED:private-key(?:-block)?\]\n$/);
    expect(result.redactions).toBe(1);
  });

  it('leaves a header beside ordinary values as it was: words, tool names and short values are not a body', async () => {
    const records = [
      askForKey('__WS__'),
      toolUse('__WS__', { command: 'grep -rn "BEGIN" docs/', description: 'Find where keys are documented' }),
      toolResult('__WS__', [
        { type: 'text', text: `docs/keys.md:3: ${HEADER}` },
        { type: 'text', text: 'docs/keys.md:4: Paste the key here' },
        { type: 'text', text: 'Bash' },
        { type: 'text', text: FOOTER },
      ]),
    ];
    const { result, lines, stored } = await captured(records);
    expect(stored).toEqual(lines);
    expect(result.redactions).toBe(0);
  });
});

/** A 4096-bit RSA key as OpenSSL writes it: 48 lines of 64 base64 characters and a shorter last one. */
const bigBodyLines = (): string[] => [...Array.from({ length: 48 }, () => pick(r, ALNUM + '+/', 64)), pick(r, ALNUM + '+/', 44) + '=='];
const MARK = '[REDACTED:private-key-block]';
/** Every line of a stored value is a marker, the header or the footer. */
function expectOnlyMarkers(texts: string[]): void {
  for (const text of texts) for (const l of text.split('\n')) expect([HEADER, FOOTER, '', expect.stringMatching(/^\[REDACTED:[a-z-]+\]$/)]).toContainEqual(l);
}

describe('a split private key in the shapes a bounded search missed', () => {
  it('has all 49 body lines of a 4096-bit key redacted when each is its own text item', async () => {
    const body = bigBodyLines();
    expect(body).toHaveLength(49);
    const items = [HEADER, ...body, FOOTER].map((text) => ({ type: 'text', text }));
    const { result, stored } = await captured([askForKey('__WS__'), toolUse('__WS__', { command: 'cat deploy/id_rsa' }), toolResult('__WS__', items)]);
    expectNoBody(stored, body);
    const texts = JSON.parse(stored[2]!).message.content[0].content.map((item: { type: string; text: string }) => [item.type, item.text]);
    expect(texts).toEqual([['text', HEADER], ...body.map(() => ['text', MARK]), ['text', FOOTER]]);
    expect(result.redactions).toBe(body.length);
  });

  it('has all 49 body lines redacted when each is an item of one array of a tool call', async () => {
    const body = bigBodyLines();
    const input = { path: 'secret/deploy', lines: [HEADER, ...body, FOOTER] };
    const { stored } = await captured([askForKey('__WS__'), toolUse('__WS__', input, 'mcp__vault__write')]);
    expectNoBody(stored, body);
    const kept = JSON.parse(stored[1]!).message.content[0];
    expect(kept.name).toBe('mcp__vault__write');
    expect(kept.input.path).toBe('secret/deploy');
    expect(kept.input.lines[0]).toBe(HEADER);
    expect(kept.input.lines.at(-1)).toBe(FOOTER);
    expectOnlyMarkers(kept.input.lines.slice(1, -1));
  });

  it('is redacted when the header and the first half of the body are one text item, the rest and the footer the next', async () => {
    const body = bigBodyLines().slice(0, 20);
    const items = [
      { type: 'text', text: [HEADER, ...body.slice(0, 10)].join('\n') },
      { type: 'text', text: [...body.slice(10), FOOTER, ''].join('\n') },
    ];
    const { stored } = await captured([askForKey('__WS__'), toolUse('__WS__', { command: 'cat deploy/id_rsa' }), toolResult('__WS__', items)]);
    expectNoBody(stored, body);
    const kept = JSON.parse(stored[2]!).message.content[0].content as { type: string; text: string }[];
    expect(kept.map((i) => i.type)).toEqual(['text', 'text']);
    expectOnlyMarkers(kept.map((i) => i.text));
    expect(kept[1]!.text).toBe(`${MARK}\n${FOOTER}\n`);
  });

  it('is redacted when the header of a split key is spelled with a JSON escape', async () => {
    const body = bodyLines();
    const items = [HEADER, body.join('\n'), FOOTER].map((text) => ({ type: 'text', text }));
    const spell = (line: string) => line.replace('RSA PRIVATE KEY-----"', 'RSA PRIVATE\\u0020KEY-----"');
    const { stored, lines } = await captured([askForKey('__WS__'), toolUse('__WS__', { command: 'cat deploy/id_rsa' }), toolResult('__WS__', items)], spell);
    expect(lines[2]).toContain('PRIVATE\\u0020KEY');
    expectNoBody(stored, body);
    expect(stored[2]).toContain('PRIVATE\\u0020KEY'); // the header stays as it was written
    expect(JSON.parse(stored[2]!).message.content[0].content).toEqual([
      { type: 'text', text: HEADER },
      { type: 'text', text: MARK },
      { type: 'text', text: FOOTER },
    ]);
  });
});

describe('a split private key in JSON text that is itself a string value of the record', () => {
  const at = '2026-01-02T03:04:09.000Z';
  /** A Codex CLI rollout: session_meta, the user's message, a function_call whose arguments are JSON text, its output. */
  const rollout = (lines: string[]) => [
    {
      timestamp: at,
      type: 'session_meta',
      payload: { id: '11111111-1111-4111-8111-111111111111', timestamp: at, cwd: '__WS__', originator: 'codex_cli_rs', cli_version: '0.104.0' },
    },
    {
      timestamp: at,
      type: 'response_item',
      payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'store the deploy key in deploy/key.json' }] },
    },
    {
      timestamp: at,
      type: 'response_item',
      payload: { type: 'function_call', name: 'apply_patch', arguments: JSON.stringify({ path: 'deploy/key.json', lines }), call_id: 'call_key_1' },
    },
    {
      timestamp: at,
      type: 'response_item',
      payload: { type: 'function_call_output', call_id: 'call_key_1', output: 'Success. Updated the following files:\nA deploy/key.json\n' },
    },
  ];

  it('has every body line of a Codex function_call argument redacted, the header, footer and record kept', async () => {
    const body = bigBodyLines();
    const { result, lines, stored, summary } = await captured(rollout([HEADER, ...body, FOOTER]));
    expectNoBody([...stored, summary, JSON.stringify(result)], body);
    expect(stored).toHaveLength(lines.length);
    for (const i of [0, 1, 3]) expect(stored[i]).toBe(lines[i]);
    const expected = JSON.stringify(rollout([HEADER, ...body.map(() => MARK), FOOTER])[2]);
    // A generic rule may take the first body line under its own name: one marker for all.
    expect(stored[2]!.replace(/\[REDACTED:[a-z-]+\]/g, MARK)).toBe(expected);
    expect(JSON.parse(JSON.parse(stored[2]!).payload.arguments).path).toBe('deploy/key.json');
    expect(result.summary.toolCalls).toBe(1);
  });

  it('has the body redacted from a Claude Code tool_use whose input holds a JSON file as text', async () => {
    const body = bodyLines();
    const content = JSON.stringify({ name: 'deploy', key: [HEADER, ...body, FOOTER] }, null, 2);
    const { result, stored } = await captured([askForKey('__WS__'), toolUse('__WS__', { file_path: '__WS__/deploy/key.json', content }, 'Write')]);
    expectNoBody(stored, body);
    const kept = JSON.parse(JSON.parse(stored[1]!).message.content[0].input.content) as { name: string; key: string[] };
    expect(kept.name).toBe('deploy');
    expect(kept.key[0]).toBe(HEADER);
    expect(kept.key.at(-1)).toBe(FOOTER);
    expectOnlyMarkers(kept.key.slice(1, -1));
    expect(kept.key).toHaveLength(body.length + 2);
    expect(result.summary.toolCalls).toBe(1);
  });
});
