// The pages made for principals, opened in Chromium as a principal would open them (issue 12): the
// evidence page of one student, the campus report and a policy shown as the kiosk shows it. Each is
// made by the real `aup` from a real ledger written by the real KioskService; each is axe-clean in
// English and Spanish (forced colours too), reflows at 200 % zoom, fetches nothing, runs no script
// but its own, and prints to PDF with Chromium's own print-to-PDF (its pages counted).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from '@playwright/test';
import { openKioskService } from '../../electron/core/setup.ts';
import { MemoryLog } from '../../electron/core/log.ts';
import { ManualClock } from '../../electron/core/time.ts';
import { demoConfigIn } from '../../harness/demo-config.ts';
import { aup } from '../support/cli.ts';
import { expect, expectAccessible, test } from './support/kiosk.ts';

// Not test-results/: other Playwright runs empty it. The README's screenshots are copied from here.
const SCREENS_DIR = path.resolve(import.meta.dirname, '../../out/report-pages');
let dir: string;
const page = (name: string) => path.join(dir, name);

test.beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aup-pages-'));
  const config = await demoConfigIn(dir);
  // Homerooms from the student information system: the campus report lists who has not accepted room by room.
  const roster = JSON.parse(await readFile(path.join(dir, 'roster.json'), 'utf8'));
  const rooms = ['Room 101', 'Room 102', 'Lab 204'];
  roster.users.filter((u: { role: string }) => u.role === 'student').forEach((u: { homeroom?: string }, i: number) => (u.homeroom = rooms[i % 3]));
  await writeFile(path.join(dir, 'roster.json'), JSON.stringify(roster));
  const clock = new ManualClock('2026-09-15T14:00:00Z');
  const kiosk = await openKioskService({ configFile: config, clock, log: new MemoryLog(), machine: 'LAB204-PC07' });
  try {
    for (const user of ['ben.carter', 'diego.ramos', 'eli.brooks', 'ms.garcia']) {
      const s = kiosk.session(user);
      const v = await s.getView();
      if (v.kind !== 'policy') throw new Error(`${user}: ${v.kind} ${JSON.stringify(v)}`);
      const d = v.document;
      const typedName = v.signature === 'typed-name' ? v.user.displayName : undefined;
      expect(
        await s.acceptPolicy({
          policyId: d.policyId,
          version: d.version,
          sha256: d.sha256,
          language: d.language,
          ...(typedName ? { typedName } : {}),
        }),
      ).toEqual({
        ok: true,
      });
      clock.advance(90_000);
    }
    const ben = kiosk.session('ben.carter');
    const rules = await ben.getView();
    if (rules.kind !== 'safety-rules') throw new Error(rules.kind);
    expect(await ben.acknowledgeSafetyRules({ rulesId: rules.document.policyId, version: rules.document.version })).toEqual({ ok: true });
    clock.advance(60_000);
    expect(await ben.teacherUnlock({ username: 'ms.garcia', secret: '2468' })).toEqual({ ok: true });
  } finally {
    await kiosk.close();
  }
  const forms = path.join(dir, 'forms.csv');
  await writeFile(
    forms,
    'username,policyId,version,language,signedOn,signer,enteredBy\nben.carter,guardian-agreement,2025-26,es,2026-08-20,guardian,clerk.kim\n',
  );
  const imported = await aup(['ledger', 'import', forms, '--config', config]);
  expect(imported.code, imported.stderr).toBe(0);
  const run = async (args: string[]) => {
    const r = await aup([...args, '--config', config]);
    expect(r.code, r.stderr).toBe(0);
  };
  const year = ['--year', '2026-27'];
  for (const lang of ['en', 'es']) {
    await run(['evidence', '--user', 'ben.carter', ...year, '--lang', lang, '--out', page(`evidence.${lang}.html`)]);
    await run(['report', '--format', 'html', ...year, '--at', '2026-09-16', '--lang', lang, '--out', page(`campus.${lang}.html`)]);
  }
  const show = await aup([
    'policy',
    'show',
    '--catalog',
    path.resolve('assets/policies'),
    '--id',
    'student-aup',
    '--version',
    '2026-27',
    '--lang',
    'es',
    '--out',
    page('policy.es.html'),
  ]);
  expect(show.code, show.stderr).toBe(0);
});

test.afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Opens a page from its file, failing on any request beyond the file itself. */
async function open(p: Page, file: string): Promise<string[]> {
  const requests: string[] = [];
  p.on('request', (r) => requests.push(r.url()));
  await p.goto(pathToFileURL(file).href);
  await expect(p.locator('h1')).toBeVisible();
  return requests;
}

/** Chromium's own print-to-PDF; the page count read from the PDF's page objects. */
async function printedPages(p: Page, name: string): Promise<number> {
  const pdf = await p.pdf({ format: 'Letter', printBackground: true });
  await mkdir(SCREENS_DIR, { recursive: true });
  await writeFile(path.join(SCREENS_DIR, `${name}.pdf`), pdf);
  const text = pdf.toString('latin1');
  expect(text.startsWith('%PDF-')).toBe(true);
  const pages = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  // The page tree may be nested: the root node's /Count (the largest) is the document's page count.
  const counts = [...text.matchAll(/<<[^<>]*\/Type\s*\/Pages\b[^<>]*>>/g)].map((m) => Number(/\/Count\s+(\d+)/.exec(m[0])?.[1] ?? 0));
  const count = Math.max(0, ...counts);
  expect(pages, 'page objects agree with the page tree').toBe(count);
  return pages;
}

/** At 200 % zoom (a 1280-wide window seen as 640 CSS px) the page reflows: nothing scrolls sideways. */
async function reflowsAt200(p: Page): Promise<void> {
  await p.setViewportSize({ width: 640, height: 800 });
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'no horizontal scrolling at 200 % zoom').toBeLessThanOrEqual(1);
  await p.setViewportSize({ width: 1024, height: 768 });
}

async function screenshot(p: Page, name: string): Promise<void> {
  await mkdir(SCREENS_DIR, { recursive: true });
  await p.screenshot({ path: path.join(SCREENS_DIR, `${name}.png`), fullPage: false });
}

for (const lang of ['en', 'es'] as const) {
  test(`the evidence page (${lang}): one student's records, the text accepted, the chain's verdict; axe-clean, printable`, async ({ page: p }) => {
    const requests = await open(p, page(`evidence.${lang}.html`));
    expect(requests).toEqual([pathToFileURL(page(`evidence.${lang}.html`)).href]);
    await expect(p.locator('html')).toHaveAttribute('lang', lang);
    await expect(p.getByRole('heading', { level: 1 })).toHaveText(
      lang === 'en' ? 'Technology policy evidence' : 'Constancia de la política de tecnología',
    );
    // Ben's records are lines 1, 5, 6 and 7 of the year's file (three others accepted in between).
    await expect(
      p.getByText(
        lang === 'en' ? 'ledger-2026-27.jsonl: chain intact from record 1 to 7.' : 'ledger-2026-27.jsonl: cadena intacta de la constancia 1 a la 7.',
      ),
    ).toBeVisible();
    await expect(p.getByRole('article')).toHaveCount(4);
    await expectAccessible(p, `evidence page ${lang}`);
    await reflowsAt200(p);
    await screenshot(p, `evidence.${lang}`);
    // The whole policy text is on the page: more than one printed page, and the header on the first.
    expect(await printedPages(p, `evidence.${lang}`)).toBeGreaterThanOrEqual(3);
  });

  test(`the campus report (${lang}): bars per grade and room, who has not accepted room by room; sortable by keyboard; a printed page per room`, async ({
    page: p,
  }) => {
    await open(p, page(`campus.${lang}.html`));
    await expect(p.getByRole('img')).toHaveCount(2);
    await screenshot(p, `campus.${lang}`);
    // Staff have no homeroom: their list is the longest (four of five have not accepted).
    const table = p.getByRole('table', { name: lang === 'en' ? /No homeroom on the roster/ : /Sin salón asignado/ });
    const names = () => table.locator('tbody tr td:nth-child(2)').allTextContents();
    const before = await names();
    expect(before.length).toBe(4);
    // Sort by username, descending, from the keyboard: Tab to the button, Enter twice.
    const sortBy = table.getByRole('button', { name: lang === 'en' ? 'Username' : 'Nombre de usuario' });
    await sortBy.focus();
    await p.keyboard.press('Enter');
    await expect(table.locator('th').nth(1)).toHaveAttribute('aria-sort', 'ascending');
    await p.keyboard.press('Enter');
    await expect(table.locator('th').nth(1)).toHaveAttribute('aria-sort', 'descending');
    expect(await names()).toEqual([...before].sort().reverse());
    await expectAccessible(p, `campus report ${lang}`);
    // At a desk's width no column heading or cell is cut inside a word ("Usernam|e"): each text takes
    // no more lines than it has words.
    const cutWords = await p.evaluate(() =>
      [...document.querySelectorAll('th, td')].flatMap((cell) => {
        // Each text node's line boxes (a sort button's own box is not a line of text).
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        const cut: string[] = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent?.trim() ?? '';
          if (!text) continue;
          const range = document.createRange();
          range.selectNodeContents(node);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
          if (lines > text.split(/[\s-]+/).length) cut.push(text);
        }
        return cut;
      }),
    );
    expect(cutWords, 'cells whose words are broken across lines').toEqual([]);
    await reflowsAt200(p);
    // The summary, then one page per room (three homerooms): at least four pages.
    expect(await printedPages(p, `campus.${lang}`)).toBeGreaterThanOrEqual(4);
  });
}

test('a policy shown as the kiosk shows it (aup policy show): axe-clean, printable', async ({ page: p }) => {
  await open(p, page('policy.es.html'));
  await expect(p.locator('html')).toHaveAttribute('lang', 'es');
  await expect(p.getByRole('heading', { level: 2 }).first()).toBeVisible();
  await expectAccessible(p, 'policy show');
  await reflowsAt200(p);
  await screenshot(p, 'policy-show.es');
  expect(await printedPages(p, 'policy-show.es')).toBeGreaterThanOrEqual(2);
});
