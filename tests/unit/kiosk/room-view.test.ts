// The room as each session may see it (FERPA): a student's session, each computer's state and how many
// need the teacher; a staff session, the room in full.
import { describe, expect, it } from 'vitest';
import { ROLES, type RoomComputer } from '../../../electron/core/api/contract.ts';
import { roomViewFor } from '../../../electron/core/kiosk/room-view.ts';

const ROOM: RoomComputer[] = [
  {
    machine: 'LAB-01',
    user: { username: 'diego.ramos', displayName: 'Diego Ramos', grade: 10 },
    state: 'unlocked',
    notes: [],
    seenAt: '2026-10-06T10:00:00-05:00',
  },
  {
    machine: 'LAB-02',
    user: { username: 'eli.brooks', displayName: 'Eli Brooks', grade: 7 },
    state: 'locked',
    notes: ['suspended'],
    seenAt: '2026-10-06T10:00:01-05:00',
  },
  {
    machine: 'LAB-03',
    user: { username: 'ana.r', displayName: 'Ana R', grade: 8 },
    state: 'locked',
    notes: ['guardian-denied', 'supervision'],
    seenAt: '2026-10-06T10:00:02-05:00',
  },
  { machine: 'LAB-04', state: 'unknown', notes: [], seenAt: '2026-10-06T09:58:00-05:00' },
  { machine: 'LAB-05', state: 'free', notes: [], seenAt: '2026-10-06T10:00:03-05:00' },
];

describe('roomViewFor', () => {
  it("a student's session: machine, state and time of each computer, nobody's name, grade or notes; the count needing the teacher", () => {
    const view = roomViewFor('student', ROOM);
    expect(view).toEqual({
      stateOnly: true,
      attention: 3, // a suspension, a guardian's denial with supervision, a computer not heard from
      computers: ROOM.map(({ machine, state, seenAt }) => ({ machine, state, notes: [], seenAt })),
    });
    expect(JSON.stringify(view)).not.toMatch(/Eli|Diego|Ana|grade|suspended|guardian|supervision/);
  });

  it('every staff role: the room in full, with the same count', () => {
    for (const role of ROLES.filter((r) => r !== 'student')) expect(roomViewFor(role, ROOM), role).toEqual({ computers: ROOM, attention: 3 });
  });
});
