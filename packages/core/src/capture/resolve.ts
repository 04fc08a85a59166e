import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { FailOn } from '../gate/verdict.js';
import { pickRunContext, policySource, type GateRunContext } from '../gate/report.js';
import { resolveSetting } from '../gate/settings.js';
import { globToRegExp } from '../policy/glob.js';
import type { LoadedPolicy } from '../policy/types.js';
import type { TranscriptFormat } from '../transcript/index.js';
import type { CaptureOptions, CaptureResult } from './types.js';

const GLOB_CHARS = /[*?[\]{}]/;

/**
 * Resolves the `path` input to exactly one regular file. A glob that matches nothing or several
 * files is the user's mistake: guessing which transcript to judge would judge the wrong one.
 */
export function resolveTranscriptPath(input: string, workspace: string): string {
  const absolute = path.resolve(workspace, input);
  if (!GLOB_CHARS.test(input)) {
    if (!existsSync(absolute)) throw new ConfigError('E_NOT_FOUND', `input "path": no file at ${input}`);
    if (!statSync(absolute).isFile()) throw new ConfigError('E_INPUT', `input "path": ${input} is not a regular file`);
    return absolute;
  }
  const posix = absolute.split(path.sep).join('/');
  const firstGlob = posix.search(GLOB_CHARS);
  const baseDir = posix.slice(0, posix.lastIndexOf('/', firstGlob)) || '/';
  let pattern: RegExp;
  try {
    pattern = globToRegExp(posix.slice(baseDir.length).replace(/^\/+/, ''));
  } catch (error) {
    throw new ConfigError('E_INPUT', `input "path": ${error instanceof Error ? error.message : 'invalid glob'}`);
  }
  const matches: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 32 || matches.length > 100) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = `${dir === '/' ? '' : dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && entry.name !== 'node_modules') walk(full, depth + 1);
      } else if (entry.isFile() && pattern.test(full.slice(baseDir.length).replace(/^\/+/, ''))) matches.push(full);
    }
  };
  walk(baseDir, 0);
  if (matches.length === 0) throw new ConfigError('E_NOT_FOUND', `input "path": the glob ${input} matches no file`);
  if (matches.length > 1) {
    throw new ConfigError(
      'E_INPUT',
      `input "path": the glob ${input} matches ${matches.length > 100 ? 'over 100' : matches.length} files; it must match exactly one`,
    );
  }
  return matches[0]!;
}

/** What capture-transcript's action inputs say, read and validated by the action (unset = undefined or empty). */
export interface CaptureInputs {
  path: string;
  format: TranscriptFormat | 'auto';
  redact: boolean;
  maskValues: readonly string[];
  redactPatterns: readonly string[];
  allowedTools: readonly string[];
  artifactName?: string | undefined;
  retentionDays?: number | undefined;
  upload: boolean;
}

/** What the gate skeleton knows about the run: context, the policy that judges it, where to write. */
export interface CaptureRun {
  context: GateRunContext & { workspace: string; runnerTemp: string };
  policy: Pick<LoadedPolicy, 'policy' | 'source' | 'digest'> & { file?: string; ref?: string };
  tool: { name: string; version: string };
  /** Worker bundle (dist/worker/index.js); large transcripts are captured on worker threads through it. */
  workerEntry?: string;
  /** HMAC key for secret fingerprints, so fingerprints compare across runs; a random per-run key when absent. */
  fingerprintKey?: string;
  /** The shared `fail-on` input: `never` keeps a transcript in no supported format, stored unread. */
  failOn?: FailOn;
}

/** What capture decided before reading a byte: the capture's options and how the result is uploaded. */
export interface CapturePlan {
  options: CaptureOptions;
  upload: { name: string; retentionDays: number } | undefined;
}

/** `agent-transcript-<job>-<run id>-<attempt>`: unique per attempt, so a re-run never collides with the first. */
export function defaultArtifactName(context: Pick<GateRunContext, 'job' | 'runId' | 'runAttempt'>): string {
  return `agent-transcript-${context.job || 'job'}-${context.runId || 'local'}-${context.runAttempt || '1'}`;
}

// Where the policy judging this run came from: one spelling for every gate's report (gate/report.ts).
export { policySource };

/**
 * Every decision that joins the action's inputs with the policy's transcript section. Inputs
 * override single values (resolveSetting); the two exceptions are deliberate: either side can turn
 * redaction off (a secret then fails the gate and nothing is uploaded), and redact patterns add up,
 * because an input must not be able to drop a pattern the policy requires.
 */
export function planCapture(inputs: CaptureInputs, run: CaptureRun): CapturePlan {
  const transcript = run.policy.policy.transcript;
  const { context } = run;
  const source = resolveTranscriptPath(inputs.path, context.workspace);
  const options: CaptureOptions = {
    source,
    workspace: context.workspace,
    format: inputs.format,
    // A user who asked never to fail the step wants the record kept even when it cannot be read;
    // anyone else gets E_FORMAT, since a gate that read nothing must not look like one that passed.
    storeUnknown: run.failOn === 'never',
    redact: inputs.redact && transcript.redact,
    maskValues: inputs.maskValues,
    redactPatterns: [...inputs.redactPatterns, ...transcript.redactPatterns],
    allowedTools: resolveSetting(inputs.allowedTools, transcript.allowedTools),
    deniedTools: transcript.deniedTools,
    // The policy's secrets section governs the transcript too, and its models section judges the models it names.
    secrets: run.policy.policy.secrets,
    models: run.policy.policy.models,
    outputDir: path.join(context.runnerTemp || os.tmpdir(), 'agent-gates', 'capture-transcript', randomUUID()),
    maxBytes: transcript.maxBytes,
    ...(run.workerEntry ? { workerEntry: run.workerEntry } : {}),
    ...(run.fingerprintKey ? { fingerprintKey: run.fingerprintKey } : {}),
    policy: { source: policySource(run.policy), digest: run.policy.digest },
    context: { ...pickRunContext(context), toolName: run.tool.name, toolVersion: run.tool.version },
  };
  const upload = inputs.upload
    ? { name: resolveSetting(inputs.artifactName, defaultArtifactName(context)), retentionDays: resolveSetting(inputs.retentionDays, transcript.retentionDays) }
    : undefined;
  return { options, upload };
}

/**
 * What to upload once the capture is done: the evidence files (the transcript with its subagents' files, summary.json, capture.json), unless upload is off, or a
 * secret was found with redaction off, in which case the file must not leave the runner and
 * `skipped` says why.
 */
export function captureUpload(
  plan: CapturePlan,
  result: Pick<CaptureResult, 'uploadable' | 'transcriptFile' | 'subagentFiles' | 'summaryFile' | 'captureFile'>,
): { name: string; retentionDays: number; files: string[]; rootDirectory: string } | { skipped: string } | undefined {
  if (!plan.upload) return undefined;
  if (!result.uploadable) return { skipped: 'The transcript holds secrets and redact is false: it was not uploaded.' };
  return {
    ...plan.upload,
    files: [result.transcriptFile, ...result.subagentFiles, result.summaryFile, result.captureFile],
    rootDirectory: plan.options.outputDir,
  };
}
