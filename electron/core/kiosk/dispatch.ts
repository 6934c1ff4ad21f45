// One door for every transport: an intent name and its arguments, untrusted, checked here and
// passed to a session. Electron's ipcMain and the loopback bridge both come through it.
import type { KioskApi, KioskIntent, KioskView, Outcome } from '../api/contract.ts';
import { KIOSK_INTENTS } from '../api/contract.ts';
import { parseIntentArgs } from './requests.ts';

export const isKioskIntent = (name: unknown): name is KioskIntent => typeof name === 'string' && (KIOSK_INTENTS as readonly string[]).includes(name);

export async function dispatchIntent(api: KioskApi, intent: unknown, args: unknown): Promise<KioskView | Outcome> {
  if (!isKioskIntent(intent)) return { ok: false, reason: 'invalid-request', message: 'unknown intent' };
  const parsed = parseIntentArgs(intent, args);
  if (!parsed) return { ok: false, reason: 'invalid-request', message: `wrong arguments for ${intent}` };
  const call = api[intent] as (...a: unknown[]) => Promise<KioskView | Outcome>;
  return call.apply(api, parsed);
}
