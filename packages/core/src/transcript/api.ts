import { anthropicContent, anthropicUsage } from './claude.js';
import type { FormatHandler } from './base-reader.js';
import { contentText, primaryArgument, type TranscriptSummaryBuilder } from './summary-builder.js';
import { isObject, num, str, type JsonObject } from './json.js';
import type { TranscriptUsage } from './types.js';

function parseArguments(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function detail(value: unknown, key: string): number | undefined {
  return isObject(value) ? num(value[key]) : undefined;
}

function setIf(out: TranscriptUsage, key: keyof TranscriptUsage, value: number | undefined): void {
  if (value !== undefined) out[key] = value;
}

export function openaiChatHandler(b: TranscriptSummaryBuilder): FormatHandler {
  return {
    record(value, index) {
      if (!isObject(value) || (value['object'] !== 'chat.completion' && value['object'] !== 'chat.completion.chunk')) return false;
      b.setFirst('sessionId', value['id']);
      b.addModel(value['model']);
      b.modelCall();
      const choices = Array.isArray(value['choices']) ? value['choices'] : [];
      for (const choice of choices) {
        if (!isObject(choice)) continue;
        const message = isObject(choice['message']) ? choice['message'] : isObject(choice['delta']) ? choice['delta'] : {};
        const tools: string[] = [];
        const calls = Array.isArray(message['tool_calls']) ? message['tool_calls'] : [];
        for (const call of calls) {
          if (!isObject(call)) continue;
          const fn = isObject(call['function']) ? call['function'] : {};
          const name = str(fn['name']) ?? 'unknown';
          tools.push(name);
          b.toolUse(name, parseArguments(fn['arguments']), index, str(call['id']));
        }
        b.say('assistant', contentText(message['content']), tools);
      }
      const usage = value['usage'];
      if (isObject(usage)) {
        const out: TranscriptUsage = {};
        setIf(out, 'inputTokens', num(usage['prompt_tokens']));
        setIf(out, 'outputTokens', num(usage['completion_tokens']));
        setIf(out, 'cacheReadTokens', detail(usage['prompt_tokens_details'], 'cached_tokens'));
        setIf(out, 'reasoningTokens', detail(usage['completion_tokens_details'], 'reasoning_tokens'));
        b.addUsage(out);
      }
      return true;
    },
  };
}

export function openaiResponsesHandler(b: TranscriptSummaryBuilder): FormatHandler {
  const item = (o: JsonObject, index: number): void => {
    const id = str(o['call_id']) ?? str(o['id']);
    switch (o['type']) {
      case 'message':
        b.say('assistant', contentText(o['content']));
        return;
      case 'function_call':
        b.toolUse(str(o['name']) ?? 'unknown', parseArguments(o['arguments']), index, id);
        return;
      case 'custom_tool_call':
        b.toolUse(str(o['name']) ?? 'unknown', o['input'], index, id);
        return;
      case 'local_shell_call': {
        const action = isObject(o['action']) ? o['action'] : {};
        b.toolUse('local_shell', { command: action['command'] }, index, id);
        return;
      }
      case 'shell_call': {
        const action = isObject(o['action']) ? o['action'] : {};
        const commands = Array.isArray(action['commands']) ? action['commands'].join('\n') : action['command'];
        b.toolUse('shell', { command: commands }, index, id);
        return;
      }
      case 'apply_patch_call': {
        // The hosted apply_patch tool names one file per operation (create_file, update_file, delete_file).
        const operation = isObject(o['operation']) ? o['operation'] : {};
        const path = str(operation['path']);
        b.toolCall({ id, name: 'apply_patch', argument: path, edited: path ? [path] : [], recordIndex: index });
        return;
      }
      case 'web_search_call': {
        const action = isObject(o['action']) ? o['action'] : {};
        b.toolCall({ id, name: 'web_search', argument: primaryArgument('web_search', { query: action['query'] }), recordIndex: index });
        return;
      }
      case 'mcp_call':
        b.toolUse(`mcp__${str(o['server_label']) ?? 'unknown'}__${str(o['name']) ?? 'unknown'}`, parseArguments(o['arguments']), index, id);
        return;
      case 'file_search_call':
      case 'code_interpreter_call':
      case 'computer_call':
      case 'image_generation_call':
        b.toolCall({
          id,
          name: String(o['type']).replace(/_call$/, ''),
          argument: primaryArgument('', o['queries'] ?? o['code'] ?? o['action']),
          recordIndex: index,
        });
        return;
      default:
        return;
    }
  };

  return {
    record(value, index) {
      if (!isObject(value) || value['object'] !== 'response') return false;
      b.setFirst('sessionId', value['id']);
      b.addModel(value['model']);
      b.modelCall();
      const output = Array.isArray(value['output']) ? value['output'] : [];
      for (const o of output) if (isObject(o)) item(o, index);
      const usage = value['usage'];
      if (isObject(usage)) {
        const out: TranscriptUsage = {};
        setIf(out, 'inputTokens', num(usage['input_tokens']));
        setIf(out, 'outputTokens', num(usage['output_tokens']));
        setIf(out, 'cacheReadTokens', detail(usage['input_tokens_details'], 'cached_tokens'));
        setIf(out, 'reasoningTokens', detail(usage['output_tokens_details'], 'reasoning_tokens'));
        b.addUsage(out);
      }
      return true;
    },
  };
}

export function anthropicMessagesHandler(b: TranscriptSummaryBuilder): FormatHandler {
  return {
    record(value, index) {
      if (!isObject(value) || value['type'] !== 'message') return false;
      b.setFirst('sessionId', value['id']);
      b.addModel(value['model']);
      b.modelCall();
      anthropicContent(b, value['content'], index);
      const usage = anthropicUsage(value['usage']) ?? {};
      setIf(
        usage,
        'reasoningTokens',
        detail(value['usage'] && isObject(value['usage']) ? value['usage']['output_tokens_details'] : undefined, 'thinking_tokens'),
      );
      b.addUsage(usage);
      return true;
    },
  };
}
