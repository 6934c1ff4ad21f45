// What the throwaway servers of the tests (slapd, PostgreSQL) share: finding tools, a free loopback
// port, telling a live process from a dead one, sweeping folders a killed test run left, and a test CA.
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A loopback port nobody listens on right now (a server may still lose a race for it: starts retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A process that is running (a zombie, dead but not yet reaped, does not count). */
export function running(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): trust kill(pid, 0)
  }
}

/**
 * Removes folders `<parent>/<prefix>*` left by a test process that died before its afterAll (its
 * server died with it). Only folders whose server is gone, so parallel test files are left alone.
 */
export function sweepLeftovers(parent: string, prefix: string, pidFileIn: (dir: string) => string): void {
  let names: string[];
  try {
    names = readdirSync(parent).filter((name) => name.startsWith(prefix));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(parent, name);
    try {
      const pid = Number.parseInt(readFileSync(pidFileIn(dir), 'utf8').split('\n')[0]?.trim() ?? '', 10);
      if (pid > 0 && !running(pid)) rmSync(dir, { recursive: true, force: true });
    } catch {
      // no pid file: still starting (another test file), or not ours to judge
    }
  }
}

/** A test CA and a server certificate for 127.0.0.1 and localhost, made with openssl in `dir`. */
export async function makeCertificates(dir: string, commonName = 'localhost'): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  const caFile = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];
  try {
    await run('openssl', [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      caKey,
      '-out',
      caFile,
      '-subj',
      '/CN=AUP Kiosk test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await run('openssl', [
      'req',
      '-x509',
      '-CA',
      caFile,
      '-CAkey',
      caKey,
      ...ec,
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'extendedKeyUsage=serverAuth',
    ]);
  } catch (error) {
    throw new Error(`openssl could not make the test certificates (apt-get install -y openssl): ${(error as { stderr?: string }).stderr ?? error}`, {
      cause: error,
    });
  }
  return { caFile, certFile, keyFile };
}
