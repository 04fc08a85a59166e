/**
 * The policy's `secrets.allow` as the engine applies it: a finding is accepted when its value matches an
 * entry's regex and the entry names its rule (or names no rule). Entries that give `paths` are left to the
 * callers that scan files; the engine scans text with no path, where a path criterion cannot hold, so such
 * an entry never accepts a finding here (an entry matches only when every criterion it gives matches).
 */
import { ConfigError } from '../errors.js';

export interface SecretAllowEntry {
  regex?: string;
  rules?: readonly string[];
  paths?: readonly string[];
}

/** Values longer than this are tested on their first part only: an allow regex may backtrack. */
const ALLOW_TARGET_LIMIT = 4096;

export function compileAllowEntries(entries: readonly SecretAllowEntry[] | undefined): (ruleId: string, secret: string) => boolean {
  const compiled = (entries ?? []).flatMap((entry, n) => {
    if (entry.paths !== undefined || entry.regex === undefined) return [];
    let re: RegExp;
    try {
      re = new RegExp(entry.regex);
    } catch {
      // Never echoed: a user may have pasted the value itself.
      throw new ConfigError('E_INPUT', `secrets allow entry #${n + 1} (index ${n}): regex is not a valid regular expression`);
    }
    return [{ re, rules: entry.rules ? new Set(entry.rules) : undefined }];
  });
  if (!compiled.length) return () => false;
  return (ruleId, secret) => {
    const target = secret.length > ALLOW_TARGET_LIMIT ? secret.slice(0, ALLOW_TARGET_LIMIT) : secret;
    return compiled.some((a) => (!a.rules || a.rules.has(ruleId)) && a.re.test(target));
  };
}
