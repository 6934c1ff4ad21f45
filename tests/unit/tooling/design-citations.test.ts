// The design document a clone has: code, scripts, tests and the README cite docs/design.md (never the
// DESIGN.md of a folder outside the repository), and every section they name by title is in it.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../../support/fixtures.ts';

const SKIP = new Set(['node_modules', 'out', 'dist', 'test-results', 'playwright-report', '.git', '.aup-dev']);
const TEXT = /\.(ts|tsx|mts|mjs|cjs|js|sql|md|json|sh)$/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name)) return [];
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : TEXT.test(e.name) ? [p] : [];
  });
}

describe('docs/design.md', () => {
  const design = readFileSync(path.join(REPO, 'docs/design.md'), 'utf8');
  const self = path.relative(REPO, import.meta.filename);
  const all = files(REPO).filter((f) => ![self, 'docs/design.md'].includes(path.relative(REPO, f)));
  const rel = (f: string) => path.relative(REPO, f);

  it('is what the repository cites: no file names a DESIGN.md', () => {
    expect(all.filter((f) => /\bDESIGN\.md/.test(readFileSync(f, 'utf8'))).map(rel)).toEqual([]);
  });

  it('has every section cited by its title (docs/design.md "Title")', () => {
    const lines = design.split('\n').map((l) => l.replace(/^#+\s*/, ''));
    const missing: string[] = [];
    for (const f of all) {
      for (const m of readFileSync(f, 'utf8').matchAll(/docs\/design\.md,? "([^"]+)"/g)) {
        // A title may wrap onto the next comment line.
        const title = m[1]!.replace(/\s*\n\s*(\/\/|\*|--)?\s*/g, ' ');
        if (!lines.some((l) => l.startsWith(title))) missing.push(`${rel(f)}: "${title}"`);
      }
    }
    expect(missing).toEqual([]);
  });
});
