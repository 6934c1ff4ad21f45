// Young readers (issue 14): a K-5 student sees the district's text with a plain-words summary above
// it, marked as a summary, and can hear the summary (and the K-5 safety rules) from the recording
// the catalog ships — no speech voice needed (this Chromium has none). Hearing it to the end counts
// like scrolling to the end. A grade-10 student sees no summary, and where read-aloud is not offered
// the screen says why and the hint does not mention listening.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { acceptPolicy, chooseLanguage, expect, expectAccessible, openSession, septemberMorning, setClock, test } from './support/kiosk.ts';
import { ROOT } from './support/run.ts';

const CATALOG = path.join(ROOT, 'assets/policies');
const catalog = JSON.parse(readFileSync(path.join(CATALOG, 'catalog.json'), 'utf8'));
/** The recording the catalog lists for a policy's 2026-27 document in `language`. */
function recording(policyId: string, language: string): { file: string; sha256: string } {
  const policy = catalog.policies.find((p: { id: string }) => p.id === policyId);
  return policy.versions.find((v: { version: string }) => v.version === '2026-27').documents[language].audio;
}

/**
 * What the page's media element plays: its currentSrc (the recording named by hash on the page's own
 * origin, never a data: URL), and the bytes that URL serves, hashed.
 */
async function playing(page: Page, request: APIRequestContext): Promise<{ src: string; type: string; sha256: string }> {
  const src = await page.locator('audio.read-aloud-recording').evaluate((el: HTMLAudioElement) => el.currentSrc);
  const served = await request.get(src);
  expect(served.status()).toBe(200);
  return {
    src: new URL(src).pathname,
    type: served.headers()['content-type']!,
    sha256: createHash('sha256')
      .update(await served.body())
      .digest('hex'),
  };
}

/** Skips to the last half second of the recording (the test need not wait a minute), and waits for its end. */
async function listenToTheEnd(page: Page): Promise<void> {
  await page.locator('audio.read-aloud-recording').evaluate((el: HTMLAudioElement) => {
    el.currentTime = Math.max(0, el.duration - 0.5);
  });
  await expect(page.locator('button.read-aloud')).toHaveAttribute('data-state', 'ended');
}

test('K-5: the plain-words summary above the full text, marked as a summary; its recording plays, pauses, and heard to the end enables “I agree”', async ({
  page,
  request,
}) => {
  await setClock(request, septemberMorning(2081));
  await openSession(page, 'gia.nguyen'); // grade 3
  const text = page.getByRole('region', { name: 'Policy text' });
  const summary = text.getByRole('region', { name: 'This is a short version in plain words. The district’s full policy is below.' });
  await expect(summary).toBeVisible();
  await expect(summary).toContainText('School computers and the Internet are for learning.');
  await expect(summary).toContainText('The district has not reviewed this short version yet.');
  // Above the district's own text, which stays in the same scrolling region.
  const full = text.locator('.document-full');
  await expect(full).toContainText('Lockhart ISD Student Technology Acceptable Use Policy');
  const order = await summary.evaluate(
    (s, f) => Boolean(s.compareDocumentPosition(f!) & Node.DOCUMENT_POSITION_FOLLOWING),
    await full.elementHandle(),
  );
  expect(order, 'the summary comes before the full text').toBe(true);
  await expect(page.getByText('Listen to the short version to the end, or scroll to the end of the policy, to accept.')).toBeVisible();
  await expectAccessible(page, 'K-5 policy with its summary (en)');

  const agree = page.getByRole('button', { name: 'I agree' });
  await expect(agree).toBeDisabled();
  const listen = page.getByRole('button', { name: 'Listen to the short version' });
  await listen.focus();
  await page.keyboard.press('Enter'); // keyboard, like every control
  const control = page.locator('button.read-aloud');
  await expect(control).toHaveAttribute('data-state', 'playing');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeFocused();
  const expected = recording('student-aup-summary-elementary', 'en');
  expect(await playing(page, request)).toEqual({ src: `/audio/${expected.sha256}.opus`, type: 'audio/ogg; codecs=opus', sha256: expected.sha256 });

  await page.keyboard.press('Space');
  await expect(control).toHaveAttribute('data-state', 'paused');
  await expect(page.getByRole('button', { name: 'Go on listening' })).toBeVisible();
  await expect(agree, 'pausing is not the end').toBeDisabled();
  await page.keyboard.press('Space');
  await expect(control).toHaveAttribute('data-state', 'playing');

  await listenToTheEnd(page);
  await expect(agree).toBeEnabled();
  await expect(page.getByText('You have reached the end of the policy.')).toBeVisible();
  const scrolled = await text.evaluate((el) => el.scrollTop);
  expect(scrolled, '“I agree” came from listening, not from scrolling').toBe(0);
  await agree.click();

  // The K-5 Internet Safety rules have their own recording, and hearing them counts too.
  await expect(page.getByRole('heading', { level: 1, name: 'Internet Safety Rules' })).toBeVisible();
  const understood = page.getByRole('button', { name: 'I understand the rules' });
  await expect(understood).toBeDisabled();
  await page.getByRole('button', { name: 'Listen' }).click();
  await expect(control).toHaveAttribute('data-state', 'playing');
  expect((await playing(page, request)).sha256).toBe(recording('safety-rules-elementary', 'en').sha256);
  await listenToTheEnd(page);
  await expect(understood).toBeEnabled();
});

test('K-5 in Spanish: the summary and its recording in Spanish, axe clean', async ({ page, request }) => {
  await setClock(request, septemberMorning(2082));
  await openSession(page, 'ana.lopez'); // kindergarten, Spanish
  await chooseLanguage(page, 'es');
  const text = page.getByRole('region', { name: 'Texto de la política' });
  const summary = text.getByRole('region', {
    name: 'Esta es una versión corta en palabras sencillas. La política completa del distrito está abajo.',
  });
  await expect(summary).toContainText('Las computadoras de la escuela e Internet son para aprender.');
  await expect(summary.locator('.document')).toHaveAttribute('lang', 'es');
  await expect(page.getByText('Para aceptar, hay que escuchar la versión corta hasta el final o llegar al final de la política.')).toBeVisible();
  await page.getByRole('button', { name: 'Escuchar la versión corta' }).click();
  await expect(page.locator('button.read-aloud')).toHaveAttribute('data-state', 'playing');
  expect((await playing(page, request)).sha256).toBe(recording('student-aup-summary-elementary', 'es').sha256);
  await expectAccessible(page, 'K-5 policy with its summary (es)');
  await page.getByRole('button', { name: 'Pausar' }).click();
  await expect(page.locator('button.read-aloud')).toHaveAttribute('data-state', 'paused');
});

test('grade 10: no summary; with no voice and no recording the screen says why read-aloud is not offered, and the hints do not mention it', async ({
  page,
  request,
}) => {
  await setClock(request, septemberMorning(2083));
  await openSession(page, 'diego.ramos'); // grade 10
  await expect(page.getByRole('button', { name: 'I accept' })).toBeVisible();
  await expect(page.getByText('This is a short version in plain words.', { exact: false })).toHaveCount(0);
  await expect(page.locator('.summary')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^(Listen|Read aloud)/ })).toHaveCount(0);
  await expect(page.getByText('Read-aloud is not offered here: this computer has no English voice, and this text has no recording.')).toBeVisible();
  await expect(page.getByText('Scroll to the end of the policy to accept.', { exact: true })).toBeVisible();
  await expect(page.getByText(/read aloud, to accept/)).toHaveCount(0);
  await expectAccessible(page, 'grade 10 policy without read-aloud (en)');

  await chooseLanguage(page, 'es');
  await expect(
    page.getByText('La lectura en voz alta no está disponible aquí: esta computadora no tiene una voz en inglés y este texto no tiene grabación.'),
  ).toHaveCount(0); // the Spanish text is shown now, so the voice asked for is Spanish
  await expect(
    page.getByText('La lectura en voz alta no está disponible aquí: esta computadora no tiene una voz en español y este texto no tiene grabación.'),
  ).toBeVisible();
  await expect(page.getByText('Para aceptar, hay que llegar al final de la política desplazando el texto.')).toBeVisible();
  await expectAccessible(page, 'grade 10 policy without read-aloud (es)');

  // The grade 6-12 Internet Safety rules have no recording either: the same line, and a hint without listening.
  await chooseLanguage(page, 'en');
  await acceptPolicy(page, 'Diego Ramos');
  await expect(page.getByRole('heading', { level: 1, name: 'Internet Safety Rules' })).toBeVisible();
  await expect(page.getByText('Read-aloud is not offered here: this computer has no English voice, and this text has no recording.')).toBeVisible();
  await expect(page.getByText('Scroll to the end of the rules to go on.', { exact: true })).toBeVisible();
});
