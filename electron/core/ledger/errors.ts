// The ledger's few ways to fail. Tampering and crashes are not among them: those are reported as
// problems and the ledger goes on. These are the cases where a record cannot be kept at all.
import { describeIssues, type RecordIssue } from './records.ts';

export class LedgerError extends Error {
  override name = 'LedgerError';
}

/** The ledger folder cannot be created or written: a deployment problem the technician must fix. */
export class LedgerFolderError extends LedgerError {
  override name = 'LedgerFolderError';
  constructor(
    readonly dir: string,
    readonly code: string,
    detail: string,
  ) {
    super(`cannot write the ledger folder ${dir}: ${code} ${detail}`.trim());
  }

  static from(dir: string, error: unknown): LedgerFolderError {
    const e = error as NodeJS.ErrnoException;
    const code = typeof e?.code === 'string' ? e.code : 'EUNKNOWN';
    const detail = e instanceof Error ? e.message.replace(/^[A-Z]+: /, '') : String(error);
    return new LedgerFolderError(dir, code, `(${detail})`);
  }
}

/** A record that does not fit the schema. Nothing was written. */
export class LedgerRecordError extends LedgerError {
  override name = 'LedgerRecordError';
  constructor(readonly issues: RecordIssue[]) {
    super(`ledger record refused, nothing written: ${describeIssues(issues)}`);
  }
}

/** Another kiosk process held the ledger lock for longer than the wait allows, and is alive. */
export class LedgerLockTimeoutError extends LedgerError {
  override name = 'LedgerLockTimeoutError';
  constructor(
    readonly lockFile: string,
    readonly owner: string,
  ) {
    super(`the ledger lock ${lockFile} is still held by ${owner}`);
  }
}

/** append() after close(). */
export class LedgerClosedError extends LedgerError {
  override name = 'LedgerClosedError';
  constructor(dir: string) {
    super(`the ledger in ${dir} is closed`);
  }
}

export function isErrno(error: unknown, ...codes: string[]): boolean {
  return typeof error === 'object' && error !== null && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}
