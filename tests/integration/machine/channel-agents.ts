// Test side of channel-agent.ts: starts the agent under a real OS account (its uid and gid, its own
// environment) and waits for the events it prints — states, never fixed sleeps.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { spawnAs, type TestAccount } from '../../../harness/os-accounts.ts';
import { HANG_MS } from '../../support/until.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const SCRIPT = path.join(import.meta.dirname, 'channel-agent.ts');

export type AgentEvent = { event: string } & Record<string, any>; // test events are read loosely

export class Agent {
  readonly events: AgentEvent[] = [];
  readonly #proc: ChildProcess;
  #stderr = '';
  #exited = false;
  #wake = new Set<() => void>();

  private constructor(readonly account: TestAccount) {
    // The account's own environment (HOME, TMPDIR in its home): harness/os-accounts.ts.
    this.#proc = spawnAs(account, process.execPath, ['--import', 'tsx', SCRIPT], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    readline.createInterface({ input: this.#proc.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as AgentEvent);
      } catch {
        this.events.push({ event: 'text', text: line });
      }
      this.#notify();
    });
    this.#proc.stderr!.on('data', (d: Buffer) => (this.#stderr += d.toString()));
    this.#proc.on('exit', () => {
      this.#exited = true;
      this.#notify();
    });
  }

  /** An agent running as `account`, once it says it is ready (with the uid and gid it runs as). */
  static async start(account: TestAccount): Promise<Agent> {
    const agent = new Agent(account);
    const ready = await agent.next((e) => e.event === 'ready', 'the agent to start');
    if (ready.uid !== account.uid || ready.gid !== account.gid)
      throw new Error(`agent runs as ${ready.uid}:${ready.gid}, not ${account.uid}:${account.gid}`);
    return agent;
  }

  #notify() {
    for (const w of this.#wake) w();
  }

  send(command: Record<string, unknown>): number {
    const from = this.events.length;
    this.#proc.stdin!.write(`${JSON.stringify(command)}\n`);
    return from;
  }

  /** The first event from index `from` on that `test` accepts. */
  async next(test: (e: AgentEvent) => boolean, what: string, from = 0, timeoutMs = HANG_MS): Promise<AgentEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(test);
      if (found) return found;
      if (this.#exited)
        throw new Error(`agent ${this.account.name} exited before ${what}; events: ${JSON.stringify(this.events)}; stderr: ${this.#stderr}`);
      if (Date.now() > deadline)
        throw new Error(
          `timed out after ${timeoutMs / 1000} s waiting for ${what}; events: ${JSON.stringify(this.events.slice(-20))}; stderr: ${this.#stderr}`,
        );
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          this.#wake.delete(done);
          resolve();
        };
        const t = setTimeout(done, 200);
        this.#wake.add(done);
      });
    }
  }

  /** Sends a command and waits for the event it causes. */
  ask(command: Record<string, unknown>, test: (e: AgentEvent) => boolean, what: string, timeoutMs?: number): Promise<AgentEvent> {
    return this.next(test, what, this.send(command), timeoutMs);
  }

  /** Ends the agent (stdin closed, then SIGKILL if it lingers). */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#proc.once('exit', () => resolve()));
    this.#proc.stdin!.end();
    const t = setTimeout(() => this.#proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }
}

export const frameOf = (e: AgentEvent) => (e.event === 'frame' ? (e.frame as Record<string, any>) : undefined); // frames are read loosely
