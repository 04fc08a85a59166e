import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActionsLogger, MAX_ANNOTATIONS_PER_LEVEL } from '@agent-gates/action-kit';

afterEach(() => vi.restoreAllMocks());

describe('createActionsLogger', () => {
  it('caps annotations per level, logs the rest as plain lines, and neutralises mentions', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const log = createActionsLogger();
    for (let i = 0; i < MAX_ANNOTATIONS_PER_LEVEL + 5; i++) log.error(`violation ${i} by @octocat`, { file: 'src/a.ts', startLine: i + 1 });
    log.warning('one warning');
    const errors = written.filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(MAX_ANNOTATIONS_PER_LEVEL);
    expect(written.filter((l) => l.startsWith('::warning'))).toHaveLength(1);
    expect(log.suppressed()).toBe(5);
    expect(written.join('')).not.toMatch(/@octocat/);
    expect(errors[0]).toContain('file=src/a.ts');
  });
});
