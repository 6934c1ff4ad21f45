// Real KioskService hosts for the kiosk integration tests: a temp folder holding a copy of the demo
// config (demo roster, bundled catalog, real ledger and state folders), a clock the test moves, and
// every host opened closed again after each test. `demoKiosks()` registers the hooks, so call it at
// the top of a test file; a file's own beforeEach (say, one that adds people to the roster) runs after
// the config is written.
import { afterEach, beforeEach, expect } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { openKioskService } from '../../electron/core/setup.ts';
import type { KioskHost, KioskSessionApi } from '../../electron/core/kiosk/kiosk-service.ts';
import { MemoryLog } from '../../electron/core/log.ts';
import { ManualClock } from '../../electron/core/time.ts';
import type { KioskView, PolicyDocumentView } from '../../electron/core/api/contract.ts';
import { demoConfigIn, tempDir, type TempDir } from './fixtures.ts';

type KioskOptions = Parameters<typeof openKioskService>[0];

export interface DemoKiosks {
  /** The temp folder (config.json, roster.json, ledger/, state/ …); new for each test. */
  readonly dir: string;
  /** The demo config's path in `dir`. */
  readonly config: string;
  /** Starts at `at` for each test. */
  readonly clock: ManualClock;
  readonly log: MemoryLog;
  /** A host on `file` (the demo config unless given), closed after the test; `extra`: more of openKioskService's options. */
  open(file?: string, extra?: Partial<KioskOptions>): Promise<KioskHost>;
  /** Closes a host before the test ends (a restart, or to read what it wrote). */
  close(host: KioskHost): Promise<void>;
  /** Every line of every ledger file in `dir/ledger`, in file order. */
  ledgerLines(): Promise<string[]>;
}

/** `at`: the clock's start (default Tuesday 6 October 2026, 10:00 in Lockhart); `machine`: the PC's name. */
export function demoKiosks(options: { at?: string; machine?: string } = {}): DemoKiosks {
  const at = options.at ?? '2026-10-06T15:00:00Z';
  let tmp: TempDir | undefined;
  let config = '';
  let clock = new ManualClock(at);
  let log = new MemoryLog();
  const hosts: KioskHost[] = [];
  const folder = () => {
    if (!tmp) throw new Error('demoKiosks: used outside a test');
    return tmp.dir;
  };

  beforeEach(async () => {
    tmp = await tempDir();
    config = await demoConfigIn(tmp.dir);
    clock = new ManualClock(at);
    log = new MemoryLog();
  });
  afterEach(async () => {
    for (const k of hosts.splice(0)) await k.close();
    await tmp?.cleanup();
    tmp = undefined;
  });

  return {
    get dir() {
      return folder();
    },
    get config() {
      return config;
    },
    get clock() {
      return clock;
    },
    get log() {
      return log;
    },
    async open(file = config, extra = {}) {
      const k = await openKioskService({ configFile: file, clock, log, machine: options.machine ?? 'LAB204-PC07', ...extra });
      hosts.push(k);
      return k;
    },
    async close(host) {
      const i = hosts.indexOf(host);
      if (i >= 0) hosts.splice(i, 1);
      await host.close();
    },
    async ledgerLines() {
      const dir = path.join(folder(), 'ledger');
      const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
      return (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join('').split('\n').filter(Boolean);
    },
  };
}

/** A session and every view it pushes from now on. */
export function watch(session: KioskSessionApi) {
  const views: KioskView[] = [];
  session.onView((v) => views.push(v));
  return { session, views, last: () => views.at(-1) };
}

/** Accepts the policy the session shows (typing `typedName` where one is asked); returns the service's answer and the document. */
export async function acceptShown(s: KioskSessionApi, typedName?: string): Promise<{ result: unknown; document: PolicyDocumentView }> {
  const v = await s.getView();
  if (v.kind !== 'policy') throw new Error(`expected the policy, got ${v.kind}`);
  const d = v.document;
  const result = await s.acceptPolicy({
    policyId: d.policyId,
    version: d.version,
    sha256: d.sha256,
    language: d.language,
    ...(typedName ? { typedName } : {}),
  });
  return { result, document: d };
}

/** As `acceptShown`, and the acceptance must succeed. */
export async function accept(s: KioskSessionApi, typedName?: string): Promise<PolicyDocumentView> {
  const { result, document } = await acceptShown(s, typedName);
  expect(result).toEqual({ ok: true });
  return document;
}
