#!/usr/bin/env node
// Renders assets/icon.svg (the one source image) to assets/icon.png, 1024×1024 with transparency,
// in Chromium through Playwright (both already used by the tests: no image tool to install).
// electron-builder makes the Windows .ico and the macOS .icns from the PNG at build time.
// Run after changing the SVG: node build/render-icon.mjs [path/to/chromium]
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright';

const root = path.resolve(import.meta.dirname, '..');
const svg = readFileSync(path.join(root, 'assets/icon.svg'), 'utf8');
const executablePath = process.argv[2] ?? ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => existsSync(p));
const browser = await chromium.launch(executablePath ? { executablePath } : {});
try {
  const page = await browser.newPage({ viewport: { width: 1024, height: 1024 }, deviceScaleFactor: 1 });
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: path.join(root, 'assets/icon.png'), omitBackground: true });
  console.log('wrote assets/icon.png');
} finally {
  await browser.close();
}
