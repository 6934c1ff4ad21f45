// `aup ledger import`: paper agreements typed in from a CSV (DESIGN.md "CLI").
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { parse as parseCsv } from 'csv-parse/sync';
import { sealDirIn } from '../ledger/seal.ts';
import { Ledger } from '../ledger/ledger.ts';
import { NewLedgerRecordSchema, type NewLedgerRecord } from '../ledger/records.ts';
import { APP_VERSION } from '../version.ts';
import { schoolYearOf } from '../school-year.ts';
import { instantOfLocal, localDate, parseLocalDate, type Clock } from '../time.ts';
import { EXIT, UsageError, parse, setupFor, type CliIo } from './io.ts';

const IMPORT_HEADER = ['username', 'policyId', 'version', 'language', 'signedOn', 'signer', 'enteredBy'];

/** Paper agreements (students without a login, parents, staff who sign yearly) typed in from a CSV. */
export async function ledgerImport(args: string[], io: CliIo, clock: Clock = { now: () => io.now() }): Promise<number> {
  const { values, positionals } = parse(args, { config: { type: 'string' }, json: { type: 'boolean' } }, true);
  if (positionals.length !== 1) throw new UsageError('give one CSV file: aup ledger import FILE.csv');
  const file = positionals[0]!;
  const setup = await setupFor(io, values.config);
  const tz = setup.config.district.timeZone;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let table: string[][];
  try {
    table = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    throw new UsageError(`${file} is not readable CSV: ${(error as Error).message}`);
  }
  const header = (table[0] ?? []).map((h) => h.trim());
  if (header.join(',') !== IMPORT_HEADER.join(',')) {
    throw new UsageError(`${file} line 1: the header must be exactly ${IMPORT_HEADER.join(',')}`);
  }
  const today = localDate(clock.now(), tz);
  const problems: { path: string; message: string }[] = [];
  const records: NewLedgerRecord[] = [];
  const seen = new Map<string, number>();
  // Lines are counted in the file (line 1 is the header); skip_empty_lines keeps data rows in order.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let lineNo = 1;
  for (const row of table.slice(1)) {
    do lineNo++;
    while (lineNo <= lines.length && lines[lineNo - 1]!.trim() === '');
    const at = `${file} line ${lineNo}`;
    const bad = (m: string) => problems.push({ path: at, message: m });
    if (row.length !== IMPORT_HEADER.length) {
      bad(`expected ${IMPORT_HEADER.length} fields, found ${row.length}`);
      continue;
    }
    const [username, policyId, version, language, signedOn, signer, enteredBy] = row as [string, string, string, string, string, string, string];
    const before = problems.length;
    if (!/^[\p{L}\p{N}._@'-]{1,100}$/u.test(username)) bad(`username "${username}" is empty or has characters a username cannot have`);
    const policy = setup.catalog.policies.find((p) => p.id === policyId);
    const v = policy?.versions.find((x) => x.version === version);
    const doc = v?.documents.get(language);
    if (!policy) bad(`policyId "${policyId}" is not in the catalog (${setup.catalog.policies.map((p) => p.id).join(', ')})`);
    else if (!v) bad(`${policyId} has no version "${version}" (${policy.versions.map((x) => x.version).join(', ')})`);
    else if (!doc) bad(`${policyId} ${version} has no "${language}" document (${[...v.documents.keys()].join(', ')})`);
    const date = parseLocalDate(signedOn);
    if (!date) bad(`signedOn "${signedOn}" is not a date like 2026-08-14`);
    else if (signedOn > today) bad(`signedOn ${signedOn} is in the future`);
    else if (v && signedOn < v.effective) bad(`signedOn ${signedOn} is before ${policyId} ${version} took effect (${v.effective})`);
    if (!['student', 'guardian', 'staff'].includes(signer)) bad(`signer "${signer}" must be student, guardian or staff`);
    if (!/^[\p{L}\p{N}._@'-]{1,100}$/u.test(enteredBy)) bad(`enteredBy "${enteredBy}" must be the username of whoever typed the form in`);
    if (problems.length > before || !date || !doc) continue;
    const key = [username.toLowerCase(), policyId, version, signer].join('\u0000');
    const first = seen.get(key);
    if (first !== undefined) {
      bad(`the same form as line ${first}`);
      continue;
    }
    seen.set(key, lineNo);
    const noon = instantOfLocal(date, tz, { hour: 12, minute: 0 });
    records.push({
      type: signer === 'guardian' ? 'guardian-agreement' : 'acceptance',
      user: username.toLowerCase(),
      schoolYear: schoolYearOf(noon, { timeZone: tz, start: setup.config.district.schoolYearStart }),
      policyId,
      version,
      language,
      sha256: doc.sha256,
      method: 'paper',
      signedOn,
      signer: signer as 'student' | 'guardian' | 'staff',
      enteredBy: enteredBy.toLowerCase(),
    });
  }
  // Every record is checked against the ledger's own schema before the first is written.
  records.forEach((r, i) => {
    const check = NewLedgerRecordSchema.safeParse(r);
    if (!check.success)
      problems.push({ path: `${file} row ${i + 1}`, message: check.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ') });
  });
  if (problems.length) throw new UsageError(`${problems.length} bad row${problems.length === 1 ? '' : 's'}; nothing was recorded`, problems);
  if (records.length === 0) throw new UsageError(`${file} has no rows after the header`);

  const ledger = await Ledger.open({
    dir: setup.config.ledger.dir,
    clock,
    schoolYear: { timeZone: tz, start: setup.config.district.schoolYearStart },
    machine: { machine: os.hostname(), campus: setup.config.site.campus, room: setup.config.site.room, appVersion: APP_VERSION },
    // Sealed like the service's own records (a stale entry for another file only under-claims: growth).
    seal: { dir: sealDirIn(setup.config.state.dir) },
  });
  try {
    for (const r of records) await ledger.append(r);
  } finally {
    await ledger.close();
  }
  const guardians = records.filter((r) => r.type === 'guardian-agreement').length;
  if (values.json) io.out(JSON.stringify({ recorded: records.length, guardianAgreements: guardians }) + '\n');
  else
    io.out(
      `recorded ${records.length} paper form${records.length === 1 ? '' : 's'} (${guardians} guardian agreement${guardians === 1 ? '' : 's'}) in ${setup.config.ledger.dir}\n`,
    );
  return EXIT.ok;
}
