import type { FormatHandler } from './base-reader.js';
import { isObject, num, str, type JsonObject } from './json.js';
import { contentText, primaryArgument, type TranscriptSummaryBuilder } from './summary-builder.js';
import type { TranscriptUsage } from './types.js';

/** Paths a unified diff changes (`diff --git a/X b/Y`: Y, or X for a deletion). */
export function diffPaths(diff: string): string[] {
  const paths: string[] = [];
  for (const match of diff.matchAll(/^diff --git a\/(.+?) b\/(.+?)\s*$/gm)) {
    const path = match[2] ?? match[1];
    if (path && !paths.includes(path)) paths.push(path);
  }
  return paths;
}

/**
 * SWE-agent's own commands (tool bundles and the classic interface); anything else an action runs is
 * a line for its bash session. Editing commands act on the named file or on the one open.
 */
const SWE_COMMANDS = new Set([
  'open',
  'goto',
  'scroll_up',
  'scroll_down',
  'create',
  'edit',
  'insert',
  'search_dir',
  'search_file',
  'find_file',
  'submit',
  'str_replace_editor',
  'filemap',
  'exit_forfeit',
  'exit_cost',
  'exit_context',
  'exit_error',
  'exit_format',
  'skip',
]);

/** The open file is recorded absolute, created files relative: both are spelled relative to the repository. */
function inside(cwd: string | undefined, path: string): string {
  const prefix = cwd && (cwd.endsWith('/') ? cwd : `${cwd}/`);
  return prefix && path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

function parseState(state: unknown): JsonObject {
  if (isObject(state)) return state;
  if (typeof state !== 'string') return {};
  try {
    const value: unknown = JSON.parse(state);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}

/** Files a command writes: `create f`, `edit`/`insert` on the open file, `str_replace_editor <cmd> <path>` other than view. */
function sweEdits(words: string[], openFile: string | undefined): string[] {
  const [command, first, second] = words;
  if (command === 'create' && first) return [first];
  if ((command === 'edit' || command === 'insert') && openFile) return [openFile];
  if (command === 'str_replace_editor' && first && first !== 'view' && second) return [second];
  return [];
}

/**
 * A SWE-agent `.traj`: one object `{environment, trajectory[{action, observation, response, state, thought}],
 * history[{role, content, …}], info{exit_status, submission, model_stats}}`. Each trajectory step is one
 * call; SWE-agent's own commands keep their names and shell lines are `bash`. The submission's diff names
 * the files the run changed.
 */
export function sweAgentHandler(b: TranscriptSummaryBuilder): FormatHandler {
  const read = (doc: JsonObject): void => {
    b.records += 1;
    let openFile: string | undefined;
    const steps = Array.isArray(doc['trajectory']) ? doc['trajectory'] : [];
    steps.forEach((step, i) => {
      b.records += 1;
      if (!isObject(step) || typeof step['action'] !== 'string') {
        b.skippedRecords += 1;
        return;
      }
      const state = parseState(step['state']);
      b.setFirst('cwd', state['working_dir']);
      const action = step['action'].trim();
      const words = action.split(/\s+/);
      const name = words[0] && SWE_COMMANDS.has(words[0]) ? words[0] : 'bash';
      const cwd = str(state['working_dir']);
      const edited = sweEdits(words, openFile).map((path) => inside(cwd, path));
      const named =
        name === 'bash' || name === 'submit'
          ? []
          : words
              .slice(1)
              .filter((w) => /[./]/.test(w) && !/^\d+:\d+$/.test(w))
              .slice(0, 1)
              .map((word) => inside(cwd, word.replace(/^(["'])(.*)\1$/, '$2')));
      b.toolCall({ name, argument: primaryArgument(name, action), filePaths: [...new Set([...named, ...edited])], edited, recordIndex: i });
      b.say('assistant', str(step['thought']) ?? '', [name]);
      b.say('tool', str(step['observation']) ?? '');
      // The state is recorded after the step ran: the file an `edit` acts on is the one open before it.
      const open = str(state['open_file']);
      openFile = open && open !== 'n/a' ? open : undefined;
    });

    const history = Array.isArray(doc['history']) ? doc['history'] : [];
    let prompts = 0;
    let answered = false;
    for (const entry of history) {
      b.records += 1;
      if (!isObject(entry)) {
        b.skippedRecords += 1;
        continue;
      }
      // After the model's first answer, user messages are command output.
      if (entry['role'] === 'assistant') answered = true;
      if (answered) continue;
      // Demonstrations are past runs shown to the model; the task itself is the first real user message.
      if (entry['role'] === 'user' && entry['is_demo'] !== true && entry['message_type'] !== 'demonstration') {
        prompts += 1;
        b.say('user', contentText(entry['content']));
      }
    }
    b.setPrompts(prompts);

    const info = isObject(doc['info']) ? doc['info'] : {};
    const submission = str(info['submission']);
    if (submission) for (const path of diffPaths(submission)) b.touch(path);
    const stats = isObject(info['model_stats']) ? info['model_stats'] : undefined;
    if (stats) {
      const usage: TranscriptUsage = {};
      const input = num(stats['tokens_sent']);
      const output = num(stats['tokens_received']);
      if (input !== undefined) usage.inputTokens = input;
      if (output !== undefined) usage.outputTokens = output;
      if (Object.keys(usage).length > 0) b.reportUsage(usage);
      const cost = num(stats['instance_cost']) ?? num(stats['total_cost']);
      if (cost !== undefined) b.reportCost(cost);
    }
    // SWE-agent 1.x keeps the run's configuration, model included, as a JSON string.
    const config = parseState(doc['replay_config']);
    const agent = isObject(config['agent']) ? config['agent'] : {};
    if (isObject(agent['model'])) b.addModel(agent['model']['name']);
  };

  return {
    record: () => false,
    document(value) {
      if (isObject(value) && Array.isArray(value['trajectory'])) read(value);
      else b.badLines += 1;
      return true;
    },
  };
}

const FINAL_OUTPUT = /COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT|MINI_SWE_AGENT_FINAL_OUTPUT/;
const BASH_BLOCK = /```(?:mswea_bash_command|bash)[ \t]*\r?\n([\s\S]*?)\r?\n```/g;

/**
 * A mini-swe-agent trajectory: a bare JSON array of chat messages (1.x), or the object `{info, messages,
 * trajectory_format}` it writes since. Each assistant message carries one fenced bash block, the command
 * it runs (or, with a tool-calling model in 2.x, a `bash` tool call whose output is a `tool` message); mini-swe-agent refuses a reply with several, but each is still judged here, since a gate must
 * not rely on the agent's own format check. The output of the final command is the submitted diff.
 */
export function miniSweAgentHandler(b: TranscriptSummaryBuilder): FormatHandler {
  let prompts = 0;
  let answered = false;
  let submitting = false;

  const message = (value: unknown, index: number): boolean => {
    if (!isObject(value) || typeof value['role'] !== 'string') return false;
    const text = contentText(value['content']);
    switch (value['role']) {
      case 'system':
        b.say('system', text);
        return true;
      case 'user':
        if (submitting) for (const path of diffPaths(text)) b.touch(path);
        submitting = false;
        // Before the model has answered, a user message is the task; after, it is command output.
        if (!answered) {
          prompts += 1;
          b.say('user', text);
        } else b.say('tool', text);
        return true;
      case 'assistant': {
        answered = true;
        const commands = [...text.matchAll(BASH_BLOCK)].map((match) => match[1] ?? '');
        // mini-swe-agent 2.x with a tool-calling model: OpenAI `tool_calls`, `bash` with `{command}`.
        const calls = Array.isArray(value['tool_calls']) ? value['tool_calls'] : [];
        for (const call of calls) {
          const fn = isObject(call) && isObject(call['function']) ? call['function'] : undefined;
          if (!fn) continue;
          let args: unknown = fn['arguments'];
          if (typeof args === 'string') {
            try {
              args = JSON.parse(args);
            } catch {
              // Kept as the string the model wrote: it is still what a rule is judged against.
            }
          }
          const command = isObject(args) ? str(args['command']) : str(args);
          commands.push(command ?? (typeof args === 'string' ? args : JSON.stringify(args ?? null)));
        }
        for (const command of commands) {
          b.toolCall({ name: 'bash', argument: primaryArgument('bash', command), recordIndex: index });
          if (FINAL_OUTPUT.test(command)) submitting = true;
        }
        b.say(
          'assistant',
          text,
          commands.map(() => 'bash'),
        );
        return true;
      }
      case 'tool':
        if (submitting) for (const path of diffPaths(text)) b.touch(path);
        submitting = false;
        b.say('tool', text);
        return true;
      default:
        return false;
    }
  };

  return {
    record: message,
    document(value) {
      if (Array.isArray(value)) return false;
      if (!isObject(value) || !Array.isArray(value['messages'])) {
        b.badLines += 1;
        return true;
      }
      b.records += 1;
      value['messages'].forEach((item, i) => {
        b.records += 1;
        if (!message(item, i)) b.skippedRecords += 1;
      });
      const info = isObject(value['info']) ? value['info'] : {};
      const submission = str(info['submission']);
      if (submission) for (const path of diffPaths(submission)) b.touch(path);
      const stats = isObject(info['model_stats']) ? info['model_stats'] : {};
      const cost = num(stats['instance_cost']);
      if (cost !== undefined) b.reportCost(cost);
      const config = isObject(info['config']) ? info['config'] : {};
      if (isObject(config['model'])) b.addModel(config['model']['model_name']);
      return true;
    },
    finish() {
      b.setPrompts(prompts);
    },
  };
}
