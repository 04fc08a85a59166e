import type { Finding } from './types.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface PlannedAnnotation {
  level: AnnotationLevel;
  message: string;
  title: string;
  file?: string;
  line?: number;
}

const LEVEL = { fail: 'error', warn: 'warning', pass: 'notice' } as const;
const ORDER: Record<AnnotationLevel, number> = { error: 0, warning: 1, notice: 2 };

/**
 * Which findings become file/line annotations. GitHub shows only a few of each level per step
 * (action-kit's MAX_ANNOTATIONS_PER_LEVEL), so the most severe go first and each level is cut at
 * `perLevel`; `omitted` says how many the report holds beyond them. Information-only findings
 * (`pass`) are annotated only when there is room after the rest.
 */
export function planAnnotations(findings: readonly Finding[], perLevel: number): { annotations: PlannedAnnotation[]; omitted: number } {
  const sorted = findings.map((f, i) => ({ f, i })).sort((a, b) => ORDER[LEVEL[a.f.severity]] - ORDER[LEVEL[b.f.severity]] || a.i - b.i);
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const annotations: PlannedAnnotation[] = [];
  let omitted = 0;
  for (const { f } of sorted) {
    const level = LEVEL[f.severity];
    if (used[level] >= perLevel) {
      omitted += 1;
      continue;
    }
    used[level] += 1;
    annotations.push({
      level,
      message: f.message || `${f.rule}/${f.code}`,
      title: `diff-scope: ${f.rule}/${f.code}`,
      ...(f.path !== undefined ? { file: f.path } : {}),
      ...(f.path !== undefined && f.line !== undefined && f.line >= 1 ? { line: f.line } : {}),
    });
  }
  return { annotations, omitted };
}
