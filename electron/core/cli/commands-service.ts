// `aup service run` (the machine service in the foreground: what systemd, launchd and the SYSTEM
// task start) and `aup service status` (is it running, since when, its folders and their
// permissions, the screens connected, the last sync) for technicians.
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { stderrLog } from '../log.ts';
import { readCursor } from '../central/kiosk-role/cursor.ts';
import { readSystemValues, serviceFolders } from '../machine/folders.ts';
import { checkFolders } from '../machine/permissions.ts';
import { STATUS_FILE, startMachineService, type ServiceStatus } from '../machine/service.ts';
import { osSessionHooks, processAlive } from '../machine/os-hooks.ts';
import { withWindowsEventLog } from '../shell/event-log.ts';
import { EXIT, UsageError, parse, type CliIo } from './io.ts';

const isRoot = () => process.platform === 'win32' || process.getuid?.() === 0;

export async function serviceRun(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { root: { type: 'string' } });
  if (!isRoot()) {
    throw new UsageError('the machine service runs as root (systemd, launchd or the SYSTEM task start it); to try it by hand: sudo aup service run');
  }
  if (io.env.NODE_OPTIONS) {
    // Whoever sets NODE_OPTIONS for a root process chooses code it runs: refuse rather than guess.
    throw new UsageError('NODE_OPTIONS is set: the machine service does not start with it (unset it in the unit or task that starts the service)');
  }
  const system = await readSystemValues(process.platform, { log: stderrLog });
  // On Windows, start, config errors, refusals and the service's state also go to the Event Log.
  const log = withWindowsEventLog(stderrLog, { platform: process.platform, systemRoot: system.systemRoot });
  let configChanged = false;
  let stop: () => void = () => {};
  const service = await startMachineService({
    log,
    ...(values.root ? { root: path.resolve(values.root) } : {}),
    bundledCatalog: io.resources.policies,
    ...osSessionHooks(process.platform, log, undefined, system),
    // Started with a config error and the config came or changed: exit, to be started again on it.
    onConfigChanged: () => {
      configChanged = true;
      stop();
    },
  });
  await new Promise<void>((resolve) => {
    stop = resolve;
    if (configChanged) resolve();
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await service.close();
  return EXIT.ok;
}

export async function serviceStatus(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { root: { type: 'string' }, json: { type: 'boolean' } });
  const folders = serviceFolders(process.platform, await readSystemValues(process.platform), values.root ? { root: path.resolve(values.root) } : {});
  const folderProblems = await checkFolders(folders, { allowCreate: false });
  let status: ServiceStatus | null = null;
  let unreadable: string | null = null;
  try {
    status = JSON.parse(await readFile(path.join(folders.data.folder, STATUS_FILE), 'utf8')) as ServiceStatus;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    unreadable =
      code === 'EACCES'
        ? 'permission denied (run it as root: sudo aup service status)'
        : code === 'ENOENT'
          ? 'the service has not run on this machine'
          : String(code ?? error);
  }
  const running = status !== null && processAlive(status.pid);
  const cursor = await readCursor(path.join(folders.data.ledger)).catch(() => null);
  const report = {
    running,
    ...(status
      ? {
          pid: status.pid,
          since: status.since,
          version: status.version,
          config: status.config,
          screens: status.screens,
          configProblems: status.problems,
          updatedAt: status.updatedAt,
        }
      : {}),
    ...(unreadable ? { status: unreadable } : {}),
    folders: await Promise.all(
      folders.required.map(async (r) => ({
        path: r.path,
        what: r.what,
        // A folder the service makes at start (or one it may do without) is not a problem while absent, but it is not "ok" either.
        exists: await lstat(r.path).then(
          () => true,
          () => false,
        ),
        problem: folderProblems.find((p) => p.path === r.path)?.message ?? null,
        ...(r.create ? { createdByService: true } : {}),
      })),
    ),
    lastSync: cursor ? cursor : null,
  };
  if (values.json) {
    io.out(JSON.stringify(report, null, 2) + '\n');
  } else {
    io.out(`${running ? `running, pid ${status!.pid}, since ${status!.since}` : `not running${unreadable ? ` (${unreadable})` : ''}`}\n`);
    if (status) {
      io.out(
        `config: ${status.config}${status.problems.length ? ` — ${status.problems.length} problem(s): the service opens nothing until they are fixed` : ''}\n`,
      );
      for (const p of status.problems) io.out(`  ${p.path}: ${p.message}\n`);
      const screens = Object.entries(status.screens);
      io.out(`screens connected: ${screens.length ? screens.map(([a, n]) => `${a} (${n})`).join(', ') : 'none'}\n`);
    }
    io.out('folders:\n');
    for (const f of report.folders) {
      const absent = f.createdByService ? ' — not there yet (the service makes it when it starts)' : ' — not there (not needed yet)';
      io.out(`  ${f.problem ? 'WRONG' : f.exists ? 'ok   ' : 'none '} ${f.path}${f.problem ? ` — ${f.problem}` : f.exists ? '' : absent}\n`);
    }
    io.out(`last sync: ${lastSyncText(cursor)}\n`);
  }
  return running && folderProblems.length === 0 ? EXIT.ok : EXIT.failure;
}

/** The sync cursor as a technician reads it: per school year, the records the district database has confirmed. */
function lastSyncText(read: Awaited<ReturnType<typeof readCursor>> | null): string {
  if (!read) return 'cannot be read (run it as root: sudo aup service status)';
  const years = Object.entries(read.cursor.files);
  const sent = years.length
    ? years
        .map(
          ([year, c]) => `${year}: ${c.lines} record${c.lines === 1 ? '' : 's'} confirmed by the district database (${c.offset} bytes of the ledger)`,
        )
        .join('; ')
    : 'none (no district database, or nothing sent yet)';
  return read.problem ? `${sent}; ${read.problem}` : sent;
}
