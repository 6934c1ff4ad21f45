// What a ledger record is, as zod schemas: the shape a caller hands to `append` (NewLedgerRecord)
// and the shape on disk (LedgerRecord). One set of field rules serves both, so what is refused at
// the door is also what `verify` calls "not a ledger record".
import { z } from 'zod';
import { parseLocalDate } from '../time.ts';
import { parseSchoolYear } from '../school-year.ts';
import { ROLES } from '../api/contract.ts';

export const RECORD_TYPES = [
  'acceptance',
  'guardian-agreement',
  'safety-ack',
  'unlock',
  'override',
  'denied',
  'auth-failure',
  'session-ended',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
const HEX64 = /^[0-9a-f]{64}$/;

const Username = z.string().trim().min(1).max(256).regex(NO_CONTROL, 'must not contain control characters');
const Identifier = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, ".", "_" or "-"');
const Language = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a language code like "en" or "es-MX"');
const Sha256Hex = z.string().regex(HEX64, 'expected 64 lowercase hex digits');
const IsoWithOffset = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 instant with an offset' });
const LocalDateText = z.string().refine((s) => parseLocalDate(s) !== null, 'expected a local date YYYY-MM-DD');
export const SchoolYearText = z.string().refine((s) => parseSchoolYear(s) !== null, 'expected a school year like 2026-27');
const RefusalCode = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9-]*$/, 'expected a reason code like "substitute"');
const Minutes = z
  .number()
  .int()
  .min(1)
  .max(24 * 60);

/** Where a record was made. Given once to `Ledger.open`, stamped on every record. */
export const MachineIdentitySchema = z.strictObject({
  machine: Username,
  campus: Username,
  room: Username,
  appVersion: z.string().min(1).max(64).regex(NO_CONTROL, 'must not contain control characters'),
});
export type MachineIdentity = z.infer<typeof MachineIdentitySchema>;

// A policy acceptance: at the kiosk, or a signed paper form typed in later by staff.
const acceptanceFields = {
  policyId: Identifier,
  version: Identifier,
  language: Language,
  /** SHA-256 of the exact document text that was shown (or printed). */
  sha256: Sha256Hex,
  method: z.enum(['kiosk', 'paper']),
  typedName: z.string().trim().min(1).max(200).regex(NO_CONTROL, 'must not contain control characters').optional(),
  /** Paper: the local date written on the form. */
  signedOn: LocalDateText.optional(),
  signer: z.enum(['student', 'guardian', 'staff']).optional(),
  /** Paper: the staff member who typed the form in. */
  enteredBy: Username.optional(),
  /**
   * Kiosk (issue 12): SHA-256 of the machine config file's bytes in force when the record was made,
   * and the audience rule that chose this policy (the user's role, grade and grade band), so a
   * hearing can tell why this student saw this text. Absent on records made before they existed.
   */
  configSha256: Sha256Hex.optional(),
  audience: z
    .strictObject({
      role: z.enum(ROLES),
      grade: z.number().int().min(-1).max(12).optional(), // -1 is PK, 0 is K
      gradeBand: Identifier.optional(),
    })
    .optional(),
  /** Kiosk: the plain-words summary shown above the policy (K-5), as its own hashed document. */
  summary: z.strictObject({ policyId: Identifier, version: Identifier, language: Language, sha256: Sha256Hex }).optional(),
};
const PAPER_ONLY = ['signedOn', 'signer', 'enteredBy'] as const;
const KIOSK_ONLY = ['configSha256', 'audience', 'summary'] as const;

function paperRule(
  v: {
    method: 'kiosk' | 'paper';
    signedOn?: string;
    signer?: string;
    enteredBy?: string;
    configSha256?: string;
    audience?: object;
    summary?: object;
  },
  ctx: z.RefinementCtx,
) {
  for (const key of PAPER_ONLY) {
    if (v.method === 'paper' && v[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'required for a paper form' });
    if (v.method === 'kiosk' && v[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'only for a paper form' });
  }
  for (const key of KIOSK_ONLY) {
    if (v.method === 'paper' && v[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'only for a kiosk record' });
  }
}

const safetyAckFields = { rulesId: Identifier, version: Identifier };
const unlockFields = {
  /** The teacher (or administrator) who unlocked. */
  by: Username,
  until: IsoWithOffset,
  minutes: Minutes,
  /** The room grant that opened this session with the whole room (issue 11), when it was one. */
  roomGrant: z.uuid().optional(),
};
const overrideFields = { ...unlockFields, reason: z.string().trim().min(1).max(1000) };
const deniedFields = { by: Username, refusal: RefusalCode };
const authFailureFields = {
  /** The username as typed, possibly empty. The secret is never a field: unknown keys are refused. */
  attemptedBy: z.string().max(256),
  refusal: RefusalCode,
};
/**
 * The machine service ended a student's OS session: its kiosk screens went away while it was locked
 * and did not come back within the grace, or a signed-in session never showed them. What ran says
 * how (the command and its exit code), so a technician can tell a refused sign-out from a done one.
 */
const sessionEndedFields = {
  why: z.enum(['screen-gone', 'no-screen']),
  /** What the session showed last: locked, policy, safety-rules (never unlocked or free). */
  showing: z.string().min(1).max(40),
  command: z.string().min(1).max(500),
  exitCode: z.number().int().nullable(),
  ended: z.boolean(),
};

// ---- what the caller passes to append --------------------------------------------------------
// Everything but id, at, schoolYear (taken from the ledger's clock) and the chain fields. Strict:
// an unknown key (a `secret`, say) is refused, so nothing the caller did not mean to keep is kept.
// A paper form may name the school year it covers (enrolment packets are signed in July for the
// year that starts in August); a kiosk record always belongs to the year of its own `at`.
const newBase = { user: Username };
const paperYear = { schoolYear: SchoolYearText.optional() };

function kioskHasNoYear(v: { method: string; schoolYear?: string }, ctx: z.RefinementCtx) {
  if (v.method === 'kiosk' && v.schoolYear !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['schoolYear'],
      message: 'only a paper form names its school year; a kiosk record takes the year of its own time',
    });
  }
}

export const NewLedgerRecordSchema = z.discriminatedUnion('type', [
  z
    .strictObject({ type: z.literal('acceptance'), ...newBase, ...paperYear, ...acceptanceFields })
    .superRefine(paperRule)
    .superRefine(kioskHasNoYear),
  z
    .strictObject({ type: z.literal('guardian-agreement'), ...newBase, ...paperYear, ...acceptanceFields })
    .superRefine(paperRule)
    .superRefine(kioskHasNoYear),
  z.strictObject({ type: z.literal('safety-ack'), ...newBase, ...safetyAckFields }),
  z.strictObject({ type: z.literal('unlock'), ...newBase, ...unlockFields }),
  z.strictObject({ type: z.literal('override'), ...newBase, ...overrideFields }),
  z.strictObject({ type: z.literal('denied'), ...newBase, ...deniedFields }),
  z.strictObject({ type: z.literal('auth-failure'), ...newBase, ...authFailureFields }),
  z.strictObject({ type: z.literal('session-ended'), ...newBase, ...sessionEndedFields }),
]);
export type NewLedgerRecord = z.input<typeof NewLedgerRecordSchema>;
export type ValidNewLedgerRecord = z.output<typeof NewLedgerRecordSchema>;

// ---- what a line of the file holds ------------------------------------------------------------
/**
 * The first record of a new chain segment: the kiosk found the file changed by hand and, rather
 * than refuse to run, went on with a new chain that says what it found and what it followed.
 */
export const SegmentSchema = z.strictObject({
  /** SHA-256 of the exact bytes of the line before this one, or null when there was none. */
  after: Sha256Hex.nullable(),
  /** What the kiosk found, in a sentence. */
  found: z.string().min(1).max(2000),
});
export type Segment = z.infer<typeof SegmentSchema>;

// Not strict: a later version may add fields, and verify must not call its records broken.
const envelope = {
  /** SHA-256 of this line's bytes without its `hash` member (see line.ts). */
  hash: Sha256Hex,
  /** `hash` of the record on the line before, or null at the start of a file or segment. */
  prev: Sha256Hex.nullable(),
  segment: SegmentSchema.optional(),
  id: z.uuid(),
  at: IsoWithOffset,
  schoolYear: SchoolYearText,
  user: Username,
  machine: Username,
  campus: Username,
  room: Username,
  appVersion: z.string().min(1).max(64),
};

export const LedgerRecordSchema = z.discriminatedUnion('type', [
  z.object({ ...envelope, type: z.literal('acceptance'), ...acceptanceFields }).superRefine(paperRule),
  z.object({ ...envelope, type: z.literal('guardian-agreement'), ...acceptanceFields }).superRefine(paperRule),
  z.object({ ...envelope, type: z.literal('safety-ack'), ...safetyAckFields }),
  z.object({ ...envelope, type: z.literal('unlock'), ...unlockFields }),
  z.object({ ...envelope, type: z.literal('override'), ...overrideFields }),
  z.object({ ...envelope, type: z.literal('denied'), ...deniedFields }),
  z.object({ ...envelope, type: z.literal('auth-failure'), ...authFailureFields }),
  z.object({ ...envelope, type: z.literal('session-ended'), ...sessionEndedFields }),
]);
export type LedgerRecord = z.output<typeof LedgerRecordSchema>;
/** The stored record of one type: `RecordOf<'override'>` has `reason`. */
export type RecordOf<T extends RecordType> = Extract<LedgerRecord, { type: T }>;
export type AcceptanceRecord = RecordOf<'acceptance' | 'guardian-agreement'>;

/** A refused field: where and what, in a plain sentence (`minutes: Too big: expected number to be <=1440`). */
export interface RecordIssue {
  path: string;
  message: string;
}

export function issuesOf(error: z.ZodError): RecordIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(record)', message: i.message }));
}

export function describeIssues(issues: readonly RecordIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}
