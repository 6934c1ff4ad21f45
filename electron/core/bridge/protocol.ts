// The loopback bridge's wire format: JSON text frames carrying exactly the KioskApi intents.
// Everything that arrives is untrusted (any page or process on the machine can open a loopback
// socket): the envelope is checked here, the intent and its argument by dispatchIntent (the same
// door Electron's IPC goes through), and anything else is answered `invalid-request`.
import type { Outcome } from '../api/contract.ts';
import type { RequestId } from '../api/channels.ts';

/** Larger frames close the socket (a policy acceptance is a few hundred bytes). */
export const MAX_FRAME_BYTES = 64 * 1024;

/** A frame that has the shape of a request; its method and argument are checked by dispatchIntent. */
export type ParsedFrame = { ok: true; id: RequestId; method: string; params: unknown } | { ok: false; id: RequestId | null; message: string };

export const invalidRequest = (message: string): Outcome => ({ ok: false, reason: 'invalid-request', message });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The arguments of a request as KioskApi takes them: the one argument if there is one, else none. */
export const argumentsOf = (params: unknown): unknown[] => (params === undefined ? [] : [params]);

/** Parses one text frame. Never throws. */
export function parseFrame(text: string): ParsedFrame {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { ok: false, id: null, message: 'the message is not JSON' };
  }
  if (!isRecord(message)) return { ok: false, id: null, message: 'expected {"id", "method", "params"}' };
  const { id, method, params } = message;
  const validId = (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id.length > 0 && id.length <= 64);
  if (!validId) return { ok: false, id: null, message: 'expected an "id" (a whole number or short text)' };
  for (const key of Object.keys(message))
    if (key !== 'id' && key !== 'method' && key !== 'params') return { ok: false, id, message: `unexpected field "${key}"` };
  if (typeof method !== 'string') return { ok: false, id, message: 'expected a "method"' };
  return { ok: true, id, method, params };
}
