// The layers of electron/core hold because lint fails otherwise (eslint/code-layering.js). Each case
// runs the real `eslint` on a scratch file given on standard input under a path inside the repo,
// so the project's own config applies and nothing is written into the tree.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../../..');

function eslint(file: string, code: string) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', file], {
    cwd: REPO,
    input: code,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('the layers of electron/core', () => {
  it('a domain file importing the service above it fails lint, naming both layers', () => {
    const r = eslint(
      'electron/core/policy/scratch-upward.ts',
      "import { KioskService } from '../kiosk/kiosk-service.ts';\nexport const s = KioskService;\n",
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('policy/scratch-upward.ts (layer "domain") may not import kiosk/kiosk-service.ts (layer "service")');
  });

  it('an adapter importing the wiring fails lint', () => {
    const r = eslint('electron/core/ledger/scratch-wiring.ts', "import { loadSetup } from '../setup.ts';\nexport const l = loadSetup;\n");
    expect(r.code).toBe(1);
    expect(r.out).toContain('(layer "wiring")');
  });

  it('a file in no layer fails lint', () => {
    const r = eslint('electron/core/stray/scratch.ts', 'export const x = 1;\n');
    expect(r.code).toBe(1);
    expect(r.out).toContain('stray/scratch.ts is in no layer of electron/core');
  });

  it('the api layer imports nothing, not even Node', () => {
    const r = eslint('electron/core/api/scratch.ts', "import path from 'node:path';\nexport const p = path.sep;\n");
    expect(r.code).toBe(1);
    expect(r.out).toContain('is in the api layer, which imports nothing');
  });

  it('importing downward is fine (the same scratch file, the right way round)', () => {
    const r = eslint(
      'electron/core/kiosk/scratch-downward.ts',
      "import { decide } from './decision.ts';\nimport { gradeBandOf } from '../policy/resolve.ts';\nexport const d = [decide, gradeBandOf];\n",
    );
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });
});
