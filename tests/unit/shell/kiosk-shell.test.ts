// KioskShell with a small real implementation of its two narrow interfaces (Signal Desktop's way):
// a screen whose displays the test plugs in and out, and a host that keeps its windows in a Map.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryLog } from '../../../electron/core/log.ts';
import { KioskShell, type ShellScreen, type ShellWindowHost } from '../../../electron/core/shell/kiosk-shell.ts';
import type { DisplayInfo, PlannedWindow } from '../../../electron/core/shell/window-plan.ts';
import { RendererRecovery } from '../../../electron/core/shell/renderer-recovery.ts';
import type { KioskViewKind } from '../../../electron/core/api/contract.ts';

class Screens implements ShellScreen {
  list: DisplayInfo[] = [];
  primary = 1;
  displays() {
    return this.list.map((d) => ({ ...d }));
  }
  primaryDisplayId() {
    return this.primary;
  }
}

interface FakeWindow {
  role: string;
  bounds: PlannedWindow['bounds'];
  shown: boolean;
  focused: boolean;
}

/** Windows in a Map, with the calls in order; a window is on screen only between show and hide. */
class Windows implements ShellWindowHost {
  readonly open = new Map<string, FakeWindow>();
  readonly calls: string[] = [];
  create(w: PlannedWindow) {
    if (this.open.has(w.key)) throw new Error(`${w.key} opened twice`);
    this.open.set(w.key, { role: w.role, bounds: w.bounds, shown: false, focused: false });
    this.calls.push(`create ${w.key}`);
  }
  move(w: PlannedWindow) {
    this.get(w.key).bounds = w.bounds;
    this.calls.push(`move ${w.key}`);
  }
  show(w: PlannedWindow) {
    const win = this.get(w.key);
    win.shown = true;
    if (w.role === 'kiosk') for (const other of this.open.values()) other.focused = other === win;
    this.calls.push(`show ${w.key}`);
  }
  hide(w: PlannedWindow) {
    const win = this.get(w.key);
    win.shown = false;
    win.focused = false;
    this.calls.push(`hide ${w.key}`);
  }
  destroy(key: string) {
    this.get(key);
    this.open.delete(key);
    this.calls.push(`destroy ${key}`);
  }
  get(key: string) {
    const win = this.open.get(key);
    if (!win) throw new Error(`no window ${key}`);
    return win;
  }
  onScreen() {
    return [...this.open.entries()]
      .filter(([, w]) => w.shown)
      .map(([k]) => k)
      .sort();
  }
}

const display = (id: number, x: number): DisplayInfo => ({
  id,
  bounds: { x, y: 0, width: 1920, height: 1080 },
  workArea: { x, y: 0, width: 1920, height: 1040 },
  scaleFactor: 1,
});

function setup(displays = [display(1, 0)]) {
  const screens = new Screens();
  screens.list = displays;
  const windows = new Windows();
  const log = new MemoryLog();
  const shell = new KioskShell(windows, screens, log);
  return { screens, windows, log, shell };
}

describe('the kiosk shell', () => {
  it('covers the screens before the first view arrives (fails closed)', () => {
    const { windows, shell } = setup([display(1, 0), display(2, 1920)]);
    shell.apply();
    expect(windows.onScreen()).toEqual(['cover:2', 'kiosk']);
    expect(windows.get('kiosk').focused).toBe(true);
  });

  it('steps aside when a teacher unlocks, and comes back, focused, at the relock', () => {
    const { windows, shell } = setup([display(1, 0), display(2, 1920)]);
    shell.viewChanged('locked');
    shell.viewChanged('unlocked');
    expect(windows.onScreen()).toEqual(['indicator']);
    shell.viewChanged('locked');
    expect(windows.onScreen()).toEqual(['cover:2', 'kiosk']);
    expect(windows.get('kiosk').focused).toBe(true);
    // The same windows throughout: stepping aside hides them, it does not close them.
    expect(windows.calls.filter((c) => c.startsWith('create'))).toHaveLength(3);
    expect(windows.calls.filter((c) => c.startsWith('destroy'))).toEqual([]);
  });

  it('opening the safety rules from the indicator brings the kiosk page back', () => {
    const { windows, shell } = setup();
    shell.viewChanged('unlocked');
    shell.viewChanged('safety-rules');
    expect(windows.onScreen()).toEqual(['kiosk']);
  });

  it('covers a display plugged in while locked, and drops the cover of one unplugged', () => {
    const { screens, windows, shell } = setup();
    shell.viewChanged('policy');
    screens.list = [display(1, 0), display(5, -1280)];
    shell.displaysChanged();
    expect(windows.onScreen()).toEqual(['cover:5', 'kiosk']);
    expect(windows.get('cover:5').bounds).toEqual(display(5, -1280).bounds);
    screens.list = [display(1, 0)];
    shell.displaysChanged();
    expect(windows.open.has('cover:5')).toBe(false);
  });

  it('a display plugged in while unlocked gets a hidden cover, shown at the relock', () => {
    const { screens, windows, shell } = setup();
    shell.viewChanged('unlocked');
    screens.list = [display(1, 0), display(2, 1920)];
    shell.displaysChanged();
    expect(windows.onScreen()).toEqual(['indicator']);
    shell.viewChanged('locked');
    expect(windows.onScreen()).toEqual(['cover:2', 'kiosk']);
  });

  it('moves the kiosk page to a new primary display without reloading it', () => {
    const { screens, windows, shell } = setup([display(1, 0), display(2, 1920)]);
    shell.viewChanged('locked');
    screens.primary = 2;
    shell.displaysChanged();
    expect(windows.get('kiosk').bounds.x).toBe(1920);
    expect(windows.calls).toContain('move kiosk');
    expect(windows.calls.filter((c) => c === 'create kiosk')).toHaveLength(1);
    expect(windows.onScreen()).toEqual(['cover:1', 'kiosk']);
  });

  it('a kiosk window someone hid or closed comes back while locked', () => {
    const { windows, shell, log } = setup();
    shell.viewChanged('locked');
    windows.get('kiosk').shown = false; // hidden behind the shell's back
    shell.windowDisturbed('kiosk');
    expect(windows.onScreen()).toEqual(['kiosk']);
    windows.open.delete('kiosk'); // closed by the OS
    shell.windowDisturbed('kiosk', true);
    expect(windows.onScreen()).toEqual(['kiosk']);
    expect(log.lines.some((l) => l.includes('kiosk window was closed'))).toBe(true);
  });

  it('a window hidden on purpose (stepped aside) stays hidden when the OS reports it', () => {
    const { windows, shell } = setup();
    shell.viewChanged('unlocked');
    shell.windowDisturbed('kiosk');
    expect(windows.onScreen()).toEqual(['indicator']);
  });

  it('logs each change of screen, for the technician', () => {
    const { shell, log } = setup();
    shell.viewChanged('locked');
    shell.viewChanged('locked');
    shell.viewChanged('unlocked');
    expect(log.lines.filter((l) => l.startsWith('info screen'))).toEqual([
      'info screen {"view":"locked","windows":"lockdown"}',
      'info screen {"view":"unlocked","windows":"step-aside"}',
    ]);
  });

  it('whatever the views and displays, what is on screen is what the current view asks for', () => {
    const kinds: KioskViewKind[] = ['loading', 'config-error', 'policy', 'safety-rules', 'locked', 'unlocked', 'free'];
    const step = fc.oneof(
      fc.record({ view: fc.constantFrom(...kinds) }),
      fc.record({
        displays: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        primary: fc.integer({ min: 1, max: 6 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
        const { screens, windows, shell } = setup();
        let kind: KioskViewKind = 'loading';
        shell.apply();
        for (const s of steps) {
          if ('view' in s) {
            kind = s.view;
            shell.viewChanged(kind);
          } else {
            screens.list = s.displays.map((id, i) => display(id, i * 1920));
            screens.primary = s.primary;
            shell.displaysChanged();
          }
        }
        const ids = screens.list.map((d) => d.id);
        const primary = ids.includes(screens.primary) ? screens.primary : ids[0]!;
        const expected =
          kind === 'unlocked' ? ['indicator'] : kind === 'free' ? [] : ['kiosk', ...ids.filter((id) => id !== primary).map((id) => `cover:${id}`)];
        expect(windows.onScreen()).toEqual(expected.sort());
        expect([...windows.open.keys()].sort()).toEqual(
          ['indicator', 'kiosk', ...ids.filter((id) => id !== primary).map((id) => `cover:${id}`)].sort(),
        );
      }),
    );
  });
});

describe('a crashed kiosk page', () => {
  it('is loaded again at once, and ever more slowly if it keeps crashing', () => {
    const r = new RendererRecovery();
    const t0 = 1_000_000;
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => r.crashed(t0 + i * 1000))).toEqual([0, 0, 1000, 5000, 15000, 30000, 30000, 30000]);
    // Five quiet minutes later a crash counts as a first one again.
    expect(r.crashed(t0 + 7000 + 5 * 60_000 + 1)).toBe(0);
  });
});
