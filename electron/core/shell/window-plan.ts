// Which kiosk windows exist, where, and which are shown, for a set of displays and the kind of
// view the session is on. Pure: electron/main turns the plan into BrowserWindows.
//
// While a policy is pending or the session is locked, the kiosk covers every display (the page on
// the primary one, a plain cover on the others). When a teacher unlocks, the windows step aside
// and a small indicator shows the time left. Staff with nothing to do see nothing at all.
import type { KioskViewKind } from '../api/contract.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A display as Electron's `screen` reports it, in device-independent pixels. */
export interface DisplayInfo {
  id: number;
  bounds: Rect;
  /** The bounds minus the taskbar, Dock or menu bar. */
  workArea: Rect;
  scaleFactor: number;
}

/** lockdown: cover every display; step-aside: only the indicator; away: nothing on screen. */
export type ShellMode = 'lockdown' | 'step-aside' | 'away';

/** What the kiosk does on screen for each view. Anything not plainly open stays covered (fail closed). */
export function shellModeFor(kind: KioskViewKind): ShellMode {
  switch (kind) {
    case 'loading':
    case 'config-error':
    case 'service-unavailable':
    case 'policy':
    case 'safety-rules':
    case 'policy-accepted':
    case 'locked':
      return 'lockdown';
    case 'unlocked':
      return 'step-aside';
    case 'free':
      return 'away';
    default: {
      const unknown: never = kind;
      return unknown;
    }
  }
}

/** kiosk: the page on the primary display; cover: every other display; indicator: the time left. */
export type WindowRole = 'kiosk' | 'cover' | 'indicator';

export interface PlannedWindow {
  /** Stable across plans: the kiosk window keeps its page when the primary display changes. */
  key: string;
  role: WindowRole;
  displayId: number;
  bounds: Rect;
  scaleFactor: number;
  visible: boolean;
}

export interface WindowPlan {
  mode: ShellMode;
  windows: PlannedWindow[];
}

export const INDICATOR_SIZE = { width: 320, height: 84 } as const;
export const INDICATOR_MARGIN = 16;

/** The primary display, or (when the OS names one that is not in the list) the first one. */
export function primaryDisplay(displays: readonly DisplayInfo[], primaryId: number): DisplayInfo | undefined {
  return displays.find((d) => d.id === primaryId) ?? displays[0];
}

/** The indicator's place: the bottom-right corner of the work area, never under the taskbar or off screen. */
export function indicatorBounds(workArea: Rect): Rect {
  const width = Math.max(1, Math.min(INDICATOR_SIZE.width, workArea.width));
  const height = Math.max(1, Math.min(INDICATOR_SIZE.height, workArea.height));
  const margin = (room: number) => Math.max(0, Math.min(INDICATOR_MARGIN, room));
  return {
    x: Math.round(workArea.x + workArea.width - width - margin(workArea.width - width)),
    y: Math.round(workArea.y + workArea.height - height - margin(workArea.height - height)),
    width: Math.round(width),
    height: Math.round(height),
  };
}

export function planWindows(displays: readonly DisplayInfo[], primaryId: number, mode: ShellMode): WindowPlan {
  // The OS may report a display twice while it reconfigures; one window per display id.
  const unique = displays.filter((d, i) => displays.findIndex((e) => e.id === d.id) === i);
  const primary = primaryDisplay(unique, primaryId);
  if (!primary) return { mode, windows: [] };
  const covering = mode === 'lockdown';
  const windows: PlannedWindow[] = unique.map((d) => ({
    key: d.id === primary.id ? 'kiosk' : `cover:${d.id}`,
    role: d.id === primary.id ? 'kiosk' : 'cover',
    displayId: d.id,
    bounds: { ...d.bounds },
    scaleFactor: d.scaleFactor,
    visible: covering,
  }));
  windows.push({
    key: 'indicator',
    role: 'indicator',
    displayId: primary.id,
    bounds: indicatorBounds(primary.workArea),
    scaleFactor: primary.scaleFactor,
    visible: mode === 'step-aside',
  });
  return { mode, windows };
}

export const sameRect = (a: Rect, b: Rect) => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
