// Where KioskApi travels, named once: the Electron IPC channels (main process and preload), and the
// loopback bridge's path and frames (the bridge and the renderer's client). Values here are imported
// by the preload and the renderer, so this file imports nothing but the contract's types.
import type { KioskIntent, KioskView, Outcome } from './contract.ts';

/** The IPC channels between the preload and the main process. */
export const IPC_CHANNELS = { intent: 'aup:intent', subscribe: 'aup:subscribe', view: 'aup:view' } as const;

/** Where the renderer connects over the loopback bridge: `ws://127.0.0.1:PORT/kiosk?user=USERNAME`. */
export const BRIDGE_PATH = '/kiosk';

export type RequestId = number | string;

/** Client → service. `params` is the method's one argument, if it has one. */
export interface BridgeRequest {
  id: RequestId;
  method: KioskIntent;
  params?: unknown;
}

/** Service → client: the answer to a request (a view for `getView`, an Outcome otherwise), or a pushed view. */
export type BridgeMessage = { type: 'result'; id: RequestId | null; result: KioskView | Outcome } | { type: 'view'; view: KioskView };
