// A student at a lab PC, with the mouse: the first login of a school year, the lock, and who may open it.
// Each test runs in a school year of its own (the clock is set through the preview's test hook), so
// acceptances and unlocks from one test never decide another.
import {
  PIN,
  acceptPolicy,
  acknowledgeRules,
  advanceClock,
  chooseLanguage,
  expect,
  expectScreen,
  firstLoginToLock,
  openSession,
  septemberMorning,
  setClock,
  teacherSignIn,
  test,
} from './support/kiosk.ts';

test('a student’s first login: the policy in English, then in Spanish, accepted; the Internet Safety rules; then the lock', async ({
  page,
  request,
}) => {
  await setClock(request, septemberMorning(2026));
  await openSession(page, 'diego.ramos');

  await expectScreen(page, 'Student Technology Acceptable Use Policy');
  const accept = page.getByRole('button', { name: 'I accept' });
  await expect(accept, 'Accept waits until the end of the text is reached').toBeDisabled();
  // This Chromium has no voice and a grade-10 text has no recording: the hint does not mention reading aloud.
  await expect(page.getByText('Scroll to the end of the policy to accept.', { exact: true })).toBeVisible();

  await chooseLanguage(page, 'es');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Política de Uso Aceptable de la Tecnología para Estudiantes');
  await expect(page.getByText('El distrito todavía no ha revisado esta traducción.', { exact: false })).toBeVisible();
  const acepto = page.getByRole('button', { name: 'Acepto' });
  await expect(acepto).toBeDisabled();

  // Accepting without a signature is refused by the kiosk, and said so.
  const text = page.getByRole('region', { name: 'Texto de la política' });
  await text.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(acepto).toBeEnabled();
  await expect(page.getByText('Este es el final de la política.')).toBeVisible();
  await acepto.click();
  await expect(page.getByRole('alert')).toContainText('hay que escribir el nombre completo');

  await page.getByLabel('Nombre completo para firmar').fill('Diego Ramos');
  await acepto.click();

  await expectScreen(page, /^Reglas de seguridad en Internet/);
  await acknowledgeRules(page);

  await expectScreen(page, 'Esta computadora está bloqueada');
  await expect(page.getByText('Las computadoras de los estudiantes están bloqueadas hasta que un maestro las desbloquee.')).toBeVisible();
  await expect(page.getByText('Lockhart High School, Lab 204')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Desbloqueo del maestro' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Excepción del administrador' })).toBeVisible();

  await test.step('a second login the same school year goes straight to the lock', async () => {
    const again = await page.context().newPage();
    await openSession(again, 'diego.ramos');
    await expectScreen(again, 'This computer is locked');
    await again.close();
  });

  await test.step('the Internet Safety rules can be opened again, and closed', async () => {
    await chooseLanguage(page, 'en');
    await page.getByRole('button', { name: 'Internet Safety rules' }).click();
    await expectScreen(page, /^Internet Safety Rules/);
    await page.getByRole('button', { name: 'Close the rules' }).click();
    await expectScreen(page, 'This computer is locked');
  });
});

test('the first login of the next school year asks for the policy again', async ({ page, request }) => {
  await setClock(request, septemberMorning(2027));
  await firstLoginToLock(page, 'carla.diaz', 'Carla Díaz');

  // 1 August, in Lockhart's time zone, starts the 2028-29 school year.
  await setClock(request, '2028-08-01T07:45:00-05:00');
  await openSession(page, 'carla.diaz');
  await expectScreen(page, 'Política de Uso Aceptable de la Tecnología para Estudiantes');
});

test('a substitute cannot unlock a student session', async ({ page, request }) => {
  await setClock(request, septemberMorning(2029));
  await firstLoginToLock(page, 'ben.carter');
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  await expectScreen(page, 'Teacher unlock');
  await teacherSignIn(page, 'sub.jones', PIN['sub.jones']);
  await expect(page.getByRole('alert')).toContainText('No student computer access authorized with a substitute teacher.');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expectScreen(page, 'This computer is locked');
});

test('a wrong PIN is refused; the right one unlocks', async ({ page, request }) => {
  await setClock(request, septemberMorning(2030));
  await firstLoginToLock(page, 'ben.carter');
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  await teacherSignIn(page, 'ms.garcia', '0000');
  await expect(page.getByRole('alert')).toContainText('That username and PIN or password do not match.');
  await expect(page.getByLabel('PIN or password'), 'the secret is cleared and focused again').toBeFocused();
  await expect(page.getByLabel('PIN or password')).toHaveValue('');
  await teacherSignIn(page, 'ms.garcia', PIN['ms.garcia']);
  await expectScreen(page, 'This computer is unlocked');
});

test('repeated failed sign-ins lock out the name they were typed for, for a while; another teacher still unlocks', async ({ page, request }) => {
  await setClock(request, septemberMorning(2031));
  await firstLoginToLock(page, 'ben.carter');
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  const alert = page.getByRole('alert');
  for (let attempt = 1; attempt <= 5; attempt++) {
    await teacherSignIn(page, 'ms.garcia', `000${attempt}`);
    await expect(alert).toContainText('do not match');
    await expect(page.getByRole('button', { name: 'Unlock' })).toBeEnabled();
  }
  // the right PIN, for the name that was guessed: not now
  await teacherSignIn(page, 'ms.garcia', PIN['ms.garcia']);
  await expect(alert).toContainText('Too many attempts that did not work.');
  await expect(alert).toContainText('Try again in 1 minute.');
  await expect(alert).not.toContainText('Wait and try again');
  // one student failing on purpose does not keep the teacher in the room out
  await teacherSignIn(page, 'mr.lee', PIN['mr.lee']);
  await expectScreen(page, 'This computer is unlocked');
});

test('an approved teacher’s unlock lasts its time, warns near the end, then locks again', async ({ page, request }) => {
  await setClock(request, septemberMorning(2032));
  await firstLoginToLock(page, 'ben.carter');
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  await teacherSignIn(page, 'mr.lee', PIN['mr.lee']);

  await expectScreen(page, 'This computer is unlocked');
  await expect(page.getByText('55 minutes left')).toBeVisible();
  await expect(page.getByText(/^Unlocked by James Lee until 9:25\sAM\.$/)).toBeVisible();
  await expect(page.getByText('Time is almost up')).toHaveCount(0);

  await advanceClock(request, 53);
  await expect(page.getByRole('status')).toContainText('Time is almost up. Save your work now. This computer locks at 9:25');

  await advanceClock(request, 3);
  await expectScreen(page, 'This computer is locked');
  await expect(page.getByText('Your time is up, so the computer locked again.')).toBeVisible();
});

test('an administrator override needs a reason and a time limit the district allows', async ({ page, request }) => {
  await setClock(request, septemberMorning(2033));
  await firstLoginToLock(page, 'diego.ramos', 'Diego Ramos');
  await page.getByRole('button', { name: 'Administrator override' }).click();
  await expectScreen(page, 'Administrator override');

  await page.getByLabel('Administrator username').fill('principal.ortiz');
  await page.getByLabel('PIN or password').fill(PIN['principal.ortiz']);
  await page.getByRole('button', { name: 'Override the lock' }).click();
  await expect(page.getByRole('alert')).toContainText('Write the reason for the override');

  await page.getByLabel('Reason for the override').fill('Make-up exam approved by the principal');
  await page.getByLabel('Time limit (minutes)').fill('600');
  await page.getByLabel('PIN or password').fill(PIN['principal.ortiz']);
  await page.getByRole('button', { name: 'Override the lock' }).click();
  await expect(page.getByRole('alert')).toContainText('longer than the district allows');

  await page.getByLabel('Time limit (minutes)').fill('20');
  await page.getByLabel('PIN or password').fill(PIN['principal.ortiz']);
  await page.getByRole('button', { name: 'Override the lock' }).click();
  await expectScreen(page, 'This computer is unlocked');
  await expect(page.getByText('20 minutes left')).toBeVisible();
  await expect(page.getByText(/Opened by administrator override \(Rosa Ortiz\) until 8:50/)).toBeVisible();
});

test('a teacher cannot override: the override is for campus administrators', async ({ page, request }) => {
  await setClock(request, septemberMorning(2034));
  await firstLoginToLock(page, 'diego.ramos', 'Diego Ramos');
  await page.getByRole('button', { name: 'Administrator override' }).click();
  await page.getByLabel('Administrator username').fill('ms.garcia');
  await page.getByLabel('PIN or password').fill(PIN['ms.garcia']);
  await page.getByLabel('Reason for the override').fill('She asked nicely');
  await page.getByRole('button', { name: 'Override the lock' }).click();
  await expect(page.getByRole('alert')).toContainText('Only a campus administrator can do this.');
});

test('a suspended student: no teacher unlock, only an administrator override', async ({ page, request }) => {
  await setClock(request, septemberMorning(2035));
  await firstLoginToLock(page, 'eli.brooks', 'Eli Brooks');
  await expect(page.getByText('Your computer privileges are suspended.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Teacher unlock' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Administrator override' }).click();
  await page.getByLabel('Administrator username').fill('principal.ortiz');
  await page.getByLabel('PIN or password').fill(PIN['principal.ortiz']);
  await page.getByLabel('Reason for the override').fill('Supervised credit recovery in the library');
  await page.getByLabel('Time limit (minutes)').fill('45');
  await page.getByRole('button', { name: 'Override the lock' }).click();
  await expectScreen(page, 'This computer is unlocked');
});

test('a student under supervision is locked until a teacher unlocks', async ({ page, request }) => {
  await setClock(request, septemberMorning(2036));
  await firstLoginToLock(page, 'dev.patel', 'Dev Patel');
  await expect(page.getByText('You may use the computer only while a teacher is supervising you.')).toBeVisible();
});

test('the teacher sees a parent’s denial of Internet access before unlocking', async ({ page, request }) => {
  await setClock(request, septemberMorning(2037));
  await openSession(page, 'gia.nguyen');
  await expect(page.getByRole('button', { name: 'I agree' })).toBeVisible();
  await acceptPolicy(page);
  await acknowledgeRules(page);
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  await expect(page.getByText('Internet access denied: a parent or guardian of Gia Nguyen has denied this student Internet access.')).toBeVisible();
  await teacherSignIn(page, 'ms.garcia', PIN['ms.garcia']);
  await expectScreen(page, 'This computer is unlocked');
  await expect(page.getByText('No Internet for Gia Nguyen')).toBeVisible();
});

test('a staff member accepts the staff policy, then has nothing more to do', async ({ page, request }) => {
  await setClock(request, septemberMorning(2038));
  await openSession(page, 'clerk.kim');
  await expectScreen(page, 'Staff Technology Acceptable Use Policy');
  await acceptPolicy(page, 'Kim');
  await expect(page.getByRole('alert')).toContainText('Type your full name');
  await acceptPolicy(page, 'Sun Kim');
  await expectScreen(page, 'You are all set');
});
