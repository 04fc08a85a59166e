/**
 * Aho–Corasick over ASCII with case folded into the transition table, so one pass over a line (no
 * lowercase copy) tells which rules have a keyword in it. Most transcript lines hold none of the 240-odd
 * keywords except the very common ones, and then the expensive regexes never run.
 */
const ALPHABET = 128;

export class KeywordIndex {
  private readonly table: Int32Array;
  private readonly outputs: (Int32Array | null)[];
  private readonly seen: Int32Array;
  private generation = 0;

  constructor(keywordsByRule: readonly (readonly string[])[]) {
    const goto: Map<number, number>[] = [new Map()];
    const out: Set<number>[] = [new Set()];
    keywordsByRule.forEach((keywords, rule) => {
      for (const kw of keywords) {
        let s = 0;
        for (const ch of kw.toLowerCase()) {
          const c = ch.charCodeAt(0);
          if (c >= ALPHABET) throw new Error(`keyword ${JSON.stringify(kw)} is not ASCII`);
          let next = goto[s]!.get(c);
          if (next === undefined) {
            next = goto.length;
            goto.push(new Map());
            out.push(new Set());
            goto[s]!.set(c, next);
          }
          s = next;
        }
        out[s]!.add(rule);
      }
    });
    const n = goto.length;
    const table = new Int32Array(n * ALPHABET);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const next = goto[0]!.get(c);
      if (next !== undefined) {
        table[c] = next;
        queue.push(next);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      for (const r of out[fail[s]!]!) out[s]!.add(r);
      for (let c = 0; c < ALPHABET; c++) {
        const next = goto[s]!.get(c);
        if (next !== undefined) {
          fail[next] = table[fail[s]! * ALPHABET + c]!;
          table[s * ALPHABET + c] = next;
          queue.push(next);
        } else {
          table[s * ALPHABET + c] = table[fail[s]! * ALPHABET + c]!;
        }
      }
    }
    // Fold A–Z onto a–z after the automaton is complete so uppercase text follows lowercase edges.
    for (let s = 0; s < n; s++)
      for (let c = 65; c <= 90; c++) table[s * ALPHABET + c] = table[s * ALPHABET + c + 32]!;
    this.table = table;
    this.outputs = out.map((set) => (set.size ? Int32Array.from(set) : null));
    this.seen = new Int32Array(keywordsByRule.length);
  }

  /** Indices of the rules with at least one keyword in `text` (any case). */
  candidates(text: string): number[] {
    const gen = ++this.generation;
    const { table, outputs, seen } = this;
    const found: number[] = [];
    let s = 0;
    for (let i = 0, len = text.length; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c >= ALPHABET) {
        s = 0;
        continue;
      }
      s = table[s * ALPHABET + c]!;
      const o = outputs[s];
      if (o !== null && o !== undefined) {
        for (let k = 0; k < o.length; k++) {
          const r = o[k]!;
          if (seen[r] !== gen) {
            seen[r] = gen;
            found.push(r);
          }
        }
      }
    }
    return found;
  }
}
