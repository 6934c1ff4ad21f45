// Keeps the kiosk's windows in line with the session's view and the displays plugged in. It asks for
// two narrow interfaces (Signal Desktop's way) instead of `electron`: a screen that lists displays
// and a host that opens, moves, shows and hides windows. electron/main implements both with
// Electron; the tests implement them with plain objects.
import type { KioskViewKind } from '../api/contract.ts';
import type { KioskLog } from '../log.ts';
import { planWindows, sameRect, shellModeFor, type DisplayInfo, type PlannedWindow, type ShellMode } from './window-plan.ts';

export interface ShellScreen {
  displays(): DisplayInfo[];
  primaryDisplayId(): number;
}

export interface ShellWindowHost {
  /** Opens a window for `window`, hidden. */
  create(window: PlannedWindow): void;
  /** The window's display, bounds or scale changed. */
  move(window: PlannedWindow): void;
  /** Shows the window above everything; the kiosk page also takes the keyboard focus. */
  show(window: PlannedWindow): void;
  hide(window: PlannedWindow): void;
  destroy(key: string): void;
}

export class KioskShell {
  readonly #host: ShellWindowHost;
  readonly #screen: ShellScreen;
  readonly #log: KioskLog;
  readonly #windows = new Map<string, PlannedWindow>();
  // Until the first view arrives the kiosk covers the screens: it fails closed.
  #mode: ShellMode = 'lockdown';
  #kind: KioskViewKind = 'loading';

  constructor(host: ShellWindowHost, screen: ShellScreen, log: KioskLog) {
    this.#host = host;
    this.#screen = screen;
    this.#log = log;
  }

  get mode(): ShellMode {
    return this.#mode;
  }

  windows(): PlannedWindow[] {
    return [...this.#windows.values()];
  }

  viewChanged(kind: KioskViewKind): void {
    const mode = shellModeFor(kind);
    if (mode !== this.#mode || kind !== this.#kind) this.#log.write('info', 'screen', { view: kind, windows: mode });
    this.#kind = kind;
    this.#mode = mode;
    this.apply();
  }

  /** A display was plugged in, removed, moved or rescaled. */
  displaysChanged(): void {
    this.apply();
  }

  /**
   * A window was hidden, minimised, closed or pushed behind by someone other than this shell (a
   * student, the OS). A window that should be on screen comes back; a destroyed one is opened again.
   */
  windowDisturbed(key: string, destroyed = false): void {
    const window = this.#windows.get(key);
    if (!window) return;
    if (destroyed) {
      this.#windows.delete(key);
      this.#log.write('warn', 'kiosk window was closed; opening it again', { window: key });
      this.apply();
      return;
    }
    if (window.visible) this.#host.show(window);
  }

  /** Shows again every window that should be on screen (another launch of the app, a wake from sleep). */
  reassert(): void {
    for (const window of this.#windows.values()) if (window.visible) this.#host.show(window);
  }

  apply(): void {
    const plan = planWindows(this.#screen.displays(), this.#screen.primaryDisplayId(), this.#mode);
    const keys = new Set(plan.windows.map((w) => w.key));
    for (const key of [...this.#windows.keys()]) {
      if (keys.has(key)) continue;
      this.#windows.delete(key);
      this.#host.destroy(key);
    }
    // Hide before showing, so that at no moment two windows fight over the focus.
    const ordered = [...plan.windows].sort((a, b) => Number(a.visible) - Number(b.visible));
    for (const window of ordered) {
      const before = this.#windows.get(window.key);
      if (!before) this.#host.create(window);
      else if (before.displayId !== window.displayId || before.scaleFactor !== window.scaleFactor || !sameRect(before.bounds, window.bounds)) {
        this.#host.move(window);
      }
      this.#windows.set(window.key, window);
      if (window.visible && !before?.visible) this.#host.show(window);
      else if (!window.visible && before?.visible) this.#host.hide(window);
    }
    if (plan.windows.length === 0) this.#log.write('warn', 'no display to show the kiosk on');
  }
}
