import { computeKpis, renderKpiMarkdown } from '@agent-gates/core/audit';

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const HELP = `Usage: agent-gates kpi <log…> [--json]

From one or many audit logs: the share of agent changes auto-approved, sent to review and rejected;
gate failure rates by gate and rule; time from agent run to decision; the same per agent and per
model; how often an auto-approval was later reverted and the cost per accepted change, from
outcome events linked to their decision by id.

  --json       the figures as JSON instead of Markdown (with Mermaid charts)
  -h, --help   this text

Exit status: 0 done, 2 bad usage or an unreadable log.
`;

/** \`agent-gates kpi\`: Markdown (or JSON) on stdout; the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  const logs: string[] = [];
  let json = false;
  for (const arg of argv) {
    if (arg === '-h' || arg === '--help') {
      io.stdout.write(HELP);
      return 0;
    } else if (arg === '--json') json = true;
    else if (arg.startsWith('-')) {
      io.stderr.write(`E_INPUT: unknown option ${arg}\n${HELP}`);
      return 2;
    } else logs.push(arg);
  }
  if (logs.length === 0) {
    io.stderr.write(`E_INPUT: name at least one log\n${HELP}`);
    return 2;
  }
  let kpis;
  try {
    kpis = await computeKpis(logs);
  } catch (error) {
    io.stderr.write(`E_NOT_FOUND: cannot read a log: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 2;
  }
  io.stdout.write(json ? `${JSON.stringify(kpis, null, 2)}\n` : renderKpiMarkdown(kpis));
  return 0;
}
