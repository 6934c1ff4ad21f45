// Ledger writer processes for the ledger's integration tests (see tests/support/child.ts).
import path from 'node:path';
import { Child as ChildProcessLines } from '../../support/child.ts';

export class Child extends ChildProcessLines {
  constructor(script: string, args: string[]) {
    super(path.join(import.meta.dirname, script), args);
  }

  /** The ids the child printed after each append resolved: what it was told is on disk. */
  get acknowledged(): string[] {
    return this.lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4));
  }
}
