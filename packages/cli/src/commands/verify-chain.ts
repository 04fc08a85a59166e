import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { verifyChain } from '@agent-gates/core/audit';

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const HELP = `Usage: agent-gates verify-chain <log…> [--head sha256:<hex>] [--allow-empty] [--threads 1|2] [--json]

Checks every event of each audit log (JSON Lines written by audit-emit): its digest over its RFC 8785
form, and that its prev is the digest of the line before. Streams the log; stops at the first broken
or missing link and names its line.

  --head <digest>  the chain head kept outside the log (audit-emit's chain-head output); a log whose
                   end was cut off, or that goes on past it, does not verify. One log only.
  --allow-empty    accept a log that holds no event (without it, and without --head, an empty
                   log exits 1: it proves nothing, and a log emptied by mistake looks the same)
  --threads <n>    1 verifies on this thread only; 2 (the default with two cores) verifies a log of
                   64 MiB or more in two halves on two worker threads
  --json           one JSON result per log on stdout
  -h, --help       this text

Exit status: 0 every log verifies, 1 a log does not (or is empty), 2 bad usage or an unreadable log.
`;

/**
 * The worker entry beside this module: `verify-chain-worker.mjs` beside a bundle of it, or, from
 * source, `verify-chain-worker-tsx.mjs` (registers tsx in the worker, then loads verify-chain-worker.ts).
 * Without one (or if it does not start) the log is verified on this thread.
 */
function workerEntry(): URL | undefined {
  for (const name of ['./verify-chain-worker.mjs', './verify-chain-worker-tsx.mjs']) {
    const url = new URL(name, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/** `agent-gates verify-chain`: the exit code; results on stdout, problems on stderr. */
export async function run(argv: string[], io: Io): Promise<number> {
  const logs: string[] = [];
  let head: string | undefined;
  let json = false;
  let allowEmpty = false;
  let threads: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      io.stdout.write(HELP);
      return 0;
    } else if (arg === '--json') json = true;
    else if (arg === '--allow-empty') allowEmpty = true;
    else if (arg === '--head' || arg.startsWith('--head=')) {
      head = arg === '--head' ? argv[++i] : arg.slice('--head='.length);
      if (!head || !/^sha256:[0-9a-f]{64}$/.test(head)) {
        io.stderr.write('E_INPUT: --head must be an event digest (sha256:<64 hex>)\n');
        return 2;
      }
    } else if (arg === '--threads' || arg.startsWith('--threads=')) {
      const value = arg === '--threads' ? argv[++i] : arg.slice('--threads='.length);
      if (value !== '1' && value !== '2') {
        io.stderr.write('E_INPUT: --threads must be 1 or 2\n');
        return 2;
      }
      threads = Number(value);
    } else if (arg.startsWith('-') && arg !== '-') {
      io.stderr.write(`E_INPUT: unknown option ${arg}\n${HELP}`);
      return 2;
    } else logs.push(arg);
  }
  if (logs.length === 0) {
    io.stderr.write(`E_INPUT: name at least one log\n${HELP}`);
    return 2;
  }
  if (head !== undefined && logs.length > 1) {
    io.stderr.write('E_INPUT: --head names the head of one log; verify the logs one at a time\n');
    return 2;
  }
  let status = 0;
  const entry = workerEntry();
  for (const log of logs) {
    let result;
    try {
      result = await verifyChain(log === '-' ? process.stdin : log, {
        name: log === '-' ? 'stdin' : log,
        ...(head !== undefined ? { expectedHead: head } : {}),
        ...(entry ? { workerEntry: entry } : {}),
        ...(threads !== undefined ? { threads } : {}),
      });
    } catch (error) {
      io.stderr.write(`E_NOT_FOUND: cannot read ${log}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
      status = 2;
      continue;
    }
    // With --head an empty log already fails (its head is none); without it, zero events prove nothing.
    if (result.ok && result.events === 0 && head === undefined && !allowEmpty) {
      const message = `${log === '-' ? 'stdin' : log} holds no event: an empty log proves nothing (pass --allow-empty if none is expected, or --head to check it against a chain head)`;
      io.stderr.write(`E_EMPTY_LOG: ${message}\n`);
      if (json) io.stdout.write(`${JSON.stringify({ log, ...result, ok: false, error: message })}\n`);
      if (status === 0) status = 1;
      continue;
    }
    if (json) io.stdout.write(`${JSON.stringify({ log, ...result })}\n`);
    else if (result.ok) io.stdout.write(`${log}: ok, ${result.events} events, head ${result.head ?? 'none (empty log)'}\n`);
    else io.stdout.write(`${log}: BROKEN at line ${result.break!.line} (${result.break!.kind}): ${result.break!.message}\n`);
    if (!result.ok && status === 0) status = 1;
  }
  return status;
}
