import path from 'node:path';
import type { SecretEngine } from '../secrets/index.js';
import type { GateReason } from '../gate/report.js';
import type { ChunkRedactorOptions } from './chunks.js';
import { secretReasons, writeEvidence } from './evidence.js';
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
  gateReasons.push(...secretReasons(redactions, options.redact));
  if (invalidLines > 0) gateReasons.push({ code: 'invalid-utf8', severity: 'warn', message: `${invalidLines} line(s) are not valid UTF-8` });
  // Nothing was read: a summary with no counts, which says so by its format.
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
  return writeEvidence({
    options,
    startedAt: run.startedAt,
    format: 'unknown',
    summary,
    gateReasons,
    violations: [],
    violationCount: 0,
    redactions,
    findings,
    sourceName,
    storedName,
    transcriptFile,
    sourceBytes: run.size,
    sourceDigest,
    storedBytes: writer.bytes,
    transcriptDigest,
    subagents: [],
    redactedOnWorker: false,
  });
}
