// The contract between KioskService and whatever shows it (docs/design.md "KioskApi"): what the kiosk
// shows (KioskView), what a person can ask of it (KioskApi), and why it says no. The renderer, the
// preload, Electron's main process and every transport import this folder, so it imports nothing.
import type { UiStringTree } from './ui-language.ts';

/** Roles of docs/design.md. `teacher` means an approved teacher: the only role that may unlock. */
export type Role = 'student' | 'teacher' | 'substitute' | 'staff' | 'administrator';
export const ROLES = ['student', 'teacher', 'substitute', 'staff', 'administrator'] as const satisfies readonly Role[];

/**
 * A student's computer privileges, from the policy's consequences: "Use of district network only
 * under direct supervision" (supervised), "Suspension/Revocation of ... privileges" (suspended, revoked).
 */
export type Privileges = 'active' | 'supervised' | 'suspended' | 'revoked';
export const PRIVILEGES = ['active', 'supervised', 'suspended', 'revoked'] as const satisfies readonly Privileges[];

/** A config problem: where (`lock.unlockMinutes`) and what, in a plain sentence. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** Suspended and revoked are different consequences in the policy ("Suspension/Revocation"): each is said as it is. */
export type LockReason = 'no-teacher' | 'supervision-required' | 'privileges-suspended' | 'privileges-revoked' | 'expired';

/** Reasons the kiosk says no. The renderer translates each one; none carries a secret. */
export type RefusalReason =
  | 'bad-credentials'
  | 'not-approved'
  | 'substitute'
  | 'not-administrator'
  | 'rate-limited'
  | 'reason-required'
  | 'too-long'
  | 'stale-document'
  | 'name-required'
  | 'directory-unavailable'
  /** The evidence could not be written (disk full, folder gone): nothing was granted or recorded. */
  | 'cannot-record'
  | 'not-now'
  | 'invalid-request'
  /** Opening a whole room needs the district database, and this kiosk has none. */
  | 'no-district-database';

export type Outcome =
  | { ok: true }
  /** `maxMinutes` with `too-long`: the most minutes this signer may give (the district's rule), so the form can say it. */
  | { ok: false; reason: RefusalReason; retryAfterSeconds?: number; message?: string; maxMinutes?: number };

export interface LanguageChoice {
  code: string;
  /** The language's own name for itself ("English", "Español"). */
  name: string;
}

export interface ViewUser {
  username: string;
  /** The formal name the district keeps ("López, Ana"): what a typed-name signature is checked against. */
  displayName: string;
  /** The name to greet with, as people say it ("Ana López"); absent: greet with displayName. */
  greetingName?: string;
  role: Role;
  grade?: number;
  gradeBand?: string;
}

/** What every screen needs to frame itself: the district, the room, the language. */
export interface ViewContext {
  /** `logo` is a data: URL, so every transport (aup:// in Electron, the loopback bridge) shows it alike. */
  district: { name: string; logo?: string };
  site: { campus: string; room: string };
  language: string;
  languages: LanguageChoice[];
  /** Now, as an ISO instant with the district's offset, so the lock screen's clock matches the kiosk's. */
  now: string;
  timeZone: string;
  /**
   * The UI strings of a language the district added (not bundled with the renderer), checked by the
   * kiosk against English's keys and placeholders; a key it lacks falls back to English.
   */
  uiStrings?: UiStringTree;
}

/**
 * A recording of a document read aloud, shipped in the catalog and hashed like the text (issue 14):
 * read-aloud without an installed voice. `src` names it by hash, `/audio/<sha256>.opus` on the page's
 * own origin (aup://kiosk in Electron, the loopback bridge): the view never carries the bytes, and each
 * transport serves them only while the catalog's file still hashes to `sha256` (policy/recordings.ts).
 */
export interface PolicyAudioView {
  /** SHA-256 (hex) of the recording's bytes, as in the catalog. */
  sha256: string;
  type: string;
  src: string;
}

export interface PolicyDocumentView {
  policyId: string;
  /** "summary": the plain-words version shown above the full text (K-5), its own hashed document. */
  kind: 'aup' | 'safety-rules' | 'summary';
  title: string;
  version: string;
  effective: string;
  language: string;
  /** SHA-256 (hex) of `markdown`'s UTF-8 bytes: what the acceptance says was shown. */
  sha256: string;
  markdown: string;
  /** A translation the district has not reviewed yet. */
  reviewed: boolean;
  /** The text read aloud, when the catalog ships a recording of it. */
  audio?: PolicyAudioView;
}

export type KioskView =
  | { kind: 'loading'; context?: ViewContext }
  | { kind: 'config-error'; source: string | null; problems: ConfigProblem[] }
  /** The machine service cannot be reached: every screen stays covered and nothing opens (the app says so, not the service). */
  | { kind: 'service-unavailable' }
  | {
      kind: 'policy';
      context: ViewContext;
      user: ViewUser;
      document: PolicyDocumentView;
      /** The plain-words summary shown above `document` (K-5), when the catalog has one: the acceptance names it too. */
      summary?: PolicyDocumentView;
      /** Staff and grades 6-12 type their full name; elementary students press a large "I agree". */
      signature: 'typed-name' | 'i-agree';
    }
  | { kind: 'safety-rules'; context: ViewContext; user: ViewUser; document: PolicyDocumentView; mustAcknowledge: boolean }
  /** The policy this person accepted, opened again to read (`openPolicy`): nothing to accept, only to close. */
  /** `summary`: the plain-words summary shown above it when it was accepted (K-5), shown again. */
  | { kind: 'policy-accepted'; context: ViewContext; user: ViewUser; document: PolicyDocumentView; summary?: PolicyDocumentView }
  | {
      kind: 'locked';
      context: ViewContext;
      user: ViewUser;
      reason: LockReason;
      /** Only an administrator override opens this session (suspended or revoked privileges). */
      overrideOnly: boolean;
      guardianDeniedInternet: boolean;
    }
  | {
      kind: 'unlocked';
      context: ViewContext;
      user: ViewUser;
      until: string;
      /** Username of the teacher or administrator, and their name as people read it. */
      by: string;
      byName: string;
      unlockKind: 'teacher' | 'override';
      /**
       * Opened with the whole room for the class period (issue 11), by `by`. `computers`: the room, on
       * the kiosk where it was opened, for a few minutes after; `attention`: how many of its computers
       * need the teacher. A student's session gets each computer's state only (`stateOnly`: no user, no
       * notes; FERPA), a staff session the names, grades and notes.
       */
      room?: { grantId: string; computers?: RoomComputer[]; attention?: number; stateOnly?: true };
      /** True from `lock.warnBeforeMinutes` before `until`. */
      warning: boolean;
      guardianDeniedInternet: boolean;
    }
  /** `room`: a staff member who opened the room from their own computer sees it there, in full, for a few minutes. */
  | { kind: 'free'; context: ViewContext; user: ViewUser; room?: { computers: RoomComputer[]; attention: number } };

export type KioskViewKind = KioskView['kind'];

export interface AcceptPolicyRequest {
  policyId: string;
  version: string;
  sha256: string;
  language: string;
  typedName?: string;
}

export interface AcknowledgeSafetyRulesRequest {
  rulesId: string;
  version: string;
}

export interface TeacherUnlockRequest {
  username: string;
  secret: string;
}

export interface AdminOverrideRequest {
  username: string;
  secret: string;
  reason: string;
  minutes: number;
}

/** "Open this room": every student computer of this campus and room, until the end of the period. */
export interface OpenRoomRequest {
  username: string;
  secret: string;
  /** Omitted: to the end of the current bell period (or `lock.unlockMinutes` where no schedule says). */
  minutes?: number;
  /** An administrator opening the room as an override gives a reason. */
  reason?: string;
}

/** "End class": every student computer of the room locks again. */
export interface EndClassRequest {
  username: string;
  secret: string;
}

/** One computer of the room, as the teacher who opened it sees it. */
export interface RoomComputer {
  machine: string;
  /** Who is signed in there now; absent when nobody is. */
  user?: { username: string; displayName: string; grade?: number };
  state: 'locked' | 'unlocked' | 'policy' | 'free' | 'unknown';
  /** Why it is so: policy pending, suspended, supervision, a guardian's denial of Internet access. */
  notes: ('policy-pending' | 'suspended' | 'revoked' | 'supervision' | 'guardian-denied')[];
  /** When the kiosk last reported (ISO with offset). */
  seenAt: string;
}

/** The contract between the one authority (KioskService) and whatever shows it. */
export interface KioskApi {
  getView(): Promise<KioskView>;
  onView(listener: (view: KioskView) => void): () => void;
  acceptPolicy(request: AcceptPolicyRequest): Promise<Outcome>;
  acknowledgeSafetyRules(request: AcknowledgeSafetyRulesRequest): Promise<Outcome>;
  teacherUnlock(request: TeacherUnlockRequest): Promise<Outcome>;
  adminOverride(request: AdminOverrideRequest): Promise<Outcome>;
  setLanguage(language: string): Promise<Outcome>;
  openSafetyRules(): Promise<Outcome>;
  /** Leaves the re-opened Internet Safety rules and returns to the session's screen. */
  closeSafetyRules(): Promise<Outcome>;
  /** Shows the policy this person accepted, to read again (no new acceptance). */
  openPolicy(): Promise<Outcome>;
  /** Leaves the re-opened policy and returns to the session's screen. */
  closePolicy(): Promise<Outcome>;
  /** Opens every student computer of this room for the class period (district database only). */
  openRoom(request: OpenRoomRequest): Promise<Outcome>;
  /** Relocks every student computer of this room now. */
  endClass(request: EndClassRequest): Promise<Outcome>;
}

/** The intents a transport may carry: exactly KioskApi's methods, minus the subscription. */
export const KIOSK_INTENTS = [
  'getView',
  'acceptPolicy',
  'acknowledgeSafetyRules',
  'teacherUnlock',
  'adminOverride',
  'setLanguage',
  'openSafetyRules',
  'closeSafetyRules',
  'openPolicy',
  'closePolicy',
  'openRoom',
  'endClass',
] as const satisfies readonly (keyof KioskApi)[];
export type KioskIntent = (typeof KIOSK_INTENTS)[number];
