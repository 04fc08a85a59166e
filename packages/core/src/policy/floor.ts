/**
 * A central policy as a floor. An organisation calls one reusable workflow from every repository with
 * its policy from a central repository; a repository's own policy may tighten that policy, never
 * loosen it. The two are merged setting by setting, the stricter value winning, and the result says
 * which file set each setting, so a report can name it.
 *
 * Every setting has a rule below; `test/unit/policy/floor.test.ts` fails when the schema gains one
 * without a rule, so a new setting never merges by accident.
 */
import { canonicalJson } from '../digest/index.js';
import { deepFreeze, loaded } from './defaults.js';
import type { LoadedPolicy, Policy } from './types.js';

/**
 * How two values of one setting merge:
 * - `true` / `false`: the stricter boolean (a requirement on, a permission off) wins;
 * - `min` / `max`: the stricter number (a lower limit, a higher threshold or retention) wins;
 * - `order`: the first value of the list that either side has wins (strictest first);
 * - `union`: both lists apply (deny lists, protected paths, detection rules);
 * - `allow`: an allow-list both must grant: the everything-wildcard yields to the other side,
 *   otherwise only the entries both give remain (an empty result allows nothing);
 * - `max-each`: per-tier thresholds, the higher of each (a tier a side leaves out has that side's
 *   `auto-approve-threshold`, so leaving one out never lowers it);
 * - `floor`: the central policy's value stands (where the organisation's records go, how signals weigh).
 */
export type MergeRule = 'true' | 'false' | 'min' | 'max' | 'max-each' | 'union' | 'allow' | 'floor' | { order: readonly string[] };

/** Keyed by the setting's path in the normalised policy (camelCase, `/`-separated). */
export const FLOOR_RULES: Readonly<Record<string, MergeRule>> = {
  '/version': 'floor',
  '/models/allowed': 'allow',
  '/models/denied': 'union',
  '/models/requirePinned': 'true',
  '/models/requireSeed': 'true',
  // Optional limits: absent means none, so the side that sets one is the stricter.
  '/models/maxTemperature': 'min',
  '/models/maxAgeMs': 'min',
  '/signing/required': 'true',
  '/signing/identities': 'allow',
  '/signing/keys': 'allow',
  '/scope/allowedPaths': 'allow',
  '/scope/protectedPaths': 'union',
  '/scope/protectAgentInstructions': 'true',
  '/scope/maxFiles': 'min',
  '/scope/maxLines': 'min',
  '/scope/forbidBinary': 'true',
  '/scope/protectedRules': 'union',
  '/scope/deniedPaths': 'union',
  '/scope/maxLinesPerFile': 'min',
  // Risk is the highest tier any rule reaches: more tier rules can only raise it.
  '/scope/riskTiers': 'union',
  '/scope/requireTicket': 'union',
  '/scope/forbid': 'union',
  '/scope/tests/allowDeleted': 'false',
  '/scope/tests/allowSkipped': 'false',
  '/scope/tests/allowFewer': 'false',
  '/scope/dependencies/allowDowngrade': 'false',
  '/scope/dependencies/allowRegistryChange': 'false',
  '/scope/allowExecutable': 'false',
  '/scope/allowSymlinks': 'false',
  '/scope/allowSubmodules': 'false',
  '/scope/requireClaimed': 'true',
  '/secrets/failOn': { order: ['warn', 'fail', 'never'] },
  '/secrets/disabledRules': 'allow',
  '/secrets/patterns': 'union',
  '/secrets/allow': 'allow',
  '/transcript/redact': 'true',
  '/transcript/allowedTools': 'allow',
  '/transcript/deniedTools': 'union',
  '/transcript/redactPatterns': 'union',
  '/transcript/retentionDays': 'max',
  '/transcript/maxBytes': 'min',
  '/transcript/allowOutsideWorkspace': 'false',
  '/routing/autoApproveThreshold': 'max',
  '/routing/rejectThreshold': 'max',
  '/routing/requireHumanFor': 'union',
  '/routing/unknown': { order: ['reject', 'human_review'] },
  '/routing/thresholds': 'max-each',
  '/routing/agentThresholds': 'max-each',
  '/routing/humanThresholds': 'max-each',
  '/routing/expectedSignals': 'union',
  '/routing/onGateFail/capture-transcript': { order: ['reject', 'human_review'] },
  '/routing/onGateFail/verify-manifest': { order: ['reject', 'human_review'] },
  '/routing/onGateFail/diff-scope': { order: ['reject', 'human_review'] },
  // How much each signal counts is the organisation's call: no direction is stricter.
  '/routing/weights/gates': 'floor',
  '/routing/weights/tests': 'floor',
  '/routing/weights/reviewScore': 'floor',
  '/routing/weights/agentConfidence': 'floor',
  '/routing/weights/vulnerabilities': 'floor',
  '/routing/pathTiers': 'union',
  '/routing/reviewers': 'union',
  '/routing/agentAuthors/logins': 'union',
  '/routing/agentAuthors/branchPrefixes': 'union',
  '/routing/agentAuthors/trailers': 'union',
  // Where the organisation's records go: the central policy's sinks, and any the repository adds too.
  '/audit/sinks': 'union',
  '/audit/spool': 'floor',
  '/audit/path': 'floor',
  '/audit/chain': 'true',
  '/audit/retentionDays': 'max',
};

const EVERYTHING = new Set(['*', '**']);

/** Which file set a setting: the central one, the repository's, or both (equal, or both lists apply). */
export type Provenance = 'floor' | 'local' | 'both';

interface Merged {
  value: unknown;
  from: Provenance;
}

function same(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

const TIERS = ['low', 'medium', 'high'] as const;

function mergeValue(rule: MergeRule, floor: unknown, local: unknown, defaults: { floor: number; local: number }): Merged {
  if (rule === 'max-each') {
    const f = floor as Record<string, number>;
    const l = local as Record<string, number>;
    const value: Record<string, number> = {};
    let fromFloor = 0;
    let fromLocal = 0;
    for (const tier of TIERS) {
      const a = f[tier] ?? defaults.floor;
      const b = l[tier] ?? defaults.local;
      value[tier] = Math.max(a, b);
      if (a > b) fromFloor++;
      else if (b > a) fromLocal++;
    }
    return { value, from: fromFloor && !fromLocal ? 'floor' : fromLocal && !fromFloor ? 'local' : 'both' };
  }
  if (same(floor, local)) return { value: floor, from: 'both' };
  if (rule === 'floor') return { value: floor, from: 'floor' };
  if (floor === undefined) return { value: local, from: 'local' };
  if (local === undefined) return { value: floor, from: 'floor' };
  if (rule === 'true' || rule === 'false') {
    const strict = rule === 'true';
    return floor === strict ? { value: floor, from: 'floor' } : { value: local, from: 'local' };
  }
  if (rule === 'min' || rule === 'max') {
    const f = floor as number;
    const l = local as number;
    const floorWins = rule === 'min' ? f <= l : f >= l;
    return floorWins ? { value: f, from: 'floor' } : { value: l, from: 'local' };
  }
  if (typeof rule === 'object') {
    const rank = (v: unknown) => {
      const i = rule.order.indexOf(String(v));
      return i < 0 ? rule.order.length : i;
    };
    return rank(floor) <= rank(local) ? { value: floor, from: 'floor' } : { value: local, from: 'local' };
  }
  const f = floor as unknown[];
  const l = local as unknown[];
  if (rule === 'union') {
    const seen = new Set(f.map((x) => canonicalJson(x)));
    return { value: [...f, ...l.filter((x) => !seen.has(canonicalJson(x)))], from: 'both' };
  }
  // allow: the everything-wildcard grants nothing the other side does not.
  const grantsAll = (list: unknown[]) => list.some((x) => typeof x === 'string' && EVERYTHING.has(x));
  if (grantsAll(f) && !grantsAll(l)) return { value: l, from: 'local' };
  if (grantsAll(l) && !grantsAll(f)) return { value: f, from: 'floor' };
  const inLocal = new Set(l.map((x) => canonicalJson(x)));
  return { value: f.filter((x) => inLocal.has(canonicalJson(x))), from: 'both' };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every setting's path in a normalised policy: objects are walked, anything else is a leaf. */
export function settingPaths(policy: object, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(policy)) {
    const p = `${prefix}/${key}`;
    if (isPlainObject(value) && !(p in FLOOR_RULES)) out.push(...settingPaths(value, p));
    else out.push(p);
  }
  return out;
}

export interface FlooredPolicy extends LoadedPolicy {
  /** The central policy that is the floor, and the repository's own. */
  readonly layers: { readonly floor: PolicyLayer; readonly local: PolicyLayer };
  /** For each setting, which file set it. */
  readonly provenance: Readonly<Record<string, Provenance>>;
}

export interface PolicyLayer {
  readonly file: string;
  readonly digest: string;
  readonly ref?: string;
}

function layer(p: LoadedPolicy, fallback: string): PolicyLayer {
  return { file: p.file ?? fallback, digest: p.digest, ...(p.ref ? { ref: p.ref } : {}) };
}

/** The stricter of the two policies, setting by setting (see FLOOR_RULES), with where each came from. */
export function applyPolicyFloor(floor: LoadedPolicy, local: LoadedPolicy): FlooredPolicy {
  const result: Record<string, unknown> = {};
  const provenance: Record<string, Provenance> = {};
  for (const p of new Set([...settingPaths(floor.policy), ...settingPaths(local.policy)])) {
    const rule = FLOOR_RULES[p] ?? 'floor';
    const keys = p.split('/').slice(1);
    const get = (root: unknown) => keys.reduce<unknown>((o, k) => (isPlainObject(o) ? o[k] : undefined), root);
    const merged = mergeValue(rule, get(floor.policy), get(local.policy), {
      floor: floor.policy.routing.autoApproveThreshold,
      local: local.policy.routing.autoApproveThreshold,
    });
    let target = result;
    for (const k of keys.slice(0, -1)) target = (target[k] ??= {}) as Record<string, unknown>;
    if (merged.value !== undefined) target[keys[keys.length - 1]!] = merged.value;
    provenance[p] = merged.from;
  }
  // The commit the repository's policy came from stays the merged policy's: files the policy names
  // (signing keys) are read from it, never from the checkout the change controls. Both layers are
  // read from one base (action-kit's loadGatePolicy), or the floor from outside the workspace.
  const ref = local.ref ?? floor.ref;
  const base = loaded(deepFreeze(result) as unknown as Policy, {
    source: 'file',
    file: `${local.file ?? 'defaults'} over ${floor.file ?? 'defaults'}`,
    ...(ref ? { ref } : {}),
  });
  return { ...base, layers: { floor: layer(floor, 'central defaults'), local: layer(local, 'repository defaults') }, provenance };
}
