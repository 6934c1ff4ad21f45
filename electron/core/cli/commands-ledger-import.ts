// `aup ledger import`: paper agreements (students without a login, parents, staff who sign yearly)
// typed in from a CSV by a clerk. The file is read as Excel saved it (csv-input.ts). Every row is
// checked before the first is written: the policy and its document, the date written on the form
// (2026-08-21, or 08/21/2026 as a US clerk types it; stored as ISO), the person (in the directory;
// --allow-unknown records and flags a student not yet on the roster), the staff member who typed it
// in. Importing a file again records nothing twice: a form already in the ledger (same user, policy,
// version, signer role and signed date) is reported and skipped.
import os from 'node:os';
import { sealDirIn } from '../ledger/seal.ts';
import { Ledger } from '../ledger/ledger.ts';
import { NewLedgerRecordSchema, type NewLedgerRecord } from '../ledger/records.ts';
import { APP_VERSION } from '../version.ts';
import { schoolYearOf } from '../school-year.ts';
import { directoryFor } from '../setup.ts';
import type { DirectoryUser } from '../people.ts';
import type { ConfigProblem } from '../api/contract.ts';
import { instantOfLocal, localDate, parseLocalDate, type Clock } from '../time.ts';
import { EXIT, UsageError, parse, setupFor, type CliIo } from './io.ts';
import { describeCsv, readCsvFile } from './csv-input.ts';

/** The columns, in the order the README shows them; `signer` is the old name of `signerRole`. */
export const IMPORT_COLUMNS = ['username', 'policyId', 'version', 'language', 'signedOn', 'signerRole', 'enteredBy'] as const;
type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const ALIASES: Partial<Record<ImportColumn, string[]>> = { signerRole: ['signer'] };
const SIGNER_ROLES = ['student', 'guardian', 'staff'] as const;
const USERNAME = /^[\p{L}\p{N}._@'-]{1,100}$/u;

/**
 * The date written on a form: ISO `2026-08-21`, or the US `08/21/2026` (also `8/21/2026`) a clerk in a
 * US district types, month first. Returns the ISO date, or null. A two-digit year is not guessed.
 */
export function parseSignedOn(text: string): string | null {
  if (parseLocalDate(text)) return text;
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!us) return null;
  const iso = `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}`;
  return parseLocalDate(iso) ? iso : null;
}

/** What makes two paper forms the same form. */
const formKey = (f: { user: string; policyId: string; version: string; signer: string; signedOn: string }) =>
  [f.user.toLowerCase(), f.policyId, f.version, f.signer, f.signedOn].join('\u0000');

export async function ledgerImport(args: string[], io: CliIo, clock: Clock = { now: () => io.now() }): Promise<number> {
  const { values, positionals } = parse(args, { config: { type: 'string' }, json: { type: 'boolean' }, 'allow-unknown': { type: 'boolean' } }, true);
  if (positionals.length !== 1) throw new UsageError('give one CSV file: aup ledger import FILE.csv');
  const file = positionals[0]!;
  const setup = await setupFor(io, values.config);
  const tz = setup.config.district.timeZone;
  const table = await readCsvFile(file);

  const header = table.header.map((h) => h.toLowerCase());
  const index = new Map<ImportColumn, number>();
  for (const c of IMPORT_COLUMNS) {
    const i = [c, ...(ALIASES[c] ?? [])].map((name) => header.indexOf(name.toLowerCase())).find((x) => x >= 0);
    if (i !== undefined) index.set(c, i);
  }
  const missing = IMPORT_COLUMNS.filter((c) => !index.has(c));
  if (missing.length)
    throw new UsageError(
      `${file} line 1: the header lacks ${missing.join(', ')} (it needs ${IMPORT_COLUMNS.join(',')}; "signer" is taken for signerRole; read as ${describeCsv(table)})`,
    );

  const today = localDate(clock.now(), tz);
  const problems: ConfigProblem[] = [];
  /** A paper form as the ledger takes it (NewLedgerRecord's acceptance and guardian-agreement). */
  type PaperForm = Extract<NewLedgerRecord, { type: 'acceptance' | 'guardian-agreement' }> & { schoolYear: string; signedOn: string; signer: string };
  const records: { line: number; record: PaperForm }[] = [];
  const flagged: { line: number; user: string }[] = [];
  const seen = new Map<string, number>();
  const directory = await directoryFor(setup);
  const people = new Map<string, DirectoryUser | null>();
  const lookUp = async (username: string) => {
    const key = username.toLowerCase();
    if (!people.has(key)) people.set(key, await directory.findUser(username));
    return people.get(key)!;
  };
  try {
    for (const { line, fields } of table.rows) {
      const at = `${file} line ${line}`;
      const bad = (m: string) => problems.push({ path: at, message: m });
      if (fields.length !== table.header.length) {
        bad(`expected ${table.header.length} fields, found ${fields.length} (read as ${describeCsv(table)})`);
        continue;
      }
      const get = (c: ImportColumn) => (fields[index.get(c)!] ?? '').trim();
      const [username, policyId, version, languageText, signedOnText, signerText, enteredBy] = IMPORT_COLUMNS.map(get) as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      // As a clerk types them: "Guardian", "ES".
      const signer = signerText.toLowerCase();
      const language = languageText.toLowerCase();
      const before = problems.length;
      let person: DirectoryUser | null = null;
      if (!USERNAME.test(username)) bad(`username "${username}" is empty or has characters a username cannot have`);
      else {
        person = await lookUp(username);
        if (!person && !values['allow-unknown'])
          bad(`username "${username}" is not in the ${directory.kind} (for a student not on it yet: --allow-unknown records and flags the form)`);
      }
      const policy = setup.catalog.policies.find((p) => p.id === policyId);
      const v = policy?.versions.find((x) => x.version === version);
      const doc = v?.documents.get(language);
      if (!policy) bad(`policyId "${policyId}" is not in the catalog (${setup.catalog.policies.map((p) => p.id).join(', ')})`);
      else if (policy.kind === 'summary')
        bad(`policyId "${policyId}" is the plain-words summary of "${policy.summarizes}", never signed on its own: record ${policy.summarizes}`);
      else if (!v) bad(`${policyId} has no version "${version}" (${policy.versions.map((x) => x.version).join(', ')})`);
      else if (!doc) bad(`${policyId} ${version} has no "${language}" document (${[...v.documents.keys()].join(', ')})`);
      const signedOn = parseSignedOn(signedOnText);
      if (!signedOn) bad(`signedOn "${signedOnText}" is not a date like 2026-08-21 or 08/21/2026 (month first)`);
      else if (signedOn > today) bad(`signedOn ${signedOn} is in the future`);
      else if (v && signedOn < v.effective) bad(`signedOn ${signedOn} is before ${policyId} ${version} took effect (${v.effective})`);
      if (!(SIGNER_ROLES as readonly string[]).includes(signer))
        bad(`signerRole "${signerText}" must be student, guardian or staff (who signed the form, not their name)`);
      if (!USERNAME.test(enteredBy)) bad(`enteredBy "${enteredBy}" must be the username of the staff member who typed the form in`);
      else {
        const clerk = await lookUp(enteredBy);
        if (!clerk) bad(`enteredBy "${enteredBy}" is not in the ${directory.kind}`);
        else if (clerk.role === 'student') bad(`enteredBy "${enteredBy}" is a student; forms are typed in by staff`);
      }
      if (problems.length > before || !signedOn || !doc) continue;
      const user = (person?.username ?? username).toLowerCase();
      const key = [user, policyId, version, signer].join('\u0000');
      const first = seen.get(key);
      if (first !== undefined) {
        bad(`the same form as line ${first}`);
        continue;
      }
      seen.set(key, line);
      if (!person) flagged.push({ line, user });
      const noon = instantOfLocal(parseLocalDate(signedOn)!, tz, { hour: 12, minute: 0 });
      records.push({
        line,
        record: {
          type: signer === 'guardian' ? 'guardian-agreement' : 'acceptance',
          user,
          schoolYear: schoolYearOf(noon, { timeZone: tz, start: setup.config.district.schoolYearStart }),
          policyId,
          version,
          language,
          sha256: doc.sha256,
          method: 'paper',
          signedOn,
          signer: signer as (typeof SIGNER_ROLES)[number],
          enteredBy: (await lookUp(enteredBy))!.username.toLowerCase(),
        },
      });
    }
  } finally {
    await directory.close();
  }
  // Every record is checked against the ledger's own schema before the first is written.
  for (const { line, record } of records) {
    const check = NewLedgerRecordSchema.safeParse(record);
    if (!check.success)
      problems.push({ path: `${file} line ${line}`, message: check.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ') });
  }
  const badRows = new Set(problems.map((p) => p.path)).size;
  if (problems.length) throw new UsageError(`${badRows} bad row${badRows === 1 ? '' : 's'}; nothing was recorded`, problems);
  if (records.length === 0) throw new UsageError(`${file} has no rows after the header`);

  const ledger = await Ledger.open({
    dir: setup.config.ledger.dir,
    clock,
    schoolYear: { timeZone: tz, start: setup.config.district.schoolYearStart },
    machine: { machine: os.hostname(), campus: setup.config.site.campus, room: setup.config.site.room, appVersion: APP_VERSION },
    // Sealed like the service's own records (a stale entry for another file only under-claims: growth).
    seal: { dir: sealDirIn(setup.config.state.dir) },
  });
  const already: { line: number; user: string; policyId: string; version: string; signerRole: string; signedOn: string; at: string }[] = [];
  const recorded: NewLedgerRecord[] = [];
  try {
    // The paper forms already in the ledger, in the school years this file touches.
    const existing = new Map<string, string>();
    for (const year of new Set(records.map((r) => r.record.schoolYear))) {
      for await (const r of ledger.records(year)) {
        if ((r.type === 'acceptance' || r.type === 'guardian-agreement') && r.method === 'paper' && r.signedOn && r.signer) {
          existing.set(formKey({ user: r.user, policyId: r.policyId, version: r.version, signer: r.signer, signedOn: r.signedOn }), r.at);
        }
      }
    }
    for (const { line, record } of records) {
      const at = existing.get(formKey(record));
      if (at !== undefined) {
        already.push({
          line,
          user: record.user,
          policyId: record.policyId,
          version: record.version,
          signerRole: record.signer,
          signedOn: record.signedOn,
          at,
        });
        continue;
      }
      await ledger.append(record);
      recorded.push(record);
    }
  } finally {
    await ledger.close();
  }
  const guardians = recorded.filter((r) => r.type === 'guardian-agreement').length;
  const flaggedRecorded = flagged.filter((f) => !already.some((a) => a.line === f.line));
  if (values.json) {
    io.out(
      JSON.stringify({
        read: { file, encoding: table.encoding, delimiter: table.delimiter },
        recorded: recorded.length,
        guardianAgreements: guardians,
        alreadyRecorded: already,
        notInDirectory: flaggedRecorded,
      }) + '\n',
    );
    return EXIT.ok;
  }
  const s = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  io.out(`read ${file} as ${describeCsv(table)}\n`);
  io.out(`recorded ${s(recorded.length, 'paper form')} (${s(guardians, 'guardian agreement')}) in ${setup.config.ledger.dir}\n`);
  if (already.length) {
    io.out(`${s(already.length, 'form')} already recorded, not recorded again:\n`);
    for (const a of already)
      io.out(`  line ${a.line}: ${a.user} ${a.policyId} ${a.version} signed by the ${a.signerRole} on ${a.signedOn} (recorded ${a.at})\n`);
  }
  if (flaggedRecorded.length) {
    io.out(`${s(flaggedRecorded.length, 'form')} for a username not in the ${setup.config.directory.type} (recorded because of --allow-unknown):\n`);
    for (const f of flaggedRecorded) io.out(`  line ${f.line}: ${f.user}\n`);
  }
  return EXIT.ok;
}
