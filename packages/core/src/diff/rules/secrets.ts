import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../errors.js';
import type { Policy } from '../../policy/types.js';
import { createSecretEngine, type SecretEngine } from '../../secrets/index.js';
import { addedText, runScan, type FileChange, type LineScan, type Rule } from '../types.js';
import { Findings, GlobSet, shown } from './common.js';

/** Values longer than this are tested on their first part only: an allow regex may backtrack. */
const ALLOW_TARGET_LIMIT = 4096;

export interface SecretsRuleOptions {
  /**
   * Key of the findings' fingerprints (HMAC-SHA256 of rule id and value). Without one the findings
   * carry no fingerprint at all: a key the report does not keep would make them differ on every run,
   * and a key derived from public data would let anyone test guesses of a weak password against them.
   */
  readonly fingerprintKey?: string;
}

/**
 * Secrets in the lines a change adds, with the engine capture-transcript uses and the base policy's
 * `secrets` settings: its patterns, disabled rules and allow-list. Nothing in the change itself can
 * accept a finding: the engine reads no suppression comment (`gitleaks:allow`, `nosecret`, `pragma:
 * allowlist secret`, `NOSONAR`), so one the agent added counts for nothing. A finding names its rule
 * and line, never the value.
 */
export function secretsRule(policy: Policy, options: SecretsRuleOptions = {}): Rule {
  const secrets = policy.secrets;
  let engine: SecretEngine;
  try {
    engine = createSecretEngine({
      fingerprintKey: options.fingerprintKey ?? randomBytes(32).toString('hex'),
      patterns: secrets.patterns.map((p) => ({ id: p.id, regex: p.regex })),
      disabledRules: [...secrets.disabledRules],
      // Entries that give paths are applied below, per file; the engine applies the value-only ones.
      allow: secrets.allow.map((a) => ({
        ...(a.regex !== undefined ? { regex: a.regex } : {}),
        ...(a.rules ? { rules: [...a.rules] } : {}),
        ...(a.paths ? { paths: [...a.paths] } : {}),
      })),
    });
  } catch (error) {
    // The policy's patterns are checked when it loads; this names the section if one slipped through.
    if (error instanceof ConfigError) throw new ConfigError('E_POLICY', `secrets: ${error.message}`);
    throw error;
  }
  const custom = new Set(secrets.patterns.map((p) => p.id));
  const byPath = secrets.allow.flatMap((entry, index) => {
    if (entry.paths === undefined) return [];
    let regex: RegExp | undefined;
    if (entry.regex !== undefined) {
      try {
        regex = new RegExp(entry.regex);
      } catch {
        throw new ConfigError('E_POLICY', `secrets.allow[${index}].regex is not a valid regular expression`);
      }
    }
    const rules = entry.rules ? new Set(entry.rules) : undefined;
    return [{ index, reason: entry.reason, regex, rules, globs: new GlobSet(entry.paths, (j) => `secrets.allow[${index}].paths[${j}]`) }];
  });

  const begin = (): LineScan => {
    const out = new Findings('secrets');
    const accepted = new Map<number, { count: number; path: string }>();
    return {
      file(file: FileChange) {
        if (file.status === 'deleted' || file.addedLines.length === 0) return;
        // One scan per file: the engine's keyword pass skips text no rule could match in one go, and
        // lines that follow each other in the file stay together, so a key split over lines is found.
        const text = addedText(file);
        const found = engine.scan(text);
        if (found.length === 0) return;
        const allowFor = byPath.filter((entry) => entry.globs.has(file.path));
        for (const finding of found) {
          const line = file.addedLines[finding.line - 1]?.line;
          if (allowFor.length > 0) {
            const value = text.slice(finding.start, Math.min(finding.end, finding.start + ALLOW_TARGET_LIMIT));
            const entry = allowFor.find((a) => (!a.rules || a.rules.has(finding.ruleId)) && (!a.regex || a.regex.test(value)));
            if (entry) {
              const seen = accepted.get(entry.index);
              if (seen) seen.count += 1;
              else accepted.set(entry.index, { count: 1, path: file.path });
              continue;
            }
          }
          out.add({
            code: 'secret',
            severity: 'fail',
            message: `${finding.ruleId} secret in an added line of ${shown(file.path)}${options.fingerprintKey ? ` (fingerprint ${finding.fingerprint})` : ''}; the value is not shown`,
            path: file.path,
            ...(line !== undefined ? { line } : {}),
            tier: 'critical',
            decidedBy: custom.has(finding.ruleId) ? `secrets.patterns (${finding.ruleId})` : `secrets: built-in rule ${finding.ruleId}`,
          });
        }
      },
      finish() {
        for (const [index, { count, path }] of accepted) {
          const entry = secrets.allow[index];
          out.add({
            code: 'secret-accepted',
            severity: 'pass',
            message: `${count} secret finding${count === 1 ? '' : 's'} accepted by the base policy's allow-list (${shown(path)}${count > 1 ? ', …' : ''}): ${entry?.reason ?? ''}`,
            path,
            tier: 'medium',
            decidedBy: `secrets.allow[${index}]`,
          });
        }
        return Promise.resolve(out.done());
      },
    };
  };
  return { name: 'secrets', begin, run: (ctx) => runScan(begin, ctx) };
}
