import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SHARED_INPUTS, SHARED_OUTPUTS } from '@agent-gates/action-kit';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const gates = readdirSync(path.join(root, 'actions')).filter((g) => existsSync(path.join(root, 'actions', g, 'action.yml')));
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

interface ActionYml {
  runs: { using: string; main: string };
  branding?: object;
  inputs: Record<string, { description?: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description?: string }>;
}
const readYml = (gate: string) => parse(readFileSync(path.join(root, 'actions', gate, 'action.yml'), 'utf8')) as ActionYml;

describe.each(gates)('actions/%s', (gate) => {
  const dir = path.join(root, 'actions', gate);
  const yml = readYml(gate);

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

// A user who learns `fail-on` on one gate must find it meaning the same on the next: the inputs and
// outputs defineGate reads and writes are declared alike in every action.yml.
describe('inputs and outputs every gate shares', () => {
  const ymls = gates.map((gate) => [gate, readYml(gate)] as const);

  it('are declared by every gate', () => {
    expect(gates.length).toBeGreaterThan(0);
    for (const [gate, yml] of ymls) {
      for (const name of SHARED_INPUTS) expect(yml.inputs[name], `${gate}: input ${name}`).toBeDefined();
      for (const name of SHARED_OUTPUTS) expect(yml.outputs[name], `${gate}: output ${name}`).toBeDefined();
    }
  });

  it.each(SHARED_INPUTS)('input %s has one description and one default', (name) => {
    const specs = ymls.map(
      ([gate, yml]) =>
        [gate, { description: yml.inputs[name]?.description, default: yml.inputs[name]?.default, required: yml.inputs[name]?.required ?? false }] as const,
    );
    for (const [gate, spec] of specs) expect(spec, gate).toEqual(specs[0]![1]);
    expect(specs[0]![1].required).toBe(false);
  });

  it.each(SHARED_OUTPUTS)('output %s has one description', (name) => {
    const descriptions = ymls.map(([, yml]) => yml.outputs[name]?.description);
    expect(new Set(descriptions).size).toBe(1);
  });

  it('github-token defaults to the job token and fail-on to fail', () => {
    for (const [, yml] of ymls) {
      expect(yml.inputs['github-token']?.default).toBe('${{ github.token }}');
      expect(yml.inputs['fail-on']?.default).toBe('fail');
    }
  });
});
