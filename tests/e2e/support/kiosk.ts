// What every browser test shares: the kiosk's clock (moved through the preview's test hook, never
// by sleeping), opening a user's session, axe checks in both colour modes, screenshots for review,
// keyboard-only helpers, and a page that fails the test on any console error (a CSP violation
// included).
import { test as base, expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import path from 'node:path';
import { KIOSK_URL, SCREENS_DIR } from './run.ts';

export { expect };

export const PIN = {
  'ms.garcia': '2468',
  'mr.lee': '1357',
  'sub.jones': '9999',
  'clerk.kim': '4444',
  'principal.ortiz': '8642',
} as const;

/** A Tuesday in September of `year`, 8:30 in Lockhart: every test runs in a school year of its own. */
export const septemberMorning = (year: number) => `${year}-09-08T08:30:00-05:00`;

export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await use(errors);
      expect(errors, 'no console errors or CSP violations').toEqual([]);
    },
    { auto: true },
  ],
});

async function postClock(request: APIRequestContext, body: { now: string } | { advanceMinutes: number }) {
  const response = await request.post(`${KIOSK_URL}/__test/clock`, { data: body });
  expect(response.ok(), await response.text()).toBe(true);
}

/** Sets the kiosk's clock. */
export const setClock = (request: APIRequestContext, now: string) => postClock(request, { now });

/** Moves the kiosk's clock on. */
export const advanceClock = (request: APIRequestContext, minutes: number) => postClock(request, { advanceMinutes: minutes });

/** Opens `user`'s session (the OS account the kiosk runs for) and waits for its first screen. */
export async function openSession(page: Page, user: string): Promise<void> {
  await page.goto(`/?user=${encodeURIComponent(user)}`);
  // The page opens on the static lock shell (renderer/index.html) until the renderer has drawn the view.
  await expect(page.locator('[data-lock-shell]')).toHaveCount(0);
  await expect(page.locator('h1')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Getting ready' })).toHaveCount(0);
}

/** The screen's h1 has focus (each new screen moves focus there). */
export async function expectScreen(page: Page, heading: string | RegExp): Promise<void> {
  const h1 = page.getByRole('heading', { level: 1 });
  await expect(h1).toHaveText(heading);
  await expect(h1).toBeFocused();
}

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** axe-core finds nothing, in the default colours and in forced-colors mode. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  for (const forcedColors of ['none', 'active'] as const) {
    await page.emulateMedia({ forcedColors });
    const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    const found = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(found, `axe on ${what}, forced colors ${forcedColors}`).toEqual([]);
  }
  await page.emulateMedia({ forcedColors: 'none' });
}

/** Saves the screen under test-results/screens/NAME.LANG.png for review. */
export async function saveScreen(page: Page, name: string): Promise<void> {
  const lang = await page.evaluate(() => document.documentElement.lang);
  await page.screenshot({ path: path.join(SCREENS_DIR, `${name}.${lang}.png`) });
}

const LANGUAGE_NAMES = { en: 'English', es: 'Español' } as const;

/** Chooses a language with the screen's language switch (mouse), and waits for the page to follow. */
export async function chooseLanguage(page: Page, lang: keyof typeof LANGUAGE_NAMES): Promise<void> {
  const button = page.getByRole('group', { name: /^(Language|Idioma)$/ }).getByRole('button', { name: LANGUAGE_NAMES[lang] });
  if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  await expect(button).toHaveAttribute('aria-pressed', 'true');
}

/** axe and a screenshot of the current screen in English and in Spanish; ends in `endIn`. */
export async function reviewScreen(page: Page, name: string, endIn: 'en' | 'es' = 'en'): Promise<void> {
  const order: ('en' | 'es')[] = endIn === 'en' ? ['es', 'en'] : ['en', 'es'];
  for (const lang of order) {
    await chooseLanguage(page, lang);
    await expectAccessible(page, `${name} (${lang})`);
    await saveScreen(page, name);
  }
}

/** No scrollbar: the page fits its window. */
export async function expectNoScrolling(page: Page): Promise<void> {
  const size = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    scrollHeight: document.documentElement.scrollHeight,
    width: window.innerWidth,
    height: window.innerHeight,
  }));
  expect(size.scrollWidth, 'no horizontal scrolling').toBeLessThanOrEqual(size.width);
  expect(size.scrollHeight, 'no vertical scrolling').toBeLessThanOrEqual(size.height);
}

// ---- the ways through, with the mouse ----------------------------------------------------------

/** Reads the policy to its end (scrolls the text), signs if asked, and accepts. */
export async function acceptPolicy(page: Page, signature?: string): Promise<void> {
  const text = page.getByRole('region', { name: /^(Policy text|Texto de la política)$/ });
  await text.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  const accept = page.getByRole('button', { name: /^(I accept|I agree|Acepto|Estoy de acuerdo)$/ });
  await expect(accept).toBeEnabled();
  if (signature !== undefined) await page.getByLabel(/^(Type your full name to sign|Nombre completo para firmar)$/).fill(signature);
  await accept.click();
}

/** Reads the Internet Safety rules to their end (scrolls the text), then acknowledges them (like the policy, only once read). */
export async function acknowledgeRules(page: Page): Promise<void> {
  const text = page.getByRole('region', { name: /^(Internet Safety rules text|Texto de las reglas de seguridad en Internet)$/ });
  await text.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  const acknowledge = page.getByRole('button', { name: /^(I understand the rules|Entiendo las reglas)$/ });
  await expect(acknowledge).toBeEnabled();
  await acknowledge.click();
}

/** From a first login to the lock screen: the policy, then the Internet Safety rules. */
export async function firstLoginToLock(page: Page, user: string, signature?: string): Promise<void> {
  await openSession(page, user);
  await acceptPolicy(page, signature);
  await acknowledgeRules(page);
  await expectScreen(page, /^(This computer is locked|Esta computadora está bloqueada)$/);
}

/** Signs in on the teacher unlock form (opened from the lock screen). */
export async function teacherSignIn(page: Page, username: string, secret: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('PIN or password').fill(secret);
  await page.getByRole('button', { name: 'Unlock' }).click();
}

// ---- keyboard only -------------------------------------------------------------------------------

/** Presses Tab (or Shift+Tab) until `target` has focus, as a keyboard user would. */
export async function tabTo(page: Page, target: Locator, options: { backwards?: boolean; max?: number } = {}): Promise<void> {
  const key = options.backwards ? 'Shift+Tab' : 'Tab';
  for (let i = 0; i < (options.max ?? 40); i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(key);
  }
  await expect(target, `reachable with ${key}`).toBeFocused();
}
