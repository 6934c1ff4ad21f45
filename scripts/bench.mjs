#!/usr/bin/env node
// `npm run bench [-- name...]`: runs bench/run.ts (every benchmark, or the named ones) with the
// garbage collector exposed (for heap figures) and exits with its code. JSON on stdout, progress on stderr.
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join('bench', 'run.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
