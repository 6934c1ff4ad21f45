// i18next for the kiosk's own words. The language is not chosen here: it follows the view the kiosk
// pushes (`context.language`), and `<html lang>` follows it so screen readers and read-aloud agree.
// The words live in per-language JSON files (assets/locales/<code>.json); English and Spanish are
// bundled, and the type checker holds both to the English keys.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { LockReason, RefusalReason, RoomComputer } from '../../electron/core/api/contract.ts';
import { BUNDLED_UI_LANGUAGES, textDirection, type UiStringTree } from '../../electron/core/api/ui-language.ts';
import en from '../../assets/locales/en.json';
import esStrings from '../../assets/locales/es.json';

/** The shape every language fills: English's keys. */
export type UiStrings = typeof en;

// Every LockReason, RefusalReason, computer state and note has a sentence (a missing one fails tsc).
en.locked.reason satisfies Record<LockReason, string>;
en.refusal satisfies Record<RefusalReason, string>;
en.roomView.stateOf satisfies Record<RoomComputer['state'], string>;
en.roomView.note satisfies Record<RoomComputer['notes'][number], string>;
const es: UiStrings = esStrings;

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, es: { translation: es } },
  lng: 'en',
  fallbackLng: 'en', // a key a district's file lacks shows in English
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

/** The UI language for a view's language code (`es-MX` → `es`); English where we have no strings. */
export function uiLanguage(code: string | undefined): string {
  const base = (code ?? '').toLowerCase().split('-')[0] ?? '';
  return i18n.hasResourceBundle(base, 'translation') ? base : 'en';
}

/** The district languages' strings as last added (a view repeats them; add again only when they change). */
const added = new Map<string, string>();

/**
 * Switches the UI strings, the document's language and its direction together. `strings`: a
 * language the district added, sent by the kiosk with the view (checked there against English).
 */
export function followLanguage(code: string | undefined, strings?: UiStringTree): void {
  const base = (code ?? '').toLowerCase().split('-')[0] ?? '';
  const bundled = (BUNDLED_UI_LANGUAGES as readonly string[]).includes(base);
  if (strings && !bundled && base) {
    const text = JSON.stringify(strings);
    if (added.get(base) !== text) {
      added.set(base, text);
      i18n.removeResourceBundle(base, 'translation');
      i18n.addResourceBundle(base, 'translation', strings);
    }
  }
  const language = uiLanguage(code);
  if (i18n.language !== language) void i18n.changeLanguage(language);
  const root = document.documentElement;
  if (root.lang !== (code || language)) root.lang = code || language;
  const dir = textDirection(language);
  if (root.dir !== dir) root.dir = dir;
}
