import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bytesDigest, canonicalJson } from '@agent-gates/core';
import { writeGateReport } from '@agent-gates/core/gate';
import { parseRouterInputs, route, ROUTER_VERDICT, routerReport } from '@agent-gates/core/router';
import { needs, routingPolicy } from './builders.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function reportValidator(): ((value: unknown) => boolean) & { errors?: unknown } {
  // ajv is a dependency of @agent-gates/core, not of the root: load the copy core uses.
  const requireFromCore = createRequire(path.join(root, 'packages/core/package.json'));
  const Ajv2020 = (requireFromCore('ajv/dist/2020') as { default: new (o: object) => { compile(s: object): ((v: unknown) => boolean) & { errors?: unknown } } })
    .default;
  const schema = JSON.parse(readFileSync(path.join(root, 'packages/core/schemas/gate-report.schema.json'), 'utf8')) as object;
  return new Ajv2020({ allErrors: true, strict: true }).compile(schema);
}

describe('the router report', () => {
  it.each([
    ['auto_approve', needs(), '95'],
    ['human_review', needs({ 'diff-scope': null, 'capture-transcript': { outputs: { redactions: '1' } } }), '95'],
    ['reject', needs({ 'verify-manifest': { verdict: 'fail' } }), '10'],
  ])('is a valid GateReport whose verdict is the worst reason (%s)', (action, signals, score) => {
    const decision = route({
      inputs: parseRouterInputs({
        signals,
        reviewScore: score,
        reviewRisk: '',
        agentConfidence: '0.9',
        tests: 'passed',
        vulnerabilities: '0',
        authorKind: 'agent',
        expectedSignals: [],
      }),
      facts: { headSha: 'b'.repeat(40), pullRequest: 3 },
      routing: routingPolicy(),
      policyDigest: `sha256:${'0'.repeat(64)}`,
    });
    expect(decision.action).toBe(action);
    const report = routerReport({
      decision,
      verdict: ROUTER_VERDICT[decision.action],
      tool: { name: 'agent-gates/confidence-router', version: '0.1.0' },
      context: {
        repository: 'acme/widgets',
        runId: '1',
        runAttempt: '1',
        job: 'route',
        workflow: 'w',
        workflowRef: 'r',
        eventName: 'pull_request',
        sha: 'b'.repeat(40),
        actor: 'a',
      },
      startedAt: new Date(0),
      finishedAt: new Date(1),
      policy: { source: 'default', digest: `sha256:${'0'.repeat(64)}` },
    });
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.subjects.at(-1)).toEqual({ name: 'decision', digest: decision.decisionDigest });
    expect(report.details.action).toBe(action);
    const written = writeGateReport(path.join(mkdtempSync(path.join(tmpdir(), 'router-report-')), 'confidence-router.json'), report);
    const content = JSON.parse(readFileSync(written.path, 'utf8')) as Record<string, unknown>;
    delete content.startedAt;
    delete content.finishedAt;
    expect(bytesDigest(canonicalJson(content))).toBe(written.digest);
  });
});
