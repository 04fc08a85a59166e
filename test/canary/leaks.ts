import type { PlantedTranscript } from './plant.js';

/** How a secret can be spelled in a channel once it has gone through zero, one or two JSON encodings. */
export type Spelling = 'verbatim' | 'json-escaped' | 'json-escaped twice' | 'PEM body line';

export interface Needle {
  spelling: Spelling;
  text: string;
}

const escape = (s: string): string => JSON.stringify(s).slice(1, -1);

/** A private key leaks just as much when only some of its lines survive a partial redaction. */
const MIN_PEM_LINE = 16;
// The END line is left open: the GCP corpus key ends in `-----END PRIVATE KEY----` (four dashes).
const PEM = /-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END /g;

export function needlesFor(value: string): Needle[] {
  const needles: Needle[] = [{ spelling: 'verbatim', text: value }];
  const once = escape(value);
  if (once !== value) needles.push({ spelling: 'json-escaped', text: once });
  const twice = escape(once);
  if (twice !== once) needles.push({ spelling: 'json-escaped twice', text: twice });
  const body = new Set<string>();
  for (const m of value.matchAll(PEM)) {
    // Keys already stored inside JSON (GCP service accounts) separate lines with a literal `\n`.
    for (const line of m[1]!.split(/\r?\n|\\n/)) {
      const t = line.trim();
      if (t.length >= MIN_PEM_LINE && !t.includes(':')) body.add(t);
    }
  }
  for (const text of body) needles.push({ spelling: 'PEM body line', text });
  return needles;
}

export interface Hit {
  spelling: Spelling;
  /** 1-based line of the channel text where the needle starts. */
  line: number;
  index: number;
}

/** JSON paths (`$.a[0].b`) of every string in `value` that contains one of `texts`. */
export function jsonPathsHolding(value: unknown, texts: readonly string[], at = '$'): string[] {
  if (typeof value === 'string') return texts.some((t) => value.includes(t)) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => jsonPathsHolding(v, texts, `${at}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => jsonPathsHolding(v, texts, /^[A-Za-z_$][\w$]*$/.test(k) ? `${at}.${k}` : `${at}[${JSON.stringify(k)}]`));
  }
  return [];
}

export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** 1-based line of an index, by binary search over line starts computed once per text. */
export class Lines {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  lineOf(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  get count(): number {
    return this.starts.length;
  }
  line(n: number): string {
    return this.text.slice(this.starts[n - 1], (this.starts[n] ?? this.text.length + 1) - 1);
  }
}

/**
 * Where a needle sits in `text`, skipping places where it is only part of a longer planted secret
 * (`23456789a1` inside `123456789a1234`): that is the longer secret's leak, reported under its own id.
 */
export function findHits(text: string, needles: readonly Needle[], containers: readonly Needle[] = [], lines = new Lines(text)): Hit[] {
  const covered: Array<[number, number]> = [];
  for (const c of containers) {
    for (let i = text.indexOf(c.text); i !== -1; i = text.indexOf(c.text, i + 1)) covered.push([i, i + c.text.length]);
  }
  const hits: Hit[] = [];
  for (const n of needles) {
    for (let i = text.indexOf(n.text); i !== -1; i = text.indexOf(n.text, i + 1)) {
      if (covered.some(([a, b]) => i >= a && i + n.text.length <= b)) continue;
      hits.push({ spelling: n.spelling, index: i, line: lines.lineOf(i) });
    }
  }
  return hits;
}

/** Needles of the other secrets whose value contains this one. */
export function containersOf(value: string, all: readonly { value: string }[]): Needle[] {
  return all.filter((o) => o.value !== value && o.value.includes(value)).flatMap((o) => needlesFor(o.value));
}

const SINGLE_DOCUMENT = new Set(['openai-chat', 'openai-responses', 'anthropic-messages']);

/**
 * Names the places of `hits` in a transcript shaped like the plant `p` (the source, or its stored
 * copy: redaction keeps every record on its line). Positions come from the plant; JSON paths from the
 * text itself, so a leak names the exact field.
 */
export function placesOf(p: PlantedTranscript, lines: Lines, hits: readonly Hit[], needles: readonly Needle[]): string[] {
  const texts = needles.map((n) => n.text);
  const places = new Set<string>();
  if (SINGLE_DOCUMENT.has(p.format)) {
    const doc = tryJson(lines.text);
    const paths = doc === undefined ? [] : jsonPathsHolding(doc, texts);
    for (const at of paths) places.add(`${p.describe(1, at) ?? 'unplanted place'} at ${at}`);
    if (places.size === 0 && hits.length > 0) places.add('document (not parseable after redaction)');
    return [...places];
  }
  for (const hit of hits) {
    const where = p.describe(hit.line) ?? 'unplanted place';
    const record = p.format === 'aider' || p.format === 'claude-code-action' ? undefined : tryJson(lines.line(hit.line));
    const paths = record === undefined ? [''] : jsonPathsHolding(record, texts).map((at) => ` ${at}`);
    for (const at of paths.length > 0 ? paths : ['']) places.add(`${where}, line ${hit.line}${at}`);
  }
  return [...places];
}

/** The position names alone (`tool-input`, …) of `placesOf`. */
export const positionsOf = (places: readonly string[]): Set<string> => new Set(places.map((s) => s.split(' ')[0]!));
