/**
 * A workflow file as the simulator runs it. GitHub's own `@actions/workflow-parser` validates the file
 * against the workflow schema and gives the job graph (`needs`, job `if:`); step details the converted
 * model leaves out (`with:`, `shell`, `working-directory`, block scalars) are read from the same YAML
 * with the `yaml` package, as FACTS.md advises.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { ErrorPolicy } from '@actions/workflow-parser/model/convert';
import { parse as parseYaml } from 'yaml';

export interface SimStep {
  readonly index: number;
  readonly id?: string;
  readonly name?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly shell?: string;
  readonly workingDirectory?: string;
  readonly continueOnError: boolean | string;
}

export interface SimJob {
  readonly id: string;
  readonly name?: string;
  readonly needs: readonly string[];
  readonly if?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
  readonly steps: readonly SimStep[];
  /** `strategy.matrix` as written (values may be expressions). */
  readonly matrix?: Readonly<Record<string, unknown>>;
  readonly permissions?: unknown;
  readonly environment?: string;
  /** A job that calls a reusable workflow (`uses: ./.github/workflows/x.yml`). */
  readonly uses?: string;
  readonly with: Readonly<Record<string, unknown>>;
  /** `secrets:` of a job that calls a reusable workflow: a mapping, or `inherit`. */
  readonly secrets?: Readonly<Record<string, string>> | 'inherit';
  readonly continueOnError: boolean | string;
}

export interface SimWorkflow {
  readonly file: string;
  readonly name: string;
  readonly on: unknown;
  readonly env: Readonly<Record<string, string>>;
  readonly permissions?: unknown;
  readonly jobs: readonly SimJob[];
  /** `on.workflow_call.inputs`, with their defaults, for reusable workflows. */
  readonly callInputs: Readonly<Record<string, { default?: unknown; required?: boolean; type?: string }>>;
  readonly callOutputs: Readonly<Record<string, { value: string }>>;
  /** `on.workflow_call.secrets`, for reusable workflows. */
  readonly callSecrets: Readonly<Record<string, { required?: boolean }>>;
}

export class WorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowError';
  }
}

type Yaml = Record<string, unknown>;
const isMap = (v: unknown): v is Yaml => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A YAML scalar as text; a mapping or list (never meant here) as its JSON, so nothing prints `[object Object]`. */
const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
const strings = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (isMap(v)) for (const [k, x] of Object.entries(v)) out[k] = x === null || x === undefined ? '' : text(x);
  return out;
};
const optional = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : text(v));

/** Parses and validates a workflow. Every schema error the parser reports is an error here, with its place. */
export async function loadWorkflow(file: string): Promise<SimWorkflow> {
  const content = readFileSync(file, 'utf8');
  const name = path.basename(file);
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const parseErrors = parsed.context.errors.getErrors();
  if (parseErrors.length > 0 || !parsed.value) {
    throw new WorkflowError(`${file}: ${parseErrors.map((e) => e.message).join('; ') || 'not a workflow'}`);
  }
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, undefined, { errorPolicy: ErrorPolicy.TryConversion });
  const errors = template.errors ?? [];
  if (errors.length > 0) throw new WorkflowError(`${file}: ${errors.map((e: { Message?: string; message?: string }) => e.Message ?? e.message).join('; ')}`);

  const doc = parseYaml(content) as Yaml;
  const jobsYaml = isMap(doc['jobs']) ? doc['jobs'] : {};
  const jobs: SimJob[] = [];
  for (const job of template.jobs) {
    const id = String((job.id as { value?: string } | undefined)?.value ?? job.id);
    const y = isMap(jobsYaml[id]) ? jobsYaml[id] : {};
    const stepsYaml = Array.isArray(y['steps']) ? (y['steps'] as unknown[]) : [];
    const steps: SimStep[] = stepsYaml.map((s, index) => {
      const step = isMap(s) ? s : {};
      return {
        index,
        ...(step['id'] !== undefined ? { id: text(step['id']) } : {}),
        ...(step['name'] !== undefined ? { name: text(step['name']) } : {}),
        ...(step['if'] !== undefined ? { if: text(step['if']) } : {}),
        ...(step['uses'] !== undefined ? { uses: text(step['uses']) } : {}),
        ...(step['run'] !== undefined ? { run: text(step['run']) } : {}),
        with: strings(step['with']),
        env: strings(step['env']),
        ...(optional(step['shell']) ? { shell: optional(step['shell'])! } : {}),
        ...(optional(step['working-directory']) ? { workingDirectory: optional(step['working-directory'])! } : {}),
        continueOnError: typeof step['continue-on-error'] === 'boolean' ? step['continue-on-error'] : (optional(step['continue-on-error']) ?? false),
      };
    });
    const needs = (job as { needs?: { value: string }[] }).needs?.map((n) => n.value) ?? [];
    const strategy = isMap(y['strategy']) ? y['strategy'] : undefined;
    const environment = isMap(y['environment']) ? optional(y['environment']['name']) : optional(y['environment']);
    jobs.push({
      id,
      ...(y['name'] !== undefined ? { name: text(y['name']) } : {}),
      needs,
      ...(y['if'] !== undefined ? { if: text(y['if']) } : {}),
      env: strings(y['env']),
      outputs: strings(y['outputs']),
      steps,
      ...(strategy && isMap(strategy['matrix']) ? { matrix: strategy['matrix'] } : {}),
      ...(y['permissions'] !== undefined ? { permissions: y['permissions'] } : {}),
      ...(environment ? { environment } : {}),
      ...(y['uses'] !== undefined ? { uses: text(y['uses']) } : {}),
      with: isMap(y['with']) ? y['with'] : {},
      ...(y['secrets'] === 'inherit' ? { secrets: 'inherit' as const } : isMap(y['secrets']) ? { secrets: strings(y['secrets']) } : {}),
      continueOnError: typeof y['continue-on-error'] === 'boolean' ? y['continue-on-error'] : (optional(y['continue-on-error']) ?? false),
    });
  }
  const on = doc['on'] ?? doc[true as unknown as string];
  const call = isMap(on) && isMap(on['workflow_call']) ? on['workflow_call'] : {};
  return {
    file,
    name: text(doc['name'] ?? name),
    on,
    env: strings(doc['env']),
    ...(doc['permissions'] !== undefined ? { permissions: doc['permissions'] } : {}),
    jobs,
    callInputs: (isMap(call['inputs']) ? call['inputs'] : {}) as SimWorkflow['callInputs'],
    callOutputs: (isMap(call['outputs']) ? call['outputs'] : {}) as SimWorkflow['callOutputs'],
    callSecrets: (isMap(call['secrets']) ? call['secrets'] : {}) as SimWorkflow['callSecrets'],
  };
}

/** Jobs in an order that respects `needs:`; a cycle or an unknown job is an error. */
export function jobOrder(workflow: SimWorkflow): SimJob[] {
  const byId = new Map(workflow.jobs.map((j) => [j.id, j]));
  const order: SimJob[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (job: SimJob, trail: string[]): void => {
    if (state.get(job.id) === 'done') return;
    if (state.get(job.id) === 'visiting') throw new WorkflowError(`${workflow.file}: jobs depend on each other in a cycle: ${[...trail, job.id].join(' → ')}`);
    state.set(job.id, 'visiting');
    for (const need of job.needs) {
      const dep = byId.get(need);
      if (!dep) throw new WorkflowError(`${workflow.file}: job ${job.id} needs ${need}, which does not exist`);
      visit(dep, [...trail, job.id]);
    }
    state.set(job.id, 'done');
    order.push(job);
  };
  for (const job of workflow.jobs) visit(job, []);
  return order;
}
