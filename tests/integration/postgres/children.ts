// Kiosk and sync processes for the central-database tests (see tests/support/child.ts).
import path from 'node:path';
import { Child as ChildProcessLines } from '../../support/child.ts';

export class Child extends ChildProcessLines {
  constructor(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    super(path.join(import.meta.dirname, script), args, env);
  }
}
