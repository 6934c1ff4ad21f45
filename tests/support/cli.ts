// Runs the real `aup` executable (bin/aup.mjs) as a child process.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO } from './fixtures.ts';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `checkout`: another copy of the repository whose bin/aup.mjs to run (the build tests). */
export function aup(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; checkout?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(options.checkout ?? REPO, 'bin/aup.mjs'), ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, AUP_KIOSK_CONFIG: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
