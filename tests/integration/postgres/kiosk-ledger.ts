// A machine's real ledger for the central-database tests (forged records, logins per PC): records as
// a kiosk writes them, its clock set from the database server's own (the clock `at` is judged by).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { ledgerFileName, listLedgerFolder } from '../../../electron/core/ledger/files.ts';
import { Ledger } from '../../../electron/core/ledger/ledger.ts';
import type { SchoolYearRule } from '../../../electron/core/school-year.ts';
import { ManualClock } from '../../../electron/core/time.ts';

export const CHICAGO: SchoolYearRule = { timeZone: 'America/Chicago', start: '08-01' };

export interface KioskLedger {
  machine: string;
  dir: string;
  clock: ManualClock;
  ledger: Ledger;
  /** The lines of its year files as written (without newlines), oldest year first. */
  lines(): Promise<string[]>;
}

/** `machine`'s ledger in `dir`, its clock at `at`, its school year by `rule`; `cleanups` gets its close. */
export async function kioskLedger(
  dir: string,
  machine: string,
  at: Date,
  cleanups: (() => Promise<unknown>)[],
  rule: SchoolYearRule = CHICAGO,
): Promise<KioskLedger> {
  const clock = new ManualClock(at);
  const ledger = await Ledger.open({
    dir,
    clock,
    schoolYear: rule,
    machine: { machine, campus: 'Lockhart High School', room: 'Lab 204', appVersion: '0.1.0' },
  });
  cleanups.push(() => ledger.close());
  return {
    machine,
    dir,
    clock,
    ledger,
    async lines() {
      const { years } = await listLedgerFolder(dir);
      const texts = await Promise.all(years.map((y) => readFile(path.join(dir, ledgerFileName(y)), 'utf8')));
      return texts.join('').trimEnd().split('\n');
    },
  };
}

export const acceptance = (user: string) =>
  ({
    type: 'acceptance',
    user,
    policyId: 'student-aup',
    version: '2026-27',
    language: 'en',
    sha256: 'e3'.repeat(32),
    method: 'kiosk',
    typedName: user,
  }) as const;

/** The database server's clock. */
export async function serverNow(admin: () => Promise<pg.Client>): Promise<Date> {
  const c = await admin();
  try {
    return (await c.query<{ now: Date }>('SELECT now() AS now')).rows[0]!.now;
  } finally {
    await c.end();
  }
}
