import { readFileSync } from 'node:fs';
import { ConfigError } from '@agent-gates/core';

/** What the runner tells a step about the run it is part of. */
export interface RunContext {
  repository: string;
  serverUrl: string;
  runId: string;
  runAttempt: string;
  runNumber: string;
  job: string;
  workflow: string;
  workflowRef: string;
  eventName: string;
  sha: string;
  ref: string;
  actor: string;
  workspace: string;
  runnerTemp: string;
  pullRequest?: { number: number; baseSha: string; headSha: string; baseRef: string; headRef: string };
}

type Env = Readonly<Record<string, string | undefined>>;

export function readRunContext(env: Env = process.env): RunContext {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const context: RunContext = {
    repository: env.GITHUB_REPOSITORY ?? '',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    runId: env.GITHUB_RUN_ID ?? '',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    runNumber: env.GITHUB_RUN_NUMBER ?? '',
    job: env.GITHUB_JOB ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    workflowRef: env.GITHUB_WORKFLOW_REF ?? '',
    eventName,
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    actor: env.GITHUB_ACTOR ?? '',
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runnerTemp: env.RUNNER_TEMP ?? '',
  };
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath && eventName.startsWith('pull_request')) {
    let payload: unknown;
    try {
      payload = JSON.parse(readFileSync(eventPath, 'utf8'));
    } catch (error) {
      throw new ConfigError('E_INPUT', `GITHUB_EVENT_PATH (${eventPath}) is not a readable JSON event payload`, {
        cause: error,
      });
    }
    const pr = (payload as { pull_request?: Record<string, unknown> }).pull_request;
    const base = pr?.base as { sha?: unknown; ref?: unknown } | undefined;
    const head = pr?.head as { sha?: unknown; ref?: unknown } | undefined;
    if (!pr || typeof pr.number !== 'number' || typeof base?.sha !== 'string' || typeof head?.sha !== 'string') {
      throw new ConfigError('E_INPUT', `GITHUB_EVENT_PATH (${eventPath}) holds a ${eventName} event without pull_request.number, base.sha and head.sha`);
    }
    context.pullRequest = {
      number: pr.number,
      baseSha: base.sha,
      headSha: head.sha,
      baseRef: typeof base.ref === 'string' ? base.ref : '',
      headRef: typeof head.ref === 'string' ? head.ref : '',
    };
  }
  return context;
}

/**
 * The event payload the runner wrote to GITHUB_EVENT_PATH, or undefined outside a runner. A path
 * that is set but unreadable is the runner's or the workflow's mistake, never a reason to guess.
 */
export function readEventPayload(env: Env = process.env): unknown {
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventPath) return undefined;
  try {
    return JSON.parse(readFileSync(eventPath, 'utf8')) as unknown;
  } catch (error) {
    throw new ConfigError('E_INPUT', `GITHUB_EVENT_PATH (${eventPath}) is not a readable JSON event payload`, { cause: error });
  }
}
