// Real child processes for the integration tests (ledger writers, kiosks, syncs, the machine service
// and its screens): each is `node --import tsx <script>` (as root, or as a test account), talks in
// lines on stdout (and takes commands on stdin), and is killed for real (SIGKILL) when a test needs
// a crash.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { spawnAs, type TestAccount } from '../../harness/os-accounts.ts';
import { HANG_MS } from './until.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

export class Child {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  readonly #proc: ChildProcessWithoutNullStreams;
  #stderr = '';
  #waiters = new Set<() => void>();

  /**
   * `script`: an absolute path (tests pass `path.join(import.meta.dirname, 'x-child.ts')`). `as`: run
   * it under that test account's uid and gid, with its own environment (plus `env`).
   */
  constructor(script: string, args: string[], env: NodeJS.ProcessEnv = {}, as?: TestAccount) {
    const argv = ['--import', 'tsx', script, ...args];
    this.#proc = (
      as
        ? spawnAs(as, process.execPath, argv, { env, stdio: 'pipe' })
        : spawn(process.execPath, argv, { cwd: REPO, stdio: 'pipe', env: { ...process.env, ...env } })
    ) as ChildProcessWithoutNullStreams;
    // A child that died (killed by a test, or by the service ending its session) is not an error here.
    this.#proc.stdin.on('error', () => undefined);
    readline.createInterface({ input: this.#proc.stdout }).on('line', (line) => {
      this.lines.push(line);
      for (const w of this.#waiters) w();
    });
    this.#proc.stderr.on('data', (d: Buffer) => {
      this.#stderr += d.toString();
      for (const w of this.#waiters) w();
    });
    this.exited = new Promise((resolve) =>
      this.#proc.on('exit', (code) => {
        for (const w of this.#waiters) w();
        resolve(code);
      }),
    );
  }

  get stderr(): string {
    return this.#stderr;
  }

  get pid(): number {
    return this.#proc.pid ?? -1;
  }

  /** Resolves with the first line (from `from` on) that `test` accepts; rejects if the child exits or time runs out. */
  waitFor(test: (line: string) => boolean, what: string, from = 0, timeoutMs = HANG_MS): Promise<string> {
    return this.#until(() => this.lines.slice(from).find(test), what, timeoutMs);
  }

  /** Resolves when the child's stderr (its log) has a line `test` accepts. */
  waitForLog(test: (line: string) => boolean, what: string, timeoutMs = HANG_MS): Promise<string> {
    return this.#until(() => this.#stderr.split('\n').find(test), what, timeoutMs);
  }

  /** Resolves when `test` holds for all the lines printed so far; rejects if the child exits first. */
  async waitForLines(test: (lines: string[]) => boolean, what: string, timeoutMs = HANG_MS): Promise<void> {
    await this.#until(() => (test(this.lines) ? true : undefined), what, timeoutMs);
  }

  async #until<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (this.#proc.exitCode !== null || this.#proc.signalCode !== null)
        throw new Error(`child exited before ${what}; stdout: ${this.lines.join(' | ')}; stderr: ${this.#stderr}`);
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; stdout: ${this.lines.join(' | ')}; stderr: ${this.#stderr}`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          this.#waiters.delete(done);
          resolve();
        };
        const t = setTimeout(done, 100);
        this.#waiters.add(done);
      });
    }
  }

  send(line: string): void {
    this.#proc.stdin.write(`${line}\n`);
  }

  /** Sends a command and waits for its answer line (`<prefix> …`). */
  async ask(command: string, prefix: string): Promise<string> {
    const from = this.lines.length;
    this.send(command);
    const line = await this.waitFor((l) => l.startsWith(`${prefix} `) || l === prefix, `the answer to "${command}"`, from);
    return line.slice(prefix.length).trim();
  }

  /** SIGKILL: no handler runs, nothing is flushed - a power cut, as far as the sync can tell. */
  async kill(): Promise<void> {
    this.#proc.kill('SIGKILL');
    await this.exited;
  }

  /** Closes stdin (the child's cue to stop cleanly) and waits for it to exit. */
  async end(): Promise<number | null> {
    this.#proc.stdin.end();
    const timer = setTimeout(() => this.#proc.kill('SIGKILL'), 10_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
