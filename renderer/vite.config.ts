// Runs in Node at build time, but lives beside the page it builds (and so imports nothing from node:*).
// Builds the renderer into out/renderer for Electron (loaded from disk, hence relative paths) and for
// the loopback bridge. No inline scripts, no eval: the page runs under a strict CSP.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer', // relative to `root`
    emptyOutDir: true,
    target: 'chrome120',
    // A kiosk works offline and under `script-src 'self'`: nothing inlined as data: URLs.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    sourcemap: false,
  },
  server: { host: '127.0.0.1' },
});
