// Is the Electron runtime installed here, and can it show windows? Read without require('electron'),
// which runs Electron's installer and throws in plain Node where the runtime cannot be downloaded.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { INSTALL_COMMAND, electronBinary } from '../../scripts/electron-runtime.mjs';

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
  const binary = electronBinary(env);
  if (!binary) {
    return {
      binary: null,
      reason: env.ELECTRON_OVERRIDE_DIST_PATH
        ? `ELECTRON_OVERRIDE_DIST_PATH (${env.ELECTRON_OVERRIDE_DIST_PATH}) holds no Electron executable`
        : 'the Electron runtime is not installed (npm install does not download it since Electron 45). ' +
          `Install it with Electron's own installer, \`${INSTALL_COMMAND}\` (or \`npm start\`, which runs it), or set ELECTRON_OVERRIDE_DIST_PATH, to run these tests`,
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
