import { serveRedaction } from '@agent-gates/core/capture/worker';

// Entry of the redaction worker (dist/worker/index.js): only the secret engine, not the whole
// action, so the second thread starts fast and keeps little memory.
serveRedaction();
