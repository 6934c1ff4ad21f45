// The kiosk's windows, as core/shell/kiosk-shell.ts plans them: one BrowserWindow per planned key.
// Full-screen, frameless and always on top while locked; close, reload, zoom and devtools refused;
// a crashed or hung page loaded again. Which keys are swallowed is decided in core (shortcut-filter).
import { BrowserWindow, screen, type WebContents } from 'electron';
import type { KioskLog } from '../core/log.ts';
import { PAGE_URLS, type ShellPage } from '../core/shell/app-protocol.ts';
import type { ShellScreen, ShellWindowHost } from '../core/shell/kiosk-shell.ts';
import { filterShortcut, type SwallowReason } from '../core/shell/shortcut-filter.ts';
import { HANG_GRACE_MS, RendererRecovery } from '../core/shell/renderer-recovery.ts';
import type { PlannedWindow } from '../core/shell/window-plan.ts';

export const electronScreen: ShellScreen = {
  displays: () => screen.getAllDisplays().map((d) => ({ id: d.id, bounds: d.bounds, workArea: d.workArea, scaleFactor: d.scaleFactor })),
  primaryDisplayId: () => screen.getPrimaryDisplay().id,
};

export interface WindowHostOptions {
  preload: string;
  packaged: boolean;
  platform: NodeJS.Platform;
  log: KioskLog;
  /** The app is quitting (sign-out, shutdown): windows may close. */
  quitting(): boolean;
  /** A window was hidden, minimised, unfocused or closed by someone else. */
  disturbed(key: string, destroyed: boolean): void;
  /** Windows is signing the user out or shutting down: let the windows close. */
  sessionEnding(): void;
}

interface Entry {
  win: BrowserWindow;
  page: ShellPage;
  recovery: RendererRecovery;
}

const BACKGROUND: Record<ShellPage, string> = { kiosk: '#f5f3ee', cover: '#17375e', indicator: '#ffffff' };

export class ElectronWindowHost implements ShellWindowHost {
  readonly #o: WindowHostOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #destroying = new Set<string>();
  readonly #lastSwallowLog = new Map<SwallowReason, number>();

  constructor(options: WindowHostOptions) {
    this.#o = options;
  }

  /** The page a WebContents belongs to, for the IPC sender check. */
  pageOf(contents: WebContents): ShellPage | null {
    for (const entry of this.#entries.values()) if (!entry.win.isDestroyed() && entry.win.webContents === contents) return entry.page;
    return null;
  }

  create(planned: PlannedWindow): void {
    const page: ShellPage = planned.role;
    const { x, y, width, height } = planned.bounds;
    const win = new BrowserWindow({
      show: false,
      x,
      y,
      width,
      height,
      frame: false,
      resizable: false,
      movable: false,
      minimizable: false,
      maximizable: false,
      closable: false,
      fullscreenable: page === 'kiosk',
      skipTaskbar: page !== 'kiosk',
      // A click on a cover must not take the keyboard from the kiosk page.
      focusable: page !== 'cover',
      alwaysOnTop: true,
      hasShadow: page === 'indicator',
      autoHideMenuBar: true,
      title: 'AUP Kiosk',
      backgroundColor: BACKGROUND[page],
      webPreferences: {
        // Covers are plain HTML: no script, no KioskApi.
        ...(page === 'cover' ? {} : { preload: this.#o.preload }),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        spellcheck: false,
        devTools: !this.#o.packaged,
        disableDialogs: true,
        backgroundThrottling: false,
      },
    });
    win.setAlwaysOnTop(true, page === 'indicator' ? 'pop-up-menu' : 'screen-saver');
    if (this.#o.platform === 'darwin') win.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
    const entry: Entry = { win, page, recovery: new RendererRecovery() };
    this.#entries.set(planned.key, entry);
    this.#watch(planned.key, entry);
    this.#load(planned.key, entry);
  }

  #load(key: string, entry: Entry): void {
    entry.win.loadURL(PAGE_URLS[entry.page]).catch((error: unknown) => {
      this.#o.log.write('error', 'kiosk page did not load', { window: key, error: (error as Error)?.message ?? String(error) });
    });
  }

  #watch(key: string, entry: Entry): void {
    const { win } = entry;
    const contents = win.webContents;
    const { log } = this.#o;

    win.on('close', (event) => {
      if (!this.#o.quitting() && !this.#destroying.has(key)) event.preventDefault();
    });
    // Signing out must never be blocked by a window that refuses to close. (Not on the query that
    // comes first: a sign-out cancelled there would leave the windows closable.)
    win.on('session-end', () => this.#o.sessionEnding());
    win.on('closed', () => {
      if (this.#entries.get(key)?.win === win) this.#entries.delete(key);
      const intended = this.#destroying.delete(key);
      if (!intended && !this.#o.quitting()) this.#o.disturbed(key, true);
    });
    for (const name of ['hide', 'minimize', 'leave-full-screen'] as const) win.on(name as 'hide', () => this.#o.disturbed(key, false));
    if (entry.page === 'kiosk') {
      // Something took the focus (a notification, a window of another app): take it back, gently.
      let pending: NodeJS.Timeout | null = null;
      win.on('blur', () => {
        pending ??= setTimeout(() => {
          pending = null;
          if (!win.isDestroyed() && win.isVisible() && !win.isFocused()) this.#o.disturbed(key, false);
        }, 300);
      });
    }

    contents.on('before-input-event', (event, input) => {
      const decision = filterShortcut(input, this.#o.platform, { devtools: !this.#o.packaged });
      if (decision.action === 'pass') return;
      event.preventDefault();
      const now = Date.now();
      if (now - (this.#lastSwallowLog.get(decision.because) ?? 0) > 60_000) {
        this.#lastSwallowLog.set(decision.because, now);
        log.write('info', 'shortcut refused', { because: decision.because, window: key });
      }
    });
    contents.on('zoom-changed', () => contents.setZoomFactor(1));
    contents.on('did-finish-load', () => {
      contents.setZoomFactor(1);
      void contents.setVisualZoomLevelLimits(1, 1);
    });
    contents.on('devtools-opened', () => {
      if (this.#o.packaged) contents.closeDevTools();
    });
    contents.on('preload-error', (_event, preloadPath, error) =>
      log.write('error', 'preload failed', { window: key, preloadPath, error: error.message }),
    );

    // A crashed renderer is loaded again; a renderer that keeps crashing, ever more slowly.
    contents.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit' || this.#o.quitting()) return;
      const delay = entry.recovery.crashed(Date.now());
      log.write('error', 'kiosk page crashed; loading it again', {
        window: key,
        reason: details.reason,
        exitCode: details.exitCode,
        inMs: delay,
        recentCrashes: entry.recovery.recentCrashes,
      });
      setTimeout(() => {
        if (!win.isDestroyed()) this.#load(key, entry);
      }, delay);
    });
    contents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
      if (!isMainFrame || code === -3 /* aborted by a newer load */) return;
      const delay = Math.max(2_000, entry.recovery.crashed(Date.now()));
      log.write('error', 'kiosk page failed to load; trying again', { window: key, code, description, url: url.slice(0, 200), inMs: delay });
      setTimeout(() => {
        if (!win.isDestroyed()) this.#load(key, entry);
      }, delay);
    });
    // A hung page: given HANG_GRACE_MS to recover, then its renderer is ended (and so reloaded above).
    let hang: NodeJS.Timeout | null = null;
    win.on('unresponsive', () => {
      log.write('warn', 'kiosk page not responding', { window: key });
      hang ??= setTimeout(() => {
        hang = null;
        if (!win.isDestroyed()) contents.forcefullyCrashRenderer();
      }, HANG_GRACE_MS);
    });
    win.on('responsive', () => {
      if (hang) clearTimeout(hang);
      hang = null;
    });
  }

  move(planned: PlannedWindow): void {
    const entry = this.#entries.get(planned.key);
    if (!entry) return;
    const { win } = entry;
    // A full-screen window moves to another display only out of full screen.
    const kiosk = win.isKiosk();
    if (kiosk) win.setKiosk(false);
    win.setBounds(planned.bounds);
    if (kiosk) win.setKiosk(true);
  }

  show(planned: PlannedWindow): void {
    const entry = this.#entries.get(planned.key);
    if (!entry || entry.win.isDestroyed()) return;
    const { win } = entry;
    if (win.isMinimized()) win.restore();
    if (entry.page === 'kiosk') {
      win.setBounds(planned.bounds);
      win.show();
      // Kiosk mode: full screen; on macOS also no Dock, no menu bar, no app switching, no Force Quit.
      if (!win.isKiosk()) win.setKiosk(true);
      win.setAlwaysOnTop(true, 'screen-saver');
      win.moveTop();
      win.focus();
    } else {
      win.setBounds(planned.bounds);
      win.showInactive();
      win.moveTop();
    }
  }

  hide(planned: PlannedWindow): void {
    const entry = this.#entries.get(planned.key);
    if (!entry || entry.win.isDestroyed()) return;
    // Out of kiosk mode first, so that the Dock and app switching come back for the open session.
    if (entry.win.isKiosk()) entry.win.setKiosk(false);
    entry.win.hide();
  }

  destroy(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#destroying.add(key);
    this.#entries.delete(key);
    if (!entry.win.isDestroyed()) entry.win.destroy();
  }
}
