import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  INDICATOR_SIZE,
  indicatorBounds,
  planWindows,
  shellModeFor,
  type DisplayInfo,
  type Rect,
  type ShellMode,
} from '../../../electron/core/shell/window-plan.ts';
import type { KioskViewKind } from '../../../electron/core/api/contract.ts';

const rect = (x: number, y: number, width: number, height: number): Rect => ({ x, y, width, height });
const laptop: DisplayInfo = { id: 1, bounds: rect(0, 0, 1920, 1080), workArea: rect(0, 0, 1920, 1040), scaleFactor: 1.25 };
const projector: DisplayInfo = { id: 7, bounds: rect(1920, -200, 1024, 768), workArea: rect(1920, -200, 1024, 768), scaleFactor: 1 };

const inside = (r: Rect, outer: Rect) =>
  r.x >= outer.x && r.y >= outer.y && r.x + r.width <= outer.x + outer.width && r.y + r.height <= outer.y + outer.height;

// Displays as an OS reports them: any position (left of, above the primary), any size, a work area
// inside the bounds (a taskbar or Dock on any side), unique ids.
const displayArb = (id: number) =>
  fc
    .record({
      x: fc.integer({ min: -8000, max: 8000 }),
      y: fc.integer({ min: -8000, max: 8000 }),
      width: fc.integer({ min: 320, max: 7680 }),
      height: fc.integer({ min: 240, max: 4320 }),
      left: fc.integer({ min: 0, max: 200 }),
      top: fc.integer({ min: 0, max: 200 }),
      right: fc.integer({ min: 0, max: 200 }),
      bottom: fc.integer({ min: 0, max: 200 }),
      scaleFactor: fc.constantFrom(1, 1.25, 1.5, 2, 3),
    })
    .map(({ x, y, width, height, left, top, right, bottom, scaleFactor }) => ({
      id,
      bounds: rect(x, y, width, height),
      workArea: rect(x + left, y + top, Math.max(1, width - left - right), Math.max(1, height - top - bottom)),
      scaleFactor,
    }));
const displaysArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 2 ** 31 }), { minLength: 1, maxLength: 6 })
  .chain((ids) => fc.tuple(...ids.map(displayArb)))
  .chain((displays) => fc.record({ displays: fc.constant(displays), primary: fc.constantFrom(...displays.map((d) => d.id)) }));
const modeArb = fc.constantFrom<ShellMode>('lockdown', 'step-aside', 'away');

describe('which kiosk windows exist, and where', () => {
  it('anything that is not plainly an open session keeps the screens covered', () => {
    const kinds: KioskViewKind[] = ['loading', 'config-error', 'policy', 'safety-rules', 'locked', 'unlocked', 'free'];
    expect(Object.fromEntries(kinds.map((k) => [k, shellModeFor(k)]))).toEqual({
      loading: 'lockdown',
      'config-error': 'lockdown',
      policy: 'lockdown',
      'safety-rules': 'lockdown',
      locked: 'lockdown',
      unlocked: 'step-aside',
      free: 'away',
    });
  });

  it('while locked, every display is covered: the kiosk page on the primary one, a cover on each other', () => {
    fc.assert(
      fc.property(displaysArb, ({ displays, primary }) => {
        const plan = planWindows(displays, primary, 'lockdown');
        for (const d of displays) {
          const full = plan.windows.filter((w) => w.displayId === d.id && w.role !== 'indicator');
          expect(full).toHaveLength(1);
          expect(full[0]!.bounds).toEqual(d.bounds);
          expect(full[0]!.visible).toBe(true);
          expect(full[0]!.role).toBe(d.id === primary ? 'kiosk' : 'cover');
        }
        expect(plan.windows.filter((w) => w.visible && w.role === 'kiosk')).toHaveLength(1);
        expect(plan.windows.find((w) => w.role === 'indicator')!.visible).toBe(false);
      }),
    );
  });

  it('when a teacher unlocks, the windows step aside and only the indicator shows, inside the primary work area', () => {
    fc.assert(
      fc.property(displaysArb, ({ displays, primary }) => {
        const plan = planWindows(displays, primary, 'step-aside');
        const visible = plan.windows.filter((w) => w.visible);
        expect(visible.map((w) => w.role)).toEqual(['indicator']);
        const workArea = displays.find((d) => d.id === primary)!.workArea;
        expect(inside(visible[0]!.bounds, workArea)).toBe(true);
        expect(visible[0]!.bounds.width).toBeLessThanOrEqual(INDICATOR_SIZE.width);
      }),
    );
  });

  it('for staff with nothing to do, nothing is on screen', () => {
    fc.assert(
      fc.property(displaysArb, ({ displays, primary }) => {
        expect(planWindows(displays, primary, 'away').windows.filter((w) => w.visible)).toEqual([]);
      }),
    );
  });

  it('whatever the mode, the same windows exist (hidden ones wait for the relock), under unique keys', () => {
    fc.assert(
      fc.property(displaysArb, modeArb, ({ displays, primary }, mode) => {
        const plan = planWindows(displays, primary, mode);
        const keys = plan.windows.map((w) => w.key);
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys.sort()).toEqual(
          planWindows(displays, primary, 'lockdown')
            .windows.map((w) => w.key)
            .sort(),
        );
        expect(plan.windows).toHaveLength(displays.length + 1);
      }),
    );
  });

  it('the kiosk page keeps its window when the primary display changes; covers follow their displays', () => {
    const before = planWindows([laptop, projector], laptop.id, 'lockdown');
    const after = planWindows([laptop, projector], projector.id, 'lockdown');
    expect(before.windows.find((w) => w.key === 'kiosk')!.displayId).toBe(laptop.id);
    expect(after.windows.find((w) => w.key === 'kiosk')!.displayId).toBe(projector.id);
    expect(after.windows.map((w) => w.key).sort()).toEqual(['cover:1', 'indicator', 'kiosk']);
  });

  it('a display plugged in later gets its own cover', () => {
    const one = planWindows([laptop], laptop.id, 'lockdown');
    const two = planWindows([laptop, projector], laptop.id, 'lockdown');
    expect(one.windows.map((w) => w.key).sort()).toEqual(['indicator', 'kiosk']);
    expect(two.windows.find((w) => w.key === 'cover:7')).toMatchObject({ role: 'cover', bounds: projector.bounds, visible: true, scaleFactor: 1 });
  });

  it('no display (a headless moment during reconfiguration): no windows, no error', () => {
    expect(planWindows([], 1, 'lockdown')).toEqual({ mode: 'lockdown', windows: [] });
  });

  it('a primary id the display list does not know: the first display is treated as primary', () => {
    expect(planWindows([projector, laptop], 99, 'lockdown').windows.find((w) => w.role === 'kiosk')!.displayId).toBe(projector.id);
  });

  it('a display reported twice while the OS reconfigures gets one window', () => {
    expect(planWindows([laptop, laptop, projector], laptop.id, 'lockdown').windows).toHaveLength(3);
  });

  it('the indicator sits in the bottom-right corner above the taskbar, and shrinks on a tiny work area', () => {
    expect(indicatorBounds(laptop.workArea)).toEqual({
      x: 1920 - 16 - INDICATOR_SIZE.width,
      y: 1040 - 16 - INDICATOR_SIZE.height,
      ...INDICATOR_SIZE,
    });
    expect(indicatorBounds(rect(10, 20, 200, 50))).toEqual(rect(10, 20, 200, 50));
  });
});
