import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertAuditEvent, type AuditEvent } from './event.js';

/** An event a sink did not take, waiting for the next run. */
export interface SpoolEntry {
  sink: string;
  event: AuditEvent;
  error: string;
  since: string;
}

/**
 * The spool's entries; a line that is not an entry (torn by a crash, edited) is set aside into
 * `<spool>.bad-<time>` and named in `setAside`, never dropped.
 */
export function readSpool(file: string): { entries: SpoolEntry[]; setAside?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [] };
    throw error;
  }
  const entries: SpoolEntry[] = [];
  const bad: string[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line === '' && index === lines.length - 1) continue;
    try {
      const entry = JSON.parse(line) as SpoolEntry;
      assertAuditEvent(entry.event, `spool line ${index + 1}`);
      if (typeof entry.sink !== 'string') throw new Error('no sink');
      entries.push(entry);
    } catch {
      bad.push(line);
    }
  }
  if (bad.length === 0) return { entries };
  const setAside = `${file}.bad-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  writeFileSync(setAside, bad.join('\n') + '\n', { flag: 'wx' });
  return { entries, setAside };
}

/** Replaces the spool atomically (write, fsync, rename); an empty spool is removed. */
export function writeSpool(file: string, entries: readonly SpoolEntry[]): void {
  if (entries.length === 0) {
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return;
  }
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const fd = openSync(temporary, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(temporary, file);
}
