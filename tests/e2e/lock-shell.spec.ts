// The lock screen a student sees at every login (issue 14, point 9): its shell is in the page itself,
// on screen before any script runs (here: with JavaScript off), in the student's language when the
// page carries the first view, accessible; React replaces it without a second set of landmarks; and
// the document screens and the Markdown renderer are not even requested until a document is shown.
import { expect as baseExpect, type Page } from '@playwright/test';
import {
  acceptPolicy,
  acknowledgeRules,
  expect,
  expectAccessible,
  expectScreen,
  openSession,
  septemberMorning,
  setClock,
  test,
} from './support/kiosk.ts';

const DOCUMENT_CHUNKS = /\/assets\/(reader-screens|policy-document)-[\w-]+\.js$/;

function scriptsRequested(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') urls.push(r.url());
  });
  return urls;
}

test('with JavaScript off, the lock shell is on screen: landmarks, heading, the student’s language', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-US', viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  // Ana reads Spanish (the roster); the page carries her first view, so the shell is in Spanish.
  await page.goto('/?user=ana.lopez');
  await baseExpect(page.getByRole('heading', { level: 1 })).toHaveText('Esta computadora está bloqueada');
  await baseExpect(page.getByRole('main')).toHaveCount(1);
  await baseExpect(page.getByRole('banner')).toContainText('Lockhart ISD (demo)');
  await baseExpect(page.locator('html')).toHaveAttribute('lang', 'es');
  await baseExpect(page).toHaveTitle(/^Bloqueada – Lockhart ISD \(demo\)$/);
  await context.close();
});

test('the renderer replaces the shell in one piece, and loads the document screens only to show a document', async ({ page, request }) => {
  await setClock(request, septemberMorning(2097));
  await openSession(page, 'ben.carter');
  await acceptPolicy(page);
  await acknowledgeRules(page);
  await expectScreen(page, 'This computer is locked');

  // The next login: the lock screen, drawn from the first view, with no document code fetched.
  const scripts = scriptsRequested(page);
  await page.reload();
  await expectScreen(page, 'This computer is locked');
  await expect(page.getByRole('button', { name: 'Teacher unlock' })).toBeVisible();
  await expect(page.locator('[data-lock-shell]')).toHaveCount(0);
  await expect(page.getByRole('main')).toHaveCount(1);
  await expect(page.getByRole('banner')).toHaveCount(1);
  await expectAccessible(page, 'lock screen after the shell');
  expect(
    scripts.filter((u) => DOCUMENT_CHUNKS.test(u)),
    scripts.join('\n'),
  ).toEqual([]);

  // A document shown: now its screens and the Markdown renderer are fetched.
  await page.getByRole('button', { name: 'Internet Safety rules' }).click();
  await expectScreen(page, /Internet Safety/);
  await expect(page.getByRole('region', { name: 'Internet Safety rules text' })).toBeVisible();
  expect(
    scripts
      .filter((u) => DOCUMENT_CHUNKS.test(u))
      .map((u) => /(reader-screens|policy-document)/.exec(u)?.[1])
      .sort(),
  ).toEqual(['policy-document', 'reader-screens']);
});
