// The Electron main process, kept thin: every decision is in electron/core. This entry only tells
// the two ways the executable runs apart, before the app is ready:
//   "AUP Kiosk.exe" config validate …   the `aup` CLI: no window, its exit code, then exit
//   "AUP Kiosk.exe" [--config F]          the kiosk
import { app } from 'electron';
import { parseShellArgs, userArgs } from '../core/shell/args.ts';
import { runCliAndExit } from './cli.ts';
import { registerAppScheme } from './protocol.ts';
import { startKiosk } from './kiosk-app.ts';

// Packaged: argv is [exe, ...args]. Development: [electron, switches, app path, ...args].
const argv = userArgs(process.argv, app.isPackaged);
const args = parseShellArgs(argv, { packaged: app.isPackaged });

if (args.mode === 'cli') {
  void runCliAndExit(args.argv);
} else {
  // Must happen before the app is ready.
  registerAppScheme();
  startKiosk(args, argv).catch((error: unknown) => {
    process.stderr.write(`aup-kiosk: could not start: ${(error as Error)?.stack ?? error}\n`);
    // The watchdog (Scheduled Task, LaunchAgent) starts it again.
    app.exit(1);
  });
}
