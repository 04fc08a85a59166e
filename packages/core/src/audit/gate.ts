import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, errorMessage } from '../errors.js';
import { canonicalJson } from '../digest/index.js';
import { assertOutputPath, writeFileNoFollow } from '../files.js';
import { runGit } from '../git/index.js';
import { gateReport, pickRunContext, writeGateReport, type GateReason, type GateRunContext, type Verdict } from '../gate/index.js';
import type { LoadedPolicy } from '../policy/index.js';
import { buildAuditEvent, type AuditOverrides } from './build.js';
import { emitAudit, type SinkOutcome } from './emit.js';
import type { AuditEvent } from './event.js';
import { KNOWN_GATES, readSignals, type SignalFields } from './signals.js';
import { parseSink, parseSinkHeaders, type SinkSpec } from './sinks.js';

/** audit-emit's inputs, read once by the action. Empty strings are absent. */
export interface AuditEmitInputs {
  signals: string;
  overrides: AuditOverrides;
  log?: string;
  prev?: string;
  sinks: string[];
  sinkHeaders: string[];
  hmacKey?: string;
  format?: 'native' | 'cloudevents';
  attestationPredicate?: string;
  spool?: string;
}

/** The in-toto predicate type of the statement audit-emit writes for actions/attest. */
export const AUDIT_PREDICATE_TYPE = 'https://agent-gates.dev/attestations/audit-event/v1';

export interface AuditEmitResult {
  verdict: Verdict;
  reasons: GateReason[];
  event: AuditEvent;
  chainHead: string;
  log?: string;
  /** Per sink: what it took (file: the line; artifact: its id; HTTP: counts). */
  delivered: Record<string, Record<string, unknown>>;
  sinks: SinkOutcome[];
  spooled: number;
  artifactId?: number;
  predicate?: string;
  report: { path: string; digest: string };
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

function resolveSinks(inputs: AuditEmitInputs, policy: LoadedPolicy): SinkSpec[] {
  if (inputs.sinks.length > 0) return inputs.sinks.map((s, i) => parseSink(s, `input "sinks", line ${i + 1}`));
  return policy.policy.audit.sinks.map((sink, i): SinkSpec => {
    const where = `policy audit.sinks[${i}]`;
    if (!('url' in sink)) return { kind: sink.type };
    const retry = { maxAttempts: sink.maxAttempts, timeoutMs: sink.timeoutSeconds * 1000 };
    if (sink.type === 'webhook') {
      const parsed = parseSink(sink.url, where);
      if (parsed.kind !== 'webhook') throw new ConfigError('E_AUDIT_SINK', `${where}: a webhook url must be https://`);
      return { ...parsed, format: sink.format, retry };
    }
    const parsed = parseSink(`otlp${sink.protocol === 'json' ? '-json' : ''}:${sink.url}`, where);
    return { ...parsed, retry } as SinkSpec;
  });
}

/**
 * A decision event that records no gate is no evidence the change was judged: a `warn`, naming the
 * keys of `signals` that were not recognised. An outcome event is exempt: the decision it names
 * (input "decision-id") is where the gates were recorded.
 */
function noGateReason(inputs: AuditEmitInputs, signals: SignalFields): GateReason | undefined {
  if ((inputs.overrides.eventType ?? 'decision') !== 'decision') return undefined;
  // Recognised by report or outputs, never by name: a job called "diff-scope" is not diff-scope's decision.
  if (signals.gates.some((g) => g.recognised)) return undefined;
  const others = [...signals.unrecognised, ...signals.gates.map((g) => g.name)];
  const keys =
    others.length > 0
      ? `; keys not recognised: ${others
          .map((k) => JSON.stringify(k.slice(0, 80)))
          .slice(0, 20)
          .join(', ')}${others.length > 20 ? ` and ${others.length - 20} more` : ''}`
      : '';
  return {
    code: 'AUDIT_NO_GATE',
    severity: 'warn',
    message: `input "signals" names no gate audit-emit recognises (${KNOWN_GATES.join(', ')})${inputs.signals.trim() === '' ? ' (it is empty)' : keys}; the event records no gate decision. Pass \${{ toJSON(needs) }} of the gate jobs or \${{ toJSON(steps) }} of the gate steps`,
  };
}

/**
 * audit-emit's one core call: builds the event from the signals and the explicit inputs, appends
 * and delivers it (the spool first), uploads through `upload` when the artifact sink is named,
 * writes the attestation predicate and the gate report. The verdict is `fail` when any event is
 * left undelivered, `warn` when something was set aside, a gate's report could not be verified, or
 * a decision event records no gate at all.
 */
export async function runAuditEmit(
  inputs: AuditEmitInputs,
  env: {
    context: GateRunContext & { workspace: string; runnerTemp: string };
    policy: LoadedPolicy;
    tool: { name: string; version: string };
    upload?: (files: string[], rootDirectory: string, name: string, retentionDays: number) => Promise<{ id: number }>;
    fetch?: typeof fetch;
    retry?: { baseDelayMs?: number; budgetMs?: number };
  },
): Promise<AuditEmitResult> {
  const startedAt = new Date();
  const { context, policy } = env;
  const headers = parseSinkHeaders(inputs.sinkHeaders);
  const sinks = resolveSinks(inputs, policy);
  if (sinks.length === 0) throw new ConfigError('E_AUDIT_SINK', 'no sink: name at least one in input "sinks" or policy audit.sinks');
  let prev: string | null | undefined;
  if (inputs.prev !== undefined) {
    if (inputs.prev !== 'null' && !DIGEST.test(inputs.prev))
      throw new ConfigError('E_AUDIT_PREV', 'input "prev" must be an event digest (sha256:<64 hex>) or `null`');
    prev = inputs.prev === 'null' ? null : inputs.prev;
  }
  const signals = readSignals(inputs.signals, context.workspace);
  const unsealed = buildAuditEvent({ signals, overrides: inputs.overrides, context, policy });
  // The predicate is written after the event is delivered: a path that cannot take it is refused first.
  const predicate = inputs.attestationPredicate ? path.resolve(context.workspace, inputs.attestationPredicate) : undefined;
  if (predicate) {
    assertOutputPath(context.workspace, predicate, 'attestation-predicate');
    assertOutputPath(context.workspace, `${predicate}.intoto.json`, 'attestation-predicate');
  }
  const log = path.resolve(context.workspace, inputs.log ?? policy.policy.audit.path);
  const spool = path.resolve(context.workspace, inputs.spool ?? policy.policy.audit.spool);
  // What the log holds decides the next event's `prev`, and what the spool holds is delivered, signed:
  // neither may be a file the checked-out change brought with it.
  await refuseCommitted(context.workspace, [
    { file: log, name: inputs.log !== undefined ? 'input "log"' : 'policy audit.path' },
    { file: spool, name: inputs.spool !== undefined ? 'input "spool"' : 'policy audit.spool' },
  ]);

  const emitted = await emitAudit({
    event: unsealed,
    sinks,
    log,
    chain: policy.policy.audit.chain,
    ...(prev !== undefined ? { prev } : {}),
    spool,
    delivery: {
      headers,
      ...(inputs.hmacKey ? { hmacKey: inputs.hmacKey } : {}),
      format: inputs.format ?? 'native',
      retry: { ...(env.retry ?? {}) },
      tool: env.tool,
      ...(env.fetch ? { fetch: env.fetch } : {}),
    },
  });
  const { event } = emitted;
  const reasons: GateReason[] = signals.notes.map((message) => ({ code: 'AUDIT_SIGNAL', severity: 'warn' as const, message }));
  const noGate = noGateReason(inputs, signals);
  if (noGate) reasons.push(noGate);
  reasons.push(...emitted.notes.map((message) => ({ code: 'AUDIT_SET_ASIDE', severity: 'warn' as const, message })));
  const delivered: Record<string, Record<string, unknown>> = {};
  if (emitted.line !== undefined) delivered.file = { line: emitted.line };
  for (const sink of emitted.sinks) {
    delivered[sink.sink] = { delivered: sink.delivered, spooled: sink.spooled, ...(sink.error ? { error: sink.error } : {}) };
    if (sink.spooled > 0)
      reasons.push({
        code: 'AUDIT_UNDELIVERED',
        severity: 'fail',
        message: `${sink.sink}: ${sink.spooled} event(s) not delivered (${sink.error ?? 'failed'}); kept in the spool for the next run`,
      });
  }
  if (emitted.spooled > 0 && !emitted.sinks.some((s) => s.spooled > 0)) {
    reasons.push({ code: 'AUDIT_UNDELIVERED', severity: 'fail', message: `${emitted.spooled} spooled event(s) wait for sinks this run does not name` });
  }

  const dir = path.join(context.runnerTemp || context.workspace, 'agent-gates', 'audit-emit', event.event_id);
  mkdirSync(dir, { recursive: true });
  const eventFile = path.join(dir, 'audit-event.json');
  writeFileSync(eventFile, canonicalJson(event));
  if (predicate) {
    mkdirSync(path.dirname(predicate), { recursive: true });
    writeFileNoFollow(predicate, canonicalJson(event));
    const statement = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: `audit-event:${event.event_id}`, digest: { sha256: event.digest.slice('sha256:'.length) } }],
      predicateType: AUDIT_PREDICATE_TYPE,
      predicate: event,
    };
    writeFileNoFollow(`${predicate}.intoto.json`, canonicalJson(statement));
  }

  let artifactId: number | undefined;
  if (sinks.some((s) => s.kind === 'artifact')) {
    if (!env.upload) throw new ConfigError('E_AUDIT_SINK', 'the artifact sink needs an artifact store');
    const files = [eventFile];
    if (emitted.spooled > 0) {
      const spoolCopy = path.join(dir, 'audit-spool.jsonl');
      // What the spool held under its lock, not a second read a concurrent run could have changed.
      writeFileSync(spoolCopy, emitted.spoolEntries.map((e) => JSON.stringify(e)).join('\n') + '\n');
      files.push(spoolCopy);
    }
    const name = `agent-gates-audit-${context.runId || 'local'}-${context.runAttempt || '1'}-${event.event_id.slice(0, 8)}`;
    try {
      artifactId = (await env.upload(files, dir, name, policy.policy.audit.retentionDays)).id;
      delivered.artifact = { id: artifactId, name };
    } catch (error) {
      delivered.artifact = { error: errorMessage(error) };
      reasons.push({ code: 'AUDIT_UNDELIVERED', severity: 'fail', message: `artifact ${name} was not uploaded: ${errorMessage(error)}` });
    }
  }

  const verdict: Verdict = reasons.some((r) => r.severity === 'fail') ? 'fail' : reasons.length > 0 ? 'warn' : 'pass';
  const report = writeGateReport(
    path.join(dir, 'audit-emit.json'),
    gateReport({
      tool: env.tool,
      context: pickRunContext(context),
      startedAt,
      finishedAt: new Date(),
      policy: { source: policy.source === 'file' ? (policy.file ?? 'file') : 'default', digest: policy.digest },
      verdict,
      reasons,
      subjects: [{ name: 'audit-event', digest: event.digest }],
      details: {
        eventId: event.event_id,
        eventDigest: event.digest,
        chainHead: emitted.chainHead,
        prev: event.prev,
        ...(emitted.line !== undefined ? { log: log, line: emitted.line } : {}),
        delivered,
        spooled: emitted.spooled,
      },
    }),
  );
  return {
    verdict,
    reasons,
    event,
    chainHead: emitted.chainHead,
    ...(sinks.some((s) => s.kind === 'file') ? { log } : {}),
    delivered,
    sinks: emitted.sinks,
    spooled: emitted.spooled,
    ...(artifactId !== undefined ? { artifactId } : {}),
    ...(predicate ? { predicate } : {}),
    report,
  };
}

/**
 * Refuses a log or spool file that git tracks in the checkout: on a pull request that is the change's
 * own copy, which could forge the chain's head or queue events for delivery. Files outside the
 * workspace, and workspaces that are not git repositories, have nothing to check. One git call for all.
 */
async function refuseCommitted(workspace: string, files: readonly { file: string; name: string }[]): Promise<void> {
  const inside = files
    .map((f) => ({ ...f, relative: path.relative(workspace, f.file).split(path.sep).join('/') }))
    .filter((f) => f.relative !== '' && !f.relative.startsWith('..') && !path.isAbsolute(f.relative));
  if (inside.length === 0) return;
  let tracked: Set<string>;
  try {
    const { stdout } = await runGit(workspace, ['--literal-pathspecs', 'ls-files', '-z', '--', ...inside.map((f) => f.relative)], { maxBytes: 64 * 1024 });
    tracked = new Set(stdout.toString('utf8').split('\0'));
  } catch {
    return; // not a git repository (or no git): no checkout to have brought the file
  }
  const found = inside.find((f) => tracked.has(f.relative));
  if (found) {
    throw new ConfigError(
      'E_AUDIT_LOG',
      `${found.name}: ${found.relative} is a file the checked-out repository tracks, so the change being recorded could have written it; keep the audit log and spool out of git (.gitignore) or put them under runner.temp`,
    );
  }
}
