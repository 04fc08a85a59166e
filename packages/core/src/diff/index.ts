export type * from './types.js';
export { RISK_TIERS } from './types.js';
export * from './claimed.js';
export * from './judge.js';
export * from './report.js';
export * from './sarif.js';
export * from './annotations.js';
export * from './plan.js';
export * from './run.js';
