// Which UI languages ship with the renderer, and which are written right to left. A district adds
// another language with a file of its own (config `languages.folder`); its strings reach the renderer
// in the view (ViewContext.uiStrings), so adding one needs no rebuild and no TypeScript.

/** Bundled into the renderer (assets/locales/<code>.json). */
export const BUNDLED_UI_LANGUAGES = ['en', 'es'] as const;

/** Scripts written right to left: Arabic, Hebrew, Persian, Urdu (and Yiddish, Pashto, Sindhi, Dhivehi, Kurdish Sorani). */
const RTL = new Set(['ar', 'he', 'fa', 'ur', 'yi', 'ps', 'sd', 'dv', 'ckb']);

/** `ltr` or `rtl` for a language code (`ar-SA` → `rtl`). */
export function textDirection(code: string | undefined): 'ltr' | 'rtl' {
  return RTL.has((code ?? '').toLowerCase().split('-')[0] ?? '') ? 'rtl' : 'ltr';
}

/** A UI string file: nested keys, text at the leaves (the shape of assets/locales/en.json). */
export interface UiStringTree {
  [key: string]: string | UiStringTree;
}
