// The worker thread entry of `agent-gates verify-chain` on a large log: verifies the byte range it is
// given (packages/core/src/audit/chain-range.ts). Loads nothing else, so each worker stays small.
import { serveChainWorker } from '@agent-gates/core/audit/chain-worker';

await serveChainWorker();
