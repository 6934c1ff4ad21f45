// Administrators' reads of the central database, as the aup_reporting role: it may SELECT the
// aup_reports.records view and nothing else. `aup status --central` asks what one user has done
// this year on any machine; `aup report --central` lists, per grade and room, who has and has not
// accepted the policy in force (the roster says who should have).
import type { DirectoryUser } from '../../people.ts';
import pg from 'pg';
import type { CentralEvidenceRow } from '../../reports/evidence.ts';

import { clientConfig, CentralConfigError, type PostgresSettings } from '../kiosk-role/connection.ts';

/** A connected client for the reporting role; the caller ends it. */
export async function connectReporting(settings: PostgresSettings, options: { password?: string } = {}): Promise<pg.Client> {
  const config = await clientConfig(settings, { applicationName: 'aup-report', connectTimeoutMs: 10_000, ...options });
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

export interface CentralAcceptance {
  id: string;
  type: 'acceptance' | 'guardian-agreement' | 'safety-ack';
  username: string;
  policyId: string;
  version: string;
  language: string | null;
  method: string | null;
  signer: string | null;
  /** Paper forms: the date written on the form, and who typed it in (migration 004). */
  signedOn: string | null;
  enteredBy: string | null;
  at: string;
  machine: string;
  campus: string;
  room: string;
}

interface Row {
  id: string;
  type: CentralAcceptance['type'];
  username: string;
  policy_id: string;
  version: string;
  language: string | null;
  method: string | null;
  signer: string | null;
  signed_on: string | null;
  entered_by: string | null;
  at: Date;
  machine: string;
  campus: string;
  room: string;
}

const COLUMNS = 'id, type, username, policy_id, version, language, method, signer, signed_on, entered_by, at, machine, campus, room';
const toAcceptance = (r: Row): CentralAcceptance => ({
  id: r.id,
  type: r.type,
  username: r.username,
  policyId: r.policy_id,
  version: r.version,
  language: r.language,
  method: r.method,
  signer: r.signer,
  signedOn: r.signed_on,
  enteredBy: r.entered_by,
  at: r.at.toISOString(),
  machine: r.machine,
  campus: r.campus,
  room: r.room,
});

/** One user's acceptances and acknowledgements of a school year, oldest first. */
export async function userEvidence(client: pg.ClientBase, user: string, schoolYear: string): Promise<CentralIndex> {
  const { rows } = await client.query<Row>(
    `SELECT ${COLUMNS} FROM aup_reports.records
     WHERE school_year = $2 AND type IN ('acceptance', 'safety-ack') AND username = lower($1)
     ORDER BY at, id`,
    [user, schoolYear],
  );
  return new CentralIndex(rows.map(toAcceptance));
}

/**
 * One person's records of a school year as each kiosk wrote them, with where each stands in its
 * machine's chain (aup_reports.evidence, migration 004), oldest first: `aup evidence --central`.
 */
export async function personEvidence(client: pg.ClientBase, user: string, schoolYear: string): Promise<CentralEvidenceRow[]> {
  const { rows } = await client.query<{
    id: string;
    machine: string;
    line: string;
    link: string | null;
    prev_link: string | null;
    prev_hash: string | null;
    prev_reopened_by: string | null;
  }>(
    `SELECT id, machine, line, link, prev_link, prev_hash, prev_reopened_by FROM aup_reports.evidence
     WHERE school_year = $2 AND username = lower($1) ORDER BY at, id`,
    [user, schoolYear],
  );
  return rows.map((r) => ({
    id: r.id,
    machine: r.machine,
    line: r.line,
    link: r.link === null ? null : Number(r.link),
    prevLink: r.prev_link === null ? null : Number(r.prev_link),
    prevHash: r.prev_hash,
    prevReopenedBy: r.prev_reopened_by,
  }));
}

/** The latest acceptance (and guardian agreement) per user and policy of a school year, all campuses. */
export async function latestAcceptances(client: pg.ClientBase, schoolYear: string): Promise<CentralAcceptance[]> {
  const { rows } = await client.query<Row>(
    `SELECT DISTINCT ON (username, policy_id, type) ${COLUMNS}
     FROM aup_reports.records
     WHERE school_year = $1 AND type IN ('acceptance', 'guardian-agreement')
     ORDER BY username, policy_id, type, at DESC, id`,
    [schoolYear],
  );
  return rows.map(toAcceptance);
}

/** Every acceptance and guardian agreement of a school year, oldest first (the campus page counts them per person). */
export async function yearAcceptances(client: pg.ClientBase, schoolYear: string): Promise<CentralAcceptance[]> {
  const { rows } = await client.query<Row>(
    `SELECT ${COLUMNS} FROM aup_reports.records
     WHERE school_year = $1 AND type IN ('acceptance', 'guardian-agreement')
     ORDER BY at, id`,
    [schoolYear],
  );
  return rows.map(toAcceptance);
}

/** Every version of each policy a user accepted in a school year (a new version mid-year means two). */
export async function acceptedVersions(client: pg.ClientBase, schoolYear: string): Promise<Map<string, Set<string>>> {
  const { rows } = await client.query<{ username: string; policy_id: string; version: string }>(
    `SELECT DISTINCT username, policy_id, version FROM aup_reports.records WHERE school_year = $1 AND type = 'acceptance'`,
    [schoolYear],
  );
  const map = new Map<string, Set<string>>();
  for (const r of rows) {
    const k = `${r.username}\u0000${r.policy_id}`;
    let s = map.get(k);
    if (!s) map.set(k, (s = new Set()));
    s.add(r.version);
  }
  return map;
}

/** The central answers for one user, shaped like the local index's. */
export class CentralIndex {
  constructor(readonly records: readonly CentralAcceptance[]) {}

  hasAccepted(user: string, policyId: string, version: string): boolean {
    const u = user.toLowerCase();
    return this.records.some((r) => r.type === 'acceptance' && r.username === u && r.policyId === policyId && r.version === version);
  }

  hasAcknowledgedSafety(user: string, rulesId: string): boolean {
    const u = user.toLowerCase();
    return this.records.some((r) => r.type === 'safety-ack' && r.username === u && r.policyId === rulesId);
  }

  acceptanceOf(user: string, policyId: string): CentralAcceptance | null {
    const u = user.toLowerCase();
    return this.records.filter((r) => r.type === 'acceptance' && r.username === u && r.policyId === policyId).at(-1) ?? null;
  }
}

export interface CampusRow {
  grade: number | '';
  gradeBand: string;
  room: string;
  username: string;
  displayName: string;
  role: string;
  policyId: string;
  versionInForce: string;
  accepted: 'yes' | 'no';
  acceptedVersion: string;
  at: string;
  /** A paper form: the date it was signed, and who typed it in (`at` is when). */
  signedOn: string;
  enteredBy: string;
  campus: string;
  machine: string;
}

export interface CampusSummary {
  grade: number | '';
  room: string;
  accepted: number;
  missing: number;
}

export const CAMPUS_COLUMNS: (keyof CampusRow)[] = [
  'grade',
  'gradeBand',
  'room',
  'username',
  'displayName',
  'role',
  'policyId',
  'versionInForce',
  'accepted',
  'acceptedVersion',
  'at',
  'signedOn',
  'enteredBy',
  'campus',
  'machine',
];

/**
 * Per person on the roster who must accept a policy: accepted (the version in force, on any machine
 * of the district, `room` being where) or not. Sorted by grade (staff after grade 12), then room,
 * then name; the summary counts each grade and room.
 */
export function campusReport(input: {
  people: DirectoryUser[];
  /** The policy in force for a person, or null when none applies. */
  policyFor: (person: DirectoryUser) => { policyId: string; version: string } | null;
  gradeBandOf: (grade: number | undefined) => string | null;
  latest: CentralAcceptance[];
  versions: Map<string, Set<string>>;
}): { rows: CampusRow[]; summary: CampusSummary[] } {
  const latest = new Map(input.latest.filter((a) => a.type === 'acceptance').map((a) => [`${a.username}\u0000${a.policyId}`, a]));
  const rows: CampusRow[] = [];
  for (const p of input.people) {
    const policy = input.policyFor(p);
    if (!policy) continue;
    const key = `${p.username.toLowerCase()}\u0000${policy.policyId}`;
    const ok = input.versions.get(key)?.has(policy.version) ?? false;
    const last = latest.get(key);
    rows.push({
      grade: p.grade ?? '',
      gradeBand: input.gradeBandOf(p.grade) ?? '',
      room: ok && last ? last.room : '',
      username: p.username,
      displayName: p.displayName,
      role: p.role,
      policyId: policy.policyId,
      versionInForce: policy.version,
      accepted: ok ? 'yes' : 'no',
      acceptedVersion: last?.version ?? '',
      at: ok && last ? last.at : '',
      signedOn: ok && last ? (last.signedOn ?? '') : '',
      enteredBy: ok && last ? (last.enteredBy ?? '') : '',
      campus: ok && last ? last.campus : '',
      machine: ok && last ? last.machine : '',
    });
  }
  const gradeKey = (g: number | '') => (g === '' ? 99 : g);
  rows.sort(
    (a, b) =>
      gradeKey(a.grade) - gradeKey(b.grade) ||
      a.room.localeCompare(b.room) ||
      a.accepted.localeCompare(b.accepted) ||
      a.username.localeCompare(b.username),
  );
  const groups = new Map<string, CampusSummary>();
  for (const r of rows) {
    const k = `${r.grade}\u0000${r.room}`;
    let s = groups.get(k);
    if (!s) groups.set(k, (s = { grade: r.grade, room: r.room, accepted: 0, missing: 0 }));
    if (r.accepted === 'yes') s.accepted++;
    else s.missing++;
  }
  return { rows, summary: [...groups.values()] };
}

/** `--central URL` with its password file and CA file, checked like the machine config's. */
export function reportingSettings(url: string, passwordFile: string | undefined, caFile: string | undefined): PostgresSettings {
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new CentralConfigError('--central: expected a PostgreSQL connection string like "postgres://aup_reporting@db.district.org/aup"');
  return { connectionString: url, ...(passwordFile ? { passwordFile } : {}), ...(caFile ? { caFile } : {}) };
}
