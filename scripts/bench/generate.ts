// Deterministic generator of a realistic Claude Code session transcript (the ~/.claude/projects/*.jsonl
// format) of a given size. Same size + seed + GENERATOR_VERSION gives the same bytes, so figures from two
// runs are comparable and a cached file can be reused.
//
// Realism matters for a benchmark of regex scanners: the text is code, shell output and prose in the
// proportions of a real session, with occasional 100 KB+ lines (whole files read back) and unicode.
// About 1 line in 2000 carries one fake credential, assembled from random characters at run time so no
// credential-shaped literal ever sits in this source. Identifiers avoid the words secret scanners key on
// (key, token, secret, auth, password, credential, api, access) so that findings equal planted credentials.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export const GENERATOR_VERSION = 3;
export const DEFAULT_SEED = 20260901;
const CREDENTIAL_EVERY = 2000;

export type CredentialKind = 'github-pat' | 'aws-access-key-id' | 'slack-bot' | 'private-key' | 'url-password';
const KINDS: CredentialKind[] = ['github-pat', 'aws-access-key-id', 'slack-bot', 'private-key', 'url-password'];

export interface TranscriptInfo {
  file: string;
  size: number;
  seed: number;
  generatorVersion: number;
  bytes: number;
  lines: number;
  longLines: number;
  planted: Record<CredentialKind, number>;
  plantedTotal: number;
  /** Lines holding a planted credential: an Edit repeats its new text in the tool result, so this can exceed plantedTotal. */
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

/** mulberry32: tiny, fast, and good enough to make varied text; not for cryptography. */
class Random {
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
  chance(p: number): boolean {
    return this.next() < p;
  }
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
  hex(length: number): string {
    return this.chars('0123456789abcdef', length);
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const BASE62 = UPPER + LOWER + DIGITS;
const BASE64 = BASE62 + '+/';

/**
 * Each credential is built from its documented shape at run time; the prefixes are split so no scanner flags
 * this file. `marker` is its random part, which survives JSON escaping, to count the lines that hold it.
 */
function makeCredential(kind: CredentialKind, rng: Random): { value: string; marker: string } {
  switch (kind) {
    case 'github-pat': {
      const marker = rng.chars(BASE62, 36);
      return { value: ['gh', 'p_'].join('') + marker, marker };
    }
    case 'aws-access-key-id': {
      // gitleaks allows only base32 characters after the prefix; secretlint allows [A-Z0-9]; base32 satisfies both.
      const marker = rng.chars(UPPER + '234567', 16);
      return { value: ['AK', 'IA'].join('') + marker, marker };
    }
    case 'slack-bot': {
      const marker = rng.chars(BASE62, 24);
      return { value: `${['xo', 'xb'].join('')}-${rng.chars(DIGITS, 12)}-${rng.chars(DIGITS, 13)}-${marker}`, marker };
    }
    case 'private-key': {
      const label = ['PRIVATE', 'KEY'].join(' ');
      // 'MIIE' + 60, 11 × 64, 38 + '==': 808 base64 characters, a whole number of quads like a real key.
      const lines = [rng.chars(BASE64, 60), ...Array.from({ length: 11 }, () => rng.chars(BASE64, 64))];
      const value = `-----BEGIN RSA ${label}-----\n${['MII', 'E'].join('')}${lines.join('\n')}\n${rng.chars(BASE64, 38)}==\n-----END RSA ${label}-----`;
      return { value, marker: lines[1]! };
    }
    case 'url-password': {
      const marker = rng.chars(BASE62, 20);
      return { value: `postgres://${rng.pick(['deploy', 'app', 'svc_orders', 'admin'])}:${marker}@db-${rng.int(1, 9)}.internal.example.net:5432/orders`, marker };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Text pools, built once from the seed; records draw from them so generation stays I/O bound.

const WORDS = (
  'order invoice customer cart item price total queue worker retry batch schedule report export import user ' +
  'account profile session cache store event handler router request response client server config option ' +
  'parse render format value field record table index column row filter sort page limit offset count sum ' +
  'payment refund ledger balance ship address email notify status state error result output input file path'
).split(' ');
const VERBS = 'get set load save build create update delete find list fetch apply check validate compute merge split'.split(' ');
const PROSE = (
  'I will look at the failing test first, then trace the call path through the service layer. ' +
  'The retry loop never resets its counter, so after the third failure every later request is dropped. ' +
  'This keeps the public interface unchanged while moving the parsing into a pure function we can test. ' +
  'Let me run the test suite again to confirm nothing else depends on the old behaviour. ' +
  'The migration adds a nullable column first so that old workers keep running during the deploy. ' +
  'I found two call sites that pass the offset in bytes rather than characters; both are fixed now. ' +
  'The benchmark shows the allocation came from building the intermediate array; streaming removes it.'
).split('. ');
const UNICODE = ['café', 'naïve', 'Zürich', 'São Paulo', '東京', '日本語のテキスト', 'Привет', 'مرحبا', 'ğüşıöç', '✓ done', '→', '🚀', '🙂', '⚠️', 'λx.x', '…', '“quoted”', 'Ωmega', '한국어'];
const TOOLS_OUTPUT = ['PASS', 'FAIL', 'ok', 'warning', 'info', 'error'];

function identifier(rng: Random): string {
  const a = rng.pick(VERBS);
  const b = rng.pick(WORDS);
  return a + b[0]!.toUpperCase() + b.slice(1) + (rng.chance(0.3) ? rng.pick(['s', 'Map', 'List', 'Id', 'Count']) : '');
}

function sentence(rng: Random): string {
  let s = rng.pick(PROSE);
  if (rng.chance(0.15)) s += ` (${rng.pick(UNICODE)})`;
  return s + '.';
}

function codeFile(rng: Random, lines: number): string {
  const out: string[] = [`import { ${identifier(rng)}, ${identifier(rng)} } from './${rng.pick(WORDS)}.js';`, ''];
  while (out.length < lines) {
    const name = identifier(rng);
    const arg = rng.pick(WORDS);
    out.push(`/** ${sentence(rng)} */`);
    out.push(`export async function ${name}(${arg}: ${rng.pick(['string', 'number', 'Order', 'Record<string, unknown>'])}) {`);
    for (let i = rng.int(2, 8); i > 0; i--) {
      const v = rng.pick(WORDS);
      out.push(
        rng.pick([
          `  const ${v} = await ${identifier(rng)}(${arg}, ${rng.int(0, 500)});`,
          `  if (!${v}) throw new Error(\`${rng.pick(WORDS)} not found: \${${arg}}\`);`,
          `  for (const ${v} of ${arg}.${rng.pick(WORDS)}s) ${identifier(rng)}(${v});`,
          `  // ${sentence(rng)}`,
          `  logger.info({ ${v}, ${rng.pick(WORDS)} }, '${rng.pick(VERBS)} ${rng.pick(WORDS)}');`,
        ]),
      );
    }
    out.push(`  return ${rng.pick(WORDS)};`, '}', '');
  }
  return out.join('\n');
}

function shellOutput(rng: Random, lines: number): string {
  const out: string[] = [];
  const kind = rng.int(0, 3);
  for (let i = 0; i < lines; i++) {
    if (kind === 0) out.push(` ${rng.pick(TOOLS_OUTPUT)}  src/${rng.pick(WORDS)}/${identifier(rng)}.test.ts (${rng.int(2, 900)} ms)`);
    else if (kind === 1) out.push(`-rw-r--r--  1 runner docker ${String(rng.int(10, 99999)).padStart(6)} Sep ${rng.int(1, 30)} 10:${rng.int(10, 59)} ${identifier(rng)}.ts`);
    else if (kind === 2) out.push(`${rng.hex(7)} ${rng.pick(VERBS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)} handling`);
    else out.push(`src/${rng.pick(WORDS)}.ts:${rng.int(1, 400)}:${rng.int(1, 80)} - ${rng.pick(['error', 'warning'])} TS${rng.int(2000, 2999)}: Property '${rng.pick(WORDS)}' does not exist.`);
  }
  return out.join('\n');
}

function numbered(text: string): string {
  return text
    .split('\n')
    .map((line, i) => `${String(i + 1).padStart(6)}\t${line}`)
    .join('\n');
}

interface Pools {
  code: string[];
  shell: string[];
  prose: string[];
  big: string[];
}

function buildPools(rng: Random): Pools {
  const code = Array.from({ length: 300 }, () => codeFile(rng, rng.int(20, 300)));
  const shell = Array.from({ length: 300 }, () => shellOutput(rng, rng.int(3, 120)));
  const prose = Array.from({ length: 400 }, () => Array.from({ length: rng.int(1, 6) }, () => sentence(rng)).join(' '));
  // Whole generated files read back: the 100 KB+ lines real sessions have when an agent reads a bundle or a lockfile.
  const big = Array.from({ length: 12 }, () => codeFile(rng, rng.int(2500, 6000)));
  return { code, shell, prose, big };
}

// ---------------------------------------------------------------------------------------------
// Records

interface Session {
  rng: Random;
  pools: Pools;
  sessionId: string;
  cwd: string;
  parent: string | null;
  clock: number;
  toolSeq: number;
}

function envelope(s: Session, type: 'user' | 'assistant', message: object, extra: object = {}): object {
  const uuid = s.rng.uuid();
  s.clock += s.rng.int(200, 40000);
  const record = {
    parentUuid: s.parent,
    isSidechain: false,
    userType: 'external',
    cwd: s.cwd,
    sessionId: s.sessionId,
    version: '2.1.144',
    gitBranch: 'agent/orders-retry',
    type,
    message,
    uuid,
    timestamp: new Date(s.clock).toISOString(),
    ...extra,
  };
  s.parent = uuid;
  return record;
}

function assistant(s: Session, content: object[]): object {
  const rng = s.rng;
  return envelope(
    s,
    'assistant',
    {
      id: `msg_01${rng.chars(BASE62, 22)}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content,
      stop_reason: content.some((c) => (c as { type: string }).type === 'tool_use') ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: rng.int(3, 900), cache_read_input_tokens: rng.int(100, 9000), output_tokens: rng.int(5, 2000) },
    },
    { requestId: `req_011C${rng.chars(BASE62, 20)}` },
  );
}

function toolUse(s: Session, name: string, input: object): { id: string; block: object } {
  const id = `toolu_01${s.rng.chars(BASE62, 22)}`;
  s.toolSeq++;
  return { id, block: { type: 'tool_use', id, name, input } };
}

function toolResult(s: Session, id: string, content: string): object {
  return envelope(s, 'user', { role: 'user', content: [{ tool_use_id: id, type: 'tool_result', content }] });
}

/** One agent step (a prompt, or a tool call and its result) as 1–2 records. `secret` lands inside it when set. */
function step(s: Session, secret: string | undefined): object[] {
  const { rng, pools } = s;
  const file = `${s.cwd}/src/${rng.pick(WORDS)}/${identifier(rng)}.ts`;
  const roll = rng.int(0, 99);
  if (roll < 6) {
    const text = [rng.pick(pools.prose), rng.chance(0.3) ? rng.pick(UNICODE) : '', secret ? `It fails against ${secret} locally.` : ''].join(' ');
    return [envelope(s, 'user', { role: 'user', content: text })];
  }
  if (roll < 38) {
    const command = rng.pick(['pnpm test', 'git status --short', 'ls -la src', 'git log --oneline -20', 'npx tsc --noEmit', `grep -rn ${rng.pick(WORDS)} src`]);
    const call = toolUse(s, 'Bash', { command, description: rng.pick(PROSE).slice(0, 60) });
    let out = rng.pick(pools.shell);
    if (secret) out += `\nDATABASE_URL_USED=${secret}\n`;
    return [assistant(s, [{ type: 'text', text: rng.pick(pools.prose) }, call.block]), toolResult(s, call.id, out)];
  }
  if (roll < 70) {
    const call = toolUse(s, 'Read', { file_path: file });
    // Roughly 1 read in 40 returns a whole large file: the occasional 100 KB+ line.
    let content = rng.chance(0.025) ? rng.pick(pools.big) : rng.pick(pools.code);
    if (secret) content = content.replace('\n', `\nconst connection = \`${secret}\`;\n`);
    return [assistant(s, [call.block]), toolResult(s, call.id, numbered(content))];
  }
  if (roll < 95) {
    const code = rng.pick(pools.code);
    const start = rng.int(0, Math.max(0, code.length - 2000));
    const oldString = code.slice(start, start + rng.int(80, 1500));
    let newString = oldString.replace(/\n/, `\n  // ${rng.pick(PROSE)}\n`);
    if (secret) newString += `\nconst fallback = \`${secret}\`;`;
    const call = toolUse(s, 'Edit', { file_path: file, old_string: oldString, new_string: newString, replace_all: false });
    return [assistant(s, [call.block]), toolResult(s, call.id, `The file ${file} has been updated. Here's the result of running \`cat -n\` on a snippet of the edited file:\n${numbered(newString)}`)];
  }
  const text = `${rng.pick(pools.prose)} ${rng.pick(pools.prose)}${secret ? `\n\nThe failing value was ${secret}.` : ''}`;
  return [assistant(s, [{ type: 'text', text }])];
}

function sidecarPath(file: string): string {
  return file.replace(/\.jsonl$/, '.json');
}

/** Returns the transcript of `size` bytes (at most) for `seed`, generating it unless an identical one is cached in `dir`. */
export function ensureTranscript(dir: string, size: number, seed = DEFAULT_SEED, log: (m: string) => void = () => {}): TranscriptInfo {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `transcript-${formatSize(size)}.jsonl`);
  if (existsSync(file) && existsSync(sidecarPath(file))) {
    const cached = JSON.parse(readFileSync(sidecarPath(file), 'utf8')) as TranscriptInfo;
    if (cached.size === size && cached.seed === seed && cached.generatorVersion === GENERATOR_VERSION && statSync(file).size === cached.bytes) {
      log(`reusing ${path.relative(process.cwd(), file)} (${cached.lines} lines, ${cached.plantedTotal} planted credentials)`);
      return { ...cached, file };
    }
  }
  log(`generating ${path.relative(process.cwd(), file)} (seed ${seed})…`);
  const rng = new Random(seed);
  const session: Session = {
    rng,
    pools: buildPools(rng),
    sessionId: rng.uuid(),
    cwd: '/home/runner/work/orders/orders',
    parent: null,
    clock: Date.UTC(2026, 8, 1, 9, 0, 0),
    toolSeq: 0,
  };
  const planted = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<CredentialKind, number>;
  const fd = openSync(file, 'w');
  let bytes = 0;
  let lines = 0;
  let longLines = 0;
  let plantedLines = 0;
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = () => {
    writeSync(fd, batch.join(''));
    batch = [];
    batchBytes = 0;
  };
  // The first record marks the file as a Claude Code session for format detection, as real files start.
  const first = JSON.stringify({ type: 'summary', summary: 'Fix the order retry loop', leafUuid: rng.uuid() }) + '\n';
  batch.push(first);
  bytes += Buffer.byteLength(first);
  lines++;
  let nextSecretLine = rng.int(1, CREDENTIAL_EVERY * 2);
  let done = false;
  while (!done) {
    const plant = lines >= nextSecretLine;
    const kind = KINDS[(planted['github-pat'] + planted['aws-access-key-id'] + planted['slack-bot'] + planted['private-key'] + planted['url-password']) % KINDS.length]!;
    const credential = plant ? makeCredential(kind, rng) : undefined;
    const records = step(session, credential?.value);
    const serialised = records.map((r) => JSON.stringify(r));
    const text = serialised.join('\n') + '\n';
    const length = Buffer.byteLength(text);
    if (bytes + length > size) {
      done = true;
      break;
    }
    if (plant) {
      planted[kind]++;
      // Uniform gap with mean CREDENTIAL_EVERY lines, so credentials do not line up with any chunk size.
      nextSecretLine = lines + rng.int(1, CREDENTIAL_EVERY * 2 - 1);
    }
    for (const line of serialised) {
      if (line.length >= 100_000) longLines++;
      if (credential && line.includes(credential.marker)) plantedLines++;
    }
    batch.push(text);
    batchBytes += length;
    bytes += length;
    lines += records.length;
    if (batchBytes >= 8 << 20) flush();
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
    planted,
    plantedTotal: Object.values(planted).reduce((a, b) => a + b, 0),
    plantedLines,
  };
  writeFileSync(sidecarPath(file), JSON.stringify({ ...info, file: path.basename(file) }, null, 2) + '\n');
  log(`wrote ${lines} lines, ${bytes} bytes, ${longLines} lines ≥ 100 KB, ${info.plantedTotal} planted credentials on ${plantedLines} lines`);
  return info;
}

/** A 5-record Claude stream-json transcript: the small input for cold-start runs. */
export function writeTinyTranscript(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'tiny-stream.jsonl');
  const session = '3f1c2a9e-6b7d-4e21-9a0c-5d8e7f6a1b2c';
  const records = [
    { type: 'system', subtype: 'init', session_id: session, cwd: '/home/runner/work/app/app', model: 'claude-sonnet-4-5-20250929', tools: ['Bash', 'Read', 'Edit'], permissionMode: 'default' },
    { type: 'assistant', session_id: session, message: { id: 'msg_01A', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'tool_use', id: 'toolu_01A', name: 'Read', input: { file_path: '/home/runner/work/app/app/src/index.ts' } }], usage: { input_tokens: 10, output_tokens: 5 } } },
    { type: 'user', session_id: session, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: "export const answer = 42;\n" }] } },
    { type: 'assistant', session_id: session, message: { id: 'msg_01B', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'The file exports one constant; nothing to change.' }], usage: { input_tokens: 20, output_tokens: 12 } } },
    { type: 'result', subtype: 'success', is_error: false, session_id: session, duration_ms: 3100, num_turns: 2, result: 'Nothing to change.', total_cost_usd: 0.0021 },
  ];
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}
