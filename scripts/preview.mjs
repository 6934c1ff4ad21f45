#!/usr/bin/env node
// npm run preview -- [--port N] [--config F] [--now ISO] [--test-hooks] [--no-build]
//
// Builds the renderer (vite, into out/renderer) and serves it with the REAL KioskService over the
// loopback bridge on 127.0.0.1, so the kiosk can be tried in any browser: open
// http://127.0.0.1:PORT/?user=USERNAME for the session of USERNAME.
//   --config F     the machine config (default: assets/demo/config.json)
//   --now ISO      start the kiosk's clock at this instant; it stands still unless moved
//   --test-hooks   allow POST /__test/clock {"now": ISO} | {"advanceMinutes": n} (browser tests only)
//   --no-build     serve out/renderer as it is
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

const { openKiosk } = await tsImport('../electron/core/kiosk/kiosk.ts', import.meta.url);
const { ManualClock, systemClock } = await tsImport('../electron/core/time.ts', import.meta.url);
const { startLoopbackBridge } = await tsImport('../electron/core/bridge/loopback-bridge.ts', import.meta.url);

// The test hooks move the clock, so they need a clock that can be moved.
const manual = values.now !== undefined || values['test-hooks'] ? new ManualClock(values.now ?? new Date()) : null;
const kiosk = await openKiosk({ configFile: path.resolve(values.config), clock: manual ?? systemClock });
if (!manual) kiosk.startTimer();

/** Sessions with a page attached; after the clock moves every one gets a fresh view (the lock screen's clock too). */
const sessions = new Set();
async function clockMoved() {
  await kiosk.tick();
  await Promise.all([...sessions].map((s) => (typeof s.refresh === 'function' ? s.refresh(true) : undefined)));
}

const bridge = await startLoopbackBridge({
  port,
  host: '127.0.0.1',
  staticDir,
  sessionFor(username) {
    const session = kiosk.session(username);
    sessions.add(session);
    return session;
  },
  sessionClosed(session) {
    sessions.delete(session);
    if (typeof session.dispose === 'function') session.dispose();
  },
  testHooks:
    values['test-hooks'] && manual
      ? {
          async setNow(iso) {
            manual.set(iso);
            await clockMoved();
          },
          async advance(ms) {
            manual.advance(ms);
            await clockMoved();
          },
        }
      : undefined,
});

process.stdout.write(
  `AUP Kiosk preview on ${bridge.url}  (config: ${kiosk.source}${manual ? `, clock: ${manual.now().toISOString()}` : ''}${values['test-hooks'] ? ', test hooks on' : ''})\n` +
    `open ${bridge.url}?user=ben.carter  (any username of the roster)\n`,
);

let closing = false;
async function shutdown() {
  if (closing) return;
  closing = true;
  await bridge.close();
  await kiosk.close();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
