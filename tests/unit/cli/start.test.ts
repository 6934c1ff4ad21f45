import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO, tempDir } from '../../support/fixtures.ts';

describe('npm start where the Electron runtime cannot be installed', () => {
  it('says so in one sentence, names the browser preview, and prints no stack trace', async () => {
    // An empty runtime folder stands for a machine whose Electron download never happened.
    const empty = await tempDir();
    try {
      const r = spawnSync(process.execPath, [path.join(REPO, 'scripts/start.mjs')], {
        env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty.dir },
        encoding: 'utf8',
      });
      expect(r.status).toBe(1);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^The Electron runtime is not installed on this machine.*`npm run preview`/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await empty.cleanup();
    }
  });
});
