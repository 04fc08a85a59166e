import { run } from '@agent-gates/action-kit';
import { main } from './main.js';

await run(main);
