// `aup evidence --user U [--year Y] [--lang en|es] [--central URL --password-file F] --out FILE.html`:
// one person's evidence of a school year on one printable page, for the principal at a hearing.
// Exit 0: written (a person without records gets a page that says so); 2: bad input or an unknown
// person; 3: written, and the ledger says some of it cannot be trusted (the page says exactly what).
import path from 'node:path';
import { directoryFor } from '../setup.ts';
import type { DirectoryUser } from '../people.ts';
import { sealDirIn } from '../ledger/seal.ts';
import { gatherFromCentral, gatherFromLedger, shownTexts, type GatheredEvidence, type ShownText } from '../reports/evidence.ts';
import { evidencePage } from '../reports/evidence-page.ts';
import { pageLanguage } from '../reports/page.ts';
import { personEvidence } from '../central/admin-role/report.ts';
import { APP_VERSION } from '../version.ts';
import { EXIT, UsageError, atAndYear, parse, setupFor, writeOutput, type CliIo } from './io.ts';
import { CENTRAL_OPTIONS, databaseLabel, withReportingClient } from './commands-central.ts';

export const EVIDENCE_OPTIONS = {
  config: { type: 'string' },
  user: { type: 'string' },
  year: { type: 'string' },
  lang: { type: 'string' },
  out: { type: 'string' },
  at: { type: 'string' },
  ...CENTRAL_OPTIONS,
} as const;

/** `--out`: the page written whole (never half-written where a principal would open it), or why not, as bad input. */
export async function evidence(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, EVIDENCE_OPTIONS);
  if (!values.user) throw new UsageError('--user USERNAME is required');
  if (!values.out) throw new UsageError('--out FILE.html is required (where to write the page)');
  const lang = pageLanguage(values.lang);
  if (!lang) throw new UsageError(`--lang: expected en or es, not "${values.lang}"`);
  if (!values.central && (values['password-file'] || values['ca-file'])) throw new UsageError('--password-file and --ca-file go with --central URL');
  const setup = await setupFor(io, values.config, true);
  const tz = setup.config.district.timeZone;
  const { year } = atAndYear(setup, io, values.at, values.year);

  const directory = await directoryFor(setup);
  let person: DirectoryUser | null;
  try {
    person = await directory.findUser(values.user);
  } finally {
    await directory.close();
  }
  if (!person) throw new UsageError(`--user: "${values.user}" is not in the ${setup.config.directory.type === 'roster' ? 'roster' : 'directory'}`);

  let gathered: GatheredEvidence;
  if (values.central) {
    const rows = await withReportingClient(values, setup, (client) => personEvidence(client, person.username, year));
    gathered = gatherFromCentral(rows, databaseLabel(values.central));
  } else {
    gathered = await gatherFromLedger(setup.config.ledger.dir, year, person.username, { sealDir: sealDirIn(setup.config.state.dir) });
  }
  const texts = new Map<string, ShownText[]>();
  for (const c of gathered.cited) texts.set(c.record.id, shownTexts(c.record, setup.catalog));
  const campus = values.central ? (gathered.cited.at(-1)?.record.campus ?? setup.config.site.campus) : setup.config.site.campus;
  const html = evidencePage({
    lang,
    district: setup.config.district.name,
    campus,
    timeZone: tz,
    schoolYear: year,
    generatedAt: io.now().toISOString(),
    person: {
      username: person.username,
      displayName: person.displayName,
      role: person.role,
      ...(person.grade !== undefined ? { grade: person.grade } : {}),
    },
    evidence: gathered,
    texts,
    appVersion: APP_VERSION,
  });
  const out = path.resolve(values.out);
  await writeOutput(out, html);

  const mismatched = [...texts.values()].flat().filter((t) => t.recomputed !== t.recorded).length;
  const n = gathered.cited.length;
  io.out(`wrote ${out}: ${n} record${n === 1 ? '' : 's'} of ${person.username} in ${year}${n === 0 ? ' (none: the page says so)' : ''}\n`);
  if (mismatched)
    io.err(
      `note: ${mismatched} text${mismatched === 1 ? '' : 's'} named by a record ${mismatched === 1 ? 'is' : 'are'} not in this catalog as recorded (the page says which)\n`,
    );
  if (gathered.tampered) {
    const untrusted = gathered.cited.filter((c) => !c.trust.ok);
    io.err(
      `TAMPERED: ${untrusted.length} of these records cannot be trusted${gathered.broken.length ? `, and ${gathered.broken.length} line(s) that may be theirs are broken` : ''}; the page says exactly which\n`,
    );
    for (const c of untrusted) io.err(`  ${c.record.id}: ${c.trust.ok ? '' : c.trust.why}\n`);
    for (const b of gathered.broken) io.err(`  ${b.why}\n`);
    for (const e of gathered.elsewhere) io.err(`  elsewhere: ${e}\n`);
    return EXIT.tampered;
  }
  return EXIT.ok;
}
