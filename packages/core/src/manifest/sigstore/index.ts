import { ConfigError } from '../../errors.js';
import type { SigstoreVerifyInput, SigstoreVerifyResult } from './types.js';

export type { SigstoreSigner, SigstoreVerifyInput, SigstoreVerifyResult } from './types.js';

/**
 * Verifies a sigstore bundle over `input.artifact`, offline against the trusted root. Throws a
 * ConfigError (`E_SIGNATURE`, `E_BUNDLE`, `E_TRUST_ROOT`, `E_IDENTITY`) naming the bundle when it does
 * not verify. Placeholder until the sigstore part lands: it refuses every bundle, so nothing passes.
 */
export function verifySigstoreBundle(input: SigstoreVerifyInput): Promise<SigstoreVerifyResult> {
  return Promise.reject(new ConfigError('E_SIGNATURE', `${input.bundle.name}: sigstore bundles are not verified by this build`));
}
