import * as core from '@actions/core';
import type { AnnotationProperties, Logger } from './logger.js';
import { neutraliseMentions, truncate } from './markdown.js';

/** GitHub shows at most 10 annotations of each level per step; past that they are noise. */
export const MAX_ANNOTATIONS_PER_LEVEL = 10;

/** The runner-backed Logger: annotations are capped per level and their text neutralised. */
export function createActionsLogger(): Logger & { suppressed(): number } {
  const counts = { error: 0, warning: 0, notice: 0 };
  let suppressed = 0;
  const annotate =
    (level: keyof typeof counts, write: (m: string, p?: core.AnnotationProperties) => void) =>
    (message: string, properties?: AnnotationProperties) => {
      const text = neutraliseMentions(truncate(message, 4000));
      if (counts[level] >= MAX_ANNOTATIONS_PER_LEVEL) {
        suppressed += 1;
        core.info(`${level}: ${text}`);
        return;
      }
      counts[level] += 1;
      write(text, properties);
    };
  return {
    info: (message) => core.info(message),
    debug: (message) => core.debug(message),
    error: annotate('error', core.error),
    warning: annotate('warning', core.warning),
    notice: annotate('notice', core.notice),
    suppressed: () => suppressed,
  };
}
