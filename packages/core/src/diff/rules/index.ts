/**
 * diff-scope's scope rules over a `ChangeSet`: each is a `Rule` (../types.ts) built once from the
 * policy, with every glob and regex compiled up front, and run over plain data. The tests and
 * dependencies rules are built apart and join this list when they land.
 */

import type { Policy } from '../../policy/types.js';
import type { Rule } from '../types.js';
import { forbidRule } from './forbid.js';
import { intentRule } from './intent.js';
import { modesRule } from './modes.js';
import { pathsRule } from './paths.js';
import { secretsRule } from './secrets.js';
import { sizeRule } from './size.js';
import { ticketRule } from './ticket.js';

export interface ScopeRuleOptions {
  /** The files the agent claims to have changed (capture-transcript's summary); the intent rule needs them. */
  readonly claimed?: readonly string[];
  /** The policy file as findings name it (`scope.denied-paths[0] in <file>`); it is always protected. */
  readonly policyFile?: string;
  /** Key of secret findings' fingerprints; without one they carry none (see secrets.ts). */
  readonly fingerprintKey?: string;
  /** The action's worker bundle, where a large change's secret scan runs on its own thread (secrets.ts). */
  readonly workerEntry?: string;
}

/** Every scope rule of the policy. Throws E_POLICY for a glob or regex that cannot be used. */
export function scopeRules(policy: Policy, options: ScopeRuleOptions = {}): Rule[] {
  const { policyFile } = options;
  return [
    pathsRule(policy, policyFile),
    sizeRule(policy, policyFile),
    ticketRule(policy, policyFile),
    modesRule(policy, policyFile),
    forbidRule(policy, policyFile),
    secretsRule(policy, {
      ...(options.fingerprintKey !== undefined ? { fingerprintKey: options.fingerprintKey } : {}),
      ...(options.workerEntry !== undefined ? { workerEntry: options.workerEntry } : {}),
    }),
    intentRule(policy, options.claimed, policyFile),
  ];
}

export { riskTier, RiskTierFiles } from './risk.js';
export { GlobSet, judgedPaths, unsafeNameProblem } from './common.js';
export { symlinkProblem } from './modes.js';
export { forbidRule, intentRule, modesRule, pathsRule, secretsRule, sizeRule, ticketRule };
