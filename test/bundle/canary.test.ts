import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DETECT_HEAD_BYTES, detectFormat } from '../../packages/core/src/transcript/index.js';
import { canarySecrets } from '../canary/corpus.js';
import { containersOf, findHits, Lines, needlesFor, placesOf, type Needle } from '../canary/leaks.js';
import { CANARY_FORMATS, plant, streamedText, type PlantedTranscript } from '../canary/plant.js';
import { startArtifactService, type ArtifactService } from '../harness/artifact-service.js';
import { createGitRepo } from '../harness/git-repo.js';
import { runAction, type ActionRun } from '../harness/run-action.js';
import { readZip } from '../harness/zip.js';
import { describeWithConformance } from '../conformance-data.js';

/** Lines the runner consumes as its own masking protocol: printing a value there is how it gets masked. */
const ADD_MASK = /^::add-mask::/;

interface Channel {
  name: string;
  text: string;
  /** Set for the stored transcript, whose lines still match the plant's, so a leak names its position. */
  transcript?: boolean;
}

async function channelsOf(run: ActionRun, service: ArtifactService, p: PlantedTranscript): Promise<Channel[]> {
  const channels: Channel[] = [
    {
      name: 'stdout (other than ::add-mask::)',
      text: run.stdout
        .split('\n')
        .filter((l) => !ADD_MASK.test(l))
        .join('\n'),
    },
    { name: 'job log', text: run.log },
    { name: 'stderr', text: run.stderr },
    { name: 'step summary', text: run.summary },
    ...Object.entries(run.outputs).map(([name, text]) => ({ name: `output ${name}`, text })),
  ];
  const transcriptFile = run.outputs['transcript-file'];
  const summaryFile = run.outputs['summary-file'];
  if (transcriptFile) channels.push({ name: 'transcript-file on disk', text: readFileSync(transcriptFile, 'utf8'), transcript: true });
  if (summaryFile) channels.push({ name: 'summary-file on disk', text: readFileSync(summaryFile, 'utf8') });
  const [artifact] = service.artifacts();
  if (artifact) {
    for (const [entry, bytes] of readZip(await service.download(artifact.name))) {
      channels.push({ name: `artifact ${entry}`, text: bytes.toString('utf8'), transcript: entry === `transcript/${p.fileName.replace(/^\.+/, '')}` });
    }
  }
  return channels;
}

/** One line per secret and channel: id, length, how it is spelled there and where; never the value. */
function leaksIn(p: PlantedTranscript, channels: Channel[], secrets: ReturnType<typeof canarySecrets>): string[] {
  const leaks: string[] = [];
  for (const c of channels) {
    const lines = new Lines(c.text);
    const streamed = c.transcript ? streamedText(p.format, c.text) : '';
    for (const s of secrets) {
      if (s.undetectable) continue;
      const needles: Needle[] = needlesFor(s.value);
      const hits = findHits(c.text, needles, containersOf(s.value, secrets), lines);
      const name = `${p.format}: ${s.id} (${s.value.length} chars) leaks in ${c.name}`;
      if (hits.length > 0) {
        const spellings = [...new Set(hits.map((h) => h.spelling))].join(', ');
        const where = c.transcript ? placesOf(p, lines, hits, needles) : [...new Set(hits.map((h) => `line ${h.line}`))];
        leaks.push(`${name} as ${spellings} at ${where.slice(0, 6).join('; ')}${where.length > 6 ? `; +${where.length - 6} more` : ''}`);
      }
      if (streamed.includes(s.value)) leaks.push(`${name} at streamed-text (deltas joined back together)`);
    }
  }
  return leaks;
}

describeWithConformance('canary: no labelled secret leaks from capture-transcript', 'secrets', () => {
  const secrets = canarySecrets();
  let service: ArtifactService;
  beforeAll(async () => {
    service = await startArtifactService();
  });
  afterAll(async () => {
    await service?.close();
  });

  it.each(CANARY_FORMATS)(
    '%s',
    async (format) => {
      const p = plant(format, secrets);
      // A plant the action would not recognise would test the E_FORMAT path, not redaction.
      expect(detectFormat(p.text.slice(0, DETECT_HEAD_BYTES), p.fileName), `${format} plant not recognised`).toBe(format);
      service.reset();
      const repo = createGitRepo({ base: { 'README.md': 'widgets\n' } });
      const dir = path.join(repo.dir, '..', `canary-${format}-${path.basename(repo.dir)}`);
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, p.fileName);
      writeFileSync(file, p.text);
      const run = await runAction({
        action: 'capture-transcript',
        workspace: repo.dir,
        inputs: { path: file, upload: 'true', 'fail-on': 'never' },
        env: service.env,
        timeoutMs: 120_000,
      });
      // Error text could quote the transcript: name only its codes.
      const codes = run.annotations.filter((a) => a.level === 'error').map((a) => /^E_[A-Z_]+/.exec(a.message)?.[0] ?? 'error');
      expect(run.exitCode, `${format}: exit ${run.exitCode} ${codes.join(' ')}`).toBe(0);
      expect(run.outputs['format']).toBe(format);

      const leaks = leaksIn(p, await channelsOf(run, service, p), secrets);
      expect(leaks.length, `${leaks.length} leak(s):\n${leaks.join('\n')}\n`).toBe(0);
      // Gemini records no cwd, so the plant's absolute paths (another machine's workspace) are writes
      // outside this workspace, which fail the gate; the others are rooted by their cwd.
      expect(run.outputs['verdict']).toBe(format.startsWith('gemini') ? 'fail' : 'warn');
      expect(Number(run.outputs['redactions'])).toBeGreaterThan(0);
    },
    180_000,
  );
});
