// The machine service's local channel against the same service in-process (issue 10's benchmark):
// an intent and the view it pushes back, round trip, p50 and p99, over the Unix socket and on the
// in-process API in the same run; and connect + authenticate (token file, HMAC both ways) + first view.
// Targets: channel p99 ≤ 2 ms and ≤ 3 × in-process; connect to first view p99 ≤ 30 ms. The student
// is at the lock screen, every login's screen (the policy, a 30 KB document, is shown once a year:
// its round trip is reported too, as policyIntentToView*).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { KioskApi, KioskView } from '../electron/core/api/contract.ts';
import { openKioskService } from '../electron/core/setup.ts';
import { ManualClock } from '../electron/core/time.ts';
import { startChannel } from '../electron/core/machine/channel.ts';
import { connectChannel } from '../electron/core/machine/channel-client.ts';
import { demoConfigIn } from '../harness/demo-config.ts';
import { percentile } from './stats.ts';

const ROUNDS = 1000;
const CONNECTS = 60;
const STUDENT = 'ben.carter';

/** setLanguage back and forth: each call changes the view, which the session pushes. Milliseconds per round trip. */
async function roundTrips(api: KioskApi, rounds: number): Promise<number[]> {
  let waiting: ((v: KioskView) => void) | null = null;
  const off = api.onView((v) => waiting?.(v));
  await new Promise((r) => setTimeout(r, 50));
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const lang = i % 2 === 0 ? 'es' : 'en';
    const started = performance.now();
    const pushed = new Promise<KioskView>((resolve) => (waiting = resolve));
    await api.setLanguage(lang);
    await pushed;
    times.push(performance.now() - started);
  }
  off();
  return times.sort((a, b) => a - b);
}

export async function benchChannel(): Promise<Record<string, number>> {
  if (process.platform === 'win32' || process.getuid?.() !== 0) return { skipped: 1 };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aup-bench-channel-'));
  const configFile = await demoConfigIn(dir);
  const kiosk = await openKioskService({ configFile, clock: new ManualClock('2026-09-08T08:30:00-05:00'), log: { write: () => {} } });
  const account = os.userInfo().username;
  await mkdir(path.join(dir, 'sessions'), { mode: 0o755 });
  const channel = await startChannel({
    host: { session: () => kiosk.session(STUDENT) },
    socketPath: path.join(dir, 'service.sock'),
    sessionsRoot: path.join(dir, 'sessions'),
    log: { write: () => {} },
    requestsPerSecond: 100_000,
    burst: 100_000,
  });
  try {
    // On the policy screen first (once a year), then through it to the lock screen (every login).
    const local = kiosk.session(STUDENT);
    await roundTrips(local, 50);
    const policyInProcess = await roundTrips(local, ROUNDS / 4);
    let client = await connectChannel({ socketPath: channel.socketPath, sessionsRoot: path.join(dir, 'sessions'), account });
    await roundTrips(client, 50);
    const policyOverChannel = await roundTrips(client, ROUNDS / 4);
    await client.close();
    const policy = await local.getView();
    if (policy.kind !== 'policy') throw new Error(`expected the policy first, got ${policy.kind}`);
    const { policyId, version, sha256, language } = policy.document;
    await local.acceptPolicy({ policyId, version, sha256, language });
    const rules = await local.getView();
    if (rules.kind !== 'safety-rules') throw new Error('could not accept the policy');
    await local.acknowledgeSafetyRules({ rulesId: rules.document.policyId, version: rules.document.version });
    if ((await local.getView()).kind !== 'locked') throw new Error('the student is not at the lock screen');

    await roundTrips(local, 50); // warm up
    const inProcess = await roundTrips(local, ROUNDS);
    local.dispose();

    client = await connectChannel({ socketPath: channel.socketPath, sessionsRoot: path.join(dir, 'sessions'), account });
    await roundTrips(client, 50);
    const overChannel = await roundTrips(client, ROUNDS);
    await client.close();

    const connects: number[] = [];
    for (let i = 0; i < CONNECTS; i++) {
      const started = performance.now();
      const c = await connectChannel({ socketPath: channel.socketPath, sessionsRoot: path.join(dir, 'sessions'), account });
      await new Promise<void>((resolve) => {
        const off = c.onView(() => {
          off();
          resolve();
        });
      });
      connects.push(performance.now() - started);
      await c.close();
    }
    connects.sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 1000) / 1000;
    return {
      intentToViewChannelP50Ms: round(percentile(overChannel, 50)),
      intentToViewChannelP99Ms: round(percentile(overChannel, 99)),
      intentToViewInProcessP50Ms: round(percentile(inProcess, 50)),
      intentToViewInProcessP99Ms: round(percentile(inProcess, 99)),
      channelToInProcessP99Ratio: round(percentile(overChannel, 99) / percentile(inProcess, 99)),
      policyIntentToViewChannelP99Ms: round(percentile(policyOverChannel, 99)),
      policyIntentToViewInProcessP99Ms: round(percentile(policyInProcess, 99)),
      connectToFirstViewP50Ms: round(percentile(connects, 50)),
      connectToFirstViewP99Ms: round(percentile(connects, 99)),
    };
  } finally {
    await channel.close();
    await kiosk.close();
    await rm(dir, { recursive: true, force: true });
  }
}
