// The MSI (or the deb, or the PKG) landed before the machine config: the service starts with a config
// error and opens nothing. When the config arrives, it says so and asks to be restarted on it (aup
// service run exits; systemd, launchd or the SYSTEM task start it again), instead of waiting for a
// technician to restart it by hand.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryLog } from '../../../electron/core/log.ts';
import { STATUS_FILE, startMachineService, type MachineService } from '../../../electron/core/machine/service.ts';
import { until } from '../../support/until.ts';

let root: string | null = null;
let service: MachineService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
  if (root) await rm(root, { recursive: true, force: true });
  root = null;
});

describe('the machine config arriving after the installer', () => {
  it('a service started without a config asks to restart once the config file appears, and only once', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'aup-config-arrives-'));
    const log = new MemoryLog();
    let restarts = 0;
    service = await startMachineService({
      log,
      root,
      platform: 'linux',
      pollMs: 20,
      listSignedIn: async () => [],
      onConfigChanged: () => restarts++,
    });
    expect(service.status().problems.length).toBeGreaterThan(0);
    expect(restarts).toBe(0);
    const config = path.join(root, 'etc/aup-kiosk/config.json');
    await mkdir(path.dirname(config), { recursive: true });
    await writeFile(config, '{}');
    await until(() => restarts === 1, 'the service to ask for a restart');
    expect(log.lines).toContain(`info the machine config changed; the service restarts to read it {"config":${JSON.stringify(config)}}`);
    // A further change and further polls (each rewrites the status file after looking at the config): still once.
    await writeFile(config, '{"district":{}}');
    const statusFile = path.join(service.folders.data.folder, STATUS_FILE);
    const updatedAt = async () => (JSON.parse(await readFile(statusFile, 'utf8')) as { updatedAt: string }).updatedAt;
    const before = await updatedAt();
    await until(async () => (await updatedAt()) !== before, 'another poll');
    expect(restarts).toBe(1);
  });
});
