// Electron's security checklist, applied to every web page the app ever creates: no new windows,
// no navigation, no <webview>, no permission, no download, no request outside aup://, no
// spell-check dictionary fetched from the network.
import { app, session } from 'electron';
import type { KioskLog } from '../core/log.ts';
import { requestAllowed } from '../core/shell/app-protocol.ts';

const short = (url: string) => url.slice(0, 200);

/** Before the app is ready: every WebContents, as it is created. */
export function hardenWebContents(log: KioskLog): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      log.write('warn', 'new window refused', { url: short(url) });
      return { action: 'deny' };
    });
    // The kiosk's pages never navigate: the main process loads them. Any navigation is refused.
    contents.on('will-navigate', (event, url) => {
      event.preventDefault();
      log.write('warn', 'navigation refused', { url: short(url) });
    });
    contents.on('will-frame-navigate', (event) => {
      if (!event.isMainFrame) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      log.write('warn', 'webview refused');
    });
  });
}

/** After ready: the default session every kiosk window uses. */
export function hardenSession(options: { packaged: boolean; log: KioskLog }): void {
  const ses = session.defaultSession;
  const { log } = options;
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    log.write('warn', 'permission refused', { permission });
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler((_request, callback) => callback(null));
  ses.setSpellCheckerEnabled(false);
  ses.on('will-download', (event) => {
    event.preventDefault();
    log.write('warn', 'download refused');
  });
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = requestAllowed(details.url, options.packaged);
    if (!allowed) log.write('warn', 'request refused', { url: short(details.url) });
    callback({ cancel: !allowed });
  });
}
