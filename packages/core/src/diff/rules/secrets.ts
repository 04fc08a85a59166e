import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../errors.js';
import type { Policy } from '../../policy/types.js';
import { createSecretEngine, type SecretEngine } from '../../secrets/index.js';
import { addedLineCount, addedLineNumbers, addedText, LARGE_CHANGE_FILES, runScan, type FileChange, type LineScan, type Rule } from '../types.js';
import type { SecretEngineOptions } from '../../secrets/engine-types.js';
import { Findings, GlobSet, shown } from './common.js';
import { SecretScanner } from './secrets-thread.js';

export interface SecretsRuleOptions {
  /**
   * Key of the findings' fingerprints (HMAC-SHA256 of rule id and value). Without one the findings
   * carry no fingerprint at all: a key the report does not keep would make them differ on every run,
   * and a key derived from public data would let anyone test guesses of a weak password against them.
   */
  readonly fingerprintKey?: string;
  /**
   * The action's worker bundle (`dist/worker/index.js`): a large change's added text is then scanned on
   * a thread of its own while the main thread reads and judges the rest (secrets-thread.ts). Without it,
   * or when the file is not there, everything is scanned on the calling thread, with the same findings.
   */
  readonly workerEntry?: string;
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
  const engineOptions: SecretEngineOptions = {
    fingerprintKey: options.fingerprintKey ?? randomBytes(32).toString('hex'),
    patterns: secrets.patterns.map((p) => ({ id: p.id, regex: p.regex })),
    disabledRules: [...secrets.disabledRules],
    // Entries that give paths are applied below, per file; the engine applies the value-only ones.
    allow: secrets.allow.map((a) => ({
      ...(a.regex !== undefined ? { regex: a.regex } : {}),
      ...(a.rules ? { rules: [...a.rules] } : {}),
      ...(a.paths ? { paths: [...a.paths] } : {}),
    })),
  };
  try {
    // Built here, not in the thread, so a bad pattern is an E_POLICY before anything is read.
    engine = createSecretEngine(engineOptions);
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
    const scanner = new SecretScanner(engineOptions, { engine, ...(options.workerEntry !== undefined ? { workerEntry: options.workerEntry } : {}) });
    // What a file's findings need once its scan is back: its path, the head line of each added line,
    // and whether a path-scoped allow entry applies (then the scan gives each hit's value, so no file's
    // text is kept here until the end).
    const scanned: Array<{ path: string; lines: Uint32Array; allowFor: typeof byPath; index: number }> = [];
    return {
      expect(files: number) {
        if (files >= LARGE_CHANGE_FILES) scanner.start();
      },
      file(file: FileChange) {
        if (file.status === 'deleted' || addedLineCount(file) === 0) return;
        // One scan per file: the engine's keyword pass skips text no rule could match in one go, and
        // lines that follow each other in the file stay together, so a key split over lines is found.
        const text = addedText(file);
        const allowFor = byPath.length === 0 ? byPath : byPath.filter((entry) => entry.globs.has(file.path));
        const lines = addedLineNumbers(file);
        scanned.push({ path: file.path, lines, allowFor, index: scanner.add(text, allowFor.length > 0) });
      },
      dispose() {
        return scanner.dispose();
      },
      async finish() {
        const hits = await scanner.results();
        // In the files' order, as they streamed: the findings are the same whichever thread scanned.
        for (const { path, lines, allowFor, index } of scanned) {
          for (const finding of hits[index]!) {
            const line = finding.line >= 1 && finding.line <= lines.length ? lines[finding.line - 1] : undefined;
            if (allowFor.length > 0) {
              const value = finding.value ?? '';
              const entry = allowFor.find((a) => (!a.rules || a.rules.has(finding.ruleId)) && (!a.regex || a.regex.test(value)));
              if (entry) {
                const seen = accepted.get(entry.index);
                if (seen) seen.count += 1;
                else accepted.set(entry.index, { count: 1, path });
                continue;
              }
            }
            out.add({
              code: 'secret',
              severity: 'fail',
              message: `${finding.ruleId} secret in an added line of ${shown(path)}${options.fingerprintKey ? ` (fingerprint ${finding.fingerprint})` : ''}; the value is not shown`,
              path,
              ...(line !== undefined ? { line } : {}),
              tier: 'critical',
              decidedBy: custom.has(finding.ruleId) ? `secrets.patterns (${finding.ruleId})` : `secrets: built-in rule ${finding.ruleId}`,
            });
          }
        }
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
        return out.done();
      },
    };
  };
  return { name: 'secrets', begin, run: (ctx) => runScan(begin, ctx) };
}
