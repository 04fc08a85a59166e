import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Bundle tests start child processes and Azurite; two cores are all CI has.
    maxWorkers: 2,
    // Node 20 cannot import the workflow parser as published (a JSON import without an attribute): let vite transform it.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    // In CI a JSON report too, from which .ci/run prints one plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.tmp/vitest-report.json' }]] : ['default'],
  },
});
