import { ConfigError, errorMessage } from '@agent-gates/core';
import { normaliseSha256 } from '@agent-gates/core/gate';

/** What a gate needs from artifact storage; tests and the CLI pass their own. */
export interface ArtifactStore {
  upload(name: string, files: string[], rootDirectory: string, options: { retentionDays?: number }): Promise<{ id: number; size: number; digest?: string }>;
}

/**
 * The real store. `@actions/artifact` (and the Azure SDK under it) adds 100–200 ms to start-up,
 * so it is imported only when a gate actually uploads.
 */
export function createArtifactStore(): ArtifactStore {
  return {
    async upload(name, files, rootDirectory, options) {
      const { DefaultArtifactClient } = await import('@actions/artifact');
      const client = new DefaultArtifactClient();
      const result = await client.uploadArtifact(name, files, rootDirectory, {
        ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
      });
      if (result.id === undefined) throw new Error(`artifact "${name}" was uploaded but the service returned no id`);
      return { id: result.id, size: result.size ?? 0, ...(result.digest ? { digest: result.digest } : {}) };
    },
  };
}

export function artifactUrl(context: { serverUrl: string; repository: string; runId: string }, id: number): string {
  return `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}/artifacts/${id}`;
}

/**
 * Uploads through a store and reports what the service recorded, its digest as `sha256:<hex>`
 * whatever spelling the service used. A failed upload is E_UPLOAD naming the artifact: evidence
 * that was not kept must fail the step, not pass quietly.
 */
export async function uploadArtifact(
  store: ArtifactStore,
  upload: { name: string; files: string[]; rootDirectory: string; retentionDays?: number },
): Promise<{ id: number; size: number; digest?: string }> {
  let result;
  try {
    result = await store.upload(upload.name, upload.files, upload.rootDirectory, {
      ...(upload.retentionDays !== undefined ? { retentionDays: upload.retentionDays } : {}),
    });
  } catch (error) {
    throw new ConfigError('E_UPLOAD', `artifact "${upload.name}" could not be uploaded: ${errorMessage(error)}`, { cause: error });
  }
  return { id: result.id, size: result.size, ...(result.digest ? { digest: normaliseSha256(result.digest) } : {}) };
}
