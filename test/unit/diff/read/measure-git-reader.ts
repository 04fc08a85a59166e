/**
 * A local measurement, not a test: builds (once) a repository whose change touches 20,000 files and
 * 1,000,000 lines of realistic content, then times readGitChanges against the floor of the git
 * commands any reader must run (`git diff --name-status -z` + `git diff -U0`), and prints peak RSS.
 *
 *     env -u NODE_EXTRA_CA_CERTS pnpm exec tsx test/unit/diff/read/measure-git-reader.ts [dir] [runs]
 *
 * The repository is kept in `dir` (default $TMPDIR/agent-gates-measure-20k) so later runs skip the
 * build. Each reader run is a fresh Node process, so its peak RSS is its own.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FILES = 20_000;
const RENAMED = 400;
const ADDED = 600;
const DELETED = 400;

const WORDS = ['token', 'secret', 'password', 'apiKey', 'session', 'config', 'request', 'handler', 'client', 'value'];

function codeLine(file: number, line: number, variant: number): string {
  const w = WORDS[(file * 7 + line * 3 + variant) % WORDS.length]!;
  const v = WORDS[(file + line + variant * 5) % WORDS.length]!;
  switch ((line + variant) % 6) {
    case 0:
      return `  const ${w}${line} = process.env.${v.toUpperCase()}_${file} ?? readSecret('${v}-${line}');`;
    case 1:
      return `  if (!${w}${line - 1}) throw new Error('missing ${v} for request ${file}:${line}');`;
    case 2:
      return `  headers['x-${v}-token'] = await sign(${w}${line - 2}, { password: opts.password, rounds: ${line + variant} });`;
    case 3:
      return `  it('rejects an expired ${v} (${file}.${line})', () => expect(verify(${w}, key${variant})).toBe(false));`;
    case 4:
      return `    "${v}-${file}-${line}": "^${(line % 9) + 1}.${variant}.${file % 17}",`;
    default:
      return `  // ${w}: rotate the ${v} key every ${line + variant} days; never log the secret itself`;
  }
}

function fileContent(file: number, variant: number, lineCount: number): string {
  const lines: string[] = [];
  for (let line = 1; line <= lineCount; line++) lines.push(codeLine(file, line, line % 2 === 0 ? variant : 0));
  return lines.join('\n') + '\n';
}

function filePath(file: number): string {
  const exts = ['ts', 'test.ts', 'py', 'go', 'json', 'rs', 'java', 'rb'];
  return `pkg${file % 40}/mod${Math.floor(file / 40) % 25}/file${file}.${exts[file % exts.length]}`;
}

/** Builds base and head with git fast-import: 20,000 changed files, about 1,000,000 changed lines. */
async function build(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  const child = spawn('git', ['fast-import', '--quiet'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const write = (text: string) => (child.stdin.write(text) ? Promise.resolve() : new Promise<void>((r) => child.stdin.once('drain', () => r())));
  const blob = async (content: string) => {
    await write(`data ${Buffer.byteLength(content)}\n${content}\n`);
  };
  const commit = async (message: string, ops: () => Promise<void>, parent?: string) => {
    await write(`commit refs/heads/${parent ? 'change' : 'main'}\ncommitter t <t@t> 1767225600 +0000\ndata ${message.length}\n${message}\n`);
    if (parent) await write(`from ${parent}\n`);
    await ops();
  };
  // Base: 19,600 files of 60 lines.
  await commit('base', async () => {
    for (let f = 0; f < FILES - ADDED + DELETED; f++) {
      await write(`M 100644 inline ${filePath(f)}\n`);
      await blob(fileContent(f, 0, 60));
    }
  });
  // Head: every kept file gets 30 of its 60 lines rewritten (30 added, 30 deleted); 400 renamed with edits,
  // 400 deleted, 600 added with 50 lines: 20,000 changed files, ~1,000,000 changed lines.
  await commit(
    'the change',
    async () => {
      const kept = FILES - ADDED - RENAMED;
      for (let f = 0; f < kept; f++) {
        await write(`M 100644 inline ${filePath(f)}\n`);
        await blob(fileContent(f, 1, 60));
      }
      for (let f = kept; f < kept + RENAMED; f++) {
        await write(`D ${filePath(f)}\nM 100644 inline moved/${filePath(f)}\n`);
        await blob(fileContent(f, 0, 60) + 'export const renamedToo = true;\n');
      }
      for (let f = kept + RENAMED; f < kept + RENAMED + DELETED; f++) await write(`D ${filePath(f)}\n`);
      for (let f = FILES; f < FILES + ADDED; f++) {
        await write(`M 100644 inline ${filePath(f)}\n`);
        await blob(fileContent(f, 2, 50));
      }
    },
    'refs/heads/main',
  );
  child.stdin.end();
  await new Promise<void>((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`)))));
}

interface Cost {
  ms: number;
  /** CPU (user + system) in ms, this process and the children it waited for: robust on a busy machine. */
  cpuMs: number;
}

/** CPU time of this process and its reaped children (git), from /proc: Linux only. */
function cpuNow(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14-17 of proc(5) (utime stime cutime cstime), counted from the state field (3).
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks * 10;
}

function timeCommand(dir: string, args: string[]): Cost {
  const start = performance.now();
  const cpu = cpuNow();
  const result = spawnSync('git', args, { cwd: dir, stdio: ['ignore', 'ignore', 'ignore'] });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed`);
  return { ms: performance.now() - start, cpuMs: cpuNow() - cpu };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function child(dir: string): Promise<void> {
  const { readGitChanges } = await import('@agent-gates/core/diff/read');
  const start = performance.now();
  const cpu = cpuNow();
  const { changes, content } = await readGitChanges({ workspace: dir, base: 'main', head: 'change', deepen: false });
  const ms = performance.now() - start;
  const cpuMs = cpuNow() - cpu;
  await content.close?.();
  const lines = changes.files.reduce((sum, file) => sum + file.added + file.deleted, 0);
  const renamed = changes.files.filter((file) => file.status === 'renamed').length;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ms, cpuMs, files: changes.files.length, lines, renamed, renames: changes.renames, peakMiB })}\n`);
}

async function main(): Promise<void> {
  const [mode, dirArg, runsArg] = process.argv.slice(2);
  if (mode === '--child') return child(dirArg!);
  const dir = mode ?? path.join(tmpdir(), 'agent-gates-measure-20k');
  const runs = Number(dirArg ?? runsArg ?? 3);
  if (!existsSync(path.join(dir, '.git'))) {
    console.log(`building ${dir} …`);
    await build(dir);
  }
  const self = fileURLToPath(import.meta.url);
  const floor: Cost[] = [];
  const reader: Array<Cost & { peakMiB: number; files: number; lines: number; renamed: number; renames: string }> = [];
  for (let i = 0; i < runs; i++) {
    const nameStatus = timeCommand(dir, ['diff', '--name-status', '-z', 'main', 'change']);
    const patch = timeCommand(dir, ['diff', '-U0', 'main', 'change']);
    floor.push({ ms: nameStatus.ms + patch.ms, cpuMs: nameStatus.cpuMs + patch.cpuMs });
    const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--child', dir], { encoding: 'utf8', maxBuffer: 1024 * 1024 });
    reader.push(JSON.parse(out.trim().split('\n').pop()!) as (typeof reader)[number]);
  }
  const last = reader[reader.length - 1]!;
  const show = (costs: Cost[], key: keyof Cost) =>
    `${median(costs.map((c) => c[key])).toFixed(0)} ms (runs: ${costs.map((c) => c[key].toFixed(0)).join(', ')})`;
  console.log(`change: ${last.files} files, ${last.lines} changed lines, ${last.renamed} renames (${last.renames})`);
  console.log(`floor, git diff --name-status -z + git diff -U0: wall ${show(floor, 'ms')}, cpu ${show(floor, 'cpuMs')}`);
  console.log(`readGitChanges:                                 wall ${show(reader, 'ms')}, cpu ${show(reader, 'cpuMs')}`);
  const ratio = (key: keyof Cost) => (median(reader.map((c) => c[key])) / median(floor.map((c) => c[key]))).toFixed(2);
  console.log(
    `ratio: wall ${ratio('ms')}x, cpu ${ratio('cpuMs')}x; peak RSS of the reader process ${Math.max(...reader.map((v) => v.peakMiB)).toFixed(0)} MiB`,
  );
}

await main();
