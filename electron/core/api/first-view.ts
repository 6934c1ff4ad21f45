// The first view, sent with the kiosk page itself (a `<script type="application/json">` data block:
// not executed, so the page's `script-src 'self'` allows it) so the renderer can paint the screen
// without waiting for the transport to open. Written by the page's server (the loopback bridge, the
// aup:// protocol), read once by the renderer. Imports nothing: both sides use it.
import type { KioskView } from './contract.ts';

export const FIRST_VIEW_ELEMENT_ID = 'first-view';

/**
 * The data block for `view`. The JSON is escaped so nothing in it (a district name with `</script>`,
 * a policy's `<!--`) can end the block or be read as markup: `<`, `>`, `&` and the two line
 * separators JavaScript once treated as line ends become \u escapes, which JSON.parse reads back.
 */
export function firstViewScript(view: KioskView): string {
  const json = JSON.stringify(view).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `<script type="application/json" id="${FIRST_VIEW_ELEMENT_ID}">${json}</script>`;
}

/** The view in a data block's text, or null when there is none or it is not a view. */
export function parseFirstView(text: string | null | undefined): KioskView | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' ? (value as KioskView) : null;
  } catch {
    return null;
  }
}
