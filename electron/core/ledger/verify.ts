// Read-only checks of a ledger folder, for `aup ledger verify`, reports and `aup status`: they
// never write, so they never move a torn tail (the kiosk does that when it opens the ledger). Given
// the seal's folder (seal.ts), verify also finds a deleted file or a cut-off tail.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ChainScanner, decodeLine, tornTailProblem, type LedgerProblem } from './chain.ts';
import { isErrno } from './errors.ts';
import { ledgerFileName, lineBatches, listLedgerFolder, readLines, schoolYearOfFileName, type ReadPosition } from './files.ts';
import { LedgerIndex } from './ledger-index.ts';
import type { LedgerRecord } from './records.ts';
import { checkAgainstSeal, lineHash, readSeal, sealBrokenProblem, type SealEntry } from './seal.ts';

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
  /** The seal names this file and it is not in the folder. */
  missing?: true;
  /** What the seal vouches for in this file. */
  sealed?: SealEntry;
}

/**
 * What the seal said. `none`: no seal in that folder (a kiosk from before the seal: a deleted file or
 * a cut-off tail cannot be told). `broken`: forged, damaged or keyless (a problem, so `tampered`).
 * `unreadable`: this account may not read it, so it was not checked.
 */
export interface SealReport {
  dir: string;
  state: 'none' | 'sealed' | 'broken' | 'unreadable';
  updatedAt?: string;
  reason?: string;
}

export interface VerifyOptions {
  /** The seal's folder (the machine service's `sealDirIn(state.dir)`). */
  sealDir?: string;
  /** Each whole line as it is checked, with its 1-based number and its record when sound (the evidence page reads one pass). */
  onLine?: (file: string, line: number, bytes: Buffer, record: LedgerRecord | null) => void;
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
  /** Only when a seal folder was given. */
  seal?: SealReport;
}

function statusOf(problems: readonly LedgerProblem[]): VerifyStatus {
  if (problems.some((p) => !p.crash)) return 'tampered';
  return problems.length > 0 ? 'crash' : 'intact';
}

/** Reads every year file once: the chain's problems, and the index of its sound records; and compares them with the seal. */
export async function scanLedgerDir(dir: string, options: VerifyOptions = {}): Promise<{ report: VerifyReport; index: LedgerIndex }> {
  const index = new LedgerIndex();
  const report: VerifyReport = { dir, exists: true, status: 'intact', files: [], problems: [], first: null, setAside: [] };
  // The seal first: a kiosk writing meanwhile seals after its line, so the files can only be ahead of it.
  const sealDir = options.sealDir === undefined ? null : path.resolve(options.sealDir);
  const seal = sealDir === null ? null : readSeal(sealDir);
  const sealed = seal?.state === 'sealed' ? seal.seal.files : {};
  try {
    await fsp.access(dir);
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
    report.exists = false;
  }
  const { years, sideFiles } = await listLedgerFolder(dir);
  report.setAside = sideFiles;
  const found: { file: VerifyFileReport; problems: LedgerProblem[] }[] = [];
  for (const year of years) {
    const file = path.join(dir, ledgerFileName(year));
    const entry = sealed[ledgerFileName(year)];
    const scanner = new ChainScanner(file);
    let hashAtSealed: string | undefined;
    let position: ReadPosition;
    const handle = await fsp.open(file, 'r');
    try {
      position = await readLines(handle, 0, (line) => {
        const record = scanner.push(line);
        if (record) index.add(record);
        options.onLine?.(file, scanner.lines, line, record);
        if (scanner.lines === entry?.records) hashAtSealed = lineHash(line);
      });
    } finally {
      await handle.close();
    }
    const problems = [...scanner.problems];
    if (position.tail.length > 0) problems.push(tornTailProblem(file, scanner.lines + 1, position.tail.length, 'none'));
    if (entry) {
      const verdict = checkAgainstSeal(file, entry, { records: scanner.lines, hashAtSealed });
      if (!verdict.ok) problems.push(verdict.problem);
    }
    found.push({
      file: {
        file,
        schoolYear: year,
        lines: scanner.lines,
        records: scanner.records,
        segments: scanner.segments,
        status: statusOf(problems),
        ...(entry ? { sealed: entry } : {}),
      },
      problems,
    });
  }
  for (const [name, entry] of Object.entries(sealed)) {
    const year = schoolYearOfFileName(name);
    if (year === null || years.includes(year)) continue;
    const file = path.join(dir, name);
    const verdict = checkAgainstSeal(file, entry, null);
    if (verdict.ok) continue;
    found.push({
      file: { file, schoolYear: year, lines: 0, records: 0, segments: 0, status: 'tampered', missing: true, sealed: entry },
      problems: [verdict.problem],
    });
  }
  found.sort((a, b) => a.file.schoolYear.localeCompare(b.file.schoolYear));
  for (const f of found) {
    report.files.push(f.file);
    report.problems.push(...f.problems);
  }
  if (sealDir !== null && seal !== null) {
    report.seal = { dir: sealDir, state: seal.state };
    if (seal.state === 'sealed') report.seal.updatedAt = seal.seal.updatedAt;
    if (seal.state === 'broken' || seal.state === 'unreadable') report.seal.reason = seal.reason;
    if (seal.state === 'broken') report.problems.push(sealBrokenProblem(sealDir, seal.reason));
  }
  report.status = statusOf(report.problems);
  report.first = report.problems.find((p) => !p.crash) ?? report.problems[0] ?? null;
  return { report, index };
}

/** Checks every year file's chain in a ledger folder without changing anything; and, given its folder, the seal. */
export async function verifyLedgerDir(dir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  return (await scanLedgerDir(path.resolve(dir), options)).report;
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
