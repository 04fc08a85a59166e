// The worker entry of `agent-gates verify-chain` when it runs from source: a worker thread does not get
// the main thread's tsx loader (Node strips the types of a .ts entry but does not map its `.js` imports),
// so this plain module registers tsx first, then loads verify-chain-worker.ts.
import { register } from 'tsx/esm/api';

register();
await import('./verify-chain-worker.ts');
