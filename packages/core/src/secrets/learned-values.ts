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
/** Bounds the automaton (16 states a spelling, under the index's 32,767) and the cost of a line. */
const MAX_SPELLINGS = 2000;
/** Up to this many spellings are looked for one by one (native search); more go through an automaton. */
const DIRECT_SEARCH = 8;
const REBUILD_EVERY = 64;
const ANCHOR = /[A-Za-z0-9]{4,}/g;
const ANCHOR_LENGTH = 16;

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

export class LearnedValues {
  private readonly known = new Set<string>();
  private readonly spellings: Spelling[] = [];
  private index: KeywordIndex | null = null;
  /** Spellings in the automaton, by keyword list; the others are searched one by one. */
  private anchored: number[] = [];
  private unanchored: number[] = [];
  /** Spellings before this one are in the automaton (or in `unanchored`). */
  private built = 0;
  private sinceBuild = 0;

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
    for (const s of spellings) values.spellings.push({ ruleId: s.ruleId, text: s.text });
    return values;
  }

  /** Remembers a secret; true when it was not known yet. */
  add(ruleId: string, value: string): boolean {
    if (!LEARNABLE.test(value) || SANITISED.test(value) || this.known.has(value) || this.exclude.has(value)) return false;
    if (this.spellings.length >= MAX_SPELLINGS) return false;
    this.known.add(value);
    for (const text of new Set(this.spell(value))) if (!this.exclude.has(text)) this.spellings.push({ ruleId, text });
    return true;
  }

  private rebuild(): void {
    this.built = this.spellings.length;
    this.sinceBuild = 0;
    this.anchored = [];
    this.unanchored = [];
    const lists: string[][] = [];
    this.spellings.forEach((s, i) => {
      const anchor = anchorOf(s.text);
      if (anchor) {
        lists.push([anchor]);
        this.anchored.push(i);
      } else this.unanchored.push(i);
    });
    this.index = lists.length ? new KeywordIndex(lists) : null;
  }

  /** The spellings that occur in `text` (`bytes`: its UTF-8 bytes, when the caller has them). */
  private present(text: string, bytes?: Uint8Array): Spelling[] {
    const out: Spelling[] = [];
    if (this.spellings.length === 0) return out;
    // Values learned since the last build are searched one by one until there are more than a few;
    // the automaton is then rebuilt, but not more often than every REBUILD_EVERY texts, so a
    // transcript with a new secret in every record does not rebuild it for each one.
    this.sinceBuild += 1;
    if (this.spellings.length - this.built > DIRECT_SEARCH && this.sinceBuild >= REBUILD_EVERY) this.rebuild();
    if (this.index) {
      for (const k of bytes ? this.index.candidatesInBytes(bytes) : this.index.candidates(text)) {
        const s = this.spellings[this.anchored[k]!]!;
        if (text.includes(s.text)) out.push(s);
      }
    }
    for (const i of this.unanchored) if (text.includes(this.spellings[i]!.text)) out.push(this.spellings[i]!);
    for (let i = this.built; i < this.spellings.length; i++) if (text.includes(this.spellings[i]!.text)) out.push(this.spellings[i]!);
    return out;
  }

  holds(text: string, bytes?: Uint8Array): boolean {
    return this.present(text, bytes).length > 0;
  }

  /** Every occurrence of every learned value in `text`. */
  hits(text: string): Hit[] {
    const hits: Hit[] = [];
    for (const s of this.present(text))
      for (let i = text.indexOf(s.text); i >= 0; i = text.indexOf(s.text, i + s.text.length)) hits.push({ ruleId: s.ruleId, start: i, end: i + s.text.length });
    return hits;
  }
}
