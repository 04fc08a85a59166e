// What every capture leaves behind, read or opaque: the verdict from its reasons, summary.json,
// capture.json (the gate report), and the result the action turns into outputs. One writer, so a
// transcript we cannot read is recorded exactly as one we can.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bytesDigest } from '../digest/index.js';
import { gateReport, writeGateReport, type GateReason } from '../gate/report.js';
import { worstVerdict } from '../gate/verdict.js';
import type { CaptureOptions, CaptureResult, CaptureSummary, ToolViolation } from './types.js';

/** A subagent's transcript stored beside the session's (Claude Code `subagents/agent-<id>.jsonl`). */
export interface StoredSubagent {
  name: string;
  storedAs: string;
  sourceDigest: string;
  transcriptDigest: string;
  file: string;
}

export interface Evidence {
  options: CaptureOptions;
  startedAt: Date;
  format: CaptureResult['format'];
  summary: CaptureSummary;
  gateReasons: GateReason[];
  violations: ToolViolation[];
  violationCount: number;
  redactions: number;
  findings: CaptureResult['findings'];
  sourceName: string;
  storedName: string;
  transcriptFile: string;
  sourceBytes: number;
  sourceDigest: string;
  storedBytes: number;
  transcriptDigest: string;
  subagents: StoredSubagent[];
  redactedOnWorker: boolean;
}

/** The reasons secrets give, the same whether the transcript was read or only stored. */
export function secretReasons(redactions: number, redact: boolean): GateReason[] {
  if (redactions === 0) return [];
  if (!redact)
    return [{ code: 'secret-unredacted', severity: 'fail', message: `${redactions} secret(s) found and redact is off: the transcript was not stored` }];
  return [
    {
      code: 'secret-redacted',
      severity: 'warn',
      message: `${redactions} secret(s) found in the transcript and redacted; rotate them, the agent's model provider has seen them`,
    },
  ];
}

export function writeEvidence(e: Evidence): CaptureResult {
  const { options, summary } = e;
  const verdict = worstVerdict(e.gateReasons.map((r) => r.severity));
  const reasons = e.gateReasons.map((r) => r.message);

  const summaryFile = path.join(options.outputDir, 'summary.json');
  const summaryRecord = {
    schema: 'https://agent-gates.dev/schemas/capture-summary/v1',
    ...summary,
    verdict,
    reasons,
    toolViolations: e.violations,
    toolViolationCount: e.violationCount,
    redactions: e.redactions,
    findings: e.findings,
  };
  const summaryText = `${JSON.stringify(summaryRecord, null, 2)}\n`;
  writeFileSync(summaryFile, summaryText);
  const summaryDigest = bytesDigest(summaryText);

  const uploadable = options.redact || e.redactions === 0;
  // With redact off a transcript holding secrets is stored as it came; it must not stay where the
  // transcript-file output points, for a later step to upload or print.
  if (!uploadable) for (const file of [e.transcriptFile, ...e.subagents.map((a) => a.file)]) rmSync(file, { force: true });
  const { toolName, toolVersion, ...runContext } = options.context;
  const captureRecord = {
    ...gateReport({
      tool: { name: toolName, version: toolVersion },
      context: runContext,
      startedAt: e.startedAt,
      finishedAt: (options.now ?? (() => new Date()))(),
      policy: options.policy,
      verdict,
      reasons: e.gateReasons,
      subjects: [
        { name: 'source', digest: e.sourceDigest },
        { name: `transcript/${e.storedName}`, digest: e.transcriptDigest },
        { name: 'summary.json', digest: summaryDigest },
      ],
      details: {
        format: e.format,
        agent: summary.agent,
        models: summary.models,
        turns: summary.turns,
        toolCalls: summary.toolCalls,
        toolViolations: e.violationCount,
        filesTouched: summary.filesTouched.length,
      },
    }),
    // capture's own members beside the envelope, where capture.json readers have always found them.
    transcript: {
      name: e.sourceName,
      storedAs: `transcript/${e.storedName}`,
      format: e.format,
      agent: summary.agent,
      sourceBytes: e.sourceBytes,
      sourceDigest: e.sourceDigest,
      storedBytes: e.storedBytes,
      transcriptDigest: e.transcriptDigest,
      redacted: options.redact,
      redactions: e.redactions,
      ...(e.subagents.length > 0 ? { subagents: e.subagents.map(({ file: _file, ...rest }) => rest) } : {}),
    },
    summaryDigest: summaryDigest,
  };
  const report = writeGateReport(path.join(options.outputDir, 'capture.json'), captureRecord);

  return {
    verdict,
    reasons,
    gateReasons: e.gateReasons,
    format: e.format,
    summary,
    filesTouched: summary.filesTouched,
    outsideWorkspace: summary.outsideWorkspace ?? [],
    violations: e.violations,
    findings: e.findings,
    redactions: e.redactions,
    sourceDigest: e.sourceDigest,
    transcriptDigest: e.transcriptDigest,
    summaryDigest,
    captureDigest: report.digest,
    transcriptFile: e.transcriptFile,
    subagentFiles: e.subagents.map((a) => a.file),
    summaryFile,
    captureFile: report.path,
    uploadable,
    redactedOnWorker: e.redactedOnWorker,
  };
}
