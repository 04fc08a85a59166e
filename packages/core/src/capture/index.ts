import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { bytesDigest, jsonDigest } from '../digest/index.js';
import { createSecretEngine, type SecretFinding } from '../secrets/index.js';
import {
  createTranscriptReader,
  detectFormat,
  filesRelativeToWorkspace,
  isLineOriented,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
  type TranscriptSummary,
} from '../transcript/index.js';
// Straight from tools.js: the policy index also reaches the YAML loader, which the worker bundle must not carry.
import { judgeToolCall } from '../policy/tools.js';
import { TranscriptWriter } from './stream.js';
import { redactFile } from './redact-file.js';


export { resolveTranscriptPath } from './resolve.js';

export type Verdict = 'pass' | 'warn' | 'fail';

export interface ToolViolation {
  tool: string;
  argument?: string;
  /** Why it is a violation: the deny rule that matched, or that no allow rule did. */
  rule: string;
  record: number;
}

export interface CaptureContext {
  repository: string;
  runId: string;
  runAttempt: string;
  job: string;
  workflow: string;
  workflowRef: string;
  eventName: string;
  sha: string;
  actor: string;
  pullRequest?: { number: number; baseSha: string; headSha: string };
  toolName: string;
  toolVersion: string;
}

export interface CaptureOptions {
  /** Absolute path of the transcript (already resolved). */
  source: string;
  workspace: string;
  format: TranscriptFormat | 'auto';
  redact: boolean;
  maskValues: readonly string[];
  redactPatterns: readonly string[];
  /** Claude Code permission patterns; `*` allows every tool, an empty list allows none. */
  allowedTools: readonly string[];
  /** Deny rules win over allow rules, and are checked against each part of a chained command. */
  deniedTools: readonly string[];
  /** Directory that receives the redacted transcript, summary.json and capture.json. */
  outputDir: string;
  /** HMAC key for secret fingerprints; a random per-run key when absent. */
  fingerprintKey?: string;
  /** Largest transcript accepted (policy transcript.max-bytes); larger fails, never truncated. */
  maxBytes?: number;
  /** Largest transcript accepted for a single-JSON format, which must be read whole. */
  maxDocumentBytes?: number;
  policy: { source: string; digest: string };
  context: CaptureContext;
  /**
   * A script that serves redaction when started as a worker (see redact-file.ts); large line-oriented
   * transcripts are then redacted on a second thread. Without it everything runs inline.
   */
  workerEntry?: string;
  /** Called with each secret value found, so the runtime can mask it; the value is never stored. */
  onSecret?: (value: string) => void;
  now?: () => Date;
}

export interface CaptureResult {
  verdict: Verdict;
  reasons: string[];
  format: TranscriptFormat;
  summary: TranscriptSummary;
  filesTouched: string[];
  violations: ToolViolation[];
  findings: Array<Pick<SecretFinding, 'ruleId' | 'fingerprint' | 'line'>>;
  redactions: number;
  sourceDigest: string;
  transcriptDigest: string;
  summaryDigest: string;
  captureDigest: string;
  transcriptFile: string;
  summaryFile: string;
  captureFile: string;
  /** False when redact is off and a secret was found: the file must not leave the runner. */
  uploadable: boolean;
  /** Redaction ran on a second thread (large line-oriented transcripts). */
  redactedOnWorker: boolean;
}

const HEAD_BYTES = 64 * 1024;
/** Below this a second thread costs more to start than it saves. */
const WORKER_MIN_BYTES = 8 * 1024 * 1024;
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

  const reasons: string[] = [];
  let verdict: Verdict = 'pass';
  const raise = (to: Verdict, reason: string) => {
    reasons.push(reason);
    if (to === 'fail' || (to === 'warn' && verdict === 'pass')) verdict = to;
  };
  if (violationCount > 0) raise('fail', `${violationCount} tool call(s) outside the allowed tools`);
  if (redactions > 0 && !options.redact) raise('fail', `${redactions} secret(s) found and redact is off: the transcript was not stored`);
  else if (redactions > 0) raise('warn', `${redactions} secret(s) found in the transcript and redacted; rotate them, the agent's model provider has seen them`);
  // A transcript cut short may hide the calls that matter: never a pass.
  for (const note of notes) raise('warn', note);
  if (summary.badLines > 0) raise('warn', `${summary.badLines} unreadable line(s): the transcript may be truncated or corrupted`);
  if (summary.turns === 0 && summary.toolCalls === 0) raise('warn', 'the transcript records no turn and no tool call');

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
  const c = options.context;
  const captureRecord = {
    schema: 'https://agent-gates.dev/schemas/capture/v1',
    tool: { name: c.toolName, version: c.toolVersion },
    repository: c.repository,
    run: { id: c.runId, attempt: c.runAttempt, job: c.job, workflow: c.workflow, workflowRef: c.workflowRef },
    event: c.eventName,
    sha: c.sha,
    ...(c.pullRequest ? { pullRequest: c.pullRequest } : {}),
    actor: c.actor,
    startedAt: startedAt.toISOString(),
    finishedAt: (options.now ?? (() => new Date()))().toISOString(),
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
    policy: options.policy,
    verdict,
  };
  const captureFile = path.join(options.outputDir, 'capture.json');
  const captureText = `${JSON.stringify(captureRecord, null, 2)}\n`;
  writeFileSync(captureFile, captureText);

  return {
    verdict,
    reasons,
    format,
    summary,
    filesTouched,
    violations,
    findings,
    redactions,
    sourceDigest,
    transcriptDigest,
    summaryDigest,
    captureDigest: jsonDigest(captureRecord),
    transcriptFile,
    summaryFile,
    captureFile,
    uploadable,
    redactedOnWorker,
  };
}
