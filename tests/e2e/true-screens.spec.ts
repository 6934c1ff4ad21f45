// The screens say exactly what is true (issue 14 points 10 and 11), against the real KioskService
// behind the preview: the Internet Safety rules wait to be read to the end like the policy; a wrong
// PIN that starts a lockout says so and the wait counts down (in minutes over a minute) on the
// kiosk's clock as the page reads it (Playwright's clock fixes the page's Date); a language switch
// keeps the refusal, translated; the accepted policy can be opened again to read; the preview's
// first address asks who is signing in. axe-clean in English and Spanish, by keyboard.
import type { Page } from '@playwright/test';
import { KIOSK_URL } from './support/run.ts';
import {
  PIN,
  acceptPolicy,
  advanceClock,
  chooseLanguage,
  expect,
  expectAccessible,
  expectScreen,
  firstLoginToLock,
  openSession,
  reviewScreen,
  septemberMorning,
  setClock,
  tabTo,
  teacherSignIn,
  test,
} from './support/kiosk.ts';

const rulesText = (page: Page) => page.getByRole('region', { name: /^(Internet Safety rules text|Texto de las reglas de seguridad en Internet)$/ });
const understand = (page: Page) => page.getByRole('button', { name: /^(I understand the rules|Entiendo las reglas)$/ });

test('the Internet Safety rules cannot be acknowledged before they are read to the end (keyboard only)', async ({ page, request }) => {
  await setClock(request, septemberMorning(2090));
  await openSession(page, 'diego.ramos');
  await acceptPolicy(page, 'Diego Ramos');
  await expectScreen(page, /^Internet Safety Rules/);
  await expect(understand(page)).toHaveAttribute('aria-disabled', 'true');
  await expect(page.locator('#acknowledge-status')).toHaveText(/^Scroll to the end of the rules/);
  await expect(understand(page)).toHaveAccessibleDescription(/^Scroll to the end of the rules/);
  await reviewScreen(page, 'safety-rules-unread');
  // Pressed before the end: nothing happens, the rules stay.
  await tabTo(page, understand(page));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Internet Safety Rules/);
  // Read to the end (End in the text), then acknowledged.
  await tabTo(page, rulesText(page), { backwards: true });
  await page.keyboard.press('End');
  await expect(page.locator('#acknowledge-status')).toHaveText('You have reached the end of the rules.');
  await expect(understand(page)).toBeEnabled();
  await tabTo(page, understand(page));
  await page.keyboard.press('Enter');
  await expectScreen(page, 'This computer is locked');
});

test('the wrong PIN that starts a lockout says sign-ins are now locked; the wait counts down in minutes, then seconds; a language switch keeps the refusal, translated', async ({
  page,
  request,
}) => {
  await setClock(request, septemberMorning(2091));
  // The page's clock stands still unless the test moves it (its timers still run).
  const pageStart = new Date('2091-09-08T13:30:00Z').getTime();
  await page.clock.setFixedTime(pageStart);
  await firstLoginToLock(page, 'ben.carter');
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  const alert = page.getByRole('alert');
  const timer = page.getByRole('timer');
  for (let attempt = 1; attempt <= 4; attempt++) {
    await teacherSignIn(page, 'ms.garcia', `000${attempt}`);
    await expect(alert).toContainText('do not match');
    await expect(alert).not.toContainText('locked');
    await expect(timer).toHaveCount(0);
  }
  // The fifth wrong PIN starts the lockout: it says so, and how long.
  await teacherSignIn(page, 'ms.garcia', '0005');
  await expect(alert).toContainText(
    'That username and PIN or password do not match, and there have been too many attempts: sign-ins are now locked.',
  );
  await expect(alert, 'no "try again" before the wait').not.toContainText('Check them and try again');
  await expect(alert).toContainText('Try again in 1 minute.');
  await expect(timer).toHaveText('Try again in 1 minute.');
  // The countdown is a timer outside the alert: changing, it is not announced again.
  await expect(alert.getByRole('timer')).toHaveCount(0);

  // Switching language keeps the refusal on screen, translated (and the form open).
  await reviewScreen(page, 'teacher-unlock-locked-out', 'es');
  await expect(alert).toContainText('no coinciden');
  await expect(alert).toContainText('ahora el inicio de sesión está bloqueado.');
  await expect(timer).toHaveText('Vuelva a intentarlo en 1 minuto.');
  await chooseLanguage(page, 'en');
  await expect(alert).toContainText('sign-ins are now locked.');

  // The right PIN while locked: one sentence for the lock, one for the wait (not "Wait and try again" twice over).
  await teacherSignIn(page, 'ms.garcia', PIN['ms.garcia']);
  await expect(alert).toContainText('Too many attempts that did not work. Sign-ins are locked.');
  await expect(alert).not.toContainText('Wait and try again');
  await expect(timer).toHaveText('Try again in 1 minute.');

  // The wait counts down on the kiosk's clock as the page keeps it: seconds under a minute.
  await page.clock.setFixedTime(pageStart + 20_000);
  await expect(timer).toHaveText('Try again in 40 seconds.');
  await page.clock.setFixedTime(pageStart + 59_000);
  await expect(timer).toHaveText('Try again in 1 second.');
  await page.clock.setFixedTime(pageStart + 60_000);
  await expect(timer).toHaveText('You can try again now.');
  await expectAccessible(page, 'teacher unlock, lockout over');

  // The kiosk's own clock decides: a minute later it opens.
  await advanceClock(request, 1);
  await teacherSignIn(page, 'ms.garcia', PIN['ms.garcia']);
  await expectScreen(page, 'This computer is unlocked');
});

test('waits over a minute read in minutes, counted up to the whole minute', async ({ page, request }) => {
  await setClock(request, septemberMorning(2092));
  const pageStart = new Date('2092-09-08T13:30:00Z').getTime();
  await page.clock.setFixedTime(pageStart);
  await firstLoginToLock(page, 'ben.carter');
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  for (let attempt = 1; attempt <= 5; attempt++) await teacherSignIn(page, 'mr.lee', `000${attempt}`);
  const timer = page.getByRole('timer');
  await expect(timer).toHaveText('Try again in 1 minute.');
  // 61 s would read "2 minutes": the page's clock back 1 s from the refusal.
  await page.clock.setFixedTime(pageStart - 1_000);
  await expect(timer).toHaveText('Try again in 2 minutes.');
});

test('a student opens the policy they accepted again, to read: nothing to sign, Close goes back (keyboard only)', async ({ page, request }) => {
  await setClock(request, septemberMorning(2093));
  await firstLoginToLock(page, 'diego.ramos', 'Diego Ramos');
  const open = page.getByRole('button', { name: 'Acceptable Use Policy' });
  await tabTo(page, open);
  await page.keyboard.press('Enter');
  await expectScreen(page, /Acceptable Use Policy/);
  await expect(page.locator('.frame')).toHaveAttribute('data-screen', 'policy-accepted');
  await expect(page.getByText('this is the policy you accepted this school year')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Policy text' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^(I accept|I agree)$/ })).toHaveCount(0);
  await expect(page.getByLabel('Type your full name to sign')).toHaveCount(0);
  await reviewScreen(page, 'policy-accepted');
  await tabTo(page, page.getByRole('button', { name: 'Close the policy' }));
  await page.keyboard.press('Enter');
  await expectScreen(page, 'This computer is locked');
  // And from the unlocked screen too.
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  await teacherSignIn(page, 'mr.lee', PIN['mr.lee']);
  await expectScreen(page, 'This computer is unlocked');
  await page.getByRole('button', { name: 'Acceptable Use Policy' }).click();
  await expect(page.locator('.frame')).toHaveAttribute('data-screen', 'policy-accepted');
  await page.getByRole('button', { name: 'Close the policy' }).click();
  await expectScreen(page, 'This computer is unlocked');
});

test('staff reopen the policy they accepted from the all-set screen', async ({ page, request }) => {
  await setClock(request, septemberMorning(2094));
  await openSession(page, 'clerk.kim');
  await acceptPolicy(page, 'Sun Kim');
  await expectScreen(page, /^(All set|You are all set)/);
  await expect(page.getByRole('button', { name: 'Internet Safety rules' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Acceptable Use Policy' }).click();
  await expect(page.locator('.frame')).toHaveAttribute('data-screen', 'policy-accepted');
  await expectAccessible(page, 'staff policy reopened');
  await page.getByRole('button', { name: 'Close the policy' }).click();
  await expect(page.locator('.frame')).toHaveAttribute('data-screen', 'free');
});

test('the first address the preview prints asks who is signing in: the roster as links, English and Spanish (keyboard only)', async ({ page }) => {
  await page.goto(`${KIOSK_URL}/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Who is signing in?');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 2, name: 'Students' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Ben Carter' })).toHaveAttribute('href', '/?user=ben.carter');
  await expect(page.getByRole('link', { name: "Fay O'Neil-Olsen" })).toHaveAttribute('href', '/?user=fay.olsen');
  await expect(page.getByRole('link', { name: 'María García' })).toBeVisible();
  await expect(page.getByText('(ana.lopez), student, kindergarten')).toBeVisible();
  await expectAccessible(page, 'who is signing in (en)');
  await page.getByRole('link', { name: 'Español' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('¿Quién inicia sesión?');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByText('(ben.carter), estudiante, 4.º grado')).toBeVisible();
  await expectAccessible(page, 'who is signing in (es)');
  await tabTo(page, page.getByRole('link', { name: 'Ben Carter' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(`${KIOSK_URL}/?user=ben.carter`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: /^(Getting ready|Preparando)$/ })).toHaveCount(0);
});
