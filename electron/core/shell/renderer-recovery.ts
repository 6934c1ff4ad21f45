// A kiosk page whose renderer crashed or hung is loaded again, so a locked session never shows an
// empty window. A page that keeps crashing is reloaded ever more slowly rather than in a hot loop.

/** How long a page may stay unresponsive before its renderer is ended and the page loaded again. */
export const HANG_GRACE_MS = 10_000;

const WINDOW_MS = 5 * 60_000;
const DELAYS_MS = [0, 0, 1_000, 5_000, 15_000, 30_000];

export class RendererRecovery {
  readonly #crashes: number[] = [];

  /** A renderer is gone at `now` (ms): how long to wait before loading the page again. */
  crashed(now: number): number {
    while (this.#crashes.length > 0 && now - this.#crashes[0]! > WINDOW_MS) this.#crashes.shift();
    this.#crashes.push(now);
    return DELAYS_MS[Math.min(this.#crashes.length - 1, DELAYS_MS.length - 1)]!;
  }

  /** Crashes within the last five minutes, for the log. */
  get recentCrashes(): number {
    return this.#crashes.length;
  }
}
