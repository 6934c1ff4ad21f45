// The hash chain of one ledger file, and what breaks it. Pure: bytes in, records and problems out.
//
// A line is `{"hash":"<64 hex>",` + the rest of the record's JSON + `\n`. `hash` is the SHA-256 of
// the exact bytes after that hash member (`"prev":...}`), so editing any byte of a record -
// including the last one, which no later `prev` covers - shows. `prev` is the previous record's
// `hash`, so the chain covers every byte of every line before it: an edit, a deletion or a
// reordering breaks a link. Anyone who can write the file can recompute the chain:
// the records are tamper-evident, not tamper-proof (docs/design.md, threat model).
//
// When the kiosk finds a file broken it does not refuse to run: its next record starts a new chain
// segment (`prev: null`, `segment: { after, found }`) that names the exact bytes it followed and what
// it found. `verify` then reports the break once, where it is, and accepts the chain after it.
import { hash as digest } from 'node:crypto';
import path from 'node:path';
import { issuesOf, describeIssues, LedgerRecordSchema, RECORD_TYPES, type LedgerRecord, type Segment } from './records.ts';

export function sha256Hex(bytes: Buffer | string): string {
  return digest('sha256', bytes, 'hex');
}

const HASH_PREFIX = '{"hash":"';
const PREFIX_BYTES = HASH_PREFIX.length + 64 + 2; // {"hash":"<64 hex>",
const HEX64 = /^[0-9a-f]{64}$/;

/** The record as written, minus `hash`; key order is the order on disk. */
export type UnhashedRecord = Omit<LedgerRecord, 'hash'>;

/** Serializes a record into its line (with the trailing newline) and its hash. */
export function encodeLine(record: UnhashedRecord): { line: Buffer; hash: string } {
  const covered = JSON.stringify(record).slice(1);
  const hash = sha256Hex(covered);
  return { line: Buffer.from(`${HASH_PREFIX}${hash}",${covered}\n`, 'utf8'), hash };
}

export type LineFault = { kind: 'not-json'; detail: string } | { kind: 'not-a-record'; detail: string } | { kind: 'edited'; detail: string };

const KNOWN_TYPES = new Set<string>(RECORD_TYPES);

/**
 * Enough of a record for the chain and the index. The kiosk's start-up takes this for records whose
 * own hash holds (the ledger validated them in full before writing them); verify validates in full.
 */
function hasRecordShape(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const seg = r.segment as Record<string, unknown> | undefined;
  return (
    typeof r.type === 'string' &&
    KNOWN_TYPES.has(r.type) &&
    typeof r.user === 'string' &&
    typeof r.schoolYear === 'string' &&
    (r.prev === null || typeof r.prev === 'string') &&
    (seg === undefined ||
      (typeof seg === 'object' && seg !== null && typeof seg.found === 'string' && (seg.after === null || typeof seg.after === 'string')))
  );
}

/** The `hash` a line begins with, or null when it does not begin like a record (its content unchecked). */
export function claimedHash(bytes: Buffer): string | null {
  const claimed = bytes.toString('latin1', HASH_PREFIX.length, HASH_PREFIX.length + 64);
  const framed =
    bytes.length > PREFIX_BYTES &&
    bytes.toString('latin1', 0, HASH_PREFIX.length) === HASH_PREFIX &&
    HEX64.test(claimed) &&
    bytes.toString('latin1', PREFIX_BYTES - 2, PREFIX_BYTES) === '",';
  return framed ? claimed : null;
}

/**
 * Reads one line (without its newline): the record, if its bytes still match its own hash.
 * `validate: 'full'` checks every field against the schema; `'shape'` only what chain and index use.
 */
export function decodeLine(bytes: Buffer, validate: 'full' | 'shape' = 'full'): { ok: true; record: LedgerRecord } | ({ ok: false } & LineFault) {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, kind: 'not-json', detail: 'not JSON' };
  }
  const claimed = claimedHash(bytes);
  if (claimed === null) return { ok: false, kind: 'not-a-record', detail: 'not a ledger record (it does not begin with its hash)' };
  if (sha256Hex(bytes.subarray(PREFIX_BYTES)) !== claimed)
    return { ok: false, kind: 'edited', detail: 'edited (its content does not match its hash)' };
  if (validate === 'shape') {
    return hasRecordShape(value) ? { ok: true, record: value as LedgerRecord } : { ok: false, kind: 'not-a-record', detail: 'not a ledger record' };
  }
  const parsed = LedgerRecordSchema.safeParse(value);
  if (!parsed.success) return { ok: false, kind: 'not-a-record', detail: `not a ledger record (${describeIssues(issuesOf(parsed.error))})` };
  return { ok: true, record: parsed.data };
}

export type ProblemKind =
  | 'torn-tail'
  | 'not-json'
  | 'not-a-record'
  | 'edited'
  | 'out-of-chain'
  | 'segment'
  // Found against the seal (seal.ts): lines the seal vouches for are gone, or are not the ones sealed.
  | 'sealed-records-missing'
  | 'sealed-record-changed'
  // The seal itself: forged, damaged or keyless; not writable; not there for a ledger that has records.
  | 'seal-broken'
  | 'seal-failed'
  | 'unsealed';

/** Something wrong in a ledger file, where it is (1-based lines), in a sentence for the log. */
export interface LedgerProblem {
  /** The ledger file; for a problem of the seal itself, the seal file. */
  file: string;
  /** 1-based; 0 when the problem is the seal itself, not a line. */
  line: number;
  /** The last line of a run of consecutive broken lines (a reordering breaks several). */
  toLine?: number;
  kind: ProblemKind;
  /** A crash (a torn last line), as opposed to a change made by hand. */
  crash: boolean;
  message: string;
  /** Torn tail: what was done with it when the ledger opened (`none` for a read-only verify). */
  repair?: 'set-aside' | 'completed' | 'none';
  sideFile?: string;
  /** Against the seal: what it vouches for, and how many whole lines the file has now (0: missing). */
  sealedRecords?: number;
  sealedHash?: string;
  foundRecords?: number;
}

function where(file: string, line: number, toLine?: number): string {
  const lines = toLine !== undefined && toLine !== line ? `lines ${line}-${toLine}` : `line ${line}`;
  return `${path.basename(file)} ${lines}`;
}

function problem(file: string, kind: ProblemKind, line: number, detail: string): LedgerProblem {
  return { file, line, kind, crash: false, message: `${where(file, line)}: ${detail}` };
}

/** A last line with no newline: a write cut short by a power cut or a killed process. */
export function tornTailProblem(
  file: string,
  line: number,
  bytes: number,
  repair: 'set-aside' | 'completed' | 'none',
  sideFile?: string,
): LedgerProblem {
  const what =
    repair === 'completed'
      ? 'a whole record missing its newline (a crash during a write); the newline was added'
      : `${bytes} bytes with no newline, torn by a crash during a write` +
        (repair === 'set-aside' && sideFile ? `; set aside in ${path.basename(sideFile)}` : '');
  return {
    file,
    line,
    kind: 'torn-tail',
    crash: true,
    message: `${where(file, line)}: ${what}`,
    repair,
    ...(sideFile ? { sideFile } : {}),
  };
}

/** How the next record links to the chain: to the last record, or as the start of a new segment. */
export type ChainLink = { prev: string | null; segment?: Segment };

/**
 * Walks one file's lines in order and checks every link. Incremental: the ledger feeds it the
 * lines it reads at open, then the lines other kiosk processes append, then its own.
 */
export class ChainScanner {
  #line = 0;
  /** What the next record's `prev` must be; undefined when the line before was unreadable. */
  #expect: string | null | undefined = null;
  #last: Buffer | null = null;
  #problems: LedgerProblem[] = [];
  /** problems[#openFrom..] are not yet acknowledged by a segment start. */
  #openFrom = 0;
  records = 0;
  segments = 0;

  /** `shape`: the kiosk's own start-up (see decodeLine); verify and reports use `full`. */
  constructor(
    readonly file: string,
    readonly validate: 'full' | 'shape' = 'full',
  ) {}

  /** Whole lines seen so far. */
  get lines(): number {
    return this.#line;
  }

  get problems(): readonly LedgerProblem[] {
    return this.#problems;
  }

  /** Problems found since the last segment start: the next record must start a new segment. */
  get unacknowledged(): readonly LedgerProblem[] {
    return this.#problems.slice(this.#openFrom);
  }

  /** Bytes of the last whole line (without its newline), or null for an empty file. */
  get lastLine(): Buffer | null {
    return this.#last;
  }

  /** Copies the last line so it no longer pins the read buffer it was sliced from. */
  retainLast(): void {
    if (this.#last) this.#last = Buffer.from(this.#last);
  }

  /** Checks the next whole line (without its newline). Returns its record when the record itself is sound. */
  push(bytes: Buffer): LedgerRecord | null {
    const n = ++this.#line;
    const before = this.#last;
    this.#last = bytes;
    const decoded = decodeLine(bytes, this.validate);
    if (!decoded.ok) {
      this.#report(n, decoded.kind, decoded.detail);
      this.#expect = undefined;
      return null;
    }
    return this.#link(n, before, decoded.record);
  }

  /** Takes in a line this process just wrote, with the record it was made from (no need to decode it again). */
  pushWritten(bytes: Buffer, record: LedgerRecord): LedgerRecord {
    const n = ++this.#line;
    const before = this.#last;
    this.#last = bytes;
    return this.#link(n, before, record);
  }

  #link(n: number, before: Buffer | null, r: LedgerRecord): LedgerRecord {
    if (r.prev === null && r.segment) {
      const after = before ? sha256Hex(before) : null;
      if (r.segment.after !== after) {
        this.#report(n, 'out-of-chain', 'moved or the lines before it changed (it starts a segment after a line that is not the one before it)');
      } else {
        // The kiosk found something; when verify sees nothing before it (lines cut from the end
        // while it ran, say), the segment itself is the report.
        if (this.#problems.length === this.#openFrom) {
          this.#report(n, 'segment', `the kiosk found this file changed and began a new chain: ${r.segment.found}`);
        }
        this.#openFrom = this.#problems.length;
      }
      this.segments++;
    } else if (r.prev === null) {
      if (n > 1) this.#report(n, 'out-of-chain', 'edited or reordered, or records before it deleted (it starts a new chain without a segment)');
    } else if (n === 1) {
      this.#report(n, 'out-of-chain', 'records before it were deleted (it follows a record that is not in the file)');
    } else if (this.#expect !== undefined && r.prev !== this.#expect) {
      this.#report(n, 'out-of-chain', `edited or reordered, or a record before it deleted (it does not follow line ${n - 1})`);
    }
    this.#expect = r.hash;
    this.records++;
    return r;
  }

  /** The link for the next record appended. `changed`: something outside the lines (a file cut short) forces a new segment. */
  nextLink(changed?: string): ChainLink {
    const open = this.unacknowledged;
    if (open.length === 0 && changed === undefined && this.#expect !== undefined) return { prev: this.#expect };
    const found = changed ?? (open.length > 0 ? summarize(open) : `${where(this.file, this.#line)}: unreadable`);
    return { prev: null, segment: { after: this.#last ? sha256Hex(this.#last) : null, found: found.slice(0, 2000) } };
  }

  #report(line: number, kind: ProblemKind, detail: string): void {
    const last = this.#problems.at(-1);
    const mergeable = (k: ProblemKind) => k !== 'segment' && k !== 'torn-tail';
    if (last && this.#problems.length > this.#openFrom && mergeable(last.kind) && mergeable(kind) && (last.toLine ?? last.line) === line - 1) {
      // One reordering breaks several lines in a row: report it once, as a run.
      last.toLine = line;
      last.message = `${where(this.file, last.line, line)}: ${last.message.slice(last.message.indexOf(': ') + 2)}`;
      return;
    }
    this.#problems.push(problem(this.file, kind, line, detail));
  }
}

function summarize(problems: readonly LedgerProblem[]): string {
  const first = problems[0]?.message ?? '';
  return problems.length > 1 ? `${first} (and ${problems.length - 1} more)` : first;
}
