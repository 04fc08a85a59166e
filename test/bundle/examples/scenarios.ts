/**
 * Repositories and scenarios for running every example pipeline in the simulator. The project, its
 * policy, the agent's changes, manifests and transcripts come from the demo's builders
 * (scripts/demo/fixture.ts); this adds what a pull request needs: a base on `main`, the change
 * committed on `agent/change`, and the event GitHub would send.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyChain } from '../../../packages/core/src/audit/index.js';
import { simulate, type Scenario, type SimulationResult } from '../../../packages/simulator/src/index.js';
import { createDemoRepository, git, writeFiles } from '../../../scripts/demo/fixture.js';
import { pullRequestEvent, type GitRepo } from '../../harness/git-repo.js';
import { nodeForBundles } from '../../harness/run-action.js';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const EXAMPLES = path.join(ROOT, 'workflows-examples');

/** A routing policy for the demo project; `extra` is appended (more top-level keys or routing settings). */
export function policy(lines: readonly string[]): string {
  return ['version: 1', ...lines, ''].join('\n');
}

/**
 * The demo project with `base` over its base files on `main`, and `change` committed on
 * `agent/change` (checked out, as actions/checkout leaves a pull request's head). `null` deletes.
 */
export function pullRequestRepository(dir: string, base: Readonly<Record<string, string | null>>, change: Readonly<Record<string, string | null>>): GitRepo {
  const baseSha = createDemoRepository(dir, base);
  git(dir, 'checkout', '-q', '-b', 'agent/change');
  writeFiles(dir, change);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'agent change\n\nCo-authored-by: Claude <noreply@anthropic.com>');
  return { dir, baseSha, headSha: git(dir, 'rev-parse', 'HEAD'), headRef: 'agent/change', baseRef: 'main' };
}

/** A pull_request scenario for `repo`; `steps` declares the third-party steps' outputs. */
export function pullRequestScenario(
  repo: GitRepo,
  options: {
    name: string;
    runId: string;
    steps?: Scenario['steps'];
    env?: Record<string, string>;
    payload?: Record<string, unknown>;
    secrets?: Record<string, string>;
  },
): Scenario {
  return {
    name: options.name,
    runId: options.runId,
    event: { name: 'pull_request', payload: pullRequestEvent(repo, options.payload ?? {}) },
    steps: {
      'actions/checkout': {},
      'github/codeql-action/upload-sarif': {},
      ...(options.steps ?? {}),
    },
    ...(options.env ? { env: options.env } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  };
}

const node = nodeForBundles().path;

/** Runs one example (or any workflow file) in the simulator; every step's log lines go to `lines`. */
export async function runExample(
  workflow: string,
  scenario: Scenario,
  workspace: string,
  outDir: string,
  artifactStore?: string,
): Promise<SimulationResult & { lines: string[] }> {
  mkdirSync(outDir, { recursive: true });
  const lines: string[] = [];
  const result = await simulate({
    workflow: path.isAbsolute(workflow) ? workflow : path.join(EXAMPLES, workflow),
    scenario,
    workspace,
    outDir,
    root: ROOT,
    node,
    log: (line) => lines.push(line),
    timeoutMs: 120_000,
    ...(artifactStore ? { artifactStore } : {}),
  });
  return { ...result, lines };
}

/** The audit log a `file` sink wrote in the workspace (the policy's default path), verified. */
export async function auditChain(workspace: string, log = 'agent-gates-audit.jsonl'): Promise<{ ok: boolean; events: number; message: string }> {
  const file = path.join(workspace, log);
  if (!existsSync(file)) return { ok: false, events: 0, message: `${file} was not written` };
  const verified = await verifyChain(file);
  return { ok: verified.ok, events: verified.events, message: verified.break?.message ?? '' };
}

/** The events of an audit log, parsed. */
export function auditEvents(workspace: string, log = 'agent-gates-audit.jsonl'): Record<string, unknown>[] {
  return readFileSync(path.join(workspace, log), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Gate outputs of one job, by name. */
export function outputsOf(result: SimulationResult, job: string): Record<string, string> {
  return result.results[job]?.outputs ?? {};
}
