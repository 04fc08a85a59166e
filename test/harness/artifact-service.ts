import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { nodeForBundles, REPO_ROOT } from './run-action.js';
import { killTree, trackChild } from './processes.js';
import { registerTempDir } from './temp.js';

/**
 * A stand-in for GitHub's artifact backend, kept at the HTTP boundary: the real @actions/artifact
 * client talks Twirp JSON to this server and uploads the real zip to Azurite, the emulator of the
 * Azure Blob Storage the real backend hands out SAS URLs for. Nothing in the client is mocked.
 */

export const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/';

// Azurite's documented development account; not a secret.
const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const CONTAINER = 'actions-results';

export interface RecordedArtifact {
  id: number;
  name: string;
  size: number;
  /** As FinalizeArtifact received it: `sha256:<hex>`. */
  hash: string;
  /** RFC 3339, or undefined when the client sent no retention. */
  expiresAt: string | undefined;
  mimeType: string | undefined;
  createdAt: string;
  blobName: string;
}

export interface TwirpCall {
  method: string;
  body: Record<string, unknown>;
  status: number;
  reply: unknown;
}

export type TwirpReply = { status: number; body: unknown };
/** Return a reply to answer a call yourself (e.g. `{ status: 200, body: { ok: false } }`), or undefined to let the service handle it. */
export type Interceptor = (method: string, body: Record<string, unknown>) => TwirpReply | undefined;

export interface ArtifactService {
  env: { ACTIONS_RUNTIME_TOKEN: string; ACTIONS_RESULTS_URL: string };
  runBackendId: string;
  jobBackendId: string;
  blobEndpoint: string;
  /** Finalized artifacts, in finalize order. */
  artifacts(): RecordedArtifact[];
  /** Every Twirp call with the status it got, for asserting on what the client sent. */
  calls(): TwirpCall[];
  /** The stored bytes (the zip, or the raw file with skipArchive), read back from Azurite. */
  download(name: string): Promise<Buffer>;
  intercept(fn: Interceptor | undefined): void;
  /** Forget artifacts and calls so tests sharing one service do not see each other's uploads. */
  reset(): void;
  close(): Promise<void>;
}

interface StorageBlobModule {
  StorageSharedKeyCredential: new (account: string, key: string) => unknown;
  BlobServiceClient: new (
    url: string,
    credential: unknown,
  ) => {
    getContainerClient(name: string): {
      createIfNotExists(): Promise<unknown>;
      getBlockBlobClient(name: string): { downloadToBuffer(): Promise<Buffer>; exists(): Promise<boolean> };
    };
  };
  BlobSASPermissions: { parse(p: string): unknown };
  generateBlobSASQueryParameters(
    values: { containerName: string; blobName: string; permissions: unknown; startsOn?: Date; expiresOn: Date },
    credential: unknown,
  ): { toString(): string };
}

// @azure/storage-blob is only a transitive dependency (of @actions/artifact), so resolve it from
// there; that also guarantees the SAS is made by the same SDK version the client uploads with.
function loadStorageBlob(): StorageBlobModule {
  const artifactPkg = realpathSync(path.join(REPO_ROOT, 'packages/action-kit/node_modules/@actions/artifact/package.json'));
  return createRequire(artifactPkg)('@azure/storage-blob') as StorageBlobModule;
}

function b64url(o: object): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

/** Shaped like the runner's ACTIONS_RUNTIME_TOKEN; unsigned because the client only decodes it. */
export function runtimeToken(runBackendId: string, jobBackendId: string): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    scp: `Actions.ExampleScope Actions.Results:${runBackendId}:${jobBackendId}`,
    iss: 'vstoken.actions.githubusercontent.localhost',
    aud: 'vso:agent-gates-harness',
    nbf: now - 60,
    iat: now - 60,
    exp: now + 6 * 3600,
  };
  return `${b64url({ typ: 'JWT', alg: 'none' })}.${b64url(payload)}.`;
}

async function startAzurite(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const node = nodeForBundles();
  const main = path.join(realpathSync(path.join(REPO_ROOT, 'node_modules/azurite')), 'dist/src/blob/main.js');
  // Azurite may drop debug files in its cwd; keep them out of the repo.
  const cwd = registerTempDir(mkdtempSync(path.join(tmpdir(), 'agent-gates-azurite-')));
  const guard = path.join(path.dirname(fileURLToPath(import.meta.url)), 'azurite-guard.mjs');
  const child = trackChild(
    spawn(
      node.path,
      [
        guard,
        main,
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        '0',
        '--inMemoryPersistence',
        '--extentMemoryLimit',
        '256',
        '--skipApiVersionCheck',
        '--disableTelemetry',
        '--silent',
      ],
      // stdin stays an open pipe: its end is how the guard notices this process is gone.
      { cwd, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd }, stdio: ['pipe', 'pipe', 'pipe'], detached: true },
    ),
  );
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`Azurite did not start within 20 s:\n${output}`)), 20_000);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      killTree(child, 'SIGKILL');
      reject(e);
    };
    const onData = (b: Buffer): void => {
      output += b.toString();
      const m = /successfully listens on https?:\/\/[^:]+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`Azurite exited early (${code}):\n${output}`)));
  });
  // Keep draining so a chatty Azurite never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    endpoint: `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => killTree(child, 'SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        // Closing stdin makes the guard exit at once; SIGTERM would wait on Azurite's graceful
        // close, which lingers on keep-alive sockets, and there is nothing in memory worth saving.
        child.stdin?.end();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    msg: string,
  ) {
    super(msg);
  }
}

export async function startArtifactService(): Promise<ArtifactService> {
  const sdk = loadStorageBlob();
  const azurite = await startAzurite();
  const credential = new sdk.StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY);
  const container = new sdk.BlobServiceClient(azurite.endpoint, credential).getContainerClient(CONTAINER);
  try {
    await container.createIfNotExists();
  } catch (e) {
    await azurite.stop();
    throw e;
  }

  const runBackendId = randomUUID();
  const jobBackendId = randomUUID();
  const token = runtimeToken(runBackendId, jobBackendId);
  let nextId = 1000;
  let pending = new Map<string, { name: string; blobName: string; expiresAt: string | undefined; mimeType: string | undefined }>();
  let finalized: RecordedArtifact[] = [];
  let calls: TwirpCall[] = [];
  let interceptor: Interceptor | undefined;

  const sasUrl = (blobName: string, permissions: string): string => {
    const sas = sdk
      .generateBlobSASQueryParameters(
        {
          containerName: CONTAINER,
          blobName,
          permissions: sdk.BlobSASPermissions.parse(permissions),
          // Start in the past so clock skew between this process and Azurite cannot reject a fresh SAS.
          startsOn: new Date(Date.now() - 5 * 60_000),
          expiresOn: new Date(Date.now() + 60 * 60_000),
        },
        credential,
      )
      .toString();
    return `${azurite.endpoint}/${CONTAINER}/${blobName.split('/').map(encodeURIComponent).join('/')}?${sas}`;
  };

  const requireString = (body: Record<string, unknown>, field: string): string => {
    const v = body[field];
    if (typeof v !== 'string' || v === '') throw new TwirpError(400, 'invalid_argument', `${field} is required`);
    return v;
  };
  const checkIds = (body: Record<string, unknown>): void => {
    // The real backend scopes every call to the run/job in the token; a client that sends other
    // ids has mis-parsed the token.
    if (body['workflow_run_backend_id'] !== runBackendId || body['workflow_job_run_backend_id'] !== jobBackendId) {
      throw new TwirpError(400, 'invalid_argument', 'backend ids do not match the runtime token');
    }
  };

  const handlers: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    async CreateArtifact(body) {
      checkIds(body);
      const name = requireString(body, 'name');
      if (body['version'] !== 7) throw new TwirpError(400, 'invalid_argument', `version must be 7, got ${String(body['version'])}`);
      const expiresAt = body['expires_at'];
      if (expiresAt !== undefined && (typeof expiresAt !== 'string' || Number.isNaN(Date.parse(expiresAt)))) {
        throw new TwirpError(400, 'invalid_argument', 'expires_at must be an RFC 3339 timestamp');
      }
      const mimeType = body['mime_type'];
      if (mimeType !== undefined && typeof mimeType !== 'string') throw new TwirpError(400, 'invalid_argument', 'mime_type must be a string');
      // v4 artifacts are immutable: a second upload with the same name in a run is refused.
      if (finalized.some((a) => a.name === name) || pending.has(name)) {
        throw new TwirpError(409, 'already_exists', `an artifact with this name already exists on the workflow run: ${name}`);
      }
      const blobName = `${runBackendId}/${jobBackendId}/${name}`;
      pending.set(name, { name, blobName, expiresAt, mimeType });
      return { ok: true, signed_upload_url: sasUrl(blobName, 'cw') };
    },
    async FinalizeArtifact(body) {
      checkIds(body);
      const name = requireString(body, 'name');
      const entry = pending.get(name);
      if (!entry) throw new TwirpError(404, 'not_found', `no artifact ${name} was created`);
      const sizeText = body['size'];
      // int64 travels as a JSON string in proto3 JSON.
      if (typeof sizeText !== 'string' || !/^\d+$/.test(sizeText)) throw new TwirpError(400, 'invalid_argument', 'size must be an int64 string');
      const hash = body['hash'];
      if (typeof hash !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(hash)) throw new TwirpError(400, 'invalid_argument', 'hash must be sha256:<hex>');
      const blob = container.getBlockBlobClient(entry.blobName);
      if (!(await blob.exists())) throw new TwirpError(400, 'invalid_argument', `nothing was uploaded for ${name}`);
      const bytes = await blob.downloadToBuffer();
      // Checking what landed in storage against what the client claims catches a client-side
      // digest bug that comparing two client-reported numbers never would.
      if (bytes.length !== Number(sizeText)) throw new TwirpError(400, 'invalid_argument', `size ${sizeText} != stored ${bytes.length}`);
      const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      if (actual !== hash) throw new TwirpError(400, 'invalid_argument', `hash ${hash} != stored ${actual}`);
      pending.delete(name);
      const artifact: RecordedArtifact = {
        id: nextId++,
        name,
        size: bytes.length,
        hash,
        expiresAt: entry.expiresAt,
        mimeType: entry.mimeType,
        createdAt: new Date().toISOString(),
        blobName: entry.blobName,
      };
      finalized.push(artifact);
      return { ok: true, artifact_id: String(artifact.id) };
    },
    async ListArtifacts(body) {
      checkIds(body);
      const nameFilter = body['name_filter'];
      const idFilter = body['id_filter'];
      return {
        artifacts: finalized
          .filter((a) => (nameFilter === undefined || a.name === nameFilter) && (idFilter === undefined || String(a.id) === String(idFilter)))
          .map((a) => ({
            workflow_run_backend_id: runBackendId,
            workflow_job_run_backend_id: jobBackendId,
            database_id: String(a.id),
            name: a.name,
            size: String(a.size),
            created_at: a.createdAt,
            digest: a.hash,
          })),
      };
    },
    async GetSignedArtifactURL(body) {
      checkIds(body);
      const name = requireString(body, 'name');
      const a = finalized.find((x) => x.name === name);
      if (!a) throw new TwirpError(404, 'not_found', `artifact ${name} not found`);
      return { signed_url: sasUrl(a.blobName, 'r') };
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'POST' || !url.pathname.startsWith(TWIRP_PREFIX))
      return send(404, { code: 'bad_route', msg: `no handler for ${req.method} ${url.pathname}` });
    const method = url.pathname.slice(TWIRP_PREFIX.length);
    let body: Record<string, unknown> = {};
    let status = 200;
    let reply: unknown;
    try {
      if (req.headers.authorization !== `Bearer ${token}`) throw new TwirpError(401, 'unauthenticated', 'missing or wrong runtime token');
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) throw new TwirpError(415, 'malformed', 'only the JSON protocol is served');
      const parsed: unknown = JSON.parse(await readBody(req));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TwirpError(400, 'malformed', 'body must be a JSON object');
      body = parsed as Record<string, unknown>;
      const intercepted = interceptor?.(method, body);
      if (intercepted) {
        status = intercepted.status;
        reply = intercepted.body;
      } else {
        const handler = handlers[method];
        if (!handler) throw new TwirpError(404, 'bad_route', `unknown method ${method}`);
        reply = await handler(body);
      }
    } catch (e) {
      // Twirp's error shape; 4xx so the client fails at once instead of retrying for ~31 s.
      status = e instanceof TwirpError ? e.status : e instanceof SyntaxError ? 400 : 500;
      reply = { code: e instanceof TwirpError ? e.code : 'internal', msg: e instanceof Error ? e.message : String(e) };
    }
    calls.push({ method, body, status, reply });
    send(status, reply);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (e) {
    await azurite.stop();
    throw e;
  }
  const { port } = server.address() as AddressInfo;

  let closed = false;
  return {
    env: { ACTIONS_RUNTIME_TOKEN: token, ACTIONS_RESULTS_URL: `http://127.0.0.1:${port}/` },
    runBackendId,
    jobBackendId,
    blobEndpoint: azurite.endpoint,
    artifacts: () => finalized.map((a) => ({ ...a })),
    calls: () => calls.slice(),
    async download(name) {
      const a = finalized.find((x) => x.name === name) ?? pending.get(name);
      if (!a) throw new Error(`artifact service: no artifact named ${name}`);
      return container.getBlockBlobClient(a.blobName).downloadToBuffer();
    },
    intercept(fn) {
      interceptor = fn;
    },
    reset() {
      pending = new Map();
      finalized = [];
      calls = [];
      interceptor = undefined;
    },
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await azurite.stop();
    },
  };
}
