import * as core from '@actions/core';

/**
 * Outputs are collected and written only once the gate has finished: a step that fails half way
 * must not leave a `verdict` behind that a later `if:` could read as a pass.
 */
export class OutputSet<Name extends string> {
  private readonly values = new Map<Name, string>();

  set(name: Name, value: string | number | boolean | object | undefined): this {
    if (value === undefined) return this;
    this.values.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    return this;
  }

  get(name: Name): string | undefined {
    return this.values.get(name);
  }

  entries(): Array<[Name, string]> {
    return [...this.values.entries()];
  }

  commit(): void {
    for (const [name, value] of this.values) core.setOutput(name, value);
  }
}
