// The same flows with the keyboard alone: Tab, Shift+Tab, Enter, Space, End, Escape and typing.
// No click, no fill, no programmatic focus. Each test runs in a school year of its own.
import type { Page } from '@playwright/test';
import { PIN, advanceClock, expect, expectScreen, openSession, septemberMorning, setClock, tabTo, test } from './support/kiosk.ts';

const button = (page: Page, name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });

/** Reads the policy to its end with the keyboard (Tab into the text, End), signs, and accepts. */
async function acceptByKeyboard(page: Page, signature?: string) {
  await tabTo(page, page.getByRole('region', { name: /^(Policy text|Texto de la política)$/ }));
  await page.keyboard.press('End');
  const accept = button(page, /^(I accept|I agree|Acepto|Estoy de acuerdo)$/);
  await expect(accept).toBeEnabled();
  if (signature !== undefined) {
    await tabTo(page, page.getByLabel(/^(Type your full name to sign|Nombre completo para firmar)$/));
    await page.keyboard.type(signature);
  }
  await tabTo(page, accept);
  await page.keyboard.press('Enter');
}

async function acknowledgeRulesByKeyboard(page: Page) {
  await expectScreen(page, /^(Internet Safety Rules|Reglas de seguridad en Internet)/);
  // Read to the end first, as the policy.
  await tabTo(page, page.getByRole('region', { name: /^(Internet Safety rules text|Texto de las reglas de seguridad en Internet)$/ }));
  await page.keyboard.press('End');
  const understood = button(page, /^(I understand the rules|Entiendo las reglas)$/);
  // The end is seen a moment after the scroll: wait for the button to say so before pressing it.
  await expect(understood).toBeEnabled();
  await tabTo(page, understood);
  await page.keyboard.press('Enter');
  await expectScreen(page, /^(This computer is locked|Esta computadora está bloqueada)$/);
}

/** From the lock screen: opens the teacher form and signs in, all by keyboard. */
async function teacherUnlockByKeyboard(page: Page, username: string, secret: string) {
  // A fresh form starts at its heading (Username is ahead); after a refusal focus is in the form (Username is behind).
  const formOpen = (await page.getByLabel('Username').count()) > 0;
  if (!formOpen) {
    await tabTo(page, button(page, 'Teacher unlock'));
    await page.keyboard.press('Enter');
    await expectScreen(page, 'Teacher unlock');
  }
  await tabTo(page, page.getByLabel('Username'), { backwards: formOpen });
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('PIN or password')).toBeFocused();
  await page.keyboard.type(secret);
  await page.keyboard.press('Enter');
}

test('keyboard only: a student’s first login in Spanish, the rules, the lock, then an approved teacher unlocks', async ({ page, request }) => {
  await setClock(request, septemberMorning(2060));
  await openSession(page, 'diego.ramos');
  await expectScreen(page, 'Student Technology Acceptable Use Policy');

  // The language switch sits before the screen's heading: Shift+Tab reaches it.
  await tabTo(page, button(page, 'Español'), { backwards: true });
  await page.keyboard.press('Space');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Política de Uso Aceptable de la Tecnología para Estudiantes');

  await acceptByKeyboard(page, 'Diego Ramos');
  await acknowledgeRulesByKeyboard(page);

  // Back to English for the teacher, still by keyboard.
  await tabTo(page, button(page, 'English'), { backwards: true });
  await page.keyboard.press('Enter');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await teacherUnlockByKeyboard(page, 'ms.garcia', PIN['ms.garcia']);
  await expectScreen(page, 'This computer is unlocked');
  await expect(page.getByText('55 minutes left')).toBeVisible();

  await advanceClock(request, 56);
  await expectScreen(page, 'This computer is locked');
});

test('keyboard only: the elementary “I agree”, and the rules opened again and closed', async ({ page, request }) => {
  await setClock(request, septemberMorning(2061));
  await openSession(page, 'ben.carter');
  await acceptByKeyboard(page);
  await acknowledgeRulesByKeyboard(page);

  await tabTo(page, button(page, 'Internet Safety rules'));
  await page.keyboard.press('Enter');
  await expectScreen(page, /^Internet Safety Rules/);
  await tabTo(page, button(page, 'Close the rules'));
  await page.keyboard.press('Enter');
  await expectScreen(page, 'This computer is locked');
});

test('keyboard only: a substitute is refused, a wrong PIN is refused, Escape goes back, lockout, then the right PIN', async ({ page, request }) => {
  await setClock(request, septemberMorning(2062));
  await openSession(page, 'ben.carter');
  await acceptByKeyboard(page);
  await acknowledgeRulesByKeyboard(page);

  await teacherUnlockByKeyboard(page, 'sub.jones', PIN['sub.jones']);
  await expect(page.getByRole('alert')).toContainText('No student computer access authorized with a substitute teacher.');

  await teacherUnlockByKeyboard(page, 'ms.garcia', '1111');
  await expect(page.getByRole('alert')).toContainText('do not match');
  await expect(page.getByLabel('PIN or password')).toBeFocused();

  await page.keyboard.press('Escape');
  await expectScreen(page, 'This computer is locked');

  for (let attempt = 2; attempt <= 5; attempt++) {
    await teacherUnlockByKeyboard(page, 'ms.garcia', `111${attempt}`);
    await expect(page.getByRole('alert')).toContainText('do not match');
  }
  await teacherUnlockByKeyboard(page, 'ms.garcia', PIN['ms.garcia']);
  await expect(page.getByRole('alert')).toContainText('Too many attempts');

  await advanceClock(request, 2);
  await teacherUnlockByKeyboard(page, 'ms.garcia', PIN['ms.garcia']);
  await expectScreen(page, 'This computer is unlocked');
});

test('keyboard only: an administrator override, refused without a reason, then given with one', async ({ page, request }) => {
  await setClock(request, septemberMorning(2063));
  await openSession(page, 'eli.brooks');
  await acceptByKeyboard(page, 'Eli Brooks');
  await acknowledgeRulesByKeyboard(page);
  await expect(button(page, 'Teacher unlock')).toHaveCount(0);

  await tabTo(page, button(page, 'Administrator override'));
  await page.keyboard.press('Enter');
  await expectScreen(page, 'Administrator override');
  await tabTo(page, page.getByLabel('Administrator username'));
  await page.keyboard.type('principal.ortiz');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PIN['principal.ortiz']);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('Write the reason for the override');

  await tabTo(page, page.getByLabel('Reason for the override'));
  await page.keyboard.type('Testing accommodations approved by the campus');
  await tabTo(page, page.getByLabel('Time limit (minutes)'));
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('15');
  await tabTo(page, page.getByLabel('PIN or password'), { backwards: true });
  await page.keyboard.type(PIN['principal.ortiz']);
  await tabTo(page, button(page, 'Override the lock'));
  await page.keyboard.press('Enter');
  await expectScreen(page, 'This computer is unlocked');
  await expect(page.getByText('15 minutes left')).toBeVisible();
});

test('keyboard only: a staff member accepts the staff policy, then is free; a second login the same year asks nothing', async ({ page, request }) => {
  await setClock(request, septemberMorning(2064));
  await openSession(page, 'clerk.kim');
  await acceptByKeyboard(page, 'Sun Kim');
  await expectScreen(page, 'You are all set');
  await openSession(page, 'clerk.kim');
  await expectScreen(page, 'You are all set');
});

test('keyboard only: the text size control and the policy region are reachable', async ({ page, request }) => {
  await setClock(request, septemberMorning(2065));
  await openSession(page, 'diego.ramos');
  await tabTo(page, button(page, 'Larger text'));
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('group', { name: 'Text size' })).toContainText('150%');
  await tabTo(page, button(page, 'Smaller text'), { backwards: true });
  await page.keyboard.press('Space');
  await expect(page.getByRole('group', { name: 'Text size' })).toContainText('125%');
});
