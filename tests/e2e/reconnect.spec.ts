// The page and the kiosk are separate processes: if the socket drops, the page says so, reconnects,
// and shows what the kiosk says now (not what it showed before).
import type { WebSocketRoute } from '@playwright/test';
import { PIN, advanceClock, expect, expectScreen, firstLoginToLock, septemberMorning, setClock, teacherSignIn, test } from './support/kiosk.ts';

test('after the connection to the kiosk drops, the page reconnects and shows the kiosk’s current view', async ({ page, request }) => {
  const pageSides: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/kiosk/, (ws) => {
    pageSides.push(ws);
    ws.connectToServer();
  });
  await setClock(request, septemberMorning(2080));
  await firstLoginToLock(page, 'ben.carter');
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  await teacherSignIn(page, 'ms.garcia', PIN['ms.garcia']);
  await expectScreen(page, 'This computer is unlocked');
  const before = pageSides.length;

  // The unlock runs out while the page is cut off from the kiosk.
  await pageSides.at(-1)!.close({ code: 1011, reason: 'kiosk restarted' });
  await advanceClock(request, 60);

  await expect.poll(() => pageSides.length, 'a new connection').toBeGreaterThan(before);
  await expectScreen(page, 'This computer is locked');
  await expect(page.getByText('Your time is up, so the computer locked again.')).toBeVisible();

  // And it works as before.
  await page.getByRole('button', { name: 'Teacher unlock' }).click();
  await teacherSignIn(page, 'mr.lee', PIN['mr.lee']);
  await expectScreen(page, 'This computer is unlocked');
});
