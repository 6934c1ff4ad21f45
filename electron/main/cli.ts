// The `aup` CLI inside the packaged executable: runs before the app is ready, opens no window,
// flushes what it printed, and exits with the CLI's own code (0, 1, 2 or 3).
import { app } from 'electron';
import { runCli, processIo } from '../core/cli/main.ts';
import { appPaths } from '../core/shell/app-paths.ts';

const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));

export async function runCliAndExit(argv: string[]): Promise<never> {
  app.dock?.hide(); // no Dock icon for a command run in Terminal
  app.disableHardwareAcceleration(); // and no GPU process
  const paths = appPaths({ packaged: app.isPackaged, mainDir: import.meta.dirname, resourcesPath: process.resourcesPath });
  let code = 1;
  try {
    code = await runCli(argv, processIo({ policies: paths.policies, migrations: paths.migrations, demoConfig: null }));
  } catch (error) {
    process.stderr.write(`aup: failed: ${(error as Error)?.message ?? error}\n`);
  }
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  app.exit(code);
  // app.exit ends the process; this keeps the type honest.
  return new Promise<never>(() => {});
}
