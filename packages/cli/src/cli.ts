/**
 * `agent-gates`: the "generate and attest locally" pattern with nothing else installed. `manifest
 * verify` runs exactly the checks the verify-manifest action runs (packages/core/src/manifest), with
 * the same report and the same exit codes: 0 when the step would pass, 1 with `E_CODE: message`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { stringify } from 'yaml';
import { ConfigError, formatError } from '@agent-gates/core';
import { FAIL_ON_VALUES, type FailOn } from '@agent-gates/core/gate';
import {
  assertManifestsPass,
  isPinnedVersion,
  parseManifest,
  reportTimeFrom,
  signBlob,
  verifyManifests,
  type ManifestGateInputs,
} from '@agent-gates/core/manifest';
import { DEFAULT_POLICY_PATH, loadPolicy } from '@agent-gates/core/policy';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const defaultIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), cwd: process.cwd(), env: process.env };

interface Command {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run: (values: Record<string, unknown>, positionals: string[], io: Io) => number | Promise<number>;
}

const HELP = `agent-gates: the agent-gates checks on your machine

Usage: agent-gates <command> [options]
       agent-gates <command> --help

Commands:
  manifest create   write model_manifest.yaml from capture-transcript's summary.json
  manifest sign     sign a manifest as \`cosign sign-blob --key\` does
  manifest verify   run verify-manifest's checks, with its report and exit codes
  verify-chain      check every digest and link of audit logs, naming the first broken line
  kpi               the figures the audit logs support (auto-approved, reviewed, rejected, reverted), as Markdown or JSON
  simulate          run a workflow locally over a scenario, the gates from their dist/ bundles
`;

/** Commands that parse their own arguments and print their own help: `run(argv, io)` gives the exit code. */
const STANDALONE: Record<
  string,
  () => Promise<{ run: (argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }) => Promise<number> }>
> = {
  'verify-chain': () => import('./commands/verify-chain.js'),
  kpi: () => import('./commands/kpi.js'),
  simulate: () => import('@agent-gates/simulator/cli'),
};

function streams(io: Io): { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } {
  const writer = (write: (t: string) => void) =>
    ({
      write: (chunk: string | Uint8Array) => (write(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')), true),
    }) as unknown as NodeJS.WritableStream;
  return { stdout: writer(io.out), stderr: writer(io.err) };
}

const MANIFEST_HELP = `Usage: agent-gates manifest <create|sign|verify> [options]

  create   write model_manifest.yaml from capture-transcript's summary.json
  sign     sign a manifest as \`cosign sign-blob --key\` does (base64 DER, SHA-256)
  verify   run verify-manifest's checks, with its report and exit codes

Run \`agent-gates manifest <command> --help\` for its options.
`;

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

const create: Command = {
  usage: `Usage: agent-gates manifest create --summary <summary.json> [options]

Writes a model manifest from capture-transcript's summary.json: model, agent and the files the agent
touched (as subjects, with their sha256), plus what you give here.

Options:
  --summary <file>            capture-transcript's summary-file (required)
  --template <name>           prompt template name
  --var <name=value>          a prompt variable (repeatable)
  --model-version <version>   model version; default: the model id when it is a dated snapshot
  --seed <n>                  random seed the model ran with
  --temperature <t>           sampling temperature
  --author <name>             who ran the agent; default: $USER
  --transcript-digest <d>     capture-transcript's transcript-digest
  --subject <path>            a file to cover besides the files touched (repeatable)
  --output <file>             default: model_manifest.yaml
  -h, --help
`,
  options: {
    summary: { type: 'string' },
    template: { type: 'string' },
    var: { type: 'string', multiple: true },
    'model-version': { type: 'string' },
    seed: { type: 'string' },
    temperature: { type: 'string' },
    author: { type: 'string' },
    'transcript-digest': { type: 'string' },
    subject: { type: 'string', multiple: true },
    output: { type: 'string' },
  },
  run(values, _positionals, io) {
    const summaryFile = values.summary as string | undefined;
    if (!summaryFile) throw new ConfigError('E_INPUT', "--summary is required: give capture-transcript's summary.json");
    let summary: { model?: string; models?: string[]; agent?: string; filesTouched?: string[] };
    try {
      summary = JSON.parse(readFileSync(path.resolve(io.cwd, summaryFile), 'utf8')) as typeof summary;
    } catch {
      throw new ConfigError('E_TRANSCRIPT_SUMMARY', `--summary: ${summaryFile} is not a readable JSON file`);
    }
    const model = summary.model ?? summary.models?.at(-1);
    if (!model) throw new ConfigError('E_TRANSCRIPT_SUMMARY', `--summary: ${summaryFile} names no model`);
    const version = (values['model-version'] as string | undefined) ?? (isPinnedVersion(model) ? model : undefined);
    if (!version) throw new ConfigError('E_INPUT', `--model-version is required: the model id "${model}" is not a dated snapshot`);
    const vars: Record<string, string> = {};
    for (const entry of (values.var as string[] | undefined) ?? []) {
      const at = entry.indexOf('=');
      if (at <= 0) throw new ConfigError('E_INPUT', `--var ${entry}: write name=value`);
      vars[entry.slice(0, at)] = entry.slice(at + 1);
    }
    const number = (name: string) => {
      const text = values[name] as string | undefined;
      if (text === undefined) return undefined;
      const n = Number(text);
      if (!Number.isFinite(n)) throw new ConfigError('E_INPUT', `--${name} must be a number`);
      return n;
    };
    const subjects = [...new Set([...(summary.filesTouched ?? []), ...((values.subject as string[] | undefined) ?? [])])]
      .filter((file) => existsSync(path.resolve(io.cwd, file)))
      .sort()
      .map((file) => ({ path: file, sha256: sha256File(path.resolve(io.cwd, file)) }));
    const manifest = {
      model,
      version,
      ...(summary.agent ? { agent: summary.agent } : {}),
      ...(values.template ? { prompt_template: values.template } : {}),
      ...(Object.keys(vars).length > 0 ? { prompt_vars: vars } : {}),
      ...(number('seed') !== undefined ? { random_seed: number('seed') } : {}),
      ...(number('temperature') !== undefined ? { temperature: number('temperature') } : {}),
      author: (values.author as string | undefined) ?? io.env.USER ?? os.userInfo().username,
      timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(values['transcript-digest'] ? { transcript_digest: values['transcript-digest'] } : {}),
      ...(subjects.length > 0 ? { subjects } : {}),
    };
    const output = (values.output as string | undefined) ?? 'model_manifest.yaml';
    const text = stringify(manifest, { lineWidth: 0 });
    // What this writes, verify reads: a manifest the gate would refuse is never written.
    parseManifest(Buffer.from(text), output);
    writeFileSync(path.resolve(io.cwd, output), text);
    io.out(`wrote ${output} (${model} ${version}, ${subjects.length} subjects)\n`);
    return 0;
  },
};

const sign: Command = {
  usage: `Usage: agent-gates manifest sign --key <private.pem> [options] [manifest]

Signs the manifest's bytes as \`cosign sign-blob --key\` does: SHA-256, ASN.1 DER (ECDSA) or raw
(Ed25519, RSA), standard base64. \`cosign verify-blob --key\` and \`openssl dgst -sha256 -verify\` accept it.

Options:
  --key <file>             PEM private key (PKCS#8, SEC1 or PKCS#1) (required)
  --passphrase-env <VAR>   environment variable holding the key's passphrase
  --output <file>          default: <manifest>.sig
  -h, --help
Arguments:
  manifest                 default: model_manifest.yaml
`,
  options: { key: { type: 'string' }, 'passphrase-env': { type: 'string' }, output: { type: 'string' } },
  run(values, positionals, io) {
    const keyFile = values.key as string | undefined;
    if (!keyFile) throw new ConfigError('E_INPUT', '--key is required: the PEM private key to sign with');
    const manifest = positionals[0] ?? 'model_manifest.yaml';
    const read = (file: string, what: string) => {
      try {
        return readFileSync(path.resolve(io.cwd, file));
      } catch {
        throw new ConfigError('E_NOT_FOUND', `${what} ${file} cannot be read`);
      }
    };
    const passphraseVar = values['passphrase-env'] as string | undefined;
    const passphrase = passphraseVar ? io.env[passphraseVar] : undefined;
    if (passphraseVar && passphrase === undefined) throw new ConfigError('E_INPUT', `--passphrase-env: ${passphraseVar} is not set`);
    const signature = signBlob(read(manifest, 'manifest'), read(keyFile, '--key').toString('utf8'), keyFile, passphrase);
    const output = (values.output as string | undefined) ?? `${manifest}.sig`;
    writeFileSync(path.resolve(io.cwd, output), signature);
    io.out(`wrote ${output}\n`);
    return 0;
  },
};

const verify: Command = {
  usage: `Usage: agent-gates manifest verify [options]

Runs exactly the checks of the verify-manifest action, in the current directory (the workspace), and
writes the same report. Exits 0 when the action's step would pass, 1 with \`E_CODE: message\` otherwise.

Options:
  --manifest <glob>             default: model_manifest.yaml
  --policy <file>               default: ${DEFAULT_POLICY_PATH}
  --base <ref>                  read the policy (and its signing.keys) at this commit, as on a pull request
  --signature <file>            default: <manifest>.sig when it exists
  --bundle <file>               default: <manifest>.sigstore.json or <manifest>.bundle when one exists
  --public-key <file>           PEM public key (repeatable)
  --certificate-identity <id>, --certificate-identity-regexp <re>, --certificate-oidc-issuer <url>
  --trusted-root <file>         trusted_root.json for sigstore bundles
  --require-signature           fail when unsigned (default: the policy's signing.required)
  --transcript-summary <file>   capture-transcript's summary.json
  --transcript-digest <d>       capture-transcript's transcript-digest or source-digest (repeatable)
  --fail-on <fail|warn|never>   default: fail
  --report-dir <dir>            default: a folder under the system's temp folder
  -h, --help
`,
  options: {
    manifest: { type: 'string' },
    policy: { type: 'string' },
    base: { type: 'string' },
    signature: { type: 'string' },
    bundle: { type: 'string' },
    'public-key': { type: 'string', multiple: true },
    'certificate-identity': { type: 'string' },
    'certificate-identity-regexp': { type: 'string' },
    'certificate-oidc-issuer': { type: 'string' },
    'trusted-root': { type: 'string' },
    'require-signature': { type: 'boolean' },
    'transcript-summary': { type: 'string' },
    'transcript-digest': { type: 'string', multiple: true },
    'fail-on': { type: 'string' },
    'report-dir': { type: 'string' },
  },
  async run(values, _positionals, io) {
    const failOn = (values['fail-on'] as string | undefined) ?? 'fail';
    if (!(FAIL_ON_VALUES as readonly string[]).includes(failOn)) throw new ConfigError('E_INPUT', `--fail-on must be one of ${FAIL_ON_VALUES.join(', ')}`);
    const text = (name: string) => values[name] as string | undefined;
    const optional = <K extends string>(key: K, name: string) => (text(name) !== undefined ? ({ [key]: text(name) } as Record<K, string>) : {});
    const inputs: ManifestGateInputs = {
      manifest: text('manifest') ?? 'model_manifest.yaml',
      ...optional('signature', 'signature'),
      ...optional('bundle', 'bundle'),
      publicKeys: (values['public-key'] as string[] | undefined) ?? [],
      ...optional('certificateIdentity', 'certificate-identity'),
      ...optional('certificateIdentityRegexp', 'certificate-identity-regexp'),
      ...optional('certificateOidcIssuer', 'certificate-oidc-issuer'),
      ...optional('trustedRoot', 'trusted-root'),
      ...(values['require-signature'] ? { requireSignature: true } : {}),
      ...optional('transcriptSummary', 'transcript-summary'),
      transcriptDigests: (values['transcript-digest'] as string[] | undefined) ?? [],
      requireSignedCommits: false,
    };
    const policy = await loadPolicy({
      workspace: io.cwd,
      path: text('policy') ?? DEFAULT_POLICY_PATH,
      ...(text('base') ? { baseRef: text('base') } : {}),
    });
    const reportTime = reportTimeFrom(io.env.SOURCE_DATE_EPOCH);
    const result = await verifyManifests({
      workspace: io.cwd,
      inputs,
      policy,
      context: {
        repository: io.env.GITHUB_REPOSITORY ?? path.basename(io.cwd),
        runId: io.env.GITHUB_RUN_ID ?? 'local',
        runAttempt: io.env.GITHUB_RUN_ATTEMPT ?? '1',
        job: io.env.GITHUB_JOB ?? 'local',
        workflow: io.env.GITHUB_WORKFLOW ?? 'agent-gates manifest verify',
        workflowRef: io.env.GITHUB_WORKFLOW_REF ?? '',
        eventName: io.env.GITHUB_EVENT_NAME ?? 'local',
        sha: io.env.GITHUB_SHA ?? '',
        actor: io.env.GITHUB_ACTOR ?? io.env.USER ?? '',
      },
      tool: { name: 'agent-gates/verify-manifest', version: CLI_VERSION },
      outputDir: text('report-dir') ?? path.join(os.tmpdir(), 'agent-gates', 'verify-manifest', String(process.pid)),
      ...(reportTime ? { reportTime } : {}),
    });
    for (const violation of result.violations) io.err(`${violation.severity}: ${violation.code}: ${violation.message}\n`);
    assertManifestsPass(result, failOn as FailOn);
    for (const m of result.manifests) io.out(`${m.file}: ${m.model} ${m.version}, ${m.signatureKind}${m.signer ? ` by ${m.signer}` : ''}, ${m.digest}\n`);
    io.out(`verdict: ${result.verdict}\nreport: ${result.report.path}\nreport-digest: ${result.report.digest}\n`);
    return 0;
  },
};

const CLI_VERSION = '0.1.0';
const COMMANDS: Record<string, Command> = { create, sign, verify };

/** Runs one command line; returns the exit code. Errors print as the action prints them: `E_CODE: message`. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const [group, name, ...rest] = argv;
  if (group === undefined || group === '--help' || group === '-h' || group === 'help') {
    io.out(HELP);
    return group === undefined ? 1 : 0;
  }
  const standalone = STANDALONE[group];
  if (standalone)
    return (await standalone()).run(
      [name, ...rest].filter((a): a is string => a !== undefined),
      streams(io),
    );
  if (group !== 'manifest') {
    io.err(`E_INPUT: unknown command "${group}"\n\n${HELP}`);
    return 1;
  }
  if (name === undefined || name === '--help' || name === '-h') {
    io.out(MANIFEST_HELP);
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`E_INPUT: unknown command "manifest ${name}"\n\n${MANIFEST_HELP}`);
    return 1;
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.out(command.usage);
      return 0;
    }
    return await command.run(values, positionals, io);
  } catch (error) {
    // parseArgs' own errors are the user's: an unknown or malformed option.
    const code = (error as { code?: string }).code;
    const message = typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS') ? `E_INPUT: ${(error as Error).message}` : formatError(error);
    io.err(`${message}\n`);
    return 1;
  }
}
