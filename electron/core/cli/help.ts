// Every `aup` command's help, in one table keyed by the command's name in main.ts's COMMANDS. A new
// command (or a new flag) adds its entry here and nothing else: `aup <command> --help`, a group's
// list (`aup config`), and the usage `aup --help` prints are all made from this table, and
// tests/unit/cli/help.test.ts fails when a flag a command accepts is not documented here.

export interface CommandHelp {
  /** One line: what the command does (the group lists and `aup --help` show it). */
  summary: string;
  /** What follows `aup <command>` on the usage line, e.g. `FILE.csv --out roster.json [--json]`. */
  usage: string;
  /** Every flag the command accepts, as written with its value (`--config F`), and one line about it. */
  flags: Record<string, string>;
  /** At least one whole command line a person can copy (starting with `aup`). */
  examples: string[];
  /** More to know, printed after the flags (a few short lines). */
  notes?: string;
}

const CONFIG = { '--config F': 'the machine config (default: AUP_KIOSK_CONFIG, then the machine location)' };
const AT = { '--at ISO': 'as of this instant or local date (2026-08-01, 2026-08-01T07:30, 2026-08-01T12:30:00Z); default now' };
const JSON_OUT = { '--json': 'print JSON instead of text' };
const CENTRAL = {
  '--central URL': 'the district database (postgres://aup_reporting@db.district.org/aup) instead of this machine',
  '--password-file F': "a file holding the reporting role's password (with --central)",
  '--ca-file F': "the database server's CA certificate, if not the config's (with --central)",
};
/** How every `aup db …` command reaches the database as the DBA (commands-central.ts ADMIN_OPTIONS). */
const DB_ADMIN = {
  '--admin-url URL': 'the DBA connection string, without a password (or AUP_DB_ADMIN_URL)',
  '--admin-password-file F': "a file holding the DBA's password",
  '--ca-file F': "the database server's CA certificate",
  ...CONFIG,
  ...JSON_OUT,
};
const CATALOG = { '--catalog DIR': "the district's catalog folder (policy add makes it from the bundled one the first time)" };

export const HELP: Record<string, CommandHelp> = {
  'config validate': {
    summary: 'check the machine config and everything it refers to; every problem with its path',
    usage: '[--config F] [--service] [--json]',
    flags: {
      ...CONFIG,
      '--service': "check as the machine service must find it: owners, modes, secrets readable by root alone (0600), the service's folders",
      ...JSON_OUT,
    },
    examples: ['aup config validate --config /etc/aup-kiosk/config.json', 'sudo aup config validate --service'],
    notes: 'Exit 0: valid; 2: every problem printed (file, path, what is wrong).',
  },
  'config schema': {
    summary: "print the config's JSON Schema (for editors)",
    usage: '',
    flags: {},
    examples: ['aup config schema > aup-config.schema.json'],
  },
  'policy list': {
    summary: 'the policies of the catalog, their versions and which is in force',
    usage: '[--config F] [--at ISO] [--json]',
    flags: { ...CONFIG, ...AT, ...JSON_OUT },
    examples: ['aup policy list --at 2026-08-15'],
  },
  'policy resolve': {
    summary: 'which policy document a user (or a role and grade) is shown, and why',
    usage: '(--user U | --role R [--grade G]) [--lang L] [--kind aup|safety-rules|agreement] [--at ISO] [--config F] [--json]',
    flags: {
      '--user U': 'a username from the directory',
      '--role R': 'a role instead of a user: student, teacher, staff, administrator, guardian',
      '--grade G': 'with --role student: PK, K or 1 to 12',
      '--lang L': "a two-letter language code (default: the user's, else the district's)",
      '--kind K': 'aup (default), safety-rules or agreement',
      ...AT,
      ...CONFIG,
      ...JSON_OUT,
    },
    examples: ['aup policy resolve --user diego.ramos', 'aup policy resolve --role student --grade 4 --lang es --kind safety-rules'],
  },
  'policy add': {
    summary: "publish a policy document (Markdown) into the district's catalog folder",
    usage: '--catalog DIR --id ID --version V --lang L (--effective DATE | --effective-now) [--reviewed] [--config F] [--at ISO] [--json] FILE.md',
    flags: {
      ...CATALOG,
      '--id ID': 'the policy, e.g. student-aup',
      '--version V': 'the version label, e.g. 2027-28',
      '--effective DATE': 'the local date the version takes effect (2027-08-01)',
      '--effective-now': 'the version takes effect today',
      '--lang L': 'the language of the document (en, es, …)',
      '--reviewed': 'the translation has been reviewed by the district',
      ...CONFIG,
      ...AT,
      ...JSON_OUT,
    },
    examples: ['aup policy add --catalog D:\\aup\\catalog --id student-aup --version 2027-28 --effective 2027-08-01 --lang en student-aup.md'],
  },
  'policy check': {
    summary: 'check a catalog folder alone: every document, version and language',
    usage: '--catalog DIR [--config F] [--json]',
    flags: { ...CATALOG, '--config F': "check the catalog against this config's grade bands", ...JSON_OUT },
    examples: ['aup policy check --catalog D:\\aup\\catalog'],
  },
  'policy show': {
    summary: 'a policy document exactly as the kiosk renders it, as a page',
    usage: '--catalog DIR --id ID [--version V] [--lang L] [--out FILE.html]',
    flags: {
      ...CATALOG,
      '--id ID': 'the policy, e.g. student-aup',
      '--version V': 'the version (default: the newest)',
      '--lang L': 'the language (default: en)',
      '--out FILE.html': 'write the page to this file (default: standard output)',
    },
    examples: ['aup policy show --catalog D:\\aup\\catalog --id student-aup --version 2027-28 --lang es --out preview.html'],
  },
  'school-year': {
    summary: 'the school year of an instant (e.g. 2026-27)',
    usage: '[--at ISO] [--config F]',
    flags: { ...AT, ...CONFIG },
    examples: ['aup school-year', 'aup school-year --at 2026-07-31'],
  },
  status: {
    summary: 'what the kiosk would show this user now, and why',
    usage: '--user U [--at ISO] [--config F] [--json] [--central URL --password-file F [--ca-file F]]',
    flags: { '--user U': 'the username', ...AT, ...CONFIG, ...JSON_OUT, ...CENTRAL },
    examples: [
      'aup status --user diego.ramos',
      'aup status --user diego.ramos --central postgres://aup_reporting@db.district.org/aup --password-file reporting.password',
    ],
  },
  report: {
    summary: 'acceptances of a school year: per person (CSV, JSON) or a campus page (HTML)',
    usage:
      '[--year Y] [--missing] [--format csv|json|html] [--campus C] [--lang en|es] [--out F] [--at ISO] [--config F] [--central URL --password-file F]',
    flags: {
      '--year Y': 'the school year, e.g. 2026-27 (default: the current one)',
      '--missing': 'only who has not accepted the version in force (csv or json)',
      '--format F': 'csv (default; opens in Excel), json, or html (a campus page per grade and room)',
      '--campus C': 'with --format html: one campus',
      '--lang L': 'with --format html: the page in en or es',
      '--out F': 'write to this file (default: standard output)',
      ...AT,
      ...CONFIG,
      ...CENTRAL,
    },
    examples: ['aup report --year 2026-27 --missing --out missing.csv', 'aup report --format html --lang es --out campus.html'],
  },
  evidence: {
    summary: "one person's records of a school year on one printable page, with the ledger's verdict",
    usage: '--user U --out FILE.html [--year Y] [--lang en|es] [--at ISO] [--config F] [--central URL --password-file F]',
    flags: {
      '--user U': 'the username',
      '--out FILE.html': 'where to write the page',
      '--year Y': 'the school year, e.g. 2026-27 (default: the current one)',
      '--lang L': 'the page in en or es',
      ...AT,
      ...CONFIG,
      ...CENTRAL,
    },
    examples: ['aup evidence --user diego.ramos --year 2026-27 --out diego-2026-27.html'],
    notes: 'Exit 3: the page is written, and the ledger says some of it cannot be trusted (the page says what).',
  },
  'ledger verify': {
    summary: "check the ledger's hash chains and seal",
    usage: '[--config F] [--json]',
    flags: { ...CONFIG, ...JSON_OUT },
    examples: ['aup ledger verify'],
    notes: "Exit 3: tampered (the first broken record's file and line are printed).",
  },
  'ledger import': {
    summary: 'record paper agreements typed in from a CSV',
    usage: 'FILE.csv [--allow-unknown] [--config F] [--json]',
    flags: {
      '--allow-unknown': 'record (and flag) a form whose username is not in the directory yet, e.g. a new student',
      ...CONFIG,
      ...JSON_OUT,
    },
    examples: ['aup ledger import paper-forms.csv', 'aup ledger import new-students.csv --allow-unknown'],
    notes:
      'Columns: username,policyId,version,language,signedOn,signerRole,enteredBy (signer is read as signerRole; student, guardian or staff, any case). signedOn: 2026-08-21 or 08/21/2026 (month first).\n' +
      'enteredBy: a staff username in the directory. A form already recorded (user, policy, version, signerRole, signedOn) is reported, not recorded again.',
  },
  'roster hash-pin': {
    summary: 'read a PIN on standard input, print its scrypt hash (for the roster)',
    usage: '',
    flags: {},
    examples: ['echo 4821 | aup roster hash-pin'],
  },
  'roster import': {
    summary: "turn a student information system export (CSV or OneRoster folder) into the kiosk's roster",
    usage: 'FILE.csv|ONEROSTER-FOLDER --out roster.json [--map column=Header,…] [--role R] [--json]',
    flags: {
      '--out F': 'the roster file to write (PIN hashes already in it are kept)',
      '--map M': 'roster column = the export\'s own header, e.g. displayName="Student Name",grade=Grade (repeatable)',
      '--role R': 'the role of every row without one (an export of students has no role column: --role student)',
      ...JSON_OUT,
    },
    examples: [
      'aup roster import students.csv --out roster.json',
      'aup roster import export.csv --out roster.json --map displayName="Student Name",grade=Grade',
      'aup roster import oneroster-export/ --out roster.json',
      'aup roster import powerschool.csv --out roster.json --role student --map username=Student_Number,displayName=LastFirst,grade=Grade_Level',
    ],
    notes:
      'Read as saved: UTF-8 (with or without BOM), UTF-16, Windows-1252; comma, semicolon or tab (it says which). A byte that is not text is refused by its line.\n' +
      'Columns: username,displayName,role,grade (PK, K, 1-12; 05, 5th, Grade 5, Kindergarten) and optionally language,privileges,guardianDeniedInternet,preferredName,firstName,lastName,campus,homeroom,pinHash.\n' +
      'OneRoster 1.1: a folder with users.csv (grades from users.csv, else enrollments.csv and classes.csv); guardians and parents are skipped.',
  },
  'db migrate': {
    summary: 'create or upgrade the district database and its roles',
    usage: '--admin-url URL --admin-password-file F [--kiosk-password-file F] [--reporting-password-file F] [--ca-file F] [--config F] [--json]',
    flags: {
      '--kiosk-password-file F': 'let aup_kiosk sign in with the password in this file',
      '--reporting-password-file F': 'let aup_reporting sign in with the password in this file',
      ...DB_ADMIN,
    },
    examples: [
      'aup db migrate --admin-url postgres://postgres@db.district.org/aup --admin-password-file admin.password --kiosk-password-file kiosk.password',
    ],
  },
  'db machine add': {
    summary: 'give a PC its own database login (it then writes only its own records)',
    usage: 'NAME --password-file F --admin-url URL --admin-password-file F [--ca-file F] [--config F] [--json]',
    flags: {
      '--password-file F': 'where the new password is written (a new file, mode 0600), or read from (a file you made, 12 characters or more)',
      ...DB_ADMIN,
    },
    examples: [
      'aup db machine add LAB204-01 --password-file LAB204-01.password --admin-url postgres://postgres@db.district.org/aup --admin-password-file admin.password',
    ],
    notes:
      "NAME is the PC's host name, as its records carry it. Prints what to put in that PC's config (central.postgres).\n" +
      'Run again to give the login the password in the file (a PC found again after "remove").',
  },
  'db machine remove': {
    summary: 'shut a lost or stolen PC out: its login can no longer sign in, write or ask',
    usage: 'NAME --admin-url URL --admin-password-file F [--ca-file F] [--config F] [--json]',
    flags: { ...DB_ADMIN },
    examples: ['aup db machine remove LAB204-01 --admin-url postgres://postgres@db.district.org/aup --admin-password-file admin.password'],
    notes: 'Its records stay; sessions it has open are ended where the admin role may end them, and can call nothing either way.',
  },
  'db machine list': {
    summary: 'the PCs with a database login of their own, and whether one is required',
    usage: '--admin-url URL --admin-password-file F [--ca-file F] [--config F] [--json]',
    flags: { ...DB_ADMIN },
    examples: ['aup db machine list --admin-url postgres://postgres@db.district.org/aup --admin-password-file admin.password'],
  },
  'db reopen-chain': {
    summary: "let a reimaged PC's fresh ledger start its chain again in the district database",
    usage: 'NAME [--year Y] --admin-url URL --admin-password-file F [--ca-file F] [--config F] [--json]',
    flags: { '--year Y': "the school year, e.g. 2026-27 (default: the database's current one)", ...DB_ADMIN },
    examples: [
      'aup db reopen-chain LAB204-01 --year 2026-27 --admin-url postgres://postgres@db.district.org/aup --admin-password-file admin.password',
    ],
    notes: 'Then, on the PC: stop the machine service, delete central-sync.json in its data folder, start the service (it prints this too).',
  },
  'db require-machine-roles': {
    summary: 'on: refuse records sent with the shared aup_kiosk login (each PC must have its own); off: take them again',
    usage: 'on|off --admin-url URL --admin-password-file F [--ca-file F] [--config F] [--json]',
    flags: { ...DB_ADMIN },
    examples: ['aup db require-machine-roles on --admin-url postgres://postgres@db.district.org/aup --admin-password-file admin.password'],
    notes: 'With on, it lists the PCs with records this school year that have no login of their own yet.',
  },
  'service status': {
    summary: 'is the machine service running; its folders and their permissions, screens, last sync',
    usage: '[--root DIR] [--json]',
    flags: { '--root DIR': "the service's folders under DIR instead of the machine's (for tests)", ...JSON_OUT },
    examples: ['aup service status'],
  },
  'service run': {
    summary: 'the machine service in the foreground (as root; what systemd, launchd and the SYSTEM task start)',
    usage: '[--root DIR]',
    flags: { '--root DIR': "the service's folders under DIR instead of the machine's (for tests)" },
    examples: ['sudo aup service run'],
  },
};

const FOOTER = `Without --config the config is looked up like the kiosk does: AUP_KIOSK_CONFIG, then the machine location.
Exit codes: 0 success, 1 failure, 2 bad input or invalid config, 3 ledger tampered.
"aup <command> --help" shows a command's options and examples; "aup --version" the version.
`;

/** The command groups (`config`, `policy`, …): the first word of a two-word command. */
export function groupOf(word: string, names: readonly string[]): string[] {
  return names.filter((n) => n.startsWith(`${word} `));
}

function list(names: readonly string[]): string {
  const width = Math.min(22, Math.max(...names.map((n) => n.length)));
  return names.map((n) => `  ${n.padEnd(width)}  ${HELP[n]?.summary ?? ''}\n`).join('');
}

/** `aup --help`: every command with its one-line summary. */
export function usage(names: readonly string[]): string {
  return `Usage: aup <command> [options]\n\n${list(names)}\n${FOOTER}`;
}

/** `aup config`: the group's subcommands. */
export function groupHelp(group: string, names: readonly string[]): string {
  return `Usage: aup ${group} <command> [options]\n\n${list(groupOf(group, names))}\n"aup ${group} <command> --help" shows a command's options and examples.\n`;
}

/** `aup report --help`: the summary, the usage line, every flag, the examples. */
export function commandHelp(name: string): string {
  const h = HELP[name];
  if (!h) return `aup ${name}\n`;
  const flags = Object.entries(h.flags);
  const width = Math.max(0, ...flags.map(([f]) => f.length));
  let text = `aup ${name}: ${h.summary}\n\nUsage: aup ${name}${h.usage ? ` ${h.usage}` : ''}\n`;
  text += `\nOptions:\n${flags.map(([f, t]) => `  ${f.padEnd(width)}  ${t}\n`).join('')}  ${'-h, --help'.padEnd(width)}  this help\n`;
  if (h.notes) text += `\n${h.notes}\n`;
  text += `\n${h.examples.length === 1 ? 'Example' : 'Examples'}:\n${h.examples.map((e) => `  ${e}\n`).join('')}`;
  return text;
}

/** The flag names a help entry documents (`--config F` → `config`). */
export function documentedFlags(h: CommandHelp): string[] {
  return Object.keys(h.flags).map((f) => /^--([a-z0-9-]+)/.exec(f)?.[1] ?? f);
}
