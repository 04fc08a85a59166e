import { isCaptureWorker, serveCapture, serveRedaction } from '@agent-gates/core/capture/worker';

// Entry of the worker threads (dist/worker/index.js): the capture thread of a large transcript and
// its redaction thread. Only core code, not the runner toolkit, so both start fast and stay small.
if (isCaptureWorker()) await serveCapture();
else serveRedaction();
