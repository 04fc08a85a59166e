import { createGitHubClient, defineGate, executeSideEffects, OutputSet, readEventPayload, type RestClient } from '@agent-gates/action-kit';
import { concludeRoute, parseRouterInputs, planSideEffects, reasonRows, route, type SideEffectRequest } from '@agent-gates/core/router';
import { ACTION_SPEC, type OutputName } from './action-spec.generated.js';
import { gatherFacts } from './facts.js';
import { renderDetails } from './summary.js';

/** confidence-router: inputs, the facts the API holds, one core decision, its side effects, outputs. Every decision is in packages/core/src/router. */
export const main = defineGate({
  spec: ACTION_SPEC,
  gate: 'confidence-router',
  inputs: (input) => ({
    raw: {
      signals: input.string('signals'),
      reviewScore: input.string('review-score'),
      reviewRisk: input.string('review-risk'),
      agentConfidence: input.string('agent-confidence'),
      tests: input.string('tests'),
      vulnerabilities: input.string('vulnerabilities'),
      authorKind: input.oneOf('author-kind', ['auto', 'agent', 'human'] as const),
      expectedSignals: input.list('expected-signals', { splitCommas: true }),
    },
    codeScanning: input.boolean('code-scanning'),
    effects: {
      label: input.boolean('label'),
      comment: input.boolean('comment'),
      requestReviewers: input.boolean('request-reviewers'),
      approve: input.boolean('approve'),
      commitStatus: input.boolean('commit-status'),
      staged: input.boolean('staged'),
    } satisfies SideEffectRequest,
  }),
  async run({ inputs, common, context, policy, log, tool }) {
    const startedAt = new Date();
    const routerInputs = parseRouterInputs(inputs.raw);
    const routing = policy.policy.routing;
    const client = common.githubToken ? ((await createGitHubClient({ token: common.githubToken, log })) as unknown as RestClient) : undefined;
    const facts = await gatherFacts({
      context,
      payload: readEventPayload(),
      ...(client ? { client } : {}),
      needPaths: routing.pathTiers.length > 0 || routing.reviewers.length > 0,
      needCommits: routerInputs.authorKind === 'auto',
      codeScanning: inputs.codeScanning && routerInputs.vulnerabilities === undefined,
      log,
    });
    const decision = route({ inputs: routerInputs, facts, routing, policyDigest: policy.digest });

    const runUrl = context.runId ? `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}` : undefined;
    const plan = planSideEffects(decision, inputs.effects, {
      repository: context.repository,
      ...(facts.pullRequest !== undefined ? { pullRequest: facts.pullRequest } : {}),
      ...(runUrl ? { runUrl } : {}),
    });
    const effects = await executeSideEffects(plan, { ...(client ? { client } : {}), log });

    const { verdict, reasons, report } = concludeRoute({
      decision,
      failedEffects: effects.outcomes.filter((o) => o.state === 'failed'),
      tool,
      context,
      startedAt,
      policy,
      outputDir: context.runnerTemp || context.workspace,
    });
    const outputs = new OutputSet<OutputName>()
      .set('action', decision.action)
      .set('confidence', decision.confidence.toFixed(4))
      .set('risk-tier', decision.riskTier)
      .setList('reasons', reasonRows(decision), (n) => ({ signal: 'omitted', value: n, weight: 0, contribution: 0, note: `${n} more in the report` }))
      .set('decision-digest', decision.decisionDigest)
      .set('author-kind', decision.authorKind)
      .set(
        'side-effects',
        effects.outcomes.map((o) => ({ effect: o.effect, state: o.state, detail: o.detail })),
      );
    return {
      verdict,
      reasons,
      report,
      outputs,
      details: (summary) => renderDetails(summary, decision, effects),
      logLine: `confidence-router: ${decision.action} (confidence ${decision.confidence}, ${decision.riskTier} risk, ${decision.authorKind})`,
    };
  },
});
