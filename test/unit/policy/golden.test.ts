import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatError, jsonDigest } from '@agent-gates/core';
import { parsePolicy } from '@agent-gates/core/policy';

// Table-driven over test/fixtures/policy: a new case is a new file pair, never new code.
const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/policy');
const update = process.env.UPDATE_GOLDEN === '1';
const FILE = '.github/agent-gates.yml';

function cases(folder: string): string[] {
  return readdirSync(path.join(fixtures, folder))
    .filter((name) => name.endsWith('.yml'))
    .map((name) => name.slice(0, -'.yml'.length))
    .sort();
}

function expected(file: string, actual: string): string {
  if (update) writeFileSync(file, actual);
  if (!existsSync(file)) throw new Error(`missing ${path.relative(fixtures, file)}: run with UPDATE_GOLDEN=1 and review it`);
  return readFileSync(file, 'utf8');
}

describe('valid policy files normalise to their golden JSON', () => {
  it.each(cases('valid'))('%s', async (name) => {
    const text = readFileSync(path.join(fixtures, 'valid', `${name}.yml`), 'utf8');
    const loaded = await parsePolicy(text, FILE);
    const actual = `${JSON.stringify(loaded.policy, null, 2)}\n`;
    expect(actual).toBe(expected(path.join(fixtures, 'valid', `${name}.json`), actual));
    expect(loaded.source).toBe('file');
    expect(loaded.file).toBe(FILE);
    expect(loaded.digest).toBe(jsonDigest(loaded.policy));
  });
});

describe('invalid policy files fail with their golden message', () => {
  it.each(cases('invalid'))('%s', async (name) => {
    const text = readFileSync(path.join(fixtures, 'invalid', `${name}.yml`), 'utf8');
    let thrown: unknown;
    try {
      await parsePolicy(text, FILE);
    } catch (error) {
      thrown = error;
    }
    expect(thrown, 'the policy was accepted').toBeDefined();
    const actual = `${formatError(thrown)}\n`;
    // Every refusal is a user-fixable error that names the file, never an internal one.
    expect(actual).toMatch(/^E_(POLICY|TOO_LARGE): \.github\/agent-gates\.yml/);
    expect(actual).toBe(expected(path.join(fixtures, 'invalid', `${name}.error.txt`), actual));
  });
});
