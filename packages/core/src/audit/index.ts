export * from './event.js';
export * from './chain.js';
export * from './file-sink.js';
