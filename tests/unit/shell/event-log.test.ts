// The Windows Event Log beside the files: the entries eventcreate would be given (source, id, type,
// text), that only start, config errors, refusals and service state go there, and that the machine
// service and the screens are wired to it. eventcreate itself runs only on Windows: not run here.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryLog } from '../../../electron/core/log.ts';
import {
  EVENT_SOURCE,
  EVENT_TEXT_MAX,
  WINDOWS_EVENTS,
  WindowsEventLog,
  eventFor,
  eventcreateArgs,
  withWindowsEventLog,
  type EventEntry,
} from '../../../electron/core/shell/event-log.ts';
import { startMachineService } from '../../../electron/core/machine/service.ts';
import { until } from '../../support/until.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');

/** Records what would be handed to eventcreate; `fail` makes every write fail as a missing eventcreate would. */
function recorder(options: { fail?: boolean; gate?: Promise<void> } = {}) {
  const entries: EventEntry[] = [];
  const write = async (entry: EventEntry) => {
    await options.gate;
    if (options.fail) throw new Error('spawn eventcreate.exe ENOENT');
    entries.push(entry);
  };
  return { entries, write };
}

describe('the entries', () => {
  it('start, config errors, refusals and service state each have their own id (1 to 1000, as eventcreate takes), type from the level', () => {
    expect(eventFor('info', 'AUP Kiosk starting', { version: '0.1.0', user: 'ben.carter' })).toEqual({
      source: 'AUP Kiosk',
      id: 100,
      type: 'INFORMATION',
      text: "AUP Kiosk starting {'version':'0.1.0','user':'ben.carter'}",
    });
    expect(
      eventFor('error', 'the machine service opens nothing until its config and folders are right', {
        config: 'C:\\ProgramData\\AUP Kiosk\\config.json',
      }),
    ).toMatchObject({
      id: 200,
      type: 'ERROR',
    });
    expect(eventFor('warn', 'failed sign-in', { user: 'ben.carter', attemptedBy: 'mr.lee', failures: 1 })).toMatchObject({
      id: 301,
      type: 'WARNING',
    });
    expect(eventFor('info', 'unlock refused', { user: 'ben.carter', by: 'ms.sub' })).toMatchObject({ id: 302, type: 'INFORMATION' });
    expect(eventFor('info', 'machine service started', {})).toMatchObject({ id: 110, type: 'INFORMATION' });
    expect(eventFor('warn', 'machine service', { state: 'disconnected' })).toMatchObject({ id: 120, type: 'WARNING' });
    const ids = Object.values(WINDOWS_EVENTS).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id >= 1 && id <= 1000)).toBe(true);
    expect(new Set(Object.values(WINDOWS_EVENTS).map((e) => e.kind))).toEqual(new Set(['start', 'config', 'refusal', 'service']));
  });

  it('everything else stays in the file only', () => {
    expect(eventFor('info', 'screen', { view: 'locked' })).toBeNull();
    expect(eventFor('info', 'policy accepted', { user: 'ben.carter' })).toBeNull();
  });

  it('never a secret, one line, no double quotes for eventcreate to misread, and bounded', () => {
    const entry = eventFor('warn', 'failed sign-in', { user: 'ben\r\n"x"', attemptedBy: '482913', pin: '1234', password: 'hunter2' })!;
    expect(entry.text).not.toMatch(/1234|hunter2|482913|[\r\n"]/);
    expect(entry.text).toContain('[redacted]');
    const long = eventFor('error', 'config has problems', {
      problems: Array.from({ length: 40 }, (_, i) => ({ path: `p${i}`, message: 'x'.repeat(200) })),
    })!;
    expect(long.text.length).toBe(EVENT_TEXT_MAX);
    expect(long.text.endsWith('…')).toBe(true);
  });

  it("eventcreate's arguments: the Application log, the source, the type, the id, the text", () => {
    expect(eventcreateArgs({ source: EVENT_SOURCE, id: 301, type: 'WARNING', text: 'failed sign-in' })).toEqual([
      '/L',
      'APPLICATION',
      '/SO',
      'AUP Kiosk',
      '/T',
      'WARNING',
      '/ID',
      '301',
      '/D',
      'failed sign-in',
    ]);
  });
});

describe('the log with the Event Log beside it', () => {
  it('keeps every line in the file log and writes the four kinds to the Event Log, in order', async () => {
    const file = new MemoryLog();
    const events = recorder();
    const log = new WindowsEventLog(file, events.write);
    log.write('info', 'AUP Kiosk starting', { user: 'ben.carter' });
    log.write('info', 'screen', { view: 'locked' });
    log.write('info', 'refused', { intent: 'teacherUnlock', reason: 'substitute' });
    await log.flushed();
    expect(file.lines).toHaveLength(3);
    expect(events.entries.map((e) => e.id)).toEqual([100, 300]);
  });

  it('a burst (a student guessing PINs) is bounded: the rest are counted in the file, not queued', async () => {
    const file = new MemoryLog();
    let open!: () => void;
    const events = recorder({ gate: new Promise<void>((r) => (open = r)) });
    const log = new WindowsEventLog(file, events.write, { maxPending: 3 });
    for (let i = 0; i < 10; i++) log.write('warn', 'failed sign-in', { user: 'ben.carter', failures: i + 1 });
    open();
    await log.flushed();
    expect(events.entries).toHaveLength(3);
    expect(file.lines.at(-1)).toBe('warn Windows Event Log: events left out of a burst (all are in this file) {"count":7}');
  });

  it('an eventcreate that fails is said once in the file log, never thrown', async () => {
    const file = new MemoryLog();
    const log = new WindowsEventLog(file, recorder({ fail: true }).write);
    log.write('info', 'AUP Kiosk starting');
    log.write('info', 'refused', { reason: 'substitute' });
    await log.flushed();
    expect(file.lines.filter((l) => l.includes('cannot write to the Windows Event Log'))).toHaveLength(1);
  });

  it('only on Windows', () => {
    const file = new MemoryLog();
    expect(withWindowsEventLog(file, { platform: 'linux' })).toBe(file);
    expect(withWindowsEventLog(file, { platform: 'darwin' })).toBe(file);
    expect(withWindowsEventLog(file, { platform: 'win32' })).toBeInstanceOf(WindowsEventLog);
  });
});

describe('wired for the four kinds', () => {
  let root: string | null = null;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
    root = null;
  });

  async function sources(dir: string): Promise<string> {
    const out: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts')) out.push(await readFile(path.join(entry.parentPath, entry.name), 'utf8'));
    }
    return out.join('\n');
  }

  it('every message the Event Log takes is one the code writes (a renamed message would silently leave it)', async () => {
    const code = (await sources(path.join(REPO, 'electron/core'))) + (await sources(path.join(REPO, 'electron/main')));
    for (const message of Object.keys(WINDOWS_EVENTS)) {
      const written = new RegExp(`write\\(\\s*(?:'(?:info|warn|error)'|[^,]+),\\s*'${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`);
      expect(written.test(code), message).toBe(true);
    }
  });

  it('the machine service (aup service run) and the screens (kiosk-app) log through it', async () => {
    const service = await readFile(path.join(REPO, 'electron/core/cli/commands-service.ts'), 'utf8');
    expect(service).toMatch(/const log = withWindowsEventLog\(stderrLog, \{ platform: process\.platform, systemRoot: system\.systemRoot \}\);/);
    expect(service).toMatch(/startMachineService\(\{\s*log,/);
    const app = await readFile(path.join(REPO, 'electron/main/kiosk-app.ts'), 'utf8');
    expect(app).toMatch(/const log = withWindowsEventLog\(opened\.log, \{ platform: process\.platform \}\);/);
  });

  it('the real machine service with no config: its config error and its state (started, stopped) reach the Event Log', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'aup-eventlog-'));
    const file = new MemoryLog();
    const events = recorder();
    const log = new WindowsEventLog(file, events.write);
    const service = await startMachineService({ log, root, platform: 'linux', listSignedIn: async () => [] });
    await service.close();
    await log.flushed();
    await until(() => events.entries.length >= 3, 'the three events');
    expect(events.entries.map((e) => [e.id, e.type])).toEqual([
      [200, 'ERROR'],
      [110, 'INFORMATION'],
      [111, 'INFORMATION'],
    ]);
    expect(events.entries[0]!.text).toContain('config.json');
  });
});
