import type { SummaryBuilder } from '@agent-gates/action-kit';
import type { VerifyManifestsResult } from '@agent-gates/core/manifest';

/** verify-manifest's part of the step summary: one row per manifest, then what each says about files. */
export function renderDetails(summary: SummaryBuilder, result: VerifyManifestsResult): void {
  summary.table(
    ['manifest', 'model', 'version', 'signature', 'signer', 'subjects'],
    result.manifests.map((m) => [
      m.file,
      m.model,
      m.version,
      m.signatureKind,
      m.signer ?? '',
      m.subjects === undefined
        ? 'none listed: the manifest says nothing about files'
        : `${m.subjects.filter((s) => s.matches).length}/${m.subjects.length} match`,
    ]),
  );
}
