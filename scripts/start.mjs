#!/usr/bin/env node
// `npm start`: the kiosk on the bundled demo config with a local store (.aup-dev/).
// The Electron runtime is not part of `npm install` (Electron 45 has no install script): the first
// `npm start` fetches it with Electron's own installer (`install-electron`, about 100 MB, once). Where
// that cannot work (machines that reach only package registries), say so in one sentence and name the
// browser preview, which runs the same KioskService.
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { electronBinary, executableName, installElectron } from './electron-runtime.mjs';

const root = path.resolve(import.meta.dirname, '..');
const PREVIEW = '`npm run preview` shows the same kiosk in a browser at http://127.0.0.1:4173/?user=ben.carter';

function refuse(sentence) {
  console.log(sentence);
  process.exit(1);
}

let binary = electronBinary();
if (!binary && process.env.ELECTRON_OVERRIDE_DIST_PATH) {
  // A runtime of the developer's own: never replaced by a download.
  refuse(
    `ELECTRON_OVERRIDE_DIST_PATH names ${process.env.ELECTRON_OVERRIDE_DIST_PATH}, which holds no ${executableName()}, so the kiosk window cannot open (unset it to let Electron's installer fetch the runtime); ${PREVIEW}.`,
  );
}
if (!binary) {
  if (process.stdout.isTTY) console.log("Fetching the Electron runtime with Electron's own installer (once, about 100 MB)…");
  const installed = await installElectron();
  binary = electronBinary();
  if (!installed.ok || !binary) {
    const why = installed.ok ? 'it left no executable behind' : installed.reason;
    refuse(`Electron's installer could not download the Electron runtime (${why}), so the kiosk window cannot open on this machine; ${PREVIEW}.`);
  }
}

const main = path.join(root, 'out', 'main', 'index.js');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// The renderer (out/renderer) and the Electron shell (out/main, out/preload) are built separately.
const built = ['build:renderer', 'build:electron'].every(
  (script) => spawnSync(npm, ['run', '--silent', script], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status === 0,
);
if (!built || !existsSync(main)) refuse('The kiosk could not be built (see the messages above); `npm run preview` runs it in a browser.');
const child = spawn(binary, [root, '--config', path.join(root, 'assets', 'demo', 'config.json')], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
