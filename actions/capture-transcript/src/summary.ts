import type { SummaryBuilder } from '@agent-gates/action-kit';
import type { CaptureResult } from '@agent-gates/core/capture';

/**
 * capture's part of the step summary, after the shared title, verdict and reasons. Everything here
 * is redacted, and every untrusted string goes through the builder's escaping.
 */
export function renderDetails(b: SummaryBuilder, result: CaptureResult): void {
  const s = result.summary;
  b.table(
    ['field', 'value'],
    [
      ['format', result.format],
      ['agent', `${s.agent}${s.agentVersion ? ` ${s.agentVersion}` : ''}`],
      ['model', s.models.join(', ') || 'unknown'],
      ['session', s.sessionId ?? 'unknown'],
      ['turns (prompts)', String(s.turns)],
      ['model calls', s.modelCalls !== undefined ? String(s.modelCalls) : 'not recorded'],
      ['tool calls', String(s.toolCalls)],
      ['secrets redacted', String(result.redactions)],
      ['transcript digest', result.transcriptDigest],
      ['source digest', result.sourceDigest],
    ],
  );
  const tools = Object.entries(s.tools).sort((a, b) => b[1] - a[1]);
  if (tools.length > 0)
    b.raw('### Tools used\n').table(
      ['tool', 'calls'],
      tools.slice(0, 50).map(([t, n]) => [t, String(n)]),
    );
  if (result.filesTouched.length > 0) {
    b.raw('### Files touched\n').table(
      ['path'],
      result.filesTouched.slice(0, 200).map((f) => [f]),
    );
  }
  if (result.outsideWorkspace.length > 0) {
    b.raw('### Written outside the workspace\n').table(
      ['path'],
      result.outsideWorkspace.slice(0, 200).map((f) => [f]),
    );
  }
  if (result.violations.length > 0) {
    b.raw('### Tool violations\n').table(
      ['tool', 'argument', 'rule'],
      result.violations.slice(0, 100).map((v) => [v.tool, v.argument ?? '', v.rule]),
    );
  }
  if (s.conversation.length > 0) {
    b.raw('### Conversation\n', false);
    s.conversation.forEach((turn, i) => {
      const tools = turn.tools && turn.tools.length > 0 ? ` · ${turn.tools.join(', ')}` : '';
      b.details(`${i + 1}. ${turn.role}${tools}: ${turn.text.slice(0, 80)}`, turn.text || '(no text)');
    });
  }
}
