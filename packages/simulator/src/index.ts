export { checkReferences, projectAction, simulate } from './simulate.js';
export type { JobResult, Outcome, Scenario, ScenarioStep, SimulateOptions, SimulationResult, StepResult } from './simulate.js';
export { loadWorkflow, jobOrder, WorkflowError } from './workflow.js';
export type { SimJob, SimStep, SimWorkflow } from './workflow.js';
export { condition, evaluate, interpolate, ExpressionError } from './expressions.js';
