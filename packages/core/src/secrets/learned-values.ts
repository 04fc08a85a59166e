/**
 * Secrets the engine found, remembered for the rest of a stream so that each one is redacted wherever
 * it occurs again, as mask values are, and not only where a rule's context let it match. A token that
 * generic-api-key found after `api_key=` is as secret in the `curl` command five records later.
 */
import type { Hit } from './spans.js';

/**
 * Shorter values would be redacted inside ordinary words; a rule's secret is rarely this short. Only
 * printable ASCII without spaces is remembered: that is what tokens, keys and passwords are made of,
 * and it keeps key-block headers and joined multi-line matches out.
 */
const LEARNABLE = /^[\x21-\x7e]{8,1024}$/;
/** Markers we write and placeholders other sanitisers write are never secrets themselves. */
const SANITISED = /REDACTED/;
/** Bounds the filter's lists and the cost of a line (each spelling adds at most five grams). */
const MAX_SPELLINGS = 2000;
const ANCHOR = /[A-Za-z0-9]{4,}/g;
const ANCHOR_LENGTH = 8;
/**
 * A spelling whose anchor is at least this long is found through the gram filter (see GramFilter):
 * any occurrence of the anchor covers four consecutive start positions of its four-byte grams.
 */
const FILTERED_ANCHOR = 7;
/** The filter's bitmap: 2^18 bits (32 KiB) keeps a few percent of its bits set at MAX_SPELLINGS. */
const BITMAP_BITS = 18;

interface Spelling {
  text: string;
  ruleId: string;
}

/** One spelling of a learned value (the value, its JSON-escaped forms), as a stream hands it out at its end. */
export interface LearnedSpelling extends Spelling {
  fingerprint: string;
}

/** The longest run of letters and digits in `s`, at most ANCHOR_LENGTH long: what the filter looks for. */
function anchorOf(s: string): string | null {
  let best = '';
  for (const m of s.matchAll(ANCHOR)) if (m[0].length > best.length) best = m[0];
  return best ? best.slice(0, ANCHOR_LENGTH) : null;
}

/** The four bytes of `s` from `at` as one little-endian 32-bit word (what a Uint32Array reads). */
const gramAt = (s: string, at: number): number =>
  (s.charCodeAt(at) | (s.charCodeAt(at + 1) << 8) | (s.charCodeAt(at + 2) << 16) | (s.charCodeAt(at + 3) << 24)) >>> 0;
const slot = (word: number): number => Math.imul(word, 0x9e3779b1) >>> (32 - BITMAP_BITS);

/**
 * Finds which anchors (ASCII runs of 7 or 8 letters and digits) may occur in bytes by reading only one
 * aligned 32-bit word in four. An anchor of length L occurring at s holds the grams starting at s..s+L-4,
 * at least four consecutive positions, so one of them is a multiple of four: every gram of every anchor
 * is in the filter, and each word read is looked up in it (a bitmap first, then the exact word). A new
 * value is added in place, so nothing is ever rebuilt, and a line costs a quarter of a pass over it in
 * plain loads: the automata this replaces made two wasm passes a line plus rebuilds, most of the
 * redaction thread's time on a transcript that keeps yielding secrets.
 */
class GramFilter {
  private readonly bitmap = new Int32Array(1 << (BITMAP_BITS - 5));
  private readonly grams = new Map<number, number[]>();
  private readonly seen: number[] = [];
  private stamp = 0;

  add(anchor: string, member: number): void {
    for (let at = 0; at + 4 <= anchor.length; at++) {
      const word = gramAt(anchor, at);
      const h = slot(word);
      this.bitmap[h >>> 5]! |= 1 << (h & 31);
      const list = this.grams.get(word);
      if (!list) this.grams.set(word, [member]);
      else if (!list.includes(member)) list.push(member);
    }
  }

  /** The members whose anchor may occur in `bytes` (each once; a superset, checked by the caller). */
  candidates(bytes: Uint8Array, out: number[]): void {
    if (bytes.length < FILTERED_ANCHOR) return;
    this.stamp += 1;
    const stamp = this.stamp;
    // Aligned words of the underlying buffer: the first whole word at or after the start, the last
    // that ends at or before the end.
    const base = bytes.byteOffset;
    const first = (base + 3) >>> 2;
    const last = (base + bytes.length) >>> 2;
    const words = new Uint32Array(bytes.buffer, 0, last);
    const bitmap = this.bitmap;
    for (let i = first; i < last; i++) {
      const word = words[i]!;
      const h = Math.imul(word, 0x9e3779b1) >>> (32 - BITMAP_BITS);
      if ((bitmap[h >>> 5]! & (1 << (h & 31))) === 0) continue;
      const list = this.grams.get(word);
      if (!list) continue;
      for (const m of list) {
        if (this.seen[m] === stamp) continue;
        this.seen[m] = stamp;
        out.push(m);
      }
    }
  }
}

/**
 * Spellings with an anchor of 7 or 8 letters and digits (nearly every token, key and password) are
 * looked for through a gram filter over the line's bytes; the others, one by one.
 */
export class LearnedValues {
  private readonly known = new Set<string>();
  private readonly spellings: Spelling[] = [];
  private readonly filter = new GramFilter();
  private filtered = 0;
  /** Spellings without a long enough anchor: always searched one by one. */
  private readonly direct: number[] = [];
  /**
   * The last text looked at and what it held: one line is asked about two or three times in a row
   * (is it clean, where are the hits, the learned pass), and each ask would be a pass.
   */
  private lastText: string | undefined;
  private lastFound: Spelling[] = [];
  /** Some value learned holds a quote or a backslash, which JSON escapes (see plainInJson). */
  private escaped = false;

  /** `exclude`: spellings already searched for (the mask values). */
  constructor(
    private readonly spell: (value: string) => string[],
    private readonly exclude: ReadonlySet<string>,
  ) {}

  get size(): number {
    return this.spellings.length;
  }

  /** What this stream learned, every spelling of every value. */
  list(): Spelling[] {
    return this.spellings.map((s) => ({ ...s }));
  }

  /** A searcher for spellings a stream learned, for a pass over text that stream saw before it learned them. */
  static of(spellings: readonly Spelling[]): LearnedValues {
    const values = new LearnedValues((v) => [v], new Set());
    for (const s of spellings) values.push({ ruleId: s.ruleId, text: s.text });
    return values;
  }

  /** Remembers a secret; true when it was not known yet. */
  add(ruleId: string, value: string): boolean {
    if (!LEARNABLE.test(value) || SANITISED.test(value) || this.known.has(value) || this.exclude.has(value)) return false;
    if (this.spellings.length >= MAX_SPELLINGS) return false;
    this.known.add(value);
    if (/["\\]/.test(value)) this.escaped = true;
    for (const text of new Set(this.spell(value))) if (!this.exclude.has(text)) this.push({ ruleId, text });
    return true;
  }

  private push(spelling: Spelling): void {
    this.lastText = undefined;
    const i = this.spellings.length;
    this.spellings.push(spelling);
    const anchor = anchorOf(spelling.text);
    if (anchor && anchor.length >= FILTERED_ANCHOR) {
      this.filter.add(anchor, i);
      this.filtered += 1;
    } else this.direct.push(i);
  }

  /** The spellings that occur in `text` (`bytes`: its UTF-8 bytes, when the caller has them). */
  private present(text: string, bytes?: Uint8Array): Spelling[] {
    if (this.spellings.length === 0) return [];
    if (text === this.lastText) return this.lastFound;
    const out = this.search(text, bytes);
    this.lastText = text;
    this.lastFound = out;
    return out;
  }

  private search(text: string, bytes?: Uint8Array): Spelling[] {
    const out: Spelling[] = [];
    if (this.filtered > 0) {
      // The filter reads bytes: a text is given to it as Latin-1. A character above U+00FF becomes
      // some byte, which can only add candidates (each is checked in the text below); the anchors are
      // ASCII, and ASCII characters keep their bytes, so none is missed.
      const scanned = bytes ?? Buffer.from(text, 'latin1');
      const found: number[] = [];
      this.filter.candidates(scanned, found);
      for (const k of found.sort((a, b) => a - b)) {
        const s = this.spellings[k]!;
        if (text.includes(s.text)) out.push(s);
      }
    }
    for (const i of this.direct) if (text.includes(this.spellings[i]!.text)) out.push(this.spellings[i]!);
    return out;
  }

  /**
   * False when no learned spelling can occur in these bytes (a line read one character per byte): the
   * filter's pass over bytes, before anything is decoded. True means: look with holds().
   */
  mayHoldBytes(bytes: Uint8Array): boolean {
    if (this.spellings.length === 0) return false;
    if (this.direct.length > 0) return true;
    const found: number[] = [];
    this.filter.candidates(bytes, found);
    return found.length > 0;
  }

  /**
   * True when no value learned holds a quote or a backslash. Then a JSON text without `\u` or `\/`
   * escapes whose string literals, decoded, hold a learned spelling also holds it itself: JSON encodes
   * character by character, and encodes each of these values' characters as itself.
   */
  plainInJson(): boolean {
    return !this.escaped;
  }

  holds(text: string, bytes?: Uint8Array): boolean {
    return this.present(text, bytes).length > 0;
  }

  /** The learned spellings that occur in `text`. */
  presentIn(text: string): readonly Spelling[] {
    return this.present(text);
  }

  /** Every occurrence of every learned value in `text`; `among`: only of these spellings (the caller knows no other occurs). */
  hits(text: string, among?: readonly Spelling[]): Hit[] {
    const hits: Hit[] = [];
    for (const s of among ?? this.present(text))
      for (let i = text.indexOf(s.text); i >= 0; i = text.indexOf(s.text, i + s.text.length)) hits.push({ ruleId: s.ruleId, start: i, end: i + s.text.length });
    return hits;
  }
}
