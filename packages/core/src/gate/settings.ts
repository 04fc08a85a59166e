/**
 * The one rule for "an action input overrides the policy": an input the user left unset (absent,
 * or the empty string or empty list an unset input reads as) is not a value, so the policy's
 * value stands; any set input wins. Every gate resolves its settings through these two helpers.
 */
export function isUnset(value: unknown): value is undefined | null | '' | readonly [] {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

export function resolveSetting<T>(inputValue: T | undefined | null, policyValue: T): T {
  return isUnset(inputValue) ? policyValue : inputValue;
}

/**
 * `resolveSetting` for each key of the policy object: the result has the policy's shape, with every
 * input that was set in place of the policy's value. Keys the policy does not have are ignored, so a
 * typo in a gate's input map cannot add a setting nobody reads.
 */
export function mergeSettings<P extends object>(inputs: { readonly [K in keyof P]?: P[K] | undefined | null }, policy: P): P {
  const merged = { ...policy };
  for (const key of Object.keys(policy) as Array<keyof P>) {
    merged[key] = resolveSetting<P[keyof P]>(inputs[key], policy[key]);
  }
  return merged;
}
