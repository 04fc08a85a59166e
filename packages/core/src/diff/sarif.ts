import { sha256Hex } from '../digest/index.js';
import type { Verdict } from '../gate/verdict.js';
import type { Finding } from './types.js';

/**
 * SARIF 2.1.0 for diff-scope's findings, shaped for github/codeql-action/upload-sarif: one run, a
 * rule per `rule/code` with help text, results with a file and line (a finding about the change as a
 * whole is anchored on the policy file that decided it), and partial fingerprints so code scanning
 * tracks one alert across pushes instead of opening a new one each time a line moves.
 */

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** code scanning keeps at most 25,000 results per run; the worst are kept. */
export const MAX_SARIF_RESULTS = 25_000;

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Verdict, Level> = { fail: 'error', warn: 'warning', pass: 'note' };
const RANK: Record<Verdict, number> = { fail: 0, warn: 1, pass: 2 };

/** What each rule family checks and how to resolve it: the help code scanning shows beside an alert. */
const FAMILY_HELP: Record<string, string> = {
  paths:
    'The change touches a path the scope policy protects or denies (`scope.protected-paths`, `scope.denied-paths`, the default protected set: workflows, agent instruction files, manifests and lockfiles, CODEOWNERS, top-level dot-folders) or one outside `scope.allowed-paths`. A rename counts for both its old and new path. Have a person make or approve this change, or change the base policy in a separate pull request.',
  size: 'The change is larger than the policy allows (`scope.max-files`, `scope.max-lines`, `scope.max-lines-per-file`): a sweeping diff is hard to review. Split it, or raise the limit in the base policy.',
  tests:
    'A test file was deleted, lost test cases, or a test was newly skipped or focused (`.skip`, `.only`, `xit`, `fdescribe`, `@pytest.mark.skip`, `t.Skip`, `@Disabled`, `#[ignore]`, `pending`). Restore the tests, or allow it in `scope.tests` of the base policy.',
  dependencies:
    'A dependency was moved to a lower version or its registry source changed (manifest or lockfile). New dependencies are listed as a risk signal. Revert the change, or allow it in `scope.dependencies` of the base policy.',
  secrets:
    'An added line holds what looks like a secret. Remove it and rotate the credential. A suppression comment added by the same change counts for nothing; allowances come only from `secrets.allow` in the base policy.',
  forbid: "An added line matches a content pattern the policy forbids for this kind of file (`scope.forbid`); the finding carries the policy's own message.",
  modes:
    'The change adds an executable bit, a symlink (possibly pointing out of the repository), a submodule change, a binary file, or a file name with control or bidirectional-override characters. Check it by hand or allow it in the base policy.',
  intent:
    "The diff and the agent's own record disagree: a file changed that the transcript never touched (`unclaimed-files`), or a file the agent claims to have changed is not in the diff.",
  ticket: 'Changes to these paths need a ticket id (`scope.require-ticket`) in the pull request title, body, branch name or a commit message.',
  diff: 'diff-scope could not see the whole change (an API listing capped or disagreeing with the pull request, a missing patch, a history that could not be deepened). Such a view is never a pass.',
};

export interface SarifOptions {
  tool: { name: string; version: string; informationUri?: string };
  /** Where a finding without a path is anchored: the policy file that decided it. */
  policyFile: string;
  /** Cap on results (tests use a small one). */
  maxResults?: number;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

interface SarifRun {
  tool: { driver: { name: string; version: string; semanticVersion?: string; informationUri: string; rules: SarifRule[] } };
  automationDetails: { id: string };
  originalUriBaseIds: Record<string, { description: { text: string } }>;
  results: SarifResult[];
  properties?: Record<string, unknown>;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: Level };
  properties: { tags: string[] };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Level;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }>;
  partialFingerprints: Record<string, string>;
  properties?: Record<string, unknown>;
}

/** A repository path as a relative URI reference: each segment percent-encoded, `/` kept. */
export function pathToUri(file: string): string {
  return file
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

export function ruleIdOf(finding: Pick<Finding, 'rule' | 'code'>): string {
  return `${finding.rule}/${finding.code}`;
}

export function toSarif(findings: readonly Finding[], options: SarifOptions): SarifLog {
  const max = options.maxResults ?? MAX_SARIF_RESULTS;
  const ordered = [...findings].map((f, i) => ({ f, i })).sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i);
  const kept = ordered.slice(0, max).sort((a, b) => a.i - b.i);

  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const occurrences = new Map<string, number>();
  const results: SarifResult[] = kept.map(({ f }) => {
    const id = ruleIdOf(f);
    let index = ruleIndex.get(id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(id, index);
      rules.push(sarifRule(f));
    } else if (RANK[f.severity] < RANK[severityOf(rules[index]!)]) {
      rules[index]!.defaultConfiguration.level = LEVEL[f.severity];
    }
    const file = f.path ?? options.policyFile;
    const line = f.path !== undefined && f.line !== undefined && f.line >= 1 ? f.line : 1;
    // Stable across pushes: rule, path and the how-many-th such finding in that file; never the line text.
    const key = `${id}\u0000${file}`;
    const n = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, n);
    return {
      ruleId: id,
      ruleIndex: index,
      level: LEVEL[f.severity],
      message: { text: f.message || id },
      locations: [{ physicalLocation: { artifactLocation: { uri: pathToUri(file), uriBaseId: '%SRCROOT%' }, region: { startLine: line } } }],
      partialFingerprints: { 'agentGatesDiffScope/v1': sha256Hex(`${key}\u0000${n}`).slice(0, 32) },
      ...(f.tier !== undefined || f.decidedBy !== undefined
        ? { properties: { ...(f.tier !== undefined ? { riskTier: f.tier } : {}), ...(f.decidedBy !== undefined ? { decidedBy: f.decidedBy } : {}) } }
        : {}),
    };
  });
  const semver = /^\d+\.\d+\.\d+/.test(options.tool.version);
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: options.tool.name,
            version: options.tool.version,
            ...(semver ? { semanticVersion: options.tool.version } : {}),
            informationUri: options.tool.informationUri ?? 'https://github.com/agent-gates/agent-gates/tree/main/actions/diff-scope',
            rules,
          },
        },
        automationDetails: { id: 'agent-gates/diff-scope/' },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The repository root.' } } },
        results,
        ...(findings.length > kept.length ? { properties: { omittedResults: findings.length - kept.length } } : {}),
      },
    ],
  };
}

function severityOf(rule: SarifRule): Verdict {
  const level = rule.defaultConfiguration.level;
  return level === 'error' ? 'fail' : level === 'warning' ? 'warn' : 'pass';
}

function sarifRule(f: Finding): SarifRule {
  const id = ruleIdOf(f);
  const family = FAMILY_HELP[f.rule] ?? `Findings of diff-scope's \`${f.rule}\` rule.`;
  const short = `${f.rule}: ${f.code.replace(/-/g, ' ')}`;
  return {
    id,
    name: f.code
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: short },
    fullDescription: { text: family.replace(/`/g, '') },
    help: { text: family.replace(/`/g, ''), markdown: `**${short}**\n\n${family}` },
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: { tags: ['agent-gates', 'diff-scope', f.rule] },
  };
}
