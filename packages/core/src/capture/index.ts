import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { bytesDigest } from '../digest/index.js';
import { createSecretEngine, type SecretFinding } from '../secrets/index.js';
import {
  createTranscriptReader,
  detectFormat,
  filesRelativeToWorkspace,
  isLineOriented,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
} from '../transcript/index.js';
// Straight from tools.js: the policy index also reaches the YAML loader, which the worker bundle must not carry.
import { judgeToolCall } from '../policy/tools.js';
import { gateReport, writeGateReport, type GateReason } from '../gate/report.js';
import { worstVerdict } from '../gate/verdict.js';
import { TranscriptWriter } from './stream.js';
import type { CaptureOptions, CaptureResult, ToolViolation } from './types.js';
import { captureInWorker, redactFile } from './worker.js';


export { captureUpload, defaultArtifactName, planCapture, policySource, resolveTranscriptPath, type CaptureInputs, type CapturePlan, type CaptureRun } from './resolve.js';

export type * from './types.js';
export type { Verdict } from '../gate/verdict.js';

const HEAD_BYTES = 64 * 1024;
/**
 * From this size a transcript is captured on worker threads (when a worker entry is given); below
 * it a second thread costs more to start than it saves. The one threshold for both decisions.
 */
export const WORKER_MIN_BYTES = 8 * 1024 * 1024;
const MAX_FINDINGS_KEPT = 10_000;
const DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;
const MAX_VIOLATIONS_KEPT = 1000;

/** Calls `fn` for each line of `text` (endings `\n` or `\r\n`; the last line may have none). */
function forEachTextLine(text: string, fn: (line: string) => void): void {
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    fn(text.slice(start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl));
    start = nl + 1;
  }
  if (start < text.length) fn(text.slice(start));
}

/** The same over stored UTF-8 bytes, each line as one character per byte (see byteText). */
function forEachByteLine(bytes: Buffer, fn: (line: string) => void): void {
  let start = 0;
  for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
    fn(bytes.toString('latin1', start, nl > start && bytes[nl - 1] === 13 ? nl - 1 : nl));
    start = nl + 1;
  }
  if (start < bytes.length) fn(bytes.toString('latin1', start, bytes.length));
}

/** Reads the start of a file for format detection without loading the rest. */
async function headOf(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    let text = buffer.subarray(0, bytesRead).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text;
  } finally {
    await handle.close();
  }
}

/**
 * capture-transcript's whole judgement, runtime-free: detect, redact while streaming, summarise
 * what was stored (never the unredacted text), check tool use, and write the three files that
 * make the evidence: the redacted transcript in its own format, summary.json and capture.json.
 */
export async function captureTranscript(options: CaptureOptions): Promise<CaptureResult> {
  const startedAt = (options.now ?? (() => new Date()))();
  const sourceName = path.basename(options.source);
  // Built first: a bad redact pattern is the user's mistake whatever the transcript holds. One
  // engine serves both paths: byteText only adds byte spellings of the mask values.
  const engineOptions = {
    fingerprintKey: options.fingerprintKey ?? randomBytes(32).toString('hex'),
    values: [...options.maskValues],
    patterns: [...options.redactPatterns],
    byteText: true,
  };
  const engine = createSecretEngine(engineOptions);

  const size = statSync(options.source).size;
  if (size === 0) throw new ConfigError('E_FORMAT', `transcript ${sourceName} is empty`);
  if (options.maxBytes !== undefined && size > options.maxBytes) {
    throw new ConfigError('E_TOO_LARGE', `transcript ${sourceName} is ${size} bytes, over the policy's transcript.max-bytes (${options.maxBytes})`);
  }

  const head = await headOf(options.source);
  let format: TranscriptFormat;
  if (options.format === 'auto') {
    const detected = detectFormat(head, sourceName);
    if (!detected) {
      throw new ConfigError('E_FORMAT', `transcript ${sourceName} matches no supported format (${TRANSCRIPT_FORMATS.join(', ')})`);
    }
    format = detected;
  } else {
    if (!(TRANSCRIPT_FORMATS as readonly string[]).includes(options.format)) {
      throw new ConfigError('E_INPUT', `input "format" must be auto or one of ${TRANSCRIPT_FORMATS.join(', ')}`);
    }
    format = options.format;
  }

  const rules = { allowedTools: options.allowedTools, deniedTools: options.deniedTools };
  const violations: ToolViolation[] = [];
  let violationCount = 0;
  const byteText = isLineOriented(format);
  const reader = createTranscriptReader(format, {
    byteText,
    onToolCall(call) {
      // Permission patterns such as Edit(src/**) are written relative to the repository, while
      // agents record absolute paths: judge the path as the pattern's author meant it.
      const argument =
        call.filePaths.length > 0 && call.argument && path.isAbsolute(call.argument)
          ? filesRelativeToWorkspace([call.argument], { workspace: options.workspace })[0]
          : call.argument;
      const judged = { name: call.name, ...(argument !== undefined ? { argument } : {}) };
      const judgement = judgeToolCall(rules, judged);
      if (judgement.allowed) return;
      const rule = judgement.reason === 'denied' ? `denied by ${judgement.rule}` : 'not in allowed-tools';
      violationCount += 1;
      if (violations.length < MAX_VIOLATIONS_KEPT) {
        violations.push({ tool: call.name, ...(argument ? { argument } : {}), rule, record: call.recordIndex });
      }
    },
  });

  mkdirSync(options.outputDir, { recursive: true });
  // The transcript keeps its own name under transcript/, so it can never collide with summary.json.
  mkdirSync(path.join(options.outputDir, 'transcript'), { recursive: true });
  // Stored without leading dots: the artifact service refuses hidden names such as Aider's
  // `.aider.chat.history.md` (capture.json keeps the original name).
  const storedName = sourceName.replace(/^\.+/, '') || 'transcript';
  const transcriptFile = path.join(options.outputDir, 'transcript', storedName);
  const findings: CaptureResult['findings'] = [];
  let redactions = 0;
  const notes: string[] = [];
  const noteFindings = (list: SecretFinding[], baseLine: number, original: string) => {
    for (const f of list) {
      redactions += 1;
      if (findings.length < MAX_FINDINGS_KEPT) findings.push({ ruleId: f.ruleId, fingerprint: f.fingerprint, line: baseLine + f.line - 1 });
      if (options.onSecret && f.end <= original.length) options.onSecret(original.slice(f.start, f.end));
    }
  };

  let sourceDigest: string;
  let transcriptDigest: string;
  let storedBytes: number;
  let redactedOnWorker = false;

  if (isLineOriented(format)) {
    const writer = new TranscriptWriter(transcriptFile);
    let invalidLines = 0;
    redactedOnWorker = Boolean(options.workerEntry && size >= WORKER_MIN_BYTES);
    const source = await redactFile({
      file: options.source,
      redaction: { engine: engineOptions, kind: format === 'aider' ? 'text' : 'json', redact: options.redact },
      ...(redactedOnWorker && options.workerEntry ? { workerEntry: options.workerEntry } : { engine }),
      onResult: async (result) => {
        writer.write(result.bytes);
        invalidLines += result.invalidLines;
        for (const f of result.found) {
          redactions += 1;
          if (findings.length < MAX_FINDINGS_KEPT) findings.push({ ruleId: f.ruleId, fingerprint: f.fingerprint, line: f.line });
          options.onSecret?.(f.value);
        }
        // The reader sees redacted text only, so nothing it keeps for the summary can hold a secret.
        if (result.redactedText !== undefined) forEachTextLine(Buffer.from(result.redactedText, 'utf8').toString('latin1'), (line) => reader.pushLine(line));
        // Lines go to the reader as bytes (Latin-1): it turns what it keeps back into text.
        else {
          const stored = Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength);
          // The byte order mark is stored, but it is not part of the first record.
          forEachByteLine(result.byteOrderMark ? stored.subarray(3) : stored, (line) => reader.pushLine(line));
        }
        await writer.drain();
      },
    });
    // A transcript is UTF-8 text; bytes that are not may be corruption or an attempt to hide text.
    if (invalidLines > 0) notes.push(`${invalidLines} line(s) are not valid UTF-8`);
    sourceDigest = `sha256:${source.sha256}`;
    await writer.close();
    // Taken where the stored bytes were made (the redaction thread); the writer wrote exactly those.
    transcriptDigest = `sha256:${source.storedSha256}`;
    storedBytes = writer.bytes;
  } else {
    const limit = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
    if (size > limit) {
      throw new ConfigError('E_TOO_LARGE', `transcript ${sourceName} is ${size} bytes; a ${format} file is read whole and the limit is ${limit}`);
    }
    const bytes = readFileSync(options.source);
    sourceDigest = bytesDigest(bytes);
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const result = engine.redactJson(text);
    noteFindings(result.findings, 1, text);
    let document: unknown;
    try {
      document = JSON.parse(result.text);
    } catch {
      throw new ConfigError('E_FORMAT', `transcript ${sourceName} is not valid JSON (a ${format} file is one JSON document); it may be truncated`);
    }
    reader.pushDocument(document);
    const stored = options.redact ? result.text : text;
    writeFileSync(transcriptFile, stored);
    storedBytes = Buffer.byteLength(stored);
    transcriptDigest = bytesDigest(stored);
  }

  const summary = reader.finish();
  if (summary.records === 0) {
    throw new ConfigError('E_FORMAT', `transcript ${sourceName} holds no readable ${format} record (${summary.badLines} unreadable lines)`);
  }
  const filesTouched = filesRelativeToWorkspace(summary.filesTouched, {
    workspace: options.workspace,
    ...(summary.cwd ? { cwd: summary.cwd } : {}),
  });

  const gateReasons: GateReason[] = [];
  const raise = (severity: GateReason['severity'], code: string, message: string) => gateReasons.push({ code, severity, message });
  if (violationCount > 0) raise('fail', 'tool-violation', `${violationCount} tool call(s) outside the allowed tools`);
  if (redactions > 0 && !options.redact) raise('fail', 'secret-unredacted', `${redactions} secret(s) found and redact is off: the transcript was not stored`);
  else if (redactions > 0) raise('warn', 'secret-redacted', `${redactions} secret(s) found in the transcript and redacted; rotate them, the agent's model provider has seen them`);
  // A transcript cut short may hide the calls that matter: never a pass.
  for (const note of notes) raise('warn', 'invalid-utf8', note);
  if (summary.badLines > 0) raise('warn', 'unreadable-lines', `${summary.badLines} unreadable line(s): the transcript may be truncated or corrupted`);
  if (summary.turns === 0 && summary.toolCalls === 0) raise('warn', 'empty-session', 'the transcript records no turn and no tool call');
  const verdict = worstVerdict(gateReasons.map((r) => r.severity));
  const reasons = gateReasons.map((r) => r.message);

  const summaryFile = path.join(options.outputDir, 'summary.json');
  const summaryRecord = {
    schema: 'https://agent-gates.dev/schemas/capture-summary/v1',
    ...summary,
    filesTouched,
    verdict,
    reasons,
    toolViolations: violations,
    toolViolationCount: violationCount,
    redactions,
    findings,
  };
  const summaryText = `${JSON.stringify(summaryRecord, null, 2)}\n`;
  writeFileSync(summaryFile, summaryText);
  const summaryDigest = bytesDigest(summaryText);

  const uploadable = options.redact || redactions === 0;
  const { toolName, toolVersion, ...runContext } = options.context;
  const captureRecord = {
    ...gateReport({
      tool: { name: toolName, version: toolVersion },
      context: runContext,
      startedAt,
      finishedAt: (options.now ?? (() => new Date()))(),
      policy: options.policy,
      verdict,
      reasons: gateReasons,
      subjects: [
        { name: 'source', digest: sourceDigest },
        { name: `transcript/${storedName}`, digest: transcriptDigest },
        { name: 'summary.json', digest: summaryDigest },
      ],
      details: {
        format,
        agent: summary.agent,
        models: summary.models,
        turns: summary.turns,
        toolCalls: summary.toolCalls,
        toolViolations: violationCount,
        filesTouched: filesTouched.length,
      },
    }),
    // capture's own members beside the envelope, where capture.json readers have always found them.
    transcript: {
      name: sourceName,
      storedAs: `transcript/${storedName}`,
      format,
      agent: summary.agent,
      sourceBytes: size,
      sourceDigest,
      storedBytes,
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
    format,
    summary,
    filesTouched,
    violations,
    findings,
    redactions,
    sourceDigest,
    transcriptDigest,
    summaryDigest,
    captureDigest: report.digest,
    transcriptFile,
    summaryFile,
    captureFile: report.path,
    uploadable,
    redactedOnWorker,
  };
}

/**
 * Captures on worker threads when the transcript is large and a worker entry is given (see
 * captureInWorker: bounded heaps), inline otherwise. The one place that chooses.
 */
export async function runCapture(options: CaptureOptions): Promise<CaptureResult> {
  const { onSecret, ...rest } = options;
  if (options.workerEntry && statSync(options.source).size >= WORKER_MIN_BYTES) {
    return captureInWorker(rest, options.workerEntry, onSecret ?? (() => undefined));
  }
  return captureTranscript(options);
}
