/**
 * Aho–Corasick over ASCII with case folded in, so one pass over a line tells which rules have a
 * keyword in it; rules whose keywords are all absent never run their regexes.
 *
 * This pass touches every byte of a transcript, so it is the engine's hottest loop. Two choices keep it
 * near the floor of what a JavaScript loop can do:
 *  - bytes map first to a small alphabet (the ~45 characters keywords use; everything else is one
 *    class), so the transition table is states × 45 16-bit entries and stays in cache;
 *  - a transition's high bit says "this state ends a keyword", so the common case is one load.
 * It runs over UTF-8 bytes when the caller has them (about twice as fast as `charCodeAt`); a
 * non-ASCII byte or character is "other" either way, and keywords are ASCII, so both give the same sets.
 */
import { KEYWORD_SCAN_WASM } from './wasm/keyword-scan.generated.js';

const OUTPUT = 0x8000;
/** The wasm scanner addresses the table as `(state << 6) | class`: 64 columns per state. */
const COLUMNS = 64;
/** The walks the wasm scanner steps together, each over a quarter of the input with a `seen` area of its own. */
const SEGMENTS = 4;
/** Inputs shorter than this stay in JavaScript: copying them into wasm memory costs more than it saves. */
const WASM_MIN_INPUT = 256;
/**
 * Strings longer than this stay in JavaScript too: wasm memory is sized for three UTF-8 bytes a
 * character and never shrinks, so one huge string would keep three times its size for the rest of the
 * run (an 8 Mi-character string takes about 0.1 s in the loop).
 */
const WASM_MAX_TEXT = 8 << 20;

interface WasmScanner {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  scan(input: number, length: number, table: number, out: number, cap: number, overlap: number, seen: number, stride: number, gen: number): number;
}

// The project's TypeScript libs leave out the WebAssembly globals; this is the part used here.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** Compiled once per process: the module is a few hundred bytes and compiles in well under 1 ms. */
let wasmModule: object | null | undefined;
function keywordScanModule(): object | null {
  if (wasmModule === undefined) {
    try {
      wasmModule = wasmApi ? new wasmApi.Module(Buffer.from(KEYWORD_SCAN_WASM, 'base64')) : null;
    } catch {
      wasmModule = null; // no WebAssembly (a locked-down runtime): the JavaScript loop does the same job
    }
  }
  return wasmModule ?? null;
}

/** A built automaton as plain data, so a build step can do the construction once (see matching.ts). */
export interface KeywordIndexSnapshot {
  signature: string;
  classes: string;
  table: string;
  outputs: (number[] | null)[];
  overlap: number;
  rules: number;
}

/** Identifies a keyword set: a snapshot built for another set must not be used. */
export function keywordSignature(keywordsByRule: readonly (readonly string[])[]): string {
  return keywordsByRule.map((keywords) => keywords.join('\u0001')).join('\u0002');
}

export class KeywordIndex {
  private readonly classes = new Uint8Array(256);
  private readonly classCount: number;
  /** The longest keyword less one: how far the wasm scanner's segments overlap. */
  private readonly overlap: number;
  private readonly table: Uint16Array;
  private readonly outputs: (Int32Array | null)[];
  private readonly seen: Int32Array;
  private generation = 0;

  constructor(keywordsByRule: readonly (readonly string[])[], snapshot?: KeywordIndexSnapshot) {
    if (snapshot) {
      this.classes.set(Buffer.from(snapshot.classes, 'base64'));
      this.classCount = COLUMNS;
      this.overlap = snapshot.overlap;
      const bytes = Buffer.from(snapshot.table, 'base64');
      this.table = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      this.outputs = snapshot.outputs.map((rules) => (rules ? Int32Array.from(rules) : null));
      this.seen = new Int32Array(snapshot.rules);
      return;
    }
    let classCount = 1;
    let longest = 1;
    for (const keywords of keywordsByRule) for (const kw of keywords) longest = Math.max(longest, kw.length);
    this.overlap = longest - 1;
    for (const keywords of keywordsByRule)
      for (const kw of keywords)
        for (const ch of kw.toLowerCase()) {
          const c = ch.charCodeAt(0);
          if (c >= 128) throw new Error(`keyword ${JSON.stringify(kw)} is not ASCII`);
          if (this.classes[c] === 0) this.classes[c] = classCount++;
        }
    for (let c = 65; c <= 90; c++) if (this.classes[c + 32]) this.classes[c] = this.classes[c + 32]!;
    if (classCount > COLUMNS) throw new Error(`keywords use ${classCount} distinct characters; at most ${COLUMNS} fit`);
    // Padded to 64 columns so the JavaScript loop and the wasm scanner share one table layout.
    this.classCount = COLUMNS;

    // Trie over classes, then breadth-first failure links folded into a full transition table. Flat
    // typed arrays throughout: the learned values (learned-values.ts) build automata of thousands of
    // states again and again while a transcript streams, and an array per state made that a tenth of
    // the redaction thread's time.
    const columns = COLUMNS;
    let bound = 1;
    for (const keywords of keywordsByRule) for (const kw of keywords) bound += kw.length;
    const children = new Int32Array(bound * classCount).fill(-1);
    const out: number[][] = [[]];
    let n = 1;
    keywordsByRule.forEach((keywords, rule) => {
      for (const kw of keywords) {
        let s = 0;
        for (const ch of kw.toLowerCase()) {
          const k = this.classes[ch.charCodeAt(0)]!;
          let next = children[s * classCount + k]!;
          if (next < 0) {
            next = n++;
            out.push([]);
            children[s * classCount + k] = next;
          }
          s = next;
        }
        if (!out[s]!.includes(rule)) out[s]!.push(rule);
      }
    });
    if (n >= OUTPUT) throw new Error(`keyword automaton has ${n} states; at most ${OUTPUT - 1} fit`);
    const table = new Uint16Array(n * columns);
    const fail = new Int32Array(n);
    const queue = new Int32Array(n);
    let tail = 0;
    for (let k = 1; k < classCount; k++) {
      const next = children[k]!;
      if (next >= 0) {
        table[k] = next;
        queue[tail++] = next;
      }
    }
    for (let qi = 0; qi < tail; qi++) {
      const s = queue[qi]!;
      const inherited = out[fail[s]!]!;
      if (inherited.length) {
        const own = out[s]!;
        for (const r of inherited) if (!own.includes(r)) own.push(r);
      }
      const row = s * columns;
      const failRow = fail[s]! * columns;
      const childRow = s * classCount;
      for (let k = 1; k < classCount; k++) {
        const next = children[childRow + k]!;
        if (next >= 0) {
          fail[next] = table[failRow + k]!;
          table[row + k] = next;
          queue[tail++] = next;
        } else {
          table[row + k] = table[failRow + k]!;
        }
      }
    }
    const ends = new Uint8Array(n);
    for (let st = 0; st < n; st++) if (out[st]!.length) ends[st] = 1;
    for (let i = 0; i < table.length; i++) if (ends[table[i]!]) table[i] = table[i]! | OUTPUT;
    this.table = table;
    this.outputs = out.map((rules) => (rules.length ? Int32Array.from(rules) : null));
    this.seen = new Int32Array(keywordsByRule.length);
  }

  toSnapshot(keywordsByRule: readonly (readonly string[])[]): KeywordIndexSnapshot {
    return {
      signature: keywordSignature(keywordsByRule),
      classes: Buffer.from(this.classes).toString('base64'),
      table: Buffer.from(this.table.buffer, this.table.byteOffset, this.table.byteLength).toString('base64'),
      outputs: this.outputs.map((rules) => (rules ? [...rules] : null)),
      overlap: this.overlap,
      rules: this.seen.length,
    };
  }

  private collect(state: number, gen: number, found: number[]): void {
    const o = this.outputs[state]!;
    for (let k = 0; k < o.length; k++) {
      const r = o[k]!;
      if (this.seen[r] !== gen) {
        this.seen[r] = gen;
        found.push(r);
      }
    }
  }

  /**
   * Indices of the rules with at least one keyword in `text` (any case), in the order of their first
   * keyword in the text. That order decides which rule names a value two rules find at the same place
   * (mergeHits keeps the first). A long text goes through the wasm scanner as UTF-8, which gives the
   * same rules in the same order (see scanInMemory); a short one goes through candidatesJs, where no
   * copy into wasm memory is made.
   */
  candidates(text: string): number[] {
    // UTF-8 takes at most three bytes for each UTF-16 code unit.
    const wasm = text.length >= WASM_MIN_INPUT && text.length <= WASM_MAX_TEXT ? this.scanner(3 * text.length) : null;
    if (wasm) {
      const write = () => this.memoryBytes(this.wasm!).write(text, this.wasmLayout.input, this.wasmLayout.inputCap, 'utf8');
      return this.scanInMemory(write(), write);
    }
    return this.candidatesJs(text);
  }

  /** The JavaScript loop over a string's characters: what the wasm scanner must agree with, in order too. */
  candidatesJs(text: string): number[] {
    const gen = ++this.generation;
    const { table, classes, classCount } = this;
    const found: number[] = [];
    let s = 0;
    for (let i = 0, len = text.length; i < len; i++) {
      const c = text.charCodeAt(i);
      const v = table[s * classCount + (c < 128 ? classes[c]! : 0)]!;
      if (v & OUTPUT) {
        s = v & ~OUTPUT;
        this.collect(s, gen, found);
      } else s = v;
    }
    return found;
  }

  private wasm: WasmScanner | null | undefined;
  // Views of the wasm memory, made again only when it grows: a view a call was most of the garbage a
  // line made, and this runs several times a line.
  private bytesView: Buffer | null = null;
  private wordsView: Int32Array | null = null;

  /** The wasm memory as bytes: a Buffer, so a string is written into it as UTF-8 without a copy first. */
  private memoryBytes(wasm: WasmScanner): Buffer {
    if (!this.bytesView || this.bytesView.buffer !== wasm.memory.buffer) this.bytesView = Buffer.from(wasm.memory.buffer);
    return this.bytesView;
  }

  private memoryWords(wasm: WasmScanner): Int32Array {
    if (!this.wordsView || this.wordsView.buffer !== wasm.memory.buffer) this.wordsView = new Int32Array(wasm.memory.buffer);
    return this.wordsView;
  }
  private wasmLayout = { table: 0, input: 0, inputCap: 0, out: 0, outCap: 0, seen: 0 };
  /** scanInMemory's segment of each recorded pair, reused from scan to scan. */
  private segments = new Uint8Array(256);
  /** The wasm scan's number (see keyword-scan.wat's `$seen`): never 0, the value of a state no scan recorded. */
  private wasmGen = 0;

  private scanner(minInput: number): WasmScanner | null {
    if (this.wasm === undefined) {
      const module = keywordScanModule();
      this.wasm = module && wasmApi ? (new wasmApi.Instance(module, {}).exports as WasmScanner) : null;
      if (this.wasm) {
        const bytes = new Uint8Array(this.wasm.memory.buffer);
        bytes.set(this.classes, 0);
        this.wasmLayout.table = 256;
      }
    }
    const wasm = this.wasm;
    if (!wasm) return null;
    const layout = this.wasmLayout;
    if (layout.inputCap < minInput) {
      layout.inputCap = Math.max(minInput, 1 << 16);
      layout.outCap = Math.max(1024, layout.inputCap >> 4);
      layout.input = (layout.table + this.table.byteLength + 7) & ~7;
      layout.out = (layout.input + layout.inputCap + 7) & ~7;
      layout.seen = layout.out + layout.outCap * 8;
      const states = this.outputs.length;
      const needed = layout.seen + SEGMENTS * states * 4;
      const have = wasm.memory.buffer.byteLength;
      if (needed > have) wasm.memory.grow(Math.ceil((needed - have) / 65536));
      new Uint16Array(wasm.memory.buffer, layout.table, this.table.length).set(this.table);
      // The area moved over what was input or output before: no state recorded by any scan yet.
      new Uint32Array(wasm.memory.buffer, layout.seen, SEGMENTS * states).fill(0);
      this.wasmGen = 0;
    }
    return wasm;
  }

  /**
   * The same for UTF-8 bytes `[start, end)` of a buffer. Long inputs go through the wasm scanner
   * (about five times the speed of the JavaScript loop); short ones stay in JavaScript, where the
   * copy into wasm memory would cost more than it saves.
   */
  candidatesInBytes(bytes: Uint8Array, start = 0, end = bytes.length): number[] {
    const length = end - start;
    const wasm = length >= WASM_MIN_INPUT ? this.scanner(length) : null;
    if (wasm) {
      const input = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
      const write = () => {
        this.memoryBytes(this.wasm!).set(input, this.wasmLayout.input);
        return length;
      };
      return this.scanInMemory(write(), write);
    }
    return this.candidatesInBytesJs(bytes, start, end);
  }

  /**
   * Scans the `length` bytes at the wasm input area and gives the rules in the order a single walk
   * meets them. Each of the scanner's four segments records the states it enters in increasing order
   * of offset, over a range of offsets of its own (segment k of an input cut in quarters of `quarter`
   * bytes records offsets in [k * quarter, (k + 1) * quarter), the last one to the end), so taking the
   * pairs segment by segment, each in the order recorded, takes them by offset. `rewrite` puts the
   * input in memory again when the scanner had to grow for more pairs than it had room for.
   */
  private scanInMemory(length: number, rewrite: () => number): number[] {
    const layout = this.wasmLayout;
    const stride = this.outputs.length * 4;
    let wasm = this.wasm!;
    let hits = wasm.scan(layout.input, length, layout.table, layout.out, layout.outCap, this.overlap, layout.seen, stride, this.nextScan());
    if (hits > layout.outCap) {
      // More keyword-ending states than room (a keyword set of thousands): make room for all and scan again.
      const room = Math.max(layout.inputCap, hits * 16);
      layout.inputCap = 0;
      wasm = this.scanner(room)!;
      rewrite();
      hits = wasm.scan(layout.input, length, layout.table, layout.out, layout.outCap, this.overlap, layout.seen, stride, this.nextScan());
    }
    const gen = ++this.generation;
    const found: number[] = [];
    const words = this.memoryWords(wasm);
    const base = layout.out >> 2;
    const quarter = length >> 2;
    // One walk (a short input): the pairs are in order already.
    if (quarter < this.overlap + 64 || hits <= 1) {
      for (let h = 0; h < hits; h++) this.collect(words[base + h * 2 + 1]!, gen, found);
      return found;
    }
    // Each pair's segment worked out once, not in each pass: worked out four times, this loop was about
    // 4 % of a scan of the bench's added text.
    if (this.segments.length < hits) this.segments = new Uint8Array(Math.max(hits, 2 * this.segments.length));
    const segments = this.segments;
    for (let h = 0; h < hits; h++) segments[h] = Math.min(SEGMENTS - 1, Math.floor(words[base + h * 2]! / quarter));
    for (let segment = 0; segment < SEGMENTS; segment++) {
      for (let h = 0; h < hits; h++) if (segments[h] === segment) this.collect(words[base + h * 2 + 1]!, gen, found);
    }
    return found;
  }

  /** The next wasm scan's number: after 2^32 - 1 scans, back to 1 with every state's number cleared. */
  private nextScan(): number {
    if (this.wasmGen === 0xffffffff) {
      new Uint32Array(this.wasm!.memory.buffer, this.wasmLayout.seen, SEGMENTS * this.outputs.length).fill(0);
      this.wasmGen = 0;
    }
    return ++this.wasmGen;
  }

  private candidatesInBytesJs(bytes: Uint8Array, start: number, end: number): number[] {
    const gen = ++this.generation;
    const { table, classes, classCount } = this;
    const found: number[] = [];
    let s = 0;
    for (let i = start; i < end; i++) {
      const v = table[s * classCount + classes[bytes[i]!]!]!;
      if (v & OUTPUT) {
        s = v & ~OUTPUT;
        this.collect(s, gen, found);
      } else s = v;
    }
    return found;
  }
}
