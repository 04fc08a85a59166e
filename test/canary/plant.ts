import type { TranscriptFormat } from '../../packages/core/src/transcript/index.js';

/** Where in a transcript a planted secret sits; leak messages name it. */
export type Position = 'tool-input' | 'tool-output' | 'assistant-text' | 'user-prompt' | 'streamed-text';

export interface PlantSecret {
  id: string;
  value: string;
  context?: string;
  undetectable?: string;
}

/**
 * A cut inside an undetectable value can leave a neighbour on the same line whole but without the key
 * that makes it a secret (`!!binary` and the base64 after it): such values are not streamed.
 */
const streams = (s: Secret): boolean => s.s.undetectable === undefined;

export interface PlantedTranscript {
  format: TranscriptFormat;
  fileName: string;
  text: string;
  /** Every position this format can hold; each secret is planted in each (streamed: detectable ones only). */
  positions: Position[];
  /** What the plant put at a 1-based line of `text`, or at a JSON path of a single-document format. */
  describe(line: number, jsonPath?: string): string | undefined;
  /** Index (in the input) of the secret a streamed record was cut from. */
  splitOf(line: number): number | undefined;
}

/** The file (and later the stored copy) holds the planted secret in one of these records. */
interface Labelled {
  position: Position;
  detail: string;
  split?: number;
}
const label = (l: Labelled | undefined): string | undefined => (l ? `${l.position} (${l.detail})` : undefined);

const SESSION = '5a1e0c4b-9d3f-4e2a-8b71-c0ffee000001';
const CWD = '/home/runner/work/widgets/widgets';
const START = Date.parse('2026-03-02T09:15:00.000Z');

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** What every format is built from: the same words around each secret, so formats compare. */
class Secret {
  readonly ctx: string;
  readonly file: string;
  constructor(
    readonly s: PlantSecret,
    readonly k: number,
  ) {
    this.ctx = s.context ?? s.value;
    this.file = `config/canary-${k}.env`;
  }
  /** A shell command that writes the secret: the value sits inside a tool input. */
  get writeCommand(): string {
    return `cat > ${this.file} <<'EOF'\n${this.ctx}\nEOF`;
  }
  get readCommand(): string {
    return `cat ${this.file}`;
  }
  get absFile(): string {
    return `${CWD}/${this.file}`;
  }
  get output(): string {
    return `${this.ctx}\n`;
  }
  get reply(): string {
    return `${this.file} holds a live credential:\n${this.ctx}\nIt has to be rotated and read from the secret store instead.`;
  }
  get prompt(): string {
    return `Use this for the deploy step:\n${this.ctx}`;
  }
  /** The reply cut inside the secret value itself, so neither half holds the whole value. */
  get replyHalves(): [string, string] {
    const at = Math.max(0, this.ctx.indexOf(this.s.value));
    const cut = at + Math.max(1, Math.floor(this.s.value.length / 2));
    return [`Found in ${this.file}: ${this.ctx.slice(0, cut)}`, `${this.ctx.slice(cut)}\nRotating it now.`];
  }
}

interface Built {
  text: string;
  describe: (line: number) => string | undefined;
  splitOf: (line: number) => number | undefined;
}

/** Records written one per line; each remembers what it holds. */
class Records {
  readonly items: Array<{ value: unknown; label?: Labelled }> = [];
  private clock = START;
  add(value: unknown, position?: Position, detail = '', split?: number): void {
    this.items.push({ value, ...(position ? { label: { position, detail, ...(split !== undefined ? { split } : {}) } } : {}) });
  }
  /** ISO timestamps, one second apart, so records read like a real session. */
  now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }
  jsonl(): Built {
    return {
      text: this.items.map((r) => JSON.stringify(r.value)).join('\n') + '\n',
      describe: (line) => label(this.items[line - 1]?.label),
      splitOf: (line) => this.items[line - 1]?.label?.split,
    };
  }
  /** `JSON.stringify(array, null, 2)`, with each element's line range remembered. */
  prettyArray(): Built {
    const ranges: Array<{ from: number; to: number; label?: Labelled }> = [];
    let line = 2;
    for (const r of this.items) {
      const n = JSON.stringify(r.value, null, 2).split('\n').length;
      ranges.push({ from: line, to: line + n - 1, ...(r.label ? { label: r.label } : {}) });
      line += n;
    }
    const text =
      JSON.stringify(
        this.items.map((r) => r.value),
        null,
        2,
      ) + '\n';
    return { text, describe: (l) => label(ranges.find((r) => l >= r.from && l <= r.to)?.label), splitOf: () => undefined };
  }
  /**
   * The first record is a header object; the others become its `key` array, pretty-printed with two
   * spaces as Gemini CLI's legacy session file and SWE-agent's `.traj` are. Each element's lines are
   * remembered, as in prettyArray.
   */
  prettyObject(key: string): Built {
    const [head, ...rest] = this.items;
    const doc = { ...(head?.value as object), [key]: rest.map((r) => r.value) };
    const text = JSON.stringify(doc, null, 2) + '\n';
    const lines = text.split('\n');
    let line = lines.findIndex((l) => l === `  ${JSON.stringify(key)}: [`) + 2;
    const ranges: Array<{ from: number; to: number; label?: Labelled }> = [];
    for (const r of rest) {
      const n = JSON.stringify(r.value, null, 2).split('\n').length;
      ranges.push({ from: line, to: line + n - 1, ...(r.label ? { label: r.label } : {}) });
      line += n;
    }
    return { text, describe: (l) => label(ranges.find((r) => l >= r.from && l <= r.to)?.label), splitOf: () => undefined };
  }
}

// ---------------------------------------------------------------------------------------------
// Claude: the SDK messages of stream-json, the action's array of them, and session files.

const MODEL_CLAUDE = 'claude-opus-4-1-20250805';

function claudeMessages(secrets: Secret[], stream: boolean): Records {
  const r = new Records();
  let n = 0;
  const base = () => ({ session_id: SESSION, uuid: uuid(++n) });
  const assistant = (content: unknown[]) => ({
    type: 'assistant',
    message: {
      id: `msg_${String(n).padStart(24, '0')}`,
      type: 'message',
      role: 'assistant',
      model: MODEL_CLAUDE,
      content,
      stop_reason: null,
      usage: { input_tokens: 4, output_tokens: 60 },
    },
    parent_tool_use_id: null,
    ...base(),
  });
  const result = (id: string, content: string) => ({
    type: 'user',
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content, is_error: false }] },
    parent_tool_use_id: null,
    ...base(),
  });
  // type and subtype first: the action's file is recognised by its opening even past the 64 KiB head.
  r.add({
    type: 'system',
    subtype: 'init',
    cwd: CWD,
    model: MODEL_CLAUDE,
    permissionMode: 'acceptEdits',
    tools: ['Bash', 'Write', 'Edit', 'Read'],
    claude_code_version: '2.1.38',
    ...base(),
  });
  for (const s of secrets) {
    const t = `toolu_${s.k}`;
    r.add(
      assistant([{ type: 'tool_use', id: `${t}_w`, name: 'Bash', input: { command: s.writeCommand, description: 'Write config' } }]),
      'tool-input',
      'Bash command',
    );
    r.add(result(`${t}_w`, ''));
    r.add(assistant([{ type: 'tool_use', id: `${t}_f`, name: 'Write', input: { file_path: s.absFile, content: s.output } }]), 'tool-input', 'Write content');
    r.add(result(`${t}_f`, `File created successfully at: ${s.absFile}`));
    r.add(assistant([{ type: 'tool_use', id: `${t}_r`, name: 'Bash', input: { command: s.readCommand, description: 'Show config' } }]));
    r.add(result(`${t}_r`, s.output), 'tool-output', 'tool_result content');
    r.add(assistant([{ type: 'text', text: s.reply }]), 'assistant-text', 'text block');
    if (stream && streams(s)) {
      const [a, b] = s.replyHalves;
      const ev = (event: object) => ({ type: 'stream_event', event, parent_tool_use_id: null, ...base() });
      r.add(
        ev({
          type: 'message_start',
          message: { id: `msg_s${s.k}`, type: 'message', role: 'assistant', model: MODEL_CLAUDE, content: [], usage: { input_tokens: 4, output_tokens: 1 } },
        }),
      );
      r.add(ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
      r.add(ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: a } }), 'streamed-text', 'text_delta, first half', s.k);
      r.add(ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: b } }), 'streamed-text', 'text_delta, second half', s.k);
      r.add(ev({ type: 'content_block_stop', index: 0 }));
      r.add(ev({ type: 'message_stop' }));
    }
  }
  r.add({
    type: 'result',
    subtype: 'success',
    is_error: false,
    duration_ms: 91_000,
    num_turns: secrets.length * 4,
    result: 'Done.',
    total_cost_usd: 1.25,
    ...base(),
  });
  return r;
}

function claudeSession(secrets: Secret[]): Records {
  const r = new Records();
  let n = 0;
  let parent: string | null = null;
  const envelope = (type: string) => {
    const id = uuid(++n);
    const e = {
      parentUuid: parent,
      isSidechain: false,
      userType: 'external',
      cwd: CWD,
      sessionId: SESSION,
      version: '2.1.38',
      gitBranch: 'agent/change',
      type,
      uuid: id,
      timestamp: r.now(),
    };
    parent = id;
    return e;
  };
  const assistant = (content: unknown[]) => ({
    ...envelope('assistant'),
    requestId: `req_${String(n).padStart(24, '0')}`,
    message: {
      id: `msg_${String(n).padStart(24, '0')}`,
      type: 'message',
      role: 'assistant',
      model: MODEL_CLAUDE,
      content,
      stop_reason: 'tool_use',
      usage: { input_tokens: 4, output_tokens: 60 },
    },
  });
  const result = (id: string, content: string, toolUseResult: object) => ({
    ...envelope('user'),
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content }] },
    toolUseResult,
  });
  r.add({ ...envelope('user'), message: { role: 'user', content: 'Move the credentials out of the config files.' } });
  for (const s of secrets) {
    const t = `toolu_${s.k}`;
    r.add(
      assistant([{ type: 'tool_use', id: `${t}_w`, name: 'Bash', input: { command: s.writeCommand, description: 'Write config' } }]),
      'tool-input',
      'Bash command',
    );
    r.add(result(`${t}_w`, '', { stdout: '', stderr: '', interrupted: false, isImage: false }));
    r.add(assistant([{ type: 'tool_use', id: `${t}_r`, name: 'Bash', input: { command: s.readCommand } }]));
    r.add(
      result(`${t}_r`, s.output, { stdout: s.output, stderr: '', interrupted: false, isImage: false }),
      'tool-output',
      'tool_result + toolUseResult.stdout',
    );
    const edit = { file_path: s.absFile, old_string: 'DEBUG=true', new_string: 'DEBUG=false' };
    r.add(assistant([{ type: 'tool_use', id: `${t}_e`, name: 'Edit', input: edit }]));
    r.add(
      result(`${t}_e`, `The file ${s.absFile} has been updated.`, {
        filePath: s.absFile,
        oldString: edit.old_string,
        newString: edit.new_string,
        originalFile: `DEBUG=true\n${s.output}`,
        structuredPatch: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, lines: ['-DEBUG=true', '+DEBUG=false'] }],
        userModified: false,
        replaceAll: false,
      }),
      'tool-output',
      'toolUseResult.originalFile',
    );
    r.add(assistant([{ type: 'text', text: s.reply }]), 'assistant-text', 'text block');
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Codex: rollout files and `codex exec --json`.

function codexRollout(secrets: Secret[]): Records {
  const r = new Records();
  const line = (type: string, payload: object) => ({ timestamp: r.now(), type, payload });
  r.add(
    line('session_meta', {
      id: SESSION,
      timestamp: r.now(),
      cwd: CWD,
      originator: 'codex_cli_rs',
      cli_version: '0.104.0',
      source: 'cli',
      model_provider: 'openai',
    }),
  );
  r.add(
    line('turn_context', {
      turn_id: 't1',
      cwd: CWD,
      approval_policy: 'on-request',
      sandbox_policy: { type: 'workspace-write' },
      model: 'gpt-5-codex',
      effort: 'medium',
      summary: 'auto',
    }),
  );
  r.add(line('event_msg', { type: 'user_message', message: 'Move the credentials out of the config files.', images: [] }));
  for (const s of secrets) {
    const c = `call_${s.k}`;
    // arguments is a JSON string inside JSON: the secret is escaped twice.
    r.add(
      line('response_item', {
        type: 'function_call',
        name: 'shell',
        arguments: JSON.stringify({ command: ['bash', '-lc', s.writeCommand], workdir: CWD }),
        call_id: `${c}_w`,
      }),
      'tool-input',
      'function_call arguments',
    );
    r.add(
      line('response_item', {
        type: 'function_call_output',
        call_id: `${c}_w`,
        output: JSON.stringify({ output: '', metadata: { exit_code: 0, duration_seconds: 0.1 } }),
      }),
    );
    const patch = `*** Begin Patch\n*** Add File: ${s.file}.bak\n${s.ctx
      .split('\n')
      .map((l) => `+${l}`)
      .join('\n')}\n*** End Patch`;
    r.add(
      line('response_item', { type: 'custom_tool_call', status: 'completed', call_id: `${c}_p`, name: 'apply_patch', input: patch }),
      'tool-input',
      'apply_patch input',
    );
    r.add(
      line('response_item', {
        type: 'custom_tool_call_output',
        call_id: `${c}_p`,
        output: JSON.stringify({ output: `Success. Updated the following files:\nA ${s.file}.bak\n`, metadata: { exit_code: 0 } }),
      }),
    );
    r.add(
      line('response_item', {
        type: 'function_call',
        name: 'shell',
        arguments: JSON.stringify({ command: ['bash', '-lc', s.readCommand], workdir: CWD }),
        call_id: `${c}_r`,
      }),
    );
    r.add(
      line('response_item', {
        type: 'function_call_output',
        call_id: `${c}_r`,
        output: JSON.stringify({ output: s.output, metadata: { exit_code: 0, duration_seconds: 0.1 } }),
      }),
      'tool-output',
      'function_call_output',
    );
    r.add(
      line('response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: s.reply }] }),
      'assistant-text',
      'response_item message',
    );
    r.add(line('event_msg', { type: 'agent_message', message: s.reply }), 'assistant-text', 'event_msg agent_message');
  }
  r.add(
    line('event_msg', {
      type: 'token_count',
      info: {
        total_token_usage: { input_tokens: 9000, cached_input_tokens: 0, output_tokens: 3000, reasoning_output_tokens: 0, total_tokens: 12000 },
        model_context_window: 272000,
      },
    }),
  );
  return r;
}

function codexExec(secrets: Secret[]): Records {
  const r = new Records();
  let item = 0;
  r.add({ type: 'thread.started', thread_id: SESSION });
  r.add({ type: 'turn.started' });
  for (const s of secrets) {
    const w = `item_${item++}`;
    const command = (cmd: string) => `bash -lc ${JSON.stringify(cmd)}`;
    r.add(
      {
        type: 'item.started',
        item: { id: w, type: 'command_execution', command: command(s.writeCommand), aggregated_output: '', exit_code: null, status: 'in_progress' },
      },
      'tool-input',
      'command_execution command (started)',
    );
    r.add(
      {
        type: 'item.completed',
        item: { id: w, type: 'command_execution', command: command(s.writeCommand), aggregated_output: '', exit_code: 0, status: 'completed' },
      },
      'tool-input',
      'command_execution command',
    );
    const c = `item_${item++}`;
    r.add(
      {
        type: 'item.completed',
        item: { id: c, type: 'command_execution', command: command(s.readCommand), aggregated_output: s.output, exit_code: 0, status: 'completed' },
      },
      'tool-output',
      'command_execution aggregated_output',
    );
    r.add({ type: 'item.completed', item: { id: `item_${item++}`, type: 'agent_message', text: s.reply } }, 'assistant-text', 'agent_message');
  }
  r.add({ type: 'turn.completed', usage: { input_tokens: 9000, cached_input_tokens: 0, output_tokens: 3000 } });
  return r;
}

// ---------------------------------------------------------------------------------------------
// Gemini CLI: stream-json and session files.

function geminiStream(secrets: Secret[]): Records {
  const r = new Records();
  r.add({ type: 'init', timestamp: r.now(), session_id: SESSION, model: 'gemini-2.5-pro' });
  r.add({ type: 'message', timestamp: r.now(), role: 'user', content: 'Move the credentials out of the config files.' });
  for (const s of secrets) {
    const t = `tool_${s.k}`;
    r.add(
      { type: 'tool_use', timestamp: r.now(), tool_name: 'run_shell_command', tool_id: `${t}_w`, parameters: { command: s.writeCommand } },
      'tool-input',
      'run_shell_command parameters',
    );
    r.add({ type: 'tool_result', timestamp: r.now(), tool_id: `${t}_w`, status: 'success', output: '' });
    r.add(
      { type: 'tool_use', timestamp: r.now(), tool_name: 'write_file', tool_id: `${t}_f`, parameters: { file_path: s.absFile, content: s.output } },
      'tool-input',
      'write_file content',
    );
    r.add({
      type: 'tool_result',
      timestamp: r.now(),
      tool_id: `${t}_f`,
      status: 'success',
      output: `Successfully created and wrote to new file: ${s.absFile}.`,
    });
    r.add({ type: 'tool_use', timestamp: r.now(), tool_name: 'run_shell_command', tool_id: `${t}_r`, parameters: { command: s.readCommand } });
    r.add({ type: 'tool_result', timestamp: r.now(), tool_id: `${t}_r`, status: 'success', output: s.output }, 'tool-output', 'tool_result output');
    r.add({ type: 'message', timestamp: r.now(), role: 'assistant', content: s.reply }, 'assistant-text', 'message');
    if (!streams(s)) continue;
    const [a, b] = s.replyHalves;
    r.add({ type: 'message', timestamp: r.now(), role: 'assistant', content: a, delta: true }, 'streamed-text', 'delta message, first half', s.k);
    r.add({ type: 'message', timestamp: r.now(), role: 'assistant', content: b, delta: true }, 'streamed-text', 'delta message, second half', s.k);
  }
  r.add({
    type: 'result',
    timestamp: r.now(),
    status: 'success',
    stats: { total_tokens: 12000, input_tokens: 9000, output_tokens: 3000, duration_ms: 91000, tool_calls: secrets.length * 3 },
  });
  return r;
}

function geminiSession(secrets: Secret[]): Records {
  const r = new Records();
  let n = 0;
  const gemini = (content: string, toolCalls: object[]) => ({
    id: uuid(++n),
    timestamp: r.now(),
    type: 'gemini',
    content: content ? [{ text: content }] : [],
    model: 'gemini-2.5-pro',
    tokens: { input: 900, output: 120, cached: 0, thoughts: 0, tool: 0, total: 1020 },
    toolCalls,
  });
  const call = (s: Secret, suffix: string, name: string, args: object, output: string) => ({
    id: `${name}-${s.k}-${suffix}`,
    name,
    args,
    result: [{ functionResponse: { id: `${name}-${s.k}-${suffix}`, name, response: { output } } }],
    status: 'success',
    timestamp: r.now(),
    displayName: name === 'write_file' ? 'WriteFile' : 'Shell',
    description: '',
    resultDisplay: output,
  });
  r.add({ sessionId: SESSION, projectHash: 'f'.repeat(64), startTime: r.now(), lastUpdated: r.now(), kind: 'main' });
  r.add({ id: uuid(++n), timestamp: r.now(), type: 'user', content: [{ text: 'Move the credentials out of the config files.' }] });
  for (const s of secrets) {
    r.add(gemini('', [call(s, 'w', 'run_shell_command', { command: s.writeCommand }, '')]), 'tool-input', 'toolCalls[].args.command');
    r.add(
      gemini('', [call(s, 'f', 'write_file', { file_path: s.absFile, content: s.output }, `Successfully created ${s.absFile}.`)]),
      'tool-input',
      'write_file args.content',
    );
    r.add(gemini('', [call(s, 'r', 'run_shell_command', { command: s.readCommand }, s.output)]), 'tool-output', 'toolCalls[].result + resultDisplay');
    r.add(gemini(s.reply, []), 'assistant-text', 'content text');
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// GitHub Copilot CLI events.jsonl (shape of test/fixtures/transcripts/made-here/copilot-cli-events.jsonl).

function copilot(secrets: Secret[]): Records {
  const r = new Records();
  let n = 0;
  let parent: string | null = null;
  const ev = (type: string, data: object) => {
    const id = uuid(++n);
    const e = { type, data, id, timestamp: r.now(), parentId: parent };
    parent = id;
    return e;
  };
  r.add(
    ev('session.start', {
      sessionId: SESSION,
      version: 1,
      producer: 'copilot-agent',
      copilotVersion: '0.0.339',
      startTime: r.now(),
      selectedModel: 'claude-sonnet-4.5',
      context: { cwd: CWD },
    }),
  );
  r.add(ev('user.message', { content: 'Move the credentials out of the config files.' }));
  secrets.forEach((s, turn) => {
    const t = `toolu_${s.k}`;
    r.add(ev('assistant.turn_start', { turnId: String(turn) }));
    const bash = { command: s.writeCommand, description: 'Write config' };
    r.add(
      ev('assistant.message', { content: '', toolRequests: [{ toolCallId: `${t}_w`, name: 'bash', arguments: bash }] }),
      'tool-input',
      'assistant.message toolRequests arguments',
    );
    r.add(ev('tool.execution_start', { toolCallId: `${t}_w`, toolName: 'bash', arguments: bash }), 'tool-input', 'bash arguments');
    r.add(ev('tool.execution_complete', { toolCallId: `${t}_w`, success: true, result: { content: '' } }));
    r.add(
      ev('tool.execution_start', { toolCallId: `${t}_f`, toolName: 'create', arguments: { path: s.absFile, file_text: s.output } }),
      'tool-input',
      'create file_text',
    );
    r.add(ev('tool.execution_complete', { toolCallId: `${t}_f`, success: true, result: { content: `Created file ${s.absFile}` } }));
    r.add(ev('tool.execution_start', { toolCallId: `${t}_r`, toolName: 'bash', arguments: { command: s.readCommand } }));
    r.add(
      ev('tool.execution_complete', { toolCallId: `${t}_r`, success: true, result: { content: s.output } }),
      'tool-output',
      'tool.execution_complete result',
    );
    r.add(ev('assistant.message', { content: s.reply }), 'assistant-text', 'assistant.message content');
    r.add(ev('assistant.turn_end', { turnId: String(turn) }));
  });
  return r;
}

// ---------------------------------------------------------------------------------------------
// Aider .aider.chat.history.md: prompts, block-quoted tool output, replies, edit blocks.

function aider(secrets: Secret[]): Built {
  const lines: Array<{ text: string; label?: Labelled }> = [];
  const add = (text: string, position?: Position, detail = '') => lines.push({ text, ...(position ? { label: { position, detail } } : {}) });
  add('');
  add('# aider chat started at 2026-03-02 09:15:00');
  add('');
  add('> /usr/local/bin/aider --model gpt-4o  ');
  add('> Aider v0.86.1  ');
  add('> Main model: gpt-4o with diff edit format  ');
  add('> Git repo: .git with 12 files  ');
  add('');
  for (const s of secrets) {
    for (const l of s.prompt.split('\n')) add(`#### ${l}`, 'user-prompt', '#### prompt');
    add('');
    for (const l of s.reply.split('\n')) add(l, 'assistant-text', 'reply');
    add('');
    add(s.file);
    add('```');
    add('<<<<<<< SEARCH');
    add('=======');
    // A multi-line PEM stays a run of plain lines here, as the model wrote it.
    for (const l of s.ctx.split('\n')) add(l, 'tool-input', 'SEARCH/REPLACE edit block');
    add('>>>>>>> REPLACE');
    add('```');
    add('');
    add(`> Applied edit to ${s.file}  `);
    add(`> Running ${s.readCommand}  `);
    for (const l of s.ctx.split('\n')) add(`> ${l}  `, 'tool-output', '> output line');
    add('> Tokens: 1.2k sent, 210 received. Cost: $0.01 message, $0.02 session.  ');
    add('');
  }
  return { text: lines.map((l) => l.text).join('\n') + '\n', describe: (line) => label(lines[line - 1]?.label), splitOf: () => undefined };
}

// ---------------------------------------------------------------------------------------------
// SWE-agent `.traj` (one pretty object: trajectory steps, history, info), Cline's
// api_conversation_history.json (Anthropic message params) and Cursor chats exported by SpecStory.

function sweAgent(secrets: Secret[]): Records {
  const r = new Records();
  r.add({ environment: 'swe_main' });
  const state = JSON.stringify({ open_file: 'n/a', working_dir: CWD });
  const step = (action: string, observation: string, thought: string) => ({
    action,
    observation,
    response: `${thought}\n\n\`\`\`\n${action}\n\`\`\``,
    thought,
    state,
    execution_time: 0.2,
  });
  for (const s of secrets) {
    r.add(step(s.writeCommand, '', 'Write the config file.'), 'tool-input', 'trajectory[].action');
    r.add(step(s.readCommand, s.output, 'Check what the file holds.'), 'tool-output', 'trajectory[].observation');
    r.add(step('ls config', 'canary.env', s.reply), 'assistant-text', 'trajectory[].thought');
  }
  return r;
}

function sweAgentDocument(secrets: Secret[]): Built {
  const built = sweAgent(secrets).prettyObject('trajectory');
  // history and info follow the steps, as SWE-agent writes them; they hold no planted secret.
  const doc = JSON.parse(built.text) as Record<string, unknown>;
  const tail = {
    history: [{ role: 'system', content: 'SETTING: You are an autonomous programmer.', agent: 'main', message_type: 'system_prompt' }],
    info: { exit_status: 'submitted', model_stats: { instance_cost: 0.4, tokens_sent: 9000, tokens_received: 800, api_calls: 3 } },
    replay_config: JSON.stringify({ agent: { model: { name: 'gpt-4o-2024-08-06' } } }),
  };
  const text = JSON.stringify({ ...doc, ...tail }, null, 2) + '\n';
  // The steps keep their lines: the new members are appended after them.
  return { ...built, text };
}

function clineHistory(secrets: Secret[]): Records {
  const r = new Records();
  r.add({
    role: 'user',
    content: [
      { type: 'text', text: '<task>\nMove the credentials out of the config files.\n</task>' },
      { type: 'text', text: `<environment_details>\n# Current Working Directory (${CWD}) Files\nconfig/\n</environment_details>` },
    ],
  });
  for (const s of secrets) {
    r.add(
      {
        role: 'assistant',
        content: [
          { type: 'text', text: `<execute_command>\n<command>${s.writeCommand}</command>\n<requires_approval>false</requires_approval>\n</execute_command>` },
        ],
      },
      'tool-input',
      'execute_command XML in the reply',
    );
    r.add(
      { role: 'user', content: [{ type: 'text', text: `[execute_command for '${s.readCommand}'] Result:\nCommand executed.\nOutput:\n${s.output}` }] },
      'tool-output',
      'tool result text',
    );
    r.add({ role: 'assistant', content: [{ type: 'text', text: `<thinking>\n${s.reply}\n</thinking>` }] }, 'assistant-text', 'reply text');
  }
  return r;
}

function specstory(secrets: Secret[]): Built {
  const lines: Array<{ text: string; label?: Labelled }> = [];
  const add = (text: string, position?: Position, detail = '') => lines.push({ text, ...(position ? { label: { position, detail } } : {}) });
  add('<!-- Generated by SpecStory -->');
  add('');
  add('# Move the credentials out of the config files (2026-03-02 09:15:00Z)');
  add('');
  for (const s of secrets) {
    add('_**User**_');
    add('');
    for (const l of s.prompt.split('\n')) add(l, 'user-prompt', 'user text');
    add('');
    add('---');
    add('');
    add('_**Assistant**_');
    add('');
    add('```bash');
    for (const l of s.writeCommand.split('\n')) add(l, 'tool-input', 'terminal command block');
    add('```');
    add('');
    add('```');
    for (const l of s.output.replace(/\n$/, '').split('\n')) add(l, 'tool-output', 'command output block');
    add('```');
    add('');
    add('---');
    add('');
    for (const l of s.reply.split('\n')) add(l, 'assistant-text', 'assistant text');
    add('');
    add('---');
    add('');
  }
  return { text: lines.map((l) => l.text).join('\n') + '\n', describe: (line) => label(lines[line - 1]?.label), splitOf: () => undefined };
}

// ---------------------------------------------------------------------------------------------
// Single API documents, compact as the API returns them.

function pathLabels(rules: Array<[RegExp, Position, string]>): (line: number, jsonPath?: string) => string | undefined {
  return (_line, jsonPath) => {
    if (!jsonPath) return undefined;
    const rule = rules.find(([re]) => re.test(jsonPath));
    return rule ? label({ position: rule[1], detail: rule[2] }) : undefined;
  };
}

/**
 * A response holds the session's calls in one document, and detection reads only the first 64 KiB:
 * each position gets one item holding every secret, so the document stays a size a detector sees whole.
 */
const all = (secrets: Secret[], pick: (s: Secret) => string) => secrets.map(pick).join('\n');
const allWrites = (secrets: Secret[]) => `cat > config/canary.env <<'EOF'\n${all(secrets, (s) => s.ctx)}\nEOF`;
const allReplies = (secrets: Secret[]) => `These files hold live credentials; rotate them:\n${all(secrets, (s) => s.ctx)}`;

function openaiChat(secrets: Secret[]): object {
  return {
    id: 'chatcmpl-CANARY0001',
    object: 'chat.completion',
    created: START / 1000,
    model: 'gpt-4o-2024-08-06',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: allReplies(secrets),
          refusal: null,
          tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'shell', arguments: JSON.stringify({ command: allWrites(secrets) }) } }],
        },
        finish_reason: 'tool_calls',
      },
    ],
    usage: { prompt_tokens: 9000, completion_tokens: 3000, total_tokens: 12000 },
  };
}

function openaiResponses(secrets: Secret[]): object {
  return {
    id: 'resp_canary0001',
    object: 'response',
    created_at: START / 1000,
    status: 'completed',
    model: 'gpt-5-2025-08-07',
    output: [
      { type: 'function_call', id: 'fc_0', call_id: 'call_0', name: 'shell', arguments: JSON.stringify({ command: allWrites(secrets) }), status: 'completed' },
      {
        type: 'mcp_call',
        id: 'mcp_0',
        server_label: 'fs',
        name: 'read_file',
        arguments: '{"path":"config/canary.env"}',
        output: all(secrets, (s) => s.ctx),
        error: null,
      },
      { type: 'message', id: 'msg_0', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: allReplies(secrets), annotations: [] }] },
    ],
    usage: { input_tokens: 9000, output_tokens: 3000, total_tokens: 12000 },
  };
}

function anthropicMessage(secrets: Secret[]): object {
  return {
    id: 'msg_01CanaryCanaryCanary0001',
    type: 'message',
    role: 'assistant',
    model: MODEL_CLAUDE,
    content: [
      { type: 'text', text: allReplies(secrets) },
      { type: 'server_tool_use', id: 'srvtoolu_0', name: 'bash_code_execution', input: { command: 'cat config/*.env' } },
      {
        type: 'bash_code_execution_tool_result',
        tool_use_id: 'srvtoolu_0',
        content: { type: 'bash_code_execution_result', stdout: all(secrets, (s) => s.ctx), stderr: '', return_code: 0 },
      },
      { type: 'tool_use', id: 'toolu_0', name: 'bash', input: { command: allWrites(secrets) } },
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 9000, output_tokens: 3000 },
  };
}

// ---------------------------------------------------------------------------------------------

/** Formats the canary covers, with the file name each agent really writes. */
export const CANARY_FORMATS = [
  'claude-code-action',
  'claude-stream-json',
  'claude-session',
  'codex-rollout',
  'codex-exec-json',
  'gemini-stream-json',
  'gemini-session',
  'copilot-cli',
  'aider',
  'openai-chat',
  'openai-responses',
  'anthropic-messages',
  'gemini-session-json',
  'swe-agent-traj',
  'cline-api-history',
  'cursor-specstory',
] as const satisfies readonly TranscriptFormat[];
export type CanaryFormat = (typeof CANARY_FORMATS)[number];

const compact = (doc: object) => JSON.stringify(doc) + '\n';

/** One transcript of `format` holding every secret in every position the format has. */
export function plant(format: CanaryFormat, input: readonly PlantSecret[]): PlantedTranscript {
  const secrets = input.map((s, k) => new Secret(s, k));
  const common = ['tool-input', 'tool-output', 'assistant-text'] as Position[];
  const from = (fileName: string, built: Built, positions = common): PlantedTranscript => ({ format, fileName, positions, ...built });
  switch (format) {
    case 'claude-code-action':
      return from('claude-execution-output.json', claudeMessages(secrets, false).prettyArray());
    case 'claude-stream-json':
      return from('claude-stream.jsonl', claudeMessages(secrets, true).jsonl(), [...common, 'streamed-text']);
    case 'claude-session':
      return from(`${SESSION}.jsonl`, claudeSession(secrets).jsonl());
    case 'codex-rollout':
      return from(`rollout-2026-03-02T09-15-00-${SESSION}.jsonl`, codexRollout(secrets).jsonl());
    case 'codex-exec-json':
      return from('codex-exec.jsonl', codexExec(secrets).jsonl());
    case 'gemini-stream-json':
      return from('gemini-stream.jsonl', geminiStream(secrets).jsonl(), [...common, 'streamed-text']);
    case 'gemini-session':
      return from('session-2026-03-02T09-15-5a1e0c4b.jsonl', geminiSession(secrets).jsonl());
    case 'copilot-cli':
      return from('events.jsonl', copilot(secrets).jsonl());
    case 'gemini-session-json':
      // The legacy session file: the JSONL records' metadata line as the object, the rest as messages[].
      return from('session-2026-03-02T09-15-5a1e0c4b.json', geminiSession(secrets).prettyObject('messages'));
    case 'swe-agent-traj':
      return from('canary.traj', sweAgentDocument(secrets));
    case 'cline-api-history':
      return from('api_conversation_history.json', clineHistory(secrets).prettyArray());
    case 'cursor-specstory':
      return from('2026-03-02_09-15Z-move-the-credentials.md', specstory(secrets), [...common, 'user-prompt']);
    case 'aider':
      // Aider's real name: hidden, so the artifact stores it as transcript/aider.chat.history.md.
      return from('.aider.chat.history.md', aider(secrets), [...common, 'user-prompt']);
    case 'openai-chat':
      // A completion carries no tool results: tool output has no place in this format.
      return {
        format,
        fileName: 'openai-chat-completion.json',
        text: compact(openaiChat(secrets)),
        positions: ['tool-input', 'assistant-text'],
        splitOf: () => undefined,
        describe: pathLabels([
          [/^\$\.choices\[\d+\]\.message\.tool_calls\[\d+\]\.function\.arguments$/, 'tool-input', 'tool_calls function.arguments'],
          [/^\$\.choices\[\d+\]\.message\.content$/, 'assistant-text', 'message content'],
        ]),
      };
    case 'openai-responses':
      return {
        format,
        fileName: 'openai-response.json',
        text: compact(openaiResponses(secrets)),
        positions: common,
        splitOf: () => undefined,
        describe: pathLabels([
          [/^\$\.output\[\d+\]\.arguments$/, 'tool-input', 'function_call arguments'],
          [/^\$\.output\[\d+\]\.output$/, 'tool-output', 'mcp_call output'],
          [/^\$\.output\[\d+\]\.content\[\d+\]\.text$/, 'assistant-text', 'output_text'],
        ]),
      };
    case 'anthropic-messages':
      return {
        format,
        fileName: 'anthropic-message.json',
        text: compact(anthropicMessage(secrets)),
        positions: common,
        splitOf: () => undefined,
        describe: pathLabels([
          [/^\$\.content\[\d+\]\.input\.command$/, 'tool-input', 'tool_use input'],
          [/^\$\.content\[\d+\]\.content\.stdout$/, 'tool-output', 'bash_code_execution_tool_result stdout'],
          [/^\$\.content\[\d+\]\.text$/, 'assistant-text', 'text block'],
        ]),
      };
  }
}

/**
 * The text a reader of a streamed transcript sees once the deltas are joined. A secret split over two
 * records must not survive there either, even though no single record holds it.
 */
export function streamedText(format: TranscriptFormat, stored: string): string {
  if (format !== 'claude-stream-json' && format !== 'gemini-stream-json') return '';
  let out = '';
  for (const raw of stored.split('\n')) {
    let r: unknown;
    try {
      r = JSON.parse(raw);
    } catch {
      continue;
    }
    if (typeof r !== 'object' || r === null) continue;
    const o = r as { type?: unknown; event?: { type?: string; delta?: { type?: string; text?: unknown } }; delta?: unknown; content?: unknown };
    if (format === 'claude-stream-json' && o.type === 'stream_event') {
      const e = o.event;
      if (e?.type === 'content_block_delta' && e.delta?.type === 'text_delta' && typeof e.delta.text === 'string') out += e.delta.text;
      else if (e?.type === 'message_stop') out += '\n';
    } else if (format === 'gemini-stream-json' && o.type === 'message' && o.delta === true && typeof o.content === 'string') {
      out += o.content;
    } else if (format === 'gemini-stream-json') {
      out += '\n';
    }
  }
  return out;
}
