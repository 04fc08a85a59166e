/**
 * The runner's side of the protocol a JavaScript action speaks: the environment it starts with, the
 * file commands it writes (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE) and the workflow commands it prints
 * (`::error::`, `::add-mask::`, `::stop-commands::`), parsed the way actions/runner parses them. The
 * test harness and the simulator both run bundles through this one copy.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';

export type AnnotationLevel = 'error' | 'warning' | 'notice' | 'debug';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  properties: Record<string, string>;
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// File commands and stdout commands, parsed the way actions/runner does

/**
 * GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE syntax: `name=value` or `name<<DELIM` … `DELIM`.
 * The runner fails the step on a malformed file, so the harness throws rather than guess.
 */
export function parseKeyValueFile(content: string, label = 'file'): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = content.split(/\r?\n/);
  // A trailing newline leaves one empty element that is not a line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const key = line.slice(0, eq);
      if (!key) throw new Error(`${label}: invalid format (empty name) at line ${i + 1}: ${JSON.stringify(line)}`);
      result[key] = line.slice(eq + 1);
    } else if (heredoc >= 0) {
      const key = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (!key || !delimiter) throw new Error(`${label}: invalid heredoc at line ${i + 1}: ${JSON.stringify(line)}`);
      const body: string[] = [];
      let closed = false;
      for (i = i + 1; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        body.push(lines[i] ?? '');
      }
      if (!closed) throw new Error(`${label}: matching delimiter not found: ${JSON.stringify(delimiter)}`);
      result[key] = body.join('\n');
    } else {
      throw new Error(`${label}: invalid format at line ${i + 1}: ${JSON.stringify(line)}`);
    }
  }
  return result;
}

function unescapeData(s: string): string {
  return s.replace(/%0D|%0A|%25/gi, (m) => ({ '%0D': '\r', '%0A': '\n', '%25': '%' })[m.toUpperCase()] ?? m);
}

function unescapeProperty(s: string): string {
  return s.replace(/%0D|%0A|%3A|%2C|%25/gi, (m) => ({ '%0D': '\r', '%0A': '\n', '%3A': ':', '%2C': ',', '%25': '%' })[m.toUpperCase()] ?? m);
}

/** `::name key=value,key=value::message`, honouring `::stop-commands::TOKEN` … `::TOKEN::`. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  let stopToken: string | undefined;
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (stopToken !== undefined) {
      if (line.trimEnd() === `::${stopToken}::`) stopToken = undefined;
      continue;
    }
    if (!line.startsWith('::')) continue;
    const end = line.indexOf('::', 2);
    if (end < 0) continue;
    const head = line.slice(2, end);
    const message = unescapeData(line.slice(end + 2));
    const space = head.indexOf(' ');
    const command = (space < 0 ? head : head.slice(0, space)).trim();
    if (!command) continue;
    const properties: Record<string, string> = {};
    if (space >= 0) {
      for (const pair of head.slice(space + 1).split(',')) {
        const eq = pair.indexOf('=');
        if (eq <= 0) continue;
        properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
      }
    }
    if (command === 'stop-commands') {
      stopToken = message;
      continue;
    }
    commands.push({ command, properties, message });
  }
  return commands;
}

export const ANNOTATION_LEVELS = new Set<AnnotationLevel>(['error', 'warning', 'notice', 'debug']);

/**
 * What the job log shows: command lines rendered the way the runner renders them (unescaped, as
 * `##[debug]…`), mask/stop commands hidden, then every mask applied. Masking after unescaping
 * matters: a secret split by `%0A` in the raw line is whole again in the log.
 */
export function renderLog(stdout: string, masks: string[]): string {
  const rendered: string[] = [];
  let stopToken: string | undefined;
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (stopToken !== undefined) {
      if (line.trimEnd() === `::${stopToken}::`) stopToken = undefined;
      else rendered.push(raw);
      continue;
    }
    if (line.startsWith('::stop-commands::')) {
      stopToken = unescapeData(line.slice('::stop-commands::'.length));
      continue;
    }
    const [cmd] = line.startsWith('::') ? parseWorkflowCommands(line) : [];
    if (!cmd) {
      rendered.push(raw);
    } else if (cmd.command === 'add-mask' || cmd.command === 'echo' || cmd.command === 'save-state' || cmd.command === 'set-output') {
      // Not shown in the log.
    } else {
      rendered.push(`##[${cmd.command}]${cmd.message}`);
    }
  }
  return applyMasks(rendered.join('\n'), masks);
}

export function applyMasks(text: string, masks: string[]): string {
  // The runner also masks common encodings of a secret, so a value leaked JSON- or URI-escaped
  // or base64'd is hidden too; tests asserting "never printed" should check raw stdout as well.
  const variants = new Set<string>();
  for (const m of masks) {
    if (!m.trim()) continue;
    variants.add(m);
    variants.add(JSON.stringify(m).slice(1, -1));
    variants.add(encodeURIComponent(m));
    if (m.length >= 3) variants.add(Buffer.from(m).toString('base64'));
  }
  let out = text;
  // Longest first so a mask that contains another is replaced whole.
  for (const v of [...variants].sort((a, b) => b.length - a.length)) out = out.split(v).join('***');
  return out;
}

/** The environment a step starts from: PATH and HOME as on a runner, nothing of the host's test setup. */
export function cleanBaseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (k === 'PATH' || k === 'HOME' || k.startsWith('NODE_')) env[k] = v;
  }
  // A corporate CA bundle on the host must not change how the bundle's TLS behaves under test.
  delete env['NODE_EXTRA_CA_CERTS'];
  // pnpm's bin shims export NODE_PATH with the whole .pnpm store in it: a bundle that forgot to
  // inline a dependency would still resolve it here and fail only on the real runner.
  delete env['NODE_PATH'];
  // vitest sets NODE_ENV=test; the runner sets nothing, and libraries branch on it.
  delete env['NODE_ENV'];
  // Same reason for PATH: the runner has no node_modules/.bin on it.
  if (env['PATH'])
    env['PATH'] = env['PATH']
      .split(path.delimiter)
      .filter((p) => !/[\\/]node_modules[\\/]\.bin$/.test(p))
      .join(path.delimiter);
  if (!env['PATH']) env['PATH'] = '/usr/local/bin:/usr/bin:/bin';
  env['HOME'] ??= tmpdir();
  return env;
}
