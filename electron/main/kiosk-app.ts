// The kiosk: one instance per account, a log a technician can find, KioskService bound to IPC, and
// the windows KioskShell plans for each view and each display, plugged in now or later. Installed,
// the app is a client of the machine service (the lock, the evidence and the secrets are the
// machine's); a development build (npm start) runs KioskService in its own process, as the preview does.
import { app, Menu, powerMonitor, screen } from 'electron';
import os from 'node:os';
import { APP_VERSION } from '../core/version.ts';
import { loadSetup, openKioskService } from '../core/setup.ts';
import { loadCatalog } from '../core/policy/catalog.ts';
import { NO_RECORDINGS, recordingsOf, type RecordingIndex } from '../core/policy/recordings.ts';
import type { KioskApi } from '../core/api/contract.ts';
import { connectChannel } from '../core/machine/channel-client.ts';
import { defaultChannelPaths } from '../core/machine/capability.ts';
import { serviceBackedApi } from '../core/machine/app-client.ts';
import { appPaths } from '../core/shell/app-paths.ts';
import { forbiddenSwitches, kioskConfigLocation, type ShellArgs } from '../core/shell/args.ts';
import { KioskShell } from '../core/shell/kiosk-shell.ts';
import { openKioskLog } from '../core/shell/log-file.ts';
import { withWindowsEventLog } from '../core/shell/event-log.ts';
import { hardenSession, hardenWebContents } from './hardening.ts';
import { bindKioskIpc } from './ipc.ts';
import { serveApp } from './protocol.ts';
import { ElectronWindowHost, electronScreen } from './windows.ts';

function signedInUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export async function startKiosk(args: Extract<ShellArgs, { mode: 'kiosk' }>, argv: string[]): Promise<void> {
  const packaged = app.isPackaged;
  // The version from package.json, inlined at build time (unpackaged, app.getVersion() may be Electron's own).
  const version = APP_VERSION;
  const username = args.user ?? signedInUser();
  // A development build may be told where to log (the end-to-end tests do); an installed kiosk
  // logs where a technician looks.
  const devLogDir = packaged ? undefined : process.env.AUP_KIOSK_LOG_DIR;
  const opened = openKioskLog({
    username,
    ...(devLogDir ? { folders: [devLogDir] } : {}),
    ...(packaged ? {} : { echo: (line: string) => process.stderr.write(line) }),
  });
  const { file: logFile, problems: logProblems } = opened;
  // On Windows, start, config errors, refusals and the service's state also go to the Event Log.
  const log = withWindowsEventLog(opened.log, { platform: process.platform });
  log.write('info', 'AUP Kiosk starting', {
    version,
    electron: process.versions.electron,
    platform: process.platform,
    arch: process.arch,
    packaged,
    user: username,
    pid: process.pid,
    log: logFile,
  });
  for (const problem of logProblems) log.write('warn', 'machine log folder not writable; using another', { problem });
  for (const note of args.notes) log.write('warn', 'argument ignored', { note });
  process.on('uncaughtException', (error) => log.write('error', 'uncaught exception', { error: error.stack ?? error.message }));
  process.on('unhandledRejection', (reason) => log.write('error', 'unhandled rejection', { error: (reason as Error)?.stack ?? String(reason) }));

  if (packaged) {
    // Chromium reads some switches after this point: a student's --remote-debugging-port goes no further.
    for (const name of forbiddenSwitches(argv)) {
      app.commandLine.removeSwitch(name);
      log.write('warn', 'command-line switch refused', { switch: name });
    }
  }

  if (!app.requestSingleInstanceLock()) {
    log.write('info', 'AUP Kiosk is already running for this account; this copy exits');
    log.close();
    app.exit(0);
    return;
  }

  app.enableSandbox();
  // No menu: no Quit, Close, Reload or Toggle Developer Tools accelerators. macOS gets an Edit menu
  // only, without which copy, paste and select-all do not work in a text field there.
  Menu.setApplicationMenu(process.platform === 'darwin' ? Menu.buildFromTemplate([{ label: 'AUP Kiosk', submenu: [] }, { role: 'editMenu' }]) : null);
  hardenWebContents(log);
  const paths = appPaths({ packaged, mainDir: import.meta.dirname, resourcesPath: process.resourcesPath });

  const config = kioskConfigLocation(args.config, { packaged });
  for (const note of config.notes) log.write('warn', 'config source', { note });
  log.write('info', 'config source', { file: config.location.file, how: config.location.how });

  // Nothing but this app's windows closes it: the windows refuse to close, and hidden windows
  // (a staff session with nothing to show) must not make Electron quit.
  let quitting = false;
  app.on('window-all-closed', () => {});
  app.on('before-quit', () => {
    quitting = true;
  });

  await app.whenReady();
  hardenSession({ packaged, log });

  let session: KioskApi;
  // What aup://kiosk/audio/<sha256>.opus serves: the recordings of the catalog the views come from.
  let recordings: () => Promise<RecordingIndex>;
  if (packaged) {
    // The service's own socket (never one named on the command line: a student could start the app).
    const channel = defaultChannelPaths(process.platform);
    const client = await connectChannel({ ...channel, account: username });
    client.onStatus((status) => log.write(status.state === 'connected' ? 'info' : 'warn', 'machine service', { ...status }));
    const api = serviceBackedApi(client);
    session = api;
    // The service's views name recordings by hash; the app reads the bundled catalog's own files (in the
    // install folder, which the student cannot change), never a file the service or the page names.
    let bundled: Promise<RecordingIndex> | null = null;
    recordings = () =>
      (bundled ??= loadCatalog(paths.policies).then((c) => {
        if (c.ok) return recordingsOf(c.catalog);
        log.write('warn', 'the bundled catalog cannot be loaded: no recording is served', { problems: c.problems });
        return NO_RECORDINGS;
      }));
    app.on('will-quit', () => {
      log.write('info', 'AUP Kiosk quitting');
      void api.close();
    });
  } else {
    const loaded = await loadSetup(config.location.file, { bundledCatalog: paths.policies });
    const kiosk = await openKioskService({
      configFile: config.location.file,
      ...(loaded.ok ? { loaded } : {}),
      log,
      appVersion: version,
      bundledCatalog: paths.policies,
    });
    const index = loaded.ok ? recordingsOf(loaded.catalog) : NO_RECORDINGS;
    recordings = () => Promise.resolve(index);
    kiosk.startTimer();
    session = kiosk.session(username);
    app.on('will-quit', () => {
      log.write('info', 'AUP Kiosk quitting');
      void kiosk.close();
    });
  }

  // Before any window opens: the kiosk page carries the session's view (core/bridge/kiosk-page.ts).
  serveApp({ renderer: paths.renderer }, log, () => session.getView(), recordings);

  let shell: KioskShell | null = null;
  const host = new ElectronWindowHost({
    preload: paths.preload,
    packaged,
    platform: process.platform,
    log,
    quitting: () => quitting,
    disturbed: (key, destroyed) => shell?.windowDisturbed(key, destroyed),
    sessionEnding: () => {
      quitting = true;
    },
  });
  // macOS and Linux: the machine is shutting down or the user signing out.
  powerMonitor.on('shutdown', () => {
    quitting = true;
  });
  shell = new KioskShell(host, electronScreen, log);
  bindKioskIpc({ session, pageOf: (contents) => host.pageOf(contents), log });

  // Locked until the session says otherwise: the screens are covered before the first view.
  shell.apply();
  session.onView((view) => shell.viewChanged(view.kind));
  for (const event of ['display-added', 'display-removed', 'display-metrics-changed'] as const) {
    screen.on(event as 'display-added', () => {
      log.write('info', 'displays changed', { event, displays: screen.getAllDisplays().length });
      shell.displaysChanged();
    });
  }
  // Someone started the app again (the watchdog, a double-click): show what should be shown.
  app.on('second-instance', () => shell.reassert());
}
