// Is the Electron runtime installed here, and can it show windows? Read without require('electron'),
// which throws in plain Node where electron's install step could not download the runtime.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const MAIN = path.join(REPO, 'out/main/index.js');

export interface ElectronRuntime {
  /** The Electron executable, or null with the reason it cannot be used. */
  binary: string | null;
  reason: string;
  /** Linux without a display: run under this (xvfb-run), if it is installed. */
  wrapper: string[];
}

export function electronRuntime(env: NodeJS.ProcessEnv = process.env): ElectronRuntime {
  const exe = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
  let binary: string | null = null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, exe);
    if (existsSync(p)) binary = p;
  } else {
    const dir = path.join(REPO, 'node_modules/electron');
    const pathFile = path.join(dir, 'path.txt');
    if (existsSync(pathFile)) {
      const p = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
      if (existsSync(p)) binary = p;
    }
  }
  if (!binary) {
    return {
      binary: null,
      reason:
        'the Electron runtime is not installed (node_modules/electron/dist is missing: electron was installed with ELECTRON_SKIP_BINARY_DOWNLOAD, ' +
        'or its download host cannot be reached). Install it (npm rebuild electron, or set ELECTRON_OVERRIDE_DIST_PATH) to run these tests',
      wrapper: [],
    };
  }
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    const xvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).stdout.trim();
    if (!xvfb)
      return { binary: null, reason: 'there is no display (DISPLAY is unset) and xvfb-run is not installed (apt-get install xvfb)', wrapper: [] };
    return { binary, reason: '', wrapper: [xvfb, '--auto-servernum', '--server-args=-screen 0 1280x800x24'] };
  }
  return { binary, reason: '', wrapper: [] };
}
