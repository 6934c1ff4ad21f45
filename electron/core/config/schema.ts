// The machine config (docs/design.md "Machine config"): one JSON file a technician deploys. The zod
// schema is the single source: it validates, it fills defaults, and it emits the JSON Schema that
// editors use (`aup config schema`). Messages are plain sentences, because a technician reads them.
import { z } from 'zod';
import { isValidTimeZone } from '../time.ts';
import { parseMonthDay } from '../school-year.ts';

/** `en`, `vi`, `ar`: a bundled language, or one whose `<code>.json` is in `languages.folder`. */
const languageCode = z
  .string({ error: 'expected a language code like "en", "es" or "vi"' })
  .regex(/^[a-z]{2,3}$/, { error: 'expected a two- or three-letter lower-case language code like "en", "es" or "vi"' });

const text = (what: string, max = 200) =>
  z
    .string({ error: `expected ${what} (text)` })
    .trim()
    .min(1, { error: `expected ${what}; it is empty` })
    .max(max, { error: `${what} is longer than ${max} characters` });

const wholeNumber = (lo: number, hi: number) => {
  const message = `expected a whole number from ${lo} to ${hi}`;
  return z.number({ error: message }).int({ error: message }).min(lo, { error: message }).max(hi, { error: message });
};

const bool = z.boolean({ error: 'expected true or false' });

const localTime = z
  .string({ error: 'expected a time like "08:00"' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a 24-hour time like "08:00" or "13:45"' });

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const period = z
  .strictObject({
    name: text('a period name', 60),
    days: z
      .array(z.enum(WEEKDAYS, { error: 'expected a weekday: mon, tue, wed, thu, fri, sat or sun' }), {
        error: 'expected a list of weekdays like ["mon", "tue"]',
      })
      .min(1, { error: 'a period needs at least one weekday' }),
    start: localTime,
    end: localTime,
  })
  .refine((p) => p.start < p.end, { error: 'a period must end after it starts', path: ['end'] });

/** A grade in a band: a number, where a technician may write "K" or "PK" as the roster does. */
const bandGrade = () => {
  const message = 'expected a grade number from -1 to 12: pre-kindergarten (PK) is -1, kindergarten (K) 0';
  return z.number({ error: message }).int({ error: message }).min(-1, { error: message }).max(12, { error: message });
};

const gradeRange = z
  .tuple([bandGrade(), bandGrade()], {
    error: 'expected [lowest grade, highest grade]; pre-kindergarten (PK) is -1, kindergarten 0',
  })
  .refine(([lo, hi]) => lo <= hi, { error: 'the lowest grade comes first' });

/** The classroom lock's settings, each with its default (also the unit tests' rules). */
export const lockSchema = z.strictObject({
  students: bool.default(true),
  unlockMinutes: wholeNumber(1, 480).default(55),
  maxOverrideMinutes: wholeNumber(1, 1440).default(480),
  warnBeforeMinutes: wholeNumber(0, 60).default(2),
  maxFailedAttempts: wholeNumber(1, 20).default(5),
  lockoutSeconds: wholeNumber(5, 3600).default(60),
  bellSchedule: z.array(period, { error: 'expected a list of periods' }).default([]),
});

const ldapDirectory = z.strictObject({
  type: z.literal('ldap'),
  url: z
    .string({ error: 'expected an LDAP URL like "ldaps://dc1.district.org"' })
    .regex(/^ldaps?:\/\/[^\s/]+\/?$/i, { error: 'expected an LDAP URL like "ldaps://dc1.district.org" or "ldap://dc1.district.org:389"' }),
  bindDn: text('the service account DN', 500),
  bindPasswordFile: text('the path of a file holding the service account password', 1000),
  userBase: text('the DN under which users are searched', 500),
  userFilter: text('an LDAP filter with {username}', 500)
    .refine((f) => f.includes('{username}'), { error: 'the filter must contain {username}, where the typed name goes (escaped)' })
    .default('(&(objectClass=person)(sAMAccountName={username}))'),
  groups: z.strictObject({
    student: text('the DN of the students group', 500),
    staff: text('the DN of the staff group', 500),
    approvedTeacher: text('the DN of the approved teachers group', 500),
    substitute: text('the DN of the substitutes group', 500),
    administrator: text('the DN of the campus administrators group', 500),
  }),
  gradeAttribute: text('an attribute name', 100).default('departmentNumber'),
  displayNameAttribute: text('an attribute name', 100).default('displayName'),
  languageAttribute: text('an attribute name', 100).optional(),
  privilegesAttribute: text('an attribute name', 100).optional(),
  guardianDeniedAttribute: text('an attribute name', 100).optional(),
  memberAttribute: text('an attribute name', 100).default('memberOf'),
  tls: z
    .strictObject({
      /** Plain LDAP (`none`) sends passwords in the clear: allowed only when written here on purpose. */
      mode: z.enum(['ldaps', 'starttls', 'none'], { error: 'expected "ldaps", "starttls" or "none"' }).optional(),
      caFile: text('the path of the CA certificate file (PEM)', 1000).optional(),
    })
    .default({}),
  timeoutSeconds: wholeNumber(1, 60).default(5),
});

/** A NetBIOS domain name (`LOCKHART`) or a UPN suffix (`lockhart.org`), as the OS writes account names. */
const accountDomain = z
  .string({ error: 'expected an account domain like "LOCKHART" or "lockhart.org"' })
  .trim()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*$/, {
    error: 'expected an account domain like "LOCKHART" (NetBIOS) or "lockhart.org" (UPN suffix), without "\\" or "@"',
  })
  .max(253, { error: 'an account domain is at most 253 characters' });

const rosterDirectory = z.strictObject({
  type: z.literal('roster'),
  file: text('the path of the roster JSON file', 1000),
});

const postgresUrl = z
  .string({ error: 'expected a PostgreSQL connection string like "postgres://kiosk@db.district.org/aup"' })
  .regex(/^postgres(ql)?:\/\//, { error: 'expected a PostgreSQL connection string like "postgres://kiosk@db.district.org/aup"' })
  .refine((url) => !/^postgres(ql)?:\/\/[^@/]*:[^@/]*@/.test(url) && !/[?&]password=/i.test(url), {
    error: 'the connection string must not hold a password; put it in central.postgres.passwordFile',
  });

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    district: z.strictObject({
      name: text('the district name', 120),
      logo: text('the path of a logo image (PNG or SVG)', 1000).optional(),
      timeZone: z
        .string({ error: 'expected an IANA time zone like "America/Chicago"' })
        .refine(isValidTimeZone, { error: 'not a time zone this system knows; expected an IANA name like "America/Chicago"' })
        .default('America/Chicago'),
      schoolYearStart: z
        .string({ error: 'expected a month and day like "08-01"' })
        .refine((s) => parseMonthDay(s) !== null, { error: 'expected a month and day like "08-01" (29 February is not allowed)' })
        .default('08-01'),
      gradeBands: z
        .record(z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'a band name is lower-case letters, digits and dashes' }), gradeRange, {
          error: 'expected grade bands like { "elementary": [-1, 5] } (-1 is pre-kindergarten, 0 kindergarten)',
        })
        .default({ elementary: [-1, 5], middle: [6, 8], high: [9, 12] }),
    }),
    site: z.strictObject({
      campus: text('the campus name', 120),
      room: text('the room', 60),
    }),
    languages: z
      .strictObject({
        default: languageCode.default('en'),
        offered: z.array(languageCode).min(1, { error: 'offer at least one language' }).default(['en', 'es']),
        /**
         * A folder of the district's own UI languages, `<code>.json` each (the shape of the bundled
         * English); an offered language that is neither bundled (en, es) nor there is a config error.
         * Default: `locales/` beside the district's catalog.json, where `policies.catalog` is a folder.
         */
        folder: text('the path of a folder holding <language>.json UI string files', 1000).optional(),
      })
      .default({ default: 'en', offered: ['en', 'es'] }),
    policies: z
      .strictObject({
        catalog: text('"bundled" or the path of a folder holding catalog.json', 1000).default('bundled'),
      })
      .default({ catalog: 'bundled' }),
    directory: z.discriminatedUnion('type', [rosterDirectory, ldapDirectory], {
      error: 'expected a directory with "type": "roster" or "type": "ldap"',
    }),
    lock: lockSchema.default({
      students: true,
      unlockMinutes: 55,
      maxOverrideMinutes: 480,
      warnBeforeMinutes: 2,
      maxFailedAttempts: 5,
      lockoutSeconds: 60,
      bellSchedule: [],
    }),
    ledger: z.strictObject({ dir: text('the path of the ledger folder', 1000).optional() }).default({}),
    state: z.strictObject({ dir: text('the path of the kiosk state folder', 1000).optional() }).default({}),
    // The machine service (docs/design.md "The machine service").
    service: z
      .strictObject({
        /** How long a locked student session may be without its kiosk screens before it is signed out. */
        screenGraceSeconds: wholeNumber(2, 300).default(15),
        /** OS accounts the service never signs out (a technician's local administrator account). */
        exemptAccounts: z
          .array(text('an account name', 64), { error: 'expected a list of account names like ["techadmin"]' })
          .max(50, { error: 'at most 50 accounts' })
          .default([]),
        /**
         * The account domains whose accounts are the directory's users: NetBIOS names (`LOCKHART`, for
         * `LOCKHART\jlee`) and UPN suffixes (`lockhart.org`, for `jlee@lockhart.org`), matched whole. An
         * account of any other domain gets no kiosk session: `STUDENTS\jlee` is not `STAFF\jlee`.
         */
        accountDomains: z
          .array(accountDomain, { error: 'expected a list of account domains like ["LOCKHART", "lockhart.org"]' })
          .max(50, { error: 'at most 50 domains' })
          .default([]),
        /**
         * Whether an account without a domain (a local account) is the directory's user of that name.
         * Default: only where `accountDomains` lists none (a machine of local accounts); a domain-joined
         * machine's local account named like a teacher must not become that teacher.
         */
        localAccounts: bool.optional(),
      })
      .default({ screenGraceSeconds: 15, exemptAccounts: [], accountDomains: [] }),
    central: z
      .strictObject({
        postgres: z.strictObject({
          connectionString: postgresUrl,
          passwordFile: text('the path of a file holding the database password', 1000).optional(),
          caFile: text('the path of the CA certificate file (PEM)', 1000).optional(),
        }),
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    if (!config.languages.offered.includes(config.languages.default)) {
      ctx.addIssue({ code: 'custom', path: ['languages', 'default'], message: 'the default language must be one of languages.offered' });
    }
    const bands = Object.entries(config.district.gradeBands);
    for (let i = 0; i < bands.length; i++) {
      for (let j = i + 1; j < bands.length; j++) {
        const [a, [alo, ahi]] = bands[i]!;
        const [b, [blo, bhi]] = bands[j]!;
        if (alo <= bhi && blo <= ahi) {
          ctx.addIssue({ code: 'custom', path: ['district', 'gradeBands', b], message: `overlaps the "${a}" band: a grade must belong to one band` });
        }
      }
    }
    // (Only when unlockMinutes is itself valid: one mistake is reported once.)
    if (config.lock.unlockMinutes >= 1 && config.lock.unlockMinutes <= 480 && config.lock.warnBeforeMinutes >= config.lock.unlockMinutes) {
      ctx.addIssue({
        code: 'custom',
        path: ['lock', 'warnBeforeMinutes'],
        message: 'the warning must come before the unlock ends (less than lock.unlockMinutes)',
      });
    }
    const dir = config.directory;
    if (dir.type === 'ldap') {
      const ldaps = dir.url.toLowerCase().startsWith('ldaps://');
      if (dir.tls.mode === 'ldaps' && !ldaps) {
        ctx.addIssue({ code: 'custom', path: ['directory', 'tls', 'mode'], message: '"ldaps" needs an ldaps:// URL' });
      }
      if (ldaps && dir.tls.mode && dir.tls.mode !== 'ldaps') {
        ctx.addIssue({
          code: 'custom',
          path: ['directory', 'tls', 'mode'],
          message: 'an ldaps:// URL is already TLS; leave mode out or set "ldaps"',
        });
      }
    }
  });

export type KioskConfig = z.infer<typeof configSchema>;
export type KioskConfigInput = z.input<typeof configSchema>;
export type LdapDirectoryConfig = Extract<KioskConfig['directory'], { type: 'ldap' }>;
export type BellPeriod = KioskConfig['lock']['bellSchedule'][number];

/** The JSON Schema for editors, from the same source as the validator. */
export function configJsonSchema(): object {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'AUP Kiosk machine config',
  };
}
