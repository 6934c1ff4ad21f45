// i18next for the kiosk's own words. The language is not chosen here: it follows the view the kiosk
// pushes (`context.language`), and `<html lang>` follows it so screen readers and read-aloud agree.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { es } from './es.ts';

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
