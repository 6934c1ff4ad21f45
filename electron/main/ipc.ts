// KioskService on ipcMain. Every call is checked twice: the sender (a kiosk window's main frame,
// at the page that window was opened for, sending an intent that page may send) here, and every
// argument in dispatchIntent, the one door the loopback bridge uses too.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { KioskApi, KioskView, Outcome } from '../core/api/contract.ts';
import type { KioskLog } from '../core/log.ts';
import { dispatchIntent } from '../core/kiosk/dispatch.ts';
import { IPC_CHANNELS } from '../core/api/channels.ts';
import { senderVerdict, type ShellPage } from '../core/shell/app-protocol.ts';

export interface IpcOptions {
  session: KioskApi;
  /** Which shell page a WebContents was opened for; null for anything else. */
  pageOf(contents: WebContents): ShellPage | null;
  log: KioskLog;
}

const INVALID: Outcome = { ok: false, reason: 'invalid-request' };
const isRefusal = (result: KioskView | Outcome): result is Extract<Outcome, { ok: false }> => 'ok' in result && result.ok === false;

function verdict(options: IpcOptions, event: IpcMainInvokeEvent, intent: unknown) {
  const frame = event.senderFrame;
  return senderVerdict(
    { page: options.pageOf(event.sender), frameUrl: frame?.url, mainFrame: frame !== null && frame === event.sender.mainFrame },
    intent,
  );
}

export function bindKioskIpc(options: IpcOptions): void {
  const { session, log } = options;

  ipcMain.handle(IPC_CHANNELS.intent, async (event, intent: unknown, args: unknown) => {
    const check = verdict(options, event, intent);
    if (!check.ok) {
      log.write('warn', 'IPC call refused', { intent: typeof intent === 'string' ? intent.slice(0, 40) : typeof intent, why: check.why });
      return INVALID;
    }
    const result = await dispatchIntent(session, intent, args);
    // The reason code only: never the arguments, which may carry a PIN or a password.
    if (isRefusal(result)) {
      log.write('info', 'refused', {
        intent,
        reason: result.reason,
        ...(result.retryAfterSeconds !== undefined ? { retryAfterSeconds: result.retryAfterSeconds } : {}),
      });
    }
    return result;
  });

  const subscriptions = new Map<number, () => void>();
  ipcMain.handle(IPC_CHANNELS.subscribe, (event) => {
    const check = verdict(options, event, undefined);
    if (!check.ok) {
      log.write('warn', 'IPC subscription refused', { why: check.why });
      return;
    }
    const contents = event.sender;
    const id = contents.id;
    if (!subscriptions.has(id))
      contents.once('destroyed', () => {
        subscriptions.get(id)?.();
        subscriptions.delete(id);
      });
    // A page loaded again (after a crash) subscribes again: one subscription per window.
    subscriptions.get(id)?.();
    subscriptions.set(
      id,
      session.onView((view) => {
        if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.view, view);
      }),
    );
  });
}
