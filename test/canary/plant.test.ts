import { expect, it } from 'vitest';
import { DETECT_HEAD_BYTES, detectFormat, readTranscript } from '../../packages/core/src/transcript/index.js';
import { describeWithConformance } from '../conformance-data.js';
import { canarySecrets } from './corpus.js';
import { findHits, Lines, needlesFor, placesOf, positionsOf, tryJson } from './leaks.js';
import { CANARY_FORMATS, plant, streamedText, type PlantedTranscript } from './plant.js';

/**
 * Where each secret was planted, found the same way the leak test finds leaks, so a plant that misses
 * a position fails here instead of passing the leak test for the wrong reason.
 */
function positionsHolding(p: PlantedTranscript, lines: Lines, streamed: string, secret: { value: string }): Set<string> {
  const needles = needlesFor(secret.value);
  // A value inside a longer secret is planted wherever that one is, so no container is skipped here.
  const found = positionsOf(placesOf(p, lines, findHits(lines.text, needles, [], lines), needles));
  if (streamed.includes(secret.value)) found.add('streamed-text');
  return found;
}

describeWithConformance('canary plants', 'secrets', () => {
  const secrets = canarySecrets();

  it('loads every labelled secret of both corpora', () => {
    expect(secrets.length).toBeGreaterThan(100);
    expect(new Set(secrets.map((s) => s.id)).size).toBe(secrets.length);
    expect(secrets.some((s) => s.id.startsWith('detect-secrets/'))).toBe(true);
    expect(secrets.some((s) => /-----BEGIN [A-Z ]*PRIVATE KEY-----\n/.test(s.value))).toBe(true);
  });

  it.each(CANARY_FORMATS)('%s: detected as itself, readable, every secret in every position', (format) => {
    const p = plant(format, secrets);
    expect(detectFormat(p.text.slice(0, DETECT_HEAD_BYTES), p.fileName), `${format} plant not recognised`).toBe(format);
    const summary = readTranscript(p.text, format, { fileName: p.fileName });
    expect(summary.badLines).toBe(0);
    expect(summary.records).toBeGreaterThan(0);
    const lines = new Lines(p.text);
    const streamed = streamedText(p.format, p.text);
    const missing: string[] = [];
    for (const s of secrets) {
      const held = positionsHolding(p, lines, streamed, s);
      for (const position of p.positions) {
        if (position === 'streamed-text' && s.undetectable) continue;
        if (!held.has(position)) missing.push(`${s.id} not in ${position}`);
      }
      if (held.has('unplanted')) missing.push(`${s.id} sits in an unlabelled place`);
    }
    expect(missing).toEqual([]);
  });

  it.each(['claude-stream-json', 'gemini-stream-json'] as const)('%s: each streamed secret is cut in two records, neither holding it whole', (format) => {
    const p = plant(format, secrets);
    const lines = new Lines(p.text);
    const cut = new Map<number, number[]>();
    for (let n = 1; n <= lines.count; n++) {
      const k = p.splitOf(n);
      if (k !== undefined) cut.set(k, [...(cut.get(k) ?? []), n]);
    }
    secrets.forEach((s, k) => {
      if (s.undetectable) return;
      const records = cut.get(k) ?? [];
      expect(records, s.id).toHaveLength(2);
      expect(records[1], s.id).toBe(records[0]! + 1);
      for (const n of records)
        expect(
          tryJson(lines.line(n)) !== undefined && !lines.line(n).includes(needlesFor(s.value)[s.value === JSON.stringify(s.value).slice(1, -1) ? 0 : 1]!.text),
          s.id,
        ).toBe(true);
    });
  });
});
