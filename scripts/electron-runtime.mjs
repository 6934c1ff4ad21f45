// Where the Electron runtime is, and how to get it: shared by `npm start` (scripts/start.mjs) and the
// Electron end-to-end tests (tests/e2e-electron/runtime.ts).
//
// Since Electron 45 the `electron` package has no install script: `npm install` never downloads the
// runtime (so ELECTRON_SKIP_BINARY_DOWNLOAD changes nothing). The runtime is fetched by Electron's own
// installer, the package's `install-electron` command, which `require('electron')` also runs the first
// time. Nothing here calls require('electron'): where the download fails it throws a stack trace.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const ELECTRON_DIR = path.join(ROOT, 'node_modules', 'electron');

/** The executable's path inside a runtime folder, as Electron's installer writes it to path.txt. */
export function executableName(platform = process.platform) {
  return platform === 'win32' ? 'electron.exe' : platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
}

/**
 * The Electron executable, or null where there is none: the one ELECTRON_OVERRIDE_DIST_PATH names (a
 * runtime of the developer's own), else the one Electron's installer put in node_modules/electron/dist.
 */
export function electronBinary(env = process.env, dir = ELECTRON_DIR) {
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executableName());
    return existsSync(p) ? p : null;
  }
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const p = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(p) ? p : null;
}

/** The command that installs the runtime, for messages: what a developer types. */
export const INSTALL_COMMAND = 'npx install-electron';

/**
 * Runs Electron's own installer (the `install-electron` bin of node_modules/electron), which downloads
 * the runtime once (honouring ELECTRON_MIRROR, electron_config_cache and the other @electron/get
 * settings) and does nothing where it is installed. Its output is kept, not printed: the caller says
 * what happened in one sentence. Resolves { ok: true } or { ok: false, reason } (the installer's own
 * error message, one line).
 * @param {NodeJS.ProcessEnv} [env]
 * @param {string} [dir]
 * @returns {Promise<{ ok: true } | { ok: false, reason: string }>}
 */
export function installElectron(env = process.env, dir = ELECTRON_DIR) {
  let bin;
  try {
    bin = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).bin?.['install-electron'];
  } catch {
    return Promise.resolve({ ok: false, reason: `${dir} is missing (run npm install first)` });
  }
  if (!bin) return Promise.resolve({ ok: false, reason: `this electron package (${dir}) has no install-electron command` });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(dir, bin)], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ ok: false, reason: error.message }));
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ ok: true });
      else resolve({ ok: false, reason: installerReason(output) || `the installer stopped (${signal ?? `exit ${code}`})` });
    });
  });
}

/** The installer's error in one line: the first "SomeError: message" line of its stack trace, message only. */
export function installerReason(output) {
  const lines = output.split(/\r?\n/).map((l) => l.trim());
  const error = lines.find((l) => /^[A-Za-z]*Error\b.*?:\s/.test(l)) ?? lines.find((l) => l && !l.startsWith('at '));
  return (error ?? '').replace(/^[A-Za-z]*Error\b[^:]*:\s*/, '').replace(/[.\s]+$/, '');
}
