import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChainScanner, encodeLine, sha256Hex, tornTailProblem, type ChainLink } from '../../../electron/core/ledger/chain.ts';

const FILE = '/ledger/ledger-2026-27.jsonl';

function unhashed(link: ChainLink, n: number) {
  return {
    ...link,
    id: randomUUID(),
    type: 'safety-ack' as const,
    at: `2026-09-15T08:${String(n % 60).padStart(2, '0')}:00.000-05:00`,
    schoolYear: '2026-27',
    user: `stu${n}`,
    rulesId: 'internet-safety',
    version: '2026-27',
    machine: 'LAB204-01',
    campus: 'LHS',
    room: '204',
    appVersion: '0.1.0',
  };
}

/** n chained lines, as the ledger writes them (without their newlines). */
function chain(n: number): Buffer[] {
  const lines: Buffer[] = [];
  let prev: string | null = null;
  for (let i = 1; i <= n; i++) {
    const { line, hash } = encodeLine(unhashed({ prev }, i));
    lines.push(line.subarray(0, -1));
    prev = hash;
  }
  return lines;
}

function scan(lines: Buffer[]): ChainScanner {
  const s = new ChainScanner(FILE);
  for (const l of lines) s.push(l);
  return s;
}

/** Appends one record the way the ledger does: linked by the scanner, then read back by it. */
function appendTo(s: ChainScanner, lines: Buffer[], n: number): void {
  const { line } = encodeLine(unhashed(s.nextLink(), n));
  const bytes = line.subarray(0, -1);
  lines.push(bytes);
  s.push(bytes);
}

const brief = (s: ChainScanner) => s.problems.map((p) => ({ kind: p.kind, line: p.line, toLine: p.toLine }));

describe('the hash chain of a ledger file', () => {
  it('an intact chain has no problems', () => {
    const s = scan(chain(10));
    expect(s.problems).toEqual([]);
    expect(s.records).toBe(10);
    expect(s.nextLink().prev).toMatch(/^[0-9a-f]{64}$/);
  });

  it('an edited record is found at its own line, once', () => {
    const lines = chain(6);
    lines[2] = Buffer.from(lines[2]!.toString().replace('"user":"stu3"', '"user":"stu9"'));
    const s = scan(lines);
    expect(brief(s)).toEqual([{ kind: 'edited', line: 3, toLine: undefined }]);
    expect(s.problems[0]!.message).toBe('ledger-2026-27.jsonl line 3: edited (its content does not match its hash)');
    expect(s.problems[0]!.crash).toBe(false);
  });

  it('an edit of the last record is found too: no later line is needed', () => {
    const lines = chain(4);
    lines[3] = Buffer.from(lines[3]!.toString().replace('"room":"204"', '"room":"205"'));
    expect(brief(scan(lines))).toEqual([{ kind: 'edited', line: 4, toLine: undefined }]);
  });

  it('an edit that recomputes the record hash is found at the next line', () => {
    const lines = chain(5);
    const forged = JSON.parse(lines[1]!.toString());
    delete forged.hash;
    forged.user = 'someone-else';
    lines[1] = encodeLine(forged).line.subarray(0, -1);
    const s = scan(lines);
    expect(brief(s)).toEqual([{ kind: 'out-of-chain', line: 3, toLine: undefined }]);
    expect(s.problems[0]!.message).toContain('edited or reordered');
  });

  it('a deleted record breaks the chain at the line that followed it', () => {
    const lines = chain(6);
    lines.splice(3, 1);
    const s = scan(lines);
    expect(brief(s)).toEqual([{ kind: 'out-of-chain', line: 4, toLine: undefined }]);
    expect(s.problems[0]!.message).toContain('does not follow line 3');
  });

  it('two swapped records are reported once, as one run of lines', () => {
    const lines = chain(7);
    [lines[3], lines[4]] = [lines[4]!, lines[3]!];
    const s = scan(lines);
    expect(brief(s)).toEqual([{ kind: 'out-of-chain', line: 4, toLine: 6 }]);
    expect(s.problems[0]!.message).toMatch(/^ledger-2026-27\.jsonl lines 4-6: edited or reordered/);
  });

  it('records deleted from the start of a file are found at line 1', () => {
    const lines = chain(4).slice(2);
    expect(brief(scan(lines))).toEqual([{ kind: 'out-of-chain', line: 1, toLine: undefined }]);
  });

  it('a line that is not JSON is called not JSON, and one without its hash is not a ledger record', () => {
    const lines = chain(4);
    lines[1] = Buffer.from('{"hash": oops');
    lines[2] = Buffer.from(JSON.stringify({ type: 'acceptance', user: 'stu' }));
    const s = scan(lines);
    expect(s.problems).toHaveLength(1); // two bad lines in a row are one run
    expect(s.problems[0]).toMatchObject({ kind: 'not-json', line: 2, toLine: 3 });
    const alone = scan([...chain(2), Buffer.from('[1,2]')]);
    expect(alone.problems[0]).toMatchObject({ kind: 'not-a-record', line: 3 });
  });

  it('a record whose hash holds but whose fields do not fit the schema is not a ledger record', () => {
    const bad = encodeLine({ ...unhashed({ prev: null }, 1), schoolYear: '2026-28' } as never).line.subarray(0, -1);
    const s = scan([bad]);
    expect(s.problems[0]).toMatchObject({ kind: 'not-a-record', line: 1 });
    expect(s.problems[0]!.message).toContain('schoolYear');
  });

  it('after a break the kiosk starts a new segment, and the break is reported once', () => {
    const lines = chain(5);
    lines[1] = Buffer.from(lines[1]!.toString().replace('stu2', 'stuX'));
    const s = scan(lines);
    const link = s.nextLink();
    expect(link.prev).toBeNull();
    expect(link.segment).toEqual({ after: sha256Hex(lines[4]!), found: 'ledger-2026-27.jsonl line 2: edited (its content does not match its hash)' });
    appendTo(s, lines, 6);
    appendTo(s, lines, 7);
    expect(s.unacknowledged).toEqual([]);
    expect(s.nextLink().segment).toBeUndefined();
    // Read again from the top, as verify does: one problem, one segment, and the chain after it holds.
    const again = scan(lines);
    expect(brief(again)).toEqual([{ kind: 'edited', line: 2, toLine: undefined }]);
    expect(again.segments).toBe(1);
    expect(again.unacknowledged).toEqual([]);
  });

  it('a segment start that does not follow the exact line before it is out of chain', () => {
    const lines = chain(4);
    lines[1] = Buffer.from(lines[1]!.toString().replace('stu2', 'stuX'));
    const s = scan(lines);
    appendTo(s, lines, 5);
    lines.splice(3, 1); // the record the segment followed, deleted afterwards
    expect(brief(scan(lines))).toEqual([
      { kind: 'edited', line: 2, toLine: undefined },
      { kind: 'out-of-chain', line: 4, toLine: undefined },
    ]);
  });

  it('a segment with nothing visibly wrong before it is itself the report (lines cut while the kiosk ran)', () => {
    const lines = chain(3);
    const s = scan(lines);
    const link = s.nextLink('8 bytes were cut from the end of ledger-2026-27.jsonl');
    expect(link.prev).toBeNull();
    const { line } = encodeLine(unhashed(link, 4));
    lines.push(line.subarray(0, -1));
    const again = scan(lines);
    expect(brief(again)).toEqual([{ kind: 'segment', line: 4, toLine: undefined }]);
    expect(again.problems[0]!.message).toContain('8 bytes were cut');
  });

  it('a chain restarted without a segment is out of chain', () => {
    const lines = [...chain(2), ...chain(2)];
    expect(brief(scan(lines))).toEqual([{ kind: 'out-of-chain', line: 3, toLine: undefined }]);
  });

  it('a torn tail is a crash, not tampering', () => {
    const p = tornTailProblem(FILE, 9, 57, 'set-aside', `${FILE}.torn-20260915T131502000Z`);
    expect(p).toMatchObject({ kind: 'torn-tail', crash: true, line: 9, repair: 'set-aside' });
    expect(p.message).toBe(
      'ledger-2026-27.jsonl line 9: 57 bytes with no newline, torn by a crash during a write; set aside in ledger-2026-27.jsonl.torn-20260915T131502000Z',
    );
  });

  it('property: changing any one byte of any line is detected', () => {
    const lines = chain(5);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: lines.length - 1 }), fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), (which, at, byte) => {
        const target = lines[which]!;
        const pos = at % target.length;
        fc.pre(target[pos] !== byte);
        const changed = lines.map((l) => Buffer.from(l));
        changed[which]![pos] = byte;
        return scan(changed).problems.length > 0;
      }),
      { numRuns: 500 },
    );
  });
});
