// The interface lives in core, so shared code can log without importing this package.
export type { AnnotationProperties, Logger } from '@agent-gates/core/gate';
