import * as core from '@actions/core';

const masked = new Set<string>();

/** Shorter values are not masked: the runner would star out every `abc` in the log and hide nothing. */
export const MIN_MASK_LENGTH = 4;

/**
 * Registers values with the runner so it hides them from every later log line, and remembers them
 * so our own error text can be scrubbed too. Multi-line values are masked line by line as well,
 * because the runner matches masks per line.
 */
export function maskSecrets(values: Iterable<string>): void {
  for (const value of values) {
    if (value.length < MIN_MASK_LENGTH || masked.has(value)) continue;
    masked.add(value);
    core.setSecret(value);
    if (value.includes('\n')) {
      for (const line of value.split(/\r?\n/)) if (line.trim().length >= MIN_MASK_LENGTH) core.setSecret(line.trim());
    }
  }
}

export function maskedValues(): ReadonlySet<string> {
  return masked;
}
