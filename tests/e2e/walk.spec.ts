// Found walking every screen as a district's students and staff would, keyboard only, at 200 % zoom
// and on a 1024×600 netbook: a sign-in form that Escape did not close from its own heading, a PIN
// left in an override form after a refusal, a press of Accept before the end that answered nothing,
// a refusal drawn below the window, and a lock screen whose clock slid under the masthead at 200 %
// while its last buttons were clipped out of reach.
import {
  acceptPolicy,
  advanceClock,
  acknowledgeRules,
  chooseLanguage,
  expect,
  expectAccessible,
  expectScreen,
  firstLoginToLock,
  openSession,
  PIN,
  saveScreen,
  septemberMorning,
  setClock,
  test,
  teacherSignIn,
} from './support/kiosk.ts';

test('a sign-in form closes with Escape wherever focus is: its heading when it opens, the language switch', async ({ page, request }) => {
  await setClock(request, septemberMorning(2110));
  await firstLoginToLock(page, 'diego.ramos', 'Diego Ramos');

  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  await expectScreen(page, 'Teacher unlock');
  // Focus is on the heading, not in the form.
  await page.keyboard.press('Escape');
  await expectScreen(page, 'This computer is locked');

  await page.getByRole('button', { name: 'Administrator override' }).click();
  await expectScreen(page, 'Administrator override');
  await page.getByRole('button', { name: 'Español' }).focus();
  await page.keyboard.press('Escape');
  await expectScreen(page, 'This computer is locked');

  await page.getByRole('button', { name: 'Open this room' }).click();
  await expectScreen(page, 'Open this room');
  await saveScreen(page, 'room-open-form');
  await page.keyboard.press('Escape');
  await expectScreen(page, 'This computer is locked');
});

test('a refused sign-in never leaves the PIN in the form; a refusal about the reason or the minutes marks and focuses that field', async ({
  page,
  request,
}) => {
  await setClock(request, septemberMorning(2111));
  await firstLoginToLock(page, 'eli.brooks', 'Eli Brooks');
  const alert = page.getByRole('alert');

  await page.getByRole('button', { name: 'Administrator override' }).click();
  await expectScreen(page, 'Administrator override');
  const username = page.getByLabel('Administrator username');
  const secret = page.getByLabel('PIN or password');
  const reason = page.getByLabel('Reason for the override');
  const minutes = page.getByLabel('Time limit (minutes)');
  const submit = page.getByRole('button', { name: 'Override the lock' });

  // A teacher is not an administrator: refused, and the teacher's PIN does not stay behind.
  await username.fill('ms.garcia');
  await secret.fill(PIN['ms.garcia']);
  await reason.fill('Make-up state assessment in the lab.');
  await submit.click();
  await expect(alert).toContainText('Only a campus administrator can do this.');
  await expect(secret).toHaveValue('');
  await expect(secret).toBeFocused();

  // No reason: the reason field is marked and focused; the PIN is cleared.
  await username.fill('principal.ortiz');
  await secret.fill(PIN['principal.ortiz']);
  await reason.fill('');
  await submit.click();
  await expect(alert).toContainText('Write the reason for the override');
  await expect(reason).toBeFocused();
  await expect(reason).toHaveAttribute('aria-invalid', 'true');
  await expect(secret).toHaveValue('');

  // More minutes than the district allows: the minutes are marked and focused; the PIN is cleared, so a
  // student left at the form cannot lower the minutes and send the override under the administrator's name.
  await reason.fill('Make-up state assessment in the lab with the principal present.');
  await secret.fill(PIN['principal.ortiz']);
  await minutes.fill('900');
  await submit.click();
  await expect(alert).toContainText('longer than the district allows: 480 minutes at most.');
  await expect(minutes).toBeFocused();
  await expect(minutes).toHaveAttribute('aria-invalid', 'true');
  await expect(reason).toHaveAttribute('aria-invalid', 'false');
  await expect(secret).toHaveValue('');
  await expectAccessible(page, 'override refused for its minutes');
  // Lowering the minutes alone opens nothing: the PIN is asked again.
  await minutes.fill('45');
  await submit.click();
  await expect(alert).toContainText('do not match');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Administrator override');

  await secret.fill(PIN['principal.ortiz']);
  await submit.click();
  await expectScreen(page, 'This computer is unlocked');
  await expect(page.getByText('Opened by administrator override (Rosa Ortiz)')).toBeVisible();
});

test('a substitute is refused with the policy’s sentence and the PIN is cleared', async ({ page, request }) => {
  await setClock(request, septemberMorning(2112));
  await firstLoginToLock(page, 'ben.carter');
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  await teacherSignIn(page, 'sub.jones', PIN['sub.jones']);
  await expect(page.getByRole('alert')).toHaveText(
    'No student computer access authorized with a substitute teacher. Campus administrators may approve special circumstances.',
  );
  await expect(page.getByLabel('PIN or password')).toHaveValue('');
  await expect(page.getByLabel('PIN or password')).toBeFocused();
});

test('Accept or Enter before the end of the text answers “Not yet” and what is left, each time; the rules too', async ({ page, request }) => {
  await setClock(request, septemberMorning(2113));
  await openSession(page, 'carla.diaz');
  await chooseLanguage(page, 'en');
  const alert = page.getByRole('alert').filter({ hasText: 'Not yet' });
  const name = page.getByLabel('Type your full name to sign');
  await name.fill('Carla Díaz');
  await name.press('Enter');
  await expect(alert).toHaveText('Not yet. Scroll to the end of the policy to accept.');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Student Technology Acceptable Use Policy');
  await chooseLanguage(page, 'es');
  // Its button is aria-disabled (still focusable, so a screen reader finds it): pressed from the keyboard.
  await page.getByRole('button', { name: 'Acepto' }).focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('alert').filter({ hasText: 'Todavía no.' })).toContainText('hay que llegar al final de la política');
  await chooseLanguage(page, 'en');
  await expectAccessible(page, 'policy, Accept pressed too early');

  await acceptPolicy(page, 'Carla Díaz');
  await expectScreen(page, /^Internet Safety Rules/);
  await page.getByRole('button', { name: 'I understand the rules' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'Not yet' })).toHaveText('Not yet. Scroll to the end of the rules to go on.');
  await acknowledgeRules(page);
  await expectScreen(page, 'This computer is locked');
});

test('on a 1024×600 netbook a refused signature is on screen, and the name field is marked and focused', async ({ page, request }) => {
  await setClock(request, septemberMorning(2114));
  await page.setViewportSize({ width: 1024, height: 600 });
  await openSession(page, 'diego.ramos');
  const text = page.getByRole('region', { name: 'Policy text' });
  await text.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  const accept = page.getByRole('button', { name: 'I accept' });
  await expect(accept).toBeEnabled();
  await accept.click();
  const alert = page.getByRole('alert').filter({ hasText: 'Type your full name' });
  await expect(alert).toBeVisible();
  await expect(alert).toBeInViewport({ ratio: 1 });
  const name = page.getByLabel('Type your full name to sign');
  await expect(name).toBeFocused();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await saveScreen(page, 'policy-name-refused-1024x600');
});

test('at 200 % zoom (1366×768 seen as 683×384) the lock screen scrolls instead of clipping: the clock below the masthead, every button in reach', async ({
  page,
  request,
}) => {
  await setClock(request, septemberMorning(2115));
  await firstLoginToLock(page, 'dev.patel', 'Dev Patel');
  await page.setViewportSize({ width: 683, height: 384 });
  for (const lang of ['es', 'en'] as const) {
    await chooseLanguage(page, lang);
    await page.evaluate(() => window.scrollTo(0, 0));
    const header = await page.locator('header').boundingBox();
    const clock = await page.locator('.clock').boundingBox();
    expect(header && clock && clock.y >= header.y + header.height - 1, 'the clock starts below the masthead, not under it').toBe(true);
    // Wheel scrolling (not focus) brings the last controls into view: the page is not clipped.
    await page.mouse.move(340, 300);
    await page.mouse.wheel(0, 2000);
    const last = page.getByRole('button', { name: lang === 'en' ? 'Internet Safety rules' : 'Reglas de seguridad en Internet' });
    await expect(last).toBeInViewport({ ratio: 1 });
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(sideways, 'no sideways scrolling').toBeLessThanOrEqual(0);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await expectAccessible(page, 'lock screen at 200 %');
  await saveScreen(page, 'locked-200-percent');
});

test('a kindergartner’s policy screen says listening to the short version counts, in its greeting too', async ({ page, request }) => {
  await setClock(request, septemberMorning(2116));
  await openSession(page, 'ana.lopez');
  await expect(page.getByRole('button', { name: 'Escuchar la versión corta' })).toBeVisible();
  await expect(page.locator('.intro')).toHaveText(
    'Hola, Ana López. Antes de estar de acuerdo, hay que escuchar la versión corta hasta el final o leer la política hasta el final.',
  );
  await chooseLanguage(page, 'en');
  await expect(page.locator('.intro')).toHaveText(
    'Hello, Ana López. Listen to the short version to the end, or read the policy to the end, before you agree.',
  );
  // A reader without a recording or voice is asked to read (grade 10, typed name).
  await setClock(request, septemberMorning(2116));
  await openSession(page, 'diego.ramos');
  await expect(page.locator('.intro')).toHaveText('Hello, Diego Ramos. Please read the policy to the end before you accept it.');
});

test('a teacher unlocking a student under direct supervision is told so before signing in, in English and Spanish', async ({ page, request }) => {
  await setClock(request, septemberMorning(2117));
  await firstLoginToLock(page, 'dev.patel', 'Dev Patel');
  await expect(page.getByText('You may use the computer only while a teacher is supervising you.')).toBeVisible();
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  await expectScreen(page, 'Teacher unlock');
  await expect(page.locator('main')).toContainText(
    'Direct supervision: Dev Patel may use the district network only under direct supervision. Stay with this student while the computer is unlocked.',
  );
  await chooseLanguage(page, 'es');
  await expect(page.locator('main')).toContainText('Supervisión directa: Dev Patel solo puede usar la red del distrito bajo supervisión directa.');
  await chooseLanguage(page, 'en');
  await expectAccessible(page, 'teacher unlock for a supervised student');
  await saveScreen(page, 'teacher-unlock-supervision');

  // A student without that consequence: no such notice.
  await firstLoginToLock(page, 'diego.ramos', 'Diego Ramos');
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  await expectScreen(page, 'Teacher unlock');
  await expect(page.locator('main')).not.toContainText('Direct supervision');
});

test('with the focused heading a screen reader hears why: the lock’s reason, the time left and by whom, the lock again when time is up', async ({
  page,
  request,
}) => {
  await setClock(request, septemberMorning(2118));
  await firstLoginToLock(page, 'ben.carter');
  const h1 = page.getByRole('heading', { level: 1 });
  await expect(h1).toHaveAccessibleDescription('Student computers stay locked until a teacher unlocks them. Ask your teacher.');

  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  await teacherSignIn(page, 'mr.lee', PIN['mr.lee']);
  await expectScreen(page, 'This computer is unlocked');
  await expect(h1).toHaveAccessibleDescription(/^55 minutes left Unlocked by James Lee until 9:25\sAM\.$/);

  await advanceClock(request, 56);
  await expectScreen(page, 'This computer is locked');
  await expect(h1).toHaveAccessibleDescription('Your time is up, so the computer locked again. Ask your teacher if you need more time.');
  await chooseLanguage(page, 'es');
  await expect(h1).toHaveAccessibleDescription(
    'Se acabó tu tiempo y la computadora se bloqueó de nuevo. Pídele a tu maestro si necesitas más tiempo.',
  );

  await firstLoginToLock(page, 'fay.olsen', "Fay O'Neil-Olsen");
  await chooseLanguage(page, 'en');
  await expect(h1).toHaveAccessibleDescription(
    'Your computer privileges have been revoked. Only a campus administrator can open this computer for you. A teacher cannot unlock this computer for you.',
  );

  await openSession(page, 'clerk.kim');
  await acceptPolicy(page, 'Sun Kim');
  await expectScreen(page, 'You are all set');
  await expect(h1).toHaveAccessibleDescription(/^Thank you, Sun Kim\. Your acceptance of this year’s policy is recorded\./);
});

test('Escape closes a document opened again to read, and never skips the first reading of the rules', async ({ page, request }) => {
  await setClock(request, septemberMorning(2119));
  await openSession(page, 'ben.carter');
  await acceptPolicy(page);
  await expectScreen(page, /^Internet Safety Rules/);
  // The first time, the rules must be acknowledged: Escape does not leave them.
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'I understand the rules' })).toBeVisible();
  await acknowledgeRules(page);
  await expectScreen(page, 'This computer is locked');

  await page.getByRole('button', { name: 'Internet Safety rules' }).click();
  await expectScreen(page, /^Internet Safety Rules/);
  await page.keyboard.press('Escape');
  await expectScreen(page, 'This computer is locked');

  await page.getByRole('button', { name: 'Acceptable Use Policy' }).click();
  await expectScreen(page, /Acceptable Use Policy/);
  await page.keyboard.press('Escape');
  await expectScreen(page, 'This computer is locked');
});
