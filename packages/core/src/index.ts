export * from './errors.js';
export * from './digest/index.js';
