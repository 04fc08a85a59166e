export * from './verdict.js';
export * from './report.js';
export * from './settings.js';
export type * from './logger.js';
