import { contentText, type TranscriptSummaryBuilder } from './summary-builder.js';
import { isObject, str } from './json.js';
import type { FormatHandler } from './base-reader.js';

/** Event types of `~/.copilot/session-state/<id>/events.jsonl` read without needing anything from them. */
const QUIET_TYPES = new Set(['session.info', 'system.message', 'assistant.turn_end', 'hook.start', 'hook.end']);

export function copilotHandler(b: TranscriptSummaryBuilder): FormatHandler {
  return {
    record(value, index) {
      if (!isObject(value) || typeof value['type'] !== 'string') return false;
      const type = value['type'];
      const data = isObject(value['data']) ? value['data'] : {};
      b.timestamp(value['timestamp']);
      switch (type) {
        case 'session.start': {
          b.setFirst('sessionId', data['sessionId']);
          b.setFirst('agentVersion', data['copilotVersion'] ?? data['version']);
          b.setFirst('startedAt', data['startTime']);
          const context = isObject(data['context']) ? data['context'] : {};
          b.setFirst('cwd', context['cwd']);
          b.addModel(data['selectedModel']);
          return true;
        }
        case 'session.model_change':
          b.addModel(data['newModel']);
          return true;
        case 'user.message':
          b.say('user', contentText(data['content']));
          return true;
        case 'assistant.turn_start':
          b.modelCall();
          return true;
        case 'assistant.message':
          b.say('assistant', contentText(data['content']));
          return true;
        case 'tool.execution_start': {
          const name = str(data['toolName']) ?? 'unknown';
          b.toolUse(name, data['arguments'], index, str(data['toolCallId']));
          return true;
        }
        case 'tool.execution_complete': {
          const result = isObject(data['result']) ? data['result']['content'] : data['result'];
          b.say('tool', typeof result === 'string' ? result : contentText(result));
          return true;
        }
        default:
          // Newer CLIs add session.* events (title changes, compaction, …); they are part of the format.
          return QUIET_TYPES.has(type) || type.startsWith('session.');
      }
    },
  };
}
