// The kiosk page's text work (electron/core/bridge/kiosk-page.ts, api/first-view.ts): the first view
// survives any text a district or a policy puts in it, and cannot end its data block early.
import { describe, expect, it } from 'vitest';
import type { KioskView } from '../../../electron/core/api/contract.ts';
import { parseFirstView } from '../../../electron/core/api/first-view.ts';
import { bundledLanguageOf, kioskPage } from '../../../electron/core/bridge/kiosk-page.ts';

const PAGE = '<html lang="en" dir="ltr"><head><title>AUP Kiosk</title></head><body><span data-shell-text="district">AUP Kiosk</span></body></html>';

const view = (name: string, language = 'en', uiStrings?: Record<string, unknown>) =>
  ({
    kind: 'loading',
    context: {
      district: { name },
      site: { campus: 'c', room: 'r' },
      language,
      languages: [],
      now: '2026-09-08T08:30:00-05:00',
      timeZone: 'America/Chicago',
      ...(uiStrings ? { uiStrings } : {}),
    },
  }) as KioskView;

describe('kioskPage', () => {
  it('keeps a hostile district name as text: no early </script>, no $& substitution, escaped in the shell', () => {
    const name = '</script><script>alert(1)</script> $& $1 \u2028 <!--';
    const html = kioskPage(PAGE, { view: view(name) });
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).toContain('<span data-shell-text="district">&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; $&amp; $1 \u2028 &lt;!--</span>');
    const block = /<script type="application\/json" id="first-view">([\s\S]*?)<\/script>/.exec(html)?.[1];
    expect(parseFirstView(block)).toEqual(view(name));
  });

  it('writes a district’s own language from the view, right to left where it is', () => {
    const html = kioskPage(PAGE, { view: view('Distrito', 'ar', { screen: { locked: 'مقفل' } }) });
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain('<title>مقفل – Distrito</title>');
  });

  it('without a view follows the first bundled language of Accept-Language, else English', () => {
    expect(bundledLanguageOf('fr-FR,es-MX;q=0.8,en;q=0.5')).toBe('es-MX');
    expect(bundledLanguageOf('fr, de')).toBeUndefined();
    expect(kioskPage(PAGE, { acceptLanguage: 'de' })).toContain('<html lang="en" dir="ltr">');
    expect(parseFirstView('not json')).toBeNull();
    expect(parseFirstView('{"no":"kind"}')).toBeNull();
  });
});
