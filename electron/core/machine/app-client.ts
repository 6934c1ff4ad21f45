// KioskApi as the kiosk app in a signed-in session sees it (the third transport, beside Electron's IPC
// and the loopback bridge): the machine service's session over the local channel, and, whenever the
// service cannot be reached, the `service-unavailable` view — the screens stay covered and say so,
// intents are refused, nothing opens. The renderer shows what it is given, as ever.
import type { KioskApi, KioskView } from '../api/contract.ts';
import { ChannelUnavailableError, SERVICE_UNAVAILABLE, type ChannelClient } from './channel-client.ts';

export const SERVICE_UNAVAILABLE_VIEW: KioskView = { kind: 'service-unavailable' };

export interface ServiceBackedApi extends KioskApi {
  close(): Promise<void>;
}

export function serviceBackedApi(client: ChannelClient): ServiceBackedApi {
  const connected = () => client.status.state === 'connected';
  const intent =
    <A extends unknown[]>(call: (...args: A) => ReturnType<KioskApi['acceptPolicy']>) =>
    (...args: A) =>
      connected() ? call(...args) : Promise.resolve(SERVICE_UNAVAILABLE);
  return {
    async getView() {
      if (!connected()) return SERVICE_UNAVAILABLE_VIEW;
      try {
        return await client.getView();
      } catch (error) {
        if (error instanceof ChannelUnavailableError) return SERVICE_UNAVAILABLE_VIEW;
        throw error;
      }
    },
    onView(listener) {
      let last: string | null = null;
      const push = (view: KioskView) => {
        const key = JSON.stringify(view);
        if (key === last) return;
        last = key;
        listener(view);
      };
      const offView = client.onView(push);
      const offStatus = client.onStatus((status) => {
        if (status.state === 'unavailable' || status.state === 'closed') push(SERVICE_UNAVAILABLE_VIEW);
      });
      if (!connected()) queueMicrotask(() => push(SERVICE_UNAVAILABLE_VIEW));
      return () => {
        offView();
        offStatus();
      };
    },
    acceptPolicy: intent((r) => client.acceptPolicy(r)),
    acknowledgeSafetyRules: intent((r) => client.acknowledgeSafetyRules(r)),
    teacherUnlock: intent((r) => client.teacherUnlock(r)),
    adminOverride: intent((r) => client.adminOverride(r)),
    setLanguage: intent((l: string) => client.setLanguage(l)),
    openSafetyRules: intent(() => client.openSafetyRules()),
    closeSafetyRules: intent(() => client.closeSafetyRules()),
    openPolicy: intent(() => client.openPolicy()),
    closePolicy: intent(() => client.closePolicy()),
    openRoom: intent((r) => client.openRoom(r)),
    endClass: intent((r) => client.endClass(r)),
    close: () => client.close(),
  };
}
