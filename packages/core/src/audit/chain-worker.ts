// What a verify-chain worker entry imports (`@agent-gates/core/audit/chain-worker`): only the range
// verifier and node builtins, so each worker thread stays small. The entry itself is the caller's
// (packages/cli/src/commands/verify-chain-worker.ts): it runs `await serveChainWorker()`.
export { isChainWorker, serveChainWorker } from './chain-range.js';
