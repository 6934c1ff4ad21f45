// KioskApi over the loopback bridge's WebSocket (npm run preview, the browser tests). In Electron
// the preload provides `window.aup` and this file does nothing. The page's `?user=` names the
// session's user. If the socket drops, requests wait and the client reconnects, then asks for the
// current view again: the kiosk, not this page, knows what should be on screen.
import type { KioskApi, KioskIntent, KioskView, Outcome } from '../electron/core/api/contract.ts';
import { BRIDGE_PATH, type BridgeMessage, type BridgeRequest } from '../electron/core/api/channels.ts';
const RETRY_MS = [250, 500, 1000, 2000, 4000];

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

interface Pending {
  resolve(value: KioskView | Outcome): void;
  sent: boolean;
  frame: string;
}

const isView = (value: unknown): value is KioskView => typeof value === 'object' && value !== null && 'kind' in value;

/** A KioskApi backed by a WebSocket at `url`; `onConnection` hears the socket's state. */
export function createBridgeClient(url: string, onConnection: (state: ConnectionState) => void = () => {}): KioskApi {
  const listeners = new Set<(view: KioskView) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let attempt = 0;

  const emit = (view: KioskView) => {
    for (const listener of listeners) listener(view);
  };

  function connect() {
    onConnection(attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.addEventListener('open', () => {
      attempt = 0;
      onConnection('open');
      for (const p of pending.values()) {
        if (!p.sent) {
          ws.send(p.frame);
          p.sent = true;
        }
      }
      // After a reconnect the view may have moved on (an unlock expired while we were away).
      if (listeners.size > 0) void request('getView').then((v) => isView(v) && emit(v));
    });
    ws.addEventListener('message', (event: MessageEvent) => {
      let message: BridgeMessage;
      try {
        message = JSON.parse(String(event.data)) as BridgeMessage;
      } catch {
        return;
      }
      if (message.type === 'view') emit(message.view);
      else if (message.type === 'result' && typeof message.id === 'number') {
        const p = pending.get(message.id);
        pending.delete(message.id);
        p?.resolve(message.result);
      }
    });
    ws.addEventListener('close', () => {
      if (socket !== ws) return;
      socket = null;
      // A request that was on the wire may or may not have been carried out: say so, and let the
      // fresh view after the reconnect show what actually happened.
      for (const [id, p] of pending) {
        if (p.sent) {
          pending.delete(id);
          p.resolve({ ok: false, reason: 'not-now', message: 'the connection to the kiosk was interrupted' });
        }
      }
      const delay = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)] ?? 4000;
      attempt += 1;
      onConnection('reconnecting');
      setTimeout(connect, delay);
    });
  }

  function request(method: KioskIntent, params?: unknown): Promise<KioskView | Outcome> {
    const id = nextId++;
    const frame = JSON.stringify({ id, method, ...(params === undefined ? {} : { params }) } satisfies BridgeRequest);
    return new Promise((resolve) => {
      const p: Pending = { resolve, sent: false, frame };
      pending.set(id, p);
      if (socket?.readyState === WebSocket.OPEN) {
        socket.send(frame);
        p.sent = true;
      }
    });
  }

  const outcome = async (method: KioskIntent, params?: unknown): Promise<Outcome> => {
    const result = await request(method, params);
    return isView(result) ? { ok: false, reason: 'invalid-request' } : result;
  };

  connect();

  return {
    async getView() {
      // Until the kiosk answers with a view, the page shows the loading screen.
      for (;;) {
        const result = await request('getView');
        if (isView(result)) return result;
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    onView(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    acceptPolicy: (r) => outcome('acceptPolicy', r),
    acknowledgeSafetyRules: (r) => outcome('acknowledgeSafetyRules', r),
    teacherUnlock: (r) => outcome('teacherUnlock', r),
    adminOverride: (r) => outcome('adminOverride', r),
    setLanguage: (language) => outcome('setLanguage', language),
    openSafetyRules: () => outcome('openSafetyRules'),
    closeSafetyRules: () => outcome('closeSafetyRules'),
    openPolicy: () => outcome('openPolicy'),
    closePolicy: () => outcome('closePolicy'),
    openRoom: (r) => outcome('openRoom', r),
    endClass: (r) => outcome('endClass', r),
  };
}

/**
 * Sets `window.aup` to a bridge client for this page's `?user=`, unless the preload already did.
 * Returns the API in use.
 */
export function installBridgeClient(onConnection?: (state: ConnectionState) => void): KioskApi {
  const existing = (window as Partial<Window>).aup;
  if (existing) return existing;
  const user = new URLSearchParams(window.location.search).get('user') ?? '';
  const url = `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}${BRIDGE_PATH}?user=${encodeURIComponent(user)}`;
  const api = createBridgeClient(url, onConnection);
  Object.defineProperty(window, 'aup', { value: api, writable: false, configurable: false });
  return api;
}
