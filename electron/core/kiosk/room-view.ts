// Who sees what of the room (red-team finding; FERPA): the teacher opened the whole room from a
// student's computer, and that student's screen then showed every computer's student names, grades
// and notes (suspended, revoked, guardian-denied, supervision) for minutes after the teacher left.
// A student's own session is pushed each computer's state only, and how many need the teacher; the
// names, grades and notes are for a staff session's kiosk alone. Pure: the session decides the role.
import type { Role, RoomComputer } from '../api/contract.ts';

/** A computer that needs the teacher: one with a note (why it is not open), or one not heard from. */
export const needsAttention = (c: RoomComputer): boolean => c.notes.length > 0 || c.state === 'unknown';

export interface RoomViewPart {
  computers: RoomComputer[];
  /** How many computers need the teacher's attention. */
  attention: number;
  /** Each computer's state only: no one's name, grade or notes (a student's session). */
  stateOnly?: true;
}

/** The room as the session of someone in `role` may see it: full for staff, state only for a student. */
export function roomViewFor(role: Role, computers: readonly RoomComputer[]): RoomViewPart {
  const attention = computers.filter(needsAttention).length;
  if (role !== 'student') return { computers: [...computers], attention };
  return {
    computers: computers.map((c) => ({ machine: c.machine, state: c.state, notes: [], seenAt: c.seenAt })),
    attention,
    stateOnly: true,
  };
}
