/**
 * Runs a workflow locally the way the runner would, closely enough to trust a pipeline before pushing
 * it: jobs in `needs:` order with their matrix expanded, `if:` evaluated with the status functions,
 * this project's actions from their `dist/` bundles through the runner protocol, `run:` steps in bash,
 * and third-party steps from a scenario that declares their outputs (reported as simulated).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { asText, condition, evaluate, expressionsIn, interpolate, interpolateText, type Contexts, type StatusState } from './expressions.js';
import { cleanBaseEnv, parseKeyValueFile, parseWorkflowCommands, renderLog } from './runner-protocol.js';
import { jobOrder, loadWorkflow, WorkflowError, type SimJob, type SimStep, type SimWorkflow } from './workflow.js';

/** What a third-party step did, as the scenario declares it. */
export interface ScenarioStep {
  outputs?: Record<string, string>;
  outcome?: 'success' | 'failure';
  /** Files the step writes: workspace-relative paths (the agent's change), or `$RUNNER_TEMP/…` (its transcript). */
  files?: Record<string, string>;
  /** A bash script run in the workspace after `files` are written (an agent committing its change). */
  run?: string;
}

export interface Scenario {
  name?: string;
  /** Event name and payload (the `github.event` context). */
  event: { name: string; payload: Record<string, unknown> };
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** `inputs` of workflow_dispatch / workflow_call. */
  inputs?: Record<string, unknown>;
  /** Third-party steps by their `uses:` without the `@ref` (`actions/checkout`, `anthropics/claude-code-action`). */
  steps?: Record<string, ScenarioStep>;
  /** Environment given to every step (for example the artifact service's variables). */
  env?: Record<string, string>;
  /** `github.run_id`; distinct runs need distinct ids (artifact names include it). */
  runId?: string;
  /**
   * Reusable workflows in other repositories, by their `uses:` without the `@ref`
   * (`acme/platform/.github/workflows/gate.yml`): the local file that stands for it. A `./` reference
   * is read from the workspace, as GitHub reads it from the caller's repository.
   */
  workflows?: Record<string, string>;
  /** Repositories an `actions/checkout` with `repository:` checks out, by `owner/name`: a local folder copied to its `path`. */
  repositories?: Record<string, string>;
}

export interface SimulateOptions {
  /** The workflow file. */
  workflow: string;
  scenario: Scenario;
  /** GITHUB_WORKSPACE: a git repository the steps run in. */
  workspace: string;
  /** Where step summaries, logs and the results are left. */
  outDir: string;
  /** This project's root: `<owner>/agent-gates/actions/<gate>@…` runs `<root>/actions/<gate>/dist`. */
  root: string;
  /** Node for the bundles (the runner uses Node 24 for `node24`). */
  node?: string;
  log?: (line: string) => void;
  timeoutMs?: number;
  /**
   * Where uploaded artifacts are kept, as `<store>/<run id>/<name>`; `actions/download-artifact` reads
   * the current run's, or another run's with its `run-id` input. Share one store between two
   * simulations for a `workflow_run` stage that downloads what the first stage uploaded. Default
   * `<outDir>/artifacts`.
   */
  artifactStore?: string;
}

export type Outcome = 'success' | 'failure' | 'skipped' | 'cancelled';

export interface StepResult {
  job: string;
  index: number;
  name: string;
  kind: 'action' | 'run' | 'simulated';
  outcome: Outcome;
  conclusion: Outcome;
  outputs: Record<string, string>;
  summaryFile?: string;
  logFile?: string;
  annotations: { level: string; message: string }[];
}

export interface JobResult {
  id: string;
  /** Set for one combination of a matrix job. */
  matrix?: Record<string, unknown>;
  result: Outcome;
  outputs: Record<string, string>;
  steps: StepResult[];
}

export interface SimulationResult {
  workflow: string;
  jobs: JobResult[];
  /** Each job's combined result (a matrix job fails when one combination fails). */
  results: Record<string, { result: Outcome; outputs: Record<string, string> }>;
  /** `on.workflow_call.outputs`, evaluated, for a reusable workflow. */
  outputs: Record<string, string>;
}

const PROJECT_ACTION = /^[^/\s]+\/agent-gates\/actions\/([a-z0-9-]+)@\S+$/;
const LOCAL_ACTION = /^\.\/actions\/([a-z0-9-]+)$/;

/** The local folder of one of this project's actions, or undefined for a third-party step. */
export function projectAction(uses: string, root: string): string | undefined {
  const m = PROJECT_ACTION.exec(uses) ?? LOCAL_ACTION.exec(uses);
  return m ? path.join(root, 'actions', m[1]!) : undefined;
}

interface ActionYml {
  inputs: Record<string, { default?: unknown; required?: boolean }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
}

const actionCache = new Map<string, ActionYml>();
function actionYml(dir: string): ActionYml {
  let a = actionCache.get(dir);
  if (!a) {
    const file = path.join(dir, 'action.yml');
    if (!existsSync(file)) throw new WorkflowError(`no action.yml in ${dir}`);
    const doc = parseYaml(readFileSync(file, 'utf8')) as Partial<ActionYml>;
    a = { inputs: doc.inputs ?? {}, outputs: doc.outputs ?? {}, runs: doc.runs ?? { using: '', main: '' } };
    actionCache.set(dir, a);
  }
  return a;
}

/** Output names a step can have, or undefined when they cannot be known before it runs. */
function knownOutputs(step: SimStep, root: string, scenario: Scenario): Set<string> | undefined {
  if (step.uses) {
    const dir = projectAction(step.uses, root);
    if (dir) return new Set(Object.keys(actionYml(dir).outputs));
    const declared = scenario.steps?.[step.uses.split('@')[0]!];
    return new Set(Object.keys(declared?.outputs ?? {}));
  }
  if (step.run) {
    // `echo "name=value" >> "$GITHUB_OUTPUT"` and `name<<EOF` heredocs; a script that builds names at
    // run time cannot be checked, and is not.
    if (/\$\{?GITHUB_OUTPUT/.test(step.run) && /\$\{?\w+\}?\s*(?:=|<<)/.test(step.run.split('\n').find((l) => l.includes('GITHUB_OUTPUT')) ?? ''))
      return undefined;
    const names = [...step.run.matchAll(/(?:^|["'\s])([A-Za-z_][\w-]*)(?:=|<<)[^\n]*>>\s*"?\$\{?GITHUB_OUTPUT/gm)].map((m) => m[1]!);
    return new Set(names);
  }
  return new Set();
}

function stepTexts(step: SimStep): string[] {
  return [step.if ?? '', step.run ?? '', ...Object.values(step.with), ...Object.values(step.env)];
}

/**
 * Every `needs.<job>.outputs.<name>` and `steps.<id>.outputs.<name>` must name something that exists:
 * GitHub evaluates a misspelt one to '' and the pipeline silently judges nothing.
 */
export function checkReferences(workflow: SimWorkflow, root: string, scenario: Scenario, called: Readonly<Record<string, SimWorkflow>> = {}): string[] {
  const problems: string[] = [];
  const byId = new Map(workflow.jobs.map((j) => [j.id, j]));
  // A job that calls a reusable workflow has that workflow's `on.workflow_call.outputs`.
  const jobOutputs = (id: string): string[] => {
    const job = byId.get(id);
    if (job?.uses) return Object.keys(called[id]?.callOutputs ?? {});
    return Object.keys(job?.outputs ?? {});
  };
  for (const [name, spec] of Object.entries(workflow.callOutputs)) {
    for (const expr of expressionsIn(asText(spec?.value ?? ''))) {
      for (const m of expr.matchAll(/\bjobs\.([\w-]+)\.outputs\.([\w-]+)\b/g)) {
        const [, id, output] = m;
        if (!byId.has(id!)) problems.push(`on.workflow_call.outputs.${name}: job ${id} does not exist`);
        else if (!jobOutputs(id!).includes(output!))
          problems.push(
            `on.workflow_call.outputs.${name}: jobs.${id}.outputs.${output} does not exist (job ${id} outputs: ${jobOutputs(id!).join(', ') || 'none'})`,
          );
      }
    }
  }
  for (const job of workflow.jobs) {
    const target = called[job.id];
    if (!job.uses || !target) continue;
    for (const [input, spec] of Object.entries(target.callInputs)) {
      if (spec?.required && spec.default === undefined && !(input in job.with)) problems.push(`job ${job.id}: ${job.uses} requires input ${input}`);
    }
    for (const input of Object.keys(job.with)) if (!(input in target.callInputs)) problems.push(`job ${job.id}: ${job.uses} has no input ${input}`);
    if (job.secrets !== 'inherit') {
      for (const [secret, spec] of Object.entries(target.callSecrets)) {
        if (spec?.required && !(secret in (job.secrets ?? {}))) problems.push(`job ${job.id}: ${job.uses} requires secret ${secret}`);
      }
      for (const secret of Object.keys(job.secrets ?? {}))
        if (!(secret in target.callSecrets)) problems.push(`job ${job.id}: ${job.uses} has no secret ${secret}`);
    }
  }
  for (const job of workflow.jobs) {
    const jobTexts = [
      job.if ?? '',
      ...Object.values(job.env),
      ...Object.values(job.outputs),
      ...Object.values(job.with).map((v) => asText(v)),
      ...(job.secrets && job.secrets !== 'inherit' ? Object.values(job.secrets) : []),
    ];
    const texts: { where: string; text: string; step?: number }[] = jobTexts.map((text) => ({ where: `job ${job.id}`, text }));
    job.steps.forEach((step, i) => {
      for (const text of stepTexts(step)) texts.push({ where: `job ${job.id}, step ${step.id ?? step.name ?? i + 1}`, text, step: i });
    });
    for (const { where, text, step } of texts) {
      const exprs = text === job.if || text === job.steps[step ?? -1]?.if ? [text, ...expressionsIn(text)] : expressionsIn(text);
      for (const expr of exprs) {
        for (const m of expr.matchAll(/\bneeds\.([\w-]+)\.(outputs\.([\w-]+)|result)\b/g)) {
          const [, name, , output] = m;
          if (!job.needs.includes(name!)) problems.push(`${where}: needs.${name} is not in this job's needs (${job.needs.join(', ') || 'none'})`);
          else if (output && !jobOutputs(name!).includes(output)) {
            problems.push(`${where}: needs.${name}.outputs.${output} does not exist (job ${name} outputs: ${jobOutputs(name!).join(', ') || 'none'})`);
          }
        }
        for (const m of expr.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)\b/g)) {
          const [, id, output] = m;
          const limit = step === undefined ? job.steps.length : step;
          const target = job.steps.slice(0, limit).find((s) => s.id === id);
          if (!target) {
            problems.push(`${where}: steps.${id} is not an earlier step of job ${job.id}`);
            continue;
          }
          const known = knownOutputs(target, root, scenario);
          if (known && !known.has(output!))
            problems.push(`${where}: steps.${id}.outputs.${output} does not exist (step ${id} outputs: ${[...known].join(', ') || 'none'})`);
        }
      }
    }
  }
  return problems;
}

function expandMatrix(matrix: Record<string, unknown> | undefined, contexts: Contexts): Record<string, unknown>[] {
  if (!matrix) return [{}];
  const resolved = typeof matrix === 'string' ? (interpolate(matrix, contexts, OK) as Record<string, unknown>) : matrix;
  const axes = Object.entries(resolved).filter(([k]) => k !== 'include' && k !== 'exclude');
  let combos: Record<string, unknown>[] = [{}];
  for (const [key, values] of axes) {
    const list = typeof values === 'string' ? (interpolate(values, contexts, OK) as unknown[]) : (values as unknown[]);
    combos = combos.flatMap((c) => (Array.isArray(list) ? list : [list]).map((v) => ({ ...c, [key]: v })));
  }
  const exclude = Array.isArray(resolved['exclude']) ? (resolved['exclude'] as Record<string, unknown>[]) : [];
  combos = combos.filter((c) => !exclude.some((e) => Object.entries(e).every(([k, v]) => JSON.stringify(c[k]) === JSON.stringify(v))));
  const include = Array.isArray(resolved['include']) ? (resolved['include'] as Record<string, unknown>[]) : [];
  for (const extra of include) combos.push(extra);
  return combos.length > 0 ? combos : [{}];
}

const OK: StatusState = { success: true, failure: false, cancelled: false };

interface RunContext {
  options: SimulateOptions;
  artifactStore: string;
  workflow: SimWorkflow;
  github: Record<string, unknown>;
  runnerTemp: string;
  results: SimulationResult['results'];
  log: (line: string) => void;
}

function githubContext(scenario: Scenario, workspace: string, workflowFile: string): Record<string, unknown> {
  const payload = scenario.event.payload;
  const repo = (payload['repository'] as { full_name?: string } | undefined)?.full_name ?? 'acme/widgets';
  const pr = payload['pull_request'] as { head?: { sha?: string; ref?: string }; base?: { ref?: string }; number?: number } | undefined;
  const sha = pr?.head?.sha ?? (payload['after'] as string | undefined) ?? '0'.repeat(40);
  const ref = pr ? `refs/pull/${pr.number ?? 1}/merge` : ((payload['ref'] as string | undefined) ?? 'refs/heads/main');
  return {
    event_name: scenario.event.name,
    event: payload,
    repository: repo,
    repository_owner: repo.split('/')[0],
    sha,
    ref,
    ref_name: ref.replace(/^refs\/(heads|tags)\//, ''),
    head_ref: pr?.head?.ref ?? '',
    base_ref: pr?.base?.ref ?? '',
    actor: (payload['sender'] as { login?: string } | undefined)?.login ?? 'agent-bot[bot]',
    run_id: scenario.runId ?? '9000000001',
    run_attempt: '1',
    run_number: '1',
    workflow: path.basename(workflowFile),
    workflow_ref: `${repo}/.github/workflows/${path.basename(workflowFile)}@${ref}`,
    workspace,
    server_url: 'https://github.localhost',
    api_url: 'http://127.0.0.1:9',
    token: 'simulated-token',
  };
}

function githubEnv(github: Record<string, unknown>, job: string, eventPath: string): Record<string, string> {
  const s = (k: string) => asText(github[k]);
  return {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: s('event_name'),
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: s('repository'),
    GITHUB_REPOSITORY_OWNER: s('repository_owner'),
    GITHUB_SHA: s('sha'),
    GITHUB_REF: s('ref'),
    GITHUB_REF_NAME: s('ref_name'),
    GITHUB_HEAD_REF: s('head_ref'),
    GITHUB_BASE_REF: s('base_ref'),
    GITHUB_ACTOR: s('actor'),
    GITHUB_RUN_ID: s('run_id'),
    GITHUB_RUN_ATTEMPT: s('run_attempt'),
    GITHUB_RUN_NUMBER: s('run_number'),
    GITHUB_WORKFLOW: s('workflow'),
    GITHUB_WORKFLOW_REF: s('workflow_ref'),
    GITHUB_JOB: job,
    GITHUB_WORKSPACE: s('workspace'),
    GITHUB_SERVER_URL: s('server_url'),
    GITHUB_API_URL: s('api_url'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_ENVIRONMENT: 'github-hosted',
  };
}

function runProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

async function runStep(
  rc: RunContext,
  job: SimJob,
  jobKey: string,
  step: SimStep,
  contexts: Contexts,
  state: StatusState,
  jobEnv: Record<string, string>,
): Promise<StepResult> {
  const { options } = rc;
  const name = step.name ?? step.uses ?? (step.run ? step.run.split('\n')[0]!.slice(0, 60) : `step ${step.index + 1}`);
  const base: Omit<StepResult, 'kind' | 'outcome' | 'conclusion'> = { job: jobKey, index: step.index, name, outputs: {}, annotations: [] };
  const stepDir = path.join(rc.runnerTemp, jobKey, `step-${step.index + 1}`);
  mkdirSync(stepDir, { recursive: true });
  const files = { output: 'output', summary: 'summary.md', env: 'env', state: 'state', path: 'path' };
  const filePaths = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, path.join(stepDir, f)])) as Record<keyof typeof files, string>;
  for (const f of Object.values(filePaths)) writeFileSync(f, '');
  const stepEnv: Record<string, string> = { ...jobEnv };
  for (const [k, v] of Object.entries(step.env)) stepEnv[k] = interpolateText(v, { ...contexts, env: stepEnv }, state);
  const env: Record<string, string> = {
    ...cleanBaseEnv(),
    ...githubEnv(rc.github, job.id, path.join(rc.runnerTemp, 'event.json')),
    ...(options.scenario.env ?? {}),
    ...stepEnv,
    // One RUNNER_TEMP per job, as on a runner: a file a step leaves there is there for the next step.
    RUNNER_TEMP: path.join(rc.runnerTemp, jobKey, 'tmp'),
    GITHUB_OUTPUT: filePaths.output,
    GITHUB_STEP_SUMMARY: filePaths.summary,
    GITHUB_ENV: filePaths.env,
    GITHUB_STATE: filePaths.state,
    GITHUB_PATH: filePaths.path,
  };
  mkdirSync(env['RUNNER_TEMP']!, { recursive: true });
  const cwd = step.workingDirectory ? path.resolve(options.workspace, step.workingDirectory) : options.workspace;
  const timeoutMs = options.timeoutMs ?? 300_000;
  let kind: StepResult['kind'];
  let code: number;
  let stdout = '';
  let stderr = '';
  if (step.uses && projectAction(step.uses, options.root)) {
    kind = 'action';
    const dir = projectAction(step.uses, options.root)!;
    const spec = actionYml(dir);
    const unknown = Object.keys(step.with).filter((k) => !(k in spec.inputs));
    if (unknown.length) throw new WorkflowError(`job ${job.id}, step ${name}: ${step.uses} has no input ${unknown.join(', ')}`);
    for (const [input, def] of Object.entries(spec.inputs)) {
      const given = step.with[input];
      const value =
        given !== undefined
          ? interpolateText(given, { ...contexts, env: stepEnv }, state)
          : def.default === undefined || def.default === null
            ? ''
            : interpolateText(asText(def.default), contexts, state);
      env[`INPUT_${input.replace(/ /g, '_').toUpperCase()}`] = value;
    }
    ({ code, stdout, stderr } = await runProcess(options.node ?? process.execPath, [path.join(dir, spec.runs.main)], env, cwd, timeoutMs));
  } else if (step.uses && /^actions\/(?:upload|download)-artifact@/.test(step.uses)) {
    // Artifacts are what carries files between jobs: kept in <outDir>/artifacts/<name>, for real.
    kind = 'simulated';
    const withValue = (key: string) => interpolateText(step.with[key] ?? '', { ...contexts, env: stepEnv }, state).trim();
    const name = withValue('name') || 'artifact';
    const runId = (step.uses.startsWith('actions/download-artifact@') && withValue('run-id')) || asText(rc.github['run_id']);
    if (!/^[\w.-]+$/.test(name) || !/^\d+$/.test(runId))
      throw new WorkflowError(`job ${job.id}, step ${base.name}: artifact ${name} of run ${runId} is not a name the store keeps`);
    const store = path.join(rc.artifactStore, runId, name);
    if (step.uses.startsWith('actions/upload-artifact@')) {
      const sources = withValue('path')
        .split('\n')
        .map((p) => p.trim())
        .filter(Boolean);
      const missing = sources.filter((p) => !existsSync(path.resolve(cwd, p)));
      if (sources.length === 0 || missing.length === sources.length) {
        code = 1;
        stdout = `::error::no files found at ${sources.join(', ') || '(no path)'} for artifact ${name}\n`;
      } else {
        mkdirSync(store, { recursive: true });
        // As actions/upload-artifact lays it out: paths relative to their least common ancestor (a
        // single folder's contents at the artifact's root, a single file by its name).
        const found = sources.filter((q) => !missing.includes(q)).map((q) => path.resolve(cwd, q));
        const folders = found.map((q) => (statSync(q).isDirectory() ? q : path.dirname(q)));
        let root = folders[0]!;
        while (!folders.every((f) => f === root || f.startsWith(root + path.sep))) root = path.dirname(root);
        for (const p of found) cpSync(p, path.join(store, path.relative(root, p)), { recursive: true });
        code = 0;
        stdout = `uploaded ${name} to ${store} (local artifact store)\n`;
      }
    } else if (!existsSync(store)) {
      code = 1;
      stdout = `::error::artifact ${name} was not uploaded by run ${runId}\n`;
    } else {
      const target = path.resolve(cwd, withValue('path') || '.');
      mkdirSync(target, { recursive: true });
      cpSync(store, target, { recursive: true });
      code = 0;
      stdout = `downloaded ${name} into ${target} (local artifact store)\n`;
    }
  } else if (step.uses && /^actions\/checkout@/.test(step.uses) && (step.with['repository'] ?? '') !== '') {
    // Another repository (a central policy): a local folder the scenario declares, copied to `path`.
    kind = 'simulated';
    const withValue = (key: string) => interpolateText(step.with[key] ?? '', { ...contexts, env: stepEnv }, state).trim();
    const repository = withValue('repository');
    const source = options.scenario.repositories?.[repository];
    const target = path.resolve(options.workspace, withValue('path') || '.');
    if (repository === asText(rc.github['repository'])) {
      code = 0;
      stdout = `simulated ${step.uses} of this repository\n`;
    } else if (!source) {
      code = 1;
      stdout = `::error::repository ${repository} is not in the scenario's repositories\n`;
    } else if (target !== path.resolve(options.workspace) && !target.startsWith(path.resolve(options.workspace) + path.sep)) {
      code = 1;
      stdout = `::error::checkout path ${withValue('path')} is outside the workspace\n`;
    } else {
      mkdirSync(target, { recursive: true });
      cpSync(source, target, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
      code = 0;
      stdout = `checked out ${repository}@${withValue('ref') || 'default branch'} from ${source} into ${target} (simulated)\n`;
    }
  } else if (step.uses) {
    kind = 'simulated';
    const declared = options.scenario.steps?.[step.uses.split('@')[0]!];
    // `$RUNNER_TEMP/…` in a declared file or output is the job's temp folder, where actions leave what
    // is not part of the change (claude-code-action's execution file).
    const temp = (text: string) => text.replace(/^\$RUNNER_TEMP(?=\/)/, env['RUNNER_TEMP']!);
    for (const [k, v] of Object.entries(declared?.outputs ?? {})) writeFileSync(filePaths.output, `${k}<<__SIM__\n${temp(v)}\n__SIM__\n`, { flag: 'a' });
    for (const [file, content] of Object.entries(declared?.files ?? {})) {
      const inTemp = file.startsWith('$RUNNER_TEMP/');
      const root = inTemp ? env['RUNNER_TEMP']! : options.workspace;
      const target = path.resolve(root, inTemp ? file.slice('$RUNNER_TEMP/'.length) : file);
      if (!target.startsWith(path.resolve(root) + path.sep))
        throw new WorkflowError(`scenario step ${step.uses}: file ${file} is outside the workspace and the runner's temp folder`);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    code = declared?.outcome === 'failure' ? 1 : 0;
    stdout = `simulated ${step.uses}${declared ? '' : ' (no scenario entry: no outputs)'}\n`;
    if (declared?.run && code === 0) {
      const scriptFile = path.join(stepDir, 'scenario.sh');
      writeFileSync(scriptFile, declared.run);
      const r = await runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], env, cwd, timeoutMs);
      code = r.code;
      stdout += r.stdout;
      stderr = r.stderr;
    }
  } else {
    kind = 'run';
    const script = interpolateText(step.run ?? '', { ...contexts, env: stepEnv }, state);
    const scriptFile = path.join(stepDir, 'script.sh');
    writeFileSync(scriptFile, script);
    const shell = step.shell ?? 'bash';
    const args = shell === 'bash' ? ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile] : shell === 'sh' ? ['-e', scriptFile] : [scriptFile];
    ({ code, stdout, stderr } = await runProcess(shell === 'bash' || shell === 'sh' ? shell : shell.split(' ')[0]!, args, env, cwd, timeoutMs));
  }
  const commands = parseWorkflowCommands(stdout);
  const masks = commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
  const logFile = path.join(options.outDir, 'logs', `${jobKey}-${step.index + 1}.log`);
  mkdirSync(path.dirname(logFile), { recursive: true });
  writeFileSync(logFile, `${renderLog(stdout, masks)}\n${renderLog(stderr, masks)}`);
  const summary = readFileSync(filePaths.summary, 'utf8');
  let summaryFile: string | undefined;
  if (summary) {
    summaryFile = path.join(options.outDir, 'summaries', `${jobKey}-${step.index + 1}.md`);
    mkdirSync(path.dirname(summaryFile), { recursive: true });
    writeFileSync(summaryFile, summary);
  }
  Object.assign(jobEnv, parseKeyValueFile(readFileSync(filePaths.env, 'utf8'), `GITHUB_ENV of ${name}`));
  const outcome: Outcome = code === 0 ? 'success' : 'failure';
  const continueOnError =
    typeof step.continueOnError === 'boolean' ? step.continueOnError : asText(interpolate(step.continueOnError, contexts, state)) === 'true';
  return {
    ...base,
    kind,
    outcome,
    conclusion: outcome === 'failure' && continueOnError ? 'success' : outcome,
    outputs: parseKeyValueFile(readFileSync(filePaths.output, 'utf8'), `GITHUB_OUTPUT of ${name}`),
    ...(summaryFile ? { summaryFile } : {}),
    logFile,
    annotations: commands.filter((c) => ['error', 'warning', 'notice'].includes(c.command)).map((c) => ({ level: c.command, message: c.message })),
  };
}

async function runJob(rc: RunContext, job: SimJob, matrix: Record<string, unknown>, jobContexts: Contexts): Promise<JobResult> {
  const jobKey = Object.keys(matrix).length
    ? `${job.id}-${Object.values(matrix)
        .map((v) => asText(v))
        .join('-')}`
    : job.id;
  // One RUNNER_TEMP per job, as on a runner (runStep sets the same folder in the environment).
  const contexts = { ...jobContexts, runner: { ...(jobContexts['runner'] as object), temp: path.join(rc.runnerTemp, jobKey, 'tmp') } };
  const jobEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...rc.workflow.env, ...job.env })) jobEnv[k] = interpolateText(v, { ...contexts, env: jobEnv }, OK);
  const steps: StepResult[] = [];
  const stepsContext: Record<string, { outcome: Outcome; conclusion: Outcome; outputs: Record<string, string> }> = {};
  let failed = false;
  for (const step of job.steps) {
    const state: StatusState = { success: !failed, failure: failed, cancelled: false };
    const ctx = { ...contexts, env: jobEnv, steps: stepsContext, job: { status: failed ? 'failure' : 'success' } };
    if (!condition(step.if, ctx, state)) {
      const skipped: StepResult = {
        job: jobKey,
        index: step.index,
        name: step.name ?? step.uses ?? `step ${step.index + 1}`,
        kind: step.uses ? 'action' : 'run',
        outcome: 'skipped',
        conclusion: 'skipped',
        outputs: {},
        annotations: [],
      };
      steps.push(skipped);
      if (step.id) stepsContext[step.id] = { outcome: 'skipped', conclusion: 'skipped', outputs: {} };
      rc.log(`  ${jobKey} · ${skipped.name}: skipped`);
      continue;
    }
    const result = await runStep(rc, job, jobKey, step, ctx, state, jobEnv);
    steps.push(result);
    if (step.id) stepsContext[step.id] = { outcome: result.outcome, conclusion: result.conclusion, outputs: result.outputs };
    if (result.conclusion === 'failure') failed = true;
    const shown = Object.entries(result.outputs)
      .filter(([k]) => ['verdict', 'risk', 'action', 'confidence', 'event-digest', 'chain-head'].includes(k))
      .map(([k, v]) => `${k}=${v.slice(0, 40)}`)
      .join(' ');
    rc.log(`  ${jobKey} · ${result.name}: ${result.outcome}${result.kind === 'simulated' ? ' (simulated)' : ''}${shown ? `  ${shown}` : ''}`);
  }
  const outputs: Record<string, string> = {};
  const ctx = { ...contexts, env: jobEnv, steps: stepsContext };
  for (const [k, v] of Object.entries(job.outputs)) outputs[k] = interpolateText(v, ctx, OK);
  return { id: job.id, ...(Object.keys(matrix).length ? { matrix } : {}), result: failed ? 'failure' : 'success', outputs, steps };
}

/** Runs the workflow; throws WorkflowError (before anything runs) when it refers to something that does not exist. */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  const workflow = await loadWorkflow(options.workflow);
  const problems: string[] = [];
  const called = new Map<SimWorkflow, Record<string, SimWorkflow>>();
  // The workflow and every reusable workflow it calls, checked before anything runs.
  const check = async (wf: SimWorkflow, trail: string[]): Promise<void> => {
    const mine: Record<string, SimWorkflow> = {};
    for (const job of wf.jobs) {
      if (!job.uses) continue;
      const file = calledWorkflowFile(job.uses, options);
      if (trail.includes(file)) throw new WorkflowError(`${wf.file}: job ${job.id} calls ${job.uses}, which calls it back`);
      mine[job.id] = await loadWorkflow(file);
      await check(mine[job.id]!, [...trail, file]);
    }
    called.set(wf, mine);
    problems.push(...checkReferences(wf, options.root, options.scenario, mine).map((p) => (wf === workflow ? p : `${wf.file}: ${p}`)));
  };
  await check(workflow, [workflow.file]);
  if (problems.length) throw new WorkflowError(`${options.workflow}:\n- ${problems.join('\n- ')}`);
  const artifactStore = options.artifactStore ?? path.join(options.outDir, 'artifacts');
  const secrets = { GITHUB_TOKEN: 'simulated-token', ...(options.scenario.secrets ?? {}) };
  return runWorkflow(workflow, { ...options, artifactStore }, options.scenario.inputs ?? {}, secrets, called);
}

/** The file a job's `uses:` runs: declared in the scenario, or (`./…`) read from the workspace. */
export function calledWorkflowFile(uses: string, options: Pick<SimulateOptions, 'workspace' | 'scenario'>): string {
  const ref = uses.replace(/@[^@]*$/, '');
  const declared = options.scenario.workflows?.[ref];
  if (declared) return declared;
  if (ref.startsWith('./')) return path.resolve(options.workspace, ref);
  throw new WorkflowError(`${uses} is a reusable workflow in another repository: declare its local file in the scenario's workflows`);
}

async function runWorkflow(
  workflow: SimWorkflow,
  options: SimulateOptions & { artifactStore: string },
  inputs: Record<string, unknown>,
  secrets: Record<string, string>,
  called: ReadonlyMap<SimWorkflow, Record<string, SimWorkflow>>,
): Promise<SimulationResult> {
  const log = options.log ?? (() => undefined);
  const runnerTemp = path.join(options.outDir, 'runner');
  mkdirSync(runnerTemp, { recursive: true });
  writeFileSync(path.join(runnerTemp, 'event.json'), JSON.stringify(options.scenario.event.payload, null, 2));
  const github = githubContext(options.scenario, options.workspace, options.workflow);
  const rc: RunContext = { options, artifactStore: options.artifactStore, workflow, github, runnerTemp, results: {}, log };
  const callInputs: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(workflow.callInputs)) callInputs[k] = inputs[k] ?? spec.default ?? (spec.type === 'boolean' ? false : '');
  const base: Contexts = {
    github,
    inputs: { ...inputs, ...callInputs },
    secrets,
    vars: options.scenario.vars ?? {},
    runner: { os: 'Linux', arch: 'X64', temp: runnerTemp },
    env: {},
    matrix: {},
    strategy: {},
  };
  const jobs: JobResult[] = [];
  log(`${workflow.name} (${path.basename(workflow.file)}) on ${options.scenario.event.name}${options.scenario.name ? ` — ${options.scenario.name}` : ''}`);
  for (const job of jobOrder(workflow)) {
    const needs: Record<string, { result: Outcome; outputs: Record<string, string> }> = {};
    for (const n of job.needs) needs[n] = rc.results[n]!;
    const needState: StatusState = {
      success: job.needs.every((n) => rc.results[n]?.result === 'success'),
      failure: job.needs.some((n) => rc.results[n]?.result === 'failure'),
      cancelled: false,
    };
    const contexts = { ...base, needs };
    if (!condition(job.if, contexts, needState)) {
      rc.results[job.id] = { result: 'skipped', outputs: {} };
      jobs.push({ id: job.id, result: 'skipped', outputs: {}, steps: [] });
      log(`job ${job.id}: skipped`);
      continue;
    }
    if (job.uses) {
      const target = called.get(workflow)?.[job.id];
      if (!target) throw new WorkflowError(`${workflow.file}: job ${job.id} calls ${job.uses}, which was not loaded`);
      const withValues: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(job.with)) withValues[k] = typeof v === 'string' ? interpolate(v, contexts, needState) : v;
      // A called workflow sees only the secrets passed to it (or all of them with `secrets: inherit`).
      const passed: Record<string, string> = { GITHUB_TOKEN: secrets['GITHUB_TOKEN'] ?? 'simulated-token' };
      if (job.secrets === 'inherit') Object.assign(passed, secrets);
      else for (const [k, v] of Object.entries(job.secrets ?? {})) passed[k] = interpolateText(v, contexts, needState);
      log(`job ${job.id}: calls ${job.uses}`);
      const inner = await runWorkflow(target, { ...options, workflow: target.file, outDir: path.join(options.outDir, job.id) }, withValues, passed, called);
      const result: Outcome = Object.values(inner.results).some((r) => r.result === 'failure') ? 'failure' : 'success';
      rc.results[job.id] = { result, outputs: inner.outputs };
      jobs.push({ id: job.id, result, outputs: inner.outputs, steps: inner.jobs.flatMap((j) => j.steps) });
      continue;
    }
    let result: Outcome = 'success';
    let outputs: Record<string, string> = {};
    for (const matrix of expandMatrix(job.matrix, contexts)) {
      log(`job ${job.id}${Object.keys(matrix).length ? ` ${JSON.stringify(matrix)}` : ''}`);
      const r = await runJob(rc, job, matrix, { ...contexts, matrix, strategy: { 'fail-fast': true } });
      jobs.push(r);
      const continueOnError =
        typeof job.continueOnError === 'boolean'
          ? job.continueOnError
          : asText(evaluate(job.continueOnError.replace(/^\$\{\{|\}\}$/g, ''), { ...contexts, matrix }, OK)) === 'true';
      if (r.result === 'failure' && !continueOnError) result = 'failure';
      // A matrix job's outputs are whichever combination set them last, as on GitHub.
      outputs = { ...outputs, ...Object.fromEntries(Object.entries(r.outputs).filter(([, v]) => v !== '')) };
    }
    for (const k of Object.keys(job.outputs)) outputs[k] ??= '';
    rc.results[job.id] = { result, outputs };
    log(`job ${job.id}: ${result}`);
  }
  const outputs: Record<string, string> = {};
  for (const [k, spec] of Object.entries(workflow.callOutputs)) outputs[k] = interpolateText(spec.value, { ...base, jobs: rc.results }, OK);
  const result: SimulationResult = { workflow: workflow.file, jobs, results: rc.results, outputs };
  writeFileSync(path.join(options.outDir, 'result.json'), JSON.stringify(result, null, 2));
  return result;
}
