import { ConfigError } from '@agent-gates/core';

/** One input as action.yml declares it (generated into each action's action-spec.generated.ts). */
export interface InputSpec {
  readonly description: string;
  readonly required?: boolean;
  readonly default?: string;
  /** Never echo the value in an error: it may hold a secret (mask-values, github-token). */
  readonly sensitive?: boolean;
}

export interface ActionSpec {
  readonly name: string;
  readonly version: string;
  readonly inputs: Readonly<Record<string, InputSpec>>;
  readonly outputs: Readonly<Record<string, { readonly description: string }>>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The runner's name mangling (as @actions/core's getInput): spaces become `_`, hyphens stay. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * Reads every input through one typed object. The runner already applies action.yml defaults; when
 * an INPUT_ variable is absent altogether (the CLI, a test) the literal default applies the same way.
 * Defaults holding an expression (`${{ github.token }}`) cannot be evaluated here and read as empty.
 */
export class InputReader<S extends ActionSpec> {
  constructor(
    private readonly spec: S,
    private readonly env: Env = process.env,
  ) {}

  private describe(name: string, value: string): string {
    return this.spec.inputs[name]?.sensitive ? '(value hidden)' : JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  }

  raw(name: keyof S['inputs'] & string): string {
    const spec = this.spec.inputs[name];
    if (!spec) throw new ConfigError('E_INTERNAL', `input "${name}" is not declared in action.yml`);
    let value = this.env[inputEnvName(name)];
    if (value === undefined) value = spec.default !== undefined && !spec.default.includes('${{') ? spec.default : '';
    value = value.trim();
    if (spec.required && value === '') throw new ConfigError('E_INPUT', `input "${name}" is required and was empty`);
    return value;
  }

  string(name: keyof S['inputs'] & string): string {
    return this.raw(name);
  }

  optional(name: keyof S['inputs'] & string): string | undefined {
    const value = this.raw(name);
    return value === '' ? undefined : value;
  }

  /** YAML 1.2 core-schema booleans, as @actions/core's getBooleanInput accepts them. */
  boolean(name: keyof S['inputs'] & string): boolean {
    const value = this.raw(name);
    if (['true', 'True', 'TRUE'].includes(value)) return true;
    if (['false', 'False', 'FALSE'].includes(value)) return false;
    throw new ConfigError('E_INPUT', `input "${name}" must be true or false, got ${this.describe(name, value)}`);
  }

  integer(name: keyof S['inputs'] & string, range: { min: number; max: number }): number | undefined {
    const value = this.raw(name);
    if (value === '') return undefined;
    const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
      throw new ConfigError('E_INPUT', `input "${name}" must be an integer from ${range.min} to ${range.max}, got ${this.describe(name, value)}`);
    }
    return n;
  }

  oneOf<T extends string>(name: keyof S['inputs'] & string, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError('E_INPUT', `input "${name}" must be one of ${allowed.join(', ')}, got ${this.describe(name, value)}`);
    }
    return value as T;
  }

  /**
   * One item per line, blank lines dropped; commas also split with `splitCommas`. `#` lines are
   * comments only where asked (`comments: true`): in a list of values to mask or patterns to redact a
   * line starting with `#` is a value, and dropping it would store the secret in clear.
   * With `minLength`, a shorter item is the user's mistake, named by input and line, never echoed.
   */
  list(name: keyof S['inputs'] & string, options: { splitCommas?: boolean; comments?: boolean; minLength?: number } = {}): string[] {
    const value = this.raw(name);
    const comments = options.comments ?? true;
    const items: string[] = [];
    value.split(/\r?\n/).forEach((line, index) => {
      for (const part of options.splitCommas ? splitTopLevelCommas(line) : [line]) {
        const item = part.trim();
        if (item === '' || (comments && item.startsWith('#'))) continue;
        if (options.minLength !== undefined && item.length < options.minLength) {
          throw new ConfigError(
            'E_INPUT',
            `input "${name}": line ${index + 1} holds a value of ${item.length} character(s); each value must be at least ${options.minLength}`,
          );
        }
        items.push(item);
      }
    });
    return items;
  }
}

/**
 * Splits on commas outside parentheses: a tool rule's specifier is a command that may hold commas
 * of its own (`Bash(git commit -m "fix: a, b")`). An unclosed parenthesis keeps the rest of the line
 * in one item, which then fails validation as the broken rule it is.
 */
export function splitTopLevelCommas(line: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (c === '(') depth += 1;
    else if (c === ')' && depth > 0) depth -= 1;
    else if (c === ',' && depth === 0) {
      items.push(line.slice(start, i));
      start = i + 1;
    }
  }
  items.push(line.slice(start));
  return items;
}
