// i18next for the kiosk's own words. The language is not chosen here: it follows the view the kiosk
// pushes (`context.language`), and `<html lang>` follows it so screen readers and read-aloud agree.
// The words live in per-language JSON files (assets/locales/<code>.json); English and Spanish are
// bundled, and the type checker holds both to the English keys.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { LockReason, RefusalReason, RoomComputer } from '../../electron/core/api/contract.ts';
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

export const UI_LANGUAGES = ['en', 'es'] as const;

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, es: { translation: es } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...UI_LANGUAGES],
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

/** The UI language for a view's language code (`es-MX` → `es`); English where we have no strings. */
export function uiLanguage(code: string | undefined): string {
  const base = (code ?? '').toLowerCase().split('-')[0] ?? '';
  return (UI_LANGUAGES as readonly string[]).includes(base) ? base : 'en';
}

/** Switches the UI strings and the document's language together. */
export function followLanguage(code: string | undefined): void {
  const language = uiLanguage(code);
  if (i18n.language !== language) void i18n.changeLanguage(language);
  const root = document.documentElement;
  if (root.lang !== (code || language)) root.lang = code || language;
}
