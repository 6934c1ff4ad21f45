// Real kiosk-like processes for the ledger's integration tests: each is `node --import tsx <script>`,
// talks in lines on stdout, and is killed for real (SIGKILL) when a test needs a crash.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const HERE = import.meta.dirname;
const REPO = path.resolve(HERE, '../../..');

export class Child {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  readonly #proc: ChildProcessWithoutNullStreams;
  #stderr = '';
  #waiters: (() => void)[] = [];

  constructor(script: string, args: string[]) {
    this.#proc = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, script), ...args], { cwd: REPO, stdio: 'pipe' });
    readline.createInterface({ input: this.#proc.stdout }).on('line', (line) => {
      this.lines.push(line);
      for (const w of this.#waiters) w();
    });
    this.#proc.stderr.on('data', (d: Buffer) => (this.#stderr += d.toString()));
    this.exited = new Promise((resolve) => this.#proc.on('exit', (code) => {
      for (const w of this.#waiters) w();
      resolve(code);
    }));
  }

  get pid(): number {
    return this.#proc.pid ?? -1;
  }

  /** The ids the child printed after each append resolved: what it was told is on disk. */
  get acknowledged(): string[] {
    return this.lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4));
  }

  /** Resolves when `test` holds for the lines printed so far; rejects if the child exits first. */
  async waitFor(test: (lines: string[]) => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test(this.lines)) {
      if (this.#proc.exitCode !== null || this.#proc.signalCode !== null) throw new Error(`child exited before ${what}: ${this.#stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr: ${this.#stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
      this.#waiters = [];
    }
  }

  send(line: string): void {
    this.#proc.stdin.write(`${line}\n`);
  }

  /** SIGKILL: no handler runs, nothing is flushed or released - a power cut, as far as the ledger can tell. */
  async kill(): Promise<void> {
    this.#proc.kill('SIGKILL');
    await this.exited; // reaped: its pid is no longer alive for the next lock holder to see
  }

  get stderr(): string {
    return this.#stderr;
  }
}
