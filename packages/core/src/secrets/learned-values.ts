/**
 * Secrets the engine found, remembered for the rest of a stream so that each one is redacted wherever
 * it occurs again, as mask values are, and not only where a rule's context let it match. A token that
 * generic-api-key found after `api_key=` is as secret in the `curl` command five records later.
 */
import { KeywordIndex } from './keyword-index.js';
import type { Hit } from './spans.js';

/**
 * Shorter values would be redacted inside ordinary words; a rule's secret is rarely this short. Only
 * printable ASCII without spaces is remembered: that is what tokens, keys and passwords are made of,
 * and it keeps key-block headers and joined multi-line matches out.
 */
const LEARNABLE = /^[\x21-\x7e]{8,1024}$/;
/** Markers we write and placeholders other sanitisers write are never secrets themselves. */
const SANITISED = /REDACTED/;
/** Bounds the automaton (8 states a spelling, under the index's 32,767) and the cost of a line. */
const MAX_SPELLINGS = 2000;
/** Up to this many spellings are looked for one by one (native search); more go through an automaton. */
const DIRECT_SEARCH = 8;
const ANCHOR = /[A-Za-z0-9]{4,}/g;
const ANCHOR_LENGTH = 8;

interface Spelling {
  text: string;
  ruleId: string;
}

/** One spelling of a learned value (the value, its JSON-escaped forms), as a stream hands it out at its end. */
export interface LearnedSpelling extends Spelling {
  fingerprint: string;
}

/** The longest run of letters and digits in `s`, at most ANCHOR_LENGTH long: what the automaton looks for. */
function anchorOf(s: string): string | null {
  let best = '';
  for (const m of s.matchAll(ANCHOR)) if (m[0].length > best.length) best = m[0];
  return best ? best.slice(0, ANCHOR_LENGTH) : null;
}

/** Spellings found by one automaton: its anchors' lists are the spellings' indexes in `members` order. */
interface Level {
  index: KeywordIndex;
  members: number[];
}

/**
 * Spellings are looked for through two automata over their anchors and a short list searched one by
 * one. New spellings wait in the list; past DIRECT_SEARCH they are built into the small automaton
 * (`recent`), and once that holds as many as the large one (`base`), the two are built into one. A
 * transcript that keeps yielding new secrets (a credential every few records) then costs a rebuild of
 * the large automaton only each time it doubles, and every line at most two automaton passes: rebuilding
 * one automaton of everything every few lines made such a transcript four times slower.
 */
export class LearnedValues {
  private readonly known = new Set<string>();
  private readonly spellings: Spelling[] = [];
  private base: Level | null = null;
  private recent: Level | null = null;
  /** Spellings with an anchor in neither automaton yet, searched one by one. */
  private pending: number[] = [];
  /** Spellings without an anchor (no run of four letters or digits): always searched one by one. */
  private readonly unanchored: number[] = [];
  private readonly anchors: (string | null)[] = [];
  /**
   * The last text looked at and what it held: one line is asked about two or three times in a row
   * (is it clean, where are the hits, the learned pass), and each ask would be an automaton pass.
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
    this.anchors.push(anchor);
    if (anchor) this.pending.push(i);
    else this.unanchored.push(i);
  }

  private level(members: number[]): Level {
    return { index: new KeywordIndex(members.map((i) => [this.anchors[i]!])), members };
  }

  /** Moves waiting spellings into the automata once there are more than a few (see the class comment). */
  private settle(): void {
    if (this.pending.length <= DIRECT_SEARCH) return;
    const recent = [...(this.recent?.members ?? []), ...this.pending];
    this.pending = [];
    if (recent.length >= (this.base?.members.length ?? 0)) {
      this.base = this.level([...(this.base?.members ?? []), ...recent]);
      this.recent = null;
    } else this.recent = this.level(recent);
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
    this.settle();
    // The automata run fastest over bytes (wasm): a long text is given to them as Latin-1. A character
    // above U+00FF becomes some byte, which can only add candidates (each is checked in the text
    // below); the anchors are ASCII, and ASCII characters keep their bytes, so none is missed.
    const scanned = bytes ?? (text.length >= 256 && (this.base || this.recent) ? Buffer.from(text, 'latin1') : undefined);
    for (const level of [this.base, this.recent]) {
      if (!level) continue;
      for (const k of scanned ? level.index.candidatesInBytes(scanned) : level.index.candidates(text)) {
        const s = this.spellings[level.members[k]!]!;
        if (text.includes(s.text)) out.push(s);
      }
    }
    for (const i of this.unanchored) if (text.includes(this.spellings[i]!.text)) out.push(this.spellings[i]!);
    for (const i of this.pending) if (text.includes(this.spellings[i]!.text)) out.push(this.spellings[i]!);
    return out;
  }

  /**
   * False when no learned spelling can occur in these bytes (a line read one character per byte): the
   * automata's pass over bytes, before anything is decoded. True means: look with holds().
   */
  mayHoldBytes(bytes: Uint8Array): boolean {
    if (this.spellings.length === 0) return false;
    this.settle();
    if (this.unanchored.length > 0 || this.pending.length > 0) return true;
    for (const level of [this.base, this.recent]) if (level && level.index.candidatesInBytes(bytes).length > 0) return true;
    return false;
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
