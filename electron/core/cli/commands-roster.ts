// `aup roster import`: a student information system export becomes the kiosk's roster. The file is
// read in the encoding and with the delimiter it was saved with (csv-input.ts), its own column names
// are mapped with --map, and a OneRoster 1.1 export (users.csv, with enrollments.csv and classes.csv
// for a student's grade) is read as it is. Every bad row is reported by its line; nothing is written
// unless every row is good; the file is replaced atomically; PIN hashes already in the roster are
// kept (an export never has them).
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { rosterSchema, rosterUserSchema, rosterWarnings, type RosterUser } from '../directory/roster.ts';
import { ROLES, PRIVILEGES } from '../api/contract.ts';
import { gradeName, parseGrade } from '../people.ts';
import type { ConfigProblem } from '../api/contract.ts';
import { EXIT, UsageError, parse, writeOutput, type CliIo } from './io.ts';
import { describeCsv, readCsvFile, type CsvTable } from './csv-input.ts';

/** The roster's columns, as a CSV header names them (any case), or as --map points to the export's own. */
export const ROSTER_COLUMNS = [
  'username',
  'displayName',
  'role',
  'grade',
  'language',
  'privileges',
  'guardianDeniedInternet',
  'pinHash',
  'preferredName',
  'firstName',
  'lastName',
  'campus',
  'homeroom',
] as const;
type Column = (typeof ROSTER_COLUMNS)[number];
/** A row as roster columns; `fields`: a plain export's own cells (their count is checked). */
type Row = { line: number; get: (c: Column) => string; fields?: string[] };

const YES = new Set(['yes', 'y', 'true', '1', 'x', 'sí', 'si']);
const NO = new Set(['no', 'n', 'false', '0', '']);
const MAP_EXAMPLE = '--map displayName="Student Name",grade=Grade';

/**
 * `--map displayName="Student Name",grade=Grade` (repeatable): roster column = the export's header.
 * Quotes around a header survive where a shell passes them on (cmd.exe does), and are taken off.
 */
export function parseColumnMap(specs: string[]): Map<Column, string> {
  const map = new Map<Column, string>();
  for (const spec of specs) {
    let pairs: string[];
    try {
      pairs = (parseCsv(spec, { relax_quotes: true, trim: true }) as string[][])[0] ?? [];
    } catch {
      throw new UsageError(`--map "${spec}": expected column=Header pairs separated by commas, like ${MAP_EXAMPLE}`);
    }
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      const key = pair.slice(0, eq).trim();
      const header = pair
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim();
      if (eq < 1 || header === '') throw new UsageError(`--map "${pair}": expected column=Header, like ${MAP_EXAMPLE}`);
      const column = ROSTER_COLUMNS.find((c) => c.toLowerCase() === key.toLowerCase());
      if (!column) throw new UsageError(`--map: "${key}" is not a roster column (${ROSTER_COLUMNS.join(', ')})`);
      map.set(column, header);
    }
  }
  return map;
}

/** Rows of a plain export: each roster column found by its own name (any case) or through --map. */
function mappedRows(table: CsvTable, file: string, map: Map<Column, string>, everyone?: string): Row[] {
  const header = table.header;
  const find = (name: string) => header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  for (const [column, name] of map) {
    if (find(name) < 0) throw new UsageError(`--map ${column}="${name}": ${file} has no column "${name}" (its columns: ${header.join(', ')})`);
  }
  const index = new Map<Column, number>();
  for (const c of ROSTER_COLUMNS) {
    const i = find(map.get(c) ?? c);
    if (i >= 0) index.set(c, i);
  }
  // A file with first and last names needs no display name: it is made of them.
  const named = index.has('displayName') || (index.has('firstName') && index.has('lastName'));
  const missing = (['username', 'displayName', 'role'] as const).filter(
    (c) => !index.has(c) && (c !== 'displayName' || !named) && (c !== 'role' || everyone === undefined),
  );
  if (missing.length) {
    // A report title above the header (Skyward, a saved report): the header is further down.
    const wanted = missing.map((c) => (map.get(c) ?? c).toLowerCase());
    const lower = table.rows.slice(0, 10).find((r) => wanted.every((w) => r.fields.some((f) => f.toLowerCase() === w)));
    if (lower)
      throw new UsageError(
        `${file} line 1 is not the header: the column names are on line ${lower.line}. Delete the lines above them and import again`,
      );
    throw new UsageError(
      `${file} line 1: the header lacks ${missing.join(', ')} (it has: ${header.join(', ')}; read as ${describeCsv(table)}). ` +
        `Name the export's own columns with --map, like ${MAP_EXAMPLE}` +
        (missing.includes('role') ? '; an export of students alone (no role column) takes --role student' : ''),
    );
  }
  return table.rows.map(({ line, fields }) => ({
    line,
    fields,
    get: (c: Column) => {
      if (c === 'role') return get(fields, index.get('role')) || (everyone ?? ''); // --role fills a missing column or an empty cell
      if (c === 'displayName' && !index.has('displayName'))
        return `${get(fields, index.get('firstName'))} ${get(fields, index.get('lastName'))}`.trim();
      return get(fields, index.get(c));
    },
  }));
}

/** A cell, its spaces trimmed and any run of white space inside made one space (a line break typed in a name cell with Alt+Enter). */
const get = (fields: string[], i: number | undefined) => (i === undefined ? '' : (fields[i] ?? '').replace(/\s+/g, ' ').trim());

/**
 * A grade as exports and hand-kept spreadsheets write it: PK, K, KG, 05 and 5, and also "5th",
 * "1st", "Grade 5", "Kindergarten", "Pre-K" (people.ts reads the first ones).
 */
export function exportGrade(text: string): number | undefined {
  const plain = text
    .trim()
    .replace(/^(grade|gr\.?)\s*/i, '')
    .replace(/^(\d{1,2})\s*(st|nd|rd|th)$/i, '$1')
    .replace(/^kindergarten$/i, 'K');
  return parseGrade(plain);
}

/** A OneRoster 1.1 users.csv: its header has these (1.2 keeps them, with the role in roles.csv). */
const ONEROSTER_USER_FIELDS = ['sourcedId', 'username', 'givenName', 'familyName'];

function isOneRoster(table: CsvTable): boolean {
  return ONEROSTER_USER_FIELDS.every((f) => table.header.includes(f));
}

/** OneRoster roles (1.1 and 1.2) as the kiosk's; guardians, parents and relatives do not use the kiosk. */
const ONEROSTER_ROLES: Record<string, (typeof ROLES)[number] | 'skip'> = {
  student: 'student',
  teacher: 'teacher',
  administrator: 'administrator',
  districtadministrator: 'administrator',
  siteadministrator: 'administrator',
  systemadministrator: 'administrator',
  principal: 'administrator',
  aide: 'staff',
  proctor: 'staff',
  counselor: 'staff',
  guardian: 'skip',
  parent: 'skip',
  relative: 'skip',
};

/** A OneRoster file beside users.csv, as rows keyed by its header ([] when the export has none). */
async function oneRosterFile(folder: string, name: string): Promise<{ file: string; rows: { line: number; of: (f: string) => string }[] }> {
  const file = path.join(folder, name);
  if (!existsSync(file)) return { file, rows: [] };
  const t = await readCsvFile(file);
  const at = (f: string) => t.header.indexOf(f);
  return { file, rows: t.rows.map(({ line, fields }) => ({ line, of: (f: string) => get(fields, at(f) < 0 ? undefined : at(f)) })) };
}

const active = (status: string) => status.toLowerCase() !== 'tobedeleted';

/**
 * The users of a OneRoster export, as roster rows. A student's grade is users.csv's `grades`, else
 * what all their classes (enrollments.csv → classes.csv `grades`) have in common.
 */
async function oneRosterRows(table: CsvTable, file: string, problems: ConfigProblem[]): Promise<{ rows: Row[]; skipped: Record<string, number> }> {
  const folder = path.dirname(file);
  const at = (f: string) => table.header.indexOf(f);
  const skipped: Record<string, number> = {};
  const skip = (why: string) => (skipped[why] = (skipped[why] ?? 0) + 1);

  // OneRoster 1.2 keeps roles in roles.csv (the primary one counts).
  const roles = new Map<string, string>();
  if (at('role') < 0) {
    const r = await oneRosterFile(folder, 'roles.csv');
    if (r.rows.length === 0) throw new UsageError(`${file} has no role column and there is no roles.csv beside it`);
    for (const x of r.rows)
      if (active(x.of('status')) && (x.of('roleType') || 'primary') === 'primary') roles.set(x.of('userSourcedId'), x.of('role'));
  }
  const classGrades = new Map<string, string[]>();
  for (const c of (await oneRosterFile(folder, 'classes.csv')).rows)
    if (active(c.of('status'))) classGrades.set(c.of('sourcedId'), splitList(c.of('grades')));
  const enrolled = new Map<string, string[][]>();
  for (const e of (await oneRosterFile(folder, 'enrollments.csv')).rows) {
    if (!active(e.of('status')) || e.of('role') !== 'student') continue;
    const grades = classGrades.get(e.of('classSourcedId'));
    if (grades?.length) enrolled.set(e.of('userSourcedId'), [...(enrolled.get(e.of('userSourcedId')) ?? []), grades]);
  }

  const rows: Row[] = [];
  for (const { line, fields } of table.rows) {
    const of = (f: string) => get(fields, at(f) < 0 ? undefined : at(f));
    const where = `${file} line ${line}`;
    if (!active(of('status'))) {
      skip('marked tobedeleted');
      continue;
    }
    if (of('enabledUser').toLowerCase() === 'false') {
      skip('not enabled');
      continue;
    }
    const sourcedId = of('sourcedId');
    const oneRole = at('role') >= 0 ? of('role') : (roles.get(sourcedId) ?? '');
    const role = ONEROSTER_ROLES[oneRole.toLowerCase()];
    if (role === undefined) {
      problems.push({
        path: where,
        message: `role "${oneRole}" is not a OneRoster role the kiosk knows (${Object.keys(ONEROSTER_ROLES).join(', ')})`,
      });
      continue;
    }
    if (role === 'skip') {
      skip(oneRole.toLowerCase());
      continue;
    }
    let grade = '';
    if (role === 'student') {
      const own = splitList(of('grades'));
      const fromClasses = enrolled.get(sourcedId) ?? [];
      const candidates = own.length ? own : fromClasses.reduce<string[]>((common, g) => common.filter((x) => g.includes(x)), fromClasses[0] ?? []);
      const parsed = [...new Set(candidates.map((g) => parseGrade(g)))];
      if (parsed.length === 1 && parsed[0] !== undefined) grade = gradeName(parsed[0]);
      else if (own.length)
        problems.push({ path: where, message: `grades "${of('grades')}": a student needs one grade the kiosk knows (PK, KG, 01 to 12)` });
      else if (fromClasses.length)
        problems.push({
          path: where,
          message: `grades: users.csv has none and this student's classes do not share one (${fromClasses.map((g) => g.join('/')).join(', ')})`,
        });
      else problems.push({ path: where, message: 'grades: users.csv has none and enrollments.csv places this student in no class with grades' });
    }
    const given = of('givenName');
    const family = of('familyName');
    const preferredGiven = of('preferredGivenName') || of('preferredFirstName');
    const preferredFamily = of('preferredFamilyName') || of('preferredLastName');
    const values: Partial<Record<Column, string>> = {
      username: of('username'),
      displayName: `${given} ${family}`.trim(),
      role,
      grade,
      ...(given && family ? { firstName: given, lastName: family } : {}),
      ...(preferredGiven ? { preferredName: `${preferredGiven} ${preferredFamily || family}`.trim() } : {}),
    };
    rows.push({ line, get: (c) => values[c] ?? '' });
  }
  return { rows, skipped };
}

/** A OneRoster list field: "09,10" (quoted in the file). */
const splitList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** The users.csv of a OneRoster folder, or the file given. */
function sourceFile(given: string): string {
  let isDir: boolean;
  try {
    isDir = statSync(given).isDirectory();
  } catch {
    return given; // readCsvFile names what is wrong
  }
  if (!isDir) return given;
  const users = path.join(given, 'users.csv');
  if (!existsSync(users)) throw new UsageError(`${given} is a folder without users.csv (give a CSV file, or a OneRoster export's folder)`);
  return users;
}

export async function rosterImport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    { out: { type: 'string' }, map: { type: 'string', multiple: true }, role: { type: 'string' }, json: { type: 'boolean' } },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('give one CSV file or OneRoster folder: aup roster import FILE.csv --out roster.json');
  if (!values.out) throw new UsageError('--out roster.json is required (the roster file to write)');
  const file = sourceFile(positionals[0]!);
  const out = path.resolve(values.out);
  const map = parseColumnMap(values.map ?? []);
  // A student information system's export of students has no role column: --role student says what they all are.
  if (values.role !== undefined && !(ROLES as readonly string[]).includes(values.role.toLowerCase()))
    throw new UsageError(`--role: "${values.role}" is not a role (${ROLES.join(', ')})`);

  const table = await readCsvFile(file);
  const problems: ConfigProblem[] = [];
  const oneRoster = isOneRoster(table);
  if (oneRoster && map.size) throw new UsageError('--map is for a plain export; a OneRoster users.csv is read by its own column names');
  if (oneRoster && values.role) throw new UsageError("--role is for a plain export; a OneRoster users.csv names each user's role");
  const { rows, skipped } = oneRoster
    ? await oneRosterRows(table, file, problems)
    : { rows: mappedRows(table, file, map, values.role?.toLowerCase()), skipped: {} };

  // PIN hashes already in the roster survive a re-import.
  const kept = new Map<string, string>();
  try {
    const existing = rosterSchema.safeParse(JSON.parse((await readFile(out, 'utf8')).replace(/^\uFEFF/, '')));
    if (existing.success) for (const u of existing.data.users) if (u.pinHash) kept.set(u.username.toLowerCase(), u.pinHash);
  } catch {
    // no roster yet
  }

  const users: RosterUser[] = [];
  const seen = new Map<string, number>();
  for (const { line, get, fields } of rows) {
    const at = `${file} line ${line}`;
    if (fields && fields.length !== table.header.length) {
      problems.push({ path: at, message: `expected ${table.header.length} fields, found ${fields.length} (read as ${describeCsv(table)})` });
      continue;
    }
    const before = problems.length;
    const role = get('role').toLowerCase();
    if (!(ROLES as readonly string[]).includes(role))
      problems.push({ path: at, message: `role "${get('role')}" must be one of ${ROLES.join(', ')}` });
    let grade: number | undefined;
    if (get('grade') !== '') {
      grade = exportGrade(get('grade'));
      if (grade === undefined)
        problems.push({ path: at, message: `grade "${get('grade')}" must be PK, K or 1 to 12 (5, 05 and 5th are read alike)` });
    }
    const privileges = (get('privileges') || 'active').toLowerCase();
    if (!(PRIVILEGES as readonly string[]).includes(privileges))
      problems.push({ path: at, message: `privileges "${get('privileges')}" must be one of ${PRIVILEGES.join(', ')}` });
    const flag = get('guardianDeniedInternet').toLowerCase();
    if (!YES.has(flag) && !NO.has(flag))
      problems.push({ path: at, message: `guardianDeniedInternet "${get('guardianDeniedInternet')}" must be yes or no` });
    if (problems.length > before) continue;
    const username = get('username');
    const pinHash = get('pinHash') || kept.get(username.toLowerCase());
    const candidate = {
      username,
      displayName: get('displayName'),
      ...(get('preferredName') ? { preferredName: get('preferredName') } : {}),
      ...(get('firstName') ? { firstName: get('firstName') } : {}),
      ...(get('lastName') ? { lastName: get('lastName') } : {}),
      role,
      ...(grade !== undefined ? { grade } : {}),
      ...(get('language') ? { language: get('language').toLowerCase() } : {}),
      ...(get('campus') ? { campus: get('campus') } : {}),
      ...(get('homeroom') ? { homeroom: get('homeroom') } : {}),
      privileges,
      guardianDeniedInternet: YES.has(flag),
      ...(pinHash ? { pinHash } : {}),
    };
    const parsed = rosterUserSchema.safeParse(candidate);
    if (!parsed.success) {
      // One sentence per field: an empty username is "empty", not also "letters, digits and … only".
      const fields = new Set<string>();
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.') || 'row';
        if (!fields.has(field)) problems.push({ path: at, message: `${field}: ${issue.message}` });
        fields.add(field);
      }
      continue;
    }
    const first = seen.get(username.toLowerCase());
    if (first !== undefined) {
      problems.push({ path: at, message: `username "${username}" is already on line ${first}` });
      continue;
    }
    seen.set(username.toLowerCase(), line);
    users.push(parsed.data);
  }
  const read = `read ${file} as ${oneRoster ? 'OneRoster, ' : ''}${describeCsv(table)}`;
  const badRows = new Set(problems.map((p) => p.path)).size;
  if (problems.length) throw new UsageError(`${badRows} bad row${badRows === 1 ? '' : 's'}; ${out} was not changed (${read})`, problems);
  if (users.length === 0) throw new UsageError(`${file} has no users after the header (${read})`);

  // Atomic replace: a reader (the kiosk) sees the old roster or the new one, never half of one.
  await writeOutput(out, JSON.stringify({ users }, null, 2) + '\n');
  const warnings = rosterWarnings({ users }, out);
  const withPin = users.filter((u) => u.pinHash).length;
  if (values.json)
    io.out(
      JSON.stringify({
        read: file,
        format: oneRoster ? 'oneroster' : 'csv',
        encoding: table.encoding,
        delimiter: table.delimiter,
        written: out,
        users: users.length,
        keptPins: withPin,
        skipped,
        warnings,
      }) + '\n',
    );
  else {
    io.out(`${read}\n`);
    // Guardians, parents and relatives are in a OneRoster export but never sign in at a kiosk.
    const skips = Object.entries(skipped).map(([why, n]) => `${n} ${why}${n > 1 && !why.includes(' ') ? 's' : ''}`);
    if (skips.length) io.out(`skipped ${skips.join(', ')}\n`);
    io.out(`wrote ${users.length} users to ${out} (${withPin} with a PIN)\n`);
    for (const w of warnings) io.err(`  warning: ${w.message}\n`);
  }
  return EXIT.ok;
}
