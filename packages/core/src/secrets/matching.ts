/**
 * Rule matching: which rules a text can trigger (the keyword pass), running them, and judging each
 * match against entropy, placeholders and allowlists. Everything here reads plain text; where the
 * text came from (a JSON literal, a line, a joined stream) is the callers' business.
 */
import { createHmac } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { compileAllowEntries } from './allow.js';
import type { SecretEngineOptions, SecretFinding } from './engine-types.js';
import { shannonEntropy } from './entropy.js';
import { KeywordIndex, keywordSignature } from './keyword-index.js';
import { KEYWORD_AUTOMATON } from './keyword-automaton.generated.js';
import { LearnedValues, type LearnedSpelling } from './learned-values.js';
import type { CompiledAllowlist, CompiledRule } from './rule-types.js';
import { defaultRules, globalAllowlists } from './rules.js';
import { type Hit, lineStarts, locate } from './spans.js';
import { catastrophicShape } from './pattern-safety.js';
import { translateGoRegex } from './translate.js';
import { planWindows, WINDOW_MIN_TEXT, type WindowPlan, windowSlices } from './windows.js';

/** Values shorter than this would redact ordinary words and digits all over a transcript. */
const MIN_VALUE_LENGTH = 4;
/** How much of each side of a string-literal (or line) boundary is rescanned for split secrets. */
export const BOUNDARY_WINDOW = 256;
/** Markers we write and placeholders other sanitisers write are never secrets themselves. */
const SANITISED = /REDACTED/;
const DIGIT = /[0-9]/;
const ALLOWLIST_TARGET_LIMIT = 4096;
/** Texts searched whole after a rule's windows covered too much of one, doubling from the first to the last. */
const MIN_WINDOW_BACKOFF = 16;
const MAX_WINDOW_BACKOFF = 512;

function allowed(list: CompiledAllowlist, secret: string, match: string, line: () => string): boolean {
  if (list.hasPaths && list.and) return false; // a path condition can never hold without a path
  const checks: boolean[] = [];
  if (list.regexes.length) {
    // Some allowlist regexes backtrack (`[a-z0-9-]*?api…`), so a megabyte line must not reach them whole.
    const full = list.target === 'match' ? match : list.target === 'line' ? line() : secret;
    const target = full.length > ALLOWLIST_TARGET_LIMIT ? full.slice(0, ALLOWLIST_TARGET_LIMIT) : full;
    checks.push(list.regexes.some((re) => re.test(target)));
  }
  if (list.stopwords.length) checks.push(holdsStopword(list.stopwords, secret.toLowerCase()));
  if (!checks.length) return false;
  return list.and ? checks.every(Boolean) : checks.some(Boolean);
}

/**
 * Stopwords indexed by their first three characters (every gitleaks stopword has at least three), so
 * whether a value holds one is a lookup per position of the value instead of a substring search per
 * stopword: generic-api-key has about 1,450, and a value that passed its digit and entropy checks was
 * searched for each (a tenth of diff-scope's secret scan on a large change). Shorter words are kept
 * apart and searched as before.
 */
interface StopwordIndex {
  byPrefix: Map<number, string[]>;
  short: string[];
}
const stopwordIndexes = new WeakMap<readonly string[], StopwordIndex>();

const prefixKey = (text: string, at: number): number => (text.charCodeAt(at) * 65536 + text.charCodeAt(at + 1)) * 65536 + text.charCodeAt(at + 2);

/** Whether `lower` holds one of `stopwords` (what `stopwords.some((w) => lower.includes(w))` says). */
export function holdsStopword(stopwords: readonly string[], lower: string): boolean {
  let index = stopwordIndexes.get(stopwords);
  if (!index) {
    index = { byPrefix: new Map(), short: [] };
    for (const word of stopwords) {
      if (word.length < 3) {
        index.short.push(word);
        continue;
      }
      const key = prefixKey(word, 0);
      const list = index.byPrefix.get(key);
      if (list) list.push(word);
      else index.byPrefix.set(key, [word]);
    }
    stopwordIndexes.set(stopwords, index);
  }
  for (const word of index.short) if (lower.includes(word)) return true;
  for (let at = 0; at + 3 <= lower.length; at++) {
    const words = index.byPrefix.get(prefixKey(lower, at));
    if (words === undefined) continue;
    for (const word of words) if (lower.startsWith(word, at)) return true;
  }
  return false;
}

/**
 * gitleaks' rules read a secret's context (`key = "…"`, a closing quote, a newline) in plain text.
 * Inside a JSON string, that context is escaped: `{\"token\": \"ghp_…\"}`, `…\n`. Wherever a rule
 * accepts a quote or whitespace as context, a backslash may stand before it in JSON text, so it is
 * accepted there too. This keeps the raw-text pass sound for nested JSON without decoding every line
 * (which would cost as much as the scan itself); a line with a hit is then decoded literal by literal.
 */
function jsonTolerant(rule: CompiledRule): CompiledRule {
  if (rule.id === 'private-key-block' || rule.id === 'url-credentials') return rule;
  // Rewritten and compiled on first use: most rules never meet their keywords in a given run, and
  // doing all of them up front was a tenth of the action's start-up.
  let compiled: RegExp | undefined;
  const original = rule.re;
  return Object.defineProperty({ ...rule }, 're', {
    enumerable: true,
    get(): RegExp {
      if (!compiled) {
        const source = widenContextClasses(original.source);
        compiled = source === original.source ? original : new RegExp(source, original.flags);
      }
      return compiled;
    },
  });
}

export function widenContextClasses(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    // `(?<![A-Za-z])` before a token: the same as `\b`, an escape's letter is not a word character.
    if (source.startsWith('(?<![', i)) {
      let j = i + 5;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      if (source[j + 1] === ')') {
        out += `(?:${source.slice(i, j + 2)}|(?<=\\\\[nrtbf]))`;
        i = j + 1;
        continue;
      }
    }
    if (c === '\\') {
      // In JSON text a token may follow an escape such as `\n`, whose letter ends a word:
      // a word boundary must also hold right after one.
      out += source[i + 1] === 'b' ? '(?:\\b|(?<=\\\\[nrtbf]))' : c + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (c !== '[') {
      out += c;
      continue;
    }
    // A character class: copy it whole, then decide whether it is a context class.
    let j = i + 1;
    if (source[j] === '^') j++;
    if (source[j] === ']') j++;
    while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
    const cls = source.slice(i, j + 1);
    const negated = cls.startsWith('[^');
    const context = /["']|\\s/.test(cls) && !/\\\\/.test(cls);
    out += !negated && context ? `${cls.slice(0, -1)}\\\\]` : cls;
    i = j;
  }
  return out;
}

/** The keyword lists of the engine's automaton: each rule's keywords, then its two markers. */
export function engineKeywordLists(rules: readonly Pick<CompiledRule, 'keywords'>[]): string[][] {
  return [...rules.map((r) => r.keywords), ['\\u', '\\/'], ['delta']];
}

/** The default rule set, as the engine compiles it (used by the automaton generator). */
export function defaultEngineRules(): CompiledRule[] {
  return defaultRules().map(jsonTolerant);
}

/** The engine's rules, user patterns and mask values, compiled once and shared by every redactor. */
export interface Matcher {
  /** Every rule hit in `text`, unmerged; `candidates` when the keyword pass already ran. */
  rawHits: (text: string, candidates?: readonly number[], skipLearned?: boolean) => Hit[];
  /** The hits of the default rules among `candidates` alone (no user pattern, mask or learned value). */
  ruleHits: (text: string, candidates: readonly number[]) => Hit[];
  /**
   * Cheap test: can `text` hold anything at all? `skipLearned` (in both): the caller knows no learned
   * value is in the text (see json-redaction.ts learnedAbsent), so none is searched for.
   */
  mayHoldSecret: (text: string, skipLearned?: boolean) => boolean;
  /** The keyword pass: rule indexes and markers whose keywords occur in the text. */
  candidates: (text: string) => number[];
  candidatesInBytes: (bytes: Uint8Array) => number[];
  /** The rule indexes among a keyword pass's results (markers dropped). */
  ruleCandidates: (found: number[]) => number[];
  /** Keyword-pass result for escapes that can spell a token (`\u0067`, `\/`). */
  readonly escapeMarker: number;
  /** Keyword-pass result for streaming records (`…delta…`), which need the careful path. */
  readonly deltaMarker: number;
  /** User patterns run on every text: no keyword pass can rule them out. */
  readonly hasCustom: boolean;
  /** Lines reach the line redactors as one character per UTF-8 byte (SecretEngineOptions.byteText). */
  readonly byteText: boolean;
  /** True when `text` holds a mask value or a learned value (`bytes`: its UTF-8 bytes, if at hand). */
  holdsValue: (text: string, bytes?: Uint8Array) => boolean;
  /**
   * Remembers a secret a rule found, so that this matcher redacts it wherever it occurs from now on
   * (see learned-values.ts); true when it is new. Mask values are not learned again.
   */
  learn: (ruleId: string, secret: string) => boolean;
  /** Every occurrence of a learned value in `text`. */
  learnedHits: (text: string) => Hit[];
  /** See LearnedValues.plainInJson. */
  learnedPlainInJson: () => boolean;
  /** The learned spellings in `text`, to pass to learnedHitsAmong for parts of it. */
  learnedIn: (text: string) => readonly { text: string; ruleId: string }[];
  /** learnedHits when only the spellings `among` can occur in `text`. */
  learnedHitsAmong: (text: string, among: readonly { text: string; ruleId: string }[]) => Hit[];
  /** Every spelling of every value learned so far, with the fingerprint its findings carry. */
  learnedSpellings: () => LearnedSpelling[];
  /** A matcher with the same rules and values and nothing learned yet: one per stream. */
  forStream: () => Matcher;
  toFindings: (text: string, spans: readonly Hit[], secretOf?: (h: Hit) => string) => SecretFinding[];
}

/**
 * A rule's regex as the search runs it, without the `d` flag (V8 builds every match's group positions
 * under `d`, and nearly every match a generic rule finds is rejected, 120,000 of them in a large
 * change), and a sticky twin with `d` that reads an accepted match's positions where it was found.
 * Made on a regex's first use and kept as long as the regex.
 */
const searchPairs = new WeakMap<RegExp, { search: RegExp; anchored: RegExp }>();
function searchRegexes(re: RegExp): { search: RegExp; anchored: RegExp } {
  let pair = searchPairs.get(re);
  if (!pair) {
    const flags = re.flags.replace('d', '');
    pair = { search: flags === re.flags ? re : new RegExp(re.source, flags), anchored: new RegExp(re.source, `${flags.replace('g', '')}yd`) };
    searchPairs.set(re, pair);
  }
  return pair;
}

export function createMatcher(options: SecretEngineOptions): Matcher {
  const key = options.fingerprintKey;
  if (key === undefined || key === null || (typeof key === 'string' ? key.length === 0 : key.byteLength === 0))
    throw new ConfigError('E_INPUT', 'secrets fingerprint key must not be empty');
  const disabled = new Set(options.disabledRules ?? []);
  const rules = defaultRules()
    .filter((r) => !disabled.has(r.id))
    .map(jsonTolerant);
  const custom: CompiledRule[] = (options.patterns ?? []).map((entry, n) => {
    const pattern = typeof entry === 'string' ? entry : entry.regex;
    // The pattern itself may be a secret the user wants redacted, so it is not echoed; its place is.
    const which =
      typeof entry === 'string'
        ? `redact pattern #${n + 1} (index ${n}, counting the redact-patterns input, then the policy's patterns)`
        : `the policy's secrets pattern "${entry.id}"`;
    let re: RegExp;
    try {
      const t = translateGoRegex(pattern);
      re = new RegExp(t.source, t.flags + 'gd');
    } catch {
      throw new ConfigError('E_INPUT', `${which} is not a valid regular expression`);
    }
    const shape = catastrophicShape(re.source, re.flags);
    if (shape) {
      throw new ConfigError(
        'E_INPUT',
        `${which} ${shape}: a line written by the agent could keep it running for hours. Rewrite it so no repeated part can match the same text in two ways (for example (a+)+ as a+)`,
      );
    }
    const id = typeof entry === 'string' ? `custom-pattern-${n + 1}` : entry.id;
    return { id, re, secretGroup: 0, entropy: 0, keywords: [], allowlists: [], needsDigit: false };
  });
  const isAllowed = compileAllowEntries(options.allow);
  const values = [...new Set((options.values ?? []).filter((v) => typeof v === 'string' && v.length >= MIN_VALUE_LENGTH))];
  // The JSON-escaped spelling too, so a value holding quotes or newlines is found in raw JSON text.
  // With byteText, lines arrive as one character per UTF-8 byte: a value is looked for as its bytes.
  const asBytes = (v: string) => (options.byteText ? Buffer.from(v, 'utf8').toString('latin1') : v);
  // And the spelling of writers that escape every non-ASCII character (Python's json.dumps), for text
  // that is not decoded before it is scanned (Markdown transcripts, a JSON document quoted in one).
  const asciiJson = (v: string) =>
    JSON.stringify(v)
      .slice(1, -1)
      .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const rawValues = [...new Set(values.flatMap((v) => [v, asBytes(v), asBytes(JSON.stringify(v).slice(1, -1)), asciiJson(v)]))];
  // Two markers ride along in the keyword pass so no line is scanned again for them: escapes that
  // can spell a token (`\u0067`, `\/`), and streaming records (`…delta…`) that need the careful path.
  const ESCAPE_MARKER = rules.length;
  const DELTA_MARKER = rules.length + 1;
  const keywordLists = engineKeywordLists(rules);
  // Building the automaton is the engine's largest start-up cost; for the default rule set a build
  // step has done it already (keyword-automaton.generated.ts), checked against the actual keywords.
  const index =
    KEYWORD_AUTOMATON.signature === keywordSignature(keywordLists) ? new KeywordIndex(keywordLists, KEYWORD_AUTOMATON) : new KeywordIndex(keywordLists);
  const ruleCandidates = (found: number[]): number[] => found.filter((r) => r < ESCAPE_MARKER);

  const fingerprint = (ruleId: string, secret: string): string => createHmac('sha256', key).update(`${ruleId}\0${secret}`).digest('hex').slice(0, 32);

  /**
   * A rejected match can hide a real one that starts inside it: in `credential:\nAWS_SECRET_ACCESS_KEY
   * = …` the generic rule first takes the variable name as the value and rejects it, and a global
   * search would go on after it and never try `ACCESS_KEY = …`. After a rejection the search resumes
   * one character after the rejected match's start, a bounded number of times per text.
   */
  const MAX_RETRIES = 64;

  /**
   * The last value runRule's current rule turned down for what the value itself is (too short a run of
   * digits, too little entropy, a sanitised or allowed value), or undefined. A search resumed after a
   * rejection finds the same value again from each later key word before it (`accessToken = …` from
   * `access`, then from `Token`): 44 % of generic-api-key's judgements on the bench's code. Those checks
   * depend on the rule and the value alone, so the value is turned down again without them.
   */
  let rejectedValue: string | undefined;

  /**
   * Runs a rule over `slices` of the text (pairs of start and end, in order; see windows.ts), or over the
   * whole text. One `lastIndex` and one retry count carry across slices, so the matches, and the rejected
   * matches a search resumes after, are those of a search over the whole text.
   */
  function runRule(rule: CompiledRule, text: string, hits: Hit[], isGitleaks: boolean, slices: readonly number[] | null): void {
    if (rule.possible && !rule.possible(text)) return;
    rejectedValue = undefined;
    const { search: re, anchored } = searchRegexes(rule.re);
    let retries = 0;
    let from = 0;
    const count = slices ? slices.length : 2;
    for (let k = 0; k < count; k += 2) {
      const start = slices ? slices[k]! : 0;
      const end = slices ? slices[k + 1]! : text.length;
      if (from >= end && slices) continue;
      const sub = start === 0 && end === text.length ? text : text.slice(start, end);
      re.lastIndex = Math.max(0, from - start);
      let m: RegExpExecArray | null;
      while ((m = re.exec(sub)) !== null) {
        if (m[0].length === 0) re.lastIndex++;
        else {
          const hit = judgeMatch(rule, text, m, isGitleaks, start, sub, anchored);
          if (hit) hits.push(hit);
          else if (retries < MAX_RETRIES) {
            retries++;
            re.lastIndex = m.index + 1;
          }
        }
        from = start + re.lastIndex;
      }
    }
  }

  /**
   * `m` was found in `sub`, the text from `offset` on: its positions are moved back into the text's.
   * `anchored` finds the same match again with its groups' positions, once it is accepted.
   */
  function judgeMatch(rule: CompiledRule, text: string, m: RegExpExecArray, isGitleaks: boolean, offset: number, sub: string, anchored: RegExp): Hit | null {
    let g = 0;
    if (rule.secretGroup > 0) g = m[rule.secretGroup] !== undefined ? rule.secretGroup : -1;
    else
      for (let k = 1; k < m.length; k++)
        if (m[k]) {
          g = k;
          break;
        }
    if (g < 0) return null;
    // The group's text, as the match holds it: most matches are rejected below, before any position is read.
    const secret = m[g]!;
    if (secret === rejectedValue || !secret) return null;
    if (SANITISED.test(secret)) return rejectValue(secret);
    if (rule.entropy > 0) {
      // The cheaper test first: a generic rule's value without a digit (`process.env.API_KEY`) is out either way.
      if (rule.needsDigit && !DIGIT.test(secret)) return rejectValue(secret);
      if (shannonEntropy(secret) <= rule.entropy) return rejectValue(secret);
    }
    if (rule.accept && !rule.accept(secret, m[0], text, m.index + offset)) return null;
    if (isAllowed(rule.id, secret)) return rejectValue(secret);
    const at = m.index + offset;
    const line = (): string => {
      const ls = Math.max(text.lastIndexOf('\n', at - 1) + 1, at - 512);
      const le = text.indexOf('\n', at + m[0].length);
      return text.slice(ls, le < 0 ? text.length : le);
    };
    if (rule.allowlists.some((a) => allowed(a, secret, m[0], line))) return null;
    if (isGitleaks && globalAllowlists.some((a) => allowed(a, secret, m[0], line))) return null;
    // The same regex, anchored where the search matched, takes the same path there and gives the
    // same groups, now with their positions.
    anchored.lastIndex = m.index;
    const placed = anchored.exec(sub);
    const span = placed !== null && placed[0] === m[0] ? placed.indices?.[g] : undefined;
    if (span) return { ruleId: rule.id, start: span[0] + offset, end: span[1] + offset };
    // Never expected: the group's text where it first occurs in the match.
    const start = m.index + offset + m[0].indexOf(secret);
    return { ruleId: rule.id, start, end: start + secret.length };
  }

  /** Turns `secret` down for the rule being run, and remembers it (rejectedValue). */
  function rejectValue(secret: string): null {
    rejectedValue = secret;
    return null;
  }

  // Planned on a rule's first use, like its regex: most rules never meet their keywords in a run.
  const plans: (WindowPlan | null | undefined)[] = new Array<WindowPlan | null | undefined>(rules.length);
  // Texts to search whole before trying windows again, per rule: where a rule's anchor is frequent
  // (`api`, `key` in code), windows cover most of each line and finding them is wasted work. Each
  // attempt in a row that fails doubles the wait (16, 32, … 512 texts); one that pays resets it. In a
  // change of 20,000 source files the generic rule's attempts, every one failed, were a tenth of the scan.
  const skips = new Int32Array(rules.length);
  const backoff = new Int32Array(rules.length);
  function slicesFor(r: number, text: string): number[] | null {
    if (text.length < WINDOW_MIN_TEXT || options.matchWholeLines) return null;
    if (skips[r]! > 0) {
      skips[r]!--;
      return null;
    }
    let plan = plans[r];
    if (plan === undefined) plans[r] = plan = planWindows(rules[r]!.re);
    if (!plan) return null;
    const slices = windowSlices(text, plan);
    if (slices) backoff[r] = 0;
    else skips[r] = backoff[r] = Math.min(MAX_WINDOW_BACKOFF, backoff[r]! > 0 ? backoff[r]! * 2 : MIN_WINDOW_BACKOFF);
    return slices;
  }

  function rawHits(learned: LearnedValues, text: string, candidates?: readonly number[], skipLearned = false): Hit[] {
    const hits: Hit[] = [];
    for (const r of candidates ?? ruleCandidates(index.candidates(text))) {
      const rule = rules[r]!;
      runRule(rule, text, hits, rule.id !== 'private-key-block' && rule.id !== 'url-credentials', slicesFor(r, text));
    }
    for (const rule of custom) runRule(rule, text, hits, false, null);
    for (const v of rawValues)
      for (let i = text.indexOf(v); i >= 0; i = text.indexOf(v, i + v.length)) hits.push({ ruleId: 'explicit-value', start: i, end: i + v.length });
    if (learned.size && !skipLearned) hits.push(...learned.hits(text));
    return hits;
  }

  function ruleHits(text: string, candidates: readonly number[]): Hit[] {
    const hits: Hit[] = [];
    for (const r of candidates) {
      const rule = rules[r]!;
      runRule(rule, text, hits, rule.id !== 'private-key-block' && rule.id !== 'url-credentials', slicesFor(r, text));
    }
    return hits;
  }

  const holdsValue = (learned: LearnedValues, text: string, bytes?: Uint8Array): boolean =>
    rawValues.some((v) => text.includes(v)) || learned.holds(text, bytes);

  function mayHoldSecret(learned: LearnedValues, text: string, skipLearned = false): boolean {
    if (custom.length) return true;
    if (ruleCandidates(index.candidates(text)).length) return true;
    return skipLearned ? rawValues.some((v) => text.includes(v)) : holdsValue(learned, text);
  }

  function toFindings(text: string, spans: readonly Hit[], secretOf?: (h: Hit) => string): SecretFinding[] {
    if (!spans.length) return [];
    const starts = lineStarts(text);
    return spans.map((h) => {
      const { line, column } = locate(starts, h.start);
      const secret = secretOf ? secretOf(h) : text.slice(h.start, h.end);
      return { ruleId: h.ruleId, start: h.start, end: h.end, line, column, fingerprint: fingerprint(h.ruleId, secret) };
    });
  }

  const spell = (v: string): string[] => [v, JSON.stringify(v).slice(1, -1), asciiJson(v)];
  const maskSpellings = new Set(rawValues);

  function forStream(): Matcher {
    const learned = new LearnedValues(spell, maskSpellings);
    return {
      ruleHits,
      rawHits: (text, candidates, skipLearned) => rawHits(learned, text, candidates, skipLearned),
      mayHoldSecret: (text, skipLearned) => mayHoldSecret(learned, text, skipLearned),
      candidates: (text) => index.candidates(text),
      candidatesInBytes: (bytes) => index.candidatesInBytes(bytes),
      ruleCandidates,
      escapeMarker: ESCAPE_MARKER,
      deltaMarker: DELTA_MARKER,
      hasCustom: custom.length > 0,
      byteText: options.byteText === true,
      holdsValue: (text, bytes) => holdsValue(learned, text, bytes),
      learn: (ruleId, secret) => ruleId !== 'explicit-value' && learned.add(ruleId, secret),
      learnedHits: (text) => learned.hits(text),
      learnedPlainInJson: () => learned.plainInJson(),
      learnedIn: (text) => learned.presentIn(text),
      learnedHitsAmong: (text, among) => learned.hits(text, among),
      learnedSpellings: () => learned.list().map((s) => ({ ...s, fingerprint: fingerprint(s.ruleId, s.text) })),
      forStream,
      toFindings,
    };
  }
  return forStream();
}
