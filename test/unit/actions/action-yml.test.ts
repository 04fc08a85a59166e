import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const gates = readdirSync(path.join(root, 'actions')).filter((g) => existsSync(path.join(root, 'actions', g, 'action.yml')));
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

describe.each(gates)('actions/%s', (gate) => {
  const dir = path.join(root, 'actions', gate);
  const yml = parse(readFileSync(path.join(dir, 'action.yml'), 'utf8')) as {
    runs: { using: string; main: string };
    branding?: object;
    inputs: Record<string, { description?: string; default?: string }>;
    outputs: Record<string, { description?: string }>;
  };

  it('runs the committed bundle on node24', () => {
    expect(yml.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(existsSync(path.join(dir, 'dist', 'index.js'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'dist', 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    expect(yml.branding).toBeDefined();
  });

  it('names and documents every input and output in kebab-case', () => {
    for (const [name, spec] of [...Object.entries(yml.inputs), ...Object.entries(yml.outputs)]) {
      expect(name).toMatch(KEBAB);
      expect(spec.description?.trim()).toBeTruthy();
    }
    expect(yml.inputs['github-token']?.default).toBe('${{ github.token }}');
    expect(Object.keys(yml.outputs)).toContain('verdict');
    expect(Object.keys(yml.inputs)).toContain('fail-on');
  });

  it('has a generated spec that matches action.yml', async () => {
    const { ACTION_SPEC } = (await import(path.join(dir, 'src', 'action-spec.generated.ts'))) as {
      ACTION_SPEC: { inputs: Record<string, unknown>; outputs: Record<string, unknown>; version: string };
    };
    expect(Object.keys(ACTION_SPEC.inputs)).toEqual(Object.keys(yml.inputs));
    expect(Object.keys(ACTION_SPEC.outputs)).toEqual(Object.keys(yml.outputs));
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
    expect(ACTION_SPEC.version).toBe(pkg.version);
  });
});
