import * as core from '@actions/core';
import type { AnnotationProperties, Logger } from './logger.js';
import { neutraliseMentions, truncate } from './markdown.js';

/** GitHub shows at most 10 annotations of each level per step; past that they are noise. */
export const MAX_ANNOTATIONS_PER_LEVEL = 10;

/**
 * Makes text safe for one plain log line. The runner acts on any line that starts with `::` (or the
 * older `##[`) as a workflow command: `::add-mask::`, `::stop-commands::`, `::warning::`. Text from a
 * transcript or a pull request must never start such a line, so line breaks (including a lone `\r`
 * and U+2028/U+2029) are shown as `\n`/`\r`, and a line that would still start with a command
 * marker gets a visible prefix. Masks keep working: nothing inside a line is changed, and a
 * multi-line secret is also masked line by line (maskSecrets).
 */
export function logLine(text: string): string {
  const single = text.replace(/\r\n|\r|\n|\u2028|\u2029/g, (b) => (b === '\r' ? '\\r' : '\\n'));
  return /^\s*(::|##\[)/.test(single) ? `| ${single}` : single;
}

/** The runner-backed Logger: annotations are capped per level, their text neutralised, plain lines escaped. */
export function createActionsLogger(): Logger & { suppressed(): number } {
  const counts = { error: 0, warning: 0, notice: 0 };
  let suppressed = 0;
  const annotate =
    (level: keyof typeof counts, write: (m: string, p?: core.AnnotationProperties) => void) => (message: string, properties?: AnnotationProperties) => {
      const text = neutraliseMentions(truncate(message, 4000));
      if (counts[level] >= MAX_ANNOTATIONS_PER_LEVEL) {
        suppressed += 1;
        core.info(logLine(`${level}: ${text}`));
        return;
      }
      counts[level] += 1;
      write(text, properties);
    };
  return {
    info: (message) => core.info(logLine(message)),
    debug: (message) => core.debug(message),
    error: annotate('error', core.error),
    warning: annotate('warning', core.warning),
    notice: annotate('notice', core.notice),
    suppressed: () => suppressed,
  };
}
