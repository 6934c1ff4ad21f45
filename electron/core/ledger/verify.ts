// Read-only checks of a ledger folder, for `aup ledger verify`, reports and `aup status`: they
// never write, so they never move a torn tail (the kiosk does that when it opens the ledger).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ChainScanner, decodeLine, tornTailProblem, type LedgerProblem } from './chain.ts';
import { isErrno } from './errors.ts';
import { ledgerFileName, lineBatches, listLedgerFolder, readLines, type ReadPosition } from './files.ts';
import { LedgerIndex } from './ledger-index.ts';
import type { LedgerRecord } from './records.ts';

/** `tampered` wins over `crash`: a crash leaves a torn last line, a hand leaves a broken chain. */
export type VerifyStatus = 'intact' | 'crash' | 'tampered';

export interface VerifyFileReport {
  file: string;
  schoolYear: string;
  /** Whole lines in the file. */
  lines: number;
  /** Lines that are sound records (their own hash matches). */
  records: number;
  /** Chain segments begun by a kiosk that found the file changed. */
  segments: number;
  status: VerifyStatus;
}

export interface VerifyReport {
  dir: string;
  /** False when the folder does not exist (nothing recorded yet, or a wrong path). */
  exists: boolean;
  status: VerifyStatus;
  files: VerifyFileReport[];
  /** Every problem, file by file, in line order. */
  problems: LedgerProblem[];
  /** The first broken record (tampering before a crash), or null when intact. */
  first: LedgerProblem | null;
  /** Torn tails that earlier crashes left and the kiosk set aside (the crash was recovered). */
  setAside: string[];
}

function statusOf(problems: readonly LedgerProblem[]): VerifyStatus {
  if (problems.some((p) => !p.crash)) return 'tampered';
  return problems.length > 0 ? 'crash' : 'intact';
}

/** Reads every year file once: the chain's problems, and the index of its sound records. */
export async function scanLedgerDir(dir: string): Promise<{ report: VerifyReport; index: LedgerIndex }> {
  const index = new LedgerIndex();
  const report: VerifyReport = { dir, exists: true, status: 'intact', files: [], problems: [], first: null, setAside: [] };
  try {
    await fsp.access(dir);
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
    return { report: { ...report, exists: false }, index };
  }
  const { years, sideFiles } = await listLedgerFolder(dir);
  report.setAside = sideFiles;
  for (const year of years) {
    const file = path.join(dir, ledgerFileName(year));
    const scanner = new ChainScanner(file);
    let position: ReadPosition;
    const handle = await fsp.open(file, 'r');
    try {
      position = await readLines(handle, 0, (line) => {
        const record = scanner.push(line);
        if (record) index.add(record);
      });
    } finally {
      await handle.close();
    }
    const problems = [...scanner.problems];
    if (position.tail.length > 0) problems.push(tornTailProblem(file, scanner.lines + 1, position.tail.length, 'none'));
    report.problems.push(...problems);
    report.files.push({
      file,
      schoolYear: year,
      lines: scanner.lines,
      records: scanner.records,
      segments: scanner.segments,
      status: statusOf(problems),
    });
  }
  report.status = statusOf(report.problems);
  report.first = report.problems.find((p) => !p.crash) ?? report.problems[0] ?? null;
  return { report, index };
}

/** Checks every year file's chain in a ledger folder without changing anything. */
export async function verifyLedgerDir(dir: string): Promise<VerifyReport> {
  return (await scanLedgerDir(path.resolve(dir))).report;
}

/** The decision index of a ledger folder, read-only (for the CLI's `aup status`). */
export async function readLedgerIndex(dir: string): Promise<{ index: LedgerIndex; problems: LedgerProblem[] }> {
  const { report, index } = await scanLedgerDir(path.resolve(dir));
  return { index, problems: report.problems };
}

/**
 * A school year's records in file order, for reports: every line whose record is sound (its own
 * hash matches). Whether the chain holds is `verify`'s question. Reads the file again rather than
 * keeping 100,000 records in memory.
 */
export async function* readLedgerRecords(dir: string, schoolYear: string): AsyncGenerator<LedgerRecord> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path.join(dir, ledgerFileName(schoolYear)), 'r');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return;
    throw e;
  }
  try {
    const position: ReadPosition = { end: 0, tail: Buffer.alloc(0) };
    for await (const lines of lineBatches(handle, 0, position)) {
      for (const line of lines) {
        const decoded = decodeLine(line);
        if (decoded.ok) yield decoded.record;
      }
    }
  } finally {
    await handle.close();
  }
}
