// The kiosk page as each transport serves it (the loopback bridge over HTTP, Electron's aup://): the
// built renderer's index.html with its lock-screen shell in the screen's language, and, when the
// server knows it, the first view in a data block (api/first-view.ts), so the screen is painted
// without waiting for the socket or the IPC round trip. Plain text work on the page the renderer
// build wrote (renderer/index.html marks the shell's words with `data-shell-text`).
import type { KioskView } from '../api/contract.ts';
import { firstViewScript } from '../api/first-view.ts';
import { BUNDLED_UI_LANGUAGES, textDirection, type UiStringTree } from '../api/ui-language.ts';
import en from '../../../assets/locales/en.json' with { type: 'json' };
import es from '../../../assets/locales/es.json' with { type: 'json' };

const BUNDLED: Record<string, UiStringTree> = { en, es };

export interface KioskPageOptions {
  /** The session's view now; absent when the request may not have it. */
  view?: KioskView | null;
  /** The request's Accept-Language: the shell's language when no view names one. */
  acceptLanguage?: string | undefined;
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (text: string) => escapeText(text).replace(/"/g, '&quot;');

function lookup(tree: UiStringTree | undefined, key: string): string | undefined {
  let node: string | UiStringTree | undefined = tree;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

/** The first tag of an Accept-Language header whose language is bundled (`es-US,es;q=0.9` → `es-US`). */
export function bundledLanguageOf(acceptLanguage: string | undefined): string | undefined {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim();
    if (/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag) && (BUNDLED_UI_LANGUAGES as readonly string[]).includes(tag.split('-')[0]!.toLowerCase())) {
      return tag;
    }
  }
  return undefined;
}

/** The shell's language, its words and the district's name, as the renderer would show them. */
function shellWords(options: KioskPageOptions) {
  const context = options.view && 'context' in options.view ? options.view.context : undefined;
  const code = context?.language ?? bundledLanguageOf(options.acceptLanguage) ?? 'en';
  const base = code.toLowerCase().split('-')[0]!;
  // A language the district added travels in the view (context.uiStrings); a key it lacks is English's.
  const own = BUNDLED[base] ?? context?.uiStrings;
  const text = (key: string) => lookup(own, key) ?? lookup(en, key) ?? '';
  const district = context?.district.name ?? text('app.name');
  const title = text('app.title')
    .replace('{{screen}}', () => text('screen.locked'))
    .replace('{{district}}', () => district);
  return { code, dir: textDirection(base), text: (key: string) => (key === 'district' ? district : text(key)), title };
}

/** `html` (the built index.html) with its shell in the screen's language and, if given, the first view. */
export function kioskPage(html: string, options: KioskPageOptions = {}): string {
  const words = shellWords(options);
  let page = html
    // Functions, not replacement strings: a `$&` in a district's name or a policy stays as written.
    .replace(/<html\b[^>]*>/, () => `<html lang="${escapeAttribute(words.code)}" dir="${words.dir}">`)
    .replace(/<title>[^<]*<\/title>/, () => `<title>${escapeText(words.title)}</title>`)
    .replace(
      /(<([a-z0-9]+)\b[^>]*\bdata-shell-text="([\w.-]+)"[^>]*>)[^<]*(<\/\2>)/g,
      (_m, open: string, _tag: string, key: string, close: string) => `${open}${escapeText(words.text(key))}${close}`,
    );
  const view = options.view;
  if (view) page = page.replace(/<\/body>/, () => `${firstViewScript(view)}\n</body>`);
  return page;
}
