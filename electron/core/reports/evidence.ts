// One person's evidence of a school year, gathered for a hearing (issue 12). The policy's Due
// Process section promises "a written notice of the alleged violation" and "an opportunity … to
// present an explanation before a neutral administrator": the principal must be able to show that
// this student accepted this exact text — who, when, where, in which language, how — and whether
// the ledger that holds it is intact. This module gathers; evidence-page.ts renders.
//
// From a kiosk's own ledger folder: every line of the year's file is read once; the user's records
// are cited with their line numbers; the read-only verify (the seal too, when readable) says which
// lines are broken, and a cited record on a broken line is "cannot be trusted", exactly where.
// From the district database: the records as each kiosk wrote them (their own hash is checked
// again here) and where each stands in its machine's chain (its `prev` against the link before).
import path from 'node:path';
import { decodeLine, sha256Hex, type LedgerProblem } from '../ledger/chain.ts';
import { ledgerFileName } from '../ledger/files.ts';
import type { LedgerRecord } from '../ledger/records.ts';
import { scanLedgerDir } from '../ledger/verify.ts';
import type { Catalog } from '../policy/catalog.ts';

/** Where a cited record was read: a line of a kiosk's year file, or a link of a machine's chain in the district database. */
export type RecordPlace = { kind: 'file'; file: string; line: number } | { kind: 'central'; machine: string; link: number };

export interface CitedRecord {
  record: LedgerRecord;
  place: RecordPlace;
  /** Whether the record can be trusted: its own hash matches, and its chain holds at its place. */
  trust: { ok: true } | { ok: false; why: string };
}

/** A line that may be this person's and cannot be read as a sound record (edited, say). */
export interface BrokenLine {
  place: RecordPlace;
  why: string;
}

/** For the records cited from one chain (a file, or a machine in the database): intact from N to M, or where broken. */
export interface ChainStatement {
  /** The file's name, or the machine's. */
  chain: string;
  kind: 'file' | 'central';
  from: number;
  to: number;
  breaks: { from: number; to: number; why: string }[];
}

/** The exact text a record says was shown, looked up by its id, version and language, its hash recomputed. */
export interface ShownText {
  role: 'policy' | 'summary';
  policyId: string;
  version: string;
  language: string;
  title: string;
  recorded: string;
  /** Null when this catalog does not hold that version in that language. */
  markdown: string | null;
  recomputed: string | null;
}

export interface GatheredEvidence {
  source: { kind: 'ledger'; dir: string } | { kind: 'central'; database: string };
  cited: CitedRecord[];
  broken: BrokenLine[];
  chains: ChainStatement[];
  /** Problems of the ledger outside this person's records (another line edited, a file cut short), in words. */
  elsewhere: string[];
  /** The ledger (or a cited chain) is tampered: the command exits 3. */
  tampered: boolean;
}

/** The record types a hearing asks about; sign-in failures of others and sessions ended are the machine's, not the person's. */
const CITED = new Set(['acceptance', 'guardian-agreement', 'safety-ack', 'unlock', 'override', 'denied', 'session-ended']);

const within = (line: number, p: { line: number; toLine?: number }) => line >= p.line && line <= (p.toLine ?? p.line);

/** Reads one person's records of a school year from a kiosk's ledger folder, and what the chain says of them. */
export async function gatherFromLedger(
  dir: string,
  schoolYear: string,
  username: string,
  options: { sealDir?: string } = {},
): Promise<GatheredEvidence> {
  const file = path.join(path.resolve(dir), ledgerFileName(schoolYear));
  const user = username.toLowerCase();
  const cited: CitedRecord[] = [];
  const broken: BrokenLine[] = [];
  // One pass: the verify that gives the chain's verdict hands over each line of the year's file.
  const { report } = await scanLedgerDir(path.resolve(dir), {
    ...(options.sealDir ? { sealDir: options.sealDir } : {}),
    onLine: (at, n, bytes, record) => {
      if (at !== file) return;
      if (record) {
        if (record.user.toLowerCase() === user && CITED.has(record.type))
          cited.push({ record, place: { kind: 'file', file, line: n }, trust: { ok: true } });
        return;
      }
      // A broken line is this person's concern when it names them (or cannot be read at all).
      const claimed = claimedUser(bytes);
      if (claimed === null || claimed === user) {
        const decoded = decodeLine(bytes);
        broken.push({ place: { kind: 'file', file, line: n }, why: decoded.ok ? 'not a sound record' : decoded.detail });
      }
    },
  });
  const mine = report.problems.filter((p) => p.file === file && p.line > 0);
  const others = report.problems.filter((p) => !(p.file === file && p.line > 0));
  for (const c of cited) {
    const at = (c.place as { line: number }).line;
    const p = mine.find((x) => within(at, x));
    if (p) c.trust = { ok: false, why: p.message };
  }
  const chains: ChainStatement[] = [];
  const lines = cited.map((c) => (c.place as { line: number }).line);
  if (lines.length > 0) {
    const from = Math.min(...lines);
    const to = Math.max(...lines);
    chains.push({
      chain: path.basename(file),
      kind: 'file',
      from,
      to,
      breaks: mine.filter((p) => p.line <= to && (p.toLine ?? p.line) >= from).map((p) => ({ from: p.line, to: p.toLine ?? p.line, why: p.message })),
    });
  }
  const inRange = (p: LedgerProblem) => chains.some((c) => p.file === file && p.line <= c.to && (p.toLine ?? p.line) >= c.from);
  const elsewhere = [...mine.filter((p) => !inRange(p)), ...others].map((p) => p.message);
  const yearFile = report.files.find((f) => f.file === file);
  const sealBroken = report.seal?.state === 'broken';
  return {
    source: { kind: 'ledger', dir: path.resolve(dir) },
    cited,
    broken,
    chains,
    elsewhere,
    tampered: yearFile?.status === 'tampered' || sealBroken || broken.length > 0 || cited.some((c) => !c.trust.ok),
  };
}

/** The `user` a broken line claims, when it is still JSON; null when it cannot be read at all. */
function claimedUser(bytes: Buffer): string | null {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as { user?: unknown };
    return typeof v.user === 'string' ? v.user.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** One row of the district database's evidence view (migration 004). */
export interface CentralEvidenceRow {
  id: string;
  machine: string;
  line: string;
  /** This record's place in its machine's chain, or null when it is stored but not linked (a reopened chain's first record before 002). */
  link: number | null;
  /** The link before it in the same machine's chain: its hash, or who reopened the chain there. */
  prevHash: string | null;
  prevReopenedBy: string | null;
  prevLink: number | null;
}

/** Checks each row again here (its own hash, its `prev` against the link before it) and groups the statements per machine. */
export function gatherFromCentral(rows: readonly CentralEvidenceRow[], database: string): GatheredEvidence {
  const cited: CitedRecord[] = [];
  const broken: BrokenLine[] = [];
  const perMachine = new Map<string, { links: number[]; breaks: ChainStatement['breaks'] }>();
  for (const row of rows) {
    const place: RecordPlace = { kind: 'central', machine: row.machine, link: row.link ?? 0 };
    const decoded = decodeLine(Buffer.from(row.line, 'utf8'));
    if (!decoded.ok) {
      broken.push({ place, why: `record ${row.id}: ${decoded.detail}` });
      continue;
    }
    const r = decoded.record;
    if (!CITED.has(r.type)) continue;
    let trust: CitedRecord['trust'] = { ok: true };
    let m = perMachine.get(row.machine);
    if (!m) perMachine.set(row.machine, (m = { links: [], breaks: [] }));
    if (row.link === null) {
      trust = { ok: false, why: 'the district database holds this record but not its place in the machine’s chain' };
    } else {
      m.links.push(row.link);
      if (row.prevReopenedBy !== null) {
        // The DBA reopened the chain just before it (a reimaged PC): the chain starts again here, and says so.
        m.breaks.push({ from: row.link, to: row.link, why: `the chain was reopened before this record by ${row.prevReopenedBy} (aup.reopen_chain)` });
      } else if (r.prev !== null && row.prevHash !== null && r.prev !== row.prevHash) {
        trust = { ok: false, why: `it does not follow link ${row.prevLink} of ${row.machine}’s chain` };
        m.breaks.push({ from: row.link, to: row.link, why: trust.why });
      } else if (r.prev !== null && row.prevHash === null) {
        trust = { ok: false, why: `it follows a record the district database does not hold for ${row.machine}` };
        m.breaks.push({ from: row.link, to: row.link, why: trust.why });
      }
    }
    cited.push({ record: r, place, trust });
  }
  const chains: ChainStatement[] = [...perMachine.entries()]
    .filter(([, m]) => m.links.length > 0)
    .map(([machine, m]) => ({ chain: machine, kind: 'central', from: Math.min(...m.links), to: Math.max(...m.links), breaks: m.breaks }));
  return {
    source: { kind: 'central', database },
    cited,
    broken,
    chains,
    elsewhere: [],
    tampered: broken.length > 0 || cited.some((c) => !c.trust.ok),
  };
}

/** The texts an acceptance says were shown (the policy, and the K-5 summary above it), from the catalog, hashes recomputed. */
export function shownTexts(record: LedgerRecord, catalog: Catalog): ShownText[] {
  if (record.type !== 'acceptance' && record.type !== 'guardian-agreement') return [];
  const texts: ShownText[] = [lookUp('policy', record.policyId, record.version, record.language, record.sha256, catalog)];
  if (record.summary)
    texts.unshift(lookUp('summary', record.summary.policyId, record.summary.version, record.summary.language, record.summary.sha256, catalog));
  return texts;
}

function lookUp(role: ShownText['role'], policyId: string, version: string, language: string, recorded: string, catalog: Catalog): ShownText {
  const policy = catalog.policies.find((p) => p.id === policyId);
  const document = policy?.versions.find((v) => v.version === version)?.documents.get(language);
  const markdown = document?.markdown ?? null;
  return {
    role,
    policyId,
    version,
    language,
    title: policy?.title[language] ?? policy?.title.en ?? policyId,
    recorded,
    markdown,
    recomputed: markdown === null ? null : sha256Hex(Buffer.from(markdown, 'utf8')),
  };
}

/** Records in time order (ties by where they were read), as the page lists them. */
export function inTimeOrder(cited: readonly CitedRecord[]): CitedRecord[] {
  const place = (p: RecordPlace) => (p.kind === 'file' ? p.line : p.link);
  // A paper form takes its place on the day it was signed (midday), not the day a clerk typed it in.
  const when = (r: LedgerRecord) =>
    (r.type === 'acceptance' || r.type === 'guardian-agreement') && r.method === 'paper' && r.signedOn
      ? Date.parse(`${r.signedOn}T12:00:00Z`)
      : Date.parse(r.at);
  return [...cited].sort((a, b) => when(a.record) - when(b.record) || place(a.place) - place(b.place));
}
