import type { SideEffectPlan } from '@agent-gates/core/router';
import type { RouterDecision } from '@agent-gates/core/router';
import { escapeMarkdown, truncate } from './markdown.js';
import { rateLimitWait } from './octokit.js';

/**
 * Writes a router's side-effect plan (core's planSideEffects) through the GitHub REST API: labels
 * replaced, one sticky comment, reviewers requested, a commit status, and an approval only of the
 * head that was judged. Each effect is idempotent. `staged` writes nothing and reports exactly what
 * would have been written. A read-only token (a fork's pull request) skips the rest with a warning.
 */

/** The one method the executor needs; action-kit's GitHubClient (createGitHubClient) has it. */
export interface RestClient {
  request(route: string, parameters?: Record<string, unknown>): Promise<{ status: number; data: unknown; headers?: Record<string, unknown> }>;
}

export type SideEffectName = 'label' | 'comment' | 'request-reviewers' | 'approve' | 'commit-status';

export interface SideEffectOutcome {
  effect: SideEffectName;
  /** `written`: changed on GitHub; `unchanged`: already so; `preview`: staged; `skipped`: not done, with why; `failed`. */
  state: 'written' | 'unchanged' | 'preview' | 'skipped' | 'failed';
  detail: string;
  /** Exactly what was (or, staged, would have been) written. */
  payload?: unknown;
}

export interface SideEffectResult {
  outcomes: SideEffectOutcome[];
  /** An effect finally failed (after retries); the step fails unless `fail-on: never`. */
  failed: boolean;
  /** The token could not write (fork pull request): the rest was skipped with a warning. */
  readOnly: boolean;
}

export interface ExecuteOptions {
  client?: RestClient;
  log: { warning(message: string): void; info(message: string): void };
  /** Waits between retries; tests pass one that records instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Attempts per call on a 5xx (the client retries 5xx inside each too). Rate limits are the client's
   * (createGitHubClient waits them out up to its cap); one it gave up on is not retried here.
   */
  attempts?: number;
}

/** GitHub's limit on an issue comment's body. */
export const COMMENT_LIMIT = 65_536;

const ACTION_TITLE: Record<RouterDecision['action'], string> = {
  auto_approve: '✅ auto_approve',
  human_review: '👀 human_review',
  reject: '⛔ reject',
};

function cell(value: string | number | null | undefined): string {
  return escapeMarkdown(truncate(value === null || value === undefined ? '—' : String(value), 300));
}

/** The sticky comment: marker, decision, confidence, tier, the reasons table, links. Every value is escaped. */
export function renderDecisionComment(decision: RouterDecision, options: { marker: string; runUrl?: string }): string {
  const head = [
    options.marker,
    `### agent-gates: ${ACTION_TITLE[decision.action]}`,
    '',
    `**Confidence** ${cell(decision.confidence)} · **risk tier** ${cell(decision.riskTier)} · **threshold** ${cell(decision.threshold ?? 'none (critical)')} · **author** ${cell(decision.authorKind)} (${cell(decision.authorKindBecause)})`,
    '',
    '| signal | value | weight | contribution | note |',
    '| --- | --- | --- | --- | --- |',
    ...decision.rows.map((r) => `| ${cell(r.signal)} | ${cell(r.value)} | ${cell(r.weight)} | ${cell(r.contribution)} | ${cell(r.note)} |`),
    '',
  ];
  const links: string[] = [];
  if (decision.links.transcript && /^https:\/\/[^\s()<>]+$/.test(decision.links.transcript)) links.push(`[transcript artifact](${decision.links.transcript})`);
  if (options.runUrl && /^https:\/\/[^\s()<>]+$/.test(options.runUrl)) links.push(`[workflow run](${options.runUrl})`);
  const tail = [...(links.length ? [links.join(' · '), ''] : []), `<sub>decision ${cell(decision.decisionDigest)}</sub>`];
  const reasonLines = [
    '| check | reason |',
    '| --- | --- |',
    ...decision.reasons.filter((r) => r.code !== 'report-unread').map((r) => `| ${cell(r.code)} | ${cell(r.message)} |`),
    '',
  ];
  const budget = COMMENT_LIMIT - [...head, ...tail].join('\n').length - 200;
  let reasons = reasonLines.join('\n');
  if (reasons.length > budget) {
    const kept: string[] = [];
    let size = 0;
    for (const line of reasonLines) {
      if (size + line.length + 1 > budget) break;
      kept.push(line);
      size += line.length + 1;
    }
    reasons = `${kept.join('\n')}\n\n_${reasonLines.length - kept.length} reason(s) left out to stay under GitHub's comment limit; the report has them all._\n`;
  }
  return [...head, reasons, ...tail].join('\n');
}

interface HttpError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, unknown>; data?: unknown };
}

const asHttpError = (error: unknown): HttpError => (error !== null && typeof error === 'object' ? error : {});

function isReadOnly(thrown: unknown, error: HttpError): boolean {
  return (
    error.status === 403 &&
    /not accessible by integration|must have (admin|push|write)|read-only/i.test(error.message ?? '') &&
    rateLimitWait(thrown, Date.now()) === undefined
  );
}

class ReadOnlyToken extends Error {}

export async function executeSideEffects(plan: SideEffectPlan, options: ExecuteOptions): Promise<SideEffectResult> {
  const outcomes: SideEffectOutcome[] = plan.skipped.map((s) => ({ effect: s.effect as SideEffectName, state: 'skipped' as const, detail: s.why }));
  const result: SideEffectResult = { outcomes, failed: false, readOnly: false };
  const { owner, repo } = plan.repository;
  const pr = plan.pullRequest;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const attempts = options.attempts ?? 3;
  const commentBody = plan.comment
    ? renderDecisionComment(plan.comment.decision, { marker: plan.comment.marker, ...(plan.comment.runUrl ? { runUrl: plan.comment.runUrl } : {}) })
    : '';

  const steps: { effect: SideEffectName; payload: unknown; run: (call: RestClient['request']) => Promise<Omit<SideEffectOutcome, 'effect' | 'payload'>> }[] =
    [];
  if (plan.label) {
    const label = plan.label;
    steps.push({
      effect: 'label',
      payload: label,
      run: async (call) => {
        const { data } = await call('GET /repos/{owner}/{repo}/issues/{issue_number}/labels', { owner, repo, issue_number: pr, per_page: 100 });
        const present = new Set((Array.isArray(data) ? data : []).map((l: { name?: string }) => l.name));
        let changed = false;
        for (const name of label.remove) {
          if (!present.has(name)) continue;
          await call('DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', { owner, repo, issue_number: pr, name });
          changed = true;
        }
        if (!present.has(label.add)) {
          await call('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', { owner, repo, issue_number: pr, labels: [label.add] });
          changed = true;
        }
        return { state: changed ? 'written' : 'unchanged', detail: `label ${label.add}` };
      },
    });
  }
  if (plan.comment) {
    const marker = plan.comment.marker;
    steps.push({
      effect: 'comment',
      payload: commentBody,
      run: async (call) => {
        let existing: { id: number; body: string } | undefined;
        for (let page = 1; page <= 30 && !existing; page += 1) {
          const { data } = await call('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: pr, per_page: 100, page });
          const comments = Array.isArray(data) ? (data as { id: number; body?: string }[]) : [];
          const found = comments.find((c) => (c.body ?? '').startsWith(marker));
          if (found) existing = { id: found.id, body: found.body ?? '' };
          if (comments.length < 100) break;
        }
        if (existing && existing.body === commentBody) return { state: 'unchanged', detail: `comment ${existing.id}` };
        if (existing) {
          await call('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner, repo, comment_id: existing.id, body: commentBody });
          return { state: 'written', detail: `comment ${existing.id} updated` };
        }
        const { data } = await call('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: pr, body: commentBody });
        return { state: 'written', detail: `comment ${(data as { id?: number }).id ?? ''} created` };
      },
    });
  }
  if (plan.reviewers) {
    const reviewers = plan.reviewers;
    steps.push({
      effect: 'request-reviewers',
      payload: reviewers,
      run: async (call) => {
        await call('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', {
          owner,
          repo,
          pull_number: pr,
          reviewers: reviewers.users,
          team_reviewers: reviewers.teams,
        });
        return { state: 'written', detail: [...reviewers.users, ...reviewers.teams.map((t) => `team ${t}`)].join(', ') };
      },
    });
  }
  if (plan.status) {
    const status = plan.status;
    steps.push({
      effect: 'commit-status',
      payload: status,
      run: async (call) => {
        await call('POST /repos/{owner}/{repo}/statuses/{sha}', {
          owner,
          repo,
          sha: status.sha,
          state: status.state,
          context: status.context,
          description: truncate(status.description, 140),
          ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
        });
        return { state: 'written', detail: `${status.context} ${status.state} on ${status.sha.slice(0, 12)}` };
      },
    });
  }
  if (plan.approve) {
    const approve = plan.approve;
    steps.push({
      effect: 'approve',
      payload: approve,
      run: async (call) => {
        // Right before approving: the head may have moved since it was judged.
        const { data } = await call('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner, repo, pull_number: pr });
        const head = (data as { head?: { sha?: string }; state?: string }).head?.sha;
        if (head !== approve.headSha)
          return { state: 'skipped', detail: `head is now ${String(head).slice(0, 12)}, not the judged ${approve.headSha.slice(0, 12)}: not approved` };
        if ((data as { state?: string }).state !== 'open') return { state: 'skipped', detail: 'the pull request is not open' };
        await call('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
          owner,
          repo,
          pull_number: pr,
          commit_id: approve.headSha,
          event: 'APPROVE',
          body: approve.body,
        });
        return { state: 'written', detail: `approved ${approve.headSha.slice(0, 12)}` };
      },
    });
  }

  if (plan.staged) {
    for (const step of steps) outcomes.push({ effect: step.effect, state: 'preview', detail: 'staged: not written', payload: step.payload });
    return result;
  }
  const client = options.client;
  if (!client) {
    for (const step of steps) outcomes.push({ effect: step.effect, state: 'skipped', detail: 'no github-token' });
    if (steps.length) options.log.warning('confidence-router: no github-token; side effects skipped, the decision is still output');
    return result;
  }

  const call: RestClient['request'] = async (route, parameters) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await client.request(route, parameters);
      } catch (thrown) {
        const error = asHttpError(thrown);
        if (isReadOnly(thrown, error)) throw new ReadOnlyToken(error.message ?? 'read-only token');
        const transient = error.status !== undefined && error.status >= 500;
        if (!transient || attempt >= attempts) throw thrown;
        options.log.warning(`${route}: ${error.status}; attempt ${attempt + 1} of ${attempts}`);
        await sleep(attempt * 1000);
      }
    }
  };

  for (const step of steps) {
    if (result.readOnly) {
      outcomes.push({ effect: step.effect, state: 'skipped', detail: 'read-only token' });
      continue;
    }
    try {
      outcomes.push({ effect: step.effect, payload: step.payload, ...(await step.run(call)) });
    } catch (thrown) {
      if (thrown instanceof ReadOnlyToken) {
        result.readOnly = true;
        outcomes.push({ effect: step.effect, state: 'skipped', detail: 'read-only token' });
        options.log.warning(
          'confidence-router: the token cannot write to this repository (a pull request from a fork?); side effects skipped, the decision is still output',
        );
        continue;
      }
      const error = asHttpError(thrown);
      result.failed = true;
      outcomes.push({ effect: step.effect, state: 'failed', detail: `${error.status ?? ''} ${truncate(error.message ?? String(thrown), 200)}`.trim() });
    }
  }
  return result;
}
