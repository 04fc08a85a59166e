export {
  createSecretEngine,
  redactionMarker,
  type LineRedactor,
  type Redaction,
  type SecretEngine,
  type SecretEngineOptions,
  type SecretFinding,
} from './engine.js';
export { translateGoRegex, type TranslatedRegex } from './translate.js';
export { gitleaksExcludedRules } from './gitleaks-rules.generated.js';
export { BUILTIN_RULE_IDS, MIN_KEY_BODY } from './rules.js';
export { isPlaceholderPassword, shannonEntropy } from './entropy.js';
