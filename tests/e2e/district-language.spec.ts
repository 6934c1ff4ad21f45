// A district adds a UI language by dropping a file in a folder (issue 14, point 11): no TypeScript
// changes, no rebuild. This spec starts a preview of its own on a copy of the demo config that offers
// Vietnamese and Arabic from tests/support/locales (copied to a temp folder), serving the renderer the
// other previews built. A key the file lacks shows in English; Arabic is laid out right to left.
// Also the bundled Spanish's times, as Texas families write them (issue 14, point 12).
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { Child } from '../support/child.ts';
import { demoConfigIn } from '../support/fixtures.ts';
import { ROOT } from './support/run.ts';
import {
  PIN,
  acceptPolicy,
  acknowledgeRules,
  expect,
  expectAccessible,
  expectNoScrolling,
  expectScreen,
  saveScreen,
  teacherSignIn,
  test,
} from './support/kiosk.ts';

/** A Tuesday at 12:30 in Lockhart: an unlock (55 minutes) lasts until 1:25 p.m., "hasta la 1:25". */
const HALF_PAST_NOON = '2026-09-08T12:30:00-05:00';

let dir: string;
let preview: Child;
let url: string;

test.beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aup-e2e-languages-'));
  await mkdir(path.join(dir, 'district-languages'));
  for (const code of ['vi', 'ar']) {
    await copyFile(path.join(ROOT, 'tests/support/locales', `${code}.json`), path.join(dir, 'district-languages', `${code}.json`));
  }
  const config = await demoConfigIn(dir, (c) => (c.languages = { default: 'en', offered: ['en', 'es', 'vi', 'ar'], folder: 'district-languages' }));
  preview = new Child(path.join(ROOT, 'scripts/preview.mjs'), ['--port', '0', '--config', config, '--now', HALF_PAST_NOON, '--no-build']);
  const banner = await preview.waitFor((line) => line.startsWith('AUP Kiosk preview on '), 'the preview to listen');
  url = banner.split(' ')[4]!.replace(/\/$/, '');
});

test.afterAll(async () => {
  await preview?.kill();
  await rm(dir, { recursive: true, force: true });
});

async function choose(page: Page, name: string, lang: string) {
  await page
    .getByRole('group', { name: /^(Language|Idioma|Ngôn ngữ|اللغة)$/ })
    .getByRole('button', { name })
    .click();
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

test('Vietnamese from a vi.json the district dropped in a folder: its words on screen, English where it has none', async ({ page }) => {
  await page.goto(`${url}/?user=gia.nguyen`);
  await expect(page.getByRole('button', { name: 'I agree' })).toBeVisible();
  await choose(page, 'Tiếng Việt', 'vi');
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await expect(page.getByText('Xin chào')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Tôi đồng ý' })).toBeVisible();
  await expect(page.getByText('Bản dịch này chưa được học khu xem xét.'), 'no Vietnamese policy: the notice is not shown for English').toHaveCount(0);
  await expect(page.getByRole('group', { name: 'Text size' }), 'a key vi.json lacks falls back to English').toBeVisible();
  await expectAccessible(page, 'policy (vi)');
  await saveScreen(page, 'policy-district-language');
});

test('Arabic is laid out right to left, axe-clean, and back to English left to right', async ({ page }) => {
  await page.goto(`${url}/?user=ben.carter`);
  await acceptPolicy(page);
  await acknowledgeRules(page);
  await expectScreen(page, 'This computer is locked');

  await choose(page, 'العربية', 'ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('هذا الحاسوب مقفل');
  await expect(page.getByText('تبقى حواسيب الطلاب مقفلة حتى يفتحها معلم.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'فتح القفل بواسطة المعلم' })).toBeVisible();
  // Right to left for real: the layout's direction, not only the attribute.
  expect(await page.getByRole('heading', { level: 1 }).evaluate((h) => getComputedStyle(h).direction)).toBe('rtl');
  await expectNoScrolling(page);
  await expectAccessible(page, 'locked (ar)');
  await saveScreen(page, 'locked-district-language');

  await choose(page, 'English', 'en');
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This computer is locked');
});

test('Spanish times read as Texas families write them: “hasta la 1:25 p.m.”, in es-US form', async ({ page }) => {
  await page.goto(`${url}/?user=diego.ramos`);
  await acceptPolicy(page, 'Diego Ramos');
  await acknowledgeRules(page);
  await expectScreen(page, 'This computer is locked');
  await choose(page, 'Español', 'es');
  await expect(page.locator('.clock'), 'the clock: 12:30 p.m., not 12:30').toContainText(/^12:30\sp\.\s?m\./);
  await choose(page, 'English', 'en');
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  await teacherSignIn(page, 'mr.lee', PIN['mr.lee']);
  await expectScreen(page, 'This computer is unlocked');
  await choose(page, 'Español', 'es');
  await expect(page.getByText(/hasta la 1:25\sp\.\s?m\.$/), 'one period: the time’s own').toBeVisible();
});
