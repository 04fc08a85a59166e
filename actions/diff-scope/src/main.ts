import { defineGate, MAX_ANNOTATIONS_PER_LEVEL, OutputSet, pullRequestApi, readEventPayload, workerEntry } from '@agent-gates/action-kit';
import { DIFF_MODES, planDiffScope, type DiffMode, type DiffScopeInputs } from '@agent-gates/core/diff';
import { runDiffScope, startDiffScope } from '@agent-gates/core/diff/wire';
import { ACTION_SPEC, type OutputName } from './action-spec.generated.js';
import { renderDetails } from './summary.js';

/** diff-scope: inputs, one core call, outputs. Every decision is in packages/core/src/diff. */
export const main = defineGate({
  spec: ACTION_SPEC,
  gate: 'diff-scope',
  inputs: (input): DiffScopeInputs => {
    const [base, head, claimedFiles, sarif] = [input.optional('base'), input.optional('head'), input.optional('claimed-files'), input.optional('sarif')];
    const maxFiles = input.integer('max-files', { min: 1, max: 10_000_000 });
    const maxLines = input.integer('max-lines', { min: 1, max: 1_000_000_000 });
    return {
      mode: input.oneOf<DiffMode>('mode', DIFF_MODES),
      workingTree: input.boolean('working-tree'),
      annotations: input.boolean('annotations'),
      ...(base !== undefined ? { base } : {}),
      ...(head !== undefined ? { head } : {}),
      ...(claimedFiles !== undefined ? { claimedFiles } : {}),
      ...(sarif !== undefined ? { sarif } : {}),
      ...(maxFiles !== undefined ? { maxFiles } : {}),
      ...(maxLines !== undefined ? { maxLines } : {}),
    };
  },
  // git starts diffing the commits the inputs and the event name while the policy is read.
  start: ({ inputs, context, payload }) => startDiffScope(inputs, { eventName: context.eventName, payload, workspace: context.workspace }),
  async run({ inputs, common, context, policy, log, tool, started }) {
    const event = {
      eventName: context.eventName,
      payload: readEventPayload(),
      workspace: context.workspace,
      runnerTemp: context.runnerTemp,
      runId: context.runId,
    };
    const plan = planDiffScope(inputs, event, policy);
    const api = pullRequestApi({ token: common.githubToken, repository: context.repository, pullNumber: plan.pullRequest?.number, log });
    const run = await runDiffScope({
      plan,
      policy,
      context,
      tool,
      log,
      annotationsPerLevel: MAX_ANNOTATIONS_PER_LEVEL,
      workerEntry: workerEntry(import.meta.url),
      ...(api ? { api } : {}),
      ...(started ? { started } : {}),
    });

    const { details, judgement } = run;
    const outputs = new OutputSet<OutputName>()
      .set('risk', details.risk.tier)
      .set('violations', String(judgement.violations))
      .set('sarif', run.sarif.path)
      .set('changed-files', String(details.counts.files))
      .set('added-lines', String(details.counts.added))
      .set('deleted-lines', String(details.counts.deleted))
      .set('diff-digest', run.diffDigest)
      .setList('unclaimed-files', details.claimed?.unclaimed ?? [], (n) => `… ${n} more in the report`)
      .set('complete', String(details.complete));

    return {
      verdict: judgement.verdict,
      reasons: judgement.reasons,
      report: run.report,
      outputs,
      details: (summary) => renderDetails(summary, run),
      annotations: { list: run.annotations, omitted: run.omittedAnnotations, elsewhere: 'the report and the SARIF file' },
      logLine: `diff-scope: ${judgement.verdict}, risk ${details.risk.tier} (${details.mode}, ${details.counts.files} files, +${details.counts.added} −${details.counts.deleted}, ${judgement.violations} violations${details.complete ? '' : ', INCOMPLETE view'})`,
    };
  },
});
