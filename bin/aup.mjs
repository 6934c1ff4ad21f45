#!/usr/bin/env node
// The `aup` CLI in a development checkout: runs the TypeScript sources through tsx.
// The packaged app runs the same code from its own executable (no Node.js needed on lab PCs).
import { tsImport } from 'tsx/esm/api';

try {
  const { runCli, processIo } = await tsImport('../electron/core/cli/main.ts', import.meta.url);
  process.exitCode = await runCli(process.argv.slice(2), processIo());
} catch (error) {
  process.stderr.write(`aup: could not start: ${error?.message ?? error}\n`);
  process.exitCode = 1;
}
