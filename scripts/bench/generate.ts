// The benchmark's input: a Claude Code session transcript (the ~/.claude/projects/*.jsonl format) built
// from REAL session records, the conformance Claude Code sessions, repeated until the requested size with
// fresh ids each time, with fake credentials planted at the densities real transcripts show. Same size +
// seed + sources + GENERATOR_VERSION gives the same bytes, so figures from two runs are comparable and a
// cached file can be reused.
//
// The text is what users feed the gate: tool results holding whole files, hook output, prompts and replies,
// with every word secret scanners key on left where the session had it. Nothing is generated to dodge
// scanners. Credentials: one a MiB on its own, and one block of eight a MiB (a `.env` file read back),
// each assembled from random characters at run time so no credential-shaped literal sits in this source.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export const GENERATOR_VERSION = 4;
export const DEFAULT_SEED = 20260901;
const MiB = 1024 ** 2;
/** Credentials planted in each MiB: one alone, and one block of this many. */
export const BLOCK_SIZE = 8;

export const CREDENTIAL_KINDS = [
  'github-pat',
  'aws-access-key-id',
  'slack-bot',
  'private-key',
  'url-password',
  'stripe-live',
  'jwt',
  'gitlab-pat',
  'sendgrid',
  'npm-token',
] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** Where the session records come from, relative to the conformance directory. */
export const SESSION_DIR = path.join('transcripts', 'claude-code-session');

export interface TranscriptInfo {
  file: string;
  size: number;
  seed: number;
  generatorVersion: number;
  bytes: number;
  lines: number;
  longLines: number;
  /** The conformance session files the records come from, and one pass over them. */
  sources: { dir: string; files: string[]; lines: number; bytes: number; digest: string };
  /** How many times the source records were written (the last pass may be partial). */
  passes: number;
  planted: Record<CredentialKind, number>;
  plantedTotal: number;
  plantedSingles: number;
  plantedBlocks: number;
  /** Lines holding a planted credential. */
  plantedLines: number;
}

/** "64MiB", "1GiB", "512M", "1048576" → bytes (units are binary). */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(k|ki|kib|m|mi|mib|g|gi|gib|b)?$/i.exec(text.trim());
  if (!m) throw new Error(`unrecognised size "${text}" (use e.g. 64MiB or 1GiB)`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const scale = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * scale);
}

export function formatSize(bytes: number): string {
  if (bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3}GiB`;
  if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024}KiB`;
  return `${bytes}B`;
}

/** mulberry32: tiny, fast, and good enough for ids and fake credentials; not for cryptography. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const BASE62 = UPPER + LOWER + DIGITS;
const BASE64 = BASE62 + '+/';
const BASE64URL = BASE62 + '-_';
const HEX = '0123456789abcdef';

/**
 * One fake credential of `kind` as it appears in a file or command output: its usual variable name or
 * context, then the value built from its documented shape (prefixes split so no scanner flags this file).
 * `marker` is a random part of it that survives JSON escaping, to count the lines that hold it.
 */
export function makeCredential(kind: CredentialKind, rng: Random): { line: string; marker: string } {
  const join = (...parts: string[]) => parts.join('');
  switch (kind) {
    case 'github-pat': {
      const marker = rng.chars(BASE62, 36);
      return { line: `GITHUB_TOKEN=${join('gh', 'p_')}${marker}`, marker };
    }
    case 'aws-access-key-id': {
      // gitleaks allows only base32 characters after the prefix; secretlint allows [A-Z0-9]; base32 satisfies both.
      const marker = rng.chars(UPPER + '234567', 16);
      return { line: `aws_access_key_id = ${join('AK', 'IA')}${marker}`, marker };
    }
    case 'slack-bot': {
      const marker = rng.chars(BASE62, 24);
      return { line: `SLACK_BOT_TOKEN=${join('xo', 'xb')}-${rng.chars(DIGITS, 12)}-${rng.chars(DIGITS, 13)}-${marker}`, marker };
    }
    case 'private-key': {
      const label = ['PRIVATE', 'KEY'].join(' ');
      // 'MIIE' + 60, 11 × 64, 38 + '==': 808 base64 characters, a whole number of quads like a real key.
      const body = [rng.chars(BASE64, 60), ...Array.from({ length: 11 }, () => rng.chars(BASE64, 64))];
      const line = `-----BEGIN RSA ${label}-----\n${join('MII', 'E')}${body.join('\n')}\n${rng.chars(BASE64, 38)}==\n-----END RSA ${label}-----`;
      return { line, marker: body[1]! };
    }
    case 'url-password': {
      const marker = rng.chars(BASE62, 20);
      return {
        line: `DATABASE_URL=postgres://${rng.pick(['deploy', 'app', 'svc_orders', 'admin'])}:${marker}@db-${rng.int(1, 9)}.internal.example.net:5432/orders`,
        marker,
      };
    }
    case 'stripe-live': {
      const marker = rng.chars(BASE62, 24);
      return { line: `STRIPE_SECRET_KEY="${join('sk', '_li', 've_')}${marker}"`, marker };
    }
    case 'jwt': {
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(JSON.stringify({ sub: rng.chars(DIGITS, 10), name: 'deploy-bot', iat: 1767225600 + rng.int(0, 1e7) })).toString('base64url');
      const marker = rng.chars(BASE64URL, 43);
      return { line: `Authorization: Bearer ${header}.${payload}.${marker}`, marker };
    }
    case 'gitlab-pat': {
      const marker = rng.chars(BASE62, 20);
      return { line: `GITLAB_TOKEN=${join('gl', 'pat-')}${marker}`, marker };
    }
    case 'sendgrid': {
      const marker = rng.chars(BASE62, 43);
      return { line: `SENDGRID_API_KEY=${join('S', 'G.')}${rng.chars(BASE62, 22)}.${marker}`, marker };
    }
    case 'npm-token': {
      const marker = rng.chars(BASE62, 36);
      return { line: `//registry.npmjs.org/:_authToken=${join('np', 'm_')}${marker}`, marker };
    }
  }
}

/** One conformance session record and, when it is a tool result we can plant into, where. */
interface SourceRecord {
  text: string;
  /** Parsed record whose serialisation is its exact text, with a string tool result: plantable. */
  plantable: boolean;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
// Message, request and tool-use ids as Claude Code writes them (`msg_01…`, `req_011C…`, `toolu_01…`).
const PREFIXED_ID = /\b(msg|req|toolu)_([0-9A-Za-z]{16,})/g;

/** The conformance directory: BENCH_CONFORMANCE, else `../shared/conformance` beside the repository. */
export function conformanceDir(root: string): string {
  const dir = process.env.BENCH_CONFORMANCE ?? path.join(root, '..', 'shared', 'conformance');
  if (!existsSync(path.join(dir, SESSION_DIR))) {
    throw new Error(
      `the benchmark input is built from the conformance Claude Code sessions, and ${path.join(dir, SESSION_DIR)} does not exist: ` +
        'link the conformance data at ../shared/conformance beside the repository or set BENCH_CONFORMANCE=DIR. Nothing was measured.',
    );
  }
  return dir;
}

export function readSources(conformance: string): { files: string[]; records: SourceRecord[]; bytes: number; digest: string } {
  const dir = path.join(conformance, SESSION_DIR);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  if (files.length === 0) throw new Error(`${dir} holds no .jsonl session file`);
  const hash = createHash('sha256');
  const records: SourceRecord[] = [];
  let bytes = 0;
  for (const name of files) {
    const text = readFileSync(path.join(dir, name), 'utf8');
    hash.update(name).update('\0').update(text);
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      bytes += Buffer.byteLength(line) + 1;
      records.push({ text: line, plantable: plantTarget(line) !== null });
    }
  }
  return { files, records, bytes, digest: hash.digest('hex') };
}

type SessionRecord = { type?: string; message?: { content?: unknown } };
type ToolResult = { type: 'tool_result'; content: string };

/** The parsed record and its string tool result, when planting there keeps the record as Claude Code writes it. */
function plantTarget(line: string): { record: SessionRecord; result: ToolResult } | null {
  let record: SessionRecord;
  try {
    record = JSON.parse(line) as SessionRecord;
  } catch {
    return null;
  }
  if (record.type !== 'user' || !Array.isArray(record.message?.content)) return null;
  const result = (record.message.content as { type?: string; content?: unknown }[]).find(
    (c) => c.type === 'tool_result' && typeof c.content === 'string' && c.content.length > 0,
  );
  if (!result) return null;
  // Claude Code writes JSON.stringify output; a fixture formatted otherwise is written as it is.
  if (JSON.stringify(record) !== line) return null;
  return { record, result: result as ToolResult };
}

/** Inserts `lines` into a tool result at a line boundary, as a file or command output would hold them. */
function plant(line: string, lines: string[], rng: Random): string {
  const { record, result } = plantTarget(line)!;
  const content = result.content;
  const breaks: number[] = [0];
  for (let i = content.indexOf('\n'); i >= 0 && breaks.length < 4096; i = content.indexOf('\n', i + 1)) breaks.push(i + 1);
  const at = rng.pick(breaks);
  result.content = `${content.slice(0, at)}${lines.join('\n')}\n${content.slice(at)}`;
  return JSON.stringify(record);
}

/** Fresh ids for one pass: the same old id maps to the same new one, so parent links stay whole. */
function freshIds(text: string, ids: Map<string, string>, rng: Random): string {
  return text
    .replace(UUID, (id) => {
      let fresh = ids.get(id);
      if (!fresh) ids.set(id, (fresh = [8, 4, 4, 4, 12].map((n) => rng.chars(HEX, n)).join('-')));
      return fresh;
    })
    .replace(PREFIXED_ID, (id, prefix: string, rest: string) => {
      let fresh = ids.get(id);
      if (!fresh) ids.set(id, (fresh = `${prefix}_${rng.chars(BASE62, rest.length)}`));
      return fresh;
    });
}

function sidecarPath(file: string): string {
  return file.replace(/\.jsonl$/, '.json');
}

/**
 * Returns the transcript of `size` bytes (at most) for `seed`, building it from the conformance sessions
 * unless an identical one is cached in `dir`.
 */
export function ensureTranscript(dir: string, size: number, seed: number, conformance: string, log: (m: string) => void = () => {}): TranscriptInfo {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `transcript-${formatSize(size)}.jsonl`);
  const sources = readSources(conformance);
  if (existsSync(file) && existsSync(sidecarPath(file))) {
    const cached = JSON.parse(readFileSync(sidecarPath(file), 'utf8')) as TranscriptInfo;
    if (
      cached.size === size &&
      cached.seed === seed &&
      cached.generatorVersion === GENERATOR_VERSION &&
      cached.sources?.digest === sources.digest &&
      statSync(file).size === cached.bytes
    ) {
      log(`reusing ${path.relative(process.cwd(), file)} (${cached.lines} lines, ${cached.plantedTotal} planted credentials)`);
      return { ...cached, file };
    }
  }
  if (!sources.records.some((r) => r.plantable)) throw new Error('no conformance session record holds a string tool result to plant credentials in');
  log(`building ${path.relative(process.cwd(), file)} from ${sources.files.length} conformance sessions (seed ${seed})…`);
  const rng = new Random(seed);
  const planted = Object.fromEntries(CREDENTIAL_KINDS.map((k) => [k, 0])) as Record<CredentialKind, number>;
  let nextKind = 0;
  const credentials = (n: number) =>
    Array.from({ length: n }, () => {
      const kind = CREDENTIAL_KINDS[nextKind++ % CREDENTIAL_KINDS.length]!;
      return { kind, ...makeCredential(kind, rng) };
    });
  // Each MiB gets one credential alone and one block, at random offsets within it, so neither lines up
  // with any chunk size; a due plant waits for the next tool result.
  const offsetIn = (mib: number) => mib * MiB + rng.int(0, MiB - 1);
  let singleAt = offsetIn(0);
  let blockAt = offsetIn(0);
  let plantedSingles = 0;
  let plantedBlocks = 0;

  const fd = openSync(file, 'w');
  let bytes = 0;
  let lines = 0;
  let longLines = 0;
  let plantedLines = 0;
  let passes = 0;
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = () => {
    writeSync(fd, batch.join(''));
    batch = [];
    batchBytes = 0;
  };
  let done = false;
  while (!done) {
    passes++;
    const ids = new Map<string, string>();
    for (const source of sources.records) {
      let text = freshIds(source.text, ids, rng);
      let made: ReturnType<typeof credentials> = [];
      let kind: 'single' | 'block' | undefined;
      if (source.plantable && (bytes >= singleAt || bytes >= blockAt)) {
        kind = bytes >= blockAt ? 'block' : 'single';
        made = credentials(kind === 'block' ? BLOCK_SIZE : 1);
        text = plant(
          text,
          made.map((c) => c.line),
          rng,
        );
      }
      const length = Buffer.byteLength(text) + 1;
      if (bytes + length > size) {
        done = true;
        break;
      }
      if (kind === 'block') {
        plantedBlocks++;
        blockAt = offsetIn(Math.floor(blockAt / MiB) + 1);
      } else if (kind === 'single') {
        plantedSingles++;
        singleAt = offsetIn(Math.floor(singleAt / MiB) + 1);
      }
      for (const c of made) planted[c.kind]++;
      if (made.length > 0) plantedLines++;
      if (text.length >= 100_000) longLines++;
      batch.push(text, '\n');
      batchBytes += length;
      bytes += length;
      lines++;
      if (batchBytes >= 8 << 20) flush();
    }
    if (lines === 0) throw new Error(`--size ${size} is smaller than the first session record`);
  }
  flush();
  closeSync(fd);
  const info: TranscriptInfo = {
    file,
    size,
    seed,
    generatorVersion: GENERATOR_VERSION,
    bytes,
    lines,
    longLines,
    sources: { dir: path.join(conformance, SESSION_DIR), files: sources.files, lines: sources.records.length, bytes: sources.bytes, digest: sources.digest },
    passes,
    planted,
    plantedTotal: plantedSingles + plantedBlocks * BLOCK_SIZE,
    plantedSingles,
    plantedBlocks,
    plantedLines,
  };
  writeFileSync(sidecarPath(file), JSON.stringify({ ...info, file: path.basename(file) }, null, 2) + '\n');
  log(
    `wrote ${lines} lines, ${bytes} bytes in ${passes} passes, ${longLines} lines ≥ 100 KB, ${info.plantedTotal} planted credentials on ${plantedLines} lines`,
  );
  return info;
}

/** A 5-record Claude stream-json transcript: the small input for cold-start runs. */
export function writeTinyTranscript(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'tiny-stream.jsonl');
  const session = '3f1c2a9e-6b7d-4e21-9a0c-5d8e7f6a1b2c';
  const records = [
    {
      type: 'system',
      subtype: 'init',
      session_id: session,
      cwd: '/home/runner/work/app/app',
      model: 'claude-sonnet-4-5-20250929',
      tools: ['Bash', 'Read', 'Edit'],
      permissionMode: 'default',
    },
    {
      type: 'assistant',
      session_id: session,
      message: {
        id: 'msg_01A',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [{ type: 'tool_use', id: 'toolu_01A', name: 'Read', input: { file_path: '/home/runner/work/app/app/src/index.ts' } }],
        usage: { input_tokens: 10, output_tokens: 5 },
      },
    },
    {
      type: 'user',
      session_id: session,
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: 'export const answer = 42;\n' }] },
    },
    {
      type: 'assistant',
      session_id: session,
      message: {
        id: 'msg_01B',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [{ type: 'text', text: 'The file exports one constant; nothing to change.' }],
        usage: { input_tokens: 20, output_tokens: 12 },
      },
    },
    {
      type: 'result',
      subtype: 'success',
      is_error: false,
      session_id: session,
      duration_ms: 3100,
      num_turns: 2,
      result: 'Nothing to change.',
      total_cost_usd: 0.0021,
    },
  ];
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}
