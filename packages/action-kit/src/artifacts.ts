/** What a gate needs from artifact storage; tests and the CLI pass their own. */
export interface ArtifactStore {
  upload(
    name: string,
    files: string[],
    rootDirectory: string,
    options: { retentionDays?: number },
  ): Promise<{ id: number; size: number; digest?: string }>;
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
