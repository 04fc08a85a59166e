/** Line-by-line redaction of a stream: JSON Lines records, or plain text (Aider's Markdown). */
import type { LineRedactor, Redaction } from './engine-types.js';
import { decodeLiteral, type Literal } from './json-literals.js';
import { type JsonLineState, type JsonRedaction, LineVerdict } from './json-redaction.js';
import { BOUNDARY_WINDOW, type Matcher } from './matching.js';
import { applyMarkers, type Hit, mergeHits, wholeCharacters } from './spans.js';

/**
 * Streaming records (Claude `text_delta`/`input_json_delta`, Codex `*_delta`, OpenAI
 * `response.output_text.delta`, Gemini `delta: true`) carry a reply a few tokens at a time, so a
 * secret is routinely cut across many records. From the first stream record on, records are held
 * back; each stream member's values are joined per key into the text the model actually wrote, that
 * text is scanned, and every hit is mapped back onto the pieces it came from, which are redacted in
 * their own records. Other records (a `ping`, a block's start or stop) are held with them and do not
 * end the join: a secret cut around one is still joined. The hold ends at a size cap, and then the
 * records holding the last BOUNDARY_WINDOW characters of each stream stay held, so a secret cut
 * across the cap is joined with the records that follow, however many deltas came before.
 */
const STREAM_HOLD_CHARS = 4 * 1024 * 1024;
const STREAM_HOLD_LINES = 20_000;

interface HeldRecord {
  state: JsonLineState;
  lineNo: number;
  /** Judged clean when it came (no literals lexed): analysed only if a value learned later is in it. */
  clean: boolean;
  chars: number;
}

interface Stream {
  text: string;
  pieces: { lit: Literal; at: number; length: number; record: number }[];
}

export function createJsonLineRedactor(matcher: Matcher, json: JsonRedaction): LineRedactor {
  const { rawHits, mayHoldSecret } = matcher;
  const { analyseJson, renderJson, isClean, addLearned } = json;
  let held: HeldRecord[] = [];
  const streams = new Map<string, Stream>();
  let heldChars = 0;
  let lineNo = 0;

  function hold(record: HeldRecord, stream: boolean): void {
    const index = held.length;
    held.push(record);
    heldChars += record.chars;
    if (!stream) return;
    for (const lit of record.state.literals) {
      if (lit.streamKey === null) continue;
      const decoded = decodeLiteral(lit);
      if (decoded === null || decoded.length === 0) continue;
      let s = streams.get(lit.streamKey);
      if (!s) streams.set(lit.streamKey, (s = { text: '', pieces: [] }));
      s.pieces.push({ lit, at: s.text.length, length: decoded.length, record: index });
      s.text += decoded;
    }
  }

  /** Renders the held records; with `keepTail`, those that hold the end of a stream stay held. */
  function settle(keepTail: boolean): Redaction[] {
    let learnedNew = false;
    for (const stream of streams.values()) {
      if (stream.pieces.length < 2 || !mayHoldSecret(stream.text)) continue;
      for (const h of rawHits(stream.text)) {
        if (matcher.learn(h.ruleId, stream.text.slice(h.start, h.end))) learnedNew = true;
        for (const p of stream.pieces) {
          if (p.at >= h.end) break;
          if (p.at + p.length <= h.start) continue;
          p.lit.spans.push({ ruleId: h.ruleId, start: Math.max(h.start, p.at) - p.at, end: Math.min(h.end, p.at + p.length) - p.at });
        }
      }
    }
    let keepFrom = held.length;
    if (keepTail) {
      // The hold must shrink: a stream whose tail would keep more than half of it (a member such as
      // `type` in every record, or thousands of one-character pieces) keeps nothing, and a secret cut
      // there is only redacted where a rule sees it.
      const suffix = new Array<number>(held.length + 1).fill(0);
      for (let i = held.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + held[i]!.chars;
      for (const stream of streams.values()) {
        const tail = stream.text.length - BOUNDARY_WINDOW;
        const first = stream.pieces.find((p) => p.at + p.length > tail);
        if (!first || suffix[first.record]! > STREAM_HOLD_CHARS / 2 || held.length - first.record > STREAM_HOLD_LINES / 2) continue;
        keepFrom = Math.min(keepFrom, first.record);
      }
    }
    const done = held.slice(0, keepFrom);
    const kept = held.slice(keepFrom);
    const out = render(done, learnedNew);
    held = [];
    streams.clear();
    heldChars = 0;
    for (const record of kept) {
      if (learnedNew) learnInto(record);
      hold(record, !record.clean);
    }
    return out;
  }

  /** Adds the spans of learned values to a record analysed before they were learned. */
  function learnInto(record: HeldRecord): void {
    if (record.clean) {
      if (!matcher.holdsValue(record.state.raw)) return;
      record.state = analyseJson(record.state.raw);
      record.clean = false;
    } else addLearned(record.state);
  }

  /**
   * Renders records and learns the secrets found in them; when one is new (or `learnedBefore`, from
   * the joined stream), the records are searched for it and rendered again, so an occurrence before
   * the rule's match (in the record, or in an earlier held one) is redacted too.
   */
  function render(records: HeldRecord[], learnedBefore = false): Redaction[] {
    let learnedNew = learnedBefore;
    const learn = (ruleId: string, secret: string): void => {
      if (matcher.learn(ruleId, secret)) learnedNew = true;
    };
    const out = records.map((h) => renderJson(h.state, h.lineNo, matcher.byteText, learn));
    if (!learnedNew) return out;
    for (const h of records) learnInto(h);
    return records.map((h) => renderJson(h.state, h.lineNo, matcher.byteText));
  }

  const cleanState = (line: string): JsonLineState => ({ raw: line, literals: [], rawSpans: [], spills: [] });

  return {
    push(line, bytes, ahead) {
      lineNo += 1;
      // With a verdict worked out ahead (LineVerdict), the keyword pass ran there.
      const found = ahead === undefined ? (bytes ? matcher.candidatesInBytes(bytes) : matcher.candidates(line)) : null;
      const stream = found ? found.includes(matcher.deltaMarker) : (ahead! & LineVerdict.Delta) !== 0;
      if (stream || held.length > 0) {
        const clean = !stream && isClean(line, found, bytes, ahead);
        hold({ state: clean ? cleanState(line) : analyseJson(line), lineNo, clean, chars: line.length }, stream);
        return heldChars > STREAM_HOLD_CHARS || held.length > STREAM_HOLD_LINES ? settle(true) : [];
      }
      // A clean line has no finding, so nothing is learned from it and it is rendered once, as it is.
      if (isClean(line, found, bytes, ahead)) return [renderJson(cleanState(line), lineNo)];
      return render([{ state: analyseJson(line), lineNo, clean: false, chars: line.length }]);
    },
    flush() {
      return settle(false);
    },
    learned: matcher.learnedSpellings,
  };
}

// Markdown quotes and headings (Aider writes tool output as `> ` lines and prompts as `#### `
// lines) may prefix each line of a key block.
const LINE_PREFIX = /^(?:[ \t]*(?:>+|#{1,6})[ \t]?)*/;
const KEY_BODY_LINE = /^\s*(?:[A-Za-z0-9+/=]+|[A-Za-z][A-Za-z-]{0,30}: .*)?\s*$/;
const KEY_HEADER = /-----BEGIN[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----/;
const KEY_FOOTER = /-----END[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----/;

export function createTextLineRedactor(matcher: Matcher): LineRedactor {
  const { rawHits, mayHoldSecret } = matcher;
  let pending: { text: string; spans: Hit[] } | null = null;
  let inKeyBlock = false;
  let lineNo = 0;
  const finish = (p: { text: string; spans: Hit[] } | null, n: number): Redaction => {
    if (!p) return { text: '', findings: [] };
    const spans = mergeHits(p.spans.map((h) => wholeCharacters(p.text, h, matcher.byteText)));
    const findings = matcher.toFindings(p.text, spans);
    for (const f of findings) f.line = n;
    return { text: applyMarkers(p.text, spans), findings };
  };
  return {
    push(line) {
      const spans: Hit[] = [];
      // A key block that began on an earlier line continues while lines look like key body.
      if (inKeyBlock) {
        const prefix = LINE_PREFIX.exec(line)![0].length;
        const footer = KEY_FOOTER.exec(line);
        const body = line.slice(prefix, footer ? footer.index : line.length);
        if (KEY_BODY_LINE.test(body)) {
          const end = footer ? footer.index + footer[0].length : line.length;
          if (end > prefix) spans.push({ ruleId: 'private-key-block', start: prefix, end });
          if (footer) inKeyBlock = false;
        } else inKeyBlock = false;
      }
      // A header whose block does not end on the same line opens one, whatever the line's prefix.
      const header = KEY_HEADER.exec(line);
      if (header && !KEY_FOOTER.test(line.slice(header.index))) {
        spans.push({ ruleId: 'private-key-block', start: header.index, end: line.length });
        inKeyBlock = true;
      }
      spans.push(...rawHits(line));
      // Secrets found here are redacted wherever they occur from now on: in the rest of this line, in
      // the line still pending, and in every later one (rawHits looks for learned values).
      let learnedNew = false;
      for (const h of spans) if (matcher.learn(h.ruleId, line.slice(h.start, h.end))) learnedNew = true;
      if (learnedNew) {
        spans.push(...matcher.learnedHits(line));
        if (pending) pending.spans.push(...matcher.learnedHits(pending.text));
      }
      if (pending) {
        const tail = pending.text.slice(-BOUNDARY_WINDOW);
        const head = line.slice(0, BOUNDARY_WINDOW);
        const joined = `${tail}\n${head}`;
        const cut = tail.length;
        const offset = pending.text.length - tail.length;
        if (mayHoldSecret(joined))
          for (const h of rawHits(joined)) {
            if (h.start > cut || h.end <= cut) continue;
            pending.spans.push({ ruleId: h.ruleId, start: offset + h.start, end: pending.text.length });
            if (h.end > cut + 1) spans.push({ ruleId: h.ruleId, start: 0, end: h.end - cut - 1 });
            // The key block runs to the end of what we could see: later lines may continue it.
            if (h.ruleId === 'private-key-block' && h.end - cut - 1 >= head.length && !KEY_FOOTER.test(joined.slice(h.start, h.end)))
              inKeyBlock = head.length === line.length;
          }
      }
      const out = pending ? [finish(pending, lineNo)] : [];
      pending = { text: line, spans };
      lineNo++;
      return out;
    },
    flush() {
      const out = pending ? [finish(pending, lineNo)] : [];
      pending = null;
      inKeyBlock = false;
      return out;
    },
    learned: matcher.learnedSpellings,
  };
}
