/**
 * The small surface shared code logs through, so core never imports @actions/core. action-kit
 * implements it on the runner; tests record into arrays.
 */
export interface Logger {
  info(message: string): void;
  warning(message: string, properties?: AnnotationProperties): void;
  error(message: string, properties?: AnnotationProperties): void;
  notice(message: string, properties?: AnnotationProperties): void;
  debug(message: string): void;
}

export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
}
