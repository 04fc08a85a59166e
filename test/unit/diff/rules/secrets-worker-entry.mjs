// diff-scope's worker entry from source, for tests: a worker thread does not get the main thread's
// tsx loader, so this plain module registers tsx, then loads the action's worker.ts.
import { register } from 'tsx/esm/api';

register();
await import('../../../../actions/diff-scope/src/worker.ts');
