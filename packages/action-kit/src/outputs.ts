import * as core from '@actions/core';
import { ConfigError } from '@agent-gates/core';

/**
 * GitHub keeps at most 1 MB of outputs per job, all steps together, and drops the rest; a gate
 * keeps its own under half of that so the job's other steps still fit.
 */
export const GATE_OUTPUTS_LIMIT_BYTES = 512 * 1024;
/** The most one list output may take; past it the list is cut and ends with a marker. */
export const LIST_OUTPUT_LIMIT_BYTES = 128 * 1024;

/** What a cut list output left out, so the gate can say so. */
export interface TruncatedOutput {
  name: string;
  kept: number;
  total: number;
}

/**
 * Outputs are collected and written only once the gate has finished: a step that fails half way
 * must not leave a `verdict` behind that a later `if:` could read as a pass.
 */
export class OutputSet<Name extends string> {
  private readonly values = new Map<Name, string>();
  private readonly cut: TruncatedOutput[] = [];

  set(name: Name, value: string | number | boolean | object | undefined): this {
    if (value === undefined) return this;
    this.values.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    return this;
  }

  /**
   * A JSON array output cut to `maxBytes`: items are kept in order while they fit, then one
   * `marker(omitted)` item says how many were left out. Consumers see a valid array either way.
   */
  setList<T>(name: Name, items: readonly T[], marker: (omitted: number) => T, maxBytes = LIST_OUTPUT_LIMIT_BYTES): this {
    const full = JSON.stringify(items);
    if (Buffer.byteLength(full) <= maxBytes) return this.set(name, full);
    const reserve = Buffer.byteLength(JSON.stringify(marker(items.length))) + 2;
    const kept: T[] = [];
    let used = 2;
    for (const item of items) {
      const size = Buffer.byteLength(JSON.stringify(item)) + 1;
      if (used + size + reserve > maxBytes) break;
      kept.push(item);
      used += size;
    }
    this.cut.push({ name, kept: kept.length, total: items.length });
    return this.set(name, JSON.stringify([...kept, marker(items.length - kept.length)]));
  }

  /** A JSON object output cut the same way: entries in order while they fit, then one marker entry. */
  setRecord<V>(name: Name, record: Readonly<Record<string, V>>, marker: (omitted: number) => [string, V], maxBytes = LIST_OUTPUT_LIMIT_BYTES): this {
    const entries = Object.entries(record);
    const full = JSON.stringify(record);
    if (Buffer.byteLength(full) <= maxBytes) return this.set(name, full);
    const reserve = Buffer.byteLength(JSON.stringify(Object.fromEntries([marker(entries.length)]))) + 1;
    const kept: Array<[string, V]> = [];
    let used = 2;
    for (const entry of entries) {
      const size = Buffer.byteLength(JSON.stringify(entry[0])) + Buffer.byteLength(JSON.stringify(entry[1])) + 2;
      if (used + size + reserve > maxBytes) break;
      kept.push(entry);
      used += size;
    }
    this.cut.push({ name, kept: kept.length, total: entries.length });
    return this.set(name, JSON.stringify(Object.fromEntries([...kept, marker(entries.length - kept.length)])));
  }

  /** The list outputs that were cut, for the gate to report. */
  truncated(): readonly TruncatedOutput[] {
    return this.cut;
  }

  get(name: Name): string | undefined {
    return this.values.get(name);
  }

  entries(): Array<[Name, string]> {
    return [...this.values.entries()];
  }

  /** Writes every output at once, or none: a set over the limit is a bug in the gate, not a partial result. */
  commit(limitBytes = GATE_OUTPUTS_LIMIT_BYTES): void {
    let total = 0;
    for (const [name, value] of this.values) total += Buffer.byteLength(name) + Buffer.byteLength(value);
    if (total > limitBytes) throw new ConfigError('E_INTERNAL', `the step's outputs take ${total} bytes, over the ${limitBytes} a gate may write`);
    for (const [name, value] of this.values) core.setOutput(name, value);
  }
}
