// The loopback bridge's wire format: JSON text frames carrying exactly the KioskApi intents.
// Everything that arrives is untrusted (any page or process on the machine can open a loopback
// socket), so a frame is parsed into a typed call here or refused as `invalid-request`.
import type {
  AcceptPolicyRequest,
  AcknowledgeSafetyRulesRequest,
  AdminOverrideRequest,
  KioskIntent,
  KioskView,
  Outcome,
  TeacherUnlockRequest,
} from '../types.ts';
import { KIOSK_INTENTS } from '../types.ts';

/** Larger frames close the socket (a policy acceptance is a few hundred bytes). */
export const MAX_FRAME_BYTES = 64 * 1024;

/** Where the renderer connects: `ws://127.0.0.1:PORT/kiosk?user=USERNAME`. */
export const BRIDGE_PATH = '/kiosk';

export type RequestId = number | string;

/** Client → bridge. `params` is the method's one argument, if it has one. */
export interface BridgeRequest {
  id: RequestId;
  method: KioskIntent;
  params?: unknown;
}

/** Bridge → client: the answer to a request (a view for `getView`, an Outcome otherwise), or a pushed view. */
export type BridgeMessage =
  | { type: 'result'; id: RequestId | null; result: KioskView | Outcome }
  | { type: 'view'; view: KioskView };

/** A request whose argument has been checked against the method's shape. */
export type IntentCall =
  | { method: 'getView' | 'openSafetyRules' | 'closeSafetyRules' }
  | { method: 'acceptPolicy'; request: AcceptPolicyRequest }
  | { method: 'acknowledgeSafetyRules'; request: AcknowledgeSafetyRulesRequest }
  | { method: 'teacherUnlock'; request: TeacherUnlockRequest }
  | { method: 'adminOverride'; request: AdminOverrideRequest }
  | { method: 'setLanguage'; language: string };

export type ParsedFrame = { ok: true; id: RequestId; call: IntentCall } | { ok: false; id: RequestId | null; message: string };

export const invalidRequest = (message: string): Outcome => ({ ok: false, reason: 'invalid-request', message });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Field limits: generous for people, small enough that nothing odd reaches the service. */
const LIMITS = { id: 200, version: 100, sha256: 128, language: 16, name: 200, username: 256, secret: 1024, reason: 2000 } as const;

type FieldSpec = Record<string, { max: number; optional?: boolean } | 'number'>;

/** Checks that `params` is an object with exactly these fields (strings within limits, finite numbers). */
function fields<T>(params: unknown, spec: FieldSpec): T | string {
  if (!isRecord(params)) return 'expected an object';
  for (const key of Object.keys(params)) if (!(key in spec)) return `unexpected field "${key}"`;
  for (const [key, rule] of Object.entries(spec)) {
    const value = params[key];
    if (rule === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `"${key}" must be a number`;
      continue;
    }
    if (value === undefined && rule.optional) continue;
    if (typeof value !== 'string') return `"${key}" must be text`;
    if (value.length > rule.max) return `"${key}" is too long`;
  }
  return params as T;
}

const noArgument = (params: unknown) => params === undefined || params === null || (isRecord(params) && Object.keys(params).length === 0);

function parseCall(method: KioskIntent, params: unknown): IntentCall | string {
  switch (method) {
    case 'getView':
    case 'openSafetyRules':
    case 'closeSafetyRules':
      return noArgument(params) ? { method } : `${method} takes no argument`;
    case 'acceptPolicy': {
      const request = fields<AcceptPolicyRequest>(params, {
        policyId: { max: LIMITS.id },
        version: { max: LIMITS.version },
        sha256: { max: LIMITS.sha256 },
        language: { max: LIMITS.language },
        typedName: { max: LIMITS.name, optional: true },
      });
      return typeof request === 'string' ? request : { method, request };
    }
    case 'acknowledgeSafetyRules': {
      const request = fields<AcknowledgeSafetyRulesRequest>(params, { rulesId: { max: LIMITS.id }, version: { max: LIMITS.version } });
      return typeof request === 'string' ? request : { method, request };
    }
    case 'teacherUnlock': {
      const request = fields<TeacherUnlockRequest>(params, { username: { max: LIMITS.username }, secret: { max: LIMITS.secret } });
      return typeof request === 'string' ? request : { method, request };
    }
    case 'adminOverride': {
      const request = fields<AdminOverrideRequest>(params, {
        username: { max: LIMITS.username },
        secret: { max: LIMITS.secret },
        reason: { max: LIMITS.reason },
        minutes: 'number',
      });
      return typeof request === 'string' ? request : { method, request };
    }
    case 'setLanguage':
      return typeof params === 'string' && params.length <= LIMITS.language ? { method, language: params } : 'setLanguage takes a language code';
  }
}

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
  for (const key of Object.keys(message)) if (key !== 'id' && key !== 'method' && key !== 'params') return { ok: false, id, message: `unexpected field "${key}"` };
  if (typeof method !== 'string' || !(KIOSK_INTENTS as readonly string[]).includes(method)) {
    return { ok: false, id, message: `unknown method ${JSON.stringify(String(method)).slice(0, 80)}` };
  }
  const call = parseCall(method as KioskIntent, params);
  return typeof call === 'string' ? { ok: false, id, message: call } : { ok: true, id, call };
}
