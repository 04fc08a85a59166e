import { appendFileSync } from 'node:fs';
import { escapeMarkdown, escapePre, truncate } from './markdown.js';

/** GitHub refuses a step summary over 1 MiB; keep a margin for what other steps append. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 16 * 1024;

interface Section {
  markdown: string;
  required: boolean;
}

/**
 * Builds a step summary from sections. Required sections always fit (they are short: verdict,
 * identity, violations); optional sections (the conversation) are added in order until the
 * byte budget is spent, and a note says what was left out.
 */
export class SummaryBuilder {
  private readonly sections: Section[] = [];

  heading(text: string, level = 2): this {
    return this.raw(`${'#'.repeat(level)} ${escapeMarkdown(text)}\n`, true);
  }

  /** A table of untrusted cell values; every cell is escaped. */
  table(header: string[], rows: string[][], required = true): this {
    const line = (cells: string[]) => `| ${cells.map((c) => escapeMarkdown(c)).join(' | ')} |`;
    const body = [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)];
    return this.raw(`${body.join('\n')}\n`, required);
  }

  paragraph(text: string, required = true): this {
    return this.raw(`${escapeMarkdown(text)}\n`, required);
  }

  /** A collapsible section with untrusted title and preformatted body. */
  details(title: string, body: string, maxChars = 4000): this {
    const safeTitle = escapeMarkdown(truncate(title, 200));
    return this.raw(`<details><summary>${safeTitle}</summary>\n\n<pre>${escapePre(truncate(body, maxChars))}</pre>\n</details>\n`, false);
  }

  /** Trusted Markdown written by us (no untrusted text inside). */
  raw(markdown: string, required = true): this {
    this.sections.push({ markdown, required });
    return this;
  }

  render(limitBytes = SUMMARY_LIMIT_BYTES): string {
    const notice = (n: number) => `\n_${n} section(s) left out to stay under GitHub's summary size limit._\n`;
    let used = 0;
    for (const s of this.sections) if (s.required) used += Buffer.byteLength(s.markdown) + 1;
    const reserve = Buffer.byteLength(notice(this.sections.length));
    const out: string[] = [];
    let omitted = 0;
    for (const s of this.sections) {
      if (s.required) {
        out.push(s.markdown);
        continue;
      }
      const size = Buffer.byteLength(s.markdown) + 1;
      if (omitted === 0 && used + size + reserve <= limitBytes) {
        out.push(s.markdown);
        used += size;
      } else {
        omitted += 1;
      }
    }
    let text = out.join('\n');
    if (omitted > 0) text += notice(omitted);
    // Required sections alone can only exceed the limit through a bug; cut rather than lose the step.
    if (Buffer.byteLength(text) > limitBytes) text = Buffer.from(text).subarray(0, limitBytes).toString('utf8');
    return text;
  }
}

/** Appends to the step summary file the runner provides; a no-op outside a runner. */
export function writeStepSummary(markdown: string, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, `${markdown}\n`);
  return true;
}
