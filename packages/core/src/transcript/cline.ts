import type { FormatHandler } from './base-reader.js';
import { isObject, num, str, type JsonObject } from './json.js';
import { contentText, primaryArgument, type TranscriptSummaryBuilder } from './summary-builder.js';
import type { TranscriptUsage } from './types.js';

/**
 * Cline (and Roo Code, which forked it and keeps the same two files) export a task as
 * `api_conversation_history.json` (the Anthropic message params sent to the model) and
 * `ui_messages.json` (the log the extension shows). Each is read on its own; the action captures one file.
 */

/** Tools that write the path they name, in both files' spellings (API tool names and UI log kinds). */
const EDIT_TOOLS = new Set([
  'write_to_file',
  'replace_in_file',
  'apply_diff',
  'insert_content',
  'search_and_replace',
  'new_rule',
  'newFileCreated',
  'editedExistingFile',
  'appliedDiff',
  'insertContent',
  'searchAndReplace',
  'fileDeleted',
]);

/** Text a person typed reaches the model wrapped in one of these tags (task, reply to a question, feedback, resumed task). */
const PROMPT_TAGS =
  /^(?:<task>|<feedback>|<answer>|<user_message>)|The user provided the following feedback:\s*<feedback>|^\[TASK RESUMPTION\][\s\S]*<user_message>/;
const WORKING_DIRECTORY = /# Current Working Directory \(([^)\n]+)\)/;

/**
 * Before native tool calling, Cline and Roo Code had the model write each call as XML in its reply
 * (`<execute_command><command>…</command></execute_command>`), and exports from those versions hold no
 * `tool_use` block at all. Those calls are read from the text, so an older export is judged too.
 */
const XML_TOOLS = [
  'execute_command',
  'read_file',
  'write_to_file',
  'replace_in_file',
  'search_files',
  'list_files',
  'list_code_definition_names',
  'browser_action',
  'use_mcp_tool',
  'access_mcp_resource',
  'ask_followup_question',
  'attempt_completion',
  'plan_mode_respond',
  'new_task',
  'load_mcp_documentation',
  'web_fetch',
  'apply_diff',
  'insert_content',
  'search_and_replace',
  'switch_mode',
  'fetch_instructions',
  'codebase_search',
  'update_todo_list',
  'new_rule',
  'apply_patch',
];
const XML_CALL = new RegExp(`<(${XML_TOOLS.join('|')})>([\\s\\S]*?)</\\1>`, 'g');
const XML_PARAM = /<([a-z_]+)>([\s\S]*?)<\/\1>/g;

export function xmlToolCalls(text: string): Array<{ name: string; input: Record<string, string> }> {
  const calls: Array<{ name: string; input: Record<string, string> }> = [];
  for (const match of text.matchAll(XML_CALL)) {
    const input: Record<string, string> = {};
    for (const param of (match[2] ?? '').matchAll(XML_PARAM)) if (param[1]) input[param[1]] = (param[2] ?? '').trim();
    calls.push({ name: match[1] ?? 'unknown', input });
  }
  return calls;
}

function clinePath(input: JsonObject): string | undefined {
  return str(input['absolutePath']) ?? str(input['path']);
}

function clineToolCall(b: TranscriptSummaryBuilder, name: string, input: unknown, index: number, id?: string): void {
  const fields = isObject(input) ? input : {};
  const path = clinePath(fields);
  const argument =
    name === 'execute_command' ? (str(fields['command']) ?? primaryArgument(name, input)) : (path ?? str(fields['url']) ?? primaryArgument(name, input));
  b.toolCall({
    id,
    name,
    argument: argument === undefined ? undefined : primaryArgument(name, argument),
    filePaths: path ? [path] : [],
    edited: path && EDIT_TOOLS.has(name) ? [path] : [],
    recordIndex: index,
  });
}

/** `api_conversation_history.json`: a JSON array of `{role, content[], modelInfo?, metrics?}`. */
export function clineApiHistoryHandler(b: TranscriptSummaryBuilder): FormatHandler {
  let prompts = 0;
  return {
    record(value, index) {
      if (!isObject(value) || (value['role'] !== 'user' && value['role'] !== 'assistant')) return false;
      const content = value['content'];
      const blocks: unknown[] = typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : [];
      if (value['role'] === 'assistant') {
        if (isObject(value['modelInfo'])) b.addModel(value['modelInfo']['modelId']);
        const tokens = isObject(value['metrics']) && isObject(value['metrics']['tokens']) ? value['metrics']['tokens'] : undefined;
        if (tokens) {
          // `cached` adds cache reads and writes together, so it fits neither field and is left out.
          const usage: TranscriptUsage = {};
          const input = num(tokens['prompt']);
          const output = num(tokens['completion']);
          if (input !== undefined) usage.inputTokens = input;
          if (output !== undefined) usage.outputTokens = output;
          b.addUsage(usage);
        }
        const texts: string[] = [];
        const tools: string[] = [];
        for (const block of blocks) {
          if (!isObject(block)) continue;
          if (block['type'] === 'text' && typeof block['text'] === 'string') texts.push(block['text']);
          else if (block['type'] === 'tool_use') {
            const name = str(block['name']) ?? 'unknown';
            tools.push(name);
            clineToolCall(b, name, block['input'], index, str(block['id']));
          }
        }
        // A reply with native calls describes them in its text only as prose; one without may hold XML calls.
        if (tools.length === 0) {
          for (const call of xmlToolCalls(texts.join('\n'))) {
            tools.push(call.name);
            clineToolCall(b, call.name, call.input, index);
          }
        }
        b.say('assistant', texts.join('\n'), tools);
        return true;
      }
      let prompt = false;
      for (const block of blocks) {
        if (!isObject(block)) continue;
        const text = block['type'] === 'text' ? str(block['text']) : block['type'] === 'tool_result' ? contentText(block['content']) : undefined;
        if (!text) continue;
        const cwd = WORKING_DIRECTORY.exec(text)?.[1];
        if (cwd) b.setFirst('cwd', cwd.trim());
        // Cline appends the editor state to every message; it is context, not conversation.
        if (text.startsWith('<environment_details>')) continue;
        if (block['type'] === 'text' && PROMPT_TAGS.test(text)) {
          prompt = true;
          b.say('user', text);
        } else b.say('tool', text);
      }
      if (prompt) prompts += 1;
      return true;
    },
    finish() {
      b.setPrompts(prompts);
    },
  };
}

function parseJsonText(text: unknown): JsonObject | undefined {
  if (typeof text !== 'string' || !text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `ui_messages.json`: a JSON array of `{ts, type: say|ask, say|ask: <kind>, text, partial?, modelInfo?}`. */
export function clineUiMessagesHandler(b: TranscriptSummaryBuilder): FormatHandler {
  let prompts = 0;
  let first = true;
  return {
    record(value, index) {
      if (!isObject(value) || (value['type'] !== 'say' && value['type'] !== 'ask')) return false;
      const isFirst = first;
      first = false;
      const ts = num(value['ts']);
      if (ts !== undefined && Number.isFinite(new Date(ts).getTime())) b.timestamp(new Date(ts).toISOString());
      if (isObject(value['modelInfo'])) b.addModel(value['modelInfo']['modelId']);
      // A partial entry is a message still streaming; the file keeps its final copy as well.
      if (value['partial'] === true) return true;
      const kind = value['type'] === 'say' ? value['say'] : value['ask'];
      const text = typeof value['text'] === 'string' ? value['text'] : '';
      switch (kind) {
        case 'task':
        case 'user_feedback':
        case 'user_feedback_diff':
          prompts += 1;
          b.say('user', text);
          return true;
        case 'text':
          // The first entry of a task is what the person asked; later ones are the model's replies.
          if (isFirst) {
            prompts += 1;
            b.say('user', text);
          } else b.say('assistant', text);
          return true;
        case 'api_req_started': {
          const request = parseJsonText(text);
          if (!request) return true;
          const cwd = typeof request['request'] === 'string' ? WORKING_DIRECTORY.exec(request['request'])?.[1] : undefined;
          if (cwd) b.setFirst('cwd', cwd.trim());
          const usage: TranscriptUsage = {};
          const map: Array<[string, keyof TranscriptUsage]> = [
            ['tokensIn', 'inputTokens'],
            ['tokensOut', 'outputTokens'],
            ['cacheReads', 'cacheReadTokens'],
            ['cacheWrites', 'cacheCreationTokens'],
            ['cost', 'costUsd'],
          ];
          for (const [from, to] of map) {
            const n = num(request[from]);
            if (n !== undefined) usage[to] = n;
          }
          b.addUsage(usage);
          return true;
        }
        case 'tool': {
          const tool = parseJsonText(text);
          const name = str(tool?.['tool']) ?? 'unknown';
          clineToolCall(b, name, tool ?? text, index);
          b.say('assistant', '', [name]);
          return true;
        }
        case 'command':
          clineToolCall(b, 'execute_command', { command: text }, index);
          b.say('assistant', '', ['execute_command']);
          return true;
        case 'use_mcp_server': {
          const call = parseJsonText(text);
          const name = call?.['type'] === 'access_mcp_resource' ? 'access_mcp_resource' : 'use_mcp_tool';
          clineToolCall(b, name, call ?? text, index);
          return true;
        }
        case 'browser_action_launch':
          clineToolCall(b, 'browser_action', { url: text }, index);
          return true;
        case 'browser_action':
          clineToolCall(b, 'browser_action', parseJsonText(text) ?? text, index);
          return true;
        case 'command_output':
        case 'browser_action_result':
        case 'mcp_server_response':
          b.say('tool', text);
          return true;
        case 'completion_result':
        case 'followup':
        case 'plan_mode_respond': {
          // A question or plan is written as JSON (`{question, options}` / `{response}`); the reply is its text.
          const reply = parseJsonText(text);
          b.say('assistant', str(reply?.['question']) ?? str(reply?.['response']) ?? text);
          return true;
        }
        case 'error':
        case 'api_req_failed':
        case 'mistake_limit_reached':
          b.say('system', text);
          return true;
        default:
          // Checkpoints, reasoning, progress lists, resume prompts: known kinds that carry no call.
          return typeof kind === 'string';
      }
    },
    finish() {
      b.setPrompts(prompts);
    },
  };
}
