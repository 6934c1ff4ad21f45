// The evidence the kiosk keeps, as KioskService needs it: append a record (durable before it
// resolves) and ask whether a user has accepted or acknowledged this school year. Today the local
// ledger answers; at district scale (central PostgreSQL) the same questions go to the database first.
import { Ledger } from '../ledger/ledger.ts';
import type { NewLedgerRecord } from '../ledger/records.ts';
import type { Clock } from '../time.ts';
import type { KioskLog } from './log.ts';

export interface EvidenceLedger {
  append(record: NewLedgerRecord): Promise<{ id: string }>;
  hasAccepted(user: string, policyId: string, version: string, schoolYear: string): boolean;
  hasAcknowledgedSafety(user: string, rulesId: string, schoolYear: string): boolean;
  close(): Promise<void>;
}

export interface EvidenceOptions {
  dir: string;
  clock: Clock;
  timeZone: string;
  schoolYearStart: string;
  machine: { machine: string; campus: string; room: string; appVersion: string };
  log: KioskLog;
}

export async function openEvidenceLedger(options: EvidenceOptions): Promise<EvidenceLedger> {
  const ledger = await Ledger.open({
    dir: options.dir,
    clock: options.clock,
    schoolYear: { timeZone: options.timeZone, start: options.schoolYearStart },
    machine: options.machine,
    // A file changed by hand is reported here and in `aup ledger verify`; the kiosk goes on.
    onProblem: (problem) => options.log.write('warn', 'ledger problem', { ...problem }),
  });
  const users = (u: string) => u.toLowerCase();
  return {
    append: (record) => ledger.append({ ...record, user: users(record.user) } as NewLedgerRecord),
    hasAccepted: (user, policyId, version, year) => ledger.index.hasAccepted(users(user), policyId, version, year),
    hasAcknowledgedSafety: (user, rulesId, year) => ledger.index.hasAcknowledgedSafety(users(user), rulesId, year),
    close: () => ledger.close(),
  };
}
