// Runs Azurite's blob CLI in this process and exits when stdin closes. The test process holds
// the other end of that pipe, so if vitest dies hard (SIGKILL, OOM, a crashed worker) the pipe
// closes and Azurite goes with it instead of lingering on a port. Usage: guard <main.js> <args...>
import { createRequire } from 'node:module';

const [main, ...args] = process.argv.slice(2);
if (!main) {
  console.error('azurite-guard: missing Azurite main.js path');
  process.exit(2);
}
// Azurite parses process.argv as if it had been started as `node main.js <args>`.
process.argv = [process.argv[0], main, ...args];
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
// Azurite's dist is CommonJS.
createRequire(import.meta.url)(main);
