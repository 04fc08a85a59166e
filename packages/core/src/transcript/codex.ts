import { contentText, patchPaths, primaryArgument, type TranscriptSummaryBuilder } from './summary-builder.js';
import { isObject, num, str, type JsonObject } from './json.js';
import type { FormatHandler } from './base-reader.js';
import type { TranscriptUsage } from './types.js';

export function openaiTokenUsage(usage: unknown): TranscriptUsage | undefined {
  if (!isObject(usage)) return undefined;
  const out: TranscriptUsage = {};
  const input = num(usage['input_tokens']);
  const output = num(usage['output_tokens']);
  const cached = num(usage['cached_input_tokens']);
  const reasoning = num(usage['reasoning_output_tokens']);
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  if (cached !== undefined) out.cacheReadTokens = cached;
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  return Object.keys(out).length > 0 ? out : undefined;
}

function parseArguments(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    // Sanitized or truncated arguments stay as the text they are.
    return raw;
  }
}

const SHELL_TOOLS = new Set(['exec_command', 'shell', 'local_shell', 'container.exec', 'shell_command']);

/** The argument each shell tool executes: unified exec runs `cmd`, the older shell tools `command`. */
function executedKey(name: string): 'cmd' | 'command' {
  return name === 'exec_command' ? 'cmd' : 'command';
}

function commandText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((part) => typeof part === 'string')) return value.join(' ');
  return undefined;
}

/**
 * A shell call is judged on the field the tool executes. A call that carries both fields with
 * different commands cannot be judged at all: the allow-list could vouch for the one that did not run.
 * A shell call that pipes an apply_patch heredoc edits files just like the apply_patch tool; older
 * Codex builds did exactly that, so the patch paths count as touched.
 */
function shellCall(b: TranscriptSummaryBuilder, name: string, args: unknown, index: number, id?: string): void {
  let argument = primaryArgument(name, args);
  let ambiguous: string | undefined;
  let text = typeof args === 'string' ? args : '';
  if (isObject(args)) {
    const key = executedKey(name);
    const other = key === 'cmd' ? 'command' : 'cmd';
    const executed = commandText(args[key]);
    const alternative = commandText(args[other]);
    if (executed !== undefined) argument = primaryArgument(name, executed);
    if (executed !== undefined && alternative !== undefined && executed.trim() !== alternative.trim()) {
      ambiguous = `carries two different commands (\`${key}\` and \`${other}\`)`;
    }
    text = executed ?? alternative ?? '';
  }
  const edited = text.includes('*** Begin Patch') ? patchPaths(text) : [];
  b.toolCall({ id, name, argument, filePaths: [], edited, recordIndex: index, ...(ambiguous ? { ambiguous } : {}) });
}

/**
 * `write_stdin` types `chars` into a session `exec_command` started. When that session is a shell,
 * the text is a command like any other, so it is judged as one (its argument is the text, and deny
 * rules of every shell tool apply). An empty write only polls the session's output: no command.
 */
function stdinCall(b: TranscriptSummaryBuilder, args: unknown, index: number, id?: string): void {
  const chars = isObject(args) ? args['chars'] : undefined;
  const typed = typeof chars === 'string' ? chars.replace(/[\r\n]+$/, '') : undefined;
  if (typed === undefined || typed.trim() === '') {
    b.toolCall({
      id,
      name: 'write_stdin',
      argument: typeof args === 'string' ? primaryArgument('write_stdin', args) : undefined,
      filePaths: [],
      recordIndex: index,
    });
    return;
  }
  b.toolCall({ id, name: 'write_stdin', argument: primaryArgument('write_stdin', typed), filePaths: [], recordIndex: index });
}

export function codexRolloutHandler(b: TranscriptSummaryBuilder): FormatHandler {
  // token_count is written after each model response, and sometimes again with the same totals
  // (a rate-limit update): a call is counted when the running total moves.
  let lastTotal: string | undefined;

  const responseItem = (p: JsonObject, index: number): void => {
    const id = str(p['call_id']);
    switch (p['type']) {
      case 'function_call': {
        const name = str(p['name']) ?? 'unknown';
        const args = parseArguments(p['arguments']);
        if (SHELL_TOOLS.has(name)) shellCall(b, name, args, index, id);
        else if (name === 'write_stdin') stdinCall(b, args, index, id);
        else b.toolUse(name, args, index, id);
        return;
      }
      case 'custom_tool_call':
        b.toolUse(str(p['name']) ?? 'unknown', p['input'], index, id);
        return;
      case 'local_shell_call': {
        const action = isObject(p['action']) ? p['action'] : {};
        shellCall(b, 'local_shell', { command: action['command'] }, index, id);
        return;
      }
      case 'web_search_call': {
        const action = isObject(p['action']) ? p['action'] : {};
        b.toolCall({ id, name: 'web_search', argument: primaryArgument('web_search', { query: action['query'] }), recordIndex: index });
        return;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const output = p['output'];
        b.say('tool', typeof output === 'string' ? output : contentText(output));
        return;
      }
      default:
        // Messages are read from event_msg (the response_item copies include injected AGENTS.md context).
        return;
    }
  };

  const eventMsg = (p: JsonObject): void => {
    switch (p['type']) {
      case 'user_message':
        b.say('user', str(p['message']) ?? '');
        return;
      case 'agent_message':
        b.say('assistant', str(p['message']) ?? '');
        return;
      case 'token_count': {
        const info = isObject(p['info']) ? p['info'] : undefined;
        if (!info) return;
        b.addModel(info['model']);
        // Cumulative: the last snapshot is the session total.
        const total = openaiTokenUsage(info['total_token_usage']);
        if (total) b.reportUsage(total);
        const key = JSON.stringify(info['total_token_usage'] ?? null);
        if (total && key !== lastTotal) b.modelCall();
        lastTotal = key;
        return;
      }
      default:
        return;
    }
  };

  return {
    record(value, index) {
      if (!isObject(value) || typeof value['type'] !== 'string') return false;
      const payload = isObject(value['payload']) ? value['payload'] : {};
      b.timestamp(value['timestamp']);
      switch (value['type']) {
        case 'session_meta':
          b.setFirst('sessionId', payload['id']);
          b.setFirst('cwd', payload['cwd']);
          b.setFirst('agentVersion', payload['cli_version']);
          return true;
        case 'turn_context':
          b.addModel(payload['model']);
          b.setFirst('cwd', payload['cwd']);
          return true;
        case 'response_item':
          responseItem(payload, index);
          return true;
        case 'event_msg':
          eventMsg(payload);
          return true;
        case 'compacted':
          return true;
        default:
          return false;
      }
    },
  };
}

/** Items started but not yet completed; bounded because a stream may never complete some of them. */
const MAX_OPEN_ITEMS = 1024;

export function codexExecHandler(b: TranscriptSummaryBuilder): FormatHandler {
  const open = new Map<string, { item: JsonObject; index: number }>();
  // A turn that started and never completed or failed: the stream was cut (a killed run).
  let openTurn = false;

  const emit = (item: JsonObject, index: number): void => {
    const id = str(item['id']);
    switch (item['type']) {
      case 'command_execution':
        shellCall(b, 'command_execution', { command: item['command'] }, index, id);
        return;
      case 'file_change': {
        const paths: string[] = [];
        if (Array.isArray(item['changes'])) {
          for (const change of item['changes']) {
            const path = isObject(change) ? str(change['path']) : undefined;
            if (path && !paths.includes(path)) paths.push(path);
          }
        }
        b.toolCall({ id, name: 'file_change', argument: primaryArgument('file_change', paths.join('\n')), edited: paths, recordIndex: index });
        return;
      }
      case 'mcp_tool_call': {
        const name = `mcp__${str(item['server']) ?? 'unknown'}__${str(item['tool']) ?? 'unknown'}`;
        b.toolUse(name, item['arguments'], index, id);
        return;
      }
      case 'collab_tool_call':
        b.toolCall({ id, name: str(item['tool']) ?? 'collab_tool_call', argument: primaryArgument('collab', { prompt: item['prompt'] }), recordIndex: index });
        return;
      case 'web_search':
        b.toolCall({ id, name: 'web_search', argument: primaryArgument('web_search', { query: item['query'] }), recordIndex: index });
        return;
      default:
        return;
    }
  };

  const isToolItem = (item: JsonObject): boolean =>
    ['command_execution', 'file_change', 'mcp_tool_call', 'collab_tool_call', 'web_search'].includes(String(item['type']));

  return {
    record(value, index) {
      if (!isObject(value) || typeof value['type'] !== 'string') return false;
      const item = isObject(value['item']) ? value['item'] : undefined;
      switch (value['type']) {
        case 'thread.started':
          b.setFirst('sessionId', value['thread_id']);
          return true;
        case 'turn.started':
          // exec does not echo the prompt; each turn answers one.
          b.countPrompt();
          openTurn = true;
          return true;
        case 'item.plan.delta':
        case 'request_user_input':
          return true;
        case 'turn.completed': {
          openTurn = false;
          const usage = openaiTokenUsage(value['usage']);
          if (usage) b.addUsage(usage);
          return true;
        }
        case 'turn.failed': {
          openTurn = false;
          const error = isObject(value['error']) ? str(value['error']['message']) : undefined;
          b.say('system', `turn failed: ${error ?? 'unknown error'}`);
          return true;
        }
        case 'error':
          b.say('system', str(value['message']) ?? 'error');
          return true;
        case 'item.started':
        case 'item.updated':
          if (item && isToolItem(item)) {
            const id = str(item['id']) ?? `#${index}`;
            const first = open.get(id);
            open.delete(id);
            open.set(id, { item, index: first?.index ?? index });
            if (open.size > MAX_OPEN_ITEMS) {
              const [oldId, oldest] = open.entries().next().value as [string, { item: JsonObject; index: number }];
              open.delete(oldId);
              emit(oldest.item, oldest.index);
            }
          }
          return true;
        case 'item.completed': {
          if (!item) return true;
          const id = str(item['id']);
          const started = id !== undefined ? open.get(id) : undefined;
          if (id !== undefined) open.delete(id);
          if (isToolItem(item)) emit(item, started?.index ?? index);
          else if (item['type'] === 'agent_message') b.say('assistant', str(item['text']) ?? '');
          else if (item['type'] === 'error') b.say('system', str(item['message']) ?? 'error');
          return true;
        }
        default:
          return false;
      }
    },
    finish() {
      // A call that started and never completed (killed run) still ran: the allow-list must see it.
      for (const { item, index } of open.values()) emit(item, index);
      open.clear();
      if (openTurn) b.truncated = 'a turn started and never completed: the run was cut before it ended';
    },
  };
}
