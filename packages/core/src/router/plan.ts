import type { RouterAction, RouterDecision } from './types.js';

/**
 * The side effects a decision asks for, as data: the executor (action-kit's side-effects.ts) writes
 * exactly this, and `staged: true` shows exactly this without writing it.
 */

export const DECISION_LABELS: Readonly<Record<RouterAction, string>> = Object.freeze({
  auto_approve: 'agent-gates:auto-approved',
  human_review: 'agent-gates:needs-review',
  reject: 'agent-gates:rejected',
});

export const STATUS_CONTEXT = 'agent-gates/decision';

/** Hidden marker that finds the router's one sticky comment. */
export const COMMENT_MARKER = '<!-- agent-gates:confidence-router -->';

const STATUS_STATE: Readonly<Record<RouterAction, 'success' | 'pending' | 'failure'>> = {
  auto_approve: 'success',
  human_review: 'pending',
  reject: 'failure',
};

export interface SideEffectRequest {
  label: boolean;
  comment: boolean;
  requestReviewers: boolean;
  approve: boolean;
  commitStatus: boolean;
  staged: boolean;
}

export interface SideEffectPlan {
  staged: boolean;
  repository: { owner: string; repo: string };
  pullRequest?: number;
  label?: { add: string; remove: string[] };
  comment?: { marker: string; decision: RouterDecision; runUrl?: string };
  reviewers?: { users: string[]; teams: string[] };
  /** Submitted only if the pull request head is still `headSha` right before. */
  approve?: { headSha: string; body: string };
  status?: { sha: string; state: 'success' | 'pending' | 'failure'; context: string; description: string; targetUrl?: string };
  /** Effects asked for that this run cannot have, and why (no pull request, nothing to request). */
  skipped: { effect: string; why: string }[];
}

export function planSideEffects(
  decision: RouterDecision,
  request: SideEffectRequest,
  where: { repository: string; pullRequest?: number; runUrl?: string },
): SideEffectPlan {
  const [owner = '', repo = ''] = where.repository.split('/');
  const plan: SideEffectPlan = { staged: request.staged, repository: { owner, repo }, skipped: [] };
  const pr = where.pullRequest;
  if (pr !== undefined) plan.pullRequest = pr;
  const needsPr = (effect: string): boolean => {
    if (pr === undefined) plan.skipped.push({ effect, why: 'no pull request in this event' });
    return pr !== undefined;
  };
  if (request.label && needsPr('label')) {
    const add = DECISION_LABELS[decision.action];
    plan.label = { add, remove: Object.values(DECISION_LABELS).filter((l) => l !== add) };
  }
  if (request.comment && needsPr('comment')) plan.comment = { marker: COMMENT_MARKER, decision, ...(where.runUrl ? { runUrl: where.runUrl } : {}) };
  if (request.requestReviewers && needsPr('request-reviewers')) {
    if (decision.action === 'auto_approve') plan.skipped.push({ effect: 'request-reviewers', why: 'the change was auto-approved' });
    else if (decision.reviewers.users.length + decision.reviewers.teams.length === 0)
      plan.skipped.push({ effect: 'request-reviewers', why: 'no routing.reviewers entry matches the changed paths' });
    else plan.reviewers = { users: [...decision.reviewers.users], teams: [...decision.reviewers.teams] };
  }
  if (request.approve && needsPr('approve')) {
    if (decision.action !== 'auto_approve') plan.skipped.push({ effect: 'approve', why: `the decision is ${decision.action}` });
    else if (!decision.headSha) plan.skipped.push({ effect: 'approve', why: 'the judged head SHA is unknown' });
    else {
      plan.approve = {
        headSha: decision.headSha,
        body: `Auto-approved by agent-gates/confidence-router: confidence ${decision.confidence}, ${decision.riskTier} risk (decision ${decision.decisionDigest.slice(0, 19)}…).`,
      };
    }
  }
  if (request.commitStatus) {
    if (!decision.headSha) plan.skipped.push({ effect: 'commit-status', why: 'the judged head SHA is unknown' });
    else {
      plan.status = {
        sha: decision.headSha,
        state: STATUS_STATE[decision.action],
        context: STATUS_CONTEXT,
        description: `${decision.action} · confidence ${decision.confidence} · ${decision.riskTier} risk`,
        ...(where.runUrl ? { targetUrl: where.runUrl } : {}),
      };
    }
  }
  return plan;
}
