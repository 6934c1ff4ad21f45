// `aup roster import`: a student information system export (CSV) becomes the kiosk's roster.
// Every bad row is reported by its line; nothing is written unless every row is good; the file is
// replaced atomically; PIN hashes already in the roster are kept (an SIS export never has them).
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { rosterSchema, rosterUserSchema, rosterWarnings, type RosterUser } from '../directory/roster.ts';
import { ROLES, PRIVILEGES } from '../api/contract.ts';
import { EXIT, UsageError, parse, type CliIo } from './io.ts';

const COLUMNS = ['username', 'displayName', 'role', 'grade', 'language', 'privileges', 'guardianDeniedInternet'] as const;
const YES = new Set(['yes', 'y', 'true', '1', 'x']);
const NO = new Set(['no', 'n', 'false', '0', '']);

export async function rosterImport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string' }, json: { type: 'boolean' } }, true);
  if (positionals.length !== 1) throw new UsageError('give one CSV file: aup roster import FILE.csv --out roster.json');
  if (!values.out) throw new UsageError('--out roster.json is required (the roster file to write)');
  const file = positionals[0]!;
  const out = path.resolve(values.out);

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { bom: true, relax_column_count: true, trim: true, skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (error) {
    throw new UsageError(`${file} is not readable CSV: ${(error as Error).message}`);
  }
  const header = (records[0]?.record ?? []).map((h) => h.trim());
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length)
    throw new UsageError(`${file} line 1: the header lacks ${missing.join(', ')} (it needs ${COLUMNS.join(',')}; pinHash may be added)`);
  const col = (name: string) => header.indexOf(name);

  // PIN hashes already in the roster survive a re-import.
  const kept = new Map<string, string>();
  try {
    const existing = rosterSchema.safeParse(JSON.parse((await readFile(out, 'utf8')).replace(/^\uFEFF/, '')));
    if (existing.success) for (const u of existing.data.users) if (u.pinHash) kept.set(u.username.toLowerCase(), u.pinHash);
  } catch {
    // no roster yet
  }

  const problems: { path: string; message: string }[] = [];
  const users: RosterUser[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const at = `${file} line ${line}`;
    if (record.length !== header.length) {
      problems.push({ path: at, message: `expected ${header.length} fields, found ${record.length}` });
      continue;
    }
    const get = (name: string) => (col(name) >= 0 ? record[col(name)]!.trim() : '');
    const before = problems.length;
    const role = get('role').toLowerCase();
    if (!(ROLES as readonly string[]).includes(role))
      problems.push({ path: at, message: `role "${get('role')}" must be one of ${ROLES.join(', ')}` });
    const gradeText = get('grade').toUpperCase();
    let grade: number | undefined;
    if (gradeText !== '') {
      grade = gradeText === 'K' || gradeText === 'KG' ? 0 : /^\d{1,2}$/.test(gradeText) ? Number(gradeText) : NaN;
      if (!Number.isInteger(grade) || grade! < 0 || grade! > 12) problems.push({ path: at, message: `grade "${get('grade')}" must be K or 0 to 12` });
    }
    const privileges = (get('privileges') || 'active').toLowerCase();
    if (!(PRIVILEGES as readonly string[]).includes(privileges))
      problems.push({ path: at, message: `privileges "${get('privileges')}" must be one of ${PRIVILEGES.join(', ')}` });
    const flag = get('guardianDeniedInternet').toLowerCase();
    if (!YES.has(flag) && !NO.has(flag))
      problems.push({ path: at, message: `guardianDeniedInternet "${get('guardianDeniedInternet')}" must be yes or no` });
    if (problems.length > before) continue;
    const username = get('username');
    const candidate = {
      username,
      displayName: get('displayName'),
      role,
      ...(grade !== undefined ? { grade } : {}),
      ...(get('language') ? { language: get('language').toLowerCase() } : {}),
      privileges,
      guardianDeniedInternet: YES.has(flag),
      ...(get('pinHash') || kept.get(username.toLowerCase()) ? { pinHash: get('pinHash') || kept.get(username.toLowerCase()) } : {}),
    };
    const parsed = rosterUserSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ path: at, message: `${issue.path.join('.') || 'row'}: ${issue.message}` });
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
  if (problems.length) throw new UsageError(`${problems.length} bad row${problems.length === 1 ? '' : 's'}; ${out} was not changed`, problems);
  if (users.length === 0) throw new UsageError(`${file} has no rows after the header`);

  // Atomic replace: a reader (the kiosk) sees the old roster or the new one, never half of one.
  const tmp = `${out}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify({ users }, null, 2) + '\n', { flag: 'wx' });
    await rename(tmp, out);
  } catch (error) {
    await rm(tmp, { force: true });
    throw new Error(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? error}`, { cause: error });
  }
  const warnings = rosterWarnings({ users }, out);
  if (values.json) io.out(JSON.stringify({ written: out, users: users.length, keptPins: users.filter((u) => u.pinHash).length, warnings }) + '\n');
  else {
    io.out(`wrote ${users.length} users to ${out} (${users.filter((u) => u.pinHash).length} with a PIN)\n`);
    for (const w of warnings) io.err(`  warning: ${w.message}\n`);
  }
  return EXIT.ok;
}
