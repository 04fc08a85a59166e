import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { defineGate, OutputSet } from '@agent-gates/action-kit';
import { assertManifestsPass, manifestOutputs, reportTimeFrom, verifyManifests, type ManifestGateInputs } from '@agent-gates/core/manifest';
import { ACTION_SPEC, type OutputName } from './action-spec.generated.js';
import { pullRequestCommitLister } from './commits.js';
import { renderDetails } from './summary.js';

/** verify-manifest: inputs, one core call, outputs. Every decision is in packages/core/src/manifest. */
export const main = defineGate({
  spec: ACTION_SPEC,
  gate: 'verify-manifest',
  inputs: (input): ManifestGateInputs => {
    const optional = (name: Parameters<typeof input.optional>[0]) => input.optional(name);
    const signature = optional('signature');
    const bundle = optional('bundle');
    const identity = optional('certificate-identity');
    const identityRegexp = optional('certificate-identity-regexp');
    const issuer = optional('certificate-oidc-issuer');
    const trustedRoot = optional('trusted-root');
    const summary = optional('transcript-summary');
    return {
      manifest: input.string('manifest'),
      ...(signature ? { signature } : {}),
      ...(bundle ? { bundle } : {}),
      // Inline PEM spans lines: core tells blocks from paths, so no line is split here.
      publicKeys: [input.raw('public-key')].filter((v) => v !== ''),
      ...(identity ? { certificateIdentity: identity } : {}),
      ...(identityRegexp ? { certificateIdentityRegexp: identityRegexp } : {}),
      ...(issuer ? { certificateOidcIssuer: issuer } : {}),
      ...(trustedRoot ? { trustedRoot } : {}),
      ...(optional('require-signature') !== undefined ? { requireSignature: input.boolean('require-signature') } : {}),
      ...(summary ? { transcriptSummary: summary } : {}),
      transcriptDigests: input.list('transcript-digest', { splitCommas: true }),
      requireSignedCommits: input.boolean('require-signed-commits'),
    };
  },
  async run({ inputs, common, context, policy, log, tool }) {
    const pr = context.pullRequest;
    const reportTime = reportTimeFrom(process.env.SOURCE_DATE_EPOCH);
    const result = await verifyManifests({
      workspace: context.workspace,
      inputs,
      policy,
      context,
      tool,
      outputDir: path.join(context.runnerTemp || os.tmpdir(), 'agent-gates', 'verify-manifest', randomUUID()),
      ...(reportTime ? { reportTime } : {}),
      ...(pr && common.githubToken
        ? { listPullRequestCommits: pullRequestCommitLister({ token: common.githubToken, repository: context.repository, pullNumber: pr.number, log }) }
        : {}),
    });
    assertManifestsPass(result, common.failOn);

    const outputs = new OutputSet<OutputName>();
    for (const [name, value] of Object.entries(manifestOutputs(result))) outputs.set(name as OutputName, value);
    outputs.setList(
      'violations',
      result.violations.map((v) => ({ code: v.code, message: v.message, file: v.file, pointer: v.pointer })),
      (n) => ({ code: 'E_TRUNCATED', message: `… ${n} more in the report`, file: '', pointer: '' }),
    );
    for (const violation of result.violations.slice(0, 20)) {
      const message = `${violation.code}: ${violation.message}`;
      if (violation.severity === 'fail') log.error(message, { title: 'verify-manifest' });
      else log.warning(message, { title: 'verify-manifest' });
    }
    return {
      verdict: result.verdict,
      reasons: result.reasons,
      report: result.report,
      outputs,
      details: (summary) => renderDetails(summary, result),
      logLine: `verify-manifest: ${result.verdict} (${result.manifests.length} manifest${result.manifests.length === 1 ? '' : 's'}, ${result.violations.length} violations)`,
    };
  },
});
