// Sending intents to the kiosk. The page never changes its own view: it sends an intent, shows the
// refusal if there is one, and waits for the kiosk to push the next view.
import type { KioskApi, Outcome } from '../electron/core/api/contract.ts';
import { useKiosk } from './store.ts';

let api: KioskApi | null = null;

export function connectIntents(kiosk: KioskApi): void {
  api = kiosk;
}

/** `keepRefusal`: the refusal on screen stays while this intent runs and after it succeeds (a language switch). */
export async function sendIntent(run: (kiosk: KioskApi) => Promise<Outcome>, options: { keepRefusal?: boolean } = {}): Promise<Outcome> {
  const { intentSent, outcomeReceived } = useKiosk.getState();
  const keep = options.keepRefusal ?? false;
  intentSent(keep);
  let outcome: Outcome;
  try {
    outcome = api ? await run(api) : { ok: false, reason: 'not-now' };
  } catch {
    outcome = { ok: false, reason: 'not-now' };
  }
  outcomeReceived(outcome, keep);
  return outcome;
}
