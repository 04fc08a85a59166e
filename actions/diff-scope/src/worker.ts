import { serveDiffSecretScan } from '@agent-gates/core/diff/secrets-thread';

// Entry of diff-scope's worker thread (dist/worker/index.js): the secret scan of a large change's added
// text, beside the main thread that reads and judges the rest. Only core's secret engine, so it starts fast.
serveDiffSecretScan();
