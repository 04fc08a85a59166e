import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bytesDigest } from '../digest/index.js';
import type { SecretEngine } from '../secrets/index.js';
import { gateReport, writeGateReport, type GateReason } from '../gate/report.js';
import { worstVerdict } from '../gate/verdict.js';
import type { ChunkRedactorOptions } from './chunks.js';
import { redactFile } from './redact-file.js';
import { TranscriptWriter } from './stream.js';
import type { CaptureOptions, CaptureResult, CaptureSummary } from './types.js';

const MAX_FINDINGS_KEPT = 10_000;

export interface OpaqueCapture {
  options: CaptureOptions;
  engineOptions: ChunkRedactorOptions['engine'];
  engine: SecretEngine;
  size: number;
  startedAt: Date;
  storedName: string;
  transcriptFile: string;
}

/**
 * A transcript in no format we read, kept anyway (storeUnknown): redacted as text line by line,
 * both digests taken, stored and reported as `format: unknown`. It is never a pass: nothing in it
 * was read, so no tool call, model or file was judged.
 */
export async function captureOpaque(run: OpaqueCapture): Promise<CaptureResult> {
  const { options, transcriptFile, storedName } = run;
  const sourceName = path.basename(options.source);
  const findings: CaptureResult['findings'] = [];
  let redactions = 0;
  let invalidLines = 0;
  const writer = new TranscriptWriter(transcriptFile);
  const digests = await redactFile({
    file: options.source,
    redaction: { engine: run.engineOptions, kind: 'text', redact: options.redact },
    engine: run.engine,
    onResult: async (result) => {
      writer.write(result.bytes);
      invalidLines += result.invalidLines;
      for (const f of result.found) {
        redactions += 1;
        if (findings.length < MAX_FINDINGS_KEPT) findings.push({ ruleId: f.ruleId, fingerprint: f.fingerprint, line: f.line });
        options.onSecret?.(f.value);
      }
      await writer.drain();
    },
  });
  await writer.close();
  const sourceDigest = `sha256:${digests.sha256}`;
  const transcriptDigest = `sha256:${digests.storedSha256}`;

  const gateReasons: GateReason[] = [
    {
      code: 'format-unknown',
      severity: 'warn',
      message: `transcript ${sourceName} matches no supported format: it was stored redacted line by line but not read, so no tool call or model was judged`,
    },
  ];
  if (redactions > 0 && !options.redact)
    gateReasons.push({
      code: 'secret-unredacted',
      severity: 'fail',
      message: `${redactions} secret(s) found and redact is off: the transcript was not stored`,
    });
  else if (redactions > 0)
    gateReasons.push({
      code: 'secret-redacted',
      severity: 'warn',
      message: `${redactions} secret(s) found in the transcript and redacted; rotate them, the agent's model provider has seen them`,
    });
  if (invalidLines > 0) gateReasons.push({ code: 'invalid-utf8', severity: 'warn', message: `${invalidLines} line(s) are not valid UTF-8` });
  const verdict = worstVerdict(gateReasons.map((r) => r.severity));
  const reasons = gateReasons.map((r) => r.message);

  const summary: CaptureSummary = {
    format: 'unknown',
    agent: 'unknown',
    models: [],
    turns: 0,
    toolCalls: 0,
    tools: {},
    filesTouched: [],
    records: 0,
    skippedRecords: 0,
    badLines: 0,
    conversation: [],
  };
  const summaryFile = path.join(options.outputDir, 'summary.json');
  const summaryText = `${JSON.stringify(
    {
      schema: 'https://agent-gates.dev/schemas/capture-summary/v1',
      ...summary,
      verdict,
      reasons,
      toolViolations: [],
      toolViolationCount: 0,
      redactions,
      findings,
    },
    null,
    2,
  )}\n`;
  writeFileSync(summaryFile, summaryText);
  const summaryDigest = bytesDigest(summaryText);

  const uploadable = options.redact || redactions === 0;
  if (!uploadable) rmSync(transcriptFile, { force: true });
  const { toolName, toolVersion, ...runContext } = options.context;
  const captureRecord = {
    ...gateReport({
      tool: { name: toolName, version: toolVersion },
      context: runContext,
      startedAt: run.startedAt,
      finishedAt: (options.now ?? (() => new Date()))(),
      policy: options.policy,
      verdict,
      reasons: gateReasons,
      subjects: [
        { name: 'source', digest: sourceDigest },
        { name: `transcript/${storedName}`, digest: transcriptDigest },
        { name: 'summary.json', digest: summaryDigest },
      ],
      details: { format: 'unknown', agent: 'unknown', models: [], turns: 0, toolCalls: 0, toolViolations: 0, filesTouched: 0 },
    }),
    transcript: {
      name: sourceName,
      storedAs: `transcript/${storedName}`,
      format: 'unknown',
      agent: 'unknown',
      sourceBytes: run.size,
      sourceDigest,
      storedBytes: writer.bytes,
      transcriptDigest,
      redacted: options.redact,
      redactions,
    },
    summaryDigest,
  };
  const report = writeGateReport(path.join(options.outputDir, 'capture.json'), captureRecord);

  return {
    verdict,
    reasons,
    gateReasons,
    format: 'unknown',
    summary,
    filesTouched: [],
    outsideWorkspace: [],
    violations: [],
    findings,
    redactions,
    sourceDigest,
    transcriptDigest,
    summaryDigest,
    captureDigest: report.digest,
    transcriptFile,
    subagentFiles: [],
    summaryFile,
    captureFile: report.path,
    uploadable,
    redactedOnWorker: false,
  };
}
