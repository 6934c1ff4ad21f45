// A K-5 recording the kiosk will not serve (issue 14): the view names it by hash, and the preview of a
// district catalog serves `/audio/<sha256>.opus` only while the catalog's file still hashes to it. A
// file changed on disk after the catalog was loaded is 404, and the page then behaves as for a text
// without a recording: no Listen button that plays nothing, the line that says why read-aloud is not
// offered (this Chromium has no voice), and a hint that does not mention listening. With the file
// back, a new page plays it from the same URL. (The recordings playing to their end: young-readers.spec.ts.)
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DISTRICT_URL, RUN_DIR } from './support/run.ts';
import { expect, test } from './support/kiosk.ts';

const CATALOG = path.join(RUN_DIR, 'district-catalog');
const FILE = path.join(CATALOG, 'student-aup-summary-elementary/2026-27.en.opus');

function listedHash(): string {
  const catalog = JSON.parse(readFileSync(path.join(CATALOG, 'catalog.json'), 'utf8'));
  const policy = catalog.policies.find((p: { id: string }) => p.id === 'student-aup-summary-elementary');
  return policy.versions.find((v: { version: string }) => v.version === '2026-27').documents.en.audio.sha256;
}

test('a recording changed on disk is not served, and the screen says why read-aloud is not offered; put back, it plays again', async ({
  page,
  request,
  consoleErrors,
}) => {
  const sha256 = listedHash();
  const url = `${DISTRICT_URL}/audio/${sha256}.opus`;
  expect((await request.get(url)).status()).toBe(200);
  renameSync(FILE, `${FILE}.kept`);
  try {
    writeFileSync(FILE, 'OggS, but another recording');
    expect((await request.get(url)).status()).toBe(404);

    await page.goto(`${DISTRICT_URL}/?user=gia.nguyen`); // grade 3: the summary and its recording
    await expect(page.getByRole('button', { name: 'I agree' })).toBeDisabled();
    await expect(page.getByText('Read-aloud is not offered here: this computer has no English voice, and this text has no recording.')).toBeVisible();
    await expect(page.getByRole('button', { name: /^(Listen|Read aloud)/ })).toHaveCount(0);
    await expect(page.getByText('Scroll to the end of the policy to accept.', { exact: true })).toBeVisible();
    // The media element's failed load is the one console error, and it names the recording's URL.
    expect(consoleErrors.length).toBeGreaterThan(0);
    expect(consoleErrors.every((e) => /404/.test(e))).toBe(true);
    consoleErrors.length = 0;
  } finally {
    renameSync(`${FILE}.kept`, FILE);
  }

  await page.goto(`${DISTRICT_URL}/?user=gia.nguyen`);
  await page.getByRole('button', { name: 'Listen to the short version' }).click();
  await expect(page.locator('button.read-aloud')).toHaveAttribute('data-state', 'playing');
  const src = await page.locator('audio.read-aloud-recording').evaluate((el: HTMLAudioElement) => el.currentSrc);
  expect(src).toBe(url);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.locator('button.read-aloud')).toHaveAttribute('data-state', 'paused');
});
