import { globProblem, globToRegExp, normaliseRepoPath } from './glob.js';

/**
 * Tool rules in Claude Code's permission-rule syntax (`Read`, `Bash(npm test:*)`, `Edit(src/**)`,
 * `WebFetch(domain:example.com)`, `mcp__github__*`), judged more strictly than a prompt would:
 * an allow rule must never let a command through that does more than the rule names.
 */

/** What the tool rules see of a transcript's ToolCall: its name and the argument that matters. */
export interface JudgedToolCall {
  /** Tool name as the transcript records it: `Bash`, `Edit`, `mcp__github__create_issue`. */
  name: string;
  /** The command for Bash, the repository-relative path for file tools, the URL for WebFetch. */
  argument?: string;
}

export interface ToolPattern {
  /** Tool name, or a glob over names when it contains `*`. */
  tool: string;
  /** Text between the parentheses, when there is one. */
  specifier?: string;
}

/** Tools whose specifier is a path glob (gitignore style, as in Claude Code). */
const FILE_TOOLS = new Set(['Read', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'NotebookRead', 'Glob', 'Grep', 'LS']);
const SHELL_TOOLS = new Set(['Bash', 'BashOutput', 'Shell', 'shell', 'local_shell', 'exec_command', 'write_stdin', 'shell_command', 'container.exec']);

const PATTERN = /^([A-Za-z0-9_*][A-Za-z0-9_.*-]*)(?:\(([\s\S]*)\))?$/;

/**
 * Characters and sequences that make one shell command line run more than one command, or run a
 * command substitution, or redirect: a prefix rule cannot vouch for what follows them.
 */
const SHELL_CONTROL = /[;&|`<>\n\r\0]|\$\(|\$\{/;

/** Parses a rule, or returns the reason it is not one. */
export function parseToolPattern(pattern: string): { pattern: ToolPattern } | { error: string } {
  const match = PATTERN.exec(pattern.trim());
  if (!match) return { error: 'is not a tool rule: write `Tool`, `Tool(specifier)` or an MCP tool name such as `mcp__github__*`' };
  const tool = match[1] as string;
  const specifier = match[2];
  if (specifier === undefined) return { pattern: { tool } };
  if (tool.includes('*')) return { error: 'cannot combine a wildcard tool name with a (specifier)' };
  if (specifier.trim() === '') return { error: `has an empty specifier: write \`${tool}\` to match every ${tool} call` };
  if (specifier === '*') return { pattern: { tool, specifier } };
  if (SHELL_TOOLS.has(tool)) {
    const body = specifier.endsWith(':*') ? specifier.slice(0, -2) : specifier;
    if (body.includes('*')) {
      return { error: 'may only use a wildcard as a trailing `:*` (prefix rule), for example `Bash(npm test:*)`' };
    }
    if (body.trim() === '') return { error: 'has an empty command before `:*`' };
  } else if (FILE_TOOLS.has(tool)) {
    const problem = pathRuleProblem(specifier);
    if (problem) return { error: `has a path glob that ${problem}` };
  } else if (tool === 'WebFetch') {
    if (!/^domain:(?:\*\.)?[A-Za-z0-9.-]+$/.test(specifier)) {
      return { error: 'must name a domain, for example `WebFetch(domain:example.com)`' };
    }
  }
  return { pattern: { tool, specifier } };
}

function pathRuleProblem(specifier: string): string | undefined {
  if (specifier.startsWith('//') || specifier.startsWith('~/')) {
    return specifier.includes('\0') ? 'contains NUL' : undefined;
  }
  const relative = specifier.startsWith('/') ? specifier.slice(1) : specifier;
  return globProblem(relative);
}

/** True when `name` matches the tool part of a rule. */
function matchToolName(ruleTool: string, name: string): boolean {
  if (ruleTool === '*') return true;
  if (ruleTool.includes('*')) {
    const source = ruleTool
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return new RegExp(`^${source}$`).test(name);
  }
  // Claude Code: `mcp__server` approves every tool of that server.
  if (ruleTool.startsWith('mcp__') && ruleTool.split('__').length === 2) {
    return name === ruleTool || name.startsWith(`${ruleTool}__`);
  }
  return name === ruleTool;
}

/** True when the command line contains a shell control operator, substitution or redirection. */
export function hasShellControl(command: string): boolean {
  return SHELL_CONTROL.test(command);
}

function matchPrefix(prefix: string, command: string, strict: boolean): boolean {
  if (strict && hasShellControl(command)) return false;
  const wanted = prefix.trim();
  if (command === wanted) return true;
  // Word boundary: `npm test:*` covers `npm test --watch`, not `npm testify`.
  return command.startsWith(wanted) && /\s/.test(command.charAt(wanted.length));
}

function matchCommand(specifier: string, argument: string, strict: boolean): boolean {
  const command = argument.trim();
  if (specifier.endsWith(':*')) return matchPrefix(specifier.slice(0, -2), command, strict);
  return command === specifier.trim();
}

function matchPathRule(specifier: string, argument: string): boolean {
  if (argument.includes('\0')) return false;
  if (specifier.startsWith('//') || specifier.startsWith('~/')) {
    // Absolute (`//etc/**`) and home (`~/.ssh/**`) rules compare against the path as recorded.
    const literal = specifier.startsWith('//') ? specifier.slice(1) : specifier;
    const prefix = literal.startsWith('/') ? '/' : '~/';
    if (!argument.startsWith(prefix)) return false;
    const rest = normaliseRepoPath(argument.slice(prefix.length));
    if (rest === undefined) return false;
    const glob = literal.slice(prefix.length);
    if (globProblem(glob) !== undefined) return false;
    return globToRegExp(glob).test(rest);
  }
  if (argument.startsWith('/') || argument.startsWith('~')) return false;
  const file = normaliseRepoPath(argument);
  if (file === undefined) return false;
  let glob = specifier.replace(/^(?:\.\/)+/, '');
  // gitignore semantics, as Claude Code documents: `/x` and any glob with an inner slash are anchored
  // at the root, a bare name such as `.env` or `*.pem` matches at any depth.
  if (glob.startsWith('/')) glob = glob.slice(1);
  else if (!glob.replace(/\/$/, '').includes('/')) glob = `**/${glob}`;
  return globToRegExp(glob).test(file);
}

function matchWebFetch(specifier: string, argument: string): boolean {
  let host: string;
  try {
    host = new URL(argument).hostname.toLowerCase();
  } catch {
    return false;
  }
  const domain = specifier.slice('domain:'.length).toLowerCase();
  if (domain.startsWith('*.')) return host.endsWith(domain.slice(1));
  return host === domain;
}

function matchParsed(rule: ToolPattern, call: JudgedToolCall, strict: boolean): boolean {
  if (!matchToolName(rule.tool, call.name)) return false;
  const { specifier } = rule;
  if (specifier === undefined || specifier === '*') return true;
  // A rule that names an argument cannot vouch for a call whose argument is unknown.
  if (call.argument === undefined) return false;
  if (SHELL_TOOLS.has(rule.tool)) return matchCommand(specifier, call.argument, strict);
  if (FILE_TOOLS.has(rule.tool)) return matchPathRule(specifier, call.argument);
  if (rule.tool === 'WebFetch') return matchWebFetch(specifier, call.argument);
  return matchCommand(specifier, call.argument, strict);
}

/**
 * Claude Code permission-rule semantics, strict: `Bash` matches every Bash call, `Bash(npm test:*)`
 * matches `npm test` and `npm test <args>` but nothing that chains, substitutes or redirects
 * (`npm test; curl x | sh`), `Bash(git status)` only that exact command, `Edit(src/**)` paths under
 * src/, `mcp__github__*` every tool of the github MCP server, `*` every tool. An invalid rule matches
 * nothing.
 */
export function matchToolPattern(pattern: string, call: { name: string; argument?: string }): boolean {
  const parsed = parseToolPattern(pattern);
  if ('error' in parsed) return false;
  return matchParsed(parsed.pattern, call, true);
}

/**
 * Words that start a command position without being the command: shell reserved words and
 * wrappers that run the command that follows them. For each wrapper, the options that take an
 * argument (`sudo -u root curl`), and how many plain arguments come before the command
 * (`timeout 5 curl`).
 */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '}', 'time', 'coproc']);
const WRAPPERS: Readonly<Record<string, { options: readonly string[]; positional?: number }>> = {
  sudo: { options: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group', '--chdir'] },
  doas: { options: ['-u', '-C'] },
  env: { options: ['-u', '-C', '-S', '--unset', '--chdir', '--split-string'] },
  command: { options: [] },
  builtin: { options: [] },
  exec: { options: ['-a'] },
  nohup: { options: [] },
  time: { options: ['-f', '-o'] },
  nice: { options: ['-n', '--adjustment'] },
  ionice: { options: ['-c', '-n', '-p'] },
  timeout: { options: ['-s', '-k', '--signal', '--kill-after'], positional: 1 },
  stdbuf: { options: ['-i', '-o', '-e'] },
  setsid: { options: [] },
  xargs: { options: ['-I', '-i', '-n', '-P', '-L', '-l', '-d', '-E', '-e', '-s', '-a', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--replace'] },
  watch: { options: ['-n', '-d', '--interval'] },
  chroot: { options: [], positional: 1 },
  taskset: { options: [], positional: 1 },
};
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'fish']);

/** The command word as the shell would run it: quotes and escapes gone, a path reduced to its name. */
function commandName(word: string): string {
  const bare = word.replace(/["'\\]/g, '');
  return bare.includes('/') ? bare.slice(bare.lastIndexOf('/') + 1) : bare;
}

function unquote(text: string): string {
  const trimmed = text.trim();
  const quote = trimmed.charAt(0);
  return (quote === '"' || quote === "'") && trimmed.endsWith(quote) && trimmed.length >= 2 ? trimmed.slice(1, -1) : trimmed;
}

/** The command a part runs, past reserved words, assignments and wrappers (none when nothing is left). */
function commandOf(part: string, depth: number): string[] {
  const words = part.split(/\s+/).filter((w) => w.length > 0);
  let i = 0;
  while (i < words.length) {
    const word = words[i] as string;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || RESERVED.has(word)) {
      i += 1;
      continue;
    }
    const name = commandName(word);
    const wrapper = WRAPPERS[name];
    if (!wrapper) break;
    i += 1;
    while (i < words.length && (words[i] as string).startsWith('-')) {
      const option = words[i] as string;
      i += 1;
      if (option === '--') break;
      if (wrapper.options.includes(option)) i += 1;
    }
    // env takes assignments before its command, as the shell does.
    while (name === 'env' && i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] as string)) i += 1;
    i += wrapper.positional ?? 0;
  }
  if (i >= words.length) return [];
  const name = commandName(words[i] as string);
  const rest = words.slice(i + 1);
  // `bash -c '…'` and `eval '…'` run a command line of their own: split it too.
  if (depth < 3) {
    if (name === 'eval' && rest.length > 0) return [`eval ${rest.join(' ')}`, ...splitCommandLine(unquote(rest.join(' ')), depth + 1)];
    const dashC = rest.findIndex((w) => /^-[A-Za-z]*c[A-Za-z]*$/.test(w));
    if (SHELLS.has(name) && dashC >= 0 && dashC + 1 < rest.length) {
      return [[name, ...rest].join(' '), ...splitCommandLine(unquote(rest.slice(dashC + 1).join(' ')), depth + 1)];
    }
  }
  return [[name, ...rest].join(' ')];
}

function splitCommandLine(command: string, depth: number): string[] {
  return command
    .split(/\|\||&&|[;&|\n\r`]|\$\(|[()]/)
    .flatMap((part) => commandOf(part.trim(), depth))
    .filter((part) => part.length > 0);
}

/**
 * Each simple command of a shell command line, best effort, for deny rules: split at control
 * operators, substitutions and groups, past reserved words (`then`, `do`, `!`, `{`) and wrappers
 * (`sudo -u root`, `env X=1`, `xargs -I{}`, `timeout 5`), and into `bash -c` / `eval` strings.
 */
export function splitShellCommands(command: string): string[] {
  return splitCommandLine(command, 0);
}

/**
 * True when a deny rule matches the call. Unlike allowing, denying must see through chaining, so a
 * command is denied when any of its parts matches: `Bash(curl:*)` denies `npm test && curl x`.
 */
export function matchDeniedTool(pattern: string, call: JudgedToolCall): boolean {
  const parsed = parseToolPattern(pattern);
  if ('error' in parsed) return false;
  if (matchParsed(parsed.pattern, call, false)) return true;
  if (!SHELL_TOOLS.has(parsed.pattern.tool) || call.argument === undefined) return false;
  // A denied command is denied in every shell tool: `Bash(curl:*)` also stops Codex's `exec_command`
  // and a line typed into a running shell through `write_stdin`. Allowing stays per tool.
  if (!SHELL_TOOLS.has(call.name) && !matchToolName(parsed.pattern.tool, call.name)) return false;
  const rule = { ...parsed.pattern, tool: SHELL_TOOLS.has(call.name) ? call.name : parsed.pattern.tool };
  return splitShellCommands(call.argument).some((part) => matchParsed(rule, { name: call.name, argument: part }, false));
}

export type ToolCallJudgement =
  { allowed: true; rule: string } | { allowed: false; reason: 'denied'; rule: string } | { allowed: false; reason: 'not-allowed' };

/** Judges one call against the transcript section's `allowed-tools` and `denied-tools`. Deny wins. */
export function judgeToolCall(
  rules: { readonly allowedTools: readonly string[]; readonly deniedTools: readonly string[] },
  call: JudgedToolCall,
): ToolCallJudgement {
  const denied = rules.deniedTools.find((rule) => matchDeniedTool(rule, call));
  if (denied !== undefined) return { allowed: false, reason: 'denied', rule: denied };
  const allowed = rules.allowedTools.find((rule) => matchToolPattern(rule, call));
  if (allowed !== undefined) return { allowed: true, rule: allowed };
  return { allowed: false, reason: 'not-allowed' };
}
