// The Electron main process, kept thin: it opens the kiosk window, serves the renderer from a
// custom protocol, and binds KioskService to IPC. Every decision is in electron/core.
import { app, BrowserWindow, ipcMain, protocol, net, session, type IpcMainInvokeEvent } from 'electron';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kiosk } from '../core/kiosk/kiosk.ts';
import { dispatchIntent } from '../core/kiosk/dispatch.ts';
import { locateConfig } from '../core/config/load.ts';
import { runCli, processIo } from '../core/cli/main.ts';

const SCHEME = 'aup';
const ORIGIN = `${SCHEME}://kiosk`;

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

// The installed executable with `aup` arguments runs the CLI and exits without a window.
const argv = process.argv.slice(app.isPackaged ? 1 : 2);
const CLI_COMMANDS = new Set(['config', 'policy', 'school-year', 'status', 'report', 'ledger', 'roster', 'help', '--help']);
if (argv[0] && CLI_COMMANDS.has(argv[0])) {
  void runCli(argv, processIo()).then((code) => app.exit(code));
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void startKiosk();
}

function configFlag(): string | undefined {
  const i = argv.indexOf('--config');
  return i >= 0 ? argv[i + 1] : undefined;
}

async function startKiosk(): Promise<void> {
  await app.whenReady();
  const rendererDir = path.join(import.meta.dirname, '../renderer');
  protocol.handle(SCHEME, (request) => {
    const url = new URL(request.url);
    const file = path.normalize(path.join(rendererDir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(rendererDir)) return new Response('not found', { status: 404 });
    return net.fetch(pathToFileURL(file === rendererDir + path.sep ? path.join(rendererDir, 'index.html') : file).toString());
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const kiosk = await Kiosk.open({ configFile: locateConfig(configFlag()).file });
  kiosk.startTimer();
  const kioskSession = kiosk.session(os.userInfo().username);

  const win = new BrowserWindow({
    fullscreen: true,
    kiosk: true,
    alwaysOnTop: true,
    frame: false,
    webPreferences: {
      preload: path.join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      devTools: !app.isPackaged,
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());

  // Only the kiosk's own page may send intents.
  const trusted = (event: IpcMainInvokeEvent) => event.senderFrame?.url.startsWith(`${ORIGIN}/`) === true && event.sender === win.webContents;
  ipcMain.handle('aup:intent', (event, intent: unknown, args: unknown) =>
    trusted(event) ? dispatchIntent(kioskSession, intent, args) : { ok: false, reason: 'invalid-request' },
  );
  let unsubscribe: (() => void) | null = null;
  ipcMain.handle('aup:subscribe', (event) => {
    if (!trusted(event)) return;
    unsubscribe?.();
    unsubscribe = kioskSession.onView((view) => win.webContents.send('aup:view', view));
  });
  app.on('window-all-closed', () => void kiosk.close().then(() => app.quit()));
  await win.loadURL(`${ORIGIN}/index.html`);
}
