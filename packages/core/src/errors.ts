/**
 * Errors a user can fix (bad input, bad policy, unreadable transcript) carry an `E_` code and a
 * message that names the input or file. Anything else is a bug and is reported as E_INTERNAL.
 */
/** The codes every gate shares. */
export type CoreErrorCode = 'E_INPUT' | 'E_POLICY' | 'E_FORMAT' | 'E_NOT_FOUND' | 'E_TOO_LARGE' | 'E_UPLOAD' | 'E_GIT' | 'E_VERDICT' | 'E_INTERNAL';

/**
 * A gate may add codes of its own (verify-manifest's `E_SIGNATURE`, diff-scope's `E_DIFF_INCOMPLETE`):
 * upper-case, `E_` first, documented in the gate's README.
 */
export type ErrorCode = CoreErrorCode | `E_${Uppercase<string>}`;

export class ConfigError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
    this.code = code;
  }
}

export function isConfigError(value: unknown): value is ConfigError {
  return value instanceof ConfigError;
}

/** Turns any thrown value (Error, string, object, undefined) into one line of text. */
export function errorMessage(value: unknown): string {
  if (value instanceof Error) return value.message || value.name;
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return String(value);
  try {
    // JSON has no text for a function or a symbol; their String() can span lines (a function's source).
    return JSON.stringify(value) ?? Object.prototype.toString.call(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** `E_CODE: message` as the run() wrapper prints it. */
export function formatError(value: unknown): string {
  if (isConfigError(value)) return `${value.code}: ${value.message}`;
  return `E_INTERNAL: ${errorMessage(value)}`;
}
