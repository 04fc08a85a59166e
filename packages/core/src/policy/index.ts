export type {
  AuditPolicy,
  FailOn,
  HumanReviewSignal,
  LoadedPolicy,
  ModelsPolicy,
  Policy,
  RoutingPolicy,
  ScopePolicy,
  SecretAllowance,
  SecretPattern,
  SecretsPolicy,
  SigningIdentity,
  SigningPolicy,
  TranscriptPolicy,
} from './types.js';
export {
  AGENT_INSTRUCTION_PATHS,
  DEFAULT_POLICY_PATH,
  MAX_POLICY_BYTES,
  defaultPolicy,
  parsePolicy,
  policySchema,
} from './parse.js';
export { loadPolicy, type LoadPolicyOptions } from './load.js';
export { globProblem, globToRegExp, matchAnyGlob, matchGlob, normaliseRepoPath } from './glob.js';
export {
  hasShellControl,
  judgeToolCall,
  matchDeniedTool,
  matchToolPattern,
  parseToolPattern,
  splitShellCommands,
  type ToolCall,
  type ToolCallJudgement,
  type ToolPattern,
} from './tools.js';
