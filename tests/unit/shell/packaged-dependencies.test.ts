// What goes into app.asar's node_modules, asked of electron-builder itself: the module collector a
// build runs (app-builder-lib's node-module-collector, `npm ls --omit dev` underneath). Only the
// packages the built main process loads at run time, and theirs; no renderer library (bundled), no
// build or test tool, and no hand-kept exclusion list in the builder config.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MAIN_EXTERNALS } from '../../../electron.vite.config.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(path.join(REPO, 'package.json'));
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const config = require('./build/electron-builder.config.cjs');

/** The top-level packages electron-builder would copy into the app, by name. */
async function packedModules(): Promise<string[]> {
  const { getCollectorByPackageManager } = require('app-builder-lib/out/node-module-collector/index.js');
  const { TmpDir } = require('builder-util');
  const tmp = new TmpDir('aup-packed-modules');
  try {
    const collector = getCollectorByPackageManager('npm', REPO, tmp);
    const { nodeModules } = await collector.getNodeModules({ packageName: pkg.name });
    return (nodeModules as { name: string }[]).map((m) => m.name).sort();
  } finally {
    await tmp.cleanup();
  }
}

describe('runtime dependencies', () => {
  it('are exactly what the built main process loads from node_modules (electron.vite.config.ts MAIN_EXTERNALS)', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(MAIN_EXTERNALS.filter((n) => n !== 'electron').sort());
  });

  it('the builder config keeps no list of packages to leave out', () => {
    expect(JSON.stringify(config.files)).not.toContain('node_modules');
  });

  it("electron-builder's own collector packs those and their dependencies, and no renderer library or tool", { timeout: 60_000 }, async () => {
    const packed = await packedModules();
    for (const name of Object.keys(pkg.dependencies)) expect(packed).toContain(name);
    for (const name of [
      'react',
      'react-dom',
      'i18next',
      'zustand',
      'markdown-it',
      'ws',
      'tsx',
      'esbuild',
      'vite',
      'electron',
      'vitest',
      'electron-builder',
      'aup', // the checkout's command (the bin/ workspace): the packaged app runs the CLI from its own executable
    ])
      expect(packed).not.toContain(name);
    // Nothing else from devDependencies (ldapts itself depends on @types/node, so that one comes along).
    for (const name of Object.keys(pkg.devDependencies).filter((n) => n !== '@types/node')) expect(packed).not.toContain(name);
  });
});
