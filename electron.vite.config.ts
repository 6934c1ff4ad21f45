// electron-vite builds the thin Electron shell: main (ESM) and the sandboxed preload (CommonJS,
// as a sandboxed preload must be). The renderer is built by renderer/vite.config.ts into out/renderer.
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: 'electron/main/index.ts', formats: ['es'] },
      rollupOptions: { external: ['electron', 'ldapts', 'pg', 'conf', 'zod', 'csv-parse', 'csv-stringify'] },
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
