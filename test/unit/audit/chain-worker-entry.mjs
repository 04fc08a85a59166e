// The verify-chain worker entry for tests: vitest's workers have no TypeScript loader, so this one
// registers tsx and then loads the CLI's worker entry, as `agent-gates verify-chain` runs it.
import { register } from 'tsx/esm/api';

register();
await import('../../../packages/cli/src/commands/verify-chain-worker.ts');
