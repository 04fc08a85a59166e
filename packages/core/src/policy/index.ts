export type {
  AuditPolicy,
  AuditSinkPolicy,
  HumanReviewSignal,
  LoadedPolicy,
  ModelsPolicy,
  Policy,
  RoutingGate,
  RoutingPolicy,
  ProtectedPathRule,
  RoutingTier,
  TierThresholds,
  ScopePolicy,
  SecretAllowance,
  SecretPattern,
  SecretsPolicy,
  SigningIdentity,
  SigningPolicy,
  TranscriptPolicy,
} from './types.js';
// Nothing here may import parse.ts statically: every gate imports this module at start-up, and
// parse.ts brings in the YAML readers and the validator, which only a run with a policy file needs.
export {
  AGENT_CONTEXT_PATHS,
  AGENT_INSTRUCTION_PATHS,
  CI_CONFIG_PATHS,
  DEFAULT_POLICY_PATH,
  DEFAULT_PROTECTED_GROUPS,
  DEPENDENCY_MANIFEST_PATHS,
  GOVERNANCE_PATHS,
  MAX_POLICY_BYTES,
  POLICY_FILE_ORIGIN,
  TOP_LEVEL_DOT_FOLDER_PATHS,
  defaultPolicy,
  type DefaultProtectedGroup,
} from './defaults.js';
export {
  loadPolicy,
  parsePolicy,
  resolvePolicyBase,
  type LoadPolicyOptions,
  type PolicyBase,
  type PullRequestRef,
  type ResolvePolicyBaseOptions,
} from './load.js';
export { policySchema } from './schema.js';
export { globProblem, globToRegExp, matchAnyGlob, matchGlob, normaliseRepoPath } from './glob.js';
export {
  hasShellControl,
  judgeToolCall,
  matchDeniedTool,
  matchToolPattern,
  parseToolPattern,
  splitShellCommands,
  type JudgedToolCall,
  type ToolCallJudgement,
  type ToolPattern,
} from './tools.js';
export { applyPolicyFloor, FLOOR_RULES, settingPaths, type FlooredPolicy, type MergeRule, type PolicyLayer, type Provenance } from './floor.js';
