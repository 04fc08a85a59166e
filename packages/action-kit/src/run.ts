import * as core from '@actions/core';
import { errorMessage, formatError, isConfigError } from '@agent-gates/core';
import { maskedValues } from './mask.js';

/**
 * The one place a gate fails its step. Any thrown value (an Error, a string, undefined) becomes
 * `E_CODE: message`; a user's mistake keeps its code, anything else is E_INTERNAL. Stacks only
 * with ACTIONS_STEP_DEBUG, and never with a registered secret in them.
 */
export async function run(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error: unknown) {
    core.setFailed(scrub(formatError(error)));
    if (!isConfigError(error) && error instanceof Error && error.stack && core.isDebug()) {
      core.debug(scrub(error.stack));
    } else if (!isConfigError(error) && core.isDebug()) {
      core.debug(scrub(errorMessage(error)));
    }
  }
}

function scrub(text: string): string {
  let out = text;
  for (const value of maskedValues()) out = out.split(value).join('***');
  return out;
}
