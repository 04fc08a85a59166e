import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
  isTextFormat,
  refineFormat,
  TRANSCRIPT_FORMATS,
  withoutUserNames,
  workspaceView,
  type TranscriptFormat,
} from '../transcript/index.js';
// Straight from tools.js: the policy index also reaches the YAML loader, which the worker bundle must not carry.
import { judgeToolCall, parseToolPattern } from '../policy/tools.js';
import { isPinnedModel, judgeModel, restrictsModels } from '../policy/models.js';
import type { ModelsPolicy } from '../policy/types.js';
import type { GateReason } from '../gate/report.js';
import type { Verdict } from '../gate/verdict.js';
import { TranscriptWriter } from './stream.js';
import type { CaptureOptions, CaptureResult, ToolViolation } from './types.js';
import { redactFile } from './redact-file.js';
import { secretReasons, writeEvidence, type StoredSubagent } from './evidence.js';
import { captureOpaque } from './opaque.js';
import { learnedSearcher, redactLearned, withoutLearned } from './learned-pass.js';
import type { LearnedSpelling } from '../secrets/learned-values.js';

export { captureUpload, defaultArtifactName, planCapture, resolveTranscriptPath, type CaptureInputs, type CapturePlan, type CaptureRun } from './resolve.js';

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

/** At most this many model ids are named in one reason; a hostile transcript may hold thousands. */
const MODELS_NAMED = 5;

/** Model ids come from the transcript: quoted (newlines escaped) and cut short before they reach a reason. */
const quoteModel = (model: string): string => JSON.stringify(model.length > 100 ? `${model.slice(0, 100)}…` : model);

function listModels(models: string[]): string {
  const named = models.slice(0, MODELS_NAMED).map(quoteModel).join(', ');
  return models.length > MODELS_NAMED ? `${named} and ${models.length - MODELS_NAMED} more` : named;
}

/**
 * The policy's `models` section against the models the transcript names: a denied model, or one no
 * `allowed` glob matches, fails; an alias under `require-pinned` warns (the record cannot say which
 * snapshot wrote the change). A transcript naming no model passes this check unless the policy restricts
 * models, where it warns: nothing shows the restriction held.
 */
function judgeModels(policy: ModelsPolicy, models: readonly string[], raise: (to: Verdict, reason: string) => void): void {
  if (models.length === 0) {
    if (restrictsModels(policy)) raise('warn', "the transcript names no model, so the policy's models.allowed and models.denied could not be checked");
    return;
  }
  const denied: string[] = [];
  const notAllowed: string[] = [];
  const unpinned: string[] = [];
  for (const model of models) {
    const judgement = judgeModel(policy, model);
    if (judgement.reason === 'denied') denied.push(model);
    else if (judgement.reason === 'not-allowed') notAllowed.push(model);
    if (policy.requirePinned && !isPinnedModel(model)) unpinned.push(model);
  }
  if (denied.length) raise('fail', `model(s) denied by the policy's models.denied: ${listModels(denied)}`);
  if (notAllowed.length) raise('fail', `model(s) not in the policy's models.allowed: ${listModels(notAllowed)}`);
  if (unpinned.length) raise('warn', `model(s) not pinned to a dated snapshot while models.require-pinned is on: ${listModels(unpinned)}`);
}

/**
 * Claude Code keeps a session's subagents in `<session>/subagents/agent-<id>.jsonl` beside
 * `<session>.jsonl`; a capture of the session is not whole without them.
 */
function subagentFiles(source: string): string[] {
  if (!source.endsWith('.jsonl')) return [];
  const folder = path.join(source.slice(0, -'.jsonl'.length), 'subagents');
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return (
    names
      .filter((name) => /^agent-[^/]+\.jsonl$/.test(name))
      .sort()
      .map((name) => path.join(folder, name))
      // Found, not named by the user: a symbolic link could point anywhere on the runner, and what
      // is read here is uploaded.
      .filter((file) => {
        try {
          return lstatSync(file).isFile();
        } catch {
          return false;
        }
      })
  );
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
    patterns: [...options.redactPatterns, ...(options.secrets?.patterns ?? []).map((p) => ({ id: p.id, regex: p.regex }))],
    disabledRules: [...(options.secrets?.disabledRules ?? [])],
    allow: (options.secrets?.allow ?? []).map((a) => ({
      ...(a.regex !== undefined ? { regex: a.regex } : {}),
      ...(a.rules ? { rules: [...a.rules] } : {}),
      ...(a.paths ? { paths: [...a.paths] } : {}),
    })),
    byteText: true,
  };
  const engine = createSecretEngine(engineOptions);
  // An invalid rule matches nothing: silently kept, a typo would turn an allow-list into deny-all or
  // a deny rule into nothing. The policy's rules are checked when it loads; these are the input's.
  for (const [input, list] of [
    ['allowed-tools', options.allowedTools],
    ['denied-tools', options.deniedTools],
  ] as const) {
    for (const rule of list) {
      const parsed = parseToolPattern(rule);
      if ('error' in parsed)
        throw new ConfigError('E_INPUT', `input "${input}": rule ${JSON.stringify(rule.length > 120 ? `${rule.slice(0, 120)}…` : rule)} ${parsed.error}`);
    }
  }

  const size = statSync(options.source).size;
  if (size === 0) throw new ConfigError('E_FORMAT', `transcript ${sourceName} is empty`);
  if (options.maxBytes !== undefined && size > options.maxBytes) {
    throw new ConfigError('E_TOO_LARGE', `transcript ${sourceName} is ${size} bytes, over the policy's transcript.max-bytes (${options.maxBytes})`);
  }

  const head = await headOf(options.source);
  mkdirSync(options.outputDir, { recursive: true });
  // The transcript keeps its own name under transcript/, so it can never collide with summary.json.
  mkdirSync(path.join(options.outputDir, 'transcript'), { recursive: true });
  // Stored without leading dots: the artifact service refuses hidden names such as Aider's
  // `.aider.chat.history.md` (capture.json keeps the original name).
  const storedName = sourceName.replace(/^\.+/, '') || 'transcript';
  const transcriptFile = path.join(options.outputDir, 'transcript', storedName);
  let format: TranscriptFormat;
  if (options.format === 'auto') {
    const detected = detectFormat(head, sourceName);
    // Kept unread when asked: an auditor still has the (redacted) record of a session we cannot parse.
    if (!detected && options.storeUnknown) return captureOpaque({ options, engineOptions, engine, size, startedAt, storedName, transcriptFile });
    if (!detected) {
      throw new ConfigError('E_FORMAT', `transcript ${sourceName} matches no supported format (${TRANSCRIPT_FORMATS.join(', ')})`);
    }
    format = detected;
  } else {
    if (!(TRANSCRIPT_FORMATS as readonly string[]).includes(options.format)) {
      throw new ConfigError('E_INPUT', `input "format" must be auto or one of ${TRANSCRIPT_FORMATS.join(', ')}`);
    }
    format = refineFormat(options.format, head, sourceName);
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
      // A call whose record names two different commands is never allowed: either may have run.
      if (judgement.allowed && call.ambiguous === undefined) return;
      const rule = judgement.allowed ? `ambiguous: ${call.ambiguous}` : judgement.reason === 'denied' ? `denied by ${judgement.rule}` : 'not in allowed-tools';
      violationCount += 1;
      if (violations.length < MAX_VIOLATIONS_KEPT) {
        violations.push({ tool: call.name, ...(argument ? { argument: withoutUserNames(argument) } : {}), rule, record: call.recordIndex });
      }
    },
  });

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

  const subagents: StoredSubagent[] = [];
  /** Values the redaction streams decided were secret: redacted again, everywhere, once every file is stored. */
  const learned: LearnedSpelling[] = [];
  if (isLineOriented(format)) {
    let invalidLines = 0;
    const storeLines = async (file: string, stored: string, onWorker: boolean) => {
      const writer = new TranscriptWriter(stored);
      const digests = await redactFile({
        file,
        redaction: { engine: engineOptions, kind: isTextFormat(format) ? 'text' : 'json', redact: options.redact },
        ...(onWorker && options.workerEntry ? { workerEntry: options.workerEntry } : { engine }),
        onResult: async (result) => {
          writer.write(result.bytes);
          invalidLines += result.invalidLines;
          if (result.learned) learned.push(...result.learned);
          for (const f of result.found) {
            redactions += 1;
            if (findings.length < MAX_FINDINGS_KEPT) findings.push({ ruleId: f.ruleId, fingerprint: f.fingerprint, line: f.line });
            options.onSecret?.(f.value);
          }
          // The reader sees redacted text only, so nothing it keeps for the summary can hold a secret.
          if (result.redactedText !== undefined) forEachTextLine(Buffer.from(result.redactedText, 'utf8').toString('latin1'), (line) => reader.pushLine(line));
          // Lines go to the reader as bytes (Latin-1): it turns what it keeps back into text.
          else {
            const bytes = Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength);
            // The byte order mark is stored, but it is not part of the first record.
            forEachByteLine(result.byteOrderMark ? bytes.subarray(3) : bytes, (line) => reader.pushLine(line));
          }
          await writer.drain();
        },
      });
      await writer.close();
      // The stored digest is taken where the stored bytes were made (the redaction thread); the writer wrote exactly those.
      return { ...digests, storedBytes: writer.bytes };
    };
    redactedOnWorker = Boolean(options.workerEntry && size >= WORKER_MIN_BYTES);
    const source = await storeLines(options.source, transcriptFile, redactedOnWorker);
    sourceDigest = `sha256:${source.sha256}`;
    transcriptDigest = `sha256:${source.storedSha256}`;
    storedBytes = source.storedBytes;
    // A subagent's own file is as much the agent's record as the session's: judged, redacted and stored beside it.
    if (format === 'claude-session') {
      let total = size;
      for (const agent of subagentFiles(options.source)) {
        total += statSync(agent).size;
        if (options.maxBytes !== undefined && total > options.maxBytes) {
          throw new ConfigError(
            'E_TOO_LARGE',
            `transcript ${sourceName} with its subagent files is over ${total} bytes, over the policy's transcript.max-bytes (${options.maxBytes})`,
          );
        }
        const storedAs = path.posix.join('transcript', path.basename(path.dirname(path.dirname(agent))), 'subagents', path.basename(agent));
        const stored = path.join(options.outputDir, storedAs);
        mkdirSync(path.dirname(stored), { recursive: true });
        const digests = await storeLines(agent, stored, Boolean(options.workerEntry && statSync(agent).size >= WORKER_MIN_BYTES));
        subagents.push({
          name: path.basename(agent),
          storedAs,
          sourceDigest: `sha256:${digests.sha256}`,
          transcriptDigest: `sha256:${digests.storedSha256}`,
          file: stored,
        });
      }
    }
    // A stream redacts a value it learned in the lines after, not in those it had passed: a second pass,
    // only when something was learned, redacts it everywhere in every stored file (with redact off
    // nothing is stored once a secret is found, see `uploadable`).
    const searcher = learnedSearcher(learned);
    if (searcher && options.redact) {
      const kind = isTextFormat(format) ? 'text' : 'json';
      // A file the pass leaves as it was (null) keeps the digest and size taken when it was stored.
      const pass = await redactLearned(transcriptFile, searcher, kind);
      const passes = [];
      if (pass) {
        transcriptDigest = `sha256:${pass.sha256}`;
        storedBytes = pass.bytes;
        passes.push(pass);
      }
      for (const agent of subagents) {
        const again = await redactLearned(agent.file, searcher, kind);
        if (!again) continue;
        agent.transcriptDigest = `sha256:${again.sha256}`;
        passes.push(again);
      }
      for (const f of passes.flatMap((p) => p.found)) {
        redactions += 1;
        if (findings.length < MAX_FINDINGS_KEPT) findings.push(f);
      }
    }
    // A transcript is UTF-8 text; bytes that are not may be corruption or an attempt to hide text.
    if (invalidLines > 0) notes.push(`${invalidLines} line(s) are not valid UTF-8`);
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

  const read = reader.finish();
  // A forced format that understood none of the records read nothing, exactly like a failed detection.
  if (read.records - read.skippedRecords <= 0) {
    throw new ConfigError(
      'E_FORMAT',
      `transcript ${sourceName} holds no readable ${format} record (${read.badLines} unreadable lines, ${read.skippedRecords} records of another kind)`,
    );
  }
  // The reader saw lines before a value was learned: what it kept of them must not hold the value.
  const searcher = learnedSearcher(learned);
  const summary = searcher ? withoutLearned(workspaceView(read, options.workspace), searcher) : workspaceView(read, options.workspace);
  if (searcher) violations.splice(0, violations.length, ...withoutLearned(violations, searcher));
  const outsideWorkspace = summary.outsideWorkspace ?? [];

  const gateReasons: GateReason[] = [];
  const raise = (severity: GateReason['severity'], code: string, message: string) => gateReasons.push({ code, severity, message });
  if (violationCount > 0) raise('fail', 'tool-violation', `${violationCount} tool call(s) outside the allowed tools`);
  if (outsideWorkspace.length > 0) {
    raise(options.allowWritesOutsideWorkspace ? 'warn' : 'fail', 'outside-workspace', `${outsideWorkspace.length} file(s) written outside the workspace`);
  }
  gateReasons.push(...secretReasons(redactions, options.redact));
  // A transcript cut short may hide the calls that matter: never a pass.
  for (const note of notes) raise('warn', 'invalid-utf8', note);
  if (summary.badLines > 0) raise('warn', 'unreadable-lines', `${summary.badLines} unreadable line(s): the transcript may be truncated or corrupted`);
  if (summary.truncated !== undefined) raise('warn', 'truncated', `the transcript is incomplete: ${summary.truncated}`);
  if (summary.modelsOmitted !== undefined)
    raise('warn', 'models-omitted', `${summary.modelsOmitted} more model id(s) than the ${summary.models.length} listed: the model list is not whole`);
  if (summary.turns === 0 && (summary.modelCalls ?? 0) === 0 && summary.toolCalls === 0)
    raise('warn', 'empty-session', 'the transcript records no turn and no tool call');
  if (options.models) {
    judgeModels(options.models, summary.models.length ? summary.models : summary.model ? [summary.model] : [], (severity, message) =>
      raise(severity, 'model-policy', message),
    );
  }
  return writeEvidence({
    options,
    startedAt,
    format,
    summary,
    gateReasons,
    violations,
    violationCount,
    redactions,
    findings,
    sourceName,
    storedName,
    transcriptFile,
    sourceBytes: size,
    sourceDigest,
    storedBytes,
    transcriptDigest,
    subagents,
    redactedOnWorker,
  });
}
