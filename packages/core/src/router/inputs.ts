import { ConfigError } from '../errors.js';
import type { RoutingGate, RoutingTier } from '../policy/types.js';
import { parseSignals } from './signals.js';
import { RISK_TIERS, ROUTING_GATES, type AuthorKind, type RouterInputs } from './types.js';

/** The router's inputs as the action reads them: strings, empty when unset. */
export interface RawRouterInputs {
  signals: string;
  reviewScore: string;
  reviewRisk: string;
  agentConfidence: string;
  tests: string;
  vulnerabilities: string;
  authorKind: 'auto' | AuthorKind;
  expectedSignals: readonly string[];
}

function number(name: string, text: string, min: number, max: number, integer: boolean): number | undefined {
  if (text === '') return undefined;
  const value = (integer ? /^\d+$/ : /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/).test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isSafeInteger(value))) {
    const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
    throw new ConfigError('E_RANGE', `input "${name}" must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${shown}`);
  }
  return value;
}

/** Validates every router input; each kind of mistake has its own code and names the input. */
export function parseRouterInputs(raw: RawRouterInputs): RouterInputs {
  const signals = parseSignals(raw.signals);
  const reviewScore = number('review-score', raw.reviewScore, 0, 100, false);
  const agentConfidence = number('agent-confidence', raw.agentConfidence, 0, 1, false);
  const vulnerabilities = number('vulnerabilities', raw.vulnerabilities, 0, 1_000_000, true);
  let reviewRisk: RoutingTier | undefined;
  if (raw.reviewRisk !== '') {
    const tier = raw.reviewRisk.toLowerCase();
    if (!(RISK_TIERS as readonly string[]).includes(tier)) {
      throw new ConfigError(
        'E_TIER',
        `input "review-risk" names no risk tier the policy knows (${RISK_TIERS.join(', ')}): ${JSON.stringify(raw.reviewRisk.slice(0, 40))}`,
      );
    }
    reviewRisk = tier as RoutingTier;
  }
  let tests: 'passed' | 'failed' | undefined;
  if (raw.tests !== '') {
    const t = raw.tests.toLowerCase();
    if (t !== 'passed' && t !== 'failed' && t !== 'success' && t !== 'failure') {
      throw new ConfigError(
        'E_TESTS',
        `input "tests" must be passed or failed (or a job result success/failure), got ${JSON.stringify(raw.tests.slice(0, 40))}`,
      );
    }
    tests = t === 'passed' || t === 'success' ? 'passed' : 'failed';
  }
  let expectedSignals: RoutingGate[] | undefined;
  if (raw.expectedSignals.length > 0) {
    for (const name of raw.expectedSignals) {
      if (!(ROUTING_GATES as readonly string[]).includes(name)) {
        throw new ConfigError(
          'E_EXPECTED_SIGNAL',
          `input "expected-signals": ${JSON.stringify(name.slice(0, 60))} names no gate (${ROUTING_GATES.join(', ')})`,
        );
      }
    }
    expectedSignals = [...new Set(raw.expectedSignals as RoutingGate[])];
  }
  return {
    signals,
    authorKind: raw.authorKind,
    ...(reviewScore !== undefined ? { reviewScore } : {}),
    ...(reviewRisk ? { reviewRisk } : {}),
    ...(agentConfidence !== undefined ? { agentConfidence } : {}),
    ...(tests ? { tests } : {}),
    ...(vulnerabilities !== undefined ? { vulnerabilities } : {}),
    ...(expectedSignals ? { expectedSignals } : {}),
  };
}
