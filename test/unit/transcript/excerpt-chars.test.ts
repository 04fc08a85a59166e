import { describe, expect, it } from 'vitest';
import { createTranscriptReader, MAX_ENTRY_TEXT } from '../../../packages/core/src/transcript/index.js';
import { claudeInitLine as init } from '../../fixtures/builders.js';

/** The assistant's text as capture's streaming path reads it (one character per UTF-8 byte) and as it is read in memory. */
function excerpts(text: string): { streamed: string; inMemory: string } {
  const line = JSON.stringify({ type: 'assistant', session_id: 's-1', message: { id: 'm', content: [{ type: 'text', text }] } });
  const read = (byteText: boolean) => {
    const reader = createTranscriptReader('claude-stream-json', { byteText });
    reader.pushLine(init);
    reader.pushLine(byteText ? Buffer.from(line, 'utf8').toString('latin1') : line);
    return reader.finish().conversation.find((e) => e.role === 'assistant')!.text;
  };
  return { streamed: read(true), inMemory: read(false) };
}

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('conversation excerpts are cut at characters, on every path', () => {
  it('keeps a text of fewer than 2,000 characters whole although it is longer than 2,000 bytes', () => {
    const text = 'é'.repeat(1500);
    const { streamed, inMemory } = excerpts(text);
    expect(inMemory).toBe(text);
    expect(streamed).toBe(text);
  });

  it('cuts a longer text after 2,000 characters and counts the rest in characters', () => {
    const text = 'ü'.repeat(MAX_ENTRY_TEXT + 500);
    const { streamed, inMemory } = excerpts(text);
    expect(inMemory).toBe(`${'ü'.repeat(MAX_ENTRY_TEXT)}… [truncated 500 chars]`);
    expect(streamed).toBe(inMemory);
  });

  it('never splits a surrogate pair at the cut', () => {
    // 'a' then pairs: the 2,000th unit is the first half of a pair.
    const text = `a${'😀'.repeat(MAX_ENTRY_TEXT)}`;
    const { streamed, inMemory } = excerpts(text);
    for (const excerpt of [streamed, inMemory]) {
      expect(excerpt).not.toMatch(loneSurrogate);
      expect(excerpt).toBe(`a${'😀'.repeat((MAX_ENTRY_TEXT - 2) / 2)}… [truncated ${text.length - (MAX_ENTRY_TEXT - 1)} chars]`);
    }
  });
});
