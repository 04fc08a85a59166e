import { describe, expect, it } from 'vitest';
import { InputReader, inputEnvName } from '@agent-gates/action-kit';

const SPEC = {
  name: 'test',
  version: '0.0.0',
  inputs: {
    path: { description: 'p', required: true },
    redact: { description: 'r', default: 'true' },
    'retention-days': { description: 'd', default: '' },
    'fail-on': { description: 'f', default: 'fail' },
    'mask-values': { description: 'm', default: '', sensitive: true },
    'github-token': { description: 't', default: '${{ github.token }}', sensitive: true },
  },
  outputs: {},
} as const;

describe('InputReader', () => {
  it('uses the runner variable names (hyphens kept, upper-cased)', () => {
    expect(inputEnvName('retention-days')).toBe('INPUT_RETENTION-DAYS');
    expect(inputEnvName('a b')).toBe('INPUT_A_B');
  });

  it('applies literal defaults when the variable is absent, never an unevaluated expression', () => {
    const input = new InputReader(SPEC, { INPUT_PATH: 'x' });
    expect(input.boolean('redact')).toBe(true);
    expect(input.oneOf('fail-on', ['fail', 'warn', 'never'] as const)).toBe('fail');
    expect(input.optional('github-token')).toBeUndefined();
  });

  it('refuses an empty required input, naming it', () => {
    expect(() => new InputReader(SPEC, { INPUT_PATH: '  ' }).string('path')).toThrow(/E_INPUT|input "path" is required/);
    expect(() => new InputReader(SPEC, {}).string('path')).toThrowError(expect.objectContaining({ code: 'E_INPUT' }));
  });

  it('validates booleans, integers and enums with the input named', () => {
    const input = new InputReader(SPEC, { INPUT_REDACT: 'yes', 'INPUT_RETENTION-DAYS': '91', 'INPUT_FAIL-ON': 'sometimes' });
    expect(() => input.boolean('redact')).toThrow('input "redact" must be true or false, got "yes"');
    expect(() => input.integer('retention-days', { min: 1, max: 90 })).toThrow('input "retention-days" must be an integer from 1 to 90');
    expect(() => input.oneOf('fail-on', ['fail', 'warn', 'never'] as const)).toThrow('input "fail-on" must be one of fail, warn, never');
  });

  it('never echoes a sensitive value in an error', () => {
    const input = new InputReader(SPEC, { 'INPUT_MASK-VALUES': 'hunter2-secret' });
    expect(() => input.integer('mask-values', { min: 0, max: 1 })).toThrow('(value hidden)');
    expect(() => input.integer('mask-values', { min: 0, max: 1 })).not.toThrow(/hunter2/);
  });

  it('splits lists on lines (and commas when asked), dropping blanks and comments', () => {
    const input = new InputReader(SPEC, { 'INPUT_MASK-VALUES': 'a\n\n# note\n b , c \n' });
    expect(input.list('mask-values')).toEqual(['a', 'b , c']);
    expect(input.list('mask-values', { splitCommas: true })).toEqual(['a', 'b', 'c']);
  });

  it('does not split a tool rule at a comma inside its parentheses', () => {
    const input = new InputReader(SPEC, { 'INPUT_MASK-VALUES': 'Read, Bash(git commit -m "fix: a, b"), Edit(src/**)\nBash(npm test:*, x' });
    expect(input.list('mask-values', { splitCommas: true })).toEqual(['Read', 'Bash(git commit -m "fix: a, b")', 'Edit(src/**)', 'Bash(npm test:*, x']);
  });
});
