import { run } from '@agent-gates/action-kit';
import { isRedactionWorker, serveRedaction } from '@agent-gates/core/capture';
import { main } from './main.js';

// The same file is the redaction worker for large transcripts (see core/capture/worker.ts).
if (isRedactionWorker()) serveRedaction();
else await run(main);
