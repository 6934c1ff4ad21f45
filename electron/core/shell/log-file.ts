// The kiosk's log on disk, where a technician looks for it: start-up, the config's source, every
// refusal and error. One file per account that signs in (a lab PC has many, and one account cannot
// append to another's file), rotated by size, in the OS log folder:
//   Windows  %ProgramData%\AUP Kiosk\logs      macOS  /Library/Logs/AUP Kiosk
//   Linux    /var/log/aup-kiosk                  (else the account's own log folder)
// Never a secret: fields named like one are redacted whatever the caller passes.
import { closeSync, constants, fstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync, ftruncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KioskLog, LogLevel } from '../log.ts';

export const LOG_MAX_BYTES = 1024 * 1024;
export const LOG_KEEP = 5;
const MAX_LINE = 8 * 1024;
const REDACTED = '[redacted]';

const SECRET_WORDS = new Set([
  'secret',
  'secrets',
  'password',
  'passwords',
  'passwd',
  'passphrase',
  'pwd',
  'pin',
  'pins',
  'token',
  'tokens',
  'credential',
  'credentials',
  'cookie',
  'cookies',
  'authorization',
  'private',
]);
const SECRET_KEYS = new Set(['connectionstring', 'apikey', 'clientsecret', 'bindcredentials']);
/** `bindPasswordFile` names where a secret is, not the secret: a path is worth logging. */
const LOCATION_WORDS = new Set(['file', 'path', 'dir', 'folder']);

function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** True for a field name that may hold a secret: `secret`, `password`, `pin`, `pinHash`, `bind_password`, `connectionString`. */
export function isSecretKey(key: string): boolean {
  const words = wordsOf(key);
  if (SECRET_KEYS.has(words.join(''))) return true;
  if (!words.some((w) => SECRET_WORDS.has(w))) return false;
  return !LOCATION_WORDS.has(words[words.length - 1]!);
}

/** Secrets that can hide inside text: a password in a URL, a PIN hash. */
export function redactText(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*):[^@/?#\s]*@/gi, `$1:${REDACTED}@`).replace(/scrypt\$[^\s"',;]+/g, REDACTED);
}

const PIN_SHAPED = /^\s*\d{4,12}\s*$/;

/** A copy of `value` safe to write: secret-named fields and secrets in text replaced. */
export function redact(value: unknown, key = '', depth = 0): unknown {
  if (key && isSecretKey(key)) return REDACTED;
  // What someone typed as a user name is sometimes their PIN, typed in the wrong box.
  if (key === 'attemptedBy' && typeof value === 'string' && PIN_SHAPED.test(value)) return `${REDACTED} (looks like a PIN)`;
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 6) return '[…]';
  if (value instanceof Error) return redactText(value.message);
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, '', depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redact(v, k, depth + 1);
  return out;
}

/** One line: `2026-09-08T13:30:00.000Z warn  failed sign-in {"user":"ben.carter",...}`. */
export function formatLogLine(at: Date, level: LogLevel, message: string, fields?: Record<string, unknown>): string {
  // Control characters (a newline in a typed user name) could forge a line of their own.
  const clean = (s: string) => s.replace(/\p{Cc}/gu, ' ');
  let line = `${at.toISOString()} ${level.padEnd(5)} ${clean(redactText(message))}`;
  if (fields && Object.keys(fields).length > 0) line += ` ${JSON.stringify(redact(fields))}`;
  if (line.length > MAX_LINE) line = `${line.slice(0, MAX_LINE)} …(cut)`;
  return `${line}\n`;
}

/** The OS log folder of the machine (docs/design.md: logs a technician can find). */
export function machineLogFolder(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return path.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'AUP Kiosk', 'logs');
  if (platform === 'darwin') return '/Library/Logs/AUP Kiosk';
  return '/var/log/aup-kiosk';
}

/** The account's own log folder, used when the machine folder cannot be written. */
export function userLogFolder(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  if (platform === 'win32') return path.win32.join(env.LOCALAPPDATA ?? path.win32.join(home, 'AppData', 'Local'), 'AUP Kiosk', 'logs');
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Logs', 'AUP Kiosk');
  return path.posix.join(env.XDG_STATE_HOME || path.posix.join(home, '.local', 'state'), 'aup-kiosk');
}

/** `aup-kiosk-ben.carter.log`: only characters every file system takes. */
export function logFileName(username: string): string {
  const safe =
    username
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 64) || 'unknown';
  return `aup-kiosk-${safe}.log`;
}

export interface LogFileOptions {
  file: string;
  maxBytes?: number;
  /** How many rotated files (`.1` … `.N`) are kept. */
  keep?: number;
  now?: () => Date;
  /** Also hands every line here (stderr in a development build). */
  echo?: (line: string) => void;
}

/** A size-rotated log file. Writes are synchronous, so the last line before a crash is on disk. */
export class LogFile implements KioskLog {
  readonly file: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  readonly #now: () => Date;
  readonly #echo: ((line: string) => void) | undefined;
  #fd: number | null;
  #size: number;
  #failed = false;

  /** Throws when the file cannot be opened safely (the caller then picks another folder). */
  constructor(options: LogFileOptions) {
    this.file = options.file;
    this.#maxBytes = options.maxBytes ?? LOG_MAX_BYTES;
    this.#keep = Math.max(1, options.keep ?? LOG_KEEP);
    this.#now = options.now ?? (() => new Date());
    this.#echo = options.echo;
    mkdirSync(path.dirname(this.file), { recursive: true });
    [this.#fd, this.#size] = this.#open();
  }

  #open(): [number, number] {
    // O_NOFOLLOW: in a folder every account can write to, a link planted under this account's file
    // name must not make the kiosk append to some other file of the signed-in user.
    const fd = openSync(this.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o640);
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new Error(`${this.file} is not a regular file`);
      const uid = process.getuid?.();
      if (uid !== undefined && (st.uid !== uid || st.nlink > 1)) throw new Error(`${this.file} belongs to another account or has other names`);
      return [fd, st.size];
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    const line = formatLogLine(this.#now(), level, message, fields);
    this.#echo?.(line);
    if (this.#fd === null) return;
    const bytes = Buffer.from(line, 'utf8');
    try {
      if (this.#size > 0 && this.#size + bytes.length > this.#maxBytes) this.#rotate();
      writeSync(this.#fd, bytes);
      this.#size += bytes.length;
    } catch (error) {
      // A log must never stop the kiosk; say it once where someone running it by hand will see it.
      if (!this.#failed) process.stderr.write(`aup-kiosk: cannot write the log ${this.file}: ${(error as Error).message}\n`);
      this.#failed = true;
    }
  }

  #rotate(): void {
    closeSync(this.#fd!);
    this.#fd = null;
    try {
      const name = (i: number) => `${this.file}.${i}`;
      try {
        unlinkSync(name(this.#keep));
      } catch {
        // not there yet
      }
      for (let i = this.#keep - 1; i >= 1; i--) {
        try {
          renameSync(name(i), name(i + 1));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
      renameSync(this.file, name(1));
      [this.#fd, this.#size] = this.#open();
    } catch (error) {
      // Cannot rotate (another account owns an old file): start this file over rather than grow forever.
      [this.#fd] = this.#open();
      ftruncateSync(this.#fd, 0);
      this.#size = 0;
      writeSync(this.#fd, formatLogLine(this.#now(), 'warn', 'log rotation failed; the log starts over', { error: (error as Error).message }));
    }
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}

export interface KioskLogChoice {
  log: KioskLog & { close(): void };
  /** Where the lines go; null when no folder could be written (stderr only). */
  file: string | null;
  /** Why the machine folder was not used. */
  problems: string[];
}

/** Opens the account's log in the machine folder, else in the account's own folder, else stderr. */
export function openKioskLog(options: {
  username: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  home?: string;
  maxBytes?: number;
  keep?: number;
  echo?: (line: string) => void;
  folders?: string[];
}): KioskLogChoice {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const folders = options.folders ?? [machineLogFolder(platform, env), userLogFolder(platform, env, options.home)];
  const problems: string[] = [];
  for (const folder of folders) {
    const file = path.join(folder, logFileName(options.username));
    try {
      const log = new LogFile({
        file,
        ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
        ...(options.keep ? { keep: options.keep } : {}),
        ...(options.echo ? { echo: options.echo } : {}),
      });
      return { log, file, problems };
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
    }
  }
  const echo = options.echo ?? ((line: string) => process.stderr.write(line));
  return {
    log: { write: (level, message, fields) => echo(formatLogLine(new Date(), level, message, fields)), close: () => {} },
    file: null,
    problems,
  };
}
