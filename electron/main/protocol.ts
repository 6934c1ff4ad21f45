// aup://kiosk/… : the kiosk's pages from the built renderer folder (inside app.asar when packaged),
// each response with the strict CSP, and the catalog's recordings by hash (aup://kiosk/audio/<sha256>.opus).
// What a URL maps to and what a recording request answers are decided in core/shell/app-protocol.ts.
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import type { KioskView } from '../core/api/contract.ts';
import { kioskPage } from '../core/bridge/kiosk-page.ts';
import type { KioskLog } from '../core/log.ts';
import type { RecordingIndex } from '../core/policy/recordings.ts';
import { APP_SCHEME, SECURITY_HEADERS, recordingResponse, resolveAppRequest, type AppFolders } from '../core/shell/app-protocol.ts';

export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    // standard: relative URLs and an origin; secure: treated like https; corsEnabled: module scripts;
    // stream: the media element plays (and seeks in) the catalog's recordings from aup://kiosk/audio/.
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true, stream: true },
    },
  ]);
}

/**
 * `firstView`: the session's view now, sent inside the kiosk page so its first frame needs no IPC round
 * trip. `recordings`: the recordings of the catalog the views come from, asked for at the first request.
 */
export function serveApp(folders: AppFolders, log: KioskLog, firstView: () => Promise<KioskView>, recordings: () => Promise<RecordingIndex>): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const answer = resolveAppRequest(request.url, request.method, folders);
    const head = request.method === 'HEAD';
    if (answer.kind === 'recording') {
      const index = await recordings().catch((error: unknown) => {
        log.write('warn', 'the catalog’s recordings cannot be listed', { error: error instanceof Error ? error.message : String(error) });
        return null;
      });
      const recording = index ? await index.read(answer.sha256, answer.ext) : null;
      if (!recording) log.write('warn', 'recording not served', { url: request.url.slice(0, 200) });
      const served = recordingResponse(recording, request.method, request.headers.get('range') ?? undefined);
      return new Response(served.body ?? (served.status === 404 && !head ? 'not found' : null), {
        status: served.status,
        headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...served.headers },
      });
    }
    if (answer.kind === 'asset') {
      return new Response(head ? null : answer.asset.body, { headers: { ...SECURITY_HEADERS, 'Content-Type': answer.asset.contentType } });
    }
    if (answer.kind === 'file') {
      try {
        const body = await readFile(answer.file);
        if (answer.kioskPage) {
          const view = await firstView().catch((error: unknown) => {
            log.write('warn', 'first view not sent with the kiosk page', { error: error instanceof Error ? error.message : String(error) });
            return null;
          });
          const page = kioskPage(body.toString('utf8'), { view, acceptLanguage: request.headers.get('accept-language') ?? undefined });
          return new Response(head ? null : page, { headers: { ...SECURITY_HEADERS, 'Content-Type': answer.contentType } });
        }
        return new Response(head ? null : new Uint8Array(body), { headers: { ...SECURITY_HEADERS, 'Content-Type': answer.contentType } });
      } catch {
        log.write('warn', 'kiosk page file missing', { url: request.url.slice(0, 200) });
        return new Response('not found', { status: 404, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
      }
    }
    if (answer.status !== 404)
      log.write('warn', 'kiosk page request refused', { url: request.url.slice(0, 200), status: answer.status, why: answer.message });
    return new Response(answer.message, { status: answer.status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
  });
}
