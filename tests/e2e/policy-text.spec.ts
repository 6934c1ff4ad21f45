// A district may replace the bundled catalog with its own documents. Whatever Markdown they hold, the
// kiosk shows text: raw HTML is not parsed, links cannot be followed (their address is shown), images
// are not fetched, and nothing breaks the strict CSP (the console-error check of every test sees
// violations). The document's headings sit under the screen's h1.
import { DISTRICT_URL } from './support/run.ts';
import { expect, expectScreen, test } from './support/kiosk.ts';

test('a district document’s links, raw HTML and images are shown as text inside the kiosk', async ({ page }) => {
  await page.goto(`${DISTRICT_URL}/?user=diego.ramos`);
  await expectScreen(page, 'Student Technology Acceptable Use Policy');
  const text = page.getByRole('region', { name: 'Policy text' });
  await text.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));

  await expect(text.getByRole('heading', { name: 'Links and markup', level: 3 })).toBeVisible();
  await expect(text.locator('h1')).toHaveCount(0);
  await expect(text.locator('a')).toHaveCount(0);
  await expect(text).toContainText('Read the district technology page (https://www.lockhartisd.org/technology) or write to help@lockhartisd.org.');
  await expect(text).toContainText('<script>document.title = "owned"</script>');
  await expect(text.locator('script, img, iframe')).toHaveCount(0);
  await expect(text).toContainText('District seal (https://example.org/seal.png)');
  await expect(text.getByRole('table')).toContainText('Laptop');
  expect(await page.title()).not.toBe('owned');
});
