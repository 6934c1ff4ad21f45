#!/usr/bin/env node
// `npm start`: the kiosk on the bundled demo config with a local store (.aup-dev/).
// Where the Electron runtime is not installed (machines that reach only package registries cannot
// download it), say so in one sentence and name the browser preview, which runs the same KioskService.
import { existsSync, readFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const electronDir = path.join(root, 'node_modules', 'electron');

// Read where electron's install step put the runtime, without require('electron'): on a machine
// without the runtime that require() tries to download it and throws.
function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const exe = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
    const p = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, exe);
    return existsSync(p) ? p : null;
  }
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const p = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(p) ? p : null;
}

const binary = electronBinary();
if (!binary) {
  console.log(
    'The Electron runtime is not installed on this machine, so the kiosk window cannot open here; run `npm run preview` to use the same kiosk in a browser at http://127.0.0.1:4173/?user=ben.carter',
  );
  process.exit(1);
}

const main = path.join(root, 'out', 'main', 'index.js');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// The renderer (out/renderer) and the Electron shell (out/main, out/preload) are built separately.
const built = ['build:renderer', 'build:electron'].every(
  (script) => spawnSync(npm, ['run', '--silent', script], { cwd: root, stdio: 'inherit' }).status === 0,
);
if (!built || !existsSync(main)) {
  console.log('The kiosk could not be built (see the messages above); `npm run preview` runs it in a browser.');
  process.exit(1);
}
const child = spawn(binary, [root, '--config', path.join(root, 'assets', 'demo', 'config.json')], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
