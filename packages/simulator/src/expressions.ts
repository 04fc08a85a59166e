/**
 * `${{ }}` as GitHub evaluates it, with GitHub's own `@actions/expressions`: the lexer, parser and
 * evaluator the runner's language services use. The simulator supplies the contexts and the status
 * functions (`success()`, `failure()`, `always()`, `cancelled()`), which depend on where it is.
 */
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';

export type Contexts = Record<string, unknown>;

/** What the status functions see: the job's (or, for a job's `if:`, its needs') results so far. */
export interface StatusState {
  /** True when every step so far (or every needed job) succeeded. */
  success: boolean;
  /** True when a step so far (or a needed job) failed. */
  failure: boolean;
  cancelled: boolean;
}

export class ExpressionError extends Error {
  constructor(
    readonly expression: string,
    message: string,
  ) {
    super(`\${{ ${expression} }}: ${message}`);
    this.name = 'ExpressionError';
  }
}

function toData(value: unknown): data.ExpressionData {
  // The package's reviver turns plain JSON into its data model (dictionaries case-insensitive, as GitHub's are).
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

export function fromData(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer)) as unknown;
}

function statusFunctions(state: StatusState): FunctionDefinition[] {
  const bool = (b: boolean) => new data.BooleanData(b);
  return [
    { name: 'success', minArgs: 0, maxArgs: 0, call: () => bool(state.success && !state.cancelled) },
    { name: 'failure', minArgs: 0, maxArgs: 0, call: () => bool(state.failure && !state.cancelled) },
    { name: 'always', minArgs: 0, maxArgs: 0, call: () => bool(true) },
    { name: 'cancelled', minArgs: 0, maxArgs: 0, call: () => bool(state.cancelled) },
    // Nothing in a simulation is a file the cache key should depend on: a fixed digest, said so.
    { name: 'hashFiles', minArgs: 1, maxArgs: 255, call: () => new data.StringData('simulated-hashfiles') },
  ];
}

/** Evaluates one expression (without `${{ }}`) against the contexts; the value as plain JSON. */
export function evaluate(expression: string, contexts: Contexts, state: StatusState): unknown {
  const functions = statusFunctions(state);
  const lexed = new Lexer(expression).lex();
  let expr;
  try {
    expr = new Parser(lexed.tokens, Object.keys(contexts), functions).parse();
  } catch (e) {
    throw new ExpressionError(expression, e instanceof Error ? e.message : String(e));
  }
  const dictionary = new data.Dictionary();
  for (const [key, value] of Object.entries(contexts)) dictionary.add(key, toData(value));
  const map = new Map(functions.map((f) => [f.name.toLowerCase(), f]));
  try {
    return fromData(new Evaluator(expr, dictionary, map).evaluate());
  } catch (e) {
    throw new ExpressionError(expression, e instanceof Error ? e.message : String(e));
  }
}

/** GitHub's truthiness: false, 0, -0, '', null (and NaN) are false; everything else, objects included, is true. */
export function truthy(value: unknown): boolean {
  return !(value === null || value === undefined || value === false || value === 0 || value === '' || Number.isNaN(value));
}

/** How GitHub turns a value into text inside a string: objects as JSON, null as ''. */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;

/**
 * A value that may hold `${{ }}`: a string that is exactly one expression keeps the expression's type
 * (an object stays an object); anything else is text with each expression replaced.
 */
export function interpolate(template: string, contexts: Contexts, state: StatusState): unknown {
  const whole = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(template);
  if (whole && !whole[1]!.includes('}}')) return evaluate(whole[1]!, contexts, state);
  return template.replace(TEMPLATE, (_m, expr: string) => asText(evaluate(expr, contexts, state)));
}

export function interpolateText(template: string, contexts: Contexts, state: StatusState): string {
  return asText(interpolate(template, contexts, state));
}

/**
 * An `if:` condition. GitHub wraps a condition without a status function in `success() && (…)`, and
 * accepts it with or without `${{ }}`.
 */
export function condition(text: string | undefined, contexts: Contexts, state: StatusState): boolean {
  let expr = (text ?? '').trim();
  if (expr === '') expr = 'success()';
  const whole = /^\$\{\{([\s\S]*)\}\}$/.exec(expr);
  if (whole) expr = whole[1]!.trim();
  if (!/\b(?:success|failure|always|cancelled)\s*\(/.test(expr)) expr = `success() && (${expr})`;
  return truthy(evaluate(expr, contexts, state));
}

/** Every `${{ }}` expression in a text, for the static reference check. */
export function expressionsIn(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map((m) => m[1]!.trim());
}
