// electron-vite builds the thin Electron shell: main (ESM) and the sandboxed preload (CommonJS,
// as a sandboxed preload must be). The renderer is built by renderer/vite.config.ts into
// out/renderer, which the main process serves at aup://kiosk/.
import { defineConfig } from 'electron-vite';

/**
 * Loaded from node_modules at run time rather than bundled: Electron itself, and the main process's
 * runtime dependencies, which electron-builder ships in app.asar (a test checks that it does).
 */
export const MAIN_EXTERNALS = ['electron', 'ldapts', 'pg', 'conf', 'zod', 'csv-parse', 'csv-stringify'];

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: 'electron/main/index.ts', formats: ['es'] },
      rollupOptions: { external: MAIN_EXTERNALS.flatMap((name) => [name, new RegExp(`^${name}/`)]) },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: 'electron/preload/index.ts', formats: ['cjs'], fileName: () => 'index.cjs' },
      rollupOptions: { external: ['electron'] },
    },
  },
});
