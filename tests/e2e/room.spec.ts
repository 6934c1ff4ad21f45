// The class period in a browser (issue 11): a teacher opens the whole room from one student's lock
// screen, with the keyboard alone; every student's screen of the room opens, a suspended student's
// stays locked, a substitute is refused with the policy's sentence, "End class" locks them all again.
// Against the room preview: the real KioskService on a throwaway district database (PostgreSQL, set
// up with `aup db migrate`). The forms and the room view are checked with axe in English and Spanish.
import type { Page } from '@playwright/test';
import {
  PIN,
  acceptPolicy,
  acknowledgeRules,
  expect,
  expectAccessible,
  expectScreen,
  firstLoginToLock,
  openSession,
  reviewScreen,
  saveScreen,
  septemberMorning,
  setClock,
  tabTo,
  test,
} from './support/kiosk.ts';
import { ROOM_URL, periodEndPattern } from './support/room.ts';

const LOCKED = /^(This computer is locked|Esta computadora está bloqueada)$/;
const UNLOCKED = /^(This computer is unlocked|Esta computadora está desbloqueada)$/;
const SUBSTITUTE = 'No student computer access authorized with a substitute teacher. Campus administrators may approve special circumstances.';

const button = (page: Page, name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });

/** The h1 of a page that is not the one being typed in (its focus is not asserted). */
const heading = (page: Page) => page.getByRole('heading', { level: 1 });

/** Another student's screen of the same room, failing the test on any console error. */
async function anotherStudent(page: Page, user: string, signature: string | undefined, errors: string[]): Promise<Page> {
  const other = await page.context().newPage();
  other.on('console', (m) => m.type() === 'error' && errors.push(`${user}: ${m.text()}`));
  other.on('pageerror', (e) => errors.push(`${user}: ${e.message}`));
  await firstLoginToLock(other, user, signature);
  return other;
}

/** Clears the focused field and types `text`, as a person at the keyboard would. */
async function retype(page: Page, text: string) {
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

/** On an open sign-in form (fresh or after a refusal): name, then PIN, then Enter. */
async function signInByKeyboard(page: Page, username: string, secret: string) {
  const name = page.getByLabel('Username');
  const backwards = !(await page.getByRole('heading', { level: 1 }).evaluate((el) => el === document.activeElement));
  await tabTo(page, name, { backwards });
  await retype(page, username);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('PIN or password')).toBeFocused();
  await retype(page, secret);
  await page.keyboard.press('Enter');
}

test.describe('on a district database', () => {
  test.use({ baseURL: ROOM_URL });

  test('Escape leaves the room form, back to the lock screen', async ({ page }) => {
    await firstLoginToLock(page, 'carla.diaz', 'Carla Díaz');
    await tabTo(page, button(page, /^(Open this room|Abrir este salón)$/));
    await page.keyboard.press('Enter');
    await expectScreen(page, /^(Open this room|Abrir este salón)$/);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Escape');
    await expectScreen(page, LOCKED);
  });

  test('keyboard only: Ms. García opens Lab 204 from Diego’s lock screen; Ben’s opens too, Eli’s (suspended) stays locked; a substitute is refused; End class locks them again', async ({
    page,
  }) => {
    const errors: string[] = [];
    await firstLoginToLock(page, 'diego.ramos', 'Diego Ramos');
    const ben = await anotherStudent(page, 'ben.carter', undefined, errors);
    const eli = await anotherStudent(page, 'eli.brooks', 'Eli Brooks', errors);
    await page.bringToFront();

    // The lock screen offers it beside "Teacher unlock".
    await tabTo(page, button(page, 'Open this room'));
    await page.keyboard.press('Enter');
    await expectScreen(page, 'Open this room');
    await expect(page.getByRole('radio', { name: 'Until the end of the period' })).toBeChecked();
    await reviewScreen(page, 'room-open');

    // "No student computer access authorized with a substitute teacher."
    await signInByKeyboard(page, 'sub.jones', PIN['sub.jones']);
    await expect(page.getByRole('alert')).toHaveText(SUBSTITUTE);
    await expect(heading(ben)).toHaveText(LOCKED);
    await expectAccessible(page, 'the substitute refused (en)');
    await saveScreen(page, 'room-open-substitute');

    // For a number of minutes: the form takes 1 to 480; the district's own limit (55) is the kiosk's to say.
    await tabTo(page, page.getByRole('radio', { name: 'Until the end of the period' }));
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('radio', { name: 'For a number of minutes' })).toBeChecked();
    await page.keyboard.press('Tab');
    const minutes = page.getByRole('spinbutton', { name: 'Minutes' });
    await expect(minutes).toBeFocused();
    await page.keyboard.type('481');
    await signInByKeyboard(page, 'ms.garcia', PIN['ms.garcia']);
    await expect(page.getByText('Enter a whole number of minutes from 1 to 480.')).toBeVisible();
    await expect(minutes).toBeFocused();
    await expect(minutes).toHaveAttribute('aria-invalid', 'true');
    await expect(heading(ben)).toHaveText(LOCKED); // nothing was sent
    await expectAccessible(page, 'the room form with a problem (en)');
    await retype(page, '60');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert')).toHaveText('That is longer than the district allows: 55 minutes at most.');

    // The administrator's box reveals a reason, required before anything is sent.
    await tabTo(page, page.getByRole('checkbox', { name: 'Open as an administrator (override)' }));
    await page.keyboard.press('Space');
    const reason = page.getByRole('textbox', { name: 'Reason for the override (required)' });
    await expect(reason).toBeVisible();
    await tabTo(page, button(page, 'Open the room'));
    await page.keyboard.press('Enter');
    await expect(reason).toBeFocused();
    await expect(page.getByText('Write the reason for the override.', { exact: true })).toBeVisible();
    await reviewScreen(page, 'room-open-override');
    await tabTo(page, page.getByRole('checkbox', { name: 'Open as an administrator (override)' }), { backwards: true });
    await page.keyboard.press('Space');
    await expect(reason).toHaveCount(0);

    // Until the end of the period, with the PIN typed again.
    await tabTo(page, page.getByRole('radio', { name: 'For a number of minutes' }), { backwards: true });
    await page.keyboard.press('ArrowUp');
    await expect(page.getByRole('radio', { name: 'Until the end of the period' })).toBeChecked();
    await signInByKeyboard(page, 'ms.garcia', PIN['ms.garcia']);

    await expectScreen(page, UNLOCKED);
    // Until the end of the bell period (by the district database's clock).
    const byLine = new RegExp(`^Lab 204 is open for the class: opened by María García until ${periodEndPattern().source}\\.$`);
    await expect(page.getByText(byLine)).toBeVisible();
    // Every student computer of the room, within seconds; never a suspended student's.
    await expect(heading(ben)).toHaveText(UNLOCKED);
    await expect(ben.getByText(byLine)).toBeVisible();
    await expect(ben.getByRole('button', { name: 'End class' })).toBeVisible();
    await expect(ben.getByRole('table')).toHaveCount(0); // the room's computers are for the teacher, where they opened it
    await expect(heading(eli)).toHaveText(LOCKED);
    await expect(eli.getByText('Your computer privileges are suspended.', { exact: false })).toBeVisible();

    // The room, where it was opened: Diego's screen, so each computer's state and how many need the
    // teacher, never another student's name, grade or notes (FERPA; Eli's suspension is his own).
    const table = page.getByRole('table', { name: 'Computers in Lab 204' });
    await expect(table).toBeVisible();
    await expect(table.getByRole('columnheader')).toHaveText(['Computer', 'State', 'Last report']);
    expect(await table.getByRole('row').count(), 'a row for at least this computer').toBeGreaterThan(1);
    await expect(page.getByText(/computers? needs? the teacher’s attention\./)).toBeVisible();
    await expect(table).not.toContainText(/Eli|Ben|Diego|suspended/i);
    await reviewScreen(page, 'room-view');

    // Readable at 200 %: the page does not scroll sideways; the table scrolls in its own region, by keyboard.
    await page.setViewportSize({ width: 512, height: 384 });
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth, 'no horizontal page scrolling at 200 %').toBeLessThanOrEqual(512);
    await tabTo(page, page.getByRole('region', { name: 'Computers in Lab 204' }));
    await expectAccessible(page, 'the room view at 200 %');
    await saveScreen(page, 'room-view-200');
    await page.setViewportSize({ width: 1024, height: 768 });

    // End class from another computer of the room (Ben's).
    await ben.bringToFront();
    await tabTo(ben, button(ben, 'End class'));
    await ben.keyboard.press('Enter');
    await expectScreen(ben, 'End class');
    await reviewScreen(ben, 'end-class');
    await signInByKeyboard(ben, 'sub.jones', PIN['sub.jones']);
    await expect(ben.getByRole('alert')).toHaveText(SUBSTITUTE);
    await signInByKeyboard(ben, 'ms.garcia', PIN['ms.garcia']);
    await expectScreen(ben, LOCKED);
    await expect(heading(page)).toHaveText(LOCKED);
    await expect(heading(eli)).toHaveText(LOCKED);
    await saveScreen(ben, 'room-ended');

    expect(errors, 'no console errors on the other students’ pages').toEqual([]);
  });

  test('a teacher at their own signed-in computer opens the room and ends the class without a PIN', async ({ page }) => {
    const errors: string[] = [];
    await openSession(page, 'mr.lee');
    await acceptPolicy(page, 'James Lee');
    await expectScreen(page, 'You are all set');
    await expect(page.getByRole('heading', { level: 2, name: 'Your room' })).toBeVisible();
    await expectAccessible(page, 'teacher’s own computer, room actions');
    await tabTo(page, button(page, 'Open this room'));
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Lab 204 is open for the class.' })).toBeVisible();
    // The teacher's own computer shows the room in full: who, grade, notes.
    const table = page.getByRole('table', { name: 'Computers in Lab 204' });
    await expect(table.getByRole('columnheader')).toHaveText(['Computer', 'Student', 'Grade', 'State', 'Notes', 'Last report']);
    await expectAccessible(page, 'teacher’s own computer, the room');
    await saveScreen(page, 'room-teacher-own-computer');

    // A student signing in now: the policy first, then open with the room.
    const gia = await page.context().newPage();
    gia.on('pageerror', (e) => errors.push(e.message));
    await openSession(gia, 'gia.nguyen');
    await acceptPolicy(gia);
    await acknowledgeRules(gia);
    await expect(heading(gia)).toHaveText(UNLOCKED);

    await page.bringToFront();
    await tabTo(page, button(page, 'End class'));
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Every student computer of Lab 204 is locked again.' })).toBeVisible();
    await expect(heading(gia)).toHaveText(LOCKED);
    expect(errors).toEqual([]);
  });
});

test('without a district database the room cannot be opened, and the teacher is told to unlock each computer', async ({ page, request }) => {
  await setClock(request, septemberMorning(2070));
  await firstLoginToLock(page, 'diego.ramos', 'Diego Ramos');
  await tabTo(page, button(page, 'Open this room'));
  await page.keyboard.press('Enter');
  await expectScreen(page, 'Open this room');
  await signInByKeyboard(page, 'ms.garcia', PIN['ms.garcia']);
  await expect(page.getByRole('alert')).toHaveText(
    'This computer is not connected to the district database, so the whole room cannot be opened from here. Unlock each computer on its own.',
  );
  // The refusal is read in the language it was given in (a language switch is a new request, and clears it).
  await expectAccessible(page, 'no district database (en)');
  await saveScreen(page, 'room-no-district-database');
});
