import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const coreSrc = fileURLToPath(new URL('../../../packages/core/src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : /\.(ts|js)$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

// The seam the design rests on: core is plain logic the CLI and the tests call directly, so it never
// reaches the runner (@actions/*), the API client (@octokit/*) or the package that wraps them.
describe('packages/core imports', () => {
  it('nothing from the runner, the API client or action-kit', () => {
    const offenders: string[] = [];
    for (const file of sources(coreSrc)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)) {
        if (/^(@actions\/|@octokit\/|@agent-gates\/action-kit)/.test(match[1]!)) offenders.push(`${path.relative(coreSrc, file)}: ${match[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
