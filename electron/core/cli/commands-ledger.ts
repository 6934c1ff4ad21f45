// `aup status`, `aup report`, `aup ledger verify`: the evidence, read (never changed) for technicians and
// administrators. Paper forms typed in: commands-ledger-import.ts.
import { gradeName, type DirectoryUser } from '../people.ts';
import { existsSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';

import { directoryFor } from '../setup.ts';
import { readLedgerIndex, readLedgerRecords, verifyLedgerDir, type VerifyReport } from '../ledger/verify.ts';
import { type LedgerRecord } from '../ledger/records.ts';
import { sealDirIn } from '../ledger/seal.ts';
import { ConfLockStore } from '../lock/lock-store.ts';
import { decide, resolveFor } from '../kiosk/decision.ts';
import { decisionRulesFrom } from '../kiosk/rules.ts';
import { gradeBandOf, versionInForce } from '../policy/resolve.ts';
import { campusPage, personStatuses, type AcceptanceFact, type CampusPageInput, type VersionInForce } from '../reports/campus.ts';
import { pageLanguage } from '../reports/page.ts';
import { APP_VERSION } from '../version.ts';
import path from 'node:path';
import { schoolYearOf } from '../school-year.ts';
import { isoWithOffset } from '../time.ts';
import type { KioskSetup } from '../setup.ts';
import { EXIT, UsageError, atAndYear, parse, parseAt, setupFor, writeOutput, type CliIo } from './io.ts';
import { CENTRAL_OPTIONS, centralReport, centralUserEvidence, centralYearFacts, databaseLabel } from './commands-central.ts';

const decisionRules = (setup: KioskSetup) => decisionRulesFrom(setup.config);

const lower = (u: string) => u.toLowerCase();

export async function status(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    config: { type: 'string' },
    user: { type: 'string' },
    at: { type: 'string' },
    json: { type: 'boolean' },
    ...CENTRAL_OPTIONS,
  });
  if (!values.user) throw new UsageError('--user USERNAME is required');
  if (!values.central && (values['password-file'] || values['ca-file'])) throw new UsageError('--password-file and --ca-file go with --central URL');
  const setup = await setupFor(io, values.config, true);
  const now = parseAt(values.at, setup.config.district.timeZone, io.now());
  const directory = await directoryFor(setup);
  let user: DirectoryUser | null;
  try {
    user = await directory.findUser(values.user);
  } finally {
    await directory.close();
  }
  if (!user) throw new UsageError(`--user: "${values.user}" is not in the ${setup.config.directory.type}`);
  const { index } = await readLedgerIndex(setup.config.ledger.dir);
  // --central: what the user did on any machine of the district too (the kiosk asks the same).
  const year = schoolYearOf(now, { timeZone: setup.config.district.timeZone, start: setup.config.district.schoolYearStart });
  const central = values.central ? await centralUserEvidence(values, setup, user.username, year) : null;
  const evidence = {
    hasAccepted: (u: string, p: string, v: string, y: string) =>
      index.hasAccepted(lower(u), p, v, y) || (y === year && central?.hasAccepted(u, p, v)) === true,
    hasAcknowledgedSafety: (u: string, r: string, y: string) =>
      index.hasAcknowledgedSafety(lower(u), r, y) || (y === year && central?.hasAcknowledgedSafety(u, r)) === true,
  };
  const grant = existsSync(setup.config.state.dir)
    ? new ConfLockStore(setup.config.state.dir, () => ({ failures: 0 })).grantFor(user.username)
    : undefined;
  const d = decide({
    user,
    catalog: setup.catalog,
    evidence,
    grant,
    now,
    rules: decisionRules(setup),
    ...(user.language ? { language: user.language } : {}),
  });

  const answer: Record<string, unknown> = {
    user: user.username,
    schoolYear: d.schoolYear,
    next: d.next,
    ...(central ? { evidence: 'local+central' } : {}),
  };
  let why: string;
  if (d.next === 'policy' || d.next === 'safety-rules') {
    const r = d.policy;
    answer.policy = {
      policyId: r.policy.id,
      version: r.version.version,
      effective: r.version.effective,
      language: r.language,
      sha256: r.document.sha256,
      schoolYear: d.schoolYear,
    };
    if (d.next === 'policy') {
      const earlier =
        index.acceptanceOf(lower(user.username), r.policy.id, d.schoolYear) ?? central?.acceptanceOf(user.username, r.policy.id) ?? null;
      answer.reason = earlier ? 'new-version' : 'not-accepted';
      why = earlier
        ? `accepted ${r.policy.id} ${earlier.version} this school year, but ${r.version.version} took effect on ${r.version.effective}`
        : `has not accepted ${r.policy.id} ${r.version.version} in school year ${d.schoolYear}`;
    } else {
      answer.reason = 'not-acknowledged';
      why = `accepted the policy; has not seen the Internet Safety rules (${r.policy.id}) this school year`;
    }
  } else if (d.lock.state === 'locked') {
    answer.reason = d.lock.reason;
    why = {
      'no-teacher': 'student sessions stay locked until an approved teacher unlocks them',
      'supervision-required': 'privileges: network use only under direct supervision',
      'privileges-suspended': 'privileges suspended: only an administrator override opens the session',
      'privileges-revoked': 'privileges revoked: only an administrator override opens the session',
      expired: 'the last unlock has run out',
    }[d.lock.reason];
  } else if (d.lock.state === 'unlocked') {
    answer.reason = d.lock.grant.kind;
    // Local time with its offset, as the records and the reports print it (the lock store keeps UTC).
    const until = isoWithOffset(new Date(d.lock.grant.until), setup.config.district.timeZone);
    answer.until = until;
    answer.by = d.lock.grant.by;
    why = `unlocked by ${d.lock.grant.by} (${d.lock.grant.kind}) until ${until}`;
  } else {
    answer.reason = user.role === 'student' ? 'not-locked' : 'staff';
    why = 'has accepted this year; nothing more to do';
  }
  if (values.json) io.out(JSON.stringify(answer, null, 2) + '\n');
  else
    io.out(
      `${user.username} (${user.displayName}, ${user.role}${user.grade !== undefined ? ` grade ${gradeName(user.grade)}` : ''}), ${d.schoolYear}: ${d.next} — ${why}\n`,
    );
  return EXIT.ok;
}

/** Cells a spreadsheet would run as a formula (`=HYPERLINK(...)` typed as a name) are made text. */
function cell(value: unknown): string {
  const s = value === undefined || value === null ? '' : String(value);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** CSV that opens correctly in Excel: UTF-8 with a BOM, CRLF, every field quoted where needed. */
export function excelCsv(rows: Record<string, unknown>[], columns: string[]): string {
  return (
    '\uFEFF' +
    stringify(
      // Grades as the roster writes them: pre-kindergarten (-1 inside) "PK", kindergarten (0) "K".
      rows.map((r) => columns.map((c) => cell(c === 'grade' && typeof r[c] === 'number' ? gradeName(r[c]) : r[c]))),
      { header: true, columns, record_delimiter: 'windows' },
    )
  );
}

const REPORT_COLUMNS = [
  'username',
  'displayName',
  'role',
  'grade',
  'policyId',
  'type',
  'version',
  'language',
  'method',
  'signer',
  'signedOn',
  'enteredBy',
  'at',
  'machine',
  'campus',
  'room',
];
const MISSING_COLUMNS = ['username', 'displayName', 'role', 'grade', 'gradeBand', 'policyId', 'versionInForce', 'lastAcceptedVersion'];

export const REPORT_OPTIONS = {
  config: { type: 'string' },
  year: { type: 'string' },
  missing: { type: 'boolean' },
  format: { type: 'string', default: 'csv' },
  campus: { type: 'string' },
  lang: { type: 'string' },
  out: { type: 'string' },
  at: { type: 'string' },
  ...CENTRAL_OPTIONS,
} as const;

/** A ledger record as the campus report's fact (the same shape the district database's rows become). */
function factOf(r: Extract<LedgerRecord, { type: 'acceptance' | 'guardian-agreement' }>): AcceptanceFact {
  return {
    type: r.type,
    username: r.user,
    policyId: r.policyId,
    version: r.version,
    at: r.at,
    campus: r.campus,
    room: r.room,
    machine: r.machine,
    method: r.method,
    signer: r.signer ?? null,
    signedOn: r.signedOn ?? null,
    enteredBy: r.enteredBy ?? null,
  };
}

export async function report(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, REPORT_OPTIONS);
  if (values.format !== 'csv' && values.format !== 'json' && values.format !== 'html') throw new UsageError('--format: expected csv, json or html');
  const lang = pageLanguage(values.lang);
  if (!lang) throw new UsageError(`--lang: expected en or es, not "${values.lang}"`);
  if (values.format !== 'html' && (values.lang || values.campus)) throw new UsageError('--lang and --campus go with --format html');
  if (values.format === 'html' && values.missing)
    throw new UsageError('--missing goes with csv or json: the html page lists who has not accepted, room by room');
  const setup = await setupFor(io, values.config, true);
  const tz = setup.config.district.timeZone;
  const { now, year } = atAndYear(setup, io, values.at, values.year);

  const directory = await directoryFor(setup);
  let people: DirectoryUser[] | null;
  try {
    people = await directory.listUsers();
  } finally {
    await directory.close();
  }
  const byName = new Map((people ?? []).map((p) => [lower(p.username), p]));
  const policyFor = (p: DirectoryUser) => {
    const r = resolveFor(setup.catalog, 'aup', p, now, decisionRules(setup), p.language);
    return r ? { policyId: r.policy.id, version: r.version.version } : null;
  };
  const bandOf = (g: number | undefined) => gradeBandOf(g, setup.config.district.gradeBands) ?? null;
  const emit = async (text: string) => {
    if (values.out) {
      await writeOutput(path.resolve(values.out), text);
      io.out(`wrote ${path.resolve(values.out)}\n`);
    } else io.out(text);
  };

  if (values.format === 'html') {
    if (!people)
      throw new UsageError(
        '--format html needs a list of everyone, which the roster directory has (LDAP cannot list everyone): give a roster config',
      );
    let facts: AcceptanceFact[];
    let source: CampusPageInput['source'];
    if (values.central) {
      facts = await centralYearFacts(values, setup, year);
      source = { kind: 'central', database: databaseLabel(values.central) };
    } else {
      facts = [];
      for await (const r of readLedgerRecords(setup.config.ledger.dir, year))
        if (r.type === 'acceptance' || r.type === 'guardian-agreement') facts.push(factOf(r));
      source = { kind: 'ledger', dir: path.resolve(setup.config.ledger.dir) };
    }
    let statuses = personStatuses({ people, facts, policyFor, gradeBandOf: bandOf, defaultCampus: setup.config.site.campus });
    const latestGuardian = new Map<string, AcceptanceFact>();
    for (const f of facts) if (f.type === 'guardian-agreement') latestGuardian.set(lower(f.username), f);
    let guardians = [...latestGuardian.values()].map((fact) => ({ fact, person: byName.get(lower(fact.username)) ?? null }));
    if (values.campus) {
      const wanted = values.campus.toLowerCase();
      const known = [...new Set(statuses.map((s) => s.campus))].sort();
      if (!known.some((c) => c.toLowerCase() === wanted))
        throw new UsageError(`--campus: "${values.campus}" is not a campus of this report (${known.join(', ') || 'none'})`);
      statuses = statuses.filter((s) => s.campus.toLowerCase() === wanted);
      guardians = guardians.filter((g) => (g.person?.campus ?? g.fact.campus).toLowerCase() === wanted);
    }
    guardians.sort((a, b) => (a.person?.displayName ?? a.fact.username).localeCompare(b.person?.displayName ?? b.fact.username));
    const versions: VersionInForce[] = [];
    for (const policy of setup.catalog.policies) {
      if (policy.kind === 'summary') continue; // shown above its policy, never accepted on its own
      const v = versionInForce(policy, now, tz);
      if (v)
        versions.push({
          policyId: policy.id,
          title: policy.title[lang] ?? policy.title.en ?? policy.id,
          ...gradesOf(policy.audience.gradeBands, setup.config.district.gradeBands),
          version: v.version,
          effective: v.effective,
          languages: [...v.documents.keys()],
        });
    }
    await emit(
      campusPage({
        lang,
        district: setup.config.district.name,
        schoolYear: year,
        generatedAt: io.now().toISOString(),
        timeZone: tz,
        source,
        statuses,
        guardians,
        versions,
        appVersion: APP_VERSION,
      }),
    );
    return EXIT.ok;
  }

  if (values.central) {
    return centralReport(values, setup, io, year, people, policyFor, bandOf, excelCsv, emit);
  }

  let rows: Record<string, unknown>[];
  let columns: string[];
  if (!values.missing) {
    // One row per user, policy and kind of record: the latest of the year.
    const latest = new Map<string, LedgerRecord>();
    for await (const r of readLedgerRecords(setup.config.ledger.dir, year)) {
      if (r.type === 'acceptance' || r.type === 'guardian-agreement') latest.set(`${r.user}\u0000${r.policyId}\u0000${r.type}`, r);
    }
    rows = [...latest.values()].map((r) => {
      const a = r as Extract<LedgerRecord, { type: 'acceptance' | 'guardian-agreement' }>;
      const p = byName.get(lower(a.user));
      return {
        username: a.user,
        displayName: p?.displayName ?? '',
        role: p?.role ?? '',
        grade: p?.grade ?? '',
        policyId: a.policyId,
        type: a.type,
        version: a.version,
        language: a.language,
        method: a.method,
        signer: a.signer ?? (a.method === 'kiosk' ? 'self' : ''),
        // A paper form is dated by when it was signed; `at` is when it was typed in.
        signedOn: a.signedOn ?? '',
        enteredBy: a.enteredBy ?? '',
        at: a.at,
        machine: a.machine,
        campus: a.campus,
        room: a.room,
      };
    });
    rows.sort((a, b) => String(a.username).localeCompare(String(b.username)) || String(a.policyId).localeCompare(String(b.policyId)));
    columns = REPORT_COLUMNS;
  } else {
    if (!people) throw new UsageError('--missing needs a list of everyone: the roster directory has it; for LDAP use the central database report');
    const { index } = await readLedgerIndex(setup.config.ledger.dir);
    rows = [];
    for (const p of people) {
      const r = resolveFor(setup.catalog, 'aup', p, now, decisionRules(setup), p.language);
      if (!r || index.hasAccepted(lower(p.username), r.policy.id, r.version.version, year)) continue;
      rows.push({
        username: p.username,
        displayName: p.displayName,
        role: p.role,
        grade: p.grade ?? '',
        gradeBand: gradeBandOf(p.grade, setup.config.district.gradeBands) ?? '',
        policyId: r.policy.id,
        versionInForce: r.version.version,
        lastAcceptedVersion: index.acceptanceOf(lower(p.username), r.policy.id, year)?.version ?? '',
      });
    }
    rows.sort((a, b) => String(a.username).localeCompare(String(b.username)));
    columns = MISSING_COLUMNS;
  }
  if (values.format === 'json') await emit(JSON.stringify({ schoolYear: year, missing: Boolean(values.missing), rows }, null, 2) + '\n');
  else await emit(excelCsv(rows, columns));
  return EXIT.ok;
}

export async function ledgerVerify(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { config: { type: 'string' }, json: { type: 'boolean' } });
  const setup = await setupFor(io, values.config, true);
  // The machine service seals the ledger in its own state folder: a deleted file or a cut-off tail shows.
  const r = await verifyLedgerDir(setup.config.ledger.dir, { sealDir: sealDirIn(setup.config.state.dir) });
  io.out(values.json ? JSON.stringify(r, null, 2) + '\n' : describeVerify(r));
  return r.status === 'tampered' ? EXIT.tampered : EXIT.ok;
}

/** `aup ledger verify` in words: the verdict, what else was found, then what the seal says. */
function describeVerify(r: VerifyReport): string {
  const out: string[] = [];
  const records = r.files.reduce((n, f) => n + f.records, 0);
  if (r.status === 'tampered') {
    out.push(`TAMPERED: ${r.first?.message}`);
    for (const p of r.problems) if (p !== r.first) out.push(`  also: ${p.message}`);
  } else if (!r.exists) out.push(`no ledger at ${r.dir} yet: nothing has been recorded on this machine`);
  else if (r.status === 'intact') out.push(`intact: ${records} records in ${r.files.length} file${r.files.length === 1 ? '' : 's'} (${r.dir})`);
  else {
    out.push(
      `intact except for a crash: ${r.first?.message}`,
      '  A write was cut off (power loss or a killed process); nothing acknowledged is lost. The kiosk sets the torn line aside when it next starts.',
    );
  }
  for (const s of r.setAside) out.push(`  earlier crash, torn line set aside in ${s}`);
  const seal = r.seal;
  if (seal?.state === 'none' && r.exists) {
    out.push(`  no seal found in ${seal.dir}: a deleted file or a cut-off tail cannot be told here (a kiosk from before the seal keeps none)`);
  } else if (seal?.state === 'sealed' && r.status !== 'tampered') {
    out.push(`  sealed: every file holds what the seal of ${seal.updatedAt} vouches for (${seal.dir})`);
  } else if (seal?.state === 'unreadable') {
    out.push(`  the seal was not checked: ${seal.reason} (run this as the kiosk service's account)`);
  }
  return out.map((l) => `${l}\n`).join('');
}

/** The grades a policy's bands cover, as a range (`PK-5`, `6-12`), for telling apart two policies of one title. */
function gradesOf(bands: string[] | undefined, defined: Record<string, [number, number]>): { grades?: string } {
  const ranges = (bands ?? []).map((b) => defined[b]).filter((r): r is [number, number] => r !== undefined);
  if (!ranges.length) return {};
  const low = Math.min(...ranges.map((r) => r[0]));
  const high = Math.max(...ranges.map((r) => r[1]));
  return { grades: low === high ? gradeName(low) : `${gradeName(low)}-${gradeName(high)}` };
}
