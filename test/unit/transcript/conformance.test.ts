import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { captureTranscript } from '../../../packages/core/src/capture/index.js';
import {
  detectFormat,
  MAX_ENTRY_TEXT,
  readTranscript,
  workspaceView,
  type TranscriptFormat,
  type TranscriptSummary,
} from '../../../packages/core/src/transcript/index.js';
import { describeWithConformance } from '../../conformance-data.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const expectedDir = path.join(repoRoot, 'test/fixtures/transcripts/expected');
const madeHereDir = path.join(repoRoot, 'test/fixtures/transcripts/made-here');

interface Golden {
  detect: TranscriptFormat | null;
  readAs?: TranscriptFormat;
  summary?: Record<string, unknown>;
  /**
   * Where capture's streaming path disagrees today with the in-memory reader on this file, and why.
   * It pins today's behaviour so a change either way is seen; when the readers agree, delete it.
   */
  stream?: KnownStreamDifference;
}

interface KnownStreamDifference {
  reason: string;
  /** The streaming path refuses the file with an error whose message contains this. */
  error?: string;
  /** Golden summary fields whose streamed value differs today, with that value. */
  summary?: Record<string, unknown>;
  /** Other summary fields that differ today (e.g. conversation). */
  differs?: string[];
}

/** Format descriptions, third-party schemas, reports and SSE chunk files are not transcripts this module reads. */
function isTranscriptCandidate(rel: string): boolean {
  const base = path.basename(rel);
  if (base === 'FORMATS.md' || base === 'README.md' || base.endsWith('-README.md')) return false;
  if (base.endsWith('.schema.json') || base.endsWith('-expected-output.md') || base.endsWith('.chunks.txt')) return false;
  return true;
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) out.push(...listFiles(full, rel));
    else out.push(rel);
  }
  return out;
}

function checkSummary(summary: TranscriptSummary, expected: Record<string, unknown>): void {
  const actual = summary as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(expected)) {
    // null in a golden means "must be absent", so a reader cannot invent a model or a usage total.
    if (value === null) expect(actual[key], key).toBeUndefined();
    else expect(actual[key], key).toEqual(value);
  }
}

const captureOutputs = mkdtempSync(path.join(os.tmpdir(), 'conformance-capture-'));
afterAll(() => rmSync(captureOutputs, { recursive: true, force: true }));

/**
 * The summary capture-transcript makes in production: the file redacted in chunks and fed to the
 * reader line by line as bytes (or, for single-JSON formats, parsed whole after redaction).
 */
async function captureSummary(file: string, format: TranscriptFormat | 'auto'): Promise<{ summary: TranscriptSummary; workspace: string }> {
  const outputDir = mkdtempSync(path.join(captureOutputs, 'out-'));
  const result = await captureTranscript({
    source: file,
    workspace: outputDir,
    format,
    redact: true,
    maskValues: [],
    redactPatterns: [],
    allowedTools: ['*'],
    deniedTools: [],
    outputDir,
    fingerprintKey: 'conformance',
    policy: { source: 'default', digest: 'sha256:0' },
    context: {
      repository: 'acme/app',
      runId: '1',
      runAttempt: '1',
      job: 'agent',
      workflow: 'agent',
      workflowRef: '',
      eventName: 'push',
      sha: '0'.repeat(40),
      actor: 'octocat',
      toolName: 'conformance',
      toolVersion: '0',
    },
  });
  // Every conformance file is in a supported format: an opaque capture (format unknown) would be a failed detection.
  expect(result.summary.format).not.toBe('unknown');
  return { summary: result.summary as TranscriptSummary, workspace: outputDir };
}

/**
 * The known conversation difference (entries cut by bytes in byte mode) is confined to entries longer
 * than MAX_ENTRY_TEXT in UTF-8 bytes: every other entry must be the same.
 */
function checkOnlyCutEntriesDiffer(streamed: TranscriptSummary['conversation'], inMemory: TranscriptSummary['conversation'], where: string): void {
  expect(
    streamed.map((e) => e.role),
    `${where}: conversation roles`,
  ).toEqual(inMemory.map((e) => e.role));
  inMemory.forEach((entry, i) => {
    // An entry the in-memory reader already cut ends with its marker; its byte length says nothing.
    const cut = /… \[truncated \d+ chars\]$/.test(entry.text);
    if (!cut && Buffer.byteLength(entry.text, 'utf8') <= MAX_ENTRY_TEXT)
      expect(streamed[i], `${where}: conversation entry ${i}, short enough not to be cut`).toEqual(entry);
  });
}

async function checkStream(file: string, golden: Golden, inMemory: TranscriptSummary | undefined): Promise<void> {
  const known = golden.stream;
  const where = `${path.basename(file)} through capture's streaming path`;
  // The format a user would give: auto when detection finds it, the golden's readAs otherwise.
  const streamed = captureSummary(file, golden.detect ? 'auto' : (golden.readAs ?? 'auto'));
  if (!inMemory) {
    await expect(streamed, where).rejects.toThrow(/E_FORMAT|matches no supported format/);
    return;
  }
  if (known?.error) {
    await expect(streamed, `${where}: known difference (${known.reason})`).rejects.toThrow(known.error);
    return;
  }
  const { summary, workspace } = await streamed;
  if (known?.summary) checkSummary(summary, known.summary);
  // Capture reports the workspace view (paths relative to the workspace, home folders as ~): compare
  // with the in-memory reading seen the same way; the golden fields were checked on that reading.
  const view = workspaceView(inMemory, workspace);
  const actual = summary as unknown as Record<string, unknown>;
  const expected = view as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(actual), ...Object.keys(expected)])) {
    if (known?.differs?.includes(key)) {
      expect(actual[key], `${where}: ${key} agrees with the in-memory reader now; remove it from the golden's stream.differs`).not.toEqual(expected[key]);
      if (key === 'conversation') checkOnlyCutEntriesDiffer(summary.conversation, view.conversation, where);
    } else if (!(key in (known?.summary ?? {}))) {
      expect(actual[key], `${where}: ${key} differs from the in-memory reader`).toEqual(expected[key]);
    }
  }
}

async function checkGolden(file: string, golden: Golden): Promise<void> {
  const text = readFileSync(file, 'utf8');
  expect(detectFormat(text.slice(0, 64 * 1024), path.basename(file)) ?? null).toBe(golden.detect);
  const format = golden.detect ?? golden.readAs;
  if (!format) {
    expect(() => readTranscript(text)).toThrow(/E_FORMAT|matches no known format/);
    await checkStream(file, golden, undefined);
    return;
  }
  expect(golden.summary, 'a readable transcript needs expected summary fields').toBeDefined();
  const summary = readTranscript(text, format);
  checkSummary(summary, golden.summary ?? {});
  expect(summary.conversation.length).toBeLessThanOrEqual(200);
  await checkStream(file, golden, summary);
}

describeWithConformance('transcript conformance (shared/conformance/transcripts)', 'transcripts', (transcriptsDir) => {
  const files = listFiles(transcriptsDir).filter(isTranscriptCandidate);

  it('has a golden file for every transcript file', () => {
    const missing = files.filter((rel) => !existsSync(path.join(expectedDir, `${rel}.json`)));
    expect(missing).toEqual([]);
    expect(files.length).toBeGreaterThan(30);
  });

  it('has no golden file for a transcript that no longer exists', () => {
    const goldens = listFiles(expectedDir).map((rel) => rel.replace(/\.json$/, ''));
    expect(goldens.filter((rel) => !files.includes(rel))).toEqual([]);
  });

  it('gives a summary the published schema accepts for every transcript it reads', async () => {
    const validate = await summaryValidator();
    for (const rel of files) {
      const golden = JSON.parse(readFileSync(path.join(expectedDir, `${rel}.json`), 'utf8')) as Golden;
      const format = golden.detect ?? golden.readAs;
      if (!format) continue;
      const summary = readTranscript(readFileSync(path.join(transcriptsDir, rel), 'utf8'), format);
      expect(validate(summary), `${rel}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  for (const rel of files) {
    const goldenPath = path.join(expectedDir, `${rel}.json`);
    it.skipIf(!existsSync(goldenPath))(rel, async () => {
      const golden = JSON.parse(readFileSync(goldenPath, 'utf8')) as Golden;
      await checkGolden(path.join(transcriptsDir, rel), golden);
    });
  }
});

describe('transcript fixtures made here (formats without public samples)', () => {
  for (const name of ['copilot-cli-events.jsonl', 'gemini-cli-session.jsonl']) {
    it(name, async () => {
      const golden = JSON.parse(readFileSync(path.join(madeHereDir, `${name}.expected.json`), 'utf8')) as Golden;
      await checkGolden(path.join(madeHereDir, name), golden);
    });
  }
});

/** The published summary schema, compiled with ajv (a dependency of @agent-gates/core, so resolved from there). */
async function summaryValidator(): Promise<((v: unknown) => boolean) & { errors?: unknown }> {
  const { createRequire } = await import('node:module');
  const requireFromCore = createRequire(path.join(repoRoot, 'packages/core/package.json'));
  const Ajv2020 = (requireFromCore('ajv/dist/2020') as { default: new (o: object) => { compile(s: object): ((v: unknown) => boolean) & { errors?: unknown } } })
    .default;
  const schema = JSON.parse(readFileSync(path.join(repoRoot, 'packages/core/schemas/transcript-summary.schema.json'), 'utf8')) as object;
  return new Ajv2020({ allErrors: true, strict: true }).compile(schema);
}

describe('transcript-summary.schema.json', () => {
  it('accepts the summary of every made-here fixture and rejects a broken one', async () => {
    const validate = await summaryValidator();
    for (const name of ['copilot-cli-events.jsonl', 'gemini-cli-session.jsonl']) {
      const summary = readTranscript(readFileSync(path.join(madeHereDir, name), 'utf8'));
      expect(validate(summary), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(validate({ format: 'nope', agent: 'x' })).toBe(false);
  });
});
