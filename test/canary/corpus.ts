import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KNOWN_UNDETECTABLE } from '../../scripts/bench/secrets-corpus.js';
import { conformanceDir } from '../conformance-data.js';
import { labelledSecrets } from './labelled-secrets.js';

/** The shape `labelledSecrets(conformanceDir('secrets'))` returns; `context` is what this loader adds. */
export interface LabelledSecret {
  id: string;
  value: string;
  source: string;
  /** Why no sound rule can report it; such a secret is planted but its leak is not a failure. */
  undetectable?: string;
  /**
   * The whole source line(s) around the value. A value such as `123456789a1234` is only a secret
   * beside its `password =`, so the plant writes what an agent would really see or write.
   */
  context?: string;
}

/**
 * detect-secrets labels made by its heuristics (hex/base64 entropy, keyword) that are not credentials
 * or carry no marker any rule could key on. Reasons are stated so docs/benchmarks.md can list them.
 */
const DETECT_SECRETS_UNDETECTABLE: Record<string, string> = {
  'detect-secrets/config.yaml:3':
    '`other_value_here: 1234567890a` — an 11-character digit run under a neutral key; only an entropy heuristic with no context reports it, and that heuristic flags every hex-looking id',
  'detect-secrets/config.yaml:13#!!binary': "detect-secrets' KeywordDetector reports the YAML tag `!!binary` itself: syntax, not a credential",
  'detect-secrets/sample.diff:10': '`"012345678a"` is a string literal in Python slicing code; nothing marks it as a credential',
  'detect-secrets/sample.diff:34': 'a quoted 32-hex literal in test code with no key or prefix; indistinguishable from an md5/uuid id',
  'detect-secrets/short_files/last_line.ini:5':
    'a continuation line of a multi-line INI value: the key that names it a secret is three lines up, and the value is a 15-character hex-like run',
  'detect-secrets/short_files/middle_line.yml:4':
    'an English pangram under `secure:` (a Travis encrypted-value key, public by design); nothing tells it from prose',
  'detect-secrets/sample.diff:72': 'the value of `"hashed_secret"` in a baseline: a sha1 digest of a secret, published on purpose, not a credential',
};

interface LabelLine {
  case: string;
  label: 'secret' | 'clean';
  input_file: string;
  expected: Array<{ range: [number, number] }>;
}

/** Whole lines that hold [start, end) — the text a `cat` of the file would show around the value. */
function linesAround(text: string, start: number, end: number): string {
  const from = text.lastIndexOf('\n', start - 1) + 1;
  let to = text.indexOf('\n', Math.max(end - 1, start));
  if (to === -1) to = text.length;
  return text.slice(from, to).replace(/\r$/, '');
}

function secretlintSecrets(dir: string): LabelledSecret[] {
  const out: LabelledSecret[] = [];
  const labels = readFileSync(path.join(dir, 'labels.jsonl'), 'utf8').split('\n').filter(Boolean);
  for (const raw of labels) {
    const c = JSON.parse(raw) as LabelLine;
    if (c.label !== 'secret') continue;
    // String offsets are UTF-16 units, as the ranges are.
    const text = readFileSync(path.join(dir, c.input_file), 'utf8');
    c.expected.forEach((e, i) => {
      const [start, end] = e.range;
      const undetectable = KNOWN_UNDETECTABLE[c.case];
      out.push({
        id: `${c.case}#${i}`,
        value: text.slice(start, end),
        source: `secretlint-preset-recommend/${c.input_file}@${start}-${end}`,
        context: linesAround(text, start, end),
        ...(undetectable ? { undetectable } : {}),
      });
    });
  }
  return out;
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** The longest substring of `line` whose sha1 is `hash` (detect-secrets hashes the bare value). */
function unhash(line: string, hash: string): string | undefined {
  for (let length = line.length; length > 0; length--) {
    for (let i = 0; i + length <= line.length; i++) {
      if (sha1(line.slice(i, i + length)) === hash) return line.slice(i, i + length);
    }
  }
  return undefined;
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/;

function detectSecretsSecrets(dir: string): LabelledSecret[] {
  const baseline = JSON.parse(readFileSync(path.join(dir, 'baseline.json'), 'utf8')) as {
    results: Record<string, Array<{ hashed_secret: string; line_number: number; type: string }>>;
  };
  const out: LabelledSecret[] = [];
  for (const [file, findings] of Object.entries(baseline.results)) {
    const full = path.join(dir, file);
    // The baseline also names upstream .py files that were not copied (they are code).
    if (!existsSync(full)) continue;
    const text = readFileSync(full, 'utf8');
    const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
    for (const f of findings) {
      // The baseline predates some edits to its test files: fall back to any line of the file.
      const candidates = [f.line_number - 1, ...lines.keys()].filter((n) => n >= 0 && n < lines.length);
      let value: string | undefined;
      let lineIndex = -1;
      for (const n of candidates) {
        value = unhash(lines[n]!, f.hashed_secret);
        if (value !== undefined) {
          lineIndex = n;
          break;
        }
      }
      if (value === undefined) continue;
      let context = lines[lineIndex]!;
      // PrivateKeyDetector hashes the header line; the credential is the whole block.
      if (f.type === 'Private Key') {
        const block = PEM_BLOCK.exec(text);
        if (block) value = context = block[0];
      }
      let id = `detect-secrets/${file}:${lineIndex + 1}`;
      if (value === '!!binary') id += '#!!binary';
      const undetectable = DETECT_SECRETS_UNDETECTABLE[id];
      out.push({ id, value, source: `detect-secrets/${file}:${lineIndex + 1} (${f.type})`, context, ...(undetectable ? { undetectable } : {}) });
    }
  }
  return out;
}

/**
 * The canary's own loader, written before the shared `labelledSecrets` existed; same shape. Its
 * `undetectable` marks only labels no sound rule could report, where the shared one marks what the
 * engine is measured to miss.
 */
export function loadLabelledSecrets(secretsDir: string): LabelledSecret[] {
  return [...secretlintSecrets(path.join(secretsDir, 'secretlint-preset-recommend')), ...detectSecretsSecrets(path.join(secretsDir, 'detect-secrets'))];
}

/**
 * One plant per value: detect-secrets labels one value under several types, and corpora repeat tokens.
 * A value counts as detectable when any of its labels says so.
 */
function distinct(secrets: readonly LabelledSecret[]): LabelledSecret[] {
  const byValue = new Map<string, LabelledSecret>();
  for (const s of secrets) {
    const seen = byValue.get(s.value);
    if (!seen || (seen.undetectable && !s.undetectable)) byValue.set(s.value, s);
  }
  return [...byValue.values()];
}

// The one line that picks the loader (shared: labelled-secrets.ts; own: loadLabelledSecrets).
export const canarySecrets = (): LabelledSecret[] => distinct(labelledSecrets(conformanceDir('secrets')));
