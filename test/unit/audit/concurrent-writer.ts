// One writer process of the concurrency test: appends `count` events to `log`, one append each.
import { appendToLog, newEventId } from '@agent-gates/core/audit';

const [log, countText, writer] = process.argv.slice(2);
for (let i = 0; i < Number(countText); i++) {
  await appendToLog(
    log!,
    [
      {
        schema_version: 1,
        event_id: newEventId(),
        event_type: 'decision',
        timestamp: new Date().toISOString(),
        agent_id: `writer-${writer}`,
        action: `event-${i}`,
        repository: 'acme/app',
        run: { id: String(writer), attempt: '1' },
        gates: [],
      },
    ],
    { chain: true, lineNumbers: false },
  );
}
