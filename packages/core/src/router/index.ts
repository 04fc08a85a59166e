export * from './types.js';
export { parseSignals, readGateEvidence, gateFromOutputs, understoodVersion, UNDERSTOOD_GATE_MAJORS, type GateEvidence, type ReadFile } from './signals.js';
export { detectAuthorKind } from './author.js';
export { route, mapReviewers, type RouteOptions } from './decide.js';
export { parseRouterInputs, type RawRouterInputs } from './inputs.js';
export { planSideEffects, DECISION_LABELS, STATUS_CONTEXT, COMMENT_MARKER, type SideEffectPlan, type SideEffectRequest } from './plan.js';
export { concludeRoute, reasonRows, ROUTER_VERDICT, routerReport, type FailedEffect } from './report.js';
