// The renderer's state: a mirror of the view the kiosk pushed, plus what only this page knows (which
// sign-in form is open, whether an intent is on its way, the last refusal to announce). Nothing here
// decides that a session is unlocked or a policy accepted. Actions are named as events.
import { create } from 'zustand';
import type { KioskView, Outcome, RefusalReason } from '../electron/core/api/contract.ts';
import type { ConnectionState } from './bridge-client.ts';

/** The sign-in form shown over the lock screen (or, for "End class", over a room's unlocked screen), if any. */
export type Panel = 'none' | 'teacher-unlock' | 'admin-override' | 'open-room' | 'end-class';

/** The screen each form is shown over: elsewhere it is not offered. */
const PANEL_OVER: Record<Exclude<Panel, 'none'>, KioskView['kind']> = {
  'teacher-unlock': 'locked',
  'admin-override': 'locked',
  'open-room': 'locked',
  'end-class': 'unlocked',
};

export interface Refusal {
  reason: RefusalReason;
  retryAfterSeconds?: number;
  /** With `too-long`: the most minutes the district allows this signer. */
  maxMinutes?: number;
  /** When sign-ins open again, in kiosk time (ms): the wait counts down from here. */
  retryAt?: number;
  /** Increases on each refusal so the same reason twice is announced twice. */
  seq: number;
}

export interface KioskState {
  view: KioskView;
  connection: ConnectionState;
  panel: Panel;
  busy: boolean;
  refusal: Refusal | null;
  /** Kiosk time minus page time, from the last view's `context.now` (the lock screen's clock). */
  clockSkewMs: number;
  /** The reader's text size, in percent (100-200). */
  textSize: number;

  viewReceived(view: KioskView): void;
  connectionChanged(state: ConnectionState): void;
  teacherUnlockOpened(): void;
  adminOverrideOpened(): void;
  openRoomOpened(): void;
  endClassOpened(): void;
  panelClosed(): void;
  /** `keepRefusal`: an intent that does not answer the refusal on screen (a language switch keeps it, translated). */
  intentSent(keepRefusal?: boolean): void;
  outcomeReceived(outcome: Outcome, keepRefusal?: boolean): void;
  textSizeChosen(percent: number): void;
}

export const TEXT_SIZES = [100, 125, 150, 175, 200] as const;

let refusalSeq = 0;

export const useKiosk = create<KioskState>()((set) => ({
  view: { kind: 'loading' },
  connection: 'connecting',
  panel: 'none',
  busy: false,
  refusal: null,
  clockSkewMs: 0,
  textSize: 100,

  viewReceived: (view) =>
    set((state) => {
      const sameScreen = state.view.kind === view.kind;
      const now = 'context' in view && view.context ? Date.parse(view.context.now) : NaN;
      return {
        view,
        // A sign-in form stays open while its screen is refreshed (clock ticks), and closes
        // when the kiosk moves on (unlocked, locked again, back to the policy in a new year, ...).
        panel: sameScreen ? state.panel : 'none',
        refusal: sameScreen ? state.refusal : null,
        clockSkewMs: Number.isFinite(now) ? now - Date.now() : state.clockSkewMs,
      };
    }),
  connectionChanged: (connection) => set({ connection }),
  textSizeChosen: (percent) => set({ textSize: Math.min(200, Math.max(100, percent)) }),
  teacherUnlockOpened: () => set({ panel: 'teacher-unlock', refusal: null }),
  adminOverrideOpened: () => set({ panel: 'admin-override', refusal: null }),
  openRoomOpened: () => set({ panel: 'open-room', refusal: null }),
  endClassOpened: () => set({ panel: 'end-class', refusal: null }),
  panelClosed: () => set({ panel: 'none', refusal: null }),
  intentSent: (keepRefusal = false) => set(keepRefusal ? { busy: true } : { busy: true, refusal: null }),
  outcomeReceived: (outcome, keepRefusal = false) =>
    set((state) =>
      outcome.ok
        ? keepRefusal
          ? { busy: false }
          : { busy: false, refusal: null }
        : {
            busy: false,
            refusal: {
              reason: outcome.reason,
              ...(outcome.retryAfterSeconds !== undefined
                ? { retryAfterSeconds: outcome.retryAfterSeconds, retryAt: Date.now() + state.clockSkewMs + outcome.retryAfterSeconds * 1000 }
                : {}),
              ...(outcome.maxMinutes !== undefined ? { maxMinutes: outcome.maxMinutes } : {}),
              seq: ++refusalSeq,
            },
          },
    ),
}));

/** The screen being shown: the view's kind, or the sign-in form over it. */
export type ScreenKey = KioskView['kind'] | Exclude<Panel, 'none'>;

export function screenOf(view: KioskView, panel: Panel): ScreenKey {
  if (panel === 'none' || PANEL_OVER[panel] !== view.kind) return view.kind;
  // "End class" only over a session the room opened.
  return panel === 'end-class' && !(view.kind === 'unlocked' && view.room) ? view.kind : panel;
}
