// The browser preview's wiring (`npm run preview`, the browser tests): the REAL KioskService over the
// loopback bridge on 127.0.0.1, serving the built renderer. Never part of an installed app. Typed here
// so tsc and the layer rule see it; scripts/preview.mjs only parses arguments and builds the pages.
import path from 'node:path';
import { loadSetup, openKioskService } from '../setup.ts';
import { NO_RECORDINGS, recordingsOf } from '../policy/recordings.ts';
import { ManualClock, systemClock } from '../time.ts';
import type { KioskSessionApi } from '../kiosk/kiosk-service.ts';
import type { KioskApi, KioskView, Outcome } from '../api/contract.ts';
import { connectChannel } from '../machine/channel-client.ts';
import { serviceBackedApi, type ServiceBackedApi } from '../machine/app-client.ts';
import { startLoopbackBridge } from './loopback-bridge.ts';
import { chooserLanguage, userChooserPage } from './user-chooser.ts';

export interface PreviewOptions {
  port: number;
  configFile: string;
  staticDir: string;
  /** Start the kiosk's clock at this instant; it stands still unless the test hooks move it. */
  now?: string;
  /** Allow POST /__test/clock (browser tests only). */
  testHooks?: boolean;
  /**
   * Show each session through a machine service's channel instead of an in-process KioskService,
   * as the installed app does (the page's `?user=` is the account; the token folders beside the
   * socket, in `sessions/`, as the service lays them out). With no service listening there,
   * every page shows the "service not running" screen.
   */
  serviceSocket?: string;
}

/** A session of the machine service, usable at once: calls wait for the channel's first attempt. */
function channelSession(socketPath: string, account: string): KioskApi & { dispose(): void } {
  const api: Promise<ServiceBackedApi> = connectChannel({
    socketPath,
    sessionsRoot: path.join(path.dirname(socketPath), 'sessions'),
    account,
    backoff: { maxMs: 2000 },
  }).then(serviceBackedApi);
  const unavailable: Outcome = { ok: false, reason: 'not-now', message: 'the kiosk service is not running' };
  const call =
    <K extends Exclude<keyof KioskApi, 'onView' | 'getView'>>(name: K) =>
    (...args: Parameters<KioskApi[K]>) =>
      api.then((a) => (a[name] as (...x: Parameters<KioskApi[K]>) => Promise<Outcome>)(...args)).catch(() => unavailable);
  return {
    getView: () => api.then((a) => a.getView()).catch((): KioskView => ({ kind: 'service-unavailable' })),
    onView(listener) {
      let off: (() => void) | null = null;
      let gone = false;
      void api.then((a) => (gone ? undefined : (off = a.onView(listener)))).catch(() => listener({ kind: 'service-unavailable' }));
      return () => {
        gone = true;
        off?.();
      };
    },
    acceptPolicy: call('acceptPolicy'),
    acknowledgeSafetyRules: call('acknowledgeSafetyRules'),
    teacherUnlock: call('teacherUnlock'),
    adminOverride: call('adminOverride'),
    setLanguage: call('setLanguage'),
    openSafetyRules: call('openSafetyRules'),
    closeSafetyRules: call('closeSafetyRules'),
    openPolicy: call('openPolicy'),
    closePolicy: call('closePolicy'),
    openRoom: call('openRoom'),
    endClass: call('endClass'),
    dispose: () => void api.then((a) => a.close()).catch(() => undefined),
  };
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
  // Loaded here so the bridge serves the recordings of the very catalog the views come from.
  const loaded = await loadSetup(options.configFile);
  const kiosk = await openKioskService({ configFile: options.configFile, ...(loaded.ok ? { loaded } : {}), clock: manual ?? systemClock });
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
    recordings: loaded.ok ? recordingsOf(loaded.catalog) : NO_RECORDINGS,
    // The page without ?user=: who is signing in (the roster's people as links), or what to add.
    async userChooser(query, acceptLanguage) {
      const users = 'listUsers' in kiosk ? await kiosk.listUsers().catch(() => null) : null;
      return userChooserPage(users, chooserLanguage(query, acceptLanguage), `http://127.0.0.1:${bridge.port}`);
    },
    sessionFor(username) {
      if (options.serviceSocket) return channelSession(options.serviceSocket, username);
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
      `open ${bridge.url} to choose who is signing in, or ${bridge.url}?user=USERNAME (ben.carter: a student of the demo roster)\n`,
    async close() {
      await bridge.close();
      await kiosk.close();
    },
  };
}
