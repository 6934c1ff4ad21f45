// The browser preview's wiring (`npm run preview`, the browser tests): the REAL KioskService over the
// loopback bridge on 127.0.0.1, serving the built renderer. Never part of an installed app. Typed here
// so tsc and the layer rule see it; scripts/preview.mjs only parses arguments and builds the pages.
import { openKioskService } from '../setup.ts';
import { ManualClock, systemClock } from '../time.ts';
import type { KioskSessionApi } from '../kiosk/kiosk-service.ts';
import { startLoopbackBridge } from './loopback-bridge.ts';

export interface PreviewOptions {
  port: number;
  configFile: string;
  staticDir: string;
  /** Start the kiosk's clock at this instant; it stands still unless the test hooks move it. */
  now?: string;
  /** Allow POST /__test/clock (browser tests only). */
  testHooks?: boolean;
}

export interface Preview {
  url: string;
  /** One line for the console: where, which config, which clock. */
  banner: string;
  close(): Promise<void>;
}

export async function startPreview(options: PreviewOptions): Promise<Preview> {
  // The test hooks move the clock, so they need a clock that can be moved.
  const manual = options.now !== undefined || options.testHooks ? new ManualClock(options.now ?? new Date()) : null;
  const kiosk = await openKioskService({ configFile: options.configFile, clock: manual ?? systemClock });
  if (!manual) kiosk.startTimer();

  /** Sessions with a page attached; after the clock moves every one gets a fresh view (the lock screen's clock too). */
  const sessions = new Set<KioskSessionApi>();
  async function clockMoved() {
    await kiosk.tick();
    await Promise.all([...sessions].map((s) => s.refresh(true)));
  }

  const bridge = await startLoopbackBridge({
    port: options.port,
    host: '127.0.0.1',
    staticDir: options.staticDir,
    sessionFor(username) {
      const session = kiosk.session(username);
      sessions.add(session);
      return session;
    },
    sessionClosed(session) {
      const s = session as KioskSessionApi;
      sessions.delete(s);
      s.dispose();
    },
    ...(options.testHooks && manual
      ? {
          testHooks: {
            async setNow(iso: string) {
              manual.set(iso);
              await clockMoved();
            },
            async advance(ms: number) {
              manual.advance(ms);
              await clockMoved();
            },
          },
        }
      : {}),
  });

  return {
    url: bridge.url,
    banner:
      `AUP Kiosk preview on ${bridge.url}  (config: ${kiosk.source}${manual ? `, clock: ${manual.now().toISOString()}` : ''}${options.testHooks ? ', test hooks on' : ''})\n` +
      `open ${bridge.url}?user=ben.carter  (any username of the roster)\n`,
    async close() {
      await bridge.close();
      await kiosk.close();
    },
  };
}
