import type { FormatHandler } from './base-reader.js';
import { MAX_ENTRY_TEXT, roundCost, type TranscriptSummaryBuilder } from './summary-builder.js';
import type { TranscriptUsage } from './types.js';

const STARTED = /^# aider chat started at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/;
const MODEL = /^> (?:Main model|Models?): (\S+) with .*?(?:weak model (\S+?))?\s*$/;
const VERSION = /^> Aider (v\S+)/;
const APPLIED = /^> Applied edit to (.+?)\s*$/;
const RUNNING = /^> Running (.+?)\s*$/;
// Local and unpriced models print the tokens without `Cost:`; the call happened all the same.
const TOKENS = /^> Tokens: (.+? received)\.(?:\s+Cost: \$([\d.,]+) message, \$([\d.,]+) session)?/;

/** Aider prints `12k` / `1.2M` in newer versions and `4,724` in older ones. */
export function aiderNumber(text: string): number | undefined {
  const match = /^([\d.,]+)\s*([kKmM]?)$/.exec(text.trim());
  if (!match?.[1]) return undefined;
  const base = Number(match[1].replace(/,/g, ''));
  if (!Number.isFinite(base)) return undefined;
  const scale = match[2]?.toLowerCase() === 'k' ? 1e3 : match[2]?.toLowerCase() === 'm' ? 1e6 : 1;
  return Math.round(base * scale);
}

export function aiderTokens(text: string): TranscriptUsage {
  const out: TranscriptUsage = {};
  for (const part of text.split(/,\s+(?=[\d.,]+[kKmM]?\s+[a-z])/)) {
    const match = /^([\d.,]+[kKmM]?)\s+(.+)$/.exec(part.trim());
    if (!match?.[1] || !match[2]) continue;
    const value = aiderNumber(match[1]);
    if (value === undefined) continue;
    const label = match[2].trim();
    const key: keyof TranscriptUsage | undefined =
      label === 'sent'
        ? 'inputTokens'
        : label === 'received'
          ? 'outputTokens'
          : label === 'cached' || label === 'cache hit'
            ? 'cacheReadTokens'
            : label === 'cache write'
              ? 'cacheCreationTokens'
              : undefined;
    if (key) out[key] = (out[key] ?? 0) + value;
  }
  return out;
}

/**
 * `.aider.chat.history.md`: one run per `# aider chat started at`. Each run's `Cost: … $y session` is
 * cumulative, so the file's cost is the sum of each run's last session figure (message costs are
 * rounded per line and would drift).
 */
export function aiderHandler(b: TranscriptSummaryBuilder): FormatHandler {
  let runCost: number | undefined;
  let totalCost: number | undefined;
  let prompt: string[] = [];
  let reply: string[] = [];
  // A reply can run for megabytes (whole files in fences); the conversation keeps 2000 chars anyway.
  let replyChars = 0;
  // Text before anything Aider writes (a page's front matter, a file forced to this format) is not
  // part of a chat history: counted as skipped, so a file with no Aider line at all reads nothing.
  let inHistory = false;

  const flushText = (): void => {
    if (prompt.length > 0) b.say('user', prompt.join('\n'));
    if (reply.length > 0) b.say('assistant', reply.join('\n'));
    prompt = [];
    reply = [];
    replyChars = 0;
  };
  const endRun = (): void => {
    if (runCost !== undefined) totalCost = (totalCost ?? 0) + runCost;
    runCost = undefined;
  };

  return {
    record(value, index) {
      if (typeof value !== 'string') return false;
      const line = value;
      if (!inHistory) {
        if (!(STARTED.test(line) || line.startsWith('#### ') || MODEL.test(line) || VERSION.test(line) || TOKENS.test(line))) return false;
        inHistory = true;
      }
      const started = STARTED.exec(line);
      if (started?.[1]) {
        flushText();
        endRun();
        b.timestamp(started[1]);
        return true;
      }
      if (line.startsWith('#### ')) {
        if (reply.length > 0) flushText();
        if (prompt.length < 100) prompt.push(line.slice(5).trimEnd());
        return true;
      }
      if (line.startsWith('>')) {
        flushText();
        let match = MODEL.exec(line);
        if (match?.[1]) {
          // The weak model (commit messages, summaries) also ran; the main one is what `model` names.
          if (match[2]) b.addModel(match[2]);
          b.addModel(match[1].replace(/,$/, ''));
          return true;
        }
        match = VERSION.exec(line);
        if (match?.[1]) {
          b.setFirst('agentVersion', match[1]);
          return true;
        }
        match = APPLIED.exec(line);
        if (match?.[1]) {
          b.toolCall({ name: 'edit', argument: match[1], edited: [match[1]], recordIndex: index });
          return true;
        }
        match = RUNNING.exec(line);
        if (match?.[1]) {
          b.toolCall({ name: 'shell', argument: match[1], recordIndex: index });
          return true;
        }
        match = TOKENS.exec(line);
        if (match?.[1]) {
          b.modelCall();
          b.addUsage(aiderTokens(match[1]));
          if (match[3]) runCost = Number(match[3].replace(/,/g, ''));
        }
        return true;
      }
      if (prompt.length > 0 && line.trim().length === 0) return true;
      if (line.trim().length > 0 || reply.length > 0) {
        if (prompt.length > 0) flushText();
        if (replyChars <= MAX_ENTRY_TEXT) reply.push(line);
        replyChars += line.length + 1;
      }
      return true;
    },
    finish() {
      flushText();
      endRun();
      if (totalCost !== undefined) b.addUsage({ costUsd: roundCost(totalCost) });
    },
  };
}
