import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { appendToLog, readLogHead, withLogLock } from './file-sink.js';
import { sealEvent, type AuditEvent, type UnsealedEvent } from './event.js';
import { readSpool, writeSpool, type SpoolEntry } from './spool.js';
import { deliverToSink, sinkKey, type DeliveryOptions, type HttpSink, type SinkSpec } from './sinks.js';

/** What happened at one sink in this run. */
export interface SinkOutcome {
  sink: string;
  /** Events the sink took in this run (the spool's included). */
  delivered: number;
  /** Events left waiting in the spool for this sink. */
  spooled: number;
  error?: string;
}

export interface EmitResult {
  event: AuditEvent;
  /** Digest of the newest event of the chain this event extends (this event's own). */
  chainHead: string;
  /** Line the event was written at, with the file sink. */
  line?: number;
  sinks: SinkOutcome[];
  /** Every event left in the spool, for every sink. */
  spooled: number;
  /** The spool as this run left it, read and written under its lock (what the artifact sink uploads). */
  spoolEntries: SpoolEntry[];
  notes: string[];
}

export interface EmitOptions {
  event: UnsealedEvent;
  sinks: readonly SinkSpec[];
  /** The JSON Lines log: where the file sink appends, and where the head comes from otherwise. */
  log: string;
  chain: boolean;
  /** The previous event's digest (input `prev`); when the log has a head it must be that head. */
  prev?: string | null;
  spool: string;
  delivery: DeliveryOptions;
}

/**
 * Records one event: links and seals it (appending it to the log with the file sink), then
 * delivers to each HTTP sink what its spool holds first, then the event; what a sink does not
 * take is spooled for the next run, never dropped.
 */
export async function emitAudit(options: EmitOptions): Promise<EmitResult> {
  const notes: string[] = [];
  let event: AuditEvent;
  let line: number | undefined;
  if (options.sinks.some((s) => s.kind === 'file')) {
    const appended = await appendToLog(options.log, [options.event], {
      chain: options.chain,
      ...(options.prev !== undefined ? { expectedPrev: options.prev } : {}),
    });
    event = appended.events[0]!;
    line = appended.firstLine;
    if (appended.tornSetAside) notes.push(`the log's last line was cut short (a crashed write); its bytes were set aside in ${appended.tornSetAside}`);
  } else {
    const head = readLogHead(options.log);
    if (options.prev !== undefined && head !== null && options.prev !== head) {
      throw new ConfigError('E_AUDIT_PREV', `input "prev" is ${String(options.prev)} but the head of ${options.log} is ${head}; nothing was written`);
    }
    event = sealEvent(options.event, options.chain ? (options.prev ?? head) : null);
  }

  const httpSinks = options.sinks.filter((s): s is HttpSink => s.kind === 'webhook' || s.kind === 'otlp');
  const outcomes: SinkOutcome[] = [];
  let spoolEntries: SpoolEntry[] = [];
  // With no HTTP sink and no spool file there is nothing to deliver or keep: no lock is taken (a run
  // with only the file sink does not wait behind one delivering to a slow webhook) and nothing is
  // created beside the log. Otherwise the spool is read only under its lock, even to learn that it is
  // empty: a look outside it could disagree with what a concurrent run writes, and would set a bad
  // line aside a second time. A spool a concurrent run creates after this check is its own to keep.
  if (httpSinks.length === 0 && !existsSync(options.spool)) {
    return { event, chainHead: event.digest, ...(line !== undefined ? { line } : {}), sinks: outcomes, spooled: 0, spoolEntries, notes };
  }
  await withLogLock(options.spool, async () => {
    const { entries, setAside } = readSpool(options.spool);
    if (setAside) notes.push(`spool lines that were not events were set aside in ${setAside}`);
    const keys = new Set(httpSinks.map(sinkKey));
    const kept: SpoolEntry[] = entries.filter((e) => !keys.has(e.sink));
    if (kept.length > 0) notes.push(`${kept.length} spooled event(s) wait for sinks this run does not name; they stay in the spool`);
    for (const sink of httpSinks) {
      const key = sinkKey(sink);
      const waiting = new Map<string, SpoolEntry>();
      for (const entry of entries) if (entry.sink === key && !waiting.has(entry.event.event_id)) waiting.set(entry.event.event_id, entry);
      const events = [...[...waiting.values()].map((e) => e.event), event];
      const result = await deliverToSink(sink, events, options.delivery);
      const now = new Date().toISOString();
      for (const failure of result.failed) {
        kept.push({ sink: key, event: failure.event, error: failure.error, since: waiting.get(failure.event.event_id)?.since ?? now });
      }
      outcomes.push({
        sink: key,
        delivered: result.delivered.length,
        spooled: result.failed.length,
        ...(result.failed.length > 0 ? { error: result.failed[result.failed.length - 1]!.error } : {}),
      });
    }
    writeSpool(options.spool, kept);
    spoolEntries = kept;
  });
  return { event, chainHead: event.digest, ...(line !== undefined ? { line } : {}), sinks: outcomes, spooled: spoolEntries.length, spoolEntries, notes };
}
