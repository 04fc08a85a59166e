/** What every gate concludes. `warn` is never a pass: a view that may be incomplete lands here. */
export type Verdict = 'pass' | 'warn' | 'fail';

export const VERDICTS = ['pass', 'warn', 'fail'] as const satisfies readonly Verdict[];

/** Which verdict fails the step; `never` leaves the decision to a later job (the router). */
export type FailOn = 'fail' | 'warn' | 'never';

export const FAIL_ON_VALUES = ['fail', 'warn', 'never'] as const satisfies readonly FailOn[];

const RANK: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };

/** The one aggregation rule: the worst verdict wins, and no verdicts at all is a pass. */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'pass';
  for (const v of verdicts) if (RANK[v] > RANK[worst]) worst = v;
  return worst;
}

/** Whether a gate with this verdict fails its step under the `fail-on` input. */
export function failsStep(verdict: Verdict, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return RANK[verdict] >= RANK[failOn];
}
