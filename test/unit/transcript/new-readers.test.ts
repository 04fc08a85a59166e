import { describe, expect, it } from 'vitest';
import { detectFormat, readTranscript, type ToolCall } from '../../../packages/core/src/transcript/index.js';

const big = 'x'.repeat(100_000);

describe('detection of the whole-document formats from a cut head', () => {
  it.each([
    ['cline-ui-messages', [{ ts: 1, type: 'say', say: 'text', text: big }]],
    ['cline-api-history', [{ role: 'user', content: [{ type: 'text', text: `<task>\n${big}` }] }]],
    ['openhands-trajectory', [{ id: 0, timestamp: 't', source: 'user', message: '', action: 'message', args: { content: big } }]],
    ['swe-agent-traj', { environment: 'swe_main', trajectory: [{ action: 'ls\n', observation: big }], history: [], info: {} }],
    [
      'mini-swe-agent-traj',
      [
        { role: 'system', content: 'You are a helpful assistant that can interact with a computer.' },
        { role: 'user', content: 'Please solve this issue' },
        { role: 'assistant', content: '```mswea_bash_command\nls\n```' },
        { role: 'user', content: `<returncode>0</returncode>\n<output>\n${big}</output>` },
      ],
    ],
  ])('%s', (format, doc) => {
    for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 2)]) {
      expect(text.length).toBeGreaterThan(64 * 1024);
      expect(detectFormat(text.slice(0, 64 * 1024))).toBe(format);
    }
  });

  it('does not take a plain chat array or an unrelated document for an agent transcript', () => {
    expect(
      detectFormat(
        JSON.stringify([
          { role: 'system', content: 'be nice' },
          { role: 'user', content: 'hi' },
        ]),
      ),
    ).toBeUndefined();
    expect(detectFormat(JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'hello' }] }]))).toBeUndefined();
    expect(detectFormat(JSON.stringify([{ id: 1, source: 'elsewhere', action: 'run' }]))).toBeUndefined();
    expect(detectFormat(JSON.stringify({ trajectory: 'none' }))).toBeUndefined();
    expect(detectFormat('# Notes\n\n_**User**_\n\nhello\n')).toBeUndefined();
  });

  it('tells the Gemini JSONL session from the legacy document', () => {
    const meta = { sessionId: 's', projectHash: 'h', startTime: 't' };
    expect(detectFormat(`${JSON.stringify(meta)}\n${JSON.stringify({ id: 'a', type: 'user', content: 'hi' })}\n`)).toBe('gemini-session');
    const legacy = JSON.stringify({ ...meta, lastUpdated: 't', messages: [{ id: 'a', type: 'user', content: big }] }, null, 2);
    expect(detectFormat(legacy.slice(0, 64 * 1024))).toBe('gemini-session-json');
  });
});

describe('readers', () => {
  it('Cline API history: prompts in tags are turns, tool results are not; paths from absolutePath', () => {
    const doc = [
      {
        role: 'user',
        content: [
          { type: 'text', text: '<task>\nfix it\n</task>' },
          { type: 'text', text: '<environment_details>\n# Current Working Directory (/w/app) Files\n</environment_details>' },
        ],
      },
      {
        role: 'assistant',
        modelInfo: { modelId: 'claude-x' },
        content: [{ type: 'tool_use', id: 't1', name: 'write_to_file', input: { absolutePath: '/w/app/a.ts', content: '' } }],
      },
      { role: 'user', content: [{ type: 'text', text: "[write_to_file for '/w/app/a.ts'] Result:\nok" }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't2', name: 'execute_command', input: { command: 'curl x | sh' } }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: "[execute_command for 'curl x | sh'] Result:\nThe user provided the following feedback:\n<feedback>\nno\n</feedback>" },
        ],
      },
    ];
    const calls: ToolCall[] = [];
    const s = readTranscript(JSON.stringify(doc), undefined, { onToolCall: (c) => calls.push(c) });
    expect(s.format).toBe('cline-api-history');
    expect(s.turns).toBe(2);
    expect(s.cwd).toBe('/w/app');
    expect(s.models).toEqual(['claude-x']);
    expect(s.filesTouched).toEqual(['/w/app/a.ts']);
    expect(calls.map((c) => [c.name, c.argument])).toEqual([
      ['write_to_file', '/w/app/a.ts'],
      ['execute_command', 'curl x | sh'],
    ]);
  });

  it('Cline API history from before native tool calls: XML calls in the reply text are calls', () => {
    const doc = [
      { role: 'user', content: [{ type: 'text', text: '<task>\nset up\n</task>' }] },
      {
        role: 'assistant',
        content: [
          {
            type: 'text',
            text: 'I will run it.\n\n<execute_command>\n<command>curl -s x | sh</command>\n<requires_approval>false</requires_approval>\n</execute_command>',
          },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: "[execute_command for 'curl -s x | sh'] Result:\ndone" }] },
      { role: 'assistant', content: [{ type: 'text', text: '<write_to_file>\n<path>src/a.ts</path>\n<content>\nexport {};\n</content>\n</write_to_file>' }] },
    ];
    const calls: ToolCall[] = [];
    const s = readTranscript(JSON.stringify(doc), undefined, { onToolCall: (c) => calls.push(c) });
    expect(calls.map((c) => [c.name, c.argument])).toEqual([
      ['execute_command', 'curl -s x | sh'],
      ['write_to_file', 'src/a.ts'],
    ]);
    expect(s.filesTouched).toEqual(['src/a.ts']);
  });

  it('Cline UI log: partial entries are not counted twice; commands are execute_command', () => {
    const doc = [
      { ts: 1, type: 'say', say: 'text', text: 'do it' },
      { ts: 2, type: 'say', say: 'tool', text: JSON.stringify({ tool: 'newFileCreated', path: 'a.ts' }), partial: true },
      { ts: 2, type: 'say', say: 'tool', text: JSON.stringify({ tool: 'newFileCreated', path: 'a.ts' }), partial: false },
      { ts: 3, type: 'ask', ask: 'command', text: 'npm test' },
      { ts: 4, type: 'say', say: 'user_feedback', text: 'again' },
      {
        ts: 5,
        type: 'say',
        say: 'api_req_started',
        text: JSON.stringify({ request: 'x', tokensIn: 3, tokensOut: 4, cacheReads: 5, cacheWrites: 6, cost: 0.5 }),
      },
    ];
    const s = readTranscript(JSON.stringify(doc));
    expect(s.format).toBe('cline-ui-messages');
    expect(s.tools).toEqual({ newFileCreated: 1, execute_command: 1 });
    expect(s.filesTouched).toEqual(['a.ts']);
    expect(s.turns).toBe(2);
    expect(s.usage).toEqual({ inputTokens: 3, outputTokens: 4, cacheReadTokens: 5, cacheCreationTokens: 6, costUsd: 0.5 });
  });

  it('OpenHands: an edit that only views reads; usage is counted once per model response', () => {
    const response = { id: 'r1', model: 'm1', usage: { prompt_tokens: 10, completion_tokens: 2 } };
    const doc = [
      { id: 0, timestamp: 't0', source: 'user', message: '', action: 'message', args: { content: 'go' } },
      {
        id: 1,
        timestamp: 't1',
        source: 'agent',
        message: '',
        action: 'edit',
        args: { path: '/workspace/a.py', command: 'view' },
        tool_call_metadata: { tool_call_id: 'c1', model_response: response },
      },
      {
        id: 2,
        timestamp: 't2',
        source: 'agent',
        message: '',
        cause: 1,
        observation: 'edit',
        content: '',
        extras: {},
        tool_call_metadata: { tool_call_id: 'c1', model_response: response },
      },
      { id: 3, timestamp: 't3', source: 'agent', message: '', action: 'write', args: { path: '/workspace/b.py', content: '' } },
      { id: 4, timestamp: 't4', source: 'agent', message: '', action: 'browse', args: { url: 'https://example.com' } },
    ];
    const s = readTranscript(JSON.stringify(doc));
    expect(s.format).toBe('openhands-trajectory');
    expect(s.tools).toEqual({ edit: 1, write: 1, browse: 1 });
    expect(s.filesTouched).toEqual(['/workspace/b.py']);
    expect(s.usage).toEqual({ inputTokens: 10, outputTokens: 2 });
    expect(s.models).toEqual(['m1']);
  });

  it('mini-swe-agent object form: model, cost and the submitted diff', () => {
    const doc = {
      info: {
        exit_status: 'Submitted',
        submission: 'diff --git a/src/x.py b/src/x.py\n',
        model_stats: { instance_cost: 0.25, api_calls: 2 },
        mini_version: '1.9.0',
        config: { model: { model_name: 'gpt-5-mini' } },
      },
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Fix the bug' },
        { role: 'assistant', content: 'THOUGHT: look\n\n```bash\nls -la\n```' },
        { role: 'user', content: '<returncode>0</returncode>\n<output>\n</output>' },
        { role: 'assistant', content: '```bash\necho COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git diff\n```' },
      ],
      trajectory_format: 'mini-swe-agent-1',
    };
    const calls: ToolCall[] = [];
    const s = readTranscript(JSON.stringify(doc, null, 2), undefined, { onToolCall: (c) => calls.push(c) });
    expect(s.format).toBe('mini-swe-agent-traj');
    expect(s.models).toEqual(['gpt-5-mini']);
    expect(s.usage).toEqual({ costUsd: 0.25 });
    expect(s.turns).toBe(1);
    expect(s.filesTouched).toEqual(['src/x.py']);
    expect(calls.map((c) => c.argument)).toEqual(['ls -la', 'echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git diff']);
  });

  it('mini-swe-agent 2.x with a tool-calling model: bash tool calls are judged; detected past the head', () => {
    const doc = {
      info: {
        model_stats: { instance_cost: 0.1, api_calls: 1 },
        config: { model: { model_name: 'claude-sonnet-4-5' }, agent: { system_template: 'x'.repeat(10_000) } },
        mini_version: '2.0.0',
        exit_status: 'Submitted',
        submission: '',
      },
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Fix it' },
        {
          role: 'assistant',
          content: 'THOUGHT: run',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'bash', arguments: JSON.stringify({ command: 'curl x | sh' }) } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: big },
      ],
      trajectory_format: 'mini-swe-agent-1.1',
    };
    const text = JSON.stringify(doc, null, 2);
    expect(detectFormat(text.slice(0, 64 * 1024))).toBe('mini-swe-agent-traj');
    const calls: ToolCall[] = [];
    const s = readTranscript(text, undefined, { onToolCall: (c) => calls.push(c) });
    expect(calls.map((c) => [c.name, c.argument])).toEqual([['bash', 'curl x | sh']]);
    expect(s.models).toEqual(['claude-sonnet-4-5']);
  });

  it('SpecStory: a bash block inside prose is an example, one opening a segment is a command', () => {
    const text = [
      '<!-- Generated by SpecStory -->',
      '',
      '# Title (2025-01-01 10:00:00)',
      '',
      '_**User**_',
      '',
      'run the tests',
      '',
      '---',
      '',
      '_**Agent (model claude-4-sonnet, mode Agent)**_',
      '',
      'You could run:',
      '```bash',
      'rm -rf /',
      '```',
      '',
      '---',
      '',
      '```bash',
      'npm test',
      '```',
      '',
      '<tool-use data-tool-type="write" data-tool-name="edit_file">',
      '<details><summary>Tool use: **edit_file** • Edit file: src/a.ts</summary>',
      '</details>',
      '</tool-use>',
      '',
    ].join('\n');
    const calls: ToolCall[] = [];
    const s = readTranscript(text, undefined, { onToolCall: (c) => calls.push(c) });
    expect(s.format).toBe('cursor-specstory');
    expect(s.turns).toBe(1);
    expect(s.models).toEqual(['claude-4-sonnet']);
    expect(calls.map((c) => [c.name, c.argument])).toEqual([
      ['run_terminal_cmd', 'npm test'],
      ['edit_file', undefined],
    ]);
  });
});
