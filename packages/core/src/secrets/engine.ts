/**
 * The secret engine: one matcher (rules, user patterns, mask values) behind four ways of reading text:
 * plain text, one JSON document, and streams of JSON or text lines.
 */
import type { Redaction, SecretEngine, SecretEngineOptions, SecretFinding } from './engine-types.js';
import { createJsonRedaction } from './json-redaction.js';
import { createJsonLineRedactor, createTextLineRedactor } from './line-redactors.js';
import { createMatcher } from './matching.js';
import { applyMarkers, mergeHits, wholeCharacters } from './spans.js';

export type { LineRedactor, Redaction, SecretEngine, SecretEngineOptions, SecretFinding } from './engine-types.js';
export { defaultEngineRules, engineKeywordLists, widenContextClasses } from './matching.js';
export { redactionMarker } from './spans.js';

export function createSecretEngine(options: SecretEngineOptions): SecretEngine {
  const matcher = createMatcher(options);
  const json = createJsonRedaction(matcher);

  function scan(text: string): SecretFinding[] {
    return matcher.toFindings(text, mergeHits(matcher.rawHits(text)));
  }

  function redact(text: string): Redaction {
    const spans = mergeHits(matcher.rawHits(text).map((h) => wholeCharacters(text, h, false)));
    return { text: applyMarkers(text, spans), findings: matcher.toFindings(text, spans) };
  }

  function redactJson(jsonText: string): Redaction {
    return json.renderJson(json.analyseJson(jsonText));
  }

  return {
    scan,
    redact,
    redactJson,
    createLineRedactor: (kind) => (kind === 'json' ? createJsonLineRedactor(matcher, json) : createTextLineRedactor(matcher)),
  };
}
