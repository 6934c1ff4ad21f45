#!/usr/bin/env node
// npm run preview -- [--port N] [--config F] [--now ISO] [--test-hooks] [--no-build]
//
// Builds the renderer (vite, into out/renderer) and serves it with the REAL KioskService over the
// loopback bridge on 127.0.0.1 (electron/core/bridge/preview.ts), so the kiosk can be tried in any browser: open
// http://127.0.0.1:PORT/?user=USERNAME for the session of USERNAME.
//   --config F     the machine config (default: assets/demo/config.json)
//   --now ISO      start the kiosk's clock at this instant; it stands still unless moved
//   --test-hooks   allow POST /__test/clock {"now": ISO} | {"advanceMinutes": n} (browser tests only)
//   --no-build     serve out/renderer as it is
//   --service-socket PATH   show each session through the machine service at PATH, as the installed
//                  app does (with nothing listening there: the "service not running" screen)
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';

const root = path.resolve(import.meta.dirname, '..');

function usage(message) {
  process.stderr.write(`preview: ${message}\nusage: npm run preview -- [--port N] [--config F] [--now ISO] [--test-hooks] [--no-build]\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '4173' },
      config: { type: 'string', default: path.join(root, 'assets/demo/config.json') },
      now: { type: 'string' },
      'test-hooks': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      'service-socket': { type: 'string' },
    },
  }));
} catch (error) {
  usage(error.message);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`--port expects a port number, not ${values.port}`);
if (values.now !== undefined && !Number.isFinite(Date.parse(values.now)))
  usage(`--now expects an ISO instant like 2026-09-08T08:30:00-05:00, not ${values.now}`);

const staticDir = path.join(root, 'out/renderer');
if (!values['no-build'] || !existsSync(path.join(staticDir, 'index.html'))) {
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
}

const { startPreview } = await tsImport('../electron/core/bridge/preview.ts', import.meta.url);
const preview = await startPreview({
  port,
  configFile: path.resolve(values.config),
  staticDir,
  ...(values.now !== undefined ? { now: values.now } : {}),
  testHooks: values['test-hooks'],
  ...(values['service-socket'] ? { serviceSocket: values['service-socket'] } : {}),
});
process.stdout.write(preview.banner);

let closing = false;
async function shutdown() {
  if (closing) return;
  closing = true;
  await preview.close();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
