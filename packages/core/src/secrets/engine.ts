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

  function scan(text: string): SecretFinding[] {
    return matcher.toFindings(text, mergeHits(matcher.rawHits(text)));
  }

  function redact(text: string): Redaction {
    const spans = mergeHits(matcher.rawHits(text).map((h) => wholeCharacters(text, h, false)));
    return { text: applyMarkers(text, spans), findings: matcher.toFindings(text, spans) };
  }

  /** A whole document: a secret found anywhere in it is redacted everywhere in it, before and after. */
  function redactJson(jsonText: string): Redaction {
    const document = matcher.forStream();
    const redaction = createJsonRedaction(document);
    const state = redaction.analyseJson(jsonText);
    let learnedNew = false;
    const first = redaction.renderJson(state, undefined, false, (ruleId, secret) => {
      if (document.learn(ruleId, secret)) learnedNew = true;
    });
    if (!learnedNew) return first;
    redaction.addLearned(state);
    return redaction.renderJson(state);
  }

  // One matcher for the verdicts: they depend on the rules alone, never on what a stream learned.
  let verdicts: ReturnType<typeof createJsonRedaction> | undefined;
  return {
    lineVerdict: (line, bytes) => (verdicts ??= createJsonRedaction(matcher.forStream())).verdict(line, bytes),
    scan,
    redact,
    redactJson,
    // Each stream learns the secrets found in it (Matcher.learn) on its own matcher.
    createLineRedactor: (kind) => {
      const stream = matcher.forStream();
      return kind === 'json' ? createJsonLineRedactor(stream, createJsonRedaction(stream)) : createTextLineRedactor(stream);
    },
  };
}
