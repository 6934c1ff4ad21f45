// The kiosk's time against a wall clock a student can set: back is ignored, forward is taken.
import { describe, expect, it } from 'vitest';
import { ManualClock, NonDecreasingClock } from '../../../electron/core/time.ts';

describe("the kiosk's time", () => {
  it('keeps running from where it was when the wall clock is set back', () => {
    const wall = new ManualClock('2026-10-06T15:00:00Z');
    let mono = 1_000;
    const clock = new NonDecreasingClock(wall, () => mono);
    expect(clock.now().toISOString()).toBe('2026-10-06T15:00:00.000Z');
    wall.set('2026-10-06T14:00:00Z');
    mono += 30_000;
    expect(clock.now().toISOString()).toBe('2026-10-06T15:00:30.000Z');
    wall.advance(10_000); // still behind
    mono += 10_000;
    expect(clock.now().toISOString()).toBe('2026-10-06T15:00:40.000Z');
  });

  it('takes a jump forward (the clock corrected by NTP)', () => {
    const wall = new ManualClock('2026-10-06T15:00:00Z');
    const clock = new NonDecreasingClock(wall, () => 0);
    wall.set('2026-10-06T16:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-10-06T16:00:00.000Z');
  });

  it('never starts before the floor a previous run saved', () => {
    const wall = new ManualClock('2026-10-06T14:00:00Z');
    const clock = new NonDecreasingClock(wall, () => 0, new Date('2026-10-06T15:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-10-06T15:00:00.000Z');
  });
});
