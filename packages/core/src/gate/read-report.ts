import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { bytesDigest } from '../digest/index.js';
import { readOpenedFile } from '../files.js';
import { GATE_REPORT_SCHEMA_ID, reportDigestMatches } from './report.js';

/**
 * Reading a sibling gate's GateReport from its `report` and `report-digest` outputs: the one reader
 * the router and audit-emit share, so a report is trusted on the same terms by both. A report is
 * `verified` only when the gate output a sha256 digest and the file's bytes match it.
 */

/** A file named as the report that is there but cannot be read as one; `unusable` says why. */
export interface UnusableReportFile {
  unusable: string;
}

/**
 * Reads a file: its bytes; undefined when there is no such file here (another job's runner); or
 * `{ unusable }` when something is there that cannot be a report (a FIFO, a directory, too large, unreadable).
 */
export type ReadFile = (file: string) => Buffer | UnusableReportFile | undefined;

/** Larger than any report a gate writes; a bigger file is not read. */
export const MAX_REPORT_BYTES = 10 << 20;

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * The file's bytes when it is a regular file of at most MAX_REPORT_BYTES; undefined when it is absent;
 * `{ unusable }` otherwise. Opened non-blocking, so a FIFO (the path comes from job outputs) cannot
 * hold the run: it is refused by fstat before anything is read.
 */
export const readReportFile: ReadFile = (file) => {
  let fd: number;
  try {
    // O_NONBLOCK matters only to a FIFO or device (open returns at once); a regular file reads as usual.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return { unusable: `cannot be opened (${code ?? 'error'})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { unusable: `is not a regular file (${stat.isDirectory() ? 'a directory' : stat.isFIFO() ? 'a FIFO' : 'a special file'})` };
    if (stat.size > MAX_REPORT_BYTES) return { unusable: `is ${stat.size} bytes, over the ${MAX_REPORT_BYTES}-byte cap for a report` };
    return readOpenedFile(fd, stat.size);
  } catch (error) {
    return { unusable: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    closeSync(fd);
  }
};

export interface ReportReason {
  code: string;
  severity: string;
  message?: string;
}

/** What reading one gate's report found. */
export interface ReportRead {
  /**
   * `verified`: the digest matched and the file is a GateReport; `unread`: a sound digest but no file
   * here (judge on outputs); `mismatch`: the file is not the one the digest names; `invalid`: no
   * digest to bind, the file named is there but cannot be a report (a FIFO, a directory, over
   * MAX_REPORT_BYTES: never judged on outputs), or the bound file is not a GateReport.
   */
  state: 'verified' | 'mismatch' | 'unread' | 'invalid';
  note: string;
  /** The `report-digest` output, when it is a sha256 digest. */
  digest?: string;
  /** Why the `report-digest` output cannot bind a report (missing, or not sha256:<hex>). */
  digestProblem?: string;
  /** The verified report's fields; only with `verified`. */
  report?: { toolName: string; version: string; verdict: unknown; reasons: ReportReason[]; headSha?: string; startedAt?: string };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads the report a gate's outputs name and checks it against the digest they give. Never throws. */
export function readGateReport(outputs: Readonly<Record<string, string>>, readFile: ReadFile = readReportFile): ReportRead {
  const file = outputs.report;
  const digest = outputs['report-digest'];
  if (!digest || !DIGEST.test(digest)) {
    return { state: 'invalid', note: 'no report digest to bind', digestProblem: `report-digest ${digest ? 'is not sha256:<hex>' : 'is missing'}` };
  }
  const bytes = file ? readFile(file) : undefined;
  if (!bytes) return { state: 'unread', note: 'report not readable here (another job); judged on outputs', digest };
  if (!Buffer.isBuffer(bytes))
    return { state: 'invalid', note: `report file ${bytes.unusable}: it cannot be the report, and is not judged on outputs`, digest };
  if (!reportDigestMatches(bytes, digest)) {
    return { state: 'mismatch', note: `report file (sha256 of its bytes ${bytesDigest(bytes)}) does not match report-digest ${digest}`, digest };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { state: 'invalid', note: 'report is not JSON', digest };
  }
  const r = isRecord(parsed) ? parsed : {};
  const tool = isRecord(r.tool) ? r.tool : {};
  if (r.schema !== GATE_REPORT_SCHEMA_ID || typeof tool.name !== 'string' || typeof tool.version !== 'string' || !Array.isArray(r.reasons)) {
    return { state: 'invalid', note: 'report is not a GateReport envelope', digest };
  }
  const pullRequest = isRecord(r.pullRequest) ? r.pullRequest : {};
  const reasons: ReportReason[] = [];
  for (const reason of r.reasons) {
    if (isRecord(reason) && typeof reason.code === 'string') {
      reasons.push({ code: reason.code, severity: String(reason.severity), ...(typeof reason.message === 'string' ? { message: reason.message } : {}) });
    }
  }
  return {
    state: 'verified',
    note: `report ${digest.slice(0, 19)}… verified`,
    digest,
    report: {
      toolName: tool.name,
      version: tool.version,
      verdict: r.verdict,
      reasons,
      ...(typeof pullRequest.headSha === 'string' ? { headSha: pullRequest.headSha } : {}),
      ...(typeof r.startedAt === 'string' ? { startedAt: r.startedAt } : {}),
    },
  };
}
