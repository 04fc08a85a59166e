import { describe, expect, it } from 'vitest';
import { escapeMarkdown, escapePre, SummaryBuilder, truncate } from '@agent-gates/action-kit';

describe('escaping untrusted text', () => {
  it('neutralises HTML, Markdown links and images, and @mentions', () => {
    const hostile = '<img src=x onerror=alert(1)> [click](https://evil.example) ![i](x) @octocat @org/team </details>';
    const out = escapeMarkdown(hostile);
    expect(out).not.toMatch(/<img|<\/details>/);
    expect(out).not.toMatch(/\]\(/);
    expect(out).not.toMatch(/@octocat/);
    expect(out).toContain('@\u200docto');
  });

  it('leaves entities intact (no backslash inside &#39;)', () => {
    expect(escapeMarkdown("the agent's key #1")).toBe('the agent&#39;s key \\#1');
  });

  it('keeps a pre block from closing early', () => {
    expect(escapePre('</pre></details><script>')).toBe('&lt;/pre&gt;&lt;/details&gt;&lt;script&gt;');
  });

  it('truncates without splitting a surrogate pair', () => {
    const text = `ab${'😀'.repeat(3)}`;
    const cut = truncate(text, 4);
    expect(cut.endsWith('…')).toBe(true);
    expect(/[\ud800-\udbff]…$/.test(cut)).toBe(false);
  });
});

describe('SummaryBuilder', () => {
  it('always keeps required sections and drops optional ones past the byte limit, saying so', () => {
    const b = new SummaryBuilder();
    b.heading('verdict: fail');
    for (let i = 0; i < 50; i += 1) b.details(`turn ${i}`, 'x'.repeat(1000));
    b.table(['k'], [['required at the end']]);
    const text = b.render(10_000);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(10_000);
    expect(text).toContain('verdict: fail');
    expect(text).toContain('required at the end');
    expect(text).toMatch(/section\(s\) left out/);
  });

  it('stays under GitHub’s 1 MiB limit by default', () => {
    const b = new SummaryBuilder();
    for (let i = 0; i < 2000; i += 1) b.details(`turn ${i}`, 'y'.repeat(3000));
    expect(Buffer.byteLength(b.render())).toBeLessThan(1024 * 1024);
  });
});
