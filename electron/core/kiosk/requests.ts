// Every argument that crosses a transport (Electron IPC, the loopback bridge) is checked here before
// the service sees it: the renderer is not trusted, a student may be driving it.
import { z } from 'zod';
import type { KioskIntent } from '../api/contract.ts';

const id = z.string().min(1).max(100);
const secret = z.string().max(256);

export const requestSchemas = {
  getView: z.tuple([]),
  acceptPolicy: z.tuple([
    z.strictObject({
      policyId: id,
      version: id,
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      language: z.string().regex(/^[a-z]{2}$/),
      typedName: z.string().max(200).optional(),
    }),
  ]),
  acknowledgeSafetyRules: z.tuple([z.strictObject({ rulesId: id, version: id })]),
  teacherUnlock: z.tuple([z.strictObject({ username: z.string().max(256), secret })]),
  adminOverride: z.tuple([z.strictObject({ username: z.string().max(256), secret, reason: z.string().max(2000), minutes: z.number().finite() })]),
  setLanguage: z.tuple([z.string().max(10)]),
  openSafetyRules: z.tuple([]),
  closeSafetyRules: z.tuple([]),
  openPolicy: z.tuple([]),
  closePolicy: z.tuple([]),
  openRoom: z.tuple([
    z.strictObject({
      username: z.string().max(256),
      secret,
      minutes: z.number().int().min(1).max(1440).optional(),
      reason: z.string().max(2000).optional(),
    }),
  ]),
  endClass: z.tuple([z.strictObject({ username: z.string().max(256), secret })]),
} satisfies Record<KioskIntent, z.ZodType>;

/** Parses the arguments of an intent; `null` when they are not what KioskApi takes. */
export function parseIntentArgs(intent: KioskIntent, args: unknown): unknown[] | null {
  const schema = requestSchemas[intent];
  const parsed = schema.safeParse(Array.isArray(args) ? args : [args].filter((a) => a !== undefined));
  return parsed.success ? (parsed.data as unknown[]) : null;
}
