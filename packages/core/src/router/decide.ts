import { jsonDigest } from '../digest/index.js';
import { matchAnyGlob } from '../policy/glob.js';
import type { HumanReviewSignal, RoutingGate, RoutingPolicy, RoutingTier } from '../policy/types.js';
import { detectAuthorKind } from './author.js';
import { gateFromOutputs, readGateEvidence, understoodVersion, type GateEvidence, type ReadFile } from './signals.js';
import {
  RISK_TIERS,
  ROUTING_GATES,
  type Cap,
  type ChangeFacts,
  type RouterAction,
  type RouterDecision,
  type RouterInputs,
  type RouterReason,
  type SignalRow,
} from './types.js';

/**
 * Every routing decision: hard gates first, then the risk tier, then the confidence against the
 * tier's threshold. Pure: the same inputs, facts and policy give the same decision and digest.
 */

const tierRank = (tier: RoutingTier): number => RISK_TIERS.indexOf(tier);
const maxTier = (a: RoutingTier, b: RoutingTier): RoutingTier => (tierRank(b) > tierRank(a) ? b : a);

/** Four decimals: the confidence is compared and digested as reported, never as a float's tail. */
const round = (value: number): number => Math.round(value * 10_000) / 10_000;

const VERDICT_SCORE = { pass: 1, warn: 0.5, fail: 0 } as const;

/** Which `require-human-for` signals a reason code stands for (sibling codes are matched by these words). */
const CODE_SIGNALS: readonly [RegExp, HumanReviewSignal][] = [
  [/protected-path/, 'protected-path'],
  [/secret/, 'secret-finding'],
  [/tool-violation/, 'tool-violation'],
  [/pinned/, 'unpinned-model'],
  [/binary/, 'binary-file'],
  [/max-files|max-lines|too-many|sweeping|large/, 'large-change'],
  [/dependenc/, 'dependency-change'],
];

export interface RouteOptions {
  inputs: RouterInputs;
  facts: ChangeFacts;
  routing: RoutingPolicy;
  policyDigest: string;
  readFile?: ReadFile;
}

function recognise(inputs: RouterInputs, readFile: ReadFile | undefined): GateEvidence[] {
  const evidence: GateEvidence[] = [];
  for (const entry of inputs.signals) {
    let gate = gateFromOutputs(entry.outputs);
    if (!gate && entry.outputs.report && entry.outputs['report-digest']) {
      // Outputs of a gate version that writes other outputs: its verified report still names it.
      const probe = readGateEvidence(entry, 'diff-scope', readFile);
      const name = probe.report.state === 'verified' ? probe.report.toolName : undefined;
      gate = ROUTING_GATES.find((g) => name === `agent-gates/${g}`);
    }
    if (gate) evidence.push(readGateEvidence(entry, gate, readFile));
  }
  return evidence;
}

export function route(options: RouteOptions): RouterDecision {
  const { inputs, facts, routing } = options;
  const reasons: RouterReason[] = [];
  const add = (code: string, cap: Cap | undefined, message: string, signal?: string): void => {
    reasons.push({
      code,
      severity: cap === 'reject' ? 'fail' : cap === 'human_review' ? 'warn' : 'pass',
      message,
      ...(cap ? { cap } : {}),
      ...(signal ? { signal } : {}),
    });
  };
  const unknownCap: Cap = routing.unknown;
  const requireHuman = new Set<HumanReviewSignal>(routing.requireHumanFor);
  const humanFor = (signal: HumanReviewSignal, message: string, source?: string): void => {
    if (requireHuman.has(signal)) add(`require-human-${signal}`, 'human_review', `${message} (routing.require-human-for)`, source);
  };

  // Every job or step must have succeeded: a failed, skipped or cancelled one is missing evidence.
  for (const entry of inputs.signals) {
    if (entry.result !== 'success') {
      const code = entry.result === 'skipped' ? 'job-skipped' : entry.result === 'cancelled' ? 'job-cancelled' : 'job-failed';
      add(code, unknownCap, `${entry.kind} ${entry.name} ${entry.kind === 'job' ? 'result' : 'outcome'} is ${JSON.stringify(entry.result)}`, entry.name);
    }
  }

  const evidence = recognise(inputs, options.readFile);
  const expected = inputs.expectedSignals ?? routing.expectedSignals;
  for (const gate of expected) {
    if (!evidence.some((e) => e.gate === gate)) add('signal-missing', unknownCap, `expected signal ${gate} is absent from signals`, gate);
  }

  let riskTier: RoutingTier = 'low';
  const tierWhy: string[] = [];
  for (const e of evidence) {
    const failCap = routing.onGateFail[e.gate];
    for (const why of e.unreadable) add('signal-unreadable', unknownCap, `${e.gate} (${e.signal}): ${why}`, e.signal);
    if (e.report.state === 'unread') add('report-unread', undefined, `${e.gate} (${e.signal}): ${e.report.note}`, e.signal);
    if (e.report.state === 'mismatch') add('report-digest-mismatch', unknownCap, `${e.gate} (${e.signal}): ${e.report.note}`, e.signal);
    if (e.report.state === 'invalid' && !e.unreadable.length) add('signal-unreadable', unknownCap, `${e.gate} (${e.signal}): ${e.report.note}`, e.signal);
    if (e.report.state === 'verified') {
      // Evidence about another commit says nothing about this one.
      if (e.report.headSha && facts.headSha && e.report.headSha !== facts.headSha) {
        add('signal-stale', unknownCap, `${e.gate} (${e.signal}) judged head ${e.report.headSha.slice(0, 12)}, not ${facts.headSha.slice(0, 12)}`, e.signal);
      }
      if (e.report.toolName !== `agent-gates/${e.gate}`)
        add('signal-unreadable', unknownCap, `${e.gate} (${e.signal}): report names tool ${e.report.toolName}`, e.signal);
      else if (!understoodVersion(e.gate, e.report.version ?? ''))
        add('version-unknown', unknownCap, `${e.gate} ${e.report.version} is a version this router does not understand`, e.signal);
    }
    if (e.verdict === 'fail') {
      if (e.gate === 'verify-manifest')
        add('manifest-invalid', failCap, `verify-manifest (${e.signal}) failed: the manifest is not valid or not authentic`, e.signal);
      else add('gate-failed', failCap, `${e.gate} (${e.signal}) verdict is fail`, e.signal);
    } else if (e.verdict === 'warn') add('gate-warned', 'human_review', `${e.gate} (${e.signal}) verdict is warn`, e.signal);
    const failing = e.codes.filter((c) => c.severity === 'fail');
    if (failing.some((c) => /secret/.test(c.code))) add('secret', failCap, `${e.gate} (${e.signal}) found a secret`, e.signal);
    if (e.codes.some((c) => c.code === 'denied-path')) add('denied-path', failCap, `${e.gate} (${e.signal}) reports a denied path`, e.signal);
    if (e.complete === false) add('view-incomplete', unknownCap, `diff-scope (${e.signal}) saw an incomplete diff`, e.signal);
    if (e.risk) {
      if (tierRank(e.risk) > tierRank(riskTier)) tierWhy.push(`diff-scope risk ${e.risk}`);
      riskTier = maxTier(riskTier, e.risk);
    }
    // require-human-for, from outputs and the report's reason codes.
    const seen = new Set<HumanReviewSignal>();
    const once = (signal: HumanReviewSignal, message: string): void => {
      if (!seen.has(signal)) humanFor(signal, message, e.signal);
      seen.add(signal);
    };
    if ((e.toolViolations ?? 0) > 0) once('tool-violation', `${e.toolViolations} tool call(s) outside the allow-list`);
    if ((e.redactions ?? 0) > 0) once('secret-finding', `${e.redactions} secret(s) redacted from the transcript`);
    if ((e.violations ?? 0) > 0) once('scope-violation', `diff-scope reports ${e.violations} violation(s)`);
    if (e.signatureKind === 'none') once('unsigned-manifest', 'the manifest is not signed');
    for (const c of e.codes) {
      for (const [pattern, signal] of CODE_SIGNALS) if (pattern.test(c.code)) once(signal, `${e.gate} reports ${c.code}`);
    }
  }

  // Risk tier: the highest of diff-scope, the policy's path tiers and the reviewer; nothing lowers it.
  if (routing.pathTiers.length > 0) {
    const changed = facts.changedPaths;
    if (!changed) add('paths-unknown', 'human_review', 'routing.path-tiers is set but the changed paths are unknown', 'path-tiers');
    else {
      if (!changed.complete) add('paths-incomplete', 'human_review', 'the changed-path listing is incomplete: a path tier may be missed', 'path-tiers');
      for (const entry of routing.pathTiers) {
        const hit = changed.paths.find((p) => matchAnyGlob(entry.paths, p));
        if (hit !== undefined && tierRank(entry.tier) > tierRank(riskTier)) {
          tierWhy.push(`path ${hit} is ${entry.tier}`);
          riskTier = entry.tier;
        }
      }
    }
  }
  if (inputs.reviewRisk) {
    if (tierRank(inputs.reviewRisk) > tierRank(riskTier)) {
      tierWhy.push(`review-risk ${inputs.reviewRisk}`);
      riskTier = inputs.reviewRisk;
    } else if (tierRank(inputs.reviewRisk) < tierRank(riskTier)) {
      add('review-risk-ignored', undefined, `review-risk ${inputs.reviewRisk} cannot lower the tier ${riskTier}`, 'review-risk');
    }
  }
  if (riskTier === 'critical') add('tier-critical', 'human_review', `risk tier is critical (${tierWhy.join(', ')}): never auto-approved`, 'risk-tier');

  if (inputs.tests === 'failed') add('tests-failed', 'human_review', 'tests failed', 'tests');

  // Confidence: weighted mean of normalised signals; a signal not given counts 0 at its weight.
  const w = routing.weights;
  const gateSet = [...new Set<RoutingGate>([...expected, ...evidence.map((e) => e.gate)])].sort();
  const gateScores = gateSet.map((gate) => {
    const mine = evidence.filter((e) => e.gate === gate);
    return mine.length === 0 ? 0 : Math.min(...mine.map((e) => (e.verdict ? VERDICT_SCORE[e.verdict] : 0)));
  });
  const vulnerabilities = inputs.vulnerabilities ?? facts.codeScanningAlerts;
  const raw: { signal: string; weight: number; value: string | number | null; normalised: number | undefined; note: string }[] = [
    {
      signal: 'gates',
      weight: w.gates,
      value: gateSet.length ? gateSet.map((g, i) => `${g}=${gateScores[i]}`).join(' ') : null,
      normalised: gateSet.length ? gateScores.reduce((a, b) => a + b, 0) / gateSet.length : undefined,
      note: 'pass 1, warn 0.5, fail or missing 0',
    },
    {
      signal: 'tests',
      weight: w.tests,
      value: inputs.tests ?? null,
      normalised: inputs.tests === undefined ? undefined : inputs.tests === 'passed' ? 1 : 0,
      note: 'passed 1, failed 0',
    },
    {
      signal: 'review-score',
      weight: w.reviewScore,
      value: inputs.reviewScore ?? null,
      normalised: inputs.reviewScore === undefined ? undefined : inputs.reviewScore / 100,
      note: 'score / 100',
    },
    { signal: 'agent-confidence', weight: w.agentConfidence, value: inputs.agentConfidence ?? null, normalised: inputs.agentConfidence, note: 'as given' },
    {
      signal: 'vulnerabilities',
      weight: w.vulnerabilities,
      value: vulnerabilities ?? null,
      normalised: vulnerabilities === undefined ? undefined : 1 / (1 + vulnerabilities),
      note: inputs.vulnerabilities === undefined && facts.codeScanningAlerts !== undefined ? 'open code-scanning alerts; 1/(1+count)' : '1/(1+count)',
    },
  ];
  const totalWeight = raw.reduce((sum, r) => sum + r.weight, 0);
  const rows: SignalRow[] = raw.map((r) => ({
    signal: r.signal,
    value: r.value,
    weight: r.weight,
    contribution: totalWeight > 0 ? round(((r.normalised ?? 0) * r.weight) / totalWeight) : 0,
    note: r.weight === 0 ? 'weight 0: left out' : r.normalised === undefined ? 'not given: counts 0' : r.note,
  }));
  const confidence = totalWeight > 0 ? round(raw.reduce((sum, r) => sum + (r.normalised ?? 0) * r.weight, 0) / totalWeight) : 0;

  const author = detectAuthorKind(inputs.authorKind, facts, routing.agentAuthors);
  const own = author.kind === 'agent' ? routing.agentThresholds : routing.humanThresholds;
  const threshold = riskTier === 'critical' ? null : (own[riskTier] ?? routing.thresholds[riskTier] ?? routing.autoApproveThreshold);

  let action: RouterAction;
  if (reasons.some((r) => r.cap === 'reject')) action = 'reject';
  else if (confidence < routing.rejectThreshold) {
    add('below-reject-threshold', 'reject', `confidence ${confidence} is below reject-threshold ${routing.rejectThreshold}`, 'confidence');
    action = 'reject';
  } else if (reasons.some((r) => r.cap === 'human_review')) action = 'human_review';
  else if (threshold === null || confidence < threshold) {
    add('below-threshold', 'human_review', `confidence ${confidence} is below the ${author.kind} ${riskTier}-risk threshold ${threshold}`, 'confidence');
    action = 'human_review';
  } else {
    add(
      'auto-approve',
      undefined,
      `confidence ${confidence} reaches the ${author.kind} ${riskTier}-risk threshold ${threshold}; no hard gate or missing signal`,
      'confidence',
    );
    action = 'auto_approve';
  }

  const reviewers = mapReviewers(routing, facts);
  const links = { ...(evidence.find((e) => e.artifactUrl)?.artifactUrl ? { transcript: evidence.find((e) => e.artifactUrl)!.artifactUrl! } : {}) };
  const gates = evidence.map((e) => ({
    gate: e.gate,
    signal: e.signal,
    reportDigest: e.reportDigest ?? '',
    ...(e.report.version ? { version: e.report.version } : {}),
    reportVerified: e.report.state === 'verified',
  }));
  const decided = {
    action,
    confidence,
    riskTier,
    authorKind: author.kind,
    authorKindBecause: author.because,
    threshold,
    rejectThreshold: routing.rejectThreshold,
    rows,
    reasons,
    reviewers,
    ...(facts.headSha ? { headSha: facts.headSha } : {}),
    links,
    gates,
    policyDigest: options.policyDigest,
  };
  return { ...decided, decisionDigest: jsonDigest(decided) };
}

/** Role-based review: the users and teams whose path globs match a changed path, in policy order. */
export function mapReviewers(routing: RoutingPolicy, facts: ChangeFacts): { users: string[]; teams: string[] } {
  const users = new Set<string>();
  const teams = new Set<string>();
  const paths = facts.changedPaths?.paths ?? [];
  for (const entry of routing.reviewers) {
    if (!paths.some((p) => matchAnyGlob(entry.paths, p))) continue;
    for (const user of entry.users) if (user.toLowerCase() !== facts.author?.login?.toLowerCase()) users.add(user);
    for (const team of entry.teams) teams.add(team);
  }
  return { users: [...users], teams: [...teams] };
}
