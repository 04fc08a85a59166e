#!/usr/bin/env node
// The published bin runs the TypeScript sources through tsx, as `pnpm agent-gates` does in the repository.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
